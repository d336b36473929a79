#include <sipdx/decode/packet.h>
#include <sipdx/decode/pipeline.h>

#include <arpa/inet.h>

#include <cstring>

namespace sipdx::decode {

Address Address::v4(const std::uint8_t* p) {
    Address a;
    std::memcpy(a.bytes.data(), p, 4);
    a.family = 4;
    return a;
}

Address Address::v6(const std::uint8_t* p) {
    Address a;
    std::memcpy(a.bytes.data(), p, 16);
    a.family = 6;
    return a;
}

std::string Address::to_string() const {
    char text[INET6_ADDRSTRLEN] = {};
    if (family == 4) {
        inet_ntop(AF_INET, bytes.data(), text, sizeof text);
    } else if (family == 6) {
        inet_ntop(AF_INET6, bytes.data(), text, sizeof text); // RFC 5952 form on glibc
    }
    return text;
}

std::string_view to_string(Transport transport) {
    switch (transport) {
    case Transport::udp:
        return "udp";
    case Transport::tcp:
        return "tcp";
    case Transport::sctp:
        return "sctp";
    case Transport::ws:
        return "ws";
    case Transport::tls:
        return "tls";
    }
    return "?";
}

std::string_view to_string(Layer layer) {
    switch (layer) {
    case Layer::eth:
        return "eth";
    case Layer::vlan:
        return "vlan";
    case Layer::mpls:
        return "mpls";
    case Layer::sll:
        return "sll";
    case Layer::sll2:
        return "sll2";
    case Layer::null:
        return "null";
    case Layer::ppp:
        return "ppp";
    case Layer::pppoe:
        return "pppoe";
    case Layer::ipv4:
        return "ipv4";
    case Layer::ipv6:
        return "ipv6";
    case Layer::gre:
        return "gre";
    case Layer::erspan:
        return "erspan";
    case Layer::gtpu:
        return "gtpu";
    case Layer::esp:
        return "esp";
    case Layer::udp:
        return "udp";
    case Layer::tcp:
        return "tcp";
    case Layer::sctp:
        return "sctp";
    case Layer::hep:
        return "hep";
    case Layer::ws:
        return "ws";
    case Layer::text:
        return "text";
    }
    return "?";
}

std::string Encap::to_string() const {
    std::string out;
    for (std::uint8_t i = 0; i < count; ++i) {
        if (i) out += '/';
        out += decode::to_string(layers[i]);
    }
    return out;
}

std::string_view to_string(DecodeFinding finding) {
    switch (finding) {
    case DecodeFinding::ip_fragment_overlap:
        return "decode.ip_fragment_overlap";
    case DecodeFinding::ip_reassembled:
        return "decode.ip_reassembled";
    case DecodeFinding::tcp_reassembled:
        return "decode.tcp_reassembled";
    case DecodeFinding::tcp_gap:
        return "decode.tcp_gap";
    case DecodeFinding::tcp_overlap_mismatch:
        return "decode.tcp_overlap_mismatch";
    case DecodeFinding::junk_before_message:
        return "decode.junk_before_message";
    case DecodeFinding::content_length_missing:
        return "decode.content_length_missing";
    case DecodeFinding::truncated:
        return "decode.truncated";
    case DecodeFinding::hep_compressed:
        return "decode.hep_compressed";
    case DecodeFinding::ws_fragmented:
        return "decode.ws_fragmented";
    case DecodeFinding::sctp_fragmented:
        return "decode.sctp_fragmented";
    case DecodeFinding::tcp_after_gap:
        return "decode.tcp_after_gap";
    }
    return "decode.unknown";
}

namespace {

struct DecodeFindingInfo {
    knowledge::Severity severity;
    std::string_view text;
};

DecodeFindingInfo info(DecodeFinding finding) {
    using S = knowledge::Severity;
    switch (finding) {
    case DecodeFinding::ip_fragment_overlap:
        return {S::warning, "overlapping IP fragments carried different bytes (the first kept)"};
    case DecodeFinding::ip_reassembled:
        return {S::info, "the message came from several IP fragments"};
    case DecodeFinding::tcp_reassembled:
        return {S::info, "the message spans several TCP segments"};
    case DecodeFinding::tcp_gap:
        return {S::warning, "bytes were missing before this message (capture loss)"};
    case DecodeFinding::tcp_overlap_mismatch:
        return {S::warning, "a retransmitted TCP segment carried different bytes"};
    case DecodeFinding::junk_before_message:
        return {S::warning, "bytes other than keep-alives preceded the start line"};
    case DecodeFinding::content_length_missing:
        return {S::warning, "framed on a stream without Content-Length"};
    case DecodeFinding::truncated:
        return {S::warning, "the frame was cut by the capture's snap length"};
    case DecodeFinding::hep_compressed:
        return {S::info, "the SIP came from a zlib-compressed HEP chunk"};
    case DecodeFinding::ws_fragmented:
        return {S::info, "the WebSocket message arrived in several frames"};
    case DecodeFinding::sctp_fragmented:
        return {S::info, "the SCTP user message arrived in several DATA chunks"};
    case DecodeFinding::tcp_after_gap:
        return {S::warning, "delivered by resynchronising after a capture hole"};
    }
    return {S::warning, "unknown decode finding"};
}

} // namespace

knowledge::Severity severity_of(DecodeFinding finding) {
    return info(finding).severity;
}

std::string_view describe(DecodeFinding finding) {
    return info(finding).text;
}

std::string DecodeFindings::to_string() const {
    std::string out;
    for (std::uint16_t bit = 1; bit != 0 && bit <= 1u << 11;
         bit = static_cast<std::uint16_t>(bit << 1)) {
        if (bits & bit) {
            if (!out.empty()) out += ',';
            out += decode::to_string(static_cast<DecodeFinding>(bit));
        }
    }
    return out;
}

std::string_view to_string(SkipReason reason) {
    switch (reason) {
    case SkipReason::unsupported_link_type:
        return "unsupported_link_type";
    case SkipReason::truncated:
        return "truncated";
    case SkipReason::malformed:
        return "malformed";
    case SkipReason::too_deep:
        return "too_deep";
    case SkipReason::fragment_limit:
        return "fragment_limit";
    case SkipReason::stream_limit:
        return "stream_limit";
    case SkipReason::count_:
        break;
    }
    return "?";
}

std::string_view describe(SkipReason reason) {
    switch (reason) {
    case SkipReason::unsupported_link_type:
        return "no decoder for link type";
    case SkipReason::truncated:
        return "header or payload cut short";
    case SkipReason::malformed:
        return "header fields contradict each other";
    case SkipReason::too_deep:
        return "encapsulations nested too deep";
    case SkipReason::fragment_limit:
        return "IP fragments dropped (limit or timeout)";
    case SkipReason::stream_limit:
        return "TCP bytes dropped (stream buffer or stream count limit)";
    case SkipReason::count_:
        break;
    }
    return "?";
}

std::uint64_t Stats::skipped_total() const {
    std::uint64_t n = 0;
    for (const auto& s : skipped)
        n += s.count;
    return n;
}

} // namespace sipdx::decode
