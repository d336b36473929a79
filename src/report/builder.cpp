// The run side of a report: what each message and each record leaves behind (docs/report.md,
// "Memory and size").
#include "report/detail/state.h"

#include <sipdx/analysis/explain.h>
#include <sipdx/analysis/summary.h>
#include <sipdx/text/escape.h>
#include <sipdx/text/time.h>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <iterator>

namespace sipdx::report {

using detail::OpenCall;

namespace {

template <typename Int>
void append_uint(std::string& out, Int value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end);
}

} // namespace

std::string_view to_string(MessageText mode) {
    switch (mode) {
    case MessageText::failed:
        return "failed";
    case MessageText::all:
        return "all";
    case MessageText::none:
        return "none";
    }
    return "failed";
}

std::optional<MessageText> parse_message_text(std::string_view text) {
    for (const auto mode : {MessageText::failed, MessageText::all, MessageText::none})
        if (text == to_string(mode)) return mode;
    return std::nullopt;
}

ReportBuilder::State::State(const ReportOptions& o)
    : options(o), rows(o.chunk_bytes, o.compression_level),
      details(o.chunk_bytes, o.compression_level) {}

bool ReportBuilder::State::text_wanted() const {
    if (options.messages == MessageText::none) return false;
    return options.message_budget_bytes == 0 || stats.text_bytes < options.message_budget_bytes;
}

std::string ReportBuilder::State::shown(std::string_view value) {
    return options.redact ? redactor.apply(value) : std::string(value);
}

void ReportBuilder::State::append_shown(std::string& out, std::string_view value) {
    out += '"';
    if (options.redact)
        text::append_json(out, redactor.apply(value));
    else
        text::append_json(out, value);
    out += '"';
}

void ReportBuilder::State::append_dict(std::string& out, std::string_view value) {
    auto it = dictionary_index.find(value);
    if (it == dictionary_index.end()) {
        if (dictionary.size() >= detail::max_dictionary) {
            out += '"';
            text::append_json(out, value);
            out += '"';
            return;
        }
        it = dictionary_index
                 .emplace(std::string(value), static_cast<std::uint32_t>(dictionary.size()))
                 .first;
        dictionary.emplace_back(value);
    }
    append_uint(out, it->second);
}

void ReportBuilder::State::append_why(std::string& out, std::string_view why) {
    std::string& skeleton = scratch_skeleton;
    skeleton.clear();
    std::string& numbers = scratch_times; // free until the ladder is formatted
    numbers.clear();
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    for (std::size_t i = 0; i < why.size();) {
        if (why[i] == '\x03') { // a literal one (hostile text) is an argument of its own
            skeleton += '\x03';
            numbers += ",\"\\u0003\"";
            ++i;
            continue;
        }
        if (!digit(why[i])) {
            skeleton += why[i++];
            continue;
        }
        std::size_t end = i;
        while (end < why.size() && digit(why[end]))
            ++end;
        const std::string_view run = why.substr(i, end - i);
        skeleton += '\x03';
        numbers += ',';
        // A leading zero or a run past a double's exact integers stays a string.
        if ((run.size() > 1 && run[0] == '0') || run.size() > 15) {
            numbers += '"';
            numbers += run;
            numbers += '"';
        } else {
            numbers += run;
        }
        i = end;
    }
    out += '[';
    append_dict(out, skeleton);
    out += numbers;
    out += ']';
}

ReportBuilder::ReportBuilder(ReportOptions options) : m_state(std::make_unique<State>(options)) {}

ReportBuilder::~ReportBuilder() = default;

const ReportStats& ReportBuilder::stats() const {
    return m_state->stats;
}

void ReportBuilder::add_message(const analysis::MessageContext& m) {
    State& s = *m_state;
    const session::SipEvent& e = m.event;
    if (!s.time_base_set) {
        s.time_base_set = true;
        s.time_base_ns = e.time_ns;
    }
    // The charts over time that count messages.
    if (!e.is_request && e.status >= 100 && e.status <= 699) {
        detail::Bucket& bucket = s.series.at(e.time_ns);
        ++bucket.responses[static_cast<std::size_t>(e.status / 100 - 1)];
        if (e.cseq_method == sip::Method::register_ && e.status >= 200 &&
            !m.step.retransmission() && !m.step.duplicate()) {
            if (e.status < 300)
                ++bucket.reg_ok;
            else if (e.status == 401 || e.status == 407)
                ++bucket.reg_challenged;
            else
                ++bucket.reg_failed;
        }
    }
    if (m.step.call == 0) return;

    OpenCall* cached = nullptr;
    if (auto hit = s.open_recent.find(m.step.call)) {
        cached = *hit;
    } else {
        cached = &s.open[m.step.call]; // a node's address holds until it is erased
        s.open_recent.put(m.step.call, cached);
    }
    OpenCall& call = *cached;
    if (call.rows.size() >= detail::max_ladder_rows ||
        s.open_bytes > s.options.open_budget_bytes + s.options.open_budget_bytes / 2) {
        ++call.cut;
        return;
    }
    detail::LadderRow& row = call.rows.emplace_back();
    row.time_ns = e.time_ns;
    row.frame = e.frame;
    row.src = e.src;
    row.dst = e.dst;
    row.transport = e.transport;
    row.flags =
        static_cast<std::uint8_t>((m.step.retransmission() ? 1 : 0) | (m.step.duplicate() ? 2 : 0) |
                                  (e.has_sdp ? 4 : 0) | (e.is_request ? 8 : 0));
    const std::size_t labels_before = call.labels.size();
    row.label_offset = static_cast<std::uint32_t>(labels_before);
    if (e.is_request) {
        call.labels += e.method == sip::Method::unknown ? e.method_text : sip::to_string(e.method);
    } else {
        append_uint(call.labels, e.status); // to_chars: the sign too, should one be odd
        if (!e.reason_phrase.empty()) {
            call.labels += ' ';
            call.labels += e.reason_phrase.substr(0, 60);
        }
    }
    row.label_size = static_cast<std::uint16_t>(
        std::min<std::size_t>(call.labels.size() - labels_before, 0xffff));
    std::uint64_t added = sizeof(detail::LadderRow) + row.label_size;
    if (s.text_wanted()) {
        const std::string_view raw = m.message.raw.substr(0, detail::max_message_text);
        if (s.open_bytes + raw.size() <= s.options.open_budget_bytes) {
            row.text_offset = static_cast<std::uint32_t>(call.text.size());
            row.text_size = static_cast<std::uint32_t>(raw.size());
            call.text.append(raw);
            added += raw.size();
        } else {
            call.text_lost = true;
        }
    }
    call.bytes += added;
    s.open_bytes += added;
    s.stats.peak_open_bytes = std::max(s.stats.peak_open_bytes, s.open_bytes);
}

namespace {

bool succeeded(session::Outcome outcome) {
    using session::Outcome;
    return outcome == Outcome::answered || outcome == Outcome::registered ||
           outcome == Outcome::unregistered || outcome == Outcome::completed ||
           outcome == Outcome::ended;
}

int max_severity(const session::CallRecord& r) {
    int worst = 0;
    for (const auto& f : r.findings)
        worst = std::max(worst, 1 + static_cast<int>(session::severity_of(f.code)));
    return worst; // 0 none, 1 info, 2 warning, 3 error
}

bool is_failure(session::Outcome outcome) {
    using session::Outcome;
    return outcome == Outcome::failed || outcome == Outcome::timeout ||
           outcome == Outcome::challenged;
}

void append_number(std::string& out, std::optional<double> value, int decimals) {
    if (!value) {
        out += "null";
        return;
    }
    fmt::format_to(std::back_inserter(out), "{:.{}f}", *value, decimals);
}

void append_string(std::string& out, std::string_view value) {
    out += '"';
    text::append_json(out, value);
    out += '"';
}

// The explanation with the call's From and To replaced by \u0001 and \u0002 (the page puts
// them back), in place: what is left repeats from call to call.
void template_parties(std::string& why, std::string_view from, std::string_view to) {
    auto swap = [&why](std::string_view value, char mark) {
        if (value.size() < 3) return;
        for (std::size_t at = why.find(value); at != std::string::npos;
             at = why.find(value, at + 1))
            why.replace(at, value.size(), 1, mark);
    };
    swap(from, '\x01');
    if (to != from) swap(to, '\x02');
}

// The short "why" of the calls table: the knowledge category of the deciding code, or what
// the outcome itself says.
std::string_view short_why(const session::CallRecord& r) {
    using session::Outcome;
    switch (r.outcome) {
    case Outcome::timeout:
        return "no final answer (timer B/F)";
    case Outcome::in_progress:
        return "still open at the capture's end";
    case Outcome::cancelled:
        return "caller gave up";
    case Outcome::challenged:
        return "challenge never answered";
    default:
        break;
    }
    if (r.final_code >= 100 && r.final_code <= 699) return analysis::category_of(r.final_code);
    return {};
}

} // namespace

void ReportBuilder::add_record(const session::CallRecord& r) {
    State& s = *m_state;
    OpenCall call;
    if (auto it = s.open.find(r.number); it != s.open.end()) {
        call = std::move(it->second);
        s.open_bytes -= std::min(s.open_bytes, call.bytes);
        s.open.erase(it);
        s.open_recent.forget(r.number);
    }
    if (!s.options.filter.empty() && !s.options.filter.matches(r)) {
        ++s.stats.calls_filtered_out;
        return;
    }
    if (!s.time_base_set) {
        s.time_base_set = true;
        s.time_base_ns = r.start_ns;
    }
    ++s.stats.calls;
    const int severity = max_severity(r);

    // Does its message text go in?
    bool has_text = false;
    for (const auto& row : call.rows)
        has_text = has_text || row.text_size != detail::no_text;
    bool with_text = false;
    std::string_view left_out;
    if (s.options.messages == MessageText::none) {
        left_out = "mode";
    } else if (s.options.messages == MessageText::failed && succeeded(r.outcome) && severity < 2) {
        left_out = "mode";
    } else if (!has_text && !call.rows.empty()) {
        left_out = call.text_lost ? "memory" : "budget";
    } else if (s.options.message_budget_bytes != 0 &&
               s.stats.text_bytes + call.text.size() > s.options.message_budget_bytes) {
        left_out = "budget";
    } else {
        with_text = has_text;
        if (call.text_lost) left_out = "memory";
    }
    if (with_text) ++s.stats.calls_with_text;
    if (left_out == "mode")
        ++s.stats.calls_text_mode;
    else if (left_out == "budget")
        ++s.stats.calls_text_budget;
    else if (left_out == "memory")
        ++s.stats.calls_text_memory;

    // The call's detail, what the one-call view adds to its table row (page.js reads it):
    // [from, to, why, root, reason_header, warning, icid, abandon, bye_by, counts, mid,
    //  findings, hosts, shape, times, first_frame, texts, text_frames, left, cut, end_ms]
    std::string from_shown;
    std::string to_shown;
    std::string_view from = r.from;
    std::string_view to = r.to;
    if (s.options.redact) {
        from = from_shown = s.redactor.apply(r.from);
        to = to_shown = s.redactor.apply(r.to);
    }
    std::string& d = s.scratch;
    d.clear();
    d += '[';
    append_string(d, from);
    d += ',';
    append_string(d, to);
    d += ',';
    std::string& why = s.scratch_why;
    if (s.options.redact)
        why = s.redactor.apply(r.explanation);
    else
        why.assign(r.explanation);
    template_parties(why, from, to);
    s.append_why(d, why);
    d += ',';
    if (r.has_root_cause) {
        s.append_shown(d,
                       fmt::format("{} from {}", r.root_cause_code, r.root_cause_by.to_string()));
    } else {
        d += "\"\"";
    }
    d += ',';
    s.append_shown(d, r.reason_header);
    d += ',';
    s.append_shown(d, r.warning);
    d += ',';
    s.append_shown(d, r.icid);
    d += ',';
    append_string(d, r.abandon_method);
    d += ',';
    append_string(d, r.bye_by);
    d += ",[";
    append_uint(d, r.messages);
    d += ',';
    append_uint(d, r.retransmissions);
    d += ',';
    append_uint(d, r.duplicates);
    d += ',';
    append_uint(d, r.transactions);
    d += "],";
    d += r.mid_dialog ? '1' : '0';
    d += ",[";
    for (std::size_t i = 0; i < r.findings.size(); ++i) {
        const auto& f = r.findings[i];
        fmt::format_to(std::back_inserter(d), "{}[\"{}\",{},{}]", i == 0 ? "" : ",",
                       session::to_string(f.code), f.count, f.frame);
    }
    d += "],[";
    // Hosts in order of appearance; the ladder's shape names them by index. The shape
    // ("0>1 udp INVITE 12|1>0 udp 100 Trying 0|...", flags last) repeats between calls of the
    // same flow, so it goes through the dictionary; the times (0.1 ms after the message before)
    // and the frames do not, and are kept apart and small.
    std::vector<session::Endpoint>& hosts = s.scratch_hosts;
    hosts.clear();
    auto host_index = [&hosts](const session::Endpoint& e) {
        for (std::size_t i = 0; i < hosts.size(); ++i)
            if (hosts[i] == e) return i;
        hosts.push_back(e);
        return hosts.size() - 1;
    };
    std::string& shape = s.scratch_ladder;
    shape.clear();
    std::string& times = s.scratch_times;
    times.clear();
    std::string& texts = s.scratch_texts;
    texts.clear();
    std::string& text_frames = s.scratch_frames;
    text_frames.clear();
    const std::int64_t t0 = call.rows.empty() ? r.start_ns : call.rows.front().time_ns;
    std::int64_t previous = 0;
    for (std::size_t i = 0; i < call.rows.size(); ++i) {
        const auto& m = call.rows[i];
        const std::size_t a = host_index(m.src);
        const std::size_t b = host_index(m.dst);
        if (i != 0) {
            shape += '|';
            times += ',';
        }
        append_uint(shape, a);
        shape += '>';
        append_uint(shape, b);
        shape += ' ';
        shape += decode::to_string(m.transport);
        shape += ' ';
        for (const char c : std::string_view(call.labels).substr(m.label_offset, m.label_size))
            shape += c == '|' ? '/' : c; // '|' separates the rows
        shape += ' ';
        append_uint(shape, static_cast<unsigned>(m.flags));
        // In 0.1 ms, rounded against the running sum so rounding never accumulates.
        const std::int64_t tenths = (m.time_ns - t0) / 100'000;
        append_uint(times, tenths - previous);
        previous = tenths;
        if (!with_text) continue;
        if (i != 0) {
            texts += ',';
            text_frames += ',';
        }
        if (m.text_size == detail::no_text) {
            texts += "null";
            text_frames += '0';
            continue;
        }
        const std::string_view raw = std::string_view(call.text).substr(m.text_offset, m.text_size);
        s.append_shown(texts, raw);
        s.stats.text_bytes += raw.size();
        append_uint(text_frames, m.frame);
    }
    for (std::size_t i = 0; i < hosts.size(); ++i) {
        if (i != 0) d += ',';
        s.append_shown(d, hosts[i].to_string());
    }
    d += "],";
    s.append_dict(d, shape);
    d += ",[";
    d += times;
    d += "],";
    append_uint(d, call.rows.empty() ? std::uint64_t{0} : call.rows.front().frame);
    d += ',';
    if (with_text) {
        d += '[';
        d += texts;
        d += "],[";
        d += text_frames;
        d += "],";
    } else {
        d += "null,null,";
    }
    append_string(d, left_out);
    d += ',';
    append_uint(d, call.cut);
    d += ',';
    fmt::format_to(std::back_inserter(d), "{}]", (r.end_ns - r.start_ns) / 1'000'000);
    s.stats.ladder_rows += call.rows.size();
    s.details.add(d, detail::calls_per_chunk);
    ++s.detail_count;

    // The calls table row: [call-id, kind, outcome, code, reason, failed-by, pdd, setup,
    // duration, start (ms after the row before; the first after the base), why, flags,
    // severity]. Its detail is entry (row % calls_per_chunk) of chunk (row / calls_per_chunk).
    std::string& row = s.scratch_row;
    row.clear();
    row += '[';
    s.append_shown(row, r.call_id);
    row += ',';
    append_uint(row, static_cast<unsigned>(r.kind));
    row += ',';
    append_uint(row, static_cast<unsigned>(r.outcome));
    row += ',';
    fmt::format_to(std::back_inserter(row), "{},", r.final_code);
    s.append_dict(row, r.final_reason);
    row += ',';
    std::string failed_by = analysis::failed_by_text(r);
    if (s.options.redact) failed_by = s.redactor.apply(failed_by);
    s.append_dict(row, failed_by);
    row += ',';
    append_number(row, r.pdd_ms, 0);
    row += ',';
    append_number(row, r.setup_ms, 0);
    row += ',';
    append_number(row, r.duration_s, 1);
    const std::int64_t start_ms = (r.start_ns - s.time_base_ns) / 1'000'000;
    fmt::format_to(std::back_inserter(row), ",{},", start_ms - s.previous_start_ms);
    s.previous_start_ms = start_ms;
    s.append_dict(row, short_why(r));
    const int flags = (with_text ? 1 : 0) | (r.mid_dialog ? 2 : 0) | (r.part > 1 ? 4 : 0);
    fmt::format_to(std::back_inserter(row), ",{},{}]", flags, severity);
    s.rows.add(row);

    // The charts and the grid.
    if (r.kind == session::Kind::call && !r.mid_dialog &&
        r.outcome != session::Outcome::in_progress) {
        detail::Bucket& bucket = s.series.at(r.start_ns);
        ++bucket.attempts;
        if (r.outcome == session::Outcome::answered) {
            ++bucket.answered;
            ++bucket.effective;
        } else if (analysis::is_user_side_ending(r.final_code)) {
            ++bucket.effective;
        }
    }
    if (r.kind == session::Kind::call) {
        if (r.pdd_ms) {
            s.series.add_pdd(r.start_ns, *r.pdd_ms);
            ++s.pdd_histogram[detail::delay_bin(*r.pdd_ms)];
        }
        if (r.setup_ms) {
            s.series.add_setup(r.start_ns, *r.setup_ms);
            ++s.setup_histogram[detail::delay_bin(*r.setup_ms)];
        }
    }
    if (is_failure(r.outcome)) {
        s.series.at(r.start_ns).add_failure(r.final_code);
        auto it = s.grid.find(failed_by);
        if (it == s.grid.end() && s.grid.size() >= detail::max_grid_rows) {
            ++s.grid_other;
        } else {
            ++s.grid[failed_by][r.final_code];
        }
    }
}

} // namespace sipdx::report
