// Sessions: the compact keys each Call-ID leaves behind, and the grouping of Call-IDs by them
// (union-find, strongest evidence first). Roles are in session_roles.cpp, verdicts in
// session_verdict.cpp; docs/sessions.md states the rules.
#include "detail/session_state.h"

#include <sipdx/sip/params.h>
#include <sipdx/text/text.h>

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <utility>

namespace sipdx::analysis {

using detail::CallKeys;
using detail::SessionState;

std::string_view to_string(LinkStrength strength) {
    switch (strength) {
    case LinkStrength::weak:
        return "weak";
    case LinkStrength::medium:
        return "medium";
    case LinkStrength::strong:
        return "strong";
    }
    return "weak";
}

std::string_view to_string(LinkKind kind) {
    switch (kind) {
    case LinkKind::icid:
        return "icid";
    case LinkKind::related_icid:
        return "related_icid";
    case LinkKind::session_id:
        return "session_id";
    case LinkKind::correlation_header:
        return "correlation_header";
    case LinkKind::replaces:
        return "replaces";
    case LinkKind::referred:
        return "referred";
    case LinkKind::media_handover:
        return "media_handover";
    case LinkKind::parties:
        return "parties";
    }
    return "parties";
}

LinkStrength strength_of(LinkKind kind) {
    switch (kind) {
    case LinkKind::icid:
    case LinkKind::related_icid:
    case LinkKind::session_id:
    case LinkKind::correlation_header:
    case LinkKind::replaces:
        return LinkStrength::strong;
    case LinkKind::referred:
    case LinkKind::media_handover:
        return LinkStrength::medium;
    case LinkKind::parties:
        return LinkStrength::weak;
    }
    return LinkStrength::weak;
}

std::string_view to_string(Role role) {
    static constexpr std::string_view names[] = {"unknown", "UE",   "P-CSCF", "I-CSCF", "S-CSCF",
                                                 "AS",      "MGCF", "BGCF",   "IBCF",   "MRF"};
    return names[static_cast<std::size_t>(role)];
}

std::string_view role_name(Role role) {
    static constexpr std::string_view names[] = {"unknown", "ue",   "p_cscf", "i_cscf", "s_cscf",
                                                 "as",      "mgcf", "bgcf",   "ibcf",   "mrf"};
    return names[static_cast<std::size_t>(role)];
}

namespace {

void add_bounded(std::vector<std::string>& values, std::string_view value, std::size_t limit) {
    if (value.empty() || values.size() >= limit) return;
    if (std::find(values.begin(), values.end(), value) != values.end()) return;
    values.emplace_back(value);
}

// The user part of a SIP/tel URI for comparing parties across legs: parameters cut, a leading
// '+' dropped, lower case ("+4930123;npdi" and "4930123" are the same party).
std::string party_of(std::string_view uri_or_user) {
    std::string_view u = uri_or_user;
    if (const auto at = u.find('@'); at != std::string_view::npos) u = u.substr(0, at);
    if (const auto colon = u.find(':'); colon != std::string_view::npos && colon < 5)
        u = u.substr(colon + 1); // "sip:" / "tel:"
    if (const auto semi = u.find(';'); semi != std::string_view::npos) u = u.substr(0, semi);
    if (!u.empty() && u.front() == '+') u.remove_prefix(1);
    return text::lower(u);
}

// Call-ID named by a Replaces value: "callid;to-tag=..;from-tag=.." (RFC 3891).
std::string_view replaces_call_id(std::string_view value) {
    value = sip::trim_lws(value);
    if (const auto semi = value.find(';'); semi != std::string_view::npos)
        value = value.substr(0, semi);
    return sip::trim_lws(value);
}

// %XX unescaping of a URI header value (Refer-To <sip:b@x?Replaces=abc%40host%3Bto-tag...>).
std::string unescape(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto hex = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            c = text::to_lower(c);
            return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        };
        if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

void collect_keys(SessionState& state, CallKeys& keys, const MessageContext& context) {
    const sip::Message& m = context.message;
    const session::SipEvent& e = context.event;
    const std::size_t limit = state.options.max_keys_per_call;
    if (const auto* pcv = m.find(sip::HeaderId::p_charging_vector)) {
        if (auto v = sip::parse_p_charging_vector(pcv->value)) {
            add_bounded(keys.icids, v->icid_value, limit);
            if (auto related = v->params.value("related-icid"))
                add_bounded(keys.related_icids, sip::unquote(*related), limit);
        }
    }
    if (const auto* sid = m.find(sip::HeaderId::session_id)) {
        // "local-uuid;remote=remote-uuid"; the null UUID means "not known yet" (RFC 7989).
        std::string_view v = sip::trim_lws(sid->value);
        const auto semi = v.find(';');
        auto keep = [&](std::string_view uuid) {
            uuid = sip::trim_lws(sip::unquote(uuid));
            if (uuid.empty() || uuid.find_first_not_of('0') == std::string_view::npos) return;
            add_bounded(keys.session_uuids, text::lower(uuid), limit);
        };
        keep(v.substr(0, semi));
        if (semi != std::string_view::npos) {
            if (auto remote = sip::ParamList(v.substr(semi)).value("remote")) keep(*remote);
        }
    }
    for (const auto& name : state.options.correlate_headers) {
        if (const auto* h = m.find(name)) {
            const std::string_view value = sip::trim_lws(h->value);
            if (!value.empty())
                add_bounded(keys.correlations, text::lower(name) + "\n" + std::string(value),
                            limit);
        }
    }
    if (const auto* r = m.find(std::string_view("Replaces"))) {
        const std::string_view id = replaces_call_id(r->value);
        if (id != e.call_id) add_bounded(keys.replaces, id, limit);
    }
    if (e.is_request && e.method == sip::Method::refer) {
        for (const auto& target : m.name_addrs(sip::HeaderId::refer_to)) {
            keys.refer_target = party_of(target.uri.user);
            keys.refer_ns = e.time_ns;
            const std::string headers = unescape(target.uri.headers);
            const auto at =
                text::icontains(headers, "replaces=") ? headers.find('=') : headers.npos;
            if (at != std::string::npos) {
                const std::string id(replaces_call_id(std::string_view(headers).substr(at + 1)));
                if (id != e.call_id) add_bounded(keys.replaces, id, limit);
            }
            break;
        }
    }
    if (e.is_request && e.method == sip::Method::invite && e.to_tag.empty())
        add_bounded(keys.hops, e.dst.to_string(), limit);
    if (e.is_request && e.method == sip::Method::invite && e.to_tag.empty() &&
        keys.caller_node.empty()) {
        keys.caller_node = e.src.to_string();
        keys.callee_node = e.dst.to_string();
        for (const auto& by : m.name_addrs(sip::HeaderId::referred_by)) {
            keys.referred_by = party_of(by.uri.user);
            break;
        }
    }
    if (e.has_sdp && state.options.heuristics) {
        if (auto sdp = m.sdp()) {
            for (const auto& media : sdp->media) {
                const auto& c = media.connection ? media.connection : sdp->connection;
                if (!c || media.port == 0) continue;
                std::string_view address = c->address;
                if (const auto slash = address.find('/'); slash != std::string_view::npos)
                    address = address.substr(0, slash);
                if (address == "0.0.0.0" || address == "::") continue; // hold, not a hand-over
                add_bounded(keys.media,
                            fmt::format("{} {}\n{}", address, media.port, e.src.to_string()),
                            limit);
            }
        }
    }
}

bool overlaps(const SessionLeg& a, const SessionLeg& b, std::int64_t slack) {
    return a.start_ns <= b.end_ns + slack && b.start_ns <= a.end_ns + slack;
}

struct UnionFind {
    std::vector<std::size_t> parent;
    explicit UnionFind(std::size_t n) : parent(n) {
        std::iota(parent.begin(), parent.end(), std::size_t{0});
    }
    std::size_t find(std::size_t x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }
    bool unite(std::size_t a, std::size_t b) {
        a = find(a);
        b = find(b);
        if (a == b) return false;
        parent[std::max(a, b)] = std::min(a, b);
        return true;
    }
};

} // namespace

struct SessionBuilder::State : SessionState {};

SessionBuilder::SessionBuilder(SessionOptions options) : m_state(std::make_unique<State>()) {
    m_state->options = std::move(options);
}
SessionBuilder::~SessionBuilder() = default;
SessionBuilder::SessionBuilder(SessionBuilder&&) noexcept = default;
SessionBuilder& SessionBuilder::operator=(SessionBuilder&&) noexcept = default;

void SessionBuilder::observe(const MessageContext& context) {
    const session::SipEvent& e = context.event;
    const sip::Method about = e.about();
    const bool initial = e.is_request && e.to_tag.empty();
    // Only the messages that carry keys or roles: initial requests, REFER, SDP, and the
    // registration answers that name the S-CSCF. In-dialog traffic is most of a trace.
    const bool invite_final = !e.is_request && about == sip::Method::invite && e.status >= 200;
    if (!initial && !e.has_sdp && !invite_final &&
        !(e.is_request && e.method == sip::Method::refer) &&
        !(about == sip::Method::register_ && !e.is_request))
        return;
    detail::learn_roles(*m_state, context);
    if (about == sip::Method::register_ || about == sip::Method::options) return;
    auto [it, fresh] = m_state->keys.try_emplace(std::string(e.call_id));
    (void)fresh;
    if (invite_final && it->second.final_ns == 0) it->second.final_ns = e.time_ns;
    collect_keys(*m_state, it->second, context);
}

void SessionBuilder::add(const session::CallRecord& r) {
    if (r.kind != session::Kind::call) return;
    auto& s = *m_state;
    if (auto it = s.leg_of.find(r.call_id); it != s.leg_of.end()) {
        SessionLeg& leg = s.legs[it->second];
        leg.end_ns = std::max(leg.end_ns, r.end_ns); // a later part of the same Call-ID
        return;
    }
    // The tracker's icid counts as a key too: messages may have carried it on hops the
    // builder skipped.
    if (!r.icid.empty()) add_bounded(s.keys[r.call_id].icids, r.icid, s.options.max_keys_per_call);
    SessionLeg leg;
    leg.call_id = r.call_id;
    leg.part = r.part;
    leg.kind = r.kind;
    leg.outcome = r.outcome;
    leg.final_code = r.final_code;
    leg.final_reason = r.final_reason;
    leg.from = r.from;
    leg.to = r.to;
    leg.start_ns = r.start_ns;
    leg.end_ns = r.end_ns;
    leg.icid = r.icid;
    if (r.has_failed_by) leg.failed_by = r.failed_by.to_string();
    if (r.has_root_cause) {
        leg.root_cause_code = r.root_cause_code;
        leg.root_cause_by = r.root_cause_by.to_string();
    }
    leg.reason_header = r.reason_header;
    s.leg_of.emplace(leg.call_id, s.legs.size());
    s.legs.push_back(std::move(leg));
}

NodeRole SessionBuilder::role_of(const std::string& node) const {
    NodeRole out;
    out.node = node;
    if (auto it = m_state->nodes.find(node); it != m_state->nodes.end()) {
        out.role = it->second.role;
        out.confidence = it->second.confidence;
        out.evidence = it->second.evidence;
        out.product = it->second.product;
    }
    return out;
}

std::vector<Session> SessionBuilder::finish() {
    auto& s = *m_state;
    auto& legs = s.legs;
    std::stable_sort(legs.begin(), legs.end(), [](const SessionLeg& a, const SessionLeg& b) {
        if (a.start_ns != b.start_ns) return a.start_ns < b.start_ns;
        return a.call_id < b.call_id;
    });
    s.leg_of.clear();
    for (std::size_t i = 0; i < legs.size(); ++i) {
        s.leg_of.emplace(legs[i].call_id, i);
        if (auto k = s.keys.find(legs[i].call_id); k != s.keys.end()) {
            legs[i].caller_node = k->second.caller_node;
            legs[i].callee_node = k->second.callee_node;
            legs[i].hops = k->second.hops;
            legs[i].final_ns = k->second.final_ns;
        }
    }
    static const CallKeys no_keys;
    // Looked up once per leg: the transfer pass below asks for every leg's keys per REFER, and
    // hashing the Call-ID each time was a tenth of `ingest --sessions` on a large capture.
    std::vector<const CallKeys*> leg_keys(legs.size(), &no_keys);
    for (std::size_t i = 0; i < legs.size(); ++i)
        if (auto k = s.keys.find(legs[i].call_id); k != s.keys.end()) leg_keys[i] = &k->second;
    auto keys_of = [&](std::size_t i) -> const CallKeys& { return *leg_keys[i]; };

    UnionFind sets(legs.size());
    std::vector<SessionLink> links;
    auto link = [&](std::size_t a, std::size_t b, LinkKind kind, std::string evidence) {
        if (a == b || !sets.unite(a, b)) return;
        links.push_back({legs[std::min(a, b)].call_id, legs[std::max(a, b)].call_id, kind,
                         strength_of(kind), std::move(evidence)});
    };
    // Equal values of one key: the first leg holding a value links every later one.
    auto by_value = [&](auto values_of, LinkKind kind, auto describe) {
        std::unordered_map<std::string, std::size_t> first;
        for (std::size_t i = 0; i < legs.size(); ++i)
            for (const auto& v : values_of(keys_of(i))) {
                auto [it, fresh] = first.try_emplace(v, i);
                if (!fresh) link(it->second, i, kind, describe(v));
            }
        return first;
    };
    const auto icids = by_value(
        [](const CallKeys& k) -> const auto& { return k.icids; }, LinkKind::icid,
        [](const std::string& v) { return "icid-value " + v; });
    for (std::size_t i = 0; i < legs.size(); ++i)
        for (const auto& related : keys_of(i).related_icids)
            if (auto it = icids.find(related); it != icids.end())
                link(it->second, i, LinkKind::related_icid, "related-icid " + related);
    by_value(
        [](const CallKeys& k) -> const auto& { return k.session_uuids; }, LinkKind::session_id,
        [](const std::string& v) { return "Session-ID " + v; });
    by_value(
        [](const CallKeys& k) -> const auto& { return k.correlations; },
        LinkKind::correlation_header,
        [](const std::string& v) {
            std::string text = v;
            std::replace(text.begin(), text.end(), '\n', ' ');
            return text;
        });
    for (std::size_t i = 0; i < legs.size(); ++i)
        for (const auto& id : keys_of(i).replaces)
            if (auto it = s.leg_of.find(id); it != s.leg_of.end())
                link(it->second, i, LinkKind::replaces, "Replaces names " + id);
    // A transfer: the new call's Referred-By party and target match a REFER made before it.
    for (std::size_t i = 0; i < legs.size(); ++i) {
        const CallKeys& referrer = keys_of(i);
        if (referrer.refer_target.empty()) continue;
        for (std::size_t j = 0; j < legs.size(); ++j) {
            const CallKeys& k = keys_of(j);
            if (j == i || k.referred_by.empty() || legs[j].start_ns < referrer.refer_ns) continue;
            if (party_of(legs[j].to) == referrer.refer_target)
                link(i, j, LinkKind::referred,
                     "REFER to " + referrer.refer_target + ", called with Referred-By " +
                         k.referred_by);
        }
    }
    if (s.options.heuristics) {
        const std::int64_t slack = s.options.overlap_slack_ns;
        // A media address is one endpoint's: two overlapping legs offering it were joined by a
        // B2BUA that handed the SDP across.
        // The same node offering its own address on two calls is an endpoint reusing a port,
        // not a hand-over: the address must come from different senders, one of them a party
        // of the other leg.
        std::unordered_map<std::string, std::vector<std::pair<std::size_t, std::string>>> media;
        for (std::size_t i = 0; i < legs.size(); ++i)
            for (const auto& entry : keys_of(i).media) {
                const auto cut = entry.find('\n');
                media[entry.substr(0, cut)].emplace_back(i, entry.substr(cut + 1));
            }
        std::vector<std::string> addresses;
        for (const auto& [address, holders] : media)
            if (holders.size() > 1) addresses.push_back(address);
        std::sort(addresses.begin(), addresses.end()); // links in a stable order
        for (const auto& address : addresses) {
            const auto& holders = media[address];
            for (std::size_t h = 1; h < holders.size(); ++h) {
                const auto& [a, sender_a] = holders[h - 1];
                const auto& [b, sender_b] = holders[h];
                // ...and one sender is a party of the other leg: the B2BUA in the middle.
                auto party = [&](const std::string& node, std::size_t leg) {
                    return node == legs[leg].caller_node || legs[leg].reached(node);
                };
                if (a != b && sender_a != sender_b && (party(sender_a, b) || party(sender_b, a)) &&
                    overlaps(legs[a], legs[b], slack))
                    link(a, b, LinkKind::media_handover,
                         "SDP media " + address + " sent by " + sender_a + " and by " + sender_b);
            }
        }
        // Same calling and called party at overlapping times: only a guess. The few latest
        // legs with the same parties are compared (a bounded look-back).
        std::unordered_map<std::string, std::vector<std::size_t>> with_parties;
        for (std::size_t i = 0; i < legs.size(); ++i) {
            const std::string from = party_of(legs[i].from);
            const std::string to = party_of(legs[i].to);
            if (from.empty() || to.empty()) continue;
            auto& earlier = with_parties[from + "\n" + to];
            const SessionLeg& b = legs[i];
            for (std::size_t e = earlier.size() > 8 ? earlier.size() - 8 : 0; e < earlier.size();
                 ++e) {
                // ...and one leg was set up by a node the other reached (a B2BUA turning its
                // incoming leg into an outgoing one at once): two calls between the same
                // parties through one proxy are not one session.
                const SessionLeg& a = legs[earlier[e]];
                const bool chained = a.reached(b.caller_node) || b.reached(a.caller_node);
                if (chained && b.start_ns - a.start_ns <= s.options.b2bua_setup_ns &&
                    overlaps(a, b, slack))
                    link(earlier[e], i, LinkKind::parties,
                         "same parties " + from + " -> " + to +
                             " at overlapping times, set up by " + b.caller_node);
            }
            earlier.push_back(i);
        }
    }

    // Sets into sessions, numbered by their first leg.
    std::vector<Session> sessions;
    std::unordered_map<std::size_t, std::size_t> session_of_root;
    for (std::size_t i = 0; i < legs.size(); ++i) {
        auto [it, fresh] = session_of_root.try_emplace(sets.find(i), sessions.size());
        if (fresh) {
            sessions.emplace_back();
            sessions.back().id = fmt::format("S{}", sessions.size());
            sessions.back().start_ns = legs[i].start_ns;
        }
        Session& session = sessions[it->second];
        session.end_ns = std::max(session.end_ns, legs[i].end_ns);
        session.legs.push_back(legs[i]);
    }
    for (auto& l : links) {
        Session& session = sessions[session_of_root[sets.find(s.leg_of[l.a])]];
        session.strength = std::min(session.strength, l.strength);
        session.links.push_back(std::move(l));
    }
    for (auto& session : sessions) {
        session.key = session.legs.front().call_id;
        for (const auto& leg : session.legs)
            if (!leg.icid.empty()) {
                session.key = leg.icid;
                break;
            }
        std::vector<std::string> seen;
        auto add_node = [&](const std::string& node) {
            if (node.empty() || std::find(seen.begin(), seen.end(), node) != seen.end()) return;
            seen.push_back(node);
            session.nodes.push_back(role_of(node));
        };
        for (const auto& leg : session.legs) {
            add_node(leg.caller_node);
            add_node(leg.callee_node);
        }
        for (const auto& leg : session.legs)
            add_node(leg.failed_by);
        // A node that answers one leg and originates another is a B2BUA: not the UE a single
        // Via made it look like.
        for (auto& node : session.nodes) {
            for (const auto& a : session.legs) {
                if (!a.reached(node.node)) continue;
                for (const auto& b : session.legs) {
                    if (&a == &b || b.caller_node != node.node) continue;
                    if (node.role == Role::unknown ||
                        (node.role == Role::ue && node.confidence != LinkStrength::strong)) {
                        node.role = Role::unknown;
                        node.confidence = LinkStrength::weak;
                        node.evidence = "B2BUA: answers " + a.call_id + " and originates " +
                                        b.call_id + " from the same address and port";
                    }
                }
            }
        }
        detail::write_verdict(session);
    }
    return sessions;
}

bool SessionLeg::reached(const std::string& node) const {
    return !node.empty() &&
           (node == callee_node || std::find(hops.begin(), hops.end(), node) != hops.end());
}

const Session* find_session(const std::vector<Session>& sessions, std::string_view text) {
    for (const auto& s : sessions)
        if (s.id == text || s.key == text) return &s;
    for (const auto& s : sessions)
        for (const auto& leg : s.legs)
            if (leg.call_id == text) return &s;
    return nullptr;
}

SessionSummary summarize(const std::vector<Session>& sessions) {
    SessionSummary out;
    for (const auto& s : sessions) {
        ++out.sessions;
        if (s.multi_leg()) ++out.multi_leg;
        if (s.strength == LinkStrength::weak && s.multi_leg()) ++out.weak;
        ++out.outcomes[std::string(session::to_string(s.outcome))];
    }
    return out;
}

} // namespace sipdx::analysis
