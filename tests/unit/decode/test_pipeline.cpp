// The decode pipeline on hand-built frames: every link layer, tunnel and transport the decoder
// claims, plus the synthetic cases the corpus lacks (QinQ, SLL2, out-of-order TCP, overlapping
// fragments, masked and fragmented WebSocket).
#include "unit/decode/packet_builder.h"

#include <gtest/gtest.h>
#include <zlib.h>

using namespace sipdx;
using namespace sipdx::decode;
using namespace sipdx::decode::test;

namespace {
const std::string options_msg = sip_request("OPTIONS", "opt-1", 1);
} // namespace

TEST(DecodePipeline, UdpOverEthernet) {
    Harness h;
    h.feed(eth_udp(text(options_msg)));
    ASSERT_EQ(h.seen.size(), 1u);
    const Seen& s = h.seen[0];
    EXPECT_EQ(s.frame, 1u);
    EXPECT_EQ(s.bytes, options_msg);
    EXPECT_EQ(s.src, "10.0.0.1");
    EXPECT_EQ(s.dst, "10.0.0.2");
    EXPECT_EQ(s.sport, 5060);
    EXPECT_EQ(s.transport, Transport::udp);
    EXPECT_EQ(s.encap, "eth/ipv4/udp");
    EXPECT_TRUE(s.findings.empty());
    EXPECT_EQ(h.stats().sip_messages, 1u);
    EXPECT_EQ(h.stats().transport_frames[0], 1u);
}

TEST(DecodePipeline, EthernetPaddingIsNotPartOfTheMessage) {
    Harness h;
    Buf frame = eth_udp(text(options_msg));
    frame.insert(frame.end(), 6, 0); // trailer beyond the IP total length
    h.feed(frame);
    ASSERT_EQ(h.seen.size(), 1u);
    EXPECT_EQ(h.seen[0].bytes, options_msg);
}

TEST(DecodePipeline, QinQTags) {
    Harness h;
    const Buf ip = ipv4({10, 0, 0, 1}, {10, 0, 0, 2}, 17, udp(5060, 5060, text(options_msg)));
    h.feed(eth(0x88A8, vlan(100, 0x8100, vlan(200, 0x0800, ip))));
    ASSERT_EQ(h.seen.size(), 1u);
    EXPECT_EQ(h.seen[0].encap, "eth/vlan/vlan/ipv4/udp");
}

TEST(DecodePipeline, LinuxSll2AndIpv6) {
    Harness h;
    Buf sll2;
    put16(sll2, 0x86DD); // protocol
    put16(sll2, 0);      // reserved
    put32(sll2, 3);      // interface index
    put16(sll2, 1);      // ARPHRD_ETHER
    sll2.push_back(0);   // packet type
    sll2.push_back(6);   // address length
    for (int i = 0; i < 8; ++i)
        sll2.push_back(static_cast<std::uint8_t>(i));
    const Buf ip = ipv6(v6(1), v6(2), 17, udp(5062, 5060, text(options_msg)));
    h.feed(cat(sll2, ip), capture::LinkType::linux_sll2);
    ASSERT_EQ(h.seen.size(), 1u);
    EXPECT_EQ(h.seen[0].encap, "sll2/ipv6/udp");
    EXPECT_EQ(h.seen[0].src, "2001:db8::1");
    EXPECT_EQ(h.seen[0].sport, 5062);
}

TEST(DecodePipeline, NullLoopbackBothByteOrders) {
    Harness h;
    const Buf ip = ipv4({127, 0, 0, 1}, {127, 0, 0, 1}, 17, udp(5060, 5060, text(options_msg)));
    h.feed(cat({2, 0, 0, 0}, ip), capture::LinkType::null_bsd);
    h.feed(cat({0, 0, 0, 2}, ip), capture::LinkType::null_bsd);
    h.feed(cat({0, 0, 0, 2}, ip), capture::LinkType::loop);
    ASSERT_EQ(h.seen.size(), 3u);
    EXPECT_EQ(h.seen[0].encap, "null/ipv4/udp");
}

TEST(DecodePipeline, RawIpAndPppoe) {
    Harness h;
    const Buf ip = ipv4({10, 0, 0, 1}, {10, 0, 0, 2}, 17, udp(5060, 5060, text(options_msg)));
    h.feed(ip, capture::LinkType::raw);
    h.feed(ip, capture::LinkType::ipv4);
    Buf pppoe = {0x11, 0x00, 0x12, 0x34};
    put16(pppoe, static_cast<std::uint16_t>(ip.size() + 2));
    put16(pppoe, 0x0021);
    h.feed(eth(0x8864, cat(pppoe, ip)));
    ASSERT_EQ(h.seen.size(), 3u);
    EXPECT_EQ(h.seen[0].encap, "ipv4/udp");
    EXPECT_EQ(h.seen[2].encap, "eth/pppoe/ppp/ipv4/udp");
}

TEST(DecodePipeline, UnsupportedLinkTypeIsSkippedOnce) {
    Harness h;
    h.feed(text("whatever"), static_cast<capture::LinkType>(999));
    h.feed(text("whatever"), static_cast<capture::LinkType>(999));
    const auto& s = h.stats().skipped[static_cast<std::size_t>(SkipReason::unsupported_link_type)];
    EXPECT_EQ(s.count, 2u);
    EXPECT_EQ(s.first_frame, 1u);
    EXPECT_EQ(s.detail, 999u);
    EXPECT_TRUE(h.seen.empty());
}

TEST(DecodePipeline, TruncatedHeadersNeverCrash) {
    Harness h;
    const Buf full = eth_udp(text(options_msg));
    for (std::size_t n = 0; n < 60; ++n)
        h.feed(Buf(full.begin(), full.begin() + n));
    EXPECT_TRUE(h.seen.empty());
    EXPECT_GT(h.stats().skipped[static_cast<std::size_t>(SkipReason::truncated)].count, 0u);
}

TEST(DecodePipeline, SipOnAnyPortAndNothingFromNonSip) {
    Harness h;
    h.feed(eth_udp(text(options_msg), 52380, 40000));
    h.feed(eth_udp(Buf{0x80, 0x08, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1})); // RTP-ish
    h.feed(eth_udp(Buf{0, 0, 0, 0}));                                     // keep-alive junk
    h.feed(eth_udp(text("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
    ASSERT_EQ(h.seen.size(), 1u);
    EXPECT_EQ(h.seen[0].sport, 52380);
    EXPECT_EQ(h.stats().non_sip_payloads, 3u);
}

TEST(DecodePipeline, Ipv4FragmentsOutOfOrderWithOverlap) {
    Harness h;
    const Buf u = udp(5060, 5060, text(sip_request("INVITE", "frag-1", 1, std::string(300, 'b'))));
    const std::uint16_t id = 77;
    auto frag = [&](std::size_t off, std::size_t len, bool more) {
        Buf part(u.begin() + static_cast<long>(off), u.begin() + static_cast<long>(off + len));
        return eth(0x0800, ipv4({10, 0, 0, 1}, {10, 0, 0, 2}, 17, part, id,
                                static_cast<std::uint32_t>(off), more));
    };
    const std::size_t last = u.size() - 400;
    h.feed(frag(400, last, false));
    h.feed(frag(0, 208, true));
    EXPECT_TRUE(h.seen.empty());
    // Overlapping middle fragment that disagrees about bytes 200..208.
    Buf middle(u.begin() + 200, u.begin() + 400);
    middle[3] ^= 0xFF;
    h.feed(eth(0x0800, ipv4({10, 0, 0, 1}, {10, 0, 0, 2}, 17, middle, id, 200, true)));
    ASSERT_EQ(h.seen.size(), 1u);
    EXPECT_EQ(h.seen[0].frame, 3u);
    EXPECT_TRUE(h.seen[0].findings.has(DecodeFinding::ip_reassembled));
    EXPECT_TRUE(h.seen[0].findings.has(DecodeFinding::ip_fragment_overlap));
    // First bytes win: the message is intact.
    EXPECT_EQ(h.seen[0].bytes, sip_request("INVITE", "frag-1", 1, std::string(300, 'b')));
    EXPECT_EQ(h.stats().ip_fragment_overlaps, 1u);
}

TEST(DecodePipeline, Ipv6Fragments) {
    Harness h;
    const Buf u = udp(5060, 5060, text(sip_request("UPDATE", "frag6", 2, std::string(200, 'x'))));
    const Buf a(u.begin(), u.begin() + 104);
    const Buf b(u.begin() + 104, u.end());
    h.feed(eth(0x86DD, ipv6(v6(1), v6(2), 44, ipv6_frag(17, 9, 0, true, a))));
    h.feed(eth(0x86DD, ipv6(v6(1), v6(2), 44, ipv6_frag(17, 9, 104, false, b))));
    ASSERT_EQ(h.seen.size(), 1u);
    EXPECT_EQ(h.seen[0].frame, 2u);
    EXPECT_EQ(h.seen[0].encap, "eth/ipv6/udp");
}

TEST(DecodePipeline, TcpOutOfOrderAcrossSegments) {
    Harness h;
    const std::string m = sip_request("INVITE", "tcp-ooo", 1, std::string(120, 'v'));
    const std::uint32_t isn = 5000;
    h.feed(eth_tcp(isn, syn, {}));
    const Buf p1 = text(m.substr(0, 50)), p2 = text(m.substr(50, 100)), p3 = text(m.substr(150));
    h.feed(eth_tcp(isn + 1, ack, p1));
    h.feed(eth_tcp(isn + 1 + 150, ack, p3)); // arrives before p2
    EXPECT_TRUE(h.seen.empty());
    h.feed(eth_tcp(isn + 1 + 50, ack, p2));
    ASSERT_EQ(h.seen.size(), 1u);
    EXPECT_EQ(h.seen[0].frame, 4u);
    EXPECT_EQ(h.seen[0].bytes, m);
    EXPECT_EQ(h.seen[0].transport, Transport::tcp);
    EXPECT_TRUE(h.seen[0].findings.has(DecodeFinding::tcp_reassembled));
    h.feed(eth_tcp(isn + 1, ack, p1)); // retransmission: nothing new
    EXPECT_EQ(h.seen.size(), 1u);
    EXPECT_EQ(h.stats().tcp_retransmissions, 1u);
}

TEST(DecodePipeline, SeveralMessagesInOneSegmentAndMidStreamStart) {
    Harness h;
    const std::string a = sip_request("REGISTER", "multi-a", 1);
    const std::string b = sip_request("REGISTER", "multi-b", 2);
    // No SYN: the capture starts in the middle of a previous message's body.
    const std::string stream = "tail of an earlier body\r\n" + a + "\r\n\r\n" + b;
    h.feed(eth_tcp(777, ack, text(stream)));
    ASSERT_EQ(h.seen.size(), 2u);
    EXPECT_EQ(h.seen[0].bytes, a);
    EXPECT_EQ(h.seen[1].bytes, b);
    EXPECT_TRUE(h.seen[0].findings.has(DecodeFinding::junk_before_message));
    EXPECT_FALSE(h.seen[1].findings.has(DecodeFinding::junk_before_message)); // keep-alive only
    // The reply direction is its own stream.
    const std::string r = "SIP/2.0 200 OK\r\nCall-ID: multi-a\r\nCSeq: 1 REGISTER\r\n"
                          "Content-Length: 0\r\n\r\n";
    h.feed(eth_tcp(9000, ack, text(r), true));
    ASSERT_EQ(h.seen.size(), 3u);
    EXPECT_EQ(h.seen[2].src, "10.0.0.2");
    EXPECT_EQ(h.stats().tcp_streams, 1u);
}

TEST(DecodePipeline, TcpNonSipStreamGivesNothing) {
    Harness h;
    h.feed(eth_tcp(1, psh | ack, text("GET /index.html HTTP/1.1\r\nHost: a\r\n\r\n")));
    h.feed(
        eth_tcp(1, psh | ack, text("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"), true));
    EXPECT_TRUE(h.seen.empty());
}

TEST(DecodePipeline, TlsFlowIsCountedNotDecoded) {
    Harness h;
    Buf record = {0x17, 0x03, 0x03, 0x00, 0x10};
    record.resize(21, 0xAB);
    h.feed(eth_tcp(1, psh | ack, record));
    h.feed(eth_tcp(22, psh | ack, record));
    EXPECT_TRUE(h.seen.empty());
    EXPECT_EQ(h.stats().tls_flows, 1u);
    EXPECT_EQ(h.stats().tls_bytes, 42u);
}

namespace {
Buf ws_frame(std::uint8_t opcode, bool fin, std::string_view payload, bool masked) {
    Buf b;
    b.push_back(static_cast<std::uint8_t>((fin ? 0x80 : 0) | opcode));
    const std::uint8_t mask_bit = masked ? 0x80 : 0;
    if (payload.size() < 126) {
        b.push_back(static_cast<std::uint8_t>(mask_bit | payload.size()));
    } else {
        b.push_back(mask_bit | 126);
        put16(b, static_cast<std::uint16_t>(payload.size()));
    }
    const std::array<std::uint8_t, 4> key{0x12, 0x34, 0x56, 0x78};
    if (masked) b.insert(b.end(), key.begin(), key.end());
    for (std::size_t i = 0; i < payload.size(); ++i) {
        const auto c = static_cast<std::uint8_t>(payload[i]);
        b.push_back(masked ? static_cast<std::uint8_t>(c ^ key[i & 3]) : c);
    }
    return b;
}
} // namespace

TEST(DecodePipeline, WebSocketMaskedFragmentedAfterUpgrade) {
    Harness h;
    const std::string upgrade = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                                "Connection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n";
    const std::string reply = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                              "Connection: Upgrade\r\n\r\n";
    std::uint32_t cseq = 100;
    std::uint32_t sseq = 900;
    h.feed(eth_tcp(cseq, psh | ack, text(upgrade)));
    cseq += static_cast<std::uint32_t>(upgrade.size());
    h.feed(eth_tcp(sseq, psh | ack, text(reply), true));
    sseq += static_cast<std::uint32_t>(reply.size());

    const std::string m = sip_request("INVITE", "ws-1", 1, std::string(200, 's'));
    // Masked client message in three frames, with a ping between, split across two segments.
    Buf frames = ws_frame(1, false, std::string_view(m).substr(0, 100), true);
    frames = cat(frames, ws_frame(9, true, "ping", true));
    frames = cat(frames, ws_frame(0, false, std::string_view(m).substr(100, 100), true));
    frames = cat(frames, ws_frame(0, true, std::string_view(m).substr(200), true));
    const Buf s1(frames.begin(), frames.begin() + 70), s2(frames.begin() + 70, frames.end());
    h.feed(eth_tcp(cseq, ack, s1));
    EXPECT_TRUE(h.seen.empty());
    h.feed(eth_tcp(cseq + 70, ack, s2));
    ASSERT_EQ(h.seen.size(), 1u);
    EXPECT_EQ(h.seen[0].bytes, m);
    EXPECT_EQ(h.seen[0].transport, Transport::ws);
    EXPECT_EQ(h.seen[0].encap, "eth/ipv4/tcp/ws");
    EXPECT_TRUE(h.seen[0].findings.has(DecodeFinding::ws_fragmented));
    // Unmasked server reply in one text frame.
    const std::string r = "SIP/2.0 100 Trying\r\nCall-ID: ws-1\r\nCSeq: 1 INVITE\r\n"
                          "Content-Length: 0\r\n\r\n";
    h.feed(eth_tcp(sseq, psh | ack, ws_frame(1, true, r, false), true));
    ASSERT_EQ(h.seen.size(), 2u);
    EXPECT_EQ(h.seen[1].bytes, r);
    EXPECT_EQ(h.stats().ws_flows, 1u);
}

TEST(DecodePipeline, SctpSeveralDataChunks) {
    Harness h;
    const std::string a = sip_request("INVITE", "sctp-1", 1);
    const std::string b = sip_request("ACK", "sctp-1", 1);
    Buf s;
    put16(s, 5060);
    put16(s, 5060);
    put32(s, 0xABCD);
    put32(s, 0);
    auto chunk = [&](const std::string& m, std::uint32_t tsn) {
        Buf c = {0, 0x03};
        put16(c, static_cast<std::uint16_t>(16 + m.size()));
        put32(c, tsn);
        put16(c, 0);
        put16(c, 0);
        put32(c, 0); // PPID 0: not trusted either way
        c = cat(c, text(m));
        while (c.size() % 4)
            c.push_back(0);
        return c;
    };
    s = cat(cat(s, chunk(a, 1)), chunk(b, 2));
    h.feed(eth(0x0800, ipv4({10, 0, 0, 1}, {10, 0, 0, 2}, 132, s)));
    ASSERT_EQ(h.seen.size(), 2u);
    EXPECT_EQ(h.seen[0].bytes, a);
    EXPECT_EQ(h.seen[1].bytes, b);
    EXPECT_EQ(h.seen[1].transport, Transport::sctp);
}

TEST(DecodePipeline, GtpuWithExtensionHeader) {
    Harness h;
    const Buf inner = ipv6(v6(7), v6(8), 17, udp(5060, 5060, text(options_msg)));
    Buf g = {0x34, 0xFF}; // v1, PT, E flag
    put16(g, static_cast<std::uint16_t>(4 + 4 + inner.size()));
    put32(g, 0x11223344);
    put16(g, 0);       // sequence
    g.push_back(0);    // N-PDU
    g.push_back(0x85); // next extension: PDU session container
    g.push_back(1);    // 4 bytes
    g.push_back(0x10);
    g.push_back(0x09);
    g.push_back(0); // no further extension
    g = cat(g, inner);
    h.feed(eth(0x0800, ipv4({1, 1, 1, 1}, {2, 2, 2, 2}, 17, udp(2152, 2152, g))));
    ASSERT_EQ(h.seen.size(), 1u);
    EXPECT_EQ(h.seen[0].encap, "eth/ipv4/udp/gtpu/ipv6/udp");
    EXPECT_EQ(h.seen[0].src, "2001:db8::7");
}

TEST(DecodePipeline, GreTebErspanAndPptp) {
    Harness h;
    const Buf inner_eth = eth_udp(text(options_msg));
    Buf gre_teb = {0x00, 0x00, 0x65, 0x58};
    h.feed(eth(0x0800, ipv4({1, 1, 1, 1}, {2, 2, 2, 2}, 47, cat(gre_teb, inner_eth))));
    Buf erspan2 = {0x10, 0x00, 0x88, 0xBE, 0, 0, 0, 1}; // S bit + sequence
    erspan2 = cat(erspan2, Buf{0x10, 0x01, 0x00, 0x05, 0, 0, 0, 0});
    h.feed(eth(0x0800, ipv4({1, 1, 1, 1}, {2, 2, 2, 2}, 47, cat(erspan2, inner_eth))));
    Buf erspan3 = {0x00, 0x00, 0x22, 0xEB};
    erspan3 = cat(erspan3, Buf(12, 0));
    h.feed(eth(0x0800, ipv4({1, 1, 1, 1}, {2, 2, 2, 2}, 47, cat(erspan3, inner_eth))));
    const Buf ip = ipv4({10, 0, 0, 1}, {10, 0, 0, 2}, 17, udp(5060, 5060, text(options_msg)));
    Buf pptp = {0x30, 0x01, 0x88, 0x0B}; // K, S, version 1
    put16(pptp, static_cast<std::uint16_t>(ip.size() + 4));
    put16(pptp, 7); // call id
    put32(pptp, 1); // sequence
    pptp = cat(pptp, Buf{0xFF, 0x03, 0x00, 0x21});
    h.feed(eth(0x0800, ipv4({1, 1, 1, 1}, {2, 2, 2, 2}, 47, cat(pptp, ip))));
    ASSERT_EQ(h.seen.size(), 4u);
    EXPECT_EQ(h.seen[0].encap, "eth/ipv4/gre/eth/ipv4/udp");
    EXPECT_EQ(h.seen[1].encap, "eth/ipv4/gre/erspan/eth/ipv4/udp");
    EXPECT_EQ(h.seen[2].encap, "eth/ipv4/gre/erspan/eth/ipv4/udp");
    EXPECT_EQ(h.seen[3].encap, "eth/ipv4/gre/ppp/ipv4/udp");
    EXPECT_EQ(h.seen[3].src, "10.0.0.1");
}

TEST(DecodePipeline, IpInIpAndEspNull) {
    Harness h;
    const Buf inner = ipv4({10, 0, 0, 1}, {10, 0, 0, 2}, 17, udp(5060, 5060, text(options_msg)));
    h.feed(eth(0x0800, ipv4({1, 1, 1, 1}, {2, 2, 2, 2}, 4, inner)));
    // ESP transport mode, NULL cipher, 12-byte ICV.
    const Buf u = udp(5060, 5060, text(options_msg));
    Buf esp;
    put32(esp, 0xA71A);
    put32(esp, 1);
    esp = cat(esp, u);
    const std::size_t pad = (4 - (u.size() + 2) % 4) % 4;
    for (std::size_t i = 1; i <= pad; ++i)
        esp.push_back(static_cast<std::uint8_t>(i));
    esp.push_back(static_cast<std::uint8_t>(pad));
    esp.push_back(17);
    esp.resize(esp.size() + 12, 0xCC);
    h.feed(eth(0x0800, ipv4({10, 0, 0, 1}, {10, 0, 0, 2}, 50, esp)));
    ASSERT_EQ(h.seen.size(), 2u);
    EXPECT_EQ(h.seen[0].encap, "eth/ipv4/ipv4/udp");
    EXPECT_EQ(h.seen[1].encap, "eth/ipv4/esp/udp");
    EXPECT_EQ(h.seen[1].bytes, options_msg);
}

namespace {
Buf hep3(const std::string& payload, bool compress) {
    Buf chunks;
    auto chunk = [&](std::uint16_t type, const Buf& v) {
        put16(chunks, 0);
        put16(chunks, type);
        put16(chunks, static_cast<std::uint16_t>(6 + v.size()));
        chunks = cat(chunks, v);
    };
    chunk(1, {2});
    chunk(2, {17});
    chunk(3, {192, 168, 0, 1});
    chunk(4, {192, 168, 0, 2});
    chunk(7, {0x13, 0xC4});
    chunk(8, {0x13, 0xC5});
    Buf sec;
    put32(sec, 1'600'000'000);
    chunk(9, sec);
    Buf usec;
    put32(usec, 250'000);
    chunk(10, usec);
    chunk(11, {1});
    if (compress) {
        uLongf n = compressBound(static_cast<uLong>(payload.size()));
        Buf z(n);
        compress2(z.data(), &n, reinterpret_cast<const Bytef*>(payload.data()),
                  static_cast<uLong>(payload.size()), 9);
        z.resize(n);
        chunk(16, z);
    } else {
        chunk(15, text(payload));
    }
    Buf h = text("HEP3");
    put16(h, static_cast<std::uint16_t>(6 + chunks.size()));
    return cat(h, chunks);
}
} // namespace

TEST(DecodePipeline, Hep3PlainAndCompressed) {
    Harness h;
    h.feed(eth_udp(hep3(options_msg, false), 40000, 9060));
    h.feed(eth_udp(hep3(options_msg, true), 40000, 9060));
    ASSERT_EQ(h.seen.size(), 2u);
    for (const auto& s : h.seen) {
        EXPECT_EQ(s.bytes, options_msg);
        EXPECT_EQ(s.src, "192.168.0.1");
        EXPECT_EQ(s.dst, "192.168.0.2");
        EXPECT_EQ(s.sport, 5060);
        EXPECT_EQ(s.dport, 5061);
        EXPECT_EQ(s.encap, "eth/ipv4/udp/hep");
        EXPECT_EQ(s.time_ns, 1'600'000'000'250'000'000);
    }
    EXPECT_TRUE(h.seen[1].findings.has(DecodeFinding::hep_compressed));
    EXPECT_EQ(h.stats().hep_packets, 2u);
}

TEST(DecodePipeline, TunnelBombIsBounded) {
    Harness h;
    Buf p = ipv4({10, 0, 0, 1}, {10, 0, 0, 2}, 17, udp(5060, 5060, text(options_msg)));
    for (int i = 0; i < 40; ++i)
        p = ipv4({1, 1, 1, 1}, {2, 2, 2, 2}, 4, p);
    h.feed(eth(0x0800, p));
    EXPECT_TRUE(h.seen.empty());
    EXPECT_EQ(h.stats().skipped[static_cast<std::size_t>(SkipReason::too_deep)].count, 1u);
}

TEST(DecodePipeline, PppMplsAndHep2) {
    Harness h;
    const Buf ip = ipv4({10, 0, 0, 1}, {10, 0, 0, 2}, 17, udp(5060, 5060, text(options_msg)));
    h.feed(cat({0xFF, 0x03, 0x00, 0x21}, ip), capture::LinkType::ppp);
    h.feed(cat({0x21}, ip), capture::LinkType::ppp); // protocol field compression
    h.feed(eth(0x8847, cat({0x00, 0x01, 0x00, 0x40, 0x00, 0x02, 0x01, 0x40}, ip)));
    // HEPv2: header, IPv4 addresses, time header, payload.
    Buf hep = {2, 16, 2, 17, 0x13, 0xC4, 0x13, 0xC4, 172, 16, 0, 1, 172, 16, 0, 2};
    hep = cat(hep, {0x10, 0xE0, 0xB0, 0x5E, 0x20, 0xA1, 0x07, 0x00, 0x01, 0x00, 0x00, 0x00});
    h.feed(eth_udp(cat(hep, text(options_msg)), 9060, 9060));
    ASSERT_EQ(h.seen.size(), 4u);
    EXPECT_EQ(h.seen[0].encap, "ppp/ipv4/udp");
    EXPECT_EQ(h.seen[1].encap, "ppp/ipv4/udp");
    EXPECT_EQ(h.seen[2].encap, "eth/mpls/ipv4/udp");
    EXPECT_EQ(h.seen[3].encap, "eth/ipv4/udp/hep");
    EXPECT_EQ(h.seen[3].src, "172.16.0.1");
    EXPECT_EQ(h.seen[3].bytes, options_msg);
    EXPECT_EQ(h.seen[3].time_ns, 1'588'650'000'000'000'000 + 500'000'000LL); // LE sec/usec
}

TEST(DecodePipeline, SipTextFrameUsesTheLogEnvelope) {
    Harness h;
    const Buf data = text(options_msg);
    capture::Frame f;
    f.number = 1;
    f.link_type = capture::LinkType::sip_text;
    f.data = data;
    f.original_length = static_cast<std::uint32_t>(data.size());
    f.text.src = "2001:db8::5";
    f.text.dst = "192.0.2.9";
    f.text.sport = 5070;
    f.text.dport = 5080;
    f.text.transport = capture::TextTransport::tcp;
    h.pipeline.feed(f);
    ASSERT_EQ(h.seen.size(), 1u);
    EXPECT_EQ(h.seen[0].encap, "text");
    EXPECT_EQ(h.seen[0].src, "2001:db8::5");
    EXPECT_EQ(h.seen[0].dst, "192.0.2.9");
    EXPECT_EQ(h.seen[0].transport, Transport::tcp);
}

TEST(DecodePipeline, TcpCaptureLossResumesAtNextMessage) {
    Harness h;
    const std::string a = sip_request("INVITE", "loss-a", 1, std::string(100, 'a'));
    const std::string b = sip_request("BYE", "loss-b", 2);
    h.feed(eth_tcp(100, syn, {}), capture::LinkType::ethernet, 0);
    h.feed(eth_tcp(101, ack, text(a.substr(0, 60))), capture::LinkType::ethernet, 1);
    // a[60..] is never captured; b follows it on the wire, complete: the hole is capture loss,
    // b is delivered at once with its own frame and time (no waiting for a later segment).
    const auto b_seq = static_cast<std::uint32_t>(101 + a.size());
    h.feed(eth_tcp(b_seq, ack, text(b)), capture::LinkType::ethernet, 2);
    ASSERT_EQ(h.seen.size(), 1u);
    EXPECT_EQ(h.seen[0].bytes, b);
    EXPECT_EQ(h.seen[0].frame, 3u);
    EXPECT_EQ(h.seen[0].time_ns, 2);
    EXPECT_TRUE(h.seen[0].findings.has(DecodeFinding::tcp_gap));
    EXPECT_TRUE(h.seen[0].findings.has(DecodeFinding::tcp_after_gap));
    const std::string c = sip_request("ACK", "loss-c", 3);
    h.feed(eth_tcp(b_seq + static_cast<std::uint32_t>(b.size()), ack, text(c)),
           capture::LinkType::ethernet, 3'000'000'000);
    ASSERT_EQ(h.seen.size(), 2u);
    EXPECT_EQ(h.seen[1].bytes, c);
    EXPECT_FALSE(h.seen[1].findings.has(DecodeFinding::tcp_gap));
    EXPECT_EQ(h.stats().tcp_gaps, 1u);
    EXPECT_EQ(h.stats().tcp_gap_messages, 1u);
}

TEST(DecodePipeline, LargeMessageInTinySegmentsStaysLinear) {
    Harness h;
    // A 100 KB header block and a 100 KB body: re-scanning the head on every segment would be
    // quadratic.
    std::string pad;
    for (int i = 0; i < 100; ++i)
        pad += "X-Pad: " + std::string(1000, 'p') + "\r\n";
    std::string big = sip_request("MESSAGE", "tiny-segs", 1, std::string(100'000, 'z'));
    big.insert(big.find("Max-Forwards"), pad);
    const std::string next = sip_request("MESSAGE", "tiny-segs", 2);
    const std::string stream = big + next;
    std::uint32_t seq = 1;
    h.feed(eth_tcp(0, syn, {}));
    for (std::size_t off = 0; off < stream.size(); off += 16) {
        h.feed(eth_tcp(seq, ack, text(stream.substr(off, 16))));
        seq += static_cast<std::uint32_t>(std::min<std::size_t>(16, stream.size() - off));
    }
    ASSERT_EQ(h.seen.size(), 2u);
    EXPECT_EQ(h.seen[0].bytes, big);
    // Completed by the segment that holds its last byte, not one later.
    EXPECT_EQ(h.seen[0].frame, 2 + (big.size() - 1) / 16);
    EXPECT_EQ(h.seen[1].bytes, next);
}
