#include <sipdx/output/sessions.h>
#include <sipdx/output/table.h>

#include <sipdx/text/escape.h>
#include <sipdx/text/time.h>

#include <fmt/format.h>

namespace sipdx::output {

using analysis::Session;
using text::iso_time;

namespace {

std::string join_legs(const Session& s) {
    std::string out;
    for (const auto& leg : s.legs)
        out += (out.empty() ? "" : " ") + leg.call_id;
    return out;
}

std::string link_kinds(const Session& s) {
    std::string out;
    for (const auto& l : s.links) {
        const std::string item =
            fmt::format("{}({})", analysis::to_string(l.kind), analysis::to_string(l.strength));
        if (out.find(item) == std::string::npos) out += (out.empty() ? "" : " ") + item;
    }
    return out;
}

std::string node_roles(const Session& s) {
    std::string out;
    for (const auto& n : s.nodes)
        out += (out.empty() ? "" : " ") + n.node + "=" + std::string(analysis::role_name(n.role)) +
               (n.role != analysis::Role::unknown && n.confidence == analysis::LinkStrength::weak
                    ? "?"
                    : "");
    return out;
}

std::string title_of(const analysis::NodeRole& n) {
    if (n.role == analysis::Role::unknown) return n.node;
    return fmt::format("{} {}{}", n.node, analysis::to_string(n.role),
                       n.confidence == analysis::LinkStrength::weak ? "?" : "");
}

} // namespace

const std::vector<std::string>& session_fields() {
    static const std::vector<std::string> fields{
        "session_id",  "key",         "start",       "end",      "legs",   "outcome",
        "final_code",  "legs_ok",     "legs_failed", "strength", "links",  "failed_leg",
        "origin_node", "origin_role", "nodes",       "call_ids", "verdict"};
    return fields;
}

std::vector<std::string> session_values(const Session& s) {
    return {s.id,
            s.key,
            iso_time(s.start_ns),
            iso_time(s.end_ns),
            std::to_string(s.legs.size()),
            std::string(session::to_string(s.outcome)),
            s.final_code ? std::to_string(s.final_code) : std::string(),
            std::to_string(s.legs_ok),
            std::to_string(s.legs_failed),
            std::string(analysis::to_string(s.strength)),
            link_kinds(s),
            s.failed_leg,
            s.origin_node,
            s.failed_leg.empty() ? std::string() : std::string(analysis::role_name(s.origin_role)),
            node_roles(s),
            join_legs(s),
            s.verdict};
}

nlohmann::ordered_json session_json(const Session& s) {
    using json = nlohmann::ordered_json;
    json j;
    j["session_id"] = s.id;
    j["key"] = s.key;
    j["start"] = iso_time(s.start_ns);
    j["end"] = iso_time(s.end_ns);
    j["legs"] = s.legs.size();
    j["outcome"] = session::to_string(s.outcome);
    j["final_code"] = s.final_code ? json(s.final_code) : json();
    j["legs_ok"] = s.legs_ok;
    j["legs_failed"] = s.legs_failed;
    j["strength"] = analysis::to_string(s.strength);
    j["failed_leg"] = s.failed_leg;
    j["origin_node"] = s.origin_node;
    j["origin_role"] = s.failed_leg.empty() ? "" : analysis::role_name(s.origin_role);
    j["verdict"] = s.verdict;
    auto& legs = j["leg_list"] = json::array();
    for (std::size_t i = 0; i < s.legs.size(); ++i) {
        const auto& l = s.legs[i];
        legs.push_back({{"leg", i + 1},
                        {"call_id", l.call_id},
                        {"from", l.from},
                        {"to", l.to},
                        {"start", iso_time(l.start_ns)},
                        {"outcome", session::to_string(l.outcome)},
                        {"final_code", l.final_code ? json(l.final_code) : json()},
                        {"icid", l.icid},
                        {"caller_node", l.caller_node},
                        {"callee_node", l.callee_node},
                        {"failed_by", l.failed_by}});
    }
    auto& links = j["links"] = json::array();
    for (const auto& l : s.links)
        links.push_back({{"a", l.a},
                         {"b", l.b},
                         {"kind", analysis::to_string(l.kind)},
                         {"strength", analysis::to_string(l.strength)},
                         {"evidence", l.evidence}});
    auto& nodes = j["nodes"] = json::array();
    for (const auto& n : s.nodes)
        nodes.push_back(
            {{"node", n.node},
             {"role", analysis::role_name(n.role)},
             {"confidence", n.role == analysis::Role::unknown ? std::string_view()
                                                              : analysis::to_string(n.confidence)},
             {"evidence", n.evidence},
             {"product", n.product}});
    return j;
}

std::string render_sessions(const std::vector<Session>& sessions, Format format,
                            std::size_t max_width) {
    std::string out;
    switch (format) {
    case Format::ndjson:
        for (const auto& s : sessions) {
            out += session_json(s).dump(-1, ' ', false,
                                        nlohmann::ordered_json::error_handler_t::replace);
            out += '\n';
        }
        break;
    case Format::csv:
    case Format::tsv: {
        const bool csv = format == Format::csv;
        const char sep = csv ? ',' : '\t';
        const auto& fields = session_fields();
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (i) out += sep;
            out += fields[i];
        }
        out += '\n';
        for (const auto& s : sessions) {
            const auto values = session_values(s);
            for (std::size_t i = 0; i < values.size(); ++i) {
                if (i) out += sep;
                out += csv ? text::csv_field(values[i]) : text::tsv_field(values[i]);
            }
            out += '\n';
        }
        break;
    }
    case Format::table: {
        TableOptions options;
        options.trim_trailing_spaces = false;
        options.max_width = max_width;
        TableWriter table({{"id", 4},
                           {"start", 15},
                           {"legs", 4, Align::right},
                           {"link", 8},
                           {"outcome", 11},
                           {"code", 4, Align::right},
                           {"verdict"}},
                          options);
        table.write_header(out);
        for (const auto& s : sessions)
            table.write_row(
                out, std::vector<std::string>{
                         s.id, iso_time(s.start_ns).substr(11, 15), std::to_string(s.legs.size()),
                         s.multi_leg() ? std::string(analysis::to_string(s.strength)) : "-",
                         std::string(session::to_string(s.outcome)),
                         s.final_code ? std::to_string(s.final_code) : "-", s.verdict});
        break;
    }
    }
    return out;
}

std::string render_session_summary_text(const analysis::SessionSummary& k) {
    std::string out = "Sessions (legs grouped by icid, Session-ID, correlation headers, "
                      "transfers, B2BUA guesses)\n";
    out += fmt::format("  {:<28}{}\n", "sessions", k.sessions);
    out += fmt::format("  {:<28}{}", "multi-leg", k.multi_leg);
    if (k.weak) out += fmt::format(" ({} held by a weak guess)", k.weak);
    out += '\n';
    for (const auto& [outcome, count] : k.outcomes)
        out += fmt::format("  {:<28}{}\n", outcome, count);
    return out;
}

nlohmann::ordered_json session_summary_json(const analysis::SessionSummary& k) {
    nlohmann::ordered_json j;
    j["sessions"] = k.sessions;
    j["multi_leg"] = k.multi_leg;
    j["weak"] = k.weak;
    auto& outcomes = j["outcomes"] = nlohmann::ordered_json::object();
    for (const auto& [outcome, count] : k.outcomes)
        outcomes[outcome] = count;
    return j;
}

LadderOptions session_ladder_options(const Session& s,
                                     const std::vector<session::MessageRecord>& messages,
                                     const std::vector<std::string>& message_call_ids) {
    LadderOptions options;
    for (const auto& n : s.nodes)
        options.host_labels.emplace(n.node, title_of(n));
    options.legs.reserve(messages.size());
    for (std::size_t i = 0; i < messages.size(); ++i) {
        std::uint32_t leg = 0;
        for (std::size_t k = 0; k < s.legs.size() && i < message_call_ids.size(); ++k)
            if (s.legs[k].call_id == message_call_ids[i]) leg = static_cast<std::uint32_t>(k + 1);
        options.legs.push_back(leg);
    }
    return options;
}

std::string session_ladder_header(const Session& s) {
    // Every value came from the wire: each line is made safe for a terminal.
    std::string out;
    auto line = [&out](const std::string& text) {
        text::append_visible(out, text, true);
        out += '\n';
    };
    line(fmt::format("Session {} ({} leg{}, {})", s.id, s.legs.size(),
                     s.legs.size() == 1 ? "" : "s", s.key));
    for (std::size_t i = 0; i < s.legs.size(); ++i) {
        const auto& l = s.legs[i];
        line(fmt::format("  L{} {}  {} -> {}  {}{}", i + 1, l.call_id, l.from, l.to,
                         session::to_string(l.outcome),
                         l.final_code ? fmt::format(" {}", l.final_code) : std::string()));
    }
    for (const auto& l : s.links)
        line(fmt::format("  link {} ({}): {}", analysis::to_string(l.kind),
                         analysis::to_string(l.strength), l.evidence));
    for (const auto& n : s.nodes)
        if (n.role != analysis::Role::unknown || !n.evidence.empty())
            line(fmt::format("  node {} {}{}: {}", n.node, analysis::to_string(n.role),
                             n.confidence == analysis::LinkStrength::weak &&
                                     n.role != analysis::Role::unknown
                                 ? "?"
                                 : "",
                             n.evidence));
    line("  verdict: " + s.verdict);
    return out;
}

} // namespace sipdx::output
