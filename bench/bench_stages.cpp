// One benchmark per stage of `sipdx messages` over the bundled sample capture (real SIPp traffic
// over UDP, TCP and IPv6), so a slowdown of the end-to-end figures points at its stage:
//   BM_StageDecode       capture read + link/IP/UDP/TCP decode + framing into SIP payloads
//   BM_StageHeaderIndex  start line + header index + transaction key of payloads already framed
//   BM_StageNdjson       the ndjson record of each message (what `messages --format ndjson` adds)
// The synthetic-traffic benchmarks of each stage are in bench_capture_read, bench_decode,
// bench_sip_parse and bench_session.
#include <sipdx/capture/source.h>
#include <sipdx/decode/pipeline.h>
#include <sipdx/output/messages.h>
#include <sipdx/sip/message.h>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <deque>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using namespace sipdx;

const std::string& sample_path() {
    static const std::string path =
        std::string(SIPDX_SOURCE_DIR) + "/tests/data/sample/sipdx-sample.pcap";
    return path;
}

constexpr std::size_t sample_messages = 93; // tests/data/sample/README.md

struct Decoded {
    std::uint64_t frames = 0;
    std::size_t messages = 0;
    std::size_t payload_bytes = 0;
};

// Reads and decodes the whole sample; `sink` sees every SIP payload.
template <typename Sink>
bool decode_sample(Decoded& out, Sink&& sink) {
    auto source = capture::open(sample_path());
    if (!source) return false;
    decode::Pipeline pipeline([&](const decode::SipPayload& p) {
        ++out.messages;
        out.payload_bytes += p.bytes.size();
        sink(p);
    });
    capture::Frame frame;
    while ((*source)->next(frame) == capture::ReadStatus::frame) {
        ++out.frames;
        pipeline.feed(frame);
    }
    pipeline.finish();
    return true;
}

// The sample's payloads, owned, so the later stages can be timed without decode.
struct Payloads {
    std::deque<std::string> bytes;
    std::vector<decode::SipPayload> payloads;
    std::size_t total = 0;
};

const Payloads& sample_payloads() {
    static const Payloads payloads = [] {
        Payloads p;
        Decoded d;
        decode_sample(d, [&](const decode::SipPayload& payload) {
            auto copy = payload;
            copy.bytes = p.bytes.emplace_back(payload.bytes);
            p.payloads.push_back(copy);
            p.total += payload.bytes.size();
        });
        return p;
    }();
    return payloads;
}

bool is_stream(const decode::SipPayload& p) {
    return p.transport == decode::Transport::tcp || p.transport == decode::Transport::tls;
}

void BM_StageDecode(benchmark::State& state) {
    if (!std::filesystem::exists(sample_path())) {
        state.SkipWithError("sample capture missing");
        return;
    }
    Decoded total;
    for (auto _ : state) {
        Decoded d;
        if (!decode_sample(d, [](const decode::SipPayload& p) { benchmark::DoNotOptimize(p); }) ||
            d.messages != sample_messages) {
            state.SkipWithError("the sample did not decode to its 93 messages");
            return;
        }
        total.frames += d.frames;
    }
    state.SetBytesProcessed(
        static_cast<std::int64_t>(state.iterations() * std::filesystem::file_size(sample_path())));
    state.SetItemsProcessed(static_cast<std::int64_t>(total.frames));
    state.counters["frames/iter"] = static_cast<double>(total.frames / state.iterations());
}
BENCHMARK(BM_StageDecode)->Unit(benchmark::kMicrosecond);

void BM_StageHeaderIndex(benchmark::State& state) {
    const auto& p = sample_payloads();
    if (p.payloads.size() != sample_messages) {
        state.SkipWithError("the sample did not decode to its 93 messages");
        return;
    }
    const sip::Parser datagram({sip::Framing::datagram});
    const sip::Parser stream({sip::Framing::stream});
    sip::Message message;
    for (auto _ : state) {
        for (const auto& payload : p.payloads) {
            (is_stream(payload) ? stream : datagram).parse(payload.bytes, message);
            auto key = message.transaction_key();
            benchmark::DoNotOptimize(key);
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * p.total));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * p.payloads.size()));
}
BENCHMARK(BM_StageHeaderIndex)->Unit(benchmark::kMicrosecond);

void BM_StageNdjson(benchmark::State& state) {
    const auto& p = sample_payloads();
    if (p.payloads.size() != sample_messages) {
        state.SkipWithError("the sample did not decode to its 93 messages");
        return;
    }
    const sip::Parser datagram({sip::Framing::datagram});
    const sip::Parser stream({sip::Framing::stream});
    std::vector<sip::Message> messages(p.payloads.size());
    for (std::size_t i = 0; i < p.payloads.size(); ++i) {
        (is_stream(p.payloads[i]) ? stream : datagram).parse(p.payloads[i].bytes, messages[i]);
    }
    output::MessageWriter writer(output::Format::ndjson, false);
    std::string out;
    std::size_t written = 0;
    for (auto _ : state) {
        out.clear();
        for (std::size_t i = 0; i < p.payloads.size(); ++i) {
            writer.write(out, p.payloads[i], messages[i]);
        }
        written += out.size();
        benchmark::DoNotOptimize(out.data());
    }
    // Bytes are the SIP bytes the records describe, to compare with the other stages.
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * p.total));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * p.payloads.size()));
    state.counters["record_bytes/msg"] =
        static_cast<double>(written) / static_cast<double>(state.iterations() * p.payloads.size());
}
BENCHMARK(BM_StageNdjson)->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();
