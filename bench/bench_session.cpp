// Tracker throughput: synthetic SipEvents (answered calls, rejected calls and challenged
// registrations over many concurrent Call-IDs) fed to session::Tracker; items/s = events/s.
// Also the whole analysis (decode, parse, track, summarise) over the bundled sample capture.
#include <sipdx/analysis/analyzer.h>
#include <sipdx/session/tracker.h>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <deque>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using namespace sipdx;
using session::SipEvent;

struct Corpus {
    std::deque<std::string> strings; // the events' views point here
    std::vector<SipEvent> events;
    std::uint64_t bytes = 0;
};

session::Endpoint endpoint(std::uint8_t last) {
    const std::uint8_t b[4] = {10, 0, 0, last};
    return {decode::Address::v4(b), 5060};
}

// `calls` Call-IDs, 20 starting per second of capture time, each 7-9 messages.
Corpus make_corpus(int calls) {
    Corpus c;
    const auto a = endpoint(1);
    const auto b = endpoint(2);
    auto keep = [&](std::string s) -> std::string_view {
        return c.strings.emplace_back(std::move(s));
    };
    for (int i = 0; i < calls; ++i) {
        const std::int64_t t0 = static_cast<std::int64_t>(i) * 50'000'000;
        const auto call_id = keep("bench-" + std::to_string(i) + "@sipdx.bench");
        const auto branch = keep("z9hG4bK-" + std::to_string(i));
        const auto branch2 = keep("z9hG4bK-b-" + std::to_string(i));
        const int kind = i % 4; // 0,1 answered call, 2 rejected, 3 registration
        auto base = [&](bool request, std::int64_t t, sip::Method m, std::uint32_t cseq,
                        std::string_view br) {
            SipEvent e;
            e.time_ns = t;
            e.frame = c.events.size() + 1;
            e.src = request ? a : b;
            e.dst = request ? b : a;
            e.is_request = request;
            e.method = request ? m : sip::Method::unknown;
            e.method_text = request ? sip::to_string(m) : std::string_view();
            e.call_id = call_id;
            e.cseq = cseq;
            e.cseq_method = m;
            e.cseq_method_text = sip::to_string(m);
            e.from_tag = "ftag";
            e.branch = br;
            e.sent_by = "10.0.0.1:5060";
            e.from_uri = "alice@bench";
            e.to_uri = "bob@bench";
            e.content_hash = static_cast<std::uint64_t>(c.events.size()) * 2654435761u + 1;
            e.size = 600;
            return e;
        };
        auto resp = [&](std::int64_t t, sip::Method m, std::uint32_t cseq, std::string_view br,
                        int status, std::string_view tag) {
            SipEvent e = base(false, t, m, cseq, br);
            e.status = status;
            e.reason_phrase = "phrase";
            e.to_tag = tag;
            c.events.push_back(e);
        };
        if (kind == 3) {
            c.events.push_back(base(true, t0, sip::Method::register_, 1, branch));
            resp(t0 + 5'000'000, sip::Method::register_, 1, branch, 401, "r");
            c.events.push_back(base(true, t0 + 10'000'000, sip::Method::register_, 2, branch2));
            resp(t0 + 15'000'000, sip::Method::register_, 2, branch2, 200, "r");
            continue;
        }
        c.events.push_back(base(true, t0, sip::Method::invite, 1, branch));
        resp(t0 + 1'000'000, sip::Method::invite, 1, branch, 100, "");
        resp(t0 + 500'000'000, sip::Method::invite, 1, branch, 180, "t");
        if (kind == 2) {
            resp(t0 + 2'000'000'000, sip::Method::invite, 1, branch, 486, "t");
            SipEvent ack = base(true, t0 + 2'001'000'000, sip::Method::ack, 1, branch);
            ack.to_tag = "t";
            c.events.push_back(ack);
            continue;
        }
        resp(t0 + 3'000'000'000, sip::Method::invite, 1, branch, 200, "t");
        SipEvent ack = base(true, t0 + 3'001'000'000, sip::Method::ack, 1, branch2);
        ack.to_tag = "t";
        c.events.push_back(ack);
        const auto bye_branch = keep("z9hG4bK-bye-" + std::to_string(i));
        SipEvent bye = base(true, t0 + 60'000'000'000, sip::Method::bye, 2, bye_branch);
        bye.to_tag = "t";
        c.events.push_back(bye);
        resp(t0 + 60'010'000'000, sip::Method::bye, 2, bye_branch, 200, "t");
    }
    // The tracker wants capture order.
    std::stable_sort(c.events.begin(), c.events.end(),
                     [](const SipEvent& x, const SipEvent& y) { return x.time_ns < y.time_ns; });
    for (const auto& e : c.events)
        c.bytes += e.size;
    return c;
}

void BM_TrackerThroughput(benchmark::State& state) {
    const Corpus corpus = make_corpus(static_cast<int>(state.range(0)));
    std::uint64_t records = 0;
    std::size_t peak = 0;
    for (auto _ : state) {
        session::Tracker tracker([&](session::CallRecord&&) { ++records; });
        for (const auto& e : corpus.events) {
            benchmark::DoNotOptimize(tracker.feed(e));
            peak = std::max(peak, tracker.active());
        }
        tracker.finish();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * corpus.events.size()));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus.bytes));
    state.counters["calls"] = static_cast<double>(state.range(0));
    state.counters["peak_active"] = static_cast<double>(peak);
}
BENCHMARK(BM_TrackerThroughput)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_AnalyzeSample(benchmark::State& state) {
    const std::string path = std::string(SIPDX_SOURCE_DIR) + "/tests/data/sample/sipdx-sample.pcap";
    if (!std::filesystem::exists(path)) {
        state.SkipWithError("sample capture missing");
        return;
    }
    const auto size = std::filesystem::file_size(path);
    for (auto _ : state) {
        analysis::Analyzer analyzer;
        auto run = analyzer.run({path});
        benchmark::DoNotOptimize(run);
        if (analyzer.summary().records() != 18) state.SkipWithError("unexpected record count");
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}
BENCHMARK(BM_AnalyzeSample)->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();
