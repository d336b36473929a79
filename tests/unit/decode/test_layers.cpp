// The layer table's hand-offs: a second payload consumer beside SIP, the frames a message was
// made of, TCP holes, and the bounded flow and fragment tables under floods.
#include "unit/decode/packet_builder.h"

#include <gtest/gtest.h>

#include <chrono>

using namespace sipdx::decode;
using namespace sipdx::decode::test;

namespace {

// A stand-in for a media analyzer: takes every UDP payload on even ports above 10000.
struct RtpLike final : PayloadConsumer {
    struct Got {
        std::string bytes;
        std::string src;
        std::uint16_t sport = 0;
        std::uint16_t dport = 0;
        std::string encap;
        std::uint64_t frame = 0;
    };
    std::vector<Got> got;
    bool offer(const Payload& p) override {
        if (p.transport != Transport::udp || p.dport < 10000 || (p.dport & 1) != 0) return false;
        got.push_back({std::string(p.bytes), p.src.to_string(), p.sport, p.dport,
                       p.encap.to_string(), p.frame});
        return true;
    }
};

Buf rtp_packet(std::uint16_t seq) {
    Buf b = {0x80, 0x00};
    put16(b, seq);
    put32(b, 160);
    put32(b, 0x1234);
    b.resize(b.size() + 20, 0xD5);
    return b;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

} // namespace

TEST(DecodeLayers, SecondConsumerGetsNonSipPayloadsWithTheirAddresses) {
    Harness h;
    RtpLike rtp;
    h.pipeline.add_consumer(rtp);
    h.feed(eth_udp(text(sip_request("INVITE", "c1", 1))));
    h.feed(eth(
        0x8100,
        vlan(7, 0x0800, ipv4({10, 0, 0, 3}, {10, 0, 0, 4}, 17, udp(20000, 30000, rtp_packet(1))))));
    h.feed(eth_udp(text("not sip, not media"), 5000, 5001)); // odd port: nobody wants it
    ASSERT_EQ(h.seen.size(), 1u);                            // SIP still goes to the sink
    ASSERT_EQ(rtp.got.size(), 1u);
    EXPECT_EQ(rtp.got[0].bytes.size(), 32u);
    EXPECT_EQ(rtp.got[0].src, "10.0.0.3");
    EXPECT_EQ(rtp.got[0].sport, 20000);
    EXPECT_EQ(rtp.got[0].dport, 30000);
    EXPECT_EQ(rtp.got[0].encap, "eth/vlan/ipv4/udp");
    EXPECT_EQ(rtp.got[0].frame, 2u);
    EXPECT_EQ(h.stats().non_sip_payloads, 1u); // only the unclaimed one
}

TEST(DecodeLayers, ReassembledMessagesNameEveryFrame) {
    std::vector<std::vector<std::uint64_t>> frames;
    Pipeline pipeline([&](const SipPayload& p) {
        frames.emplace_back(p.all_frames().begin(), p.all_frames().end());
    });
    std::uint64_t n = 0;
    auto feed = [&](const Buf& data) {
        sipdx::capture::Frame f;
        f.number = ++n;
        f.link_type = sipdx::capture::LinkType::ethernet;
        f.original_length = static_cast<std::uint32_t>(data.size());
        f.data = data;
        pipeline.feed(f);
    };
    const std::string m = sip_request("INVITE", "frames", 1, std::string(200, 'b'));
    feed(eth_tcp(10, syn, {}));                        // 1
    feed(eth_tcp(11, ack, text(m.substr(0, 100))));    // 2
    feed(eth_tcp(11, ack, {}, true));                  // 3: a bare ACK the other way
    feed(eth_tcp(111, ack, text(m.substr(100, 100)))); // 4
    feed(eth_tcp(211, ack, text(m.substr(200))));      // 5
    feed(eth_udp(text(sip_request("BYE", "one", 2)))); // 6
    // A UDP message in two IPv4 fragments.
    const Buf dgram =
        udp(5060, 5060, text(sip_request("MESSAGE", "frag", 1, std::string(64, 'f'))));
    const Buf head(dgram.begin(), dgram.begin() + 48), tail(dgram.begin() + 48, dgram.end());
    feed(eth(0x0800, ipv4({10, 0, 0, 1}, {10, 0, 0, 2}, 17, head, 9, 0, true)));   // 7
    feed(eth(0x0800, ipv4({10, 0, 0, 1}, {10, 0, 0, 2}, 17, tail, 9, 48, false))); // 8
    ASSERT_EQ(frames.size(), 3u);
    EXPECT_EQ(frames[0], (std::vector<std::uint64_t>{2, 4, 5}));
    EXPECT_EQ(frames[1], (std::vector<std::uint64_t>{6}));
    EXPECT_EQ(frames[2], (std::vector<std::uint64_t>{7, 8}));
}

TEST(DecodeLayers, HoleInACallDeliversThe200WithItsOwnFrameAndTime) {
    Harness h;
    const std::string invite = sip_request("INVITE", "hole", 1, std::string(50, 'i'));
    const std::string ringing =
        "SIP/2.0 180 Ringing\r\nCall-ID: hole\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    const std::string ok =
        "SIP/2.0 200 OK\r\nCall-ID: hole\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    const std::string bye = sip_request("BYE", "hole", 2);
    const std::int64_t s = 1'000'000'000;
    h.feed(eth_tcp(1000, syn, {}, true), sipdx::capture::LinkType::ethernet, 0);
    h.feed(eth_tcp(1, ack, text(invite)), sipdx::capture::LinkType::ethernet, 1 * s);
    // The 180 is lost in capture; the 200 OK follows it at 5 s.
    auto seq = static_cast<std::uint32_t>(1001 + ringing.size());
    h.feed(eth_tcp(seq, ack, text(ok), true), sipdx::capture::LinkType::ethernet, 5 * s);
    ASSERT_EQ(h.seen.size(), 2u);
    EXPECT_EQ(h.seen[1].bytes, ok);
    EXPECT_EQ(h.seen[1].frame, 3u);
    EXPECT_EQ(h.seen[1].time_ns, 5 * s);
    EXPECT_TRUE(h.seen[1].findings.has(DecodeFinding::tcp_after_gap));
    // The next request goes on normally.
    h.feed(eth_tcp(static_cast<std::uint32_t>(1 + invite.size()), ack, text(bye)),
           sipdx::capture::LinkType::ethernet, 9 * s);
    ASSERT_EQ(h.seen.size(), 3u);
    EXPECT_FALSE(h.seen[2].findings.has(DecodeFinding::tcp_after_gap));
    EXPECT_EQ(h.stats().tcp_gaps, 1u);
    EXPECT_EQ(h.stats().tcp_gap_messages, 1u);
}

TEST(DecodeLayers, SegmentsLateIntoAGivenUpHoleAreStillDelivered) {
    Harness h;
    const std::string a = sip_request("OPTIONS", "late-a", 1);
    const std::string b = sip_request("OPTIONS", "late-b", 2);
    h.feed(eth_tcp(0, syn, {}));
    // b arrives before a (reordered), so the hole is given up on b's arrival; a comes late.
    h.feed(eth_tcp(static_cast<std::uint32_t>(1 + a.size()), ack, text(b)));
    h.feed(eth_tcp(1, ack, text(a)));
    ASSERT_EQ(h.seen.size(), 2u);
    EXPECT_EQ(h.seen[0].bytes, b);
    EXPECT_EQ(h.seen[1].bytes, a);
    EXPECT_EQ(h.seen[1].frame, 3u);
}

TEST(DecodeLayers, EndOfInputFlushesCompleteAndCountsIncomplete) {
    Harness h;
    const std::string a = sip_request("INVITE", "tail", 1, std::string(100, 'a'));
    const std::string b = sip_request("ACK", "tail", 1);
    h.feed(eth_tcp(0, syn, {}));
    h.feed(eth_tcp(1, ack, text(a.substr(0, 40))));
    // Hole, then the whole of b, then half of an unfinished message.
    const auto b_seq = static_cast<std::uint32_t>(1 + a.size());
    h.feed(eth_tcp(b_seq, ack, text(b)));
    ASSERT_EQ(h.seen.size(), 1u);
    h.feed(eth_tcp(b_seq + static_cast<std::uint32_t>(b.size()), ack,
                   text(sip_request("BYE", "tail", 2).substr(0, 30))));
    h.pipeline.finish();
    EXPECT_EQ(h.seen.size(), 1u);
    EXPECT_EQ(h.stats().incomplete_at_end, 1u);
}

TEST(DecodeLayers, FlowFloodIsBoundedAndAFreshMessageIsFound) {
    PipelineOptions options;
    Harness h(options);
    const std::string junk = "x";
    const auto t0 = std::chrono::steady_clock::now();
    // 200k one-segment SYN-less streams from distinct ports/addresses.
    for (std::uint32_t i = 0; i < 200'000; ++i) {
        const std::array<std::uint8_t, 4> src{10, static_cast<std::uint8_t>(i >> 16),
                                              static_cast<std::uint8_t>(i >> 8),
                                              static_cast<std::uint8_t>(i)};
        h.feed(eth(0x0800, ipv4(src, {10, 9, 9, 9}, 6,
                                tcp(static_cast<std::uint16_t>(1024 + (i % 60000)), 5060, 7, ack,
                                    text(junk)))));
    }
    const std::string invite = sip_request("INVITE", "after-flood", 1);
    h.feed(eth(0x0800,
               ipv4({192, 0, 2, 1}, {10, 9, 9, 9}, 6, tcp(40000, 5060, 1, ack, text(invite)))));
    const double took = seconds_since(t0);
    ASSERT_EQ(h.seen.size(), 1u);
    EXPECT_EQ(h.seen[0].bytes, invite);
    EXPECT_EQ(h.stats().tcp_flows_evicted, 200'001u - options.max_tcp_streams);
    EXPECT_LT(took, 60.0) << "flood of 200k streams took " << took << " s";
    std::printf("flow flood: 200k streams + INVITE in %.2f s\n", took);
}

TEST(DecodeLayers, FragmentFloodDoesNotBlockAGenuineFragmentedInvite) {
    Harness h;
    const auto t0 = std::chrono::steady_clock::now();
    const Buf first(64, 'f');
    for (std::uint32_t i = 0; i < 10'000; ++i) { // first fragments that never complete, in 1 s
        h.feed(eth(0x0800,
                   ipv4({10, 1, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)},
                        {10, 9, 9, 9}, 17, first, static_cast<std::uint16_t>(i), 0, true)),
               sipdx::capture::LinkType::ethernet, 1'000'000'000 + i * 100'000);
    }
    const Buf dgram =
        udp(5060, 5060, text(sip_request("INVITE", "frag-after-flood", 1, std::string(300, 's'))));
    const Buf head(dgram.begin(), dgram.begin() + 200), tail(dgram.begin() + 200, dgram.end());
    h.feed(eth(0x0800, ipv4({192, 0, 2, 7}, {10, 9, 9, 9}, 17, head, 777, 0, true)),
           sipdx::capture::LinkType::ethernet, 2'000'000'000);
    h.feed(eth(0x0800, ipv4({192, 0, 2, 7}, {10, 9, 9, 9}, 17, tail, 777, 200, false)),
           sipdx::capture::LinkType::ethernet, 2'000'000'001);
    const double took = seconds_since(t0);
    ASSERT_EQ(h.seen.size(), 1u);
    EXPECT_NE(h.seen[0].bytes.find("frag-after-flood"), std::string::npos);
    EXPECT_EQ(h.stats().fragment_sets_evicted, 10'001u - PipelineOptions{}.max_fragment_datagrams);
    EXPECT_LT(took, 30.0);
    std::printf("fragment flood: 10k first fragments + INVITE in %.2f s\n", took);
}

TEST(DecodeLayers, TlsFlowsAreCountedByPort) {
    Harness h;
    Buf record = {0x16, 0x03, 0x01, 0x00, 0x10};
    record.resize(21, 0xAB);
    h.feed(eth(0x0800, ipv4({10, 0, 0, 1}, {10, 0, 0, 2}, 6, tcp(40000, 5061, 1, ack, record))));
    h.feed(eth(0x0800, ipv4({10, 0, 0, 3}, {10, 0, 0, 2}, 6, tcp(40001, 5061, 1, ack, record))));
    EXPECT_EQ(h.stats().tls_flows, 2u);
    ASSERT_EQ(h.stats().tls_ports.size(), 1u);
    EXPECT_EQ(h.stats().tls_ports[0], (std::pair<std::uint16_t, std::uint64_t>{5061, 2}));
}

namespace {

// Takes every TCP payload (what reaches consumers over TCP: RFC 4571 frames).
struct TcpTaker final : PayloadConsumer {
    std::vector<std::pair<std::string, std::vector<std::uint64_t>>> got;
    bool offer(const Payload& p) override {
        if (p.transport != Transport::tcp) return false;
        got.emplace_back(std::string(p.bytes),
                         std::vector<std::uint64_t>(p.all_frames().begin(), p.all_frames().end()));
        return true;
    }
};

// Three RTP packets of 34 framed bytes each, cut into segments of 20, 44 and 38 bytes: the
// first two packets are each split over two segments, the third is the last segment's rest.
std::vector<Buf> rfc4571_segments() {
    Buf stream;
    for (std::uint16_t seq = 1; seq <= 3; ++seq) {
        const Buf p = rtp_packet(seq);
        put16(stream, static_cast<std::uint16_t>(p.size()));
        stream.insert(stream.end(), p.begin(), p.end());
    }
    std::vector<Buf> segments;
    std::uint32_t seq = 1001;
    std::size_t at = 0;
    for (std::size_t size : {std::size_t{20}, std::size_t{44}, stream.size() - 64}) {
        const Buf data(stream.begin() + static_cast<std::ptrdiff_t>(at),
                       stream.begin() + static_cast<std::ptrdiff_t>(at + size));
        segments.push_back(eth(0x0800, ipv4({10, 0, 0, 1}, {10, 0, 0, 2}, 6,
                                            tcp(40000, 50000, seq, psh | ack, data))));
        seq += static_cast<std::uint32_t>(size);
        at += size;
    }
    return segments;
}

} // namespace

TEST(DecodeLayers, RtpOverTcpReachesConsumersFramedByRfc4571) {
    Harness h;
    TcpTaker taker;
    h.pipeline.add_consumer(taker);
    h.feed(eth(0x0800, ipv4({10, 0, 0, 1}, {10, 0, 0, 2}, 6, tcp(40000, 50000, 1000, syn, {}))));
    for (const Buf& segment : rfc4571_segments())
        h.feed(segment);
    ASSERT_EQ(taker.got.size(), 3u);
    for (const auto& [bytes, frames] : taker.got)
        EXPECT_EQ(bytes.size(), 32u); // the RTP packet without its length prefix
    EXPECT_EQ(static_cast<std::uint8_t>(taker.got[2].first[3]), 3u);    // sequence 3
    EXPECT_EQ(taker.got[0].second, (std::vector<std::uint64_t>{2, 3})); // split over two
    EXPECT_EQ(taker.got[1].second, (std::vector<std::uint64_t>{3, 4}));
    EXPECT_EQ(taker.got[2].second, (std::vector<std::uint64_t>{4}));
    EXPECT_TRUE(h.seen.empty());
}

TEST(DecodeLayers, WithoutAPayloadAnalyzerTcpRtpIsNotLookedFor) {
    Harness h;
    h.feed(eth(0x0800, ipv4({10, 0, 0, 1}, {10, 0, 0, 2}, 6, tcp(40000, 50000, 1000, syn, {}))));
    for (const Buf& segment : rfc4571_segments())
        h.feed(segment);
    EXPECT_TRUE(h.seen.empty());
    EXPECT_EQ(h.stats().non_sip_payloads, 0u); // nothing framed, nothing offered
}
