// IMS roles of nodes (docs/sessions.md "Roles"): what a message says about who sent it and who
// received it. Evidence from the protocol (Security-Verify, P-Served-User, ;orig, Path) is
// strong; an operator's host naming is medium; a product string or "looks like a phone" is
// weak. A node keeps its strongest evidence.
#include "detail/session_state.h"

#include <sipdx/sip/uri.h>
#include <sipdx/text/text.h>

#include <array>
#include <utility>

namespace sipdx::analysis::detail {

namespace {

struct Naming {
    std::string_view prefix;
    Role role;
};
// Label prefixes operators use for their functions; the rest of the label must not be a
// letter ("pcscf01", "scscf-2" match, "tasks" does not).
constexpr std::array<Naming, 20> namings{
    {{"pcscf", Role::p_cscf},  {"p-cscf", Role::p_cscf}, {"icscf", Role::i_cscf},
     {"i-cscf", Role::i_cscf}, {"scscf", Role::s_cscf},  {"s-cscf", Role::s_cscf},
     {"bgcf", Role::bgcf},     {"mgcf", Role::mgcf},     {"ibcf", Role::ibcf},
     {"sbc", Role::ibcf},      {"sbg", Role::ibcf},      {"mrfc", Role::mrf},
     {"mrfp", Role::mrf},      {"mrf", Role::mrf},       {"mtas", Role::as},
     {"tas", Role::as},        {"scc-as", Role::as},     {"sccas", Role::as},
     {"mmtel", Role::as},      {"as", Role::as}}};

Role role_from_label(std::string_view label) {
    for (const auto& n : namings) {
        if (!text::istarts_with(label, n.prefix)) continue;
        const std::string_view rest = label.substr(n.prefix.size());
        if (rest.empty() || !text::is_alpha(rest.front())) return n.role;
    }
    return Role::unknown;
}

// Words products put in Server / User-Agent.
Role role_from_product(std::string_view product) {
    static constexpr std::array<Naming, 9> words{{{"p-cscf", Role::p_cscf},
                                                  {"pcscf", Role::p_cscf},
                                                  {"s-cscf", Role::s_cscf},
                                                  {"scscf", Role::s_cscf},
                                                  {"i-cscf", Role::i_cscf},
                                                  {"icscf", Role::i_cscf},
                                                  {"mgcf", Role::mgcf},
                                                  {"sbc", Role::ibcf},
                                                  {"mrf", Role::mrf}}};
    for (const auto& w : words)
        if (text::icontains(product, w.prefix)) return w.role;
    return Role::unknown;
}

std::string host_of(std::string_view host) {
    return text::lower(host);
}

void note_product(SessionState& state, const std::string& node, std::string_view product) {
    if (product.empty()) return;
    auto it = state.nodes.find(node);
    if (it == state.nodes.end()) {
        if (state.nodes.size() >= state.options.max_nodes) return;
        it = state.nodes.emplace(node, NodeState{}).first;
    }
    if (it->second.product.empty()) it->second.product = std::string(product.substr(0, 120));
    const Role role = role_from_product(product);
    if (role != Role::unknown)
        learn(state, node, role, LinkStrength::weak,
              "product '" + std::string(product.substr(0, 60)) + "'");
}

void learn_from_host(SessionState& state, const std::string& node, std::string_view host,
                     std::string_view what) {
    if (host.empty()) return;
    const Role named = role_from_host_name(host);
    if (named != Role::unknown)
        learn(state, node, named, LinkStrength::medium,
              std::string(what) + " " + std::string(host) + " (host naming)");
    if (auto it = state.named_hosts.find(host_of(host)); it != state.named_hosts.end())
        learn(state, node, it->second.role, LinkStrength::strong,
              std::string(what) + " " + std::string(host) + " learned from " + it->second.source);
}

// The node a URI names when its host is an address: "10.0.0.2:5060" (when no port is written,
// 5060, or 5061 for sips:, as RFC 3263 resolves a numeric host), the form nodes are keyed by.
std::string node_of_uri(const sip::Uri& uri) {
    if (!sip::is_ipv4_address(uri.host) && !uri.host_is_ipv6) return {};
    const std::int32_t port =
        uri.port > 0 ? uri.port : (uri.scheme == sip::UriScheme::sips ? 5061 : 5060);
    return std::string(uri.host) + ":" + std::to_string(port);
}

// What a registration teaches (TS 24.229 5.4.1.2): the hosts in Path are the P-CSCF, those in
// a 2xx's Service-Route the S-CSCF, for every later request of that UE. A host that is an
// address names its node at once; a host name is matched when a later Via or Route carries it.
void learn_registration(SessionState& state, const sip::Message& m, sip::HeaderId header, Role role,
                        const std::string& source) {
    for (const auto& r : m.name_addrs(header)) {
        if (r.uri.host.empty()) continue;
        if (state.named_hosts.size() < state.options.max_nodes)
            state.named_hosts.emplace(host_of(r.uri.host), SessionState::NamedHost{role, source});
        if (const std::string node = node_of_uri(r.uri); !node.empty())
            learn(state, node, role, LinkStrength::strong, "named by the " + source);
    }
}

// The registered public identity: the To URI of a REGISTER and of its answers.
std::string aor_of(const sip::Message& m) {
    const auto to = m.name_addrs(sip::HeaderId::to);
    return to.empty() ? std::string() : std::string(to.front().uri.text.substr(0, 120));
}

std::string register_key(const session::SipEvent& e) {
    return std::string(e.call_id) + " " + std::to_string(e.cseq);
}

} // namespace

void learn(SessionState& state, const std::string& node, Role role, LinkStrength confidence,
           std::string evidence) {
    if (role == Role::unknown || node.empty()) return;
    auto it = state.nodes.find(node);
    if (it == state.nodes.end()) {
        if (state.nodes.size() >= state.options.max_nodes) return;
        it = state.nodes.emplace(node, NodeState{}).first;
    }
    NodeState& n = it->second;
    if (n.role != Role::unknown && n.confidence >= confidence) return;
    n.role = role;
    n.confidence = confidence;
    n.evidence = std::move(evidence);
}

void learn_roles(SessionState& state, const MessageContext& context) {
    const sip::Message& m = context.message;
    const session::SipEvent& e = context.event;
    const std::string src = e.src.to_string();
    const std::string dst = e.dst.to_string();
    note_product(state, src, e.is_request ? e.user_agent : e.server);
    // A UE reports its access network itself; a P-CSCF that adds one marks it
    // network-provided (TS 24.229 5.1.1.x, 5.2.7.x). The UE talks only to its P-CSCF.
    const auto* pani = m.find(sip::HeaderId::p_access_network_info);
    const bool ue_pani = pani && !text::icontains(pani->value, "network-provided");
    if (ue_pani && !e.is_request) {
        learn(state, src, Role::ue, LinkStrength::medium,
              "answers with its own P-Access-Network-Info");
        learn(state, dst, Role::p_cscf, LinkStrength::medium,
              "receives a UE's P-Access-Network-Info");
    }
    if (!e.is_request) {
        // A registration's answer names the S-CSCF (Service-Route) and echoes the P-CSCF (Path)
        // for the requests that follow (TS 24.229 5.4.1.2).
        if (e.status >= 200 && e.status < 300 && e.cseq_method == sip::Method::register_) {
            const auto it = state.register_frames.find(register_key(e));
            const std::string request = it == state.register_frames.end()
                                            ? "a REGISTER"
                                            : "REGISTER frame " + std::to_string(it->second);
            const std::string aor = aor_of(m);
            const std::string tail = " (" + std::to_string(e.status) + " frame " +
                                     std::to_string(context.payload.frame) + ") to " + request +
                                     (aor.empty() ? "" : " for " + aor);
            learn_registration(state, m, sip::HeaderId::service_route, Role::s_cscf,
                               "Service-Route of the answer" + tail);
            learn_registration(state, m, sip::HeaderId::path, Role::p_cscf,
                               "Path of the answer" + tail);
            // The answer reaches the UE through its P-CSCF: with one Via left, the receiver is
            // the UE that registered (its calls then carry that role).
            if (m.vias().size() == 1 && m.find(sip::HeaderId::service_route))
                learn(state, dst, Role::ue, LinkStrength::medium,
                      "registered " + (aor.empty() ? std::string("itself") : aor) + " (" + request +
                          "; the answer carried Service-Route)");
        }
        return;
    }
    const std::vector<sip::Via> vias = m.vias();
    if (!vias.empty()) learn_from_host(state, src, vias.front().host, "Via sent-by");
    const auto routes = m.name_addrs(sip::HeaderId::route);
    if (!routes.empty()) {
        const sip::Uri& next = routes.front().uri;
        learn_from_host(state, dst, next.host, "Route");
        // The S-CSCF marks its Service-Route with ;orig so that requests from its P-CSCF or
        // an AS are served as originating (TS 24.229 5.4.3.2).
        if (next.params.has("orig"))
            learn(state, dst, Role::s_cscf, LinkStrength::strong,
                  "receives a request routed with ;orig (originating service)");
    }
    if (const auto* served = m.find(sip::HeaderId::p_served_user)) {
        // Only the S-CSCF sends P-Served-User, and only towards an AS (TS 24.229 5.4.3.3).
        std::string what = "P-Served-User";
        if (auto v = sip::parse_name_addr(served->value))
            if (auto sescase = v->params.value("sescase"))
                what += " sescase=" + std::string(*sescase);
        learn(state, src, Role::s_cscf, LinkStrength::strong, "sends " + what);
        learn(state, dst, Role::as, LinkStrength::strong, "receives " + what);
    }
    if (e.method == sip::Method::register_) {
        const std::string request = "REGISTER frame " + std::to_string(context.payload.frame);
        if (state.register_frames.size() < state.options.max_nodes)
            state.register_frames[register_key(e)] = context.payload.frame;
        const std::string aor = aor_of(m);
        learn_registration(state, m, sip::HeaderId::path, Role::p_cscf,
                           "Path of " + request + (aor.empty() ? "" : " for " + aor));
        // Behind a Path the REGISTER came through a P-CSCF: its Contact is the UE's address,
        // where the UE's terminating calls are delivered.
        if (m.find(sip::HeaderId::path))
            for (const auto& c : m.name_addrs(sip::HeaderId::contact))
                if (const std::string node = node_of_uri(c.uri); !node.empty())
                    learn(state, node, Role::ue, LinkStrength::medium,
                          "registered contact of " + (aor.empty() ? std::string("a UE") : aor) +
                              " in " + request + " (behind Path)");
        // The P-CSCF is the second hop of a REGISTER and the one that adds Path and
        // P-Visited-Network-ID (TS 24.229 5.2.2.1).
        if (vias.size() == 2 && m.find(sip::HeaderId::path))
            learn(state, src, Role::p_cscf, LinkStrength::strong,
                  "forwards the UE's REGISTER with Path");
        else if (vias.size() == 2 && m.find(sip::HeaderId::p_visited_network_id))
            learn(state, src, Role::p_cscf, LinkStrength::medium,
                  "forwards the UE's REGISTER with P-Visited-Network-ID");
    }
    if (vias.size() == 1) {
        // Only a UE sends Security-Verify (after sec-agree) or P-Preferred-Identity, and it
        // sends them to its P-CSCF (TS 24.229 5.1.1.5, 5.1.2A).
        std::string_view sign;
        if (m.find(sip::HeaderId::security_verify))
            sign = "Security-Verify";
        else if (m.find(sip::HeaderId::security_client))
            sign = "Security-Client";
        else if (m.find(sip::HeaderId::p_preferred_identity))
            sign = "P-Preferred-Identity";
        if (!sign.empty()) {
            learn(state, src, Role::ue, LinkStrength::strong, "sends " + std::string(sign));
            learn(state, dst, Role::p_cscf, LinkStrength::strong,
                  "receives " + std::string(sign) + " from a UE");
        } else if (e.to_tag.empty() && e.method == sip::Method::invite &&
                   !m.find(sip::HeaderId::p_asserted_identity) &&
                   !m.find(sip::HeaderId::p_charging_vector)) {
            learn(state, src, Role::ue, LinkStrength::weak,
                  "originates an INVITE with one Via and no P-Asserted-Identity");
        }
    }
    // Towards a terminating UE: the S-CSCF's P-Called-Party-ID and a Request-URI that is the
    // registered contact (an address), delivered by the P-CSCF (TS 24.229 5.2.6.3.1).
    if (e.to_tag.empty() && e.method == sip::Method::invite &&
        m.find(sip::HeaderId::p_called_party_id)) {
        const auto uri = m.request_uri_parsed();
        if (uri && (sip::is_ipv4_address(uri->host) || uri->host_is_ipv6)) {
            learn(state, dst, Role::ue, LinkStrength::medium,
                  "receives P-Called-Party-ID at its contact address");
            learn(state, src, Role::p_cscf, LinkStrength::medium,
                  "delivers P-Called-Party-ID to a contact address");
        }
    }
    if (e.to_tag.empty() && text::icontains(m.value(sip::HeaderId::content_type), "isup"))
        learn(state, src, Role::mgcf, LinkStrength::weak, "sends ISUP in the body (SIP-I)");
    else if (e.to_tag.empty() && e.has_sdp && text::icontains(m.body, "application/isup"))
        learn(state, src, Role::mgcf, LinkStrength::weak, "sends ISUP in the body (SIP-I)");
}

} // namespace sipdx::analysis::detail

namespace sipdx::analysis {

Role role_from_host_name(std::string_view host) {
    if (host.empty() || host.front() == '[' || sip::is_ipv4_address(host)) return Role::unknown;
    while (!host.empty()) {
        const auto dot = host.find('.');
        const Role role = detail::role_from_label(host.substr(0, dot));
        if (role != Role::unknown) return role;
        if (dot == std::string_view::npos) break;
        host.remove_prefix(dot + 1);
    }
    return Role::unknown;
}

} // namespace sipdx::analysis
