// The report's sessions section (docs/report.md "Sessions"): the Call-IDs of one call across
// legs and hops, grouped by the session stage (docs/sessions.md), each with its verdict, its legs
// (linked to the call view), how sure each link is, and the roles of its nodes.
#include "report/detail/page.h"

#include <sipdx/text/escape.h>
#include <sipdx/text/time.h>

#include <fmt/format.h>

#include <algorithm>

namespace sipdx::report::detail {
namespace {

// Sessions drawn in full, multi-leg ones first; the rest are counted.
constexpr std::size_t max_sessions_shown = 300;

std::string h(std::string_view s) {
    return text::html_escape(s);
}

// A weak link is a guess and reads as one: its own badge and the word "guess".
std::string strength_badge(analysis::LinkStrength strength) {
    switch (strength) {
    case analysis::LinkStrength::strong:
        return "<span class=\"badge link-strong\">strong</span>";
    case analysis::LinkStrength::medium:
        return "<span class=\"badge link-medium\">medium</span>";
    case analysis::LinkStrength::weak:
        return "<span class=\"badge link-weak\">weak: a guess</span>";
    }
    return {};
}

void render_session(Page& p, std::string& o, const analysis::Session& ses) {
    ReportBuilder::State& s = p.state;
    fmt::format_to(std::back_inserter(o),
                   "<details class=\"session\" id=\"session-{}\" data-strength=\"{}\"{}><summary>"
                   "<b>{}</b> <span class=\"badge o-{}\">{}</span> {} leg{} · {}{}</summary>",
                   h(ses.id), analysis::to_string(ses.strength), ses.multi_leg() ? " open" : "",
                   h(ses.id), session::to_string(ses.outcome), session::to_string(ses.outcome),
                   ses.legs.size(), ses.legs.size() == 1 ? "" : "s", strength_badge(ses.strength),
                   ses.start_ns ? " · " + text::iso_time(ses.start_ns).substr(0, 19) : "");
    fmt::format_to(std::back_inserter(o), "<p class=\"verdict\">{}</p>", h(s.shown(ses.verdict)));

    o += "<div class=\"scroll\"><table class=\"plain legs\"><thead><tr><th>leg</th><th>Call-ID"
         "</th><th>outcome</th><th>code</th><th>from</th><th>to</th><th>caller node</th><th>"
         "callee node</th></tr></thead><tbody>";
    for (std::size_t i = 0; i < ses.legs.size(); ++i) {
        const auto& leg = ses.legs[i];
        const std::string id = s.shown(leg.call_id);
        fmt::format_to(
            std::back_inserter(o),
            "<tr><td class=\"n\">{}</td><td><a class=\"call-link\" href=\"#call={}\" "
            "data-call=\"{}\">{}</a></td><td><span class=\"badge o-{}\">{}</span></td><td>{}</td>"
            "<td>{}</td><td>{}</td><td class=\"path\">{}</td><td class=\"path\">{}</td></tr>",
            i + 1, h(id), h(id), h(id), session::to_string(leg.outcome),
            session::to_string(leg.outcome),
            leg.final_code ? fmt::format("{} {}", leg.final_code, h(leg.final_reason))
                           : std::string(),
            h(s.shown(leg.from)), h(s.shown(leg.to)), h(s.shown(leg.caller_node)),
            h(s.shown(leg.callee_node)));
    }
    o += "</tbody></table></div>";

    if (!ses.links.empty()) {
        o += "<h4>Why these Call-IDs are one session</h4><ul class=\"links\">";
        for (const auto& link : ses.links)
            fmt::format_to(std::back_inserter(o), "<li>{} <b>{}</b>: {} ↔ {} ({})</li>",
                           strength_badge(link.strength), analysis::to_string(link.kind),
                           h(s.shown(link.a)), h(s.shown(link.b)), h(s.shown(link.evidence)));
        o += "</ul>";
    }
    if (!ses.nodes.empty()) {
        o += "<h4>Nodes</h4><div class=\"scroll\"><table class=\"plain nodes\"><thead><tr><th>"
             "node</th><th>role</th><th>how sure</th><th>evidence</th><th>product</th></tr>"
             "</thead><tbody>";
        for (const auto& n : ses.nodes) {
            const bool known = n.role != analysis::Role::unknown;
            fmt::format_to(std::back_inserter(o),
                           "<tr><td class=\"path\">{}</td><td>{}{}</td><td>{}</td><td>{}</td>"
                           "<td>{}</td></tr>",
                           h(s.shown(n.node)), h(analysis::to_string(n.role)),
                           known && n.confidence == analysis::LinkStrength::weak ? "?" : "",
                           known ? strength_badge(n.confidence) : std::string(),
                           h(s.shown(n.evidence)), h(s.shown(n.product)));
        }
        o += "</tbody></table></div>";
    }
    o += "</details>";
}

} // namespace

void render_sessions(Page& p) {
    std::string& o = p.out;
    const auto* sessions = p.view.sessions;
    if (sessions == nullptr) {
        o += "<p>Sessions were not grouped: <code>sipdx report --sessions</code> groups the "
             "Call-IDs of one call across legs (docs/sessions.md), as <code>sipdx sessions</code> "
             "does.</p>";
        return;
    }
    if (sessions->empty()) {
        o += "<p>No session: no call in this trace.</p>";
        return;
    }
    const auto summary = analysis::summarize(*sessions);
    fmt::format_to(std::back_inserter(o),
                   "<dl class=\"tiles\"><div class=\"tile\"><dt>Sessions</dt><dd>{}</dd></div>"
                   "<div class=\"tile\"><dt>Multi-leg</dt><dd>{}</dd></div><div class=\"tile\">"
                   "<dt>Held by a guess</dt><dd>{}<small>a weak link somewhere</small></dd></div>"
                   "</dl>",
                   summary.sessions, summary.multi_leg, summary.weak);
    o += "<p class=\"lead\">Legs of one call linked by evidence: <b>strong</b> (a shared "
         "icid-value, Session-ID, Replaces...), <b>medium</b>, or <b>weak</b> — a guess from "
         "media hand-over or the same parties, never certain. A Call-ID opens its call.</p>";
    std::vector<const analysis::Session*> order;
    for (const auto& ses : *sessions)
        order.push_back(&ses);
    std::stable_sort(order.begin(), order.end(),
                     [](const auto* a, const auto* b) { return a->legs.size() > b->legs.size(); });
    const std::size_t shown = std::min(order.size(), max_sessions_shown);
    for (std::size_t i = 0; i < shown; ++i)
        render_session(p, o, *order[i]);
    // Each leg of a multi-leg session shown above names its session in the call view
    // (script.cpp reads this template).
    o += "<template id=\"call-sessions\">";
    for (std::size_t i = 0; i < shown && order[i]->multi_leg(); ++i)
        for (const auto& leg : order[i]->legs)
            fmt::format_to(std::back_inserter(o),
                           "<p class=\"call-session\" data-call=\"{}\">Leg of session <a "
                           "href=\"#session-{}\">{}</a> ({} legs, linked {}): {}</p>",
                           h(p.state.shown(leg.call_id)), h(order[i]->id), h(order[i]->id),
                           order[i]->legs.size(), analysis::to_string(order[i]->strength),
                           h(p.state.shown(order[i]->verdict)));
    o += "</template>";
    if (order.size() > shown)
        fmt::format_to(std::back_inserter(o),
                       "<p class=\"muted\">{} more sessions (single legs first left out); "
                       "<code>sipdx sessions CAPTURE</code> lists them all.</p>",
                       order.size() - shown);
}

} // namespace sipdx::report::detail
