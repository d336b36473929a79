#include <sipdx/output/analysis.h>
#include <sipdx/output/call_view.h>
#include <sipdx/output/csv.h>
#include <sipdx/output/table.h>
#include <sipdx/output/terminal.h>

#include <sipdx/analysis/explain.h>
#include <sipdx/knowledge/access_network.h>
#include <sipdx/knowledge/precondition.h>
#include <sipdx/knowledge/response_codes.h>
#include <sipdx/text/escape.h>
#include <sipdx/text/time.h>

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

namespace sipdx::output {

using namespace sipdx::analysis;

using session::CallRecord;

using text::iso_time;

namespace {

std::string percent(std::optional<double> v) {
    return v ? fmt::format("{:.1f} %", *v * 100.0) : std::string("-");
}

std::string dist_text(const Distribution& d, std::string_view unit, int precision) {
    if (d.samples == 0) return "-";
    return fmt::format("median {:.{}f} {}, p95 {:.{}f} {} (n={})", *d.median, precision, unit,
                       *d.p95, precision, unit, d.samples);
}

nlohmann::ordered_json dist_json(const Distribution& d) {
    nlohmann::ordered_json j;
    j["samples"] = d.samples;
    j["median"] = d.median ? nlohmann::ordered_json(*d.median) : nlohmann::ordered_json();
    j["p95"] = d.p95 ? nlohmann::ordered_json(*d.p95) : nlohmann::ordered_json();
    j["min"] = d.min ? nlohmann::ordered_json(*d.min) : nlohmann::ordered_json();
    j["max"] = d.max ? nlohmann::ordered_json(*d.max) : nlohmann::ordered_json();
    return j;
}

nlohmann::ordered_json opt(std::optional<double> v) {
    return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json();
}

std::string fixed(std::optional<double> v, int precision) {
    return v ? fmt::format("{:.{}f}", *v, precision) : std::string();
}

} // namespace

std::string render_summary_text(const Summary& s, const RunResult& run) {
    std::string out;
    std::size_t opened = 0;
    for (const auto& in : run.inputs)
        opened += in.opened ? 1 : 0;
    out += fmt::format("{} SIP messages in {} input{} ({} requests, {} responses; {} "
                       "retransmissions, {} duplicate copies)\n",
                       s.messages(), opened, opened == 1 ? "" : "s", s.requests_total(),
                       s.responses_total(), s.retransmissions(), s.duplicates());
    if (s.messages() > 0) {
        out += fmt::format("Capture time {} .. {} ({:.1f} s), {} Call-IDs\n",
                           iso_time(s.first_time_ns()), iso_time(s.last_time_ns()),
                           static_cast<double>(s.last_time_ns() - s.first_time_ns()) / 1e9,
                           s.call_ids());
    }
    if (s.clock_jumps() > 0)
        out += fmt::format("Capture time jumps {} time{} (first at frame {}): no duration is "
                           "computed across a jump\n",
                           s.clock_jumps(), s.clock_jumps() == 1 ? "" : "s",
                           s.first_clock_jump_frame());

    const auto codes = s.codes();
    if (!codes.empty()) {
        out += "\nResponses by class and code          messages  final/tx  final/call-id\n";
        int current_class = 0;
        for (const auto& row : codes) {
            const int cls = row.code / 100;
            if (cls != current_class) {
                current_class = cls;
                auto info = knowledge::status_class(cls);
                out += fmt::format("{}xx {}\n", cls, info ? info->name : std::string_view("?"));
                if (info) out += fmt::format("    {}\n", info->fast_answer);
            }
            std::string label = fmt::format("{} {}", row.code, standard_phrase(row.code));
            out += fmt::format("  {:<34} {:>8}  {:>8}  {:>13}\n", label, row.messages,
                               row.final_transactions, row.final_calls);
            const std::string meaning = code_meaning(row.code);
            if (!meaning.empty()) out += fmt::format("      {}\n", meaning);
        }
    }

    if (!s.requests().empty()) {
        out += "\nRequests by method                    messages\n";
        std::vector<std::pair<std::string, std::uint64_t>> rows(s.requests().begin(),
                                                                s.requests().end());
        std::stable_sort(rows.begin(), rows.end(),
                         [](const auto& a, const auto& b) { return a.second > b.second; });
        for (const auto& [method, count] : rows)
            out += fmt::format("  {:<34} {:>8}\n", method, count);
    }

    if (!s.outcomes().empty()) {
        out += "\nOutcomes per Call-ID\n";
        session::Kind kind = s.outcomes().begin()->first.first;
        std::string line;
        auto flush = [&] {
            if (!line.empty()) out += fmt::format("  {:<14}{}\n", session::to_string(kind), line);
            line.clear();
        };
        for (const auto& [key, count] : s.outcomes()) {
            if (key.first != kind) {
                flush();
                kind = key.first;
            }
            line += fmt::format("{}{} {}", line.empty() ? "" : ", ", session::to_string(key.second),
                                count);
        }
        flush();
    }

    const Kpis k = s.kpis();
    out += "\nKPIs\n";
    out += fmt::format("  {:<28}{}", "Calls attempted", k.call_attempts);
    if (k.calls_in_progress > 0)
        out += fmt::format(" (+{} still in progress at the end)", k.calls_in_progress);
    out += '\n';
    out += fmt::format("  {:<28}{}\n", "Calls answered", k.calls_answered);
    out += fmt::format("  {:<28}{}\n", "ASR (answer-seizure)", percent(k.asr));
    out += fmt::format("  {:<28}{}\n", "NER (network effectiveness)", percent(k.ner));
    out += fmt::format("  {:<28}{}\n", "PDD INVITE -> first 18x", dist_text(k.pdd_ms, "ms", 0));
    out += fmt::format("  {:<28}{}\n", "Setup INVITE -> 2xx", dist_text(k.setup_ms, "ms", 0));
    out += fmt::format("  {:<28}{}\n", "Call duration", dist_text(k.duration_s, "s", 1));
    out += fmt::format("  {:<28}{} procedures, {} successful ({}), {} de-registrations\n",
                       "Registrations", k.registrations, k.registrations_ok,
                       percent(k.registration_success), k.deregistrations);
    out += fmt::format("  {:<28}{}\n", "Retransmission rate", percent(k.retransmission_rate));
    if (k.icid_sessions > 0)
        out += fmt::format("  {:<28}{} (icid-value), {} seen on several Call-IDs\n", "IMS sessions",
                           k.icid_sessions, k.icid_multi_leg);
    const Rfc6076& m = k.rfc6076;
    out += "\nRFC 6076 metrics (delays from the request that was answered, after any challenge)\n";
    out += fmt::format("  {:<28}{}\n", "SRD session request delay", dist_text(m.srd_ms, "ms", 0));
    out += fmt::format("  {:<28}{}\n", "SDD disconnect delay", dist_text(m.sdd_ms, "ms", 0));
    out += fmt::format("  {:<28}{}\n", "SDT session duration", dist_text(m.sdt_s, "s", 1));
    out += fmt::format("  {:<28}{}\n", "RRD registration delay", dist_text(m.rrd_ms, "ms", 0));
    out += fmt::format("  {:<28}{} of {}\n", "IRA ineffective REGISTERs", percent(m.ira),
                       m.registration_attempts);
    out += fmt::format("  {:<28}{}\n", "SER establishment", percent(m.ser));
    out += fmt::format("  {:<28}{}\n", "SEER effectiveness", percent(m.seer));
    out += fmt::format("  {:<28}{}\n", "ISA ineffective attempts", percent(m.isa));
    out += fmt::format("  {:<28}{}\n", "SCR completion", percent(m.scr));

    const auto findings = s.findings();
    if (!findings.empty()) {
        out += "\nFindings\n";
        std::size_t shown = 0;
        for (const auto& f : findings) {
            if (++shown > 10) break;
            std::string examples;
            for (const auto& id : f.examples)
                examples += (examples.empty() ? "" : ", ") + text::visible(id, true);
            out += fmt::format("  {:<8} {:<26} {} Call-ID{}, {} time{}; e.g. {}\n",
                               session::to_string(session::severity_of(f.code)),
                               session::to_string(f.code), f.call_ids, f.call_ids == 1 ? "" : "s",
                               f.occurrences, f.occurrences == 1 ? "" : "s", examples);
            out += fmt::format("           {}\n", session::describe(f.code));
        }
    }

    bool header = false;
    for (const auto& in : run.inputs) {
        for (const auto& p : in.problems) {
            if (!header) out += "\nInput problems\n";
            header = true;
            out += fmt::format("  {}\n", p);
        }
    }
    return out;
}

namespace {

nlohmann::ordered_json rfc6076_json(const Rfc6076& m) {
    return {{"srd_ms", dist_json(m.srd_ms)},
            {"sdd_ms", dist_json(m.sdd_ms)},
            {"sdt_s", dist_json(m.sdt_s)},
            {"rrd_ms", dist_json(m.rrd_ms)},
            {"registration_attempts", m.registration_attempts},
            {"ineffective_registrations", m.ineffective_registrations},
            {"ira", opt(m.ira)},
            {"session_attempts", m.session_attempts},
            {"redirected", m.redirected},
            {"established", m.established},
            {"effective", m.effective},
            {"ineffective", m.ineffective},
            {"completed", m.completed},
            {"ser", opt(m.ser)},
            {"seer", opt(m.seer)},
            {"isa", opt(m.isa)},
            {"scr", opt(m.scr)}};
}

} // namespace

nlohmann::ordered_json summary_json(const Summary& s, const RunResult& run) {
    nlohmann::ordered_json j;
    j["schema"] = analyze_schema;
    auto& inputs = j["inputs"] = nlohmann::ordered_json::array();
    for (const auto& in : run.inputs) {
        inputs.push_back({{"path", in.path},
                          {"opened", in.opened},
                          {"clean", in.clean},
                          {"frames", in.frames},
                          {"sip_messages", in.sip_messages},
                          {"problems", in.problems}});
    }
    j["time"] = {{"first", s.messages() ? nlohmann::ordered_json(iso_time(s.first_time_ns()))
                                        : nlohmann::ordered_json()},
                 {"last", s.messages() ? nlohmann::ordered_json(iso_time(s.last_time_ns()))
                                       : nlohmann::ordered_json()}};
    j["messages"] = {{"total", s.messages()},
                     {"requests", s.requests_total()},
                     {"responses", s.responses_total()},
                     {"retransmissions", s.retransmissions()},
                     {"duplicates", s.duplicates()},
                     {"invalid_status", s.invalid_status()},
                     {"call_ids", s.call_ids()}};
    if (s.clock_jumps() > 0)
        j["clock_jumps"] = {{"count", s.clock_jumps()},
                            {"first_frame", s.first_clock_jump_frame()}};
    auto& responses = j["responses"] = nlohmann::ordered_json::array();
    for (const auto& row : s.codes()) {
        responses.push_back({{"code", row.code},
                             {"reason", standard_phrase(row.code)},
                             {"class", row.code / 100},
                             {"class_name", class_name(row.code)},
                             {"category", category_of(row.code)},
                             {"meaning", code_meaning(row.code)},
                             {"messages", row.messages},
                             {"final_transactions", row.final_transactions},
                             {"final_calls", row.final_calls}});
    }
    auto& requests = j["requests"] = nlohmann::ordered_json::array();
    for (const auto& [method, count] : s.requests())
        requests.push_back({{"method", method}, {"messages", count}});
    auto& outcomes = j["outcomes"] = nlohmann::ordered_json::array();
    for (const auto& [key, count] : s.outcomes()) {
        outcomes.push_back({{"kind", session::to_string(key.first)},
                            {"outcome", session::to_string(key.second)},
                            {"count", count}});
    }
    const Kpis k = s.kpis();
    j["kpis"] = {{"calls",
                  {{"attempts", k.call_attempts},
                   {"answered", k.calls_answered},
                   {"in_progress", k.calls_in_progress},
                   {"asr", opt(k.asr)},
                   {"ner", opt(k.ner)},
                   {"pdd_ms", dist_json(k.pdd_ms)},
                   {"setup_ms", dist_json(k.setup_ms)},
                   {"duration_s", dist_json(k.duration_s)},
                   {"icid_sessions", k.icid_sessions},
                   {"icid_multi_leg", k.icid_multi_leg}}},
                 {"registrations",
                  {{"procedures", k.registrations},
                   {"successful", k.registrations_ok},
                   {"deregistrations", k.deregistrations},
                   {"success_ratio", opt(k.registration_success)}}},
                 {"retransmission_rate", opt(k.retransmission_rate)},
                 {"rfc6076", rfc6076_json(k.rfc6076)}};
    auto& findings = j["findings"] = nlohmann::ordered_json::array();
    for (const auto& f : s.findings()) {
        findings.push_back({{"code", session::to_string(f.code)},
                            {"severity", session::to_string(session::severity_of(f.code))},
                            {"description", session::describe(f.code)},
                            {"call_ids", f.call_ids},
                            {"occurrences", f.occurrences},
                            {"examples", f.examples}});
    }
    return j;
}

const std::vector<std::string>& record_fields() {
    static const std::vector<std::string> fields{"call_id",
                                                 "kind",
                                                 "first_method",
                                                 "from",
                                                 "to",
                                                 "start",
                                                 "end",
                                                 "final_code",
                                                 "final_reason",
                                                 "class",
                                                 "category",
                                                 "outcome",
                                                 "pdd_ms",
                                                 "setup_ms",
                                                 "duration_s",
                                                 "messages",
                                                 "retransmissions",
                                                 "reason_header",
                                                 "warning",
                                                 "failed_by",
                                                 "icid",
                                                 "explanation",
                                                 "findings"};
    return fields;
}

namespace {
// The record's finding codes comma-separated, as `messages` writes its findings in CSV/TSV.
std::string findings_text(const CallRecord& r) {
    std::string out;
    for (const auto& f : r.findings) {
        if (!out.empty()) out += ',';
        out += session::to_string(f.code);
    }
    return out;
}
} // namespace

std::vector<std::string> record_values(const CallRecord& r) {
    return {r.call_id,
            std::string(session::to_string(r.kind)),
            r.first_method,
            r.from,
            r.to,
            iso_time(r.start_ns),
            iso_time(r.end_ns),
            r.final_code ? std::to_string(r.final_code) : std::string(),
            r.final_reason,
            r.final_code ? fmt::format("{}xx", r.final_code / 100) : std::string(),
            std::string(category_of(r.final_code)),
            std::string(session::to_string(r.outcome)),
            fixed(r.pdd_ms, 1),
            fixed(r.setup_ms, 1),
            fixed(r.duration_s, 3),
            std::to_string(r.messages),
            std::to_string(r.retransmissions),
            r.reason_header,
            r.warning,
            failed_by_text(r),
            r.icid,
            r.explanation,
            findings_text(r)};
}

nlohmann::ordered_json record_json(const CallRecord& r) {
    nlohmann::ordered_json j;
    j["call_id"] = r.call_id;
    j["kind"] = session::to_string(r.kind);
    j["first_method"] = r.first_method;
    j["from"] = r.from;
    j["to"] = r.to;
    j["start"] = iso_time(r.start_ns);
    j["end"] = iso_time(r.end_ns);
    j["final_code"] =
        r.final_code ? nlohmann::ordered_json(r.final_code) : nlohmann::ordered_json();
    j["final_reason"] = r.final_reason;
    j["class"] =
        r.final_code ? nlohmann::ordered_json(r.final_code / 100) : nlohmann::ordered_json();
    j["category"] = category_of(r.final_code);
    j["outcome"] = session::to_string(r.outcome);
    j["pdd_ms"] = opt(r.pdd_ms);
    j["setup_ms"] = opt(r.setup_ms);
    j["duration_s"] = opt(r.duration_s);
    j["messages"] = r.messages;
    j["retransmissions"] = r.retransmissions;
    j["reason_header"] = r.reason_header;
    j["warning"] = r.warning;
    j["failed_by"] = failed_by_text(r);
    j["icid"] = r.icid;
    // Present only when they apply, so the records of tidy traces keep their shape.
    if (r.mid_dialog) j["mid_dialog"] = true;
    if (r.part > 1) j["record_part"] = r.part;
    if (!r.abandon_method.empty())
        j["abandoned_by"] = {{"method", r.abandon_method}, {"frame", r.abandon_frame}};
    if (r.has_root_cause)
        j["root_cause"] = {{"code", r.root_cause_code}, {"by", r.root_cause_by.to_string()}};
    j["explanation"] = r.explanation;
    auto& findings = j["findings"] = nlohmann::ordered_json::array();
    for (const auto& f : r.findings)
        findings.push_back(session::to_string(f.code));
    // IMS evidence, present only when seen (TS 24.229 P-Access-Network-Info, RFC 3312).
    if (!r.access_network.empty()) {
        const auto decoded = knowledge::decode_access_network_info(r.access_network);
        nlohmann::ordered_json a;
        a["header"] = r.access_network;
        if (!decoded.empty()) {
            const auto& first = decoded.front();
            a["access_type"] = first.access_type;
            a["family"] = std::string(knowledge::to_string(first.family));
            a["is_3gpp"] = first.is_3gpp();
            a["mcc"] = first.mcc;
            a["mnc"] = first.mnc;
            a["area"] =
                first.area_code.empty() ? std::string() : first.area_kind + " " + first.area_code;
            a["cell"] = first.cell_identity.empty() ? std::string()
                                                    : first.cell_kind + " " + first.cell_identity;
            a["network_provided"] = first.network_provided;
            a["summary"] = first.summary();
        }
        j["access_network"] = std::move(a);
    }
    if (!r.preconditions.empty()) {
        const auto state = knowledge::parse_preconditions(r.preconditions);
        nlohmann::ordered_json p;
        auto& lines = p["lines"] = nlohmann::ordered_json::array();
        for (const auto& line : state.lines) {
            std::string kind = line.kind == knowledge::PreconditionLine::Kind::current   ? "curr"
                               : line.kind == knowledge::PreconditionLine::Kind::desired ? "des"
                                                                                         : "conf";
            lines.push_back({{"kind", kind},
                             {"media", line.media},
                             {"media_type", line.media_type},
                             {"type", line.type},
                             {"strength", line.strength},
                             {"status", line.status},
                             {"direction", line.direction}});
        }
        p["unmet"] = state.unmet();
        j["preconditions"] = std::move(p);
    }
    return j;
}

namespace {

bool is_success(const CallRecord& r) {
    switch (r.outcome) {
    case session::Outcome::answered:
    case session::Outcome::registered:
    case session::Outcome::unregistered:
    case session::Outcome::completed:
    case session::Outcome::ended:
        return true;
    default:
        return false;
    }
}

// "17:58:02.965"; with the date ("2005-01-14 17:58:02") when the records span several days.
std::string table_start(std::int64_t start_ns, bool with_date) {
    const std::string iso = iso_time(start_ns); // 2005-01-14T17:58:02.965944Z
    if (iso.size() < 23) return iso;
    return with_date ? iso.substr(0, 10) + " " + iso.substr(11, 8) : iso.substr(11, 12);
}

} // namespace

std::string render_records_table(const std::vector<CallRecord>& records, const TextStyle& style) {
    std::int64_t first = 0;
    std::int64_t last = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
        first = i ? std::min(first, records[i].start_ns) : records[i].start_ns;
        last = i ? std::max(last, records[i].start_ns) : records[i].start_ns;
    }
    const bool with_date =
        !records.empty() && (iso_time(first).substr(0, 10) != iso_time(last).substr(0, 10));
    // The headers are the machine names (CSV, TSV, NDJSON): final_code shows its reason
    // phrase beside it. Under each row, indented and wrapped to the width instead of cut, the
    // why: the first sentence of the explanation (it names from and to), after who failed it.
    const std::size_t start_width = with_date ? 19 : 12;
    TableOptions options;
    options.max_width = style.width;
    TableWriter table({{"start", start_width, Align::left, 0, start_width},
                       {"first_method", 12, Align::left, 0, 12},
                       {"final_code", 0, Align::left, 24, 14},
                       {"outcome", 12, Align::left, 0, 12},
                       {"call_id", 0, Align::left, 0, 12}},
                      options);
    std::vector<std::vector<std::string>> rows;
    rows.reserve(records.size());
    for (const auto& r : records) {
        std::string final_code = "-";
        if (r.final_code) final_code = fmt::format("{} {}", r.final_code, r.final_reason);
        rows.push_back({table_start(r.start_ns, with_date), r.first_method, final_code,
                        std::string(session::to_string(r.outcome)), r.call_id});
    }
    table.fit(rows); // then the widest columns shrink first, to the width
    std::string out;
    table.write_header(out);
    for (std::size_t i = 0; i < records.size(); ++i) {
        const CallRecord& r = records[i];
        if (style.color) {
            table.write_row(out, rows[i], {},
                            {{}, {}, status_sgr(r.final_code), outcome_sgr(rows[i][3]), {}});
        } else {
            table.write_row(out, rows[i]);
        }
        if (r.explanation.empty()) continue;
        std::string why = "    ";
        const std::string failed_by = failed_by_text(r);
        if (!failed_by.empty() && !is_success(r))
            why += "failed_by " + text::visible(failed_by, true) + ": ";
        why += text::visible(first_sentence(r.explanation), true);
        out += wrap_lines(paint(why, is_success(r) ? sgr::dim : std::string_view(), style.color),
                          style.width, 2);
        out += '\n';
    }
    return out;
}

std::string render_records(const std::vector<CallRecord>& records, Format format,
                           std::size_t max_width) {
    std::string out;
    switch (format) {
    case Format::ndjson:
        for (const auto& r : records) {
            out += record_json(r).dump(-1, ' ', false,
                                       nlohmann::ordered_json::error_handler_t::replace);
            out += '\n';
        }
        break;
    case Format::csv: {
        const auto& fields = record_fields();
        std::vector<std::string_view> views(fields.begin(), fields.end());
        append_csv_record(out, views.data(), views.size());
        // final_code, pdd_ms, setup_ms, duration_s, messages, retransmissions
        bool numbers[32] = {};
        for (const std::size_t i : {7, 12, 13, 14, 15, 16})
            numbers[i] = true;
        for (const auto& r : records) {
            const auto values = record_values(r);
            views.assign(values.begin(), values.end());
            append_csv_record(out, views.data(), views.size(), numbers);
        }
        break;
    }
    case Format::tsv: {
        const auto& fields = record_fields();
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (i) out += '\t';
            out += fields[i];
        }
        out += '\n';
        for (const auto& r : records) {
            const auto values = record_values(r);
            for (std::size_t i = 0; i < values.size(); ++i) {
                if (i) out += '\t';
                out += text::tsv_field(values[i]);
            }
            out += '\n';
        }
        break;
    }
    case Format::table:
        out = render_records_table(records, {false, max_width});
        break;
    }
    return out;
}

} // namespace sipdx::output
