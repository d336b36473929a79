// What a ReportBuilder keeps between the run and the page: aggregates, the spools of per-call
// data, the string dictionary of the calls table and the calls still open. builder.cpp fills
// it, page.cpp renders it.
#pragma once

#include "report/detail/series.h"
#include "report/detail/spool.h"

#include <sipdx/report/redact.h>
#include <sipdx/report/report.h>
#include <sipdx/session/record.h>
#include <sipdx/session/record_cache.h>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sipdx::report {

namespace detail {

inline constexpr std::uint32_t no_text = ~0u;

// One message of an open call, without a heap allocation of its own: its label and its text
// live in the call's two strings.
struct LadderRow {
    std::int64_t time_ns = 0;
    std::uint64_t frame = 0;
    session::Endpoint src;
    session::Endpoint dst;
    std::uint32_t label_offset = 0;
    std::uint32_t text_offset = 0;
    std::uint32_t text_size = no_text;
    std::uint16_t label_size = 0;
    std::uint8_t flags = 0; // 1 retransmission, 2 duplicate copy, 4 SDP, 8 request
    decode::Transport transport = decode::Transport::udp;
};

// One call still open: its ladder rows and the text of its messages, until its record comes.
struct OpenCall {
    std::vector<LadderRow> rows;
    std::string labels;
    std::string text;
    std::uint64_t bytes = 0; // what it counts against the open budget
    std::uint32_t cut = 0;   // ladder rows not kept (memory, or past max_ladder_rows)
    bool text_lost = false;  // some text not kept (memory)
};

// Calls per chunk of detail data: row i of the table is entry i % calls_per_chunk of chunk
// i / calls_per_chunk, so rows need not say where their detail is.
inline constexpr std::uint32_t calls_per_chunk = 256;
inline constexpr std::size_t max_ladder_rows = 2000;   // per call, in the report
inline constexpr std::size_t max_message_text = 65536; // per message, in the report
inline constexpr std::size_t max_dictionary = 200000;  // distinct strings in the calls table
inline constexpr std::size_t max_grid_rows = 4096;     // distinct failing nodes kept

// Lets the dictionary be searched with a string_view, without building a std::string per look-up.
struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view value) const {
        return std::hash<std::string_view>{}(value);
    }
};

} // namespace detail

struct ReportBuilder::State {
    explicit State(const ReportOptions& o);

    ReportOptions options;
    Redactor redactor;
    detail::Spool rows;
    detail::Spool details;
    ReportStats stats;

    std::unordered_map<std::uint64_t, detail::OpenCall> open; // by CallRecord::number
    session::RecordCache<detail::OpenCall*> open_recent;      // in front of `open`
    std::uint64_t open_bytes = 0;
    bool time_base_set = false;
    std::int64_t time_base_ns = 0; // rows hold their start in ms from here

    detail::TimeSeries series;
    std::array<std::uint64_t, 11> pdd_histogram{};
    std::array<std::uint64_t, 11> setup_histogram{};
    // Failing node (as the calls table shows it) -> final code (0: no answer) -> records.
    std::map<std::string, std::map<int, std::uint64_t>> grid;
    std::uint64_t grid_other = 0; // failures past max_grid_rows nodes

    std::unordered_map<std::string, std::uint32_t, detail::StringHash, std::equal_to<>>
        dictionary_index;
    std::vector<std::string> dictionary;

    std::int64_t previous_start_ms = 0; // rows hold their start as a delta from the row before
    std::uint64_t detail_count = 0;

    std::string scratch;
    std::string scratch_row;
    std::string scratch_ladder;
    std::string scratch_why;
    std::string scratch_skeleton;
    std::string scratch_times;
    std::string scratch_texts;
    std::string scratch_frames;
    std::vector<session::Endpoint> scratch_hosts;

    bool text_wanted() const;
    // Appends a dictionary reference (a number) or, once the dictionary is full, the JSON
    // string itself.
    void append_dict(std::string& out, std::string_view value);
    std::string shown(std::string_view value); // redacted when asked
    // Appends `value` as a JSON string, redacted when asked.
    void append_shown(std::string& out, std::string_view value);
    // Appends the templated explanation as [template, number...]: digit runs become \u0003 and
    // follow as numbers (strings where a leading zero matters), the template goes through the
    // dictionary. Templates repeat from call to call, so a call keeps only its numbers.
    void append_why(std::string& out, std::string_view why);
};

} // namespace sipdx::report
