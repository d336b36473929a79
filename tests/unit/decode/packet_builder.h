// Builds packets byte by byte for decoder tests (each layer wraps the payload it is given), and
// feeds them to a Pipeline while keeping copies of every SIP payload it delivers.
#pragma once

#include <sipdx/capture/frame.h>
#include <sipdx/decode/pipeline.h>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace sipdx::decode::test {

using Buf = std::vector<std::uint8_t>;

inline void put16(Buf& b, std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
}
inline void put32(Buf& b, std::uint32_t v) {
    put16(b, static_cast<std::uint16_t>(v >> 16));
    put16(b, static_cast<std::uint16_t>(v));
}
inline Buf cat(const Buf& a, const Buf& b) {
    Buf out = a;
    out.insert(out.end(), b.begin(), b.end());
    return out;
}
inline Buf text(std::string_view s) {
    return Buf(s.begin(), s.end());
}

inline Buf eth(std::uint16_t type, const Buf& payload) {
    Buf b = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    put16(b, type);
    return cat(b, payload);
}
inline Buf vlan(std::uint16_t tag, std::uint16_t inner_type, const Buf& payload) {
    Buf b;
    put16(b, tag);
    put16(b, inner_type);
    return cat(b, payload);
}
inline Buf ipv4(std::array<std::uint8_t, 4> src, std::array<std::uint8_t, 4> dst,
                std::uint8_t proto, const Buf& payload, std::uint16_t id = 1,
                std::uint32_t frag_offset = 0, bool more = false) {
    Buf b = {0x45, 0};
    put16(b, static_cast<std::uint16_t>(20 + payload.size()));
    put16(b, id);
    put16(b, static_cast<std::uint16_t>((more ? 0x2000 : 0) | (frag_offset / 8)));
    b.push_back(64);
    b.push_back(proto);
    put16(b, 0);
    b.insert(b.end(), src.begin(), src.end());
    b.insert(b.end(), dst.begin(), dst.end());
    return cat(b, payload);
}
inline std::array<std::uint8_t, 16> v6(std::uint8_t last) {
    std::array<std::uint8_t, 16> a{0x20, 0x01, 0x0d, 0xb8};
    a[15] = last;
    return a;
}
inline Buf ipv6(std::array<std::uint8_t, 16> src, std::array<std::uint8_t, 16> dst,
                std::uint8_t next, const Buf& payload) {
    Buf b = {0x60, 0, 0, 0};
    put16(b, static_cast<std::uint16_t>(payload.size()));
    b.push_back(next);
    b.push_back(64);
    b.insert(b.end(), src.begin(), src.end());
    b.insert(b.end(), dst.begin(), dst.end());
    return cat(b, payload);
}
// IPv6 fragment header + fragment data (offset in bytes, multiple of 8).
inline Buf ipv6_frag(std::uint8_t next, std::uint32_t id, std::uint32_t offset, bool more,
                     const Buf& data) {
    Buf b = {next, 0};
    put16(b, static_cast<std::uint16_t>(offset | (more ? 1 : 0)));
    put32(b, id);
    return cat(b, data);
}
inline Buf udp(std::uint16_t sport, std::uint16_t dport, const Buf& payload) {
    Buf b;
    put16(b, sport);
    put16(b, dport);
    put16(b, static_cast<std::uint16_t>(8 + payload.size()));
    put16(b, 0);
    return cat(b, payload);
}
enum TcpFlags : std::uint8_t { fin = 1, syn = 2, rst = 4, psh = 8, ack = 16 };
inline Buf tcp(std::uint16_t sport, std::uint16_t dport, std::uint32_t seq, std::uint8_t flags,
               const Buf& payload) {
    Buf b;
    put16(b, sport);
    put16(b, dport);
    put32(b, seq);
    put32(b, 0);
    b.push_back(0x50);
    b.push_back(flags);
    put16(b, 65535);
    put32(b, 0);
    return cat(b, payload);
}

// SIP over UDP/IPv4/Ethernet, the common case.
inline Buf eth_udp(const Buf& sip, std::uint16_t sport = 5060, std::uint16_t dport = 5060) {
    return eth(0x0800, ipv4({10, 0, 0, 1}, {10, 0, 0, 2}, 17, udp(sport, dport, sip)));
}
inline Buf eth_tcp(std::uint32_t seq, std::uint8_t flags, const Buf& data, bool reverse = false) {
    if (reverse)
        return eth(0x0800,
                   ipv4({10, 0, 0, 2}, {10, 0, 0, 1}, 6, tcp(5060, 40000, seq, flags, data)));
    return eth(0x0800, ipv4({10, 0, 0, 1}, {10, 0, 0, 2}, 6, tcp(40000, 5060, seq, flags, data)));
}

inline std::string sip_request(std::string_view method, std::string_view call_id, int cseq,
                               std::string_view body = {}) {
    std::string m = std::string(method) + " sip:bob@example.com SIP/2.0\r\n";
    m += "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK" + std::string(call_id) + "\r\n";
    m += "From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\n";
    m += "Call-ID: " + std::string(call_id) + "\r\n";
    m += "CSeq: " + std::to_string(cseq) + " " + std::string(method) + "\r\n";
    m += "Max-Forwards: 70\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    m += body;
    return m;
}

struct Seen {
    std::uint64_t frame = 0;
    std::string bytes;
    std::string src;
    std::string dst;
    std::uint16_t sport = 0;
    std::uint16_t dport = 0;
    Transport transport = Transport::udp;
    std::string encap;
    DecodeFindings findings;
    std::int64_t time_ns = 0;
};

// A pipeline that records what it delivers.
struct Harness {
    std::vector<Seen> seen;
    Pipeline pipeline;
    std::uint64_t next_frame = 1;

    explicit Harness(PipelineOptions options = {})
        : pipeline(
              [this](const SipPayload& p) {
                  seen.push_back({p.frame, std::string(p.bytes), p.src.to_string(),
                                  p.dst.to_string(), p.sport, p.dport, p.transport,
                                  p.encap.to_string(), p.findings, p.time_ns});
              },
              options) {}

    void feed(const Buf& data, capture::LinkType link = capture::LinkType::ethernet,
              std::int64_t time_ns = 1'700'000'000'000'000'000) {
        capture::Frame f;
        f.number = next_frame++;
        f.time_ns = time_ns;
        f.link_type = link;
        f.original_length = static_cast<std::uint32_t>(data.size());
        f.data = data;
        pipeline.feed(f);
    }
    const Stats& stats() const { return pipeline.stats(); }
};

} // namespace sipdx::decode::test
