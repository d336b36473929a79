// Lines of output sorted by (time, text key) in bounded memory: `calls` prints its records in
// order of their first message, but they arrive as calls end. Held lines are sorted and spilled
// to an unnamed temporary file when they pass a budget; the runs are merged when written. Ties
// keep the order the lines were added (as std::stable_sort).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sipdx::cli {

class SortedLines {
public:
    explicit SortedLines(std::size_t memory_budget = std::size_t{16} << 20);
    ~SortedLines();
    SortedLines(const SortedLines&) = delete;
    SortedLines& operator=(const SortedLines&) = delete;

    void add(std::int64_t time, std::string_view key, std::string_view line);
    // Writes every line in order; false when writing (or reading a spilled run) failed.
    bool write_to(std::FILE* out);

    std::size_t spilled_runs() const { return m_runs.size(); }

private:
    struct Entry {
        std::int64_t time;
        std::size_t key_offset, key_size, line_offset, line_size;
    };
    void spill();

    std::size_t m_budget;
    std::string m_arena;
    std::vector<Entry> m_entries;
    std::vector<std::FILE*> m_runs;
};

} // namespace sipdx::cli
