// Decode-stage benchmarks on deterministic synthetic traffic: link dispatch alone, the full
// UDP datagram path, IPv4 fragment reassembly, and TCP stream reassembly + framing. Each one
// first checks that the pipeline found the expected number of messages, then times.
#include <sipdx/capture/frame.h>
#include <sipdx/decode/pipeline.h>

#include "decode/detail/tcp_reassembly.h"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

namespace {

using Buf = std::vector<std::uint8_t>;
using sipdx::capture::Frame;
using sipdx::capture::LinkType;

void put16(Buf& b, std::size_t v) {
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
}
void put32(Buf& b, std::uint32_t v) {
    put16(b, v >> 16);
    put16(b, v & 0xFFFF);
}

std::string register_msg(int i) {
    std::string body =
        "REGISTER sip:ims.example.net SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 10.1.0.1:5060;branch=z9hG4bK" +
        std::to_string(i) + "\r\nFrom: <sip:alice@ims.example.net>;tag=a" + std::to_string(i) +
        "\r\nTo: <sip:alice@ims.example.net>\r\nCall-ID: bench-" + std::to_string(i) +
        "@10.1.0.1\r\nCSeq: 1 REGISTER\r\nMax-Forwards: 70\r\n"
        "Contact: <sip:alice@10.1.0.1:5060>;expires=600000\r\n"
        "User-Agent: bench\r\nContent-Length: 0\r\n\r\n";
    return body;
}

Buf ipv4(std::uint8_t proto, const Buf& payload, std::uint16_t id = 0, std::uint32_t off = 0,
         bool more = false) {
    Buf b = {0x45, 0};
    put16(b, 20 + payload.size());
    put16(b, id);
    put16(b, (more ? 0x2000 : 0) | (off / 8));
    b.insert(b.end(), {64, proto, 0, 0, 10, 1, 0, 1, 10, 2, 0, 2});
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
}
Buf eth(const Buf& ip, std::uint16_t type = 0x0800) {
    Buf b(12, 0x11);
    put16(b, type);
    b.insert(b.end(), ip.begin(), ip.end());
    return b;
}
Buf udp(const std::string& payload) {
    Buf b;
    put16(b, 5060);
    put16(b, 5060);
    put16(b, 8 + payload.size());
    put16(b, 0);
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
}
Buf tcp(std::uint32_t seq, const std::string& payload) {
    Buf b;
    put16(b, 40000);
    put16(b, 5060);
    put32(b, seq);
    put32(b, 0);
    b.insert(b.end(), {0x50, 0x18, 0xFF, 0xFF, 0, 0, 0, 0});
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
}

struct Traffic {
    std::vector<Buf> frames;
    std::size_t bytes = 0;
    std::size_t expected_messages = 0;
};

Traffic udp_traffic() {
    Traffic t;
    for (int i = 0; i < 1000; ++i)
        t.frames.push_back(eth(ipv4(17, udp(register_msg(i)))));
    t.expected_messages = 1000;
    return t;
}

Traffic arp_traffic() {
    Traffic t;
    for (int i = 0; i < 1000; ++i)
        t.frames.push_back(eth(Buf(28, 0x01), 0x0806));
    return t;
}

Traffic fragment_traffic() {
    Traffic t;
    for (int i = 0; i < 1000; ++i) {
        const Buf u = udp(register_msg(i)); // about 400 bytes: two fragments
        const std::size_t half = 208;
        Buf a(u.begin(), u.begin() + half), b(u.begin() + half, u.end());
        t.frames.push_back(eth(ipv4(17, a, static_cast<std::uint16_t>(i), 0, true)));
        t.frames.push_back(eth(ipv4(17, b, static_cast<std::uint16_t>(i), half, false)));
    }
    t.expected_messages = 1000;
    return t;
}

// One TCP stream: messages back to back, cut into 100-byte segments regardless of boundaries.
Traffic tcp_traffic() {
    Traffic t;
    std::string stream;
    for (int i = 0; i < 1000; ++i)
        stream += register_msg(i);
    std::uint32_t seq = 1000;
    for (std::size_t off = 0; off < stream.size(); off += 100) {
        const std::string part = stream.substr(off, 100);
        t.frames.push_back(eth(ipv4(6, tcp(seq, part))));
        seq += static_cast<std::uint32_t>(part.size());
    }
    t.expected_messages = 1000;
    return t;
}

void run_pipeline(benchmark::State& state, const Traffic& traffic) {
    std::size_t bytes = 0;
    for (const auto& f : traffic.frames)
        bytes += f.size();
    std::size_t found = 0;
    {
        sipdx::decode::Pipeline check([&](const sipdx::decode::SipPayload&) { ++found; });
        Frame frame;
        std::uint64_t n = 0;
        for (const auto& f : traffic.frames) {
            frame.number = ++n;
            frame.data = f;
            frame.original_length = static_cast<std::uint32_t>(f.size());
            check.feed(frame);
        }
    }
    if (found != traffic.expected_messages) {
        state.SkipWithError("pipeline found the wrong number of messages");
        return;
    }
    for (auto _ : state) {
        std::size_t messages = 0;
        sipdx::decode::Pipeline pipeline(
            [&](const sipdx::decode::SipPayload& p) { messages += p.bytes.size() > 0; });
        Frame frame;
        frame.link_type = LinkType::ethernet;
        std::uint64_t n = 0;
        for (const auto& f : traffic.frames) {
            frame.number = ++n;
            frame.time_ns = static_cast<std::int64_t>(n) * 1000;
            frame.data = f;
            frame.original_length = static_cast<std::uint32_t>(f.size());
            pipeline.feed(frame);
        }
        benchmark::DoNotOptimize(messages);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
    state.SetItemsProcessed(
        static_cast<std::int64_t>(state.iterations() * traffic.frames.size())); // packets/s
}

void BM_LinkDispatchNonIp(benchmark::State& state) {
    run_pipeline(state, arp_traffic());
}
void BM_UdpDatagramPath(benchmark::State& state) {
    run_pipeline(state, udp_traffic());
}
void BM_Ipv4FragmentReassembly(benchmark::State& state) {
    run_pipeline(state, fragment_traffic());
}
void BM_TcpStreamReassemblyAndFraming(benchmark::State& state) {
    run_pipeline(state, tcp_traffic());
}

// The byte-stream reassembler alone, with every other segment arriving out of order.
void BM_TcpDirectionOutOfOrder(benchmark::State& state) {
    const std::string seg(100, 'x');
    const auto* p = reinterpret_cast<const std::uint8_t*>(seg.data());
    constexpr int segments = 10000;
    for (auto _ : state) {
        sipdx::decode::detail::TcpDirection d;
        d.segment(0, true, {}, 0); // SYN: the stream starts at sequence 1
        std::uint32_t seq = 1;
        for (int i = 0; i < segments; i += 2) {
            d.segment(seq + 100, false, {p, seg.size()}, 0);
            d.segment(seq, false, {p, seg.size()}, 0);
            seq += 200;
            d.consume(d.pending().size());
        }
        benchmark::DoNotOptimize(d.pending_offset());
        if (d.pending_offset() != segments * 100u) state.SkipWithError("bytes lost");
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * segments * 100));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * segments));
}

} // namespace

BENCHMARK(BM_LinkDispatchNonIp);
BENCHMARK(BM_UdpDatagramPath);
BENCHMARK(BM_Ipv4FragmentReassembly);
BENCHMARK(BM_TcpStreamReassemblyAndFraming);
BENCHMARK(BM_TcpDirectionOutOfOrder);
BENCHMARK_MAIN();
