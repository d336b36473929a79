// The run side of a report: what each message and each record leaves behind (docs/report.md,
// "Memory and size").
#include "report/detail/state.h"

#include <sipdx/analysis/explain.h>
#include <sipdx/analysis/summary.h>
#include <sipdx/text/escape.h>
#include <sipdx/text/time.h>

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

namespace sipdx::report {

using detail::OpenCall;

std::string_view to_string(MessageText mode) {
    switch (mode) {
    case MessageText::failed: return "failed";
    case MessageText::all: return "all";
    case MessageText::none: return "none";
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

void ReportBuilder::State::append_dict(std::string& out, std::string_view value) {
    auto it = dictionary_index.find(std::string(value));
    if (it == dictionary_index.end()) {
        if (dictionary.size() >= detail::max_dictionary) {
            out += '"';
            text::append_json(out, value);
            out += '"';
            return;
        }
        it = dictionary_index.emplace(std::string(value), static_cast<std::uint32_t>(dictionary.size())).first;
        dictionary.emplace_back(value);
    }
    fmt::format_to(std::back_inserter(out), "{}", it->second);
}

ReportBuilder::ReportBuilder(ReportOptions options)
    : m_state(std::make_unique<State>(options)) {}

ReportBuilder::~ReportBuilder() = default;

const ReportStats& ReportBuilder::stats() const { return m_state->stats; }

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
            if (e.status < 300) ++bucket.reg_ok;
            else if (e.status == 401 || e.status == 407) ++bucket.reg_challenged;
            else ++bucket.reg_failed;
        }
    }
    if (m.step.call == 0) return;

    OpenCall& call = s.open[m.step.call];
    if (call.messages.size() >= detail::max_ladder_rows ||
        s.open_bytes > s.options.open_budget_bytes + s.options.open_budget_bytes / 2) {
        ++call.cut;
        return;
    }
    call.messages.push_back(
        session::make_message_record(e, m.step.retransmission(), m.step.duplicate()));
    std::uint64_t added = sizeof(session::MessageRecord) + call.messages.back().label.size();
    std::pair<std::uint32_t, std::uint32_t> span{0, detail::no_text};
    if (s.text_wanted()) {
        const std::string_view raw = m.message.raw.substr(0, detail::max_message_text);
        if (s.open_bytes + raw.size() <= s.options.open_budget_bytes) {
            span = {static_cast<std::uint32_t>(call.text.size()), static_cast<std::uint32_t>(raw.size())};
            call.text.append(raw);
            added += raw.size();
        } else {
            call.text_lost = true;
        }
    }
    call.spans.push_back(span);
    added += sizeof(span);
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

} // namespace

void ReportBuilder::add_record(const session::CallRecord& r) {
    State& s = *m_state;
    OpenCall call;
    if (auto it = s.open.find(r.number); it != s.open.end()) {
        call = std::move(it->second);
        s.open_bytes -= std::min(s.open_bytes, call.bytes);
        s.open.erase(it);
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
    bool with_text = false;
    bool has_text = false;
    for (const auto& span : call.spans)
        has_text = has_text || span.second != detail::no_text;
    std::string left_out;
    if (s.options.messages == MessageText::none) {
        left_out = "mode";
    } else if (s.options.messages == MessageText::failed && succeeded(r.outcome) && severity < 2) {
        left_out = "mode";
    } else if (!has_text && !call.messages.empty()) {
        left_out = call.text_lost ? "memory" : "budget";
    } else if (s.options.message_budget_bytes != 0 &&
               s.stats.text_bytes + call.text.size() > s.options.message_budget_bytes) {
        left_out = "budget";
    } else {
        with_text = has_text;
        if (call.text_lost) left_out = "memory";
    }
    if (with_text) ++s.stats.calls_with_text;
    if (left_out == "mode") ++s.stats.calls_text_mode;
    else if (left_out == "budget") ++s.stats.calls_text_budget;
    else if (left_out == "memory") ++s.stats.calls_text_memory;

    // The call's detail: everything the one-call view shows.
    std::string& d = s.scratch;
    d.clear();
    d += "{\"id\":";
    append_string(d, s.shown(r.call_id));
    fmt::format_to(std::back_inserter(d), ",\"part\":{},\"kind\":\"{}\",\"outcome\":\"{}\",\"code\":{}",
                   r.part, session::to_string(r.kind), session::to_string(r.outcome), r.final_code);
    d += ",\"reason\":";
    append_string(d, r.final_reason);
    d += ",\"from\":";
    append_string(d, s.shown(r.from));
    d += ",\"to\":";
    append_string(d, s.shown(r.to));
    d += ",\"start\":";
    append_string(d, text::iso_time(r.start_ns));
    d += ",\"end\":";
    append_string(d, text::iso_time(r.end_ns));
    d += ",\"why\":";
    append_string(d, s.shown(r.explanation));
    d += ",\"failed_by\":";
    append_string(d, s.shown(analysis::failed_by_text(r)));
    d += ",\"root\":";
    append_string(d, r.has_root_cause ? s.shown(fmt::format("{} from {}", r.root_cause_code,
                                                            r.root_cause_by.to_string()))
                                      : std::string());
    d += ",\"reason_header\":";
    append_string(d, s.shown(r.reason_header));
    d += ",\"warning\":";
    append_string(d, s.shown(r.warning));
    d += ",\"icid\":";
    append_string(d, s.shown(r.icid));
    d += ",\"abandon\":";
    append_string(d, r.abandon_method);
    d += ",\"bye_by\":";
    append_string(d, r.bye_by);
    d += ",\"pdd\":";
    append_number(d, r.pdd_ms, 1);
    d += ",\"setup\":";
    append_number(d, r.setup_ms, 1);
    d += ",\"dur\":";
    append_number(d, r.duration_s, 3);
    fmt::format_to(std::back_inserter(d),
                   ",\"counts\":[{},{},{},{}],\"mid\":{},\"findings\":[", r.messages,
                   r.retransmissions, r.duplicates, r.transactions, r.mid_dialog ? 1 : 0);
    for (std::size_t i = 0; i < r.findings.size(); ++i) {
        const auto& f = r.findings[i];
        fmt::format_to(std::back_inserter(d), "{}[\"{}\",{},{}]", i == 0 ? "" : ",",
                       session::to_string(f.code), f.count, f.frame);
    }
    d += "],\"hosts\":[";
    std::vector<std::string> hosts;
    auto host_index = [&](const session::Endpoint& e) {
        const std::string h = e.to_string();
        auto it = std::find(hosts.begin(), hosts.end(), h);
        if (it != hosts.end()) return static_cast<std::size_t>(it - hosts.begin());
        hosts.push_back(h);
        return hosts.size() - 1;
    };
    std::string ladder;
    const std::int64_t t0 = call.messages.empty() ? r.start_ns : call.messages.front().time_ns;
    std::uint32_t text_index = 0;
    std::string texts;
    for (std::size_t i = 0; i < call.messages.size(); ++i) {
        const auto& m = call.messages[i];
        const std::size_t from = host_index(m.src);
        const std::size_t to = host_index(m.dst);
        const int flags = (m.retransmission ? 1 : 0) | (m.duplicate ? 2 : 0) |
                          (m.has_sdp ? 4 : 0) | (m.is_request ? 8 : 0);
        int text_ref = -1;
        if (with_text && call.spans[i].second != detail::no_text) {
            const std::string_view raw =
                std::string_view(call.text).substr(call.spans[i].first, call.spans[i].second);
            if (text_index != 0) texts += ',';
            append_string(texts, s.options.redact ? s.redactor.apply(raw) : std::string(raw));
            s.stats.text_bytes += raw.size();
            text_ref = static_cast<int>(text_index++);
        }
        fmt::format_to(std::back_inserter(ladder), "{}[{:.3f},{},{},", i == 0 ? "" : ",",
                       static_cast<double>(m.time_ns - t0) / 1e6, from, to);
        append_string(ladder, m.label);
        fmt::format_to(std::back_inserter(ladder), ",{},{},{},\"{}\"]", flags, m.frame, text_ref,
                       decode::to_string(m.transport));
    }
    for (std::size_t i = 0; i < hosts.size(); ++i) {
        if (i != 0) d += ',';
        append_string(d, s.shown(hosts[i]));
    }
    d += "],\"m\":[";
    d += ladder;
    d += "],\"texts\":[";
    d += texts;
    d += "],\"left\":";
    append_string(d, left_out);
    fmt::format_to(std::back_inserter(d), ",\"cut\":{}}}", call.cut);
    s.stats.ladder_rows += call.messages.size();
    const auto [chunk, index] = s.details.add(d);

    // The calls table row: [call-id, kind, outcome, code, reason, failed-by, pdd, setup,
    // duration, start (ms from the base), why, chunk, index, flags, severity].
    std::string& row = s.scratch_row;
    row.clear();
    row += '[';
    append_string(row, s.shown(r.call_id));
    fmt::format_to(std::back_inserter(row), ",{},{},{},", static_cast<int>(r.kind),
                   static_cast<int>(r.outcome), r.final_code);
    s.append_dict(row, r.final_reason);
    row += ',';
    const std::string failed_by = s.shown(analysis::failed_by_text(r));
    s.append_dict(row, failed_by);
    row += ',';
    append_number(row, r.pdd_ms, 0);
    row += ',';
    append_number(row, r.setup_ms, 0);
    row += ',';
    append_number(row, r.duration_s, 1);
    fmt::format_to(std::back_inserter(row), ",{},", (r.start_ns - s.time_base_ns) / 1'000'000);
    s.append_dict(row, s.shown(r.explanation));
    const int flags = (with_text ? 1 : 0) | (r.mid_dialog ? 2 : 0) | (r.part > 1 ? 4 : 0);
    fmt::format_to(std::back_inserter(row), ",{},{},{},{}]", chunk, index, flags, severity);
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
