// The layer analyzers' shared ground: the per-packet context, the dispatch table and the state
// every layer may use (statistics, skips, reassembly, payload consumers). Each layer lives in
// its own file under layers/ and is reached only through a row of the table (table.cpp), keyed
// by what the layer below names: a link type, an ethertype, an IP protocol, a UDP port...
#pragma once

#include <sipdx/capture/frame.h>
#include <sipdx/decode/packet.h>
#include <sipdx/decode/pipeline.h>

#include "decode/detail/bytes.h"
#include "decode/detail/ip_reassembly.h"
#include "decode/layers/tcp_flows.h"

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sipdx::decode::layers {

using detail::Bytes;

constexpr int max_ip_nesting = 6;

// What the layers decoded so far for the packet in hand.
struct Ctx {
    Encap encap;
    Address src;
    Address dst;
    std::uint64_t path = 0; // hash of the outer layers' addresses: separates capture points
    DecodeFindings findings;
    int ip_depth = 0;
    int transport = -1; // index into Stats::transport_frames of the innermost transport seen
    std::uint16_t sport = 0;
    std::uint16_t dport = 0;
    bool gre_sequence = false; // the GRE header below had a sequence number (ERSPAN II)
    // The fragments' frames when the innermost IP packet was reassembled; empty otherwise.
    std::span<const std::uint64_t> ip_frames;
};

// What a table row is keyed by: the identifier space of the layer below.
enum class Key : std::uint8_t {
    link_type,    // capture::LinkType number
    ethertype,    // Ethernet, VLAN, SLL, GRE protocol field
    ppp_protocol, // PPP protocol field
    null_family,  // BSD null/loop address family
    ip_protocol,  // IPv4 protocol / IPv6 next header
    udp_port,     // a UDP port (either end) a tunnel is known to use
    udp_probe,    // tried on every UDP payload (a carrier recognised by its own header)
    count_
};

class Decoder;
// A layer analyzer: decodes its header from `b` and dispatches the rest.
using LayerFn = void (*)(Decoder&, Ctx&, Bytes);
// A UDP payload analyzer (tunnel or carrier): true when it recognised and took the payload.
using ProbeFn = bool (*)(Decoder&, Ctx&, Bytes);

struct Row {
    Key key;
    std::uint32_t id; // ignored for udp_probe
    LayerFn layer = nullptr;
    ProbeFn probe = nullptr;
    // udp_probe only: the bytes its payloads can begin with ("" = any). Every UDP datagram
    // passes the probes, and most are SIP or media: a first byte no probe accepts skips them.
    std::string_view first_bytes = {};
};

// The built-in rows (table.cpp). `options` decides the rows that depend on it (GTP-U's port,
// whether HEP and ESP-NULL are looked for).
std::vector<Row> builtin_rows(const PipelineOptions& options);

class Decoder {
public:
    Decoder(PipelineOptions options, Pipeline::Sink sink);
    ~Decoder();
    Decoder(const Decoder&) = delete;
    Decoder& operator=(const Decoder&) = delete;

    void add_consumer(PayloadConsumer& consumer) { m_consumers.push_back(&consumer); }
    bool has_other_consumers() const { return m_consumers.size() > 1; }
    void feed(const capture::Frame& frame);
    void finish();

    // ---- for the layers ----
    const PipelineOptions options;
    Stats stats;
    const capture::Frame* frame = nullptr;
    detail::IpReassembler fragments;
    std::array<std::vector<std::uint8_t>, max_ip_nesting + 1> reassembled;
    std::array<std::vector<std::uint64_t>, max_ip_nesting + 1> reassembled_frames;
    TcpFlows tcp;
    struct SctpPartial {
        std::string bytes;
        std::vector<std::uint64_t> frames;
    };
    std::unordered_map<std::uint64_t, SctpPartial> sctp_partial; // by association and stream
    std::vector<std::uint8_t> inflated;
    std::vector<std::uint64_t> scratch_frames;
    std::string scratch_run;

    void skip(SkipReason reason, std::uint32_t detail_value = 0);
    // Pushes `layer` on the path; false (and a too_deep skip) when the path is full. Inline,
    // as is the IP protocol lookup below: every frame passes through three of each.
    bool push(Ctx& c, Layer layer) {
        if (c.encap.push(layer)) return true;
        skip(SkipReason::too_deep);
        return false;
    }
    // Walks the table: the layer registered for (key, id), or the key's default when none.
    void dispatch(Key key, std::uint32_t id, Ctx& c, Bytes b) {
        if (key != Key::ip_protocol) return dispatch_rows(key, id, c, b);
        const LayerFn fn = id < m_table.ip.size() ? m_table.ip[id] : nullptr;
        if (fn == nullptr) {
            ++stats.other_ip_frames;
            return;
        }
        fn(*this, c, b);
    }
    void dispatch_rows(Key key, std::uint32_t id, Ctx& c, Bytes b);
    // UDP payload analyzers by port, then by probe; false when none took the payload.
    bool probe_udp(Ctx& c, Bytes b);

    // A payload as it stands for the consumers: addresses, ports and encapsulation from `c`,
    // stamped with the current frame.
    Payload make_payload(const Ctx& c, Transport transport) const;
    // One datagram's payload (UDP, SCTP, WebSocket, HEP) offered to the consumers in order; the
    // SIP framing is the first. `p.bytes` is the whole payload. RTP/RTCP packets framed by
    // RFC 4571 in a TCP stream come here too (transport tcp), one packet each, and are looked
    // for only while has_other_consumers(); unclaimed, they count as non_sip_payloads.
    void offer(Payload& p);
    // One SIP message to the sink.
    void deliver(const Payload& p);

private:
    struct Table {
        std::array<LayerFn, 512> link{};
        std::array<LayerFn, 256> ip{};
        std::vector<std::pair<std::uint32_t, LayerFn>> other[static_cast<int>(Key::count_)];
        std::vector<std::pair<std::uint16_t, ProbeFn>> udp_port;
        std::vector<ProbeFn> udp_probe;
        std::array<bool, 256> udp_probe_first{}; // some probe accepts this first byte
    } m_table;
    Pipeline::Sink m_sink;
    class SipFraming;
    std::unique_ptr<SipFraming> m_sip;
    std::vector<PayloadConsumer*> m_consumers; // m_sip first
    std::int64_t m_last_sweep_ns = 0;
    std::size_t m_last_link_index = static_cast<std::size_t>(-1); // into stats.link_types
};

// Link layers that carry bare IP: the version nibble picks IPv4 or IPv6.
void ip_by_version(Decoder& d, Ctx& c, Bytes b);
// A datagram payload (not a tunnel nor a carrier), offered to the consumers with `c`'s
// addresses and ports.
void offer_datagram(Decoder& d, Ctx& c, Bytes payload, Transport transport);
// TCP's share of the periodic sweep and of the end of input (tcp.cpp).
void tcp_expire(Decoder& d, std::int64_t idle_ns);
void tcp_finish(Decoder& d);

} // namespace sipdx::decode::layers
