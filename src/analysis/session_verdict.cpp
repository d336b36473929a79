// One verdict per session (docs/sessions.md "Verdicts"): where the failure began (the deepest
// failing leg, i.e. the furthest from the caller, and the node that answered it), how it
// travelled back to the caller, and which legs succeeded.
#include "detail/session_state.h"

#include <fmt/format.h>

#include <algorithm>

namespace sipdx::analysis::detail {

namespace {

using session::Outcome;

bool succeeded(Outcome o) {
    return o == Outcome::answered || o == Outcome::completed || o == Outcome::registered ||
           o == Outcome::unregistered || o == Outcome::ended;
}

bool failed(Outcome o) {
    return o == Outcome::failed || o == Outcome::timeout || o == Outcome::cancelled ||
           o == Outcome::challenged || o == Outcome::redirected;
}

const NodeRole* node_of(const Session& s, const std::string& node) {
    for (const auto& n : s.nodes)
        if (n.node == node) return &n;
    return nullptr;
}

// "the S-CSCF 10.0.0.3:5060"; a weak role reads "probably the AS ..."; no role: the address.
std::string name(const Session& s, const std::string& node) {
    if (node.empty()) return "an unseen node";
    const NodeRole* n = node_of(s, node);
    if (!n || n->role == Role::unknown) return node;
    const std::string role(to_string(n->role));
    if (n->confidence == LinkStrength::weak) return "probably the " + role + " " + node;
    return "the " + role + " " + node;
}

std::string code_text(const SessionLeg& leg) {
    if (leg.final_code == 0) return "no final answer";
    return leg.final_reason.empty() ? std::to_string(leg.final_code)
                                    : fmt::format("{} {}", leg.final_code, leg.final_reason);
}

std::string leg_name(const Session& s, std::size_t index) {
    return fmt::format("leg {} ({})", index + 1, s.legs[index].call_id);
}

// Legs a B2BUA made: a leg's parent is the earlier leg whose callee originates it.
std::vector<std::size_t> depths(const Session& s) {
    std::vector<std::size_t> depth(s.legs.size(), 0);
    for (std::size_t j = 1; j < s.legs.size(); ++j) {
        depth[j] = 1; // a later leg of the session is downstream unless the nodes say otherwise
        for (std::size_t i = 0; i < j; ++i)
            if (s.legs[i].reached(s.legs[j].caller_node)) {
                depth[j] = depth[i] + 1;
                break;
            }
    }
    return depth;
}

} // namespace

void write_verdict(Session& s) {
    const SessionLeg& first = s.legs.front();
    s.outcome = first.outcome;
    s.final_code = first.final_code;
    std::vector<std::size_t> bad;
    std::vector<std::size_t> good;
    for (std::size_t i = 0; i < s.legs.size(); ++i) {
        if (succeeded(s.legs[i].outcome)) good.push_back(i);
        if (failed(s.legs[i].outcome)) bad.push_back(i);
    }
    s.legs_ok = good.size();
    s.legs_failed = bad.size();
    const std::string legs_word =
        s.legs.size() == 1 ? "1 leg" : fmt::format("{} legs", s.legs.size());

    auto list_good = [&]() {
        if (good.empty()) return std::string();
        std::string out =
            good.size() == 1 ? "; the leg that succeeded: " : "; legs that succeeded: ";
        for (std::size_t k = 0; k < good.size(); ++k)
            out += (k ? ", " : "") + fmt::format("{}", good[k] + 1);
        return out;
    };

    if (bad.empty()) {
        if (succeeded(first.outcome))
            s.verdict = fmt::format("{} for the caller ({}, all succeeded).",
                                    first.outcome == Outcome::answered ? "Answered" : "Completed",
                                    legs_word);
        else
            s.verdict = fmt::format("No final answer yet when the capture ended ({}).", legs_word);
        return;
    }

    // The caller gave up: the cancel travelled down, not a failure up.
    if (first.outcome == Outcome::cancelled) {
        s.failed_leg = first.call_id;
        s.origin_node = first.caller_node;
        if (const NodeRole* n = node_of(s, first.caller_node)) s.origin_role = n->role;
        s.verdict = fmt::format("Cancelled by the caller {} on {}", name(s, first.caller_node),
                                leg_name(s, 0));
        if (bad.size() > 1)
            s.verdict += fmt::format("; {} downstream leg{} ended with it", bad.size() - 1,
                                     bad.size() > 2 ? "s" : "");
        s.verdict += list_good() + ".";
        return;
    }

    const auto depth = depths(s);
    // The deepest failing leg; among equals the one whose failure came first (its first final
    // answer, else the end of the leg).
    auto failed_at = [&](std::size_t i) {
        return s.legs[i].final_ns ? s.legs[i].final_ns : s.legs[i].end_ns;
    };
    std::size_t origin = bad.front();
    for (std::size_t i : bad) {
        if (depth[i] > depth[origin] ||
            (depth[i] == depth[origin] && failed_at(i) < failed_at(origin)))
            origin = i;
    }
    const SessionLeg& o = s.legs[origin];
    const std::string& by = o.failed_by.empty() ? o.callee_node : o.failed_by;
    s.failed_leg = o.call_id;
    s.origin_node = by;
    if (const NodeRole* n = node_of(s, by)) s.origin_role = n->role;

    std::string v;
    if (o.outcome == Outcome::timeout)
        v = fmt::format("No final answer from {} on {} (timeout)", name(s, o.callee_node),
                        leg_name(s, origin));
    else
        v = fmt::format("{} from {} on {}", code_text(o), name(s, by), leg_name(s, origin));
    if (o.root_cause_code)
        v += fmt::format(", after {} from {}", o.root_cause_code, name(s, o.root_cause_by));
    // Back towards the caller: the failing legs above the origin, deepest first.
    std::vector<std::size_t> upstream;
    std::vector<std::size_t> beside; // other failing legs at the origin's depth (retries, forks)
    for (std::size_t i : bad) {
        if (i == origin) continue;
        if (depth[i] < depth[origin])
            upstream.push_back(i);
        else
            beside.push_back(i);
    }
    for (std::size_t i : beside)
        v += fmt::format(
            "; {} also failed ({} from {})", leg_name(s, i), code_text(s.legs[i]),
            name(s, s.legs[i].failed_by.empty() ? s.legs[i].callee_node : s.legs[i].failed_by));
    std::stable_sort(upstream.begin(), upstream.end(),
                     [&](std::size_t a, std::size_t b) { return depth[a] > depth[b]; });
    for (std::size_t i : upstream) {
        const SessionLeg& leg = s.legs[i];
        const std::string& sender = leg.failed_by.empty() ? leg.callee_node : leg.failed_by;
        const bool same = leg.final_code == o.final_code;
        v += fmt::format("; {} {} {} to {}", name(s, sender),
                         same ? "passed it on as" : "relayed it as", code_text(leg),
                         name(s, leg.caller_node));
        if (!leg.callee_node.empty() && leg.callee_node != sender)
            v += " via " + name(s, leg.callee_node);
        v += " on " + leg_name(s, i);
    }
    // The failure stayed below the caller: say what the caller saw.
    if (succeeded(first.outcome))
        v += fmt::format("; the caller's {} was still answered", leg_name(s, 0));
    s.verdict = v + list_good() + ".";
}

} // namespace sipdx::analysis::detail
