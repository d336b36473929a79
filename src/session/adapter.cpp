#include <sipdx/session/adapter.h>

#include <algorithm>
#include <cctype>

namespace sipdx::session {

namespace {
bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool contains_ci(std::string_view haystack, std::string_view needle) {
    if (needle.size() > haystack.size()) return false;
    for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i)
        if (iequals(haystack.substr(i, needle.size()), needle)) return true;
    return false;
}
} // namespace

std::string_view uri_text(const sip::Message& message, sip::HeaderId id) {
    auto addr = id == sip::HeaderId::from ? message.from() : message.to();
    if (!addr) return message.value(id);
    const sip::Uri& uri = addr->uri;
    if (!uri.user.empty() && !uri.host.empty() && uri.host.data() > uri.user.data()) {
        return {uri.user.data(),
                static_cast<std::size_t>(uri.host.data() + uri.host.size() - uri.user.data())};
    }
    if (!uri.host.empty()) return uri.host;
    if (!uri.user.empty()) return uri.user;
    return uri.text;
}

SipEvent make_event(const decode::SipPayload& payload, const sip::Message& m,
                    std::uint32_t source) {
    SipEvent e;
    e.time_ns = payload.time_ns;
    e.frame = payload.frame;
    e.source = source;
    e.src = {payload.src, payload.sport};
    e.dst = {payload.dst, payload.dport};
    e.transport = payload.transport;
    e.is_request = m.is_request();
    e.method = m.method;
    e.method_text = m.method_text;
    e.status = m.status;
    e.reason_phrase = m.reason_phrase;

    const sip::TransactionKey key = m.transaction_key();
    e.call_id = key.call_id;
    e.cseq = key.cseq;
    e.cseq_method = key.cseq_method;
    e.cseq_method_text = key.cseq_method_text;
    e.from_tag = key.from_tag;
    e.to_tag = key.to_tag;
    e.branch = key.branch;
    e.sent_by = key.sent_by;

    e.from_uri = uri_text(m, sip::HeaderId::from);
    e.to_uri = uri_text(m, sip::HeaderId::to);

    e.has_credentials = m.find(sip::HeaderId::authorization) != nullptr ||
                        m.find(sip::HeaderId::proxy_authorization) != nullptr;
    e.has_contact = m.find(sip::HeaderId::contact) != nullptr;
    if (e.about() == sip::Method::register_) {
        // Only REGISTER needs the Contact list parsed (bindings and their lifetimes).
        e.expires = m.expires();
        for (const auto& contact : m.contacts()) {
            if (contact.wildcard) e.contact_wildcard = true;
            if (auto value = contact.params.value("expires")) {
                if (auto seconds = sip::parse_uint(*value)) {
                    if (!e.contact_expires || *seconds < *e.contact_expires)
                        e.contact_expires = *seconds;
                }
            }
        }
    }

    e.reason = m.value(sip::HeaderId::reason);
    e.warning = m.value(sip::HeaderId::warning);
    e.user_agent = m.value(sip::HeaderId::user_agent);
    e.server = m.value(sip::HeaderId::server);
    if (m.find(sip::HeaderId::p_charging_vector) != nullptr) {
        if (auto pcv = m.p_charging_vector()) e.icid = pcv->icid_value;
    }

    if (!m.body.empty()) {
        if (auto type = m.content_type()) {
            e.has_sdp = type->is("application", "sdp") || (iequals(type->type, "multipart") &&
                                                           contains_ci(m.body, "application/sdp"));
        }
    }
    if (m.find(sip::HeaderId::rseq) != nullptr) e.rseq = m.rseq();
    e.has_rack = m.find(sip::HeaderId::rack) != nullptr;

    e.content_hash = content_hash(payload.bytes);
    e.size = static_cast<std::uint32_t>(payload.bytes.size());
    e.multi_frame = payload.findings.has(decode::DecodeFinding::tcp_reassembled) ||
                    payload.findings.has(decode::DecodeFinding::ip_reassembled) ||
                    payload.findings.has(decode::DecodeFinding::sctp_fragmented) ||
                    payload.findings.has(decode::DecodeFinding::ws_fragmented);
    return e;
}

} // namespace sipdx::session
