// What the decode stage hands to the SIP stage: one SIP message's bytes plus where it came from
// (addresses, ports, transport, the stack of encapsulations it was found under).
#pragma once

#include <sipdx/knowledge/severity.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace sipdx::decode {

// An IPv4 or IPv6 address. IPv4 uses the first 4 bytes. Trivially copyable, no heap.
struct Address {
    std::array<std::uint8_t, 16> bytes{};
    std::uint8_t family = 0; // 4, 6, or 0 when unknown

    static Address v4(const std::uint8_t* p);
    static Address v6(const std::uint8_t* p);
    // Dotted quad for IPv4, RFC 5952 canonical text for IPv6, "" when unknown.
    std::string to_string() const;
    friend bool operator==(const Address&, const Address&) = default;
};

enum class Transport : std::uint8_t { udp, tcp, sctp, ws, tls };
std::string_view to_string(Transport transport);
// TCP and TLS carry byte streams, whose messages end exactly after Content-Length bytes of body
// (RFC 3261 section 18.3); the other transports deliver each message in one datagram.
constexpr bool is_stream(Transport t) {
    return t == Transport::tcp || t == Transport::tls;
}

// One protocol layer in the encapsulation path, outermost first.
enum class Layer : std::uint8_t {
    eth,
    vlan,
    mpls,
    sll,
    sll2,
    null,
    ppp,
    pppoe,
    ipv4,
    ipv6,
    gre,
    erspan,
    gtpu,
    esp,
    udp,
    tcp,
    sctp,
    hep,
    ws,
    text, // a message read from a SIP text log: no packet headers at all
};
std::string_view to_string(Layer layer);

// The encapsulation path, e.g. eth/vlan/ipv4/gtpu/ipv4/udp. Bounded: decoding refuses to nest
// deeper than `capacity` layers (a tunnel bomb is skipped, not followed).
struct Encap {
    static constexpr std::size_t capacity = 24;
    std::array<Layer, capacity> layers{};
    std::uint8_t count = 0;

    bool push(Layer layer) {
        if (count >= capacity) return false;
        layers[count++] = layer;
        return true;
    }
    std::span<const Layer> view() const { return {layers.data(), count}; }
    std::string to_string() const; // layers joined with '/'
};

// Anomalies the decoder noticed on the way to a SIP message; stable codes (to_string) are the
// names used in `findings` output. A set of flags so a payload carries them without allocating.
enum class DecodeFinding : std::uint16_t {
    ip_fragment_overlap = 1u << 0,    // overlapping IP fragments with different bytes (first kept)
    ip_reassembled = 1u << 1,         // the message came from several IP fragments
    tcp_reassembled = 1u << 2,        // the message spans several TCP segments
    tcp_gap = 1u << 3,                // bytes were missing before this message (capture loss)
    tcp_overlap_mismatch = 1u << 4,   // a retransmitted segment carried different bytes
    junk_before_message = 1u << 5,    // non-keep-alive bytes preceded the start line
    content_length_missing = 1u << 6, // framed on a stream without Content-Length
    truncated = 1u << 7,              // the frame was cut by the snap length
    hep_compressed = 1u << 8,         // the SIP came from a zlib-compressed HEP chunk
    ws_fragmented = 1u << 9,          // the WebSocket message arrived in several frames
    sctp_fragmented = 1u << 10,       // the SCTP user message arrived in several DATA chunks
    tcp_after_gap = 1u << 11,         // delivered by resynchronising after a capture hole
};
std::string_view to_string(DecodeFinding finding);
// On the one severity scale (knowledge/severity.h): what only tells how the bytes arrived is
// info; lost, cut or conflicting bytes are warnings.
knowledge::Severity severity_of(DecodeFinding finding);
// One line in plain words, e.g. "bytes were missing before this message (capture loss)".
std::string_view describe(DecodeFinding finding);

struct DecodeFindings {
    std::uint16_t bits = 0;
    void set(DecodeFinding f) { bits |= static_cast<std::uint16_t>(f); }
    bool has(DecodeFinding f) const { return (bits & static_cast<std::uint16_t>(f)) != 0; }
    bool empty() const { return bits == 0; }
    // Codes joined with ',' in a fixed order.
    std::string to_string() const;
};

// One SIP message found by the decoder (and, given to a PayloadConsumer, any other payload:
// then `bytes` is the whole transport payload). `bytes` and `frames` are valid only during the
// callback that delivers them (they point into the frame or into reassembly buffers reused
// afterwards): copy or parse them before returning.
struct SipPayload {
    std::uint64_t frame = 0;  // Wireshark's frame number of the frame that completed the message
    std::int64_t time_ns = 0; // capture time of that frame (HEP: the time HEP carries)
    std::uint64_t file_offset = 0;
    std::uint32_t interface_id = 0;
    Address src;
    Address dst;
    std::uint16_t sport = 0;
    std::uint16_t dport = 0;
    Transport transport = Transport::udp;
    Encap encap;
    DecodeFindings findings;
    // Exactly one SIP message (framed by sip::frame_stream/frame_datagram). With
    // PipelineOptions::trim_datagrams off, a datagram's bytes may run past its Content-Length
    // body until PayloadParser::parse cuts them.
    std::string_view bytes;
    // Every frame that carried bytes of the message (TCP segments, IP fragments, SCTP chunks,
    // WebSocket frames' segments), ascending, when there was more than one; empty when `frame`
    // alone carried it. all_frames() gives the list in both cases.
    std::span<const std::uint64_t> frames;

    std::span<const std::uint64_t> all_frames() const {
        return frames.empty() ? std::span<const std::uint64_t>(&frame, 1) : frames;
    }
};

// The decode stage's hand-off for any payload: a consumer that is not SIP reads the same fields.
using Payload = SipPayload;

// A payload analyzer beside the SIP framing (RTP, DNS...): offered, in registration order,
// every datagram payload (UDP, SCTP DATA, WebSocket message, HEP) that no consumer before it
// claimed. The SIP framing is the first consumer; a payload nobody claims is counted as
// `non_sip_payloads`. Called on the decoding thread, in capture order.
class PayloadConsumer {
public:
    virtual ~PayloadConsumer() = default;
    // True claims the payload (no later consumer sees it).
    virtual bool offer(const Payload& payload) = 0;
};

} // namespace sipdx::decode
