#include "sorted_lines.h"

#include "command.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <queue>

namespace sipdx::cli {

namespace {

bool write_bytes(std::FILE* f, const void* data, std::size_t size) {
    return std::fwrite(data, 1, size, f) == size;
}

template <typename T>
bool read_value(std::FILE* f, T& value) {
    return std::fread(&value, sizeof value, 1, f) == 1;
}

// One spilled run being merged: its current line.
struct RunHead {
    std::FILE* file = nullptr;
    std::size_t index = 0;
    std::int64_t time = 0;
    std::string key;
    std::string line;

    // False at the end of the run.
    bool advance() {
        std::uint64_t key_size = 0;
        std::uint64_t line_size = 0;
        if (!read_value(file, time)) return false;
        if (!read_value(file, key_size) || !read_value(file, line_size))
            throw UsageError("calls: a spilled temporary file was cut short");
        key.resize(key_size);
        line.resize(line_size);
        if (std::fread(key.data(), 1, key_size, file) != key_size ||
            std::fread(line.data(), 1, line_size, file) != line_size)
            throw UsageError("calls: a spilled temporary file was cut short");
        return true;
    }
};

} // namespace

SortedLines::SortedLines(std::size_t memory_budget) : m_budget(memory_budget) {}

SortedLines::~SortedLines() {
    for (auto* f : m_runs)
        std::fclose(f);
}

void SortedLines::add(std::int64_t time, std::string_view key, std::string_view line) {
    const std::size_t key_offset = m_arena.size();
    m_arena += key;
    m_arena += line;
    m_entries.push_back({time, key_offset, key.size(), key_offset + key.size(), line.size()});
    if (m_arena.size() + m_entries.size() * sizeof(Entry) > m_budget) spill();
}

void SortedLines::spill() {
    const std::string_view arena(m_arena);
    std::stable_sort(m_entries.begin(), m_entries.end(), [&](const Entry& a, const Entry& b) {
        if (a.time != b.time) return a.time < b.time;
        return arena.substr(a.key_offset, a.key_size) < arena.substr(b.key_offset, b.key_size);
    });
    // tmpfile(): a new unnamed file in the temporary folder, gone when closed.
    std::FILE* run = std::tmpfile();
    if (run == nullptr) {
        // No temporary folder to write to: keep sorting in memory, as before spilling existed.
        m_budget = std::max(m_budget, m_arena.size() + m_entries.size() * sizeof(Entry)) * 2;
        return;
    }
    m_runs.push_back(run);
    for (const auto& e : m_entries) {
        const std::uint64_t key_size = e.key_size;
        const std::uint64_t line_size = e.line_size;
        if (!write_bytes(run, &e.time, sizeof e.time) ||
            !write_bytes(run, &key_size, sizeof key_size) ||
            !write_bytes(run, &line_size, sizeof line_size) ||
            !write_bytes(run, arena.data() + e.key_offset, e.key_size + e.line_size))
            throw UsageError(std::string("calls: cannot write a temporary file to sort the "
                                         "records: ") +
                             std::strerror(errno));
    }
    if (std::fflush(run) != 0 || std::fseek(run, 0, SEEK_SET) != 0)
        throw UsageError(std::string("calls: temporary file: ") + std::strerror(errno));
    m_entries.clear();
    m_arena.clear();
}

bool SortedLines::write_to(std::FILE* out) {
    // Held lines become the last run (in memory it would be the same: merged last on ties).
    if (!m_runs.empty() && !m_entries.empty()) {
        spill();
        if (!m_entries.empty())
            throw UsageError(std::string("calls: cannot make a temporary file to sort the "
                                         "records: ") +
                             std::strerror(errno));
    }
    if (m_runs.empty()) {
        const std::string_view arena(m_arena);
        std::stable_sort(m_entries.begin(), m_entries.end(), [&](const Entry& a, const Entry& b) {
            if (a.time != b.time) return a.time < b.time;
            return arena.substr(a.key_offset, a.key_size) < arena.substr(b.key_offset, b.key_size);
        });
        for (const auto& e : m_entries)
            if (!write_bytes(out, arena.data() + e.line_offset, e.line_size)) return false;
        return true;
    }
    std::vector<RunHead> heads(m_runs.size());
    auto later = [&](std::size_t a, std::size_t b) {
        const RunHead& x = heads[a];
        const RunHead& y = heads[b];
        if (x.time != y.time) return x.time > y.time;
        if (x.key != y.key) return x.key > y.key;
        return x.index > y.index; // an earlier run first: ties keep their arrival order
    };
    std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> queue(later);
    for (std::size_t i = 0; i < m_runs.size(); ++i) {
        heads[i].file = m_runs[i];
        heads[i].index = i;
        if (heads[i].advance()) queue.push(i);
    }
    while (!queue.empty()) {
        const std::size_t i = queue.top();
        queue.pop();
        if (!write_bytes(out, heads[i].line.data(), heads[i].line.size())) return false;
        if (heads[i].advance()) queue.push(i);
    }
    return true;
}

} // namespace sipdx::cli
