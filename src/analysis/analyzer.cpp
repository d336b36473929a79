#include <sipdx/analysis/analyzer.h>

#include <sipdx/analysis/explain.h>
#include <sipdx/capture/source.h>
#include <sipdx/decode/payload_parser.h>
#include <sipdx/session/adapter.h>
#include <sipdx/sip/message.h>

#include <analysis/detail/batch_flow.h>
#include <analysis/detail/consumer_stage.h>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <system_error>
#include <thread>

#include <sched.h>

namespace sipdx::analysis {

int RunResult::exit_code() const {
    bool any = false;
    bool problems = false;
    for (const auto& in : inputs) {
        if (in.opened && in.frames > 0) any = true;
        if (!in.opened || !in.clean) problems = true;
    }
    if (!any && !inputs.empty()) {
        // Empty-but-valid captures are fine; only unopenable inputs make the run unusable.
        const bool opened_all = std::all_of(inputs.begin(), inputs.end(),
                                            [](const InputResult& in) { return in.opened; });
        if (!opened_all) return 2;
    }
    return problems ? 1 : 0;
}

Analyzer::Analyzer(AnalyzeOptions options) : m_options(std::move(options)) {}

namespace {

struct Input {
    std::unique_ptr<capture::FrameSource> source;
    std::unique_ptr<decode::Pipeline> pipeline;
    capture::Frame frame;
    bool has_frame = false;
    std::uint64_t size = 0;
};

std::string skip_line(const std::string& path, decode::SkipReason reason,
                      const decode::SkipCount& s) {
    std::string what(decode::describe(reason));
    if (reason == decode::SkipReason::unsupported_link_type) what += fmt::format(" {}", s.detail);
    if (s.count > 1) what += fmt::format(" (and {} more)", s.count - 1);
    return fmt::format("{}: frame {}, offset {}: {}", path, s.first_frame, s.first_offset, what);
}

// The unit of work between the three stages of a run: decode (serial, capture order) fills
// `payloads` and copies their bytes into `arena`; parse (any thread, any order) fills `messages`
// and `events`; track (serial, capture order) feeds the tracker. The copy is what lets the
// decoder reuse its buffers and the mapped input be released while a batch is still being
// parsed; it costs about 1% of a run. Batches are recycled, so the vectors (and the header
// indexes inside each sip::Message) stop allocating once warm.
struct Batch {
    static constexpr std::size_t max_payloads = 512;
    static constexpr std::size_t max_arena_bytes = 1u << 20;

    std::string arena;
    std::vector<std::uint64_t> frame_arena;   // the payloads' frame lists, in order
    std::vector<decode::SipPayload> payloads; // bytes and frames point into the arenas once sealed
    std::vector<std::uint32_t> sources;
    std::vector<sip::Message> messages;
    std::vector<session::SipEvent> events;
    // Kept for the consumer stage (AnalyzeOptions::consume_apart): what the tracker made of
    // each message, and the records it emitted while feeding message record_before[k], which
    // an inline run hands on before that message.
    std::vector<session::FeedResult> steps;
    std::vector<session::CallRecord> records;
    std::vector<std::uint32_t> record_before;
    std::uint64_t bytes_done = 0; // input bytes read when the batch was sealed (progress)
    std::uint64_t sequence = 0;   // capture order among batches (parallel runs)
    bool report_progress = false;

    bool full() const { return payloads.size() >= max_payloads || arena.size() >= max_arena_bytes; }
    void clear() {
        arena.clear();
        frame_arena.clear();
        payloads.clear();
        sources.clear();
        steps.clear();
        records.clear();
        record_before.clear();
        report_progress = false;
    }
    void add(const decode::SipPayload& p, std::uint32_t source) {
        arena.append(p.bytes);
        frame_arena.insert(frame_arena.end(), p.frames.begin(), p.frames.end());
        payloads.push_back(p); // its views are re-pointed by seal(), when the arenas stop growing
        sources.push_back(source);
    }
    void seal() {
        // The bytes were appended in order, so each payload starts where the previous ended.
        std::size_t offset = 0;
        std::size_t frame_offset = 0;
        for (auto& p : payloads) {
            p.bytes = std::string_view(arena.data() + offset, p.bytes.size());
            offset += p.bytes.size();
            if (!p.frames.empty()) {
                p.frames = std::span<const std::uint64_t>(frame_arena.data() + frame_offset,
                                                          p.frames.size());
                frame_offset += p.frames.size();
            }
        }
        if (messages.size() < payloads.size()) messages.resize(payloads.size());
        events.resize(payloads.size());
    }
};

unsigned resolve_threads(unsigned requested) {
    if (requested != 0) return std::min(requested, max_threads);
    cpu_set_t allowed; // honour the affinity mask (taskset, cgroup cpusets), not only the cores
    if (::sched_getaffinity(0, sizeof allowed, &allowed) == 0) {
        const int n = CPU_COUNT(&allowed);
        if (n > 0) return static_cast<unsigned>(n);
    }
    const unsigned n = std::thread::hardware_concurrency();
    return n > 0 ? n : 1u;
}

} // namespace

RunResult Analyzer::run(const std::vector<std::string>& paths) {
    RunResult result;
    const auto files = expand_inputs(paths);
    session::TrackerOptions tracker_options = m_options.tracker;
    if (tracker_options.max_state_bytes == 0)
        tracker_options.max_state_bytes = session::default_state_budget();
    // While the consumer stage runs, the batch being tracked and the message being fed: a
    // record the tracker emits then waits in that batch for the stage.
    Batch* consuming_batch = nullptr;
    std::uint32_t consuming_index = 0;
    auto deliver = [this](session::CallRecord&& r) {
        // Only records that leave the analyzer need their explanation (3% of `analyze`).
        if (m_options.explain) r.explanation = explain(r);
        m_sink(std::move(r));
    };
    session::Tracker tracker(
        [&](session::CallRecord&& r) {
            m_summary.add_record(r);
            if (!m_sink) return;
            if (consuming_batch) {
                consuming_batch->records.push_back(std::move(r));
                consuming_batch->record_before.push_back(consuming_index);
                return;
            }
            deliver(std::move(r));
        },
        tracker_options);

    const decode::PayloadParser payload_parser;
    // Every message is parsed in the parallel stage, which also cuts datagrams at their
    // Content-Length: the serial decode stage then reads no header section.
    auto decode_options = m_options.decode;
    decode_options.trim_datagrams = false;

    // The batch the decode stage is filling; only the decode stage touches it.
    Batch* filling = nullptr;

    std::vector<Input> inputs(files.size());
    std::uint64_t total_bytes = 0;
    result.inputs.resize(files.size());
    m_decode_stats.assign(files.size(), decode::Stats{});
    for (std::size_t i = 0; i < files.size(); ++i) {
        auto& in = result.inputs[i];
        in.path = files[i];
        auto opened = capture::open(files[i]);
        if (!opened) {
            in.problems.push_back(opened.error().message());
            continue;
        }
        in.opened = true;
        inputs[i].source = std::move(*opened);
        std::error_code ec;
        if (files[i] != "-") inputs[i].size = std::filesystem::file_size(files[i], ec);
        if (ec) inputs[i].size = 0;
        total_bytes += inputs[i].size;
        const auto source_index = static_cast<std::uint32_t>(i);
        inputs[i].pipeline = std::make_unique<decode::Pipeline>(
            [&, source_index](const decode::SipPayload& p) {
                ++result.inputs[source_index].sip_messages;
                filling->add(p, source_index);
            },
            decode_options);
        if (m_options.payload_consumer)
            if (auto* consumer = m_options.payload_consumer(source_index))
                inputs[i].pipeline->add_consumer(*consumer);
    }

    auto advance = [](Input& in) {
        in.has_frame = in.source->next(in.frame) == capture::ReadStatus::frame;
    };
    for (auto& in : inputs)
        if (in.source) advance(in);

    // Stage 1, serial: read and decode frames, merged by capture time over the inputs, until the
    // batch is full. Returns false once every input is exhausted and nothing is left to hand on.
    std::uint64_t frames = 0;
    bool finished = false;
    auto bytes_read = [&] {
        std::uint64_t done = 0;
        for (auto& in : inputs)
            if (in.source) done += in.source->counters().input_bytes;
        return done;
    };
    auto decode_into = [&](Batch& batch) -> bool {
        if (finished) return false;
        filling = &batch;
        while (!batch.full()) {
            // The input whose next frame is earliest goes first.
            Input* next = nullptr;
            for (auto& in : inputs) {
                if (in.source && in.has_frame && (!next || in.frame.time_ns < next->frame.time_ns))
                    next = &in;
            }
            if (!next) {
                for (auto& in : inputs)
                    if (in.source) in.pipeline->finish(); // may still hand over messages
                finished = true;
                break;
            }
            next->pipeline->feed(next->frame);
            advance(*next);
            if ((++frames & 0xFFF) == 0) batch.report_progress = true;
        }
        filling = nullptr;
        if (batch.report_progress) batch.bytes_done = bytes_read();
        batch.seal();
        return !batch.payloads.empty() || !finished;
    };

    // Stage 2, any thread: parse each message and reduce it to a tracker event.
    auto parse = [&](Batch& batch) {
        for (std::size_t i = 0; i < batch.payloads.size(); ++i) {
            auto& p = batch.payloads[i];
            payload_parser.parse(p, batch.messages[i]);
            batch.events[i] = session::make_event(p, batch.messages[i], batch.sources[i]);
        }
    };

    // Stage 3, serial: track and count in capture order, then hand each message on; when the
    // consumers run apart (`for_consumers`), keep each step in the batch for them instead.
    auto track = [&](Batch& batch, bool for_consumers) {
        if (for_consumers) {
            consuming_batch = &batch;
            batch.steps.resize(batch.payloads.size());
        }
        for (std::size_t i = 0; i < batch.payloads.size(); ++i) {
            consuming_index = static_cast<std::uint32_t>(i);
            const auto& event = batch.events[i];
            const auto step = tracker.feed(event);
            m_summary.add_message(event, step);
            if (for_consumers)
                batch.steps[i] = step;
            else if (m_options.on_message)
                m_options.on_message({batch.payloads[i], batch.messages[i], event, step});
        }
        consuming_batch = nullptr;
        if (batch.report_progress && m_options.progress)
            m_options.progress(batch.bytes_done, total_bytes);
    };
    // Stage 4, its own thread: the consumers, in the order an inline run calls them.
    auto consume = [&](Batch& batch) {
        std::size_t next_record = 0;
        for (std::size_t i = 0; i < batch.payloads.size(); ++i) {
            while (next_record < batch.records.size() && batch.record_before[next_record] == i)
                deliver(std::move(batch.records[next_record++]));
            if (m_options.on_message)
                m_options.on_message(
                    {batch.payloads[i], batch.messages[i], batch.events[i], batch.steps[i]});
        }
        while (next_record < batch.records.size())
            deliver(std::move(batch.records[next_record++]));
    };

    const unsigned threads = resolve_threads(m_options.threads);
    const bool apart = threads > 1 && m_options.consume_apart && (m_options.on_message || m_sink);
    if (threads <= 1) {
        Batch batch;
        while (decode_into(batch)) {
            parse(batch);
            track(batch, false);
            batch.clear();
        }
    } else {
        // This thread decodes (and parses when it is ahead); the others parse, and whichever
        // worker finishes the next batch in capture order tracks it, so the output is exactly
        // that of the loop above. Four batches per thread keep every worker busy while one
        // tracks. On two threads the worker only tracks and this thread parses (BatchFlow).
        detail::BatchFlow<Batch> flow(4 * threads, threads == 2);
        std::optional<detail::ConsumerStage<Batch>> consumers;
        if (apart)
            consumers.emplace(
                consume, [&flow](Batch* b) { flow.release(b); },
                [&flow](std::exception_ptr e) { flow.fail(std::move(e)); });
        // Returns whether the batch went on to the consumer stage (which releases it).
        auto track_stage = [&](Batch& batch) -> bool {
            track(batch, consumers.has_value());
            if (!consumers) return false;
            consumers->push(&batch);
            return true;
        };
        auto help_parse = [&](Batch* batch) {
            parse(*batch);
            flow.parsed_by_decoder(batch);
        };
        auto work = [&] {
            try {
                while (Batch* batch = flow.next_to_parse(track_stage)) {
                    parse(*batch);
                    flow.parsed(batch, track_stage);
                }
            } catch (...) {
                flow.fail(std::current_exception());
            }
        };
        std::vector<std::thread> workers;
        workers.reserve(threads - 1);
        for (unsigned i = 1; i < threads; ++i)
            workers.emplace_back(work);
        try {
            while (Batch* batch = flow.take_empty(help_parse)) {
                if (!decode_into(*batch)) {
                    flow.give_back(batch);
                    break;
                }
                flow.hand_on(batch);
            }
        } catch (...) {
            flow.fail(std::current_exception());
        }
        flow.close();
        for (auto& w : workers)
            w.join();
        if (consumers) consumers->finish(); // before tracker.finish() hands on the last records
        if (auto error = flow.error()) std::rethrow_exception(error);
    }

    for (std::size_t i = 0; i < inputs.size(); ++i) {
        auto& in = inputs[i];
        auto& out = result.inputs[i];
        if (!in.source) continue;
        out.frames = in.source->counters().frames;
        result.bytes += in.source->counters().input_bytes;
        for (const auto& problem : in.source->problems())
            out.problems.push_back(problem.message());
        const auto& stats = in.pipeline->stats();
        m_decode_stats[i] = stats;
        for (std::size_t r = 0; r < stats.skipped.size(); ++r) {
            if (stats.skipped[r].count == 0) continue;
            out.problems.push_back(
                skip_line(out.path, static_cast<decode::SkipReason>(r), stats.skipped[r]));
        }
        out.clean = in.source->outcome() == capture::Outcome::clean && stats.skipped_total() == 0;
    }
    tracker.finish();
    m_tracker_stats = tracker.stats();
    if (m_options.progress) m_options.progress(result.bytes, total_bytes);
    return result;
}

} // namespace sipdx::analysis
