// analysis::Analyzer on the bundled sample capture and on traces written here: per-call
// outcomes, counts, several inputs as one trace, unreadable inputs, and the same results for
// any number of threads.
#include <sipdx/analysis/analyzer.h>

#include "unit/analysis/trace_builder.h"
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

using namespace sipdx;
using namespace sipdx::analysis;
using namespace sipdx::analysis::test;
using session::CallRecord;
using session::Kind;
using session::Outcome;

namespace {

const std::string sample = std::string(SIPDX_TEST_DATA_DIR) + "/sample/sipdx-sample.pcap";

struct Analysis {
    std::vector<CallRecord> records; // in the order the analyzer gave them
    std::vector<std::uint64_t> message_frames;
    std::vector<std::uint32_t> message_inputs;
    // Messages ("m" frame call) and records ("r" number) as the consumers saw them, interleaved.
    std::vector<std::string> calls_in_order;
    std::vector<std::thread::id> consumer_threads;
    RunResult run;
    Summary summary;

    const CallRecord* find(const std::string& call_id) const {
        for (const auto& r : records)
            if (r.call_id == call_id) return &r;
        return nullptr;
    }
};

Analysis analyse(const std::vector<std::string>& paths, unsigned threads = 1,
                 bool consume_apart = false) {
    Analysis out;
    AnalyzeOptions options;
    options.threads = threads;
    options.consume_apart = consume_apart;
    auto seen_on = [&out] {
        const auto id = std::this_thread::get_id();
        if (std::find(out.consumer_threads.begin(), out.consumer_threads.end(), id) ==
            out.consumer_threads.end())
            out.consumer_threads.push_back(id);
    };
    options.on_message = [&](const MessageContext& m) {
        seen_on();
        out.message_frames.push_back(m.payload.frame);
        out.message_inputs.push_back(m.event.source);
        out.calls_in_order.push_back("m" + std::to_string(m.payload.frame) + " " +
                                     std::to_string(m.step.call));
    };
    Analyzer analyzer(options);
    analyzer.on_record([&](CallRecord&& r) {
        seen_on();
        out.calls_in_order.push_back("r" + std::to_string(r.number));
        out.records.push_back(std::move(r));
    });
    out.run = analyzer.run(paths);
    out.summary = analyzer.summary();
    return out;
}

// What a record says, for comparing runs.
using RecordKey = std::tuple<std::string, Outcome, int, std::uint32_t, std::uint32_t, std::string>;
std::vector<RecordKey> keys(const Analysis& a) {
    std::vector<RecordKey> out;
    for (const auto& r : a.records)
        out.emplace_back(r.call_id, r.outcome, r.final_code, r.messages, r.retransmissions,
                         r.explanation);
    return out;
}

} // namespace

TEST(Analyzer, SampleCaptureOutcomesPerCall) {
    const Analysis a = analyse({sample});
    // tests/data/sample/README.md lists what each Call-ID of the sample is.
    const std::map<std::string, std::pair<Outcome, int>> expected{
        {"answered-1", {Outcome::answered, 200}},
        {"busy-1", {Outcome::failed, 486}},
        {"notfound-1", {Outcome::failed, 404}},
        {"unavailable-1", {Outcome::failed, 503}},
        {"declined-1", {Outcome::failed, 603}},
        {"noreply-1", {Outcome::failed, 480}},
        {"redirected-1", {Outcome::redirected, 302}},
        {"cancelled-1", {Outcome::cancelled, 487}},
        {"register-1", {Outcome::registered, 200}},
        {"deregister-1", {Outcome::unregistered, 200}},
        {"options-1", {Outcome::completed, 200}},
        {"message-1", {Outcome::completed, 200}},
        {"subscribe-1", {Outcome::completed, 202}},
        {"prack-1", {Outcome::answered, 200}},
        {"reinvite-1", {Outcome::answered, 200}},
        {"tcp-1", {Outcome::answered, 200}},
        {"ipv6-1", {Outcome::answered, 200}}};
    ASSERT_EQ(a.records.size(), 18u);
    for (const auto& [label, want] : expected) {
        const CallRecord* r = a.find(label + "@sipdx.test");
        ASSERT_NE(r, nullptr) << label;
        EXPECT_EQ(r->outcome, want.first) << label;
        EXPECT_EQ(r->final_code, want.second) << label;
    }
    const CallRecord* noanswer = a.find("noanswer-1@sipdx.test");
    ASSERT_NE(noanswer, nullptr);
    EXPECT_EQ(noanswer->outcome, Outcome::timeout);
    EXPECT_GT(noanswer->retransmissions, 0u);
    EXPECT_EQ(a.find("register-1@sipdx.test")->kind, Kind::registration);
    EXPECT_EQ(a.find("register-1@sipdx.test")->challenges, 1u);

    // The answered call's timings: 180 after 200 ms, 200 after 300 ms more, BYE after 1 s.
    const CallRecord* answered = a.find("answered-1@sipdx.test");
    ASSERT_TRUE(answered->pdd_ms && answered->setup_ms && answered->duration_s);
    EXPECT_NEAR(*answered->pdd_ms, 200, 50);
    EXPECT_NEAR(*answered->setup_ms, 500, 100);
    EXPECT_NEAR(*answered->duration_s, 1.0, 0.2);
}

TEST(Analyzer, SampleCaptureCounts) {
    const Analysis a = analyse({sample});
    ASSERT_EQ(a.run.inputs.size(), 1u);
    const InputResult& in = a.run.inputs[0];
    EXPECT_TRUE(in.opened);
    EXPECT_TRUE(in.clean);
    EXPECT_EQ(in.frames, 105u);
    EXPECT_EQ(in.sip_messages, 93u);
    EXPECT_EQ(a.run.exit_code(), 0);
    EXPECT_EQ(a.summary.messages(), 93u);
    EXPECT_EQ(a.summary.requests_total() + a.summary.responses_total(), 93u);
    EXPECT_EQ(a.summary.records(), 18u);
    EXPECT_EQ(a.message_frames.size(), 93u);
    const Kpis k = a.summary.kpis();
    EXPECT_GT(k.call_attempts, 0u);
    EXPECT_GT(k.calls_answered, 0u);
    EXPECT_LE(k.calls_answered, k.call_attempts);
}

TEST(Analyzer, SyntheticTraceOutcomesTimingsAndCounts) {
    TraceBuilder t;
    t.answered_call("ok", 0);
    t.failed_call("busy", 100, 486, "Busy Here");
    t.cancelled_call("gave-up", 200);
    t.options("ping", 300);
    t.challenged_register("reg", 400);
    t.ringing_call("ringing", 500);
    const auto path = t.write("outcomes.pcapng");
    const Analysis a = analyse({path});

    ASSERT_EQ(a.records.size(), 6u);
    const CallRecord* ok = a.find("ok");
    ASSERT_NE(ok, nullptr);
    EXPECT_EQ(ok->outcome, Outcome::answered);
    EXPECT_EQ(ok->kind, Kind::call);
    ASSERT_TRUE(ok->pdd_ms && ok->setup_ms && ok->duration_s);
    EXPECT_DOUBLE_EQ(*ok->pdd_ms, 100);
    EXPECT_DOUBLE_EQ(*ok->setup_ms, 300);
    EXPECT_DOUBLE_EQ(*ok->duration_s, 2.0);
    EXPECT_EQ(ok->bye_by, "caller");
    EXPECT_EQ(ok->messages, 6u);

    EXPECT_EQ(a.find("busy")->outcome, Outcome::failed);
    EXPECT_EQ(a.find("busy")->final_code, 486);
    EXPECT_EQ(a.find("busy")->final_reason, "Busy Here");
    EXPECT_EQ(a.find("gave-up")->outcome, Outcome::cancelled);
    EXPECT_EQ(a.find("gave-up")->final_code, 487);
    EXPECT_TRUE(a.find("gave-up")->cancel_seen);
    EXPECT_EQ(a.find("ping")->kind, Kind::options);
    EXPECT_EQ(a.find("ping")->outcome, Outcome::completed);
    EXPECT_EQ(a.find("reg")->kind, Kind::registration);
    EXPECT_EQ(a.find("reg")->outcome, Outcome::challenged);
    EXPECT_EQ(a.find("ringing")->outcome, Outcome::in_progress);

    EXPECT_EQ(a.summary.messages(), t.frames());
    EXPECT_EQ(a.run.inputs.at(0).sip_messages, t.frames());
    const Kpis k = a.summary.kpis();
    EXPECT_EQ(k.calls_in_progress, 1u);
    EXPECT_EQ(k.call_attempts, 3u); // answered, busy, cancelled
    EXPECT_EQ(k.calls_answered, 1u);
    const auto codes = a.summary.codes();
    const auto busy = std::find_if(codes.begin(), codes.end(),
                                   [](const CodeRow& row) { return row.code == 486; });
    ASSERT_NE(busy, codes.end());
    EXPECT_EQ(busy->messages, 1u);
    EXPECT_EQ(busy->final_calls, 1u);
}

TEST(Analyzer, SeveralInputsAreOneTraceMergedByTime) {
    // Two capture points: one saw the caller's side, the other the callee's.
    const Txn invite{"split", 1, "INVITE", "z9hG4bK-split", ""};
    TraceBuilder caller_side, callee_side;
    caller_side.caller(0, request(invite));
    callee_side.callee(100, response(invite, 180, "Ringing"));
    callee_side.callee(300, response(invite, 200, "OK"));
    caller_side.caller(310, request({"split", 1, "ACK", "z9hG4bK-split-ack", "b1"}));
    const auto a_path = caller_side.write("split-a.pcapng");
    const auto b_path = callee_side.write("split-b.pcapng");

    const Analysis a = analyse({b_path, a_path});
    ASSERT_EQ(a.records.size(), 1u);
    EXPECT_EQ(a.records[0].outcome, Outcome::answered);
    EXPECT_DOUBLE_EQ(*a.records[0].setup_ms, 300);
    // Messages come in capture time order across the inputs (b is input 0, a is input 1).
    EXPECT_EQ(a.message_inputs, (std::vector<std::uint32_t>{1, 0, 0, 1}));
    EXPECT_EQ(a.message_frames, (std::vector<std::uint64_t>{1, 1, 2, 2}));
    ASSERT_EQ(a.run.inputs.size(), 2u);
    EXPECT_EQ(a.run.inputs[0].sip_messages, 2u);
    EXPECT_EQ(a.run.inputs[1].sip_messages, 2u);
}

TEST(Analyzer, UnreadableInputsSetTheExitCode) {
    const std::string missing = (temp_dir() / "missing.pcap").string();
    const Analysis none = analyse({missing});
    ASSERT_EQ(none.run.inputs.size(), 1u);
    EXPECT_FALSE(none.run.inputs[0].opened);
    EXPECT_FALSE(none.run.inputs[0].problems.empty());
    EXPECT_EQ(none.run.exit_code(), 2);
    EXPECT_TRUE(none.records.empty());

    const Analysis some = analyse({sample, missing});
    EXPECT_EQ(some.run.exit_code(), 1);
    EXPECT_EQ(some.records.size(), 18u);
}

TEST(Analyzer, ThreadCountChangesNothing) {
    // Enough messages for many batches (a batch holds up to 512), in shapes that keep the
    // tracker busy across batch boundaries.
    TraceBuilder t;
    for (int i = 0; i < 500; ++i) {
        const std::string id = "call-" + std::to_string(i);
        const double at = i * 7.0; // calls overlap: each lasts 2.3 s
        switch (i % 5) {
        case 0:
        case 1:
            t.answered_call(id, at);
            break;
        case 2:
            t.failed_call(id, at, 480 + i % 7, "Failure");
            break;
        case 3:
            t.cancelled_call(id, at);
            break;
        default:
            t.options(id, at);
            break;
        }
    }
    const auto path = t.write("many.pcapng");
    ASSERT_GT(t.frames(), 2000u);

    const Analysis one = analyse({path, sample}, 1);
    const Analysis two = analyse({path, sample}, 2);
    const Analysis three = analyse({path, sample}, 3);
    ASSERT_EQ(one.records.size(), 518u);
    for (const Analysis* other : {&two, &three}) {
        EXPECT_EQ(keys(*other), keys(one));
        EXPECT_EQ(other->message_frames, one.message_frames);
        EXPECT_EQ(other->message_inputs, one.message_inputs);
        EXPECT_EQ(other->summary.messages(), one.summary.messages());
        EXPECT_EQ(other->summary.retransmissions(), one.summary.retransmissions());
        EXPECT_EQ(other->summary.outcomes(), one.summary.outcomes());
        EXPECT_EQ(other->summary.requests(), one.summary.requests());
        const auto a = other->summary.codes(), b = one.summary.codes();
        ASSERT_EQ(a.size(), b.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            EXPECT_EQ(a[i].code, b[i].code);
            EXPECT_EQ(a[i].messages, b[i].messages);
            EXPECT_EQ(a[i].final_calls, b[i].final_calls);
        }
        EXPECT_EQ(other->summary.kpis().setup_ms.median, one.summary.kpis().setup_ms.median);
    }
    EXPECT_EQ(one.summary.messages(), t.frames() + 93);
}

// The consumers on a thread of their own (AnalyzeOptions::consume_apart): the same messages
// and records, interleaved exactly as in an inline run, each with its explanation, and not on
// the caller's thread while the run lasts.
TEST(Analyzer, ConsumersApartSeeWhatAnInlineRunGives) {
    TraceBuilder t;
    for (int i = 0; i < 400; ++i) {
        const std::string id = "apart-" + std::to_string(i);
        const double at = i * 3.0;
        if (i % 3 == 0)
            t.failed_call(id, at, 486, "Busy Here");
        else if (i % 3 == 1)
            t.answered_call(id, at);
        else
            t.options(id, at);
    }
    const auto path = t.write("apart.pcapng");
    const Analysis inline_run = analyse({path, sample}, 1);
    ASSERT_GT(inline_run.calls_in_order.size(), 2000u);
    for (unsigned threads : {2u, 3u}) {
        const Analysis apart = analyse({path, sample}, threads, true);
        EXPECT_EQ(apart.calls_in_order, inline_run.calls_in_order) << threads << " threads";
        EXPECT_EQ(keys(apart), keys(inline_run)) << threads << " threads";
        EXPECT_EQ(apart.summary.messages(), inline_run.summary.messages());
        EXPECT_EQ(apart.summary.outcomes(), inline_run.summary.outcomes());
        // One thread during the run, the caller's for the records flushed at the end.
        EXPECT_GE(apart.consumer_threads.size(), 1u);
        EXPECT_NE(apart.consumer_threads.front(), std::this_thread::get_id());
    }
    // On one thread the option changes nothing: the consumers run inline.
    const Analysis one_apart = analyse({path, sample}, 1, true);
    EXPECT_EQ(one_apart.calls_in_order, inline_run.calls_in_order);
    ASSERT_EQ(one_apart.consumer_threads.size(), 1u);
    EXPECT_EQ(one_apart.consumer_threads.front(), std::this_thread::get_id());
}

// A consumer that throws stops the run with its error; no thread is left waiting.
TEST(Analyzer, AConsumerErrorApartStopsTheRun) {
    TraceBuilder t;
    for (int i = 0; i < 300; ++i)
        t.options("boom-" + std::to_string(i), i * 1.0);
    const auto path = t.write("boom.pcapng");
    AnalyzeOptions options;
    options.threads = 2;
    options.consume_apart = true;
    int seen = 0;
    options.on_message = [&](const MessageContext&) {
        if (++seen == 250) throw std::runtime_error("consumer failed");
    };
    Analyzer analyzer(options);
    EXPECT_THROW(analyzer.run({path}), std::runtime_error);
    EXPECT_EQ(seen, 250); // nothing after the error
}
