// The decode stage's front door: feed captured frames in capture order, receive one callback per
// SIP message found (after link/IP/tunnel decoding, IP fragment and TCP stream reassembly,
// SCTP DATA chunks, WebSocket frames and HEP).
//
//   decode::Pipeline pipeline([&](const decode::SipPayload& p) { ... }, {});
//   while (auto frame = source.next()) pipeline.feed(*frame);
//   pipeline.finish();
//
// Memory is bounded by PipelineOptions whatever the input; timeouts run on capture time, so a
// file decodes the same whatever the wall clock does. Not thread-safe: one pipeline per thread.
#pragma once

#include <sipdx/capture/frame.h>
#include <sipdx/decode/packet.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace sipdx::decode {

struct PipelineOptions {
    // IP fragment reassembly (RFC 791 / RFC 8200 section 4.5).
    // Beyond max_fragment_datagrams the oldest incomplete datagram is evicted (counted in
    // Stats::fragment_sets_evicted): never-completing fragments cannot block later ones.
    std::size_t max_fragment_datagrams = 4096;         // datagrams being reassembled at once
    std::size_t max_fragment_bytes = 64u << 20;        // bytes held in all of them together
    std::int64_t fragment_timeout_ns = 30'000'000'000; // RFC 8200: 60 s; Linux default 30 s
    // TCP streams. Beyond max_tcp_streams the least recently active flow is evicted (counted in
    // Stats::tcp_flows_evicted) to make room: a flood of streams never blocks a new one.
    std::size_t max_tcp_streams = 65536;
    std::size_t max_stream_buffer = 1u << 20; // per direction: pending + out-of-order bytes
    std::int64_t tcp_idle_timeout_ns = 600'000'000'000;
    // Tunnels and carriers.
    bool hep = true;      // HEP v2/v3 (any UDP port, recognised by its header)
    bool esp_null = true; // ESP with NULL encryption, found by trailer heuristics
    std::uint16_t gtpu_port = 2152;
    // Datagram messages (UDP, SCTP, WebSocket, HEP over UDP): true cuts SipPayload::bytes at the
    // end of the Content-Length body; false leaves the bytes that follow it, for a caller that
    // parses every message with PayloadParser, which cuts them with what the parser read (one
    // walk over the headers instead of two, on the serial stage of a parallel run).
    bool trim_datagrams = true;
};

// Why a frame (or part of one) could not be decoded. Each is reported once by the CLI with the
// first frame it happened on.
enum class SkipReason : std::uint8_t {
    unsupported_link_type, // no decoder for the frame's link type
    truncated,             // a header or the payload was cut short (snap length, corrupt length)
    malformed,             // a header's fields contradict each other (bad IHL, lengths...)
    too_deep,              // tunnels nested deeper than Encap::capacity
    fragment_limit,        // IP fragments dropped: limits or timeout before completion
    stream_limit,          // TCP bytes dropped: per-stream buffer or stream count exceeded
    count_
};
std::string_view to_string(SkipReason reason);
// One line of explanation for a reason, for the CLI's stderr report.
std::string_view describe(SkipReason reason);

struct SkipCount {
    std::uint64_t count = 0;
    std::uint64_t first_frame = 0;  // frame number of the first occurrence
    std::uint64_t first_offset = 0; // its file offset
    std::uint32_t detail = 0;       // e.g. the unsupported link type number
};

struct Stats {
    std::uint64_t frames = 0;
    std::uint64_t bytes = 0;                                         // captured bytes of all frames
    std::vector<std::pair<std::uint16_t, std::uint64_t>> link_types; // link type -> frames
    std::array<std::uint64_t, 3> transport_frames{}; // frames carrying udp, tcp, sctp
    std::array<std::uint64_t, 5> sip_by_transport{}; // SIP messages per Transport
    std::uint64_t sip_messages = 0;
    std::uint64_t non_ip_frames = 0;    // ARP, LLDP, ... (not an error)
    std::uint64_t other_ip_frames = 0;  // ICMP, OSPF, encrypted ESP, ...
    std::uint64_t non_sip_payloads = 0; // UDP/SCTP payloads that were not SIP (RTP, DNS...)
    std::uint64_t ip_fragments = 0;
    std::uint64_t ip_reassembled = 0;
    std::uint64_t ip_fragment_overlaps = 0;
    std::uint64_t tcp_streams = 0;
    std::uint64_t tcp_gaps = 0;
    std::uint64_t tcp_retransmissions = 0;
    std::uint64_t tls_flows = 0;
    std::uint64_t tls_bytes = 0;
    std::uint64_t ws_flows = 0;
    std::uint64_t hep_packets = 0;
    std::uint64_t esp_null_packets = 0;
    std::uint64_t incomplete_at_end = 0;     // streams holding a partial SIP message at finish()
    std::uint64_t tcp_gap_messages = 0;      // messages delivered by resynchronising after a hole
    std::uint64_t tcp_flows_evicted = 0;     // flows dropped to keep max_tcp_streams
    std::uint64_t fragment_sets_evicted = 0; // incomplete datagrams dropped for room or age
    // TLS flows per server port (the lower port of the pair when neither is known), ascending.
    std::vector<std::pair<std::uint16_t, std::uint64_t>> tls_ports;
    std::array<SkipCount, static_cast<std::size_t>(SkipReason::count_)> skipped{};

    std::uint64_t skipped_total() const;
};

class Pipeline {
public:
    using Sink = std::function<void(const SipPayload&)>;

    explicit Pipeline(Sink sink, PipelineOptions options = {});
    ~Pipeline();
    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;

    // Adds a payload analyzer after the SIP framing (and after those added before it); it must
    // outlive the pipeline's last feed()/finish(). Without any, non-SIP payloads cost nothing.
    void add_consumer(PayloadConsumer& consumer);

    // Decodes one frame; calls the sink for each SIP message it completes, in stream order.
    // Never reads outside frame.data, whatever it holds.
    void feed(const capture::Frame& frame);
    // End of input: delivers every complete message still held behind a TCP hole, then drops
    // reassembly state and counts what was left incomplete.
    void finish();

    const Stats& stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace sipdx::decode
