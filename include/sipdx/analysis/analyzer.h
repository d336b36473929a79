// The front door of the analysis: captures in, CallRecords and a Summary out.
//
//   analysis::Analyzer analyzer(options);
//   analyzer.on_record([&](session::CallRecord&& r) { ... }); // optional
//   auto run = analyzer.run({"a.pcap", "b.pcapng"});          // several files: one trace
//   const analysis::Summary& summary = analyzer.summary();
//
// Several inputs are read together, merged by capture time (each keeps its own decoder, so
// reassembly never mixes files); a directory stands for the capture files in it. Messages go
// decode -> sip::Parser -> session::make_event -> session::Tracker; records are explained
// (explain.h) before they reach the callback. Memory is bounded by the tracker's and the
// decoder's limits whatever the input size.
#pragma once

#include <sipdx/analysis/summary.h>
#include <sipdx/capture/source.h>
#include <sipdx/decode/pipeline.h>
#include <sipdx/session/record.h>
#include <sipdx/session/tracker.h>
#include <sipdx/sip/message.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sipdx::analysis {

// One message as the analysis saw it. Every reference is valid only during the on_message
// callback (the bytes live in a buffer that is reused afterwards): copy what you keep.
struct MessageContext {
    const decode::SipPayload& payload; // where it came from: frame, offset, encapsulation, bytes
    const sip::Message& message;       // the parsed message (its findings included)
    const session::SipEvent& event;    // what the tracker was fed
    const session::FeedResult& step;   // what the tracker made of it
};

// The most threads a run uses: past a few per core they only add batches in flight and memory,
// and a huge request (`--threads 32768`) must not exhaust the process. Larger values are capped.
inline constexpr unsigned max_threads = 256;

struct AnalyzeOptions {
    // tracker.max_state_bytes 0 (the default) means session::default_state_budget(): a run's
    // open state is always bounded.
    session::TrackerOptions tracker;
    decode::PipelineOptions decode;
    bool explain = true; // fill CallRecord::explanation of the records given to on_record()
    // Threads for the run: 0 = every core the process may use, 1 = all on the caller's thread.
    // Decoding and tracking stay serial in capture order; only parsing is spread, so the
    // output (records, summary, callback order) is the same for any value. At most max_threads.
    unsigned threads = 0;
    // Called now and then (every few thousand frames) with bytes read so far and in total, on
    // the thread that tracks.
    std::function<void(std::uint64_t done, std::uint64_t total)> progress;
    // Called for every message, in capture order, with everything the analysis knows of it
    // (flow, filter, the store). Called on the thread that tracks, one message at a time.
    std::function<void(const MessageContext&)> on_message;
    // With two or more threads, run on_message and the record sink (with the explanation) on a
    // thread of their own, fed with the tracked batches in capture order: same calls, same
    // order, but the tracker no longer waits on them. For consumers as heavy as the tracker
    // (the trace report); they must then touch only their own state until run() returns.
    bool consume_apart = false;
    // Payload analyzers beside SIP (media::MediaAnalyzer): called once per opened input with
    // its index; the consumer returned (null: none) is added to that input's decoder, is fed
    // on the decoding thread in capture order, and must outlive run().
    std::function<decode::PayloadConsumer*(std::uint32_t source)> payload_consumer;
};

struct InputResult {
    std::string path;
    bool opened = false;
    bool clean = true; // no read problem, nothing skipped by the decoder
    std::uint64_t frames = 0;
    std::uint64_t sip_messages = 0;
    std::vector<std::string> problems; // one line each: "<file>: frame <n>, offset <o>: ..."
};

struct RunResult {
    std::vector<InputResult> inputs;
    std::uint64_t bytes = 0; // input bytes read
    // 0 ok, 1 something was skipped or unreadable, 2 nothing could be read at all.
    int exit_code() const;
};

// Directories stand for the capture files in them (moved to the capture stage).
using capture::expand_inputs;

class Analyzer {
public:
    explicit Analyzer(AnalyzeOptions options = {});

    void on_record(std::function<void(session::CallRecord&&)> sink) { m_sink = std::move(sink); }
    // The sink set so far (empty when none), so a second consumer can chain in front of it.
    const std::function<void(session::CallRecord&&)>& record_sink() const { return m_sink; }
    // Reads every input to the end, then flushes the tracker.
    RunResult run(const std::vector<std::string>& paths);

    const Summary& summary() const { return m_summary; }
    const session::TrackerStats& tracker_stats() const { return m_tracker_stats; }
    // What the decoder counted for each input of the last run (TLS flows, gaps, evictions...),
    // in the order of RunResult::inputs.
    const std::vector<decode::Stats>& decode_stats() const { return m_decode_stats; }

private:
    AnalyzeOptions m_options;
    std::function<void(session::CallRecord&&)> m_sink;
    Summary m_summary;
    session::TrackerStats m_tracker_stats;
    std::vector<decode::Stats> m_decode_stats;
};

} // namespace sipdx::analysis
