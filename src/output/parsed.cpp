#include <sipdx/output/parsed.h>

#include <fmt/format.h>

#include <string>

namespace sipdx::output {

using Json = nlohmann::ordered_json;

namespace {

std::string str(std::string_view s) {
    return std::string(s);
}

// Printable form of a view that may hold control bytes or folds.
std::string printable(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (c == '\r' || c == '\n') {
            if (c == '\n') out += ' ';
        } else if (u < 0x20 || u == 0x7f) {
            out += fmt::format("\\x{:02x}", u);
        } else {
            out += c;
        }
    }
    return out;
}

Json name_addr_json(const std::optional<sip::NameAddr>& na) {
    if (!na) return nullptr;
    Json j;
    j["uri"] = str(na->uri.text);
    j["tag"] = str(na->tag());
    j["display"] = printable(na->display_name);
    return j;
}

Json sdp_json(const sip::Sdp& sdp) {
    Json j;
    if (sdp.origin) j["origin"] = str(sdp.origin->address.address);
    if (sdp.connection) j["connection"] = str(sdp.connection->address);
    j["direction"] = str(sip::to_string(sdp.direction));
    auto& media = j["media"] = Json::array();
    for (const auto& m : sdp.media) {
        Json jm;
        jm["media"] = str(m.media);
        jm["port"] = m.port;
        jm["protocol"] = str(m.protocol);
        auto& formats = jm["formats"] = Json::array();
        for (auto f : m.formats)
            formats.push_back(str(f));
        auto& codecs = jm["codecs"] = Json::array();
        for (const auto& r : m.rtpmaps)
            codecs.push_back(fmt::format("{} {}/{}", r.payload_type, r.encoding, r.clock_rate));
        jm["direction"] = str(sip::to_string(m.effective_direction(sdp.direction)));
        if (m.connection) jm["connection"] = str(m.connection->address);
        auto& pre = jm["preconditions"] = Json::array();
        for (const auto& p : m.preconditions)
            pre.push_back(fmt::format("{}:{} {} {} {}", p.kind, p.type, p.strength, p.status_type,
                                      p.direction));
        media.push_back(std::move(jm));
    }
    return j;
}

} // namespace

nlohmann::ordered_json parsed_message_json(const sip::Message& m, std::size_t offset) {
    Json j;
    j["offset"] = offset;
    j["kind"] = m.is_request() ? "request" : "response";
    if (m.is_request()) {
        j["method"] = str(m.method_text);
        j["request_uri"] = str(m.request_uri);
        j["status"] = nullptr;
        j["reason"] = nullptr;
    } else {
        j["method"] = nullptr;
        j["status"] = m.status;
        j["reason"] = printable(m.reason_phrase);
    }
    j["call_id"] = printable(m.call_id());
    if (auto c = m.cseq()) {
        j["cseq"] = Json{{"seq", c->seq}, {"method", str(c->method_text)}};
    } else {
        j["cseq"] = nullptr;
    }
    j["from"] = name_addr_json(m.from());
    j["to"] = name_addr_json(m.to());
    auto& via = j["via"] = Json::array();
    for (const auto& v : m.vias()) {
        Json jv;
        jv["transport"] = str(v.transport);
        jv["sent_by"] = str(v.sent_by);
        jv["branch"] = str(v.branch);
        if (!v.received.empty()) jv["received"] = str(v.received);
        if (v.has_rport) jv["rport"] = v.rport >= 0 ? Json(v.rport) : Json(true);
        via.push_back(std::move(jv));
    }
    auto& headers = j["headers"] = Json::array();
    for (const auto& h : m.headers)
        headers.push_back(Json{{"name", str(h.canonical_name())}, {"value", printable(h.value)}});
    Json body;
    body["type"] = str(m.value(sip::HeaderId::content_type));
    body["length"] = m.body.size();
    if (auto sdp = m.sdp()) body["sdp"] = sdp_json(*sdp);
    j["body"] = std::move(body);
    auto& findings = j["findings"] = Json::array();
    for (const auto& f : m.findings) {
        findings.push_back(Json{{"code", str(f.code_name())},
                                {"severity", str(sip::to_string(f.severity))},
                                {"offset", f.offset},
                                {"message", str(sip::describe(f.code))},
                                {"detail", printable(f.detail.substr(0, 120))}});
    }
    j["valid"] = m.valid();
    return j;
}

std::string render_parsed_message(const sip::Message& m, std::size_t index, std::size_t offset) {
    std::string out = fmt::format("message {} at offset {} ({} bytes): {}\n", index, offset,
                                  m.raw.size(), m.is_request() ? "request" : "response");
    out += fmt::format("  {}\n", printable(m.start_line));
    for (const auto& h : m.headers)
        out += fmt::format("  {}: {}\n", h.canonical_name(), printable(h.value));
    if (m.body.empty()) {
        out += "  body: none\n";
    } else {
        std::string type = str(m.value(sip::HeaderId::content_type));
        out += fmt::format("  body: {} bytes{}\n", m.body.size(),
                           type.empty() ? "" : fmt::format(", {}", type));
        if (auto sdp = m.sdp()) {
            for (const auto& media : sdp->media) {
                std::string codecs;
                for (const auto& r : media.rtpmaps)
                    codecs +=
                        fmt::format("{}{}/{}", codecs.empty() ? "" : " ", r.encoding, r.clock_rate);
                out += fmt::format("    sdp m={} port {} {} [{}] {}\n", media.media, media.port,
                                   media.protocol, codecs,
                                   sip::to_string(media.effective_direction(sdp->direction)));
            }
        }
    }
    for (const auto& f : m.findings)
        out += fmt::format(
            "  {} {} at {}: {}{}\n", sip::to_string(f.severity), f.code_name(), f.offset,
            sip::describe(f.code),
            f.detail.empty() ? "" : fmt::format(" [{}]", printable(f.detail.substr(0, 80))));
    out += fmt::format("  valid: {}\n", m.valid() ? "yes" : "no");
    return out;
}

std::string parsed_message_ndjson(const sip::Message& message, std::size_t offset) {
    // Invalid UTF-8 in a header value becomes U+FFFD instead of stopping the output.
    return parsed_message_json(message, offset)
               .dump(-1, ' ', false, Json::error_handler_t::replace) +
           "\n";
}

} // namespace sipdx::output
