#include <sipdx/store/writer.h>

#include <sipdx/analysis/explain.h>
#include <sipdx/capture/source.h>
#include <sipdx/store/clickhouse.h>
#include <sipdx/store/sha256.h>

#include "store/detail/sinks.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

namespace sipdx::store {

using detail::BeginResult;
using detail::CaptureTotals;
using detail::RowBatch;

namespace {

// Rows per batch handed to the writer thread, and batches in flight: the queue bounds the
// memory held when the database is slower than the analysis (2048 x 32 rows, ~10 MB more
// resident than 8 batches on the 256 MiB benchmark). 32 rather than 8 so that the analysis
// does not stop while the writer waits (for the disk, or for a core: four threads share two
// cores here); with 8 the analysis waited 0.05-0.06 s of a 0.5 s ingest, with 16 or more
// not at all.
constexpr std::size_t k_batch_rows = 2048;
constexpr std::size_t k_queue_batches = 32;

// A bounded single-producer, single-consumer queue of row batches that recycles them.
class BatchQueue {
public:
    // Blocks while the queue is full. Returns an empty batch to fill next.
    std::unique_ptr<RowBatch> push(std::unique_ptr<RowBatch> batch) {
        std::unique_lock lock(m_mutex);
        m_not_full.wait(lock, [&] { return m_full.size() < k_queue_batches; });
        m_full.push_back(std::move(batch));
        m_not_empty.notify_one();
        if (m_free.empty()) return std::make_unique<RowBatch>();
        auto next = std::move(m_free.back());
        m_free.pop_back();
        return next;
    }
    // Blocks until a batch is queued; null once the queue is closed and empty.
    std::unique_ptr<RowBatch> pop() {
        std::unique_lock lock(m_mutex);
        m_not_empty.wait(lock, [&] { return !m_full.empty() || m_closed; });
        if (m_full.empty()) return nullptr;
        auto batch = std::move(m_full.front());
        m_full.pop_front();
        m_not_full.notify_one();
        return batch;
    }
    void recycle(std::unique_ptr<RowBatch> batch) {
        batch->clear();
        std::lock_guard lock(m_mutex);
        m_free.push_back(std::move(batch)); // at most k_queue_batches + 2 exist
    }
    void close() {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        m_not_empty.notify_one();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_not_empty;
    std::condition_variable m_not_full;
    std::deque<std::unique_ptr<RowBatch>> m_full;
    std::vector<std::unique_ptr<RowBatch>> m_free;
    bool m_closed = false;
};

// Status codes counted in code_counts (as `query --summary` counts them).
constexpr int k_first_code = 100;
constexpr int k_last_code = 699;

} // namespace

std::string_view to_string(MessageRows rows) {
    switch (rows) {
    case MessageRows::all:
        return "all";
    case MessageRows::failed:
        return "failed";
    case MessageRows::none:
        return "none";
    }
    return "all";
}

std::optional<MessageRows> parse_message_rows(std::string_view text) {
    for (auto rows : {MessageRows::all, MessageRows::failed, MessageRows::none})
        if (text == to_string(rows)) return rows;
    return std::nullopt;
}

bool keeps_messages(session::Outcome outcome) {
    using session::Outcome;
    switch (outcome) {
    case Outcome::answered:
    case Outcome::registered:
    case Outcome::unregistered:
    case Outcome::completed:
    case Outcome::ended:
        return false;
    default:
        return true;
    }
}

namespace {

// Hashes the captures begun unhashed, one after the other on a thread of its own, while they
// are analysed; wait() blocks until a given capture's hash is known.
class Hasher {
public:
    ~Hasher() { stop(); }
    void add(std::uint32_t source, std::string file) {
        std::lock_guard lock(m_mutex);
        m_jobs.emplace_back(source, std::move(file));
        if (!m_thread.joinable()) m_thread = std::thread([this] { run(); });
        m_changed.notify_all();
    }
    tl::expected<std::string, StoreError> wait(std::uint32_t source) {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_done.count(source) != 0; });
        return m_done.at(source);
    }
    void stop() {
        {
            std::lock_guard lock(m_mutex);
            m_closing = true;
            m_changed.notify_all();
        }
        if (m_thread.joinable()) m_thread.join();
    }

private:
    void run() {
        std::unique_lock lock(m_mutex);
        for (;;) {
            m_changed.wait(lock, [&] { return !m_jobs.empty() || m_closing; });
            if (m_jobs.empty()) return;
            auto [source, file] = std::move(m_jobs.front());
            m_jobs.pop_front();
            lock.unlock();
            auto hash = sha256_file(file);
            lock.lock();
            m_done.emplace(source, std::move(hash));
            m_changed.notify_all();
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<std::pair<std::uint32_t, std::string>> m_jobs;
    std::map<std::uint32_t, tl::expected<std::string, StoreError>> m_done;
    std::thread m_thread;
    bool m_closing = false;
};

// One capture of the writer's life. Source numbers are unique over that life: an analysis
// run numbers its inputs from 0, and the writer adds the run's first number.
struct Source {
    CaptureMeta meta; // meta.name is the path as given
    bool readable = false;
    bool deferred = false;          // begun unhashed; the Hasher computes its sha256 meanwhile
    std::vector<BeginResult> begun; // per sink
    // What the analysis saw, written on the analysis thread; read by the writer thread after
    // the capture's completion marker (the batch queue orders the two).
    std::int64_t first_ns = 0;
    std::int64_t last_ns = std::numeric_limits<std::int64_t>::min();
    std::uint64_t messages = 0;
    std::uint64_t calls = 0;
    // Responses by status code; released once the capture is completed, so that a run over
    // many captures holds per capture only what its report needs.
    std::vector<std::uint64_t> responses =
        std::vector<std::uint64_t>(k_last_code - k_first_code + 1);
    // From the run result, set before the completion marker.
    std::uint64_t frames = 0;
    std::uint64_t sip_messages = 0;
    bool clean = true;
    bool opened = true;
    // Its sessions (StoreOptions::sessions): fed on the analysis thread, finished and
    // released by the writer thread when it completes the capture (after the marker).
    std::unique_ptr<analysis::SessionBuilder> sessions;
    // Set by the writer thread when it completes the capture.
    std::optional<StoreError> not_stored; // why the capture was not completed
    std::uint64_t failed_batches = 0;

    bool written() const {
        return std::any_of(begun.begin(), begun.end(),
                           [](BeginResult b) { return b != BeginResult::skip; });
    }
};

// The size of an input that can be stored: stdin cannot (it has no identity to store).
tl::expected<std::uint64_t, StoreError> storable_size(const std::string& file) {
    if (file == "-")
        return tl::unexpected(
            StoreError{ErrorKind::input, "stdin ('-') cannot be stored: save it to a file first"});
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec)
        return tl::unexpected(
            StoreError{ErrorKind::input, fmt::format("{}: {}", file, ec.message())});
    return size;
}

tl::expected<detail::Sinks, StoreError> open_sinks(const StoreOptions& options) {
    detail::Sinks sinks;
    if (!options.db.empty()) {
        auto sink = detail::make_sqlite_sink(options);
        if (!sink) return tl::unexpected(sink.error());
        sinks.push_back(std::move(*sink));
    }
    if (!options.clickhouse.empty()) {
        auto sink = detail::make_clickhouse_sink(options);
        if (!sink) return tl::unexpected(sink.error());
        sinks.push_back(std::move(*sink));
    }
    return sinks;
}

} // namespace

// The captures are analysed one run after another (`sipdx ingest`: one capture per run;
// `analyze --db`: one run of all). A run's rows, then its completion marker, go through the
// queue; the writer thread completes each capture in order while the next run is analysed,
// so a directory of small captures does not wait for the database after each one.
struct AnalysisWriter::Impl {
    MessageRows policy = MessageRows::all;
    std::optional<analysis::SessionOptions> session_options;
    detail::Sinks sinks;
    // Serialises the sinks: held by the writer thread per batch, and by the caller's thread
    // while it begins a run's captures. `sources` grows only under it, and only between runs.
    std::mutex sink_mutex;
    std::vector<std::unique_ptr<Source>> sources;
    // Source numbers by capture size: only captures of the same size can be the same bytes.
    std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> by_size;
    std::uint32_t run_base = 0;  // source number of the current run's input 0
    std::uint32_t run_count = 0; // inputs of the current run
    Hasher hasher;
    std::optional<StoreError> writer_error; // a sink's first failure (writer thread)

    // Under MessageRows::failed, the rows of each record the tracker holds open, by the
    // record's number (its key, messages.call), until the record tells whether they are kept.
    // Bounded by the open Call-IDs; cleared row buffers are reused.
    std::unordered_map<std::uint64_t, std::unique_ptr<RowBatch>> held_rows;
    std::vector<std::unique_ptr<RowBatch>> spare;

    // The analysis thread fills `current`; the writer thread drains the queue.
    BatchQueue queue;
    std::unique_ptr<RowBatch> current = std::make_unique<RowBatch>();
    std::thread thread;
    bool started = false;
    bool stopped = false;

    ~Impl() {
        stop();
        hasher.stop();
    }

    void start() {
        if (started) return;
        started = true;
        thread = std::thread([this] { run(); });
    }

    // Hands over what is pending and waits for the writer thread to write it.
    void stop() {
        if (!started || stopped) return;
        stopped = true;
        if (current->rows() > 0 || !current->completed.empty())
            current = queue.push(std::move(current));
        queue.close();
        thread.join();
    }

    // Begins a run over `files` (expanded): the captures to store are begun in every sink.
    // True when some capture needs its analysis (none is stored everywhere already).
    tl::expected<bool, StoreError> add_run(const std::vector<std::string>& files) {
        std::vector<std::unique_ptr<Source>> added;
        for (const auto& file : files) {
            const auto size = storable_size(file);
            if (!size) return tl::unexpected(size.error());
            auto s = std::make_unique<Source>();
            s->meta.name = file;
            s->meta.size = *size;
            // An input that is not a capture is reported by the analysis; it is not stored.
            s->readable = capture::open(file).has_value();
            added.push_back(std::move(s));
        }
        // A capture can only be stored already (or twice in this writer's life) when a
        // capture of the same size is: otherwise its hash is not needed before the analysis,
        // and the Hasher computes it meanwhile (the SHA-256 of a large file costs about half
        // an analysis); the sinks write its rows under a provisional identity until then.
        auto same_size = [&](const Source& s) {
            if (by_size.count(s.meta.size) != 0) return true;
            for (const auto& o : added)
                if (o.get() != &s && o->meta.size == s.meta.size) return true;
            return false;
        };
        {
            std::lock_guard lock(sink_mutex);
            for (auto& s : added) {
                if (!s->readable || sinks.empty()) continue;
                bool maybe_stored = same_size(*s);
                for (auto& sink : sinks)
                    maybe_stored = maybe_stored || sink->may_hold_size(s->meta.size);
                s->deferred = !maybe_stored;
            }
        }
        std::vector<bool> twice(added.size(), false); // same bytes as an earlier capture
        for (std::size_t i = 0; i < added.size(); ++i) {
            Source& s = *added[i];
            if (!s.readable || s.deferred || sinks.empty()) continue;
            auto hash = sha256_file(s.meta.name);
            if (!hash) return tl::unexpected(hash.error());
            s.meta.sha256 = std::move(*hash);
            // An earlier capture of this writer begun unhashed is not findable by its sha256
            // in the store until it is complete: compare with it here.
            const auto same = by_size.find(s.meta.size);
            if (same == by_size.end()) continue;
            for (const std::uint32_t j : same->second) {
                const Source& o = *sources[j];
                if (!o.deferred || !o.written()) continue;
                auto other = hasher.wait(j);
                twice[i] = other && *other == s.meta.sha256;
                if (twice[i]) break;
            }
        }
        std::lock_guard lock(sink_mutex);
        run_base = static_cast<std::uint32_t>(sources.size());
        run_count = static_cast<std::uint32_t>(added.size());
        bool any = false;
        for (std::uint32_t i = 0; i < added.size(); ++i) {
            Source& s = *added[i];
            const std::uint32_t source = run_base + i;
            for (auto& sink : sinks) {
                if (!s.readable || twice[i]) {
                    s.begun.push_back(BeginResult::skip);
                    continue;
                }
                auto begun = s.deferred ? sink->begin_unhashed(source, s.meta)
                                        : sink->begin_capture(source, s.meta);
                if (!begun) return tl::unexpected(begun.error());
                s.begun.push_back(*begun);
            }
            any = any || s.written();
            if (session_options && s.written())
                s.sessions = std::make_unique<analysis::SessionBuilder>(*session_options);
            if (s.deferred && s.written()) hasher.add(source, s.meta.name);
            by_size[s.meta.size].push_back(source);
            sources.push_back(std::move(added[i]));
        }
        if (!sinks.empty()) start();
        return any;
    }

    // After the run's analysis: its captures are completed once their rows are written.
    void complete_run(const analysis::RunResult& run) {
        for (std::uint32_t i = 0; i < run_count; ++i) {
            Source& s = *sources[run_base + i];
            if (i < run.inputs.size()) {
                s.frames = run.inputs[i].frames;
                s.sip_messages = run.inputs[i].sip_messages;
                s.clean = run.inputs[i].clean;
                s.opened = run.inputs[i].opened;
            }
        }
        if (!started) return;
        // Call-IDs whose record never came (none should remain after the tracker's flush):
        // their rows are kept rather than lost.
        for (auto& [number, rows] : held_rows)
            keep(*rows);
        held_rows.clear();
        for (std::uint32_t i = 0; i < run_count; ++i)
            current->completed.push_back(run_base + i);
        current->end_of_run = true;
        current = queue.push(std::move(current));
    }

    void complete(std::uint32_t source) {
        Source& s = *sources[source];
        auto responses = std::move(s.responses);
        s.responses = {};
        // Grouped here, on the writer thread, while the next capture is analysed; the builder
        // (a few keys per Call-ID of this capture) is released with it.
        std::optional<std::vector<analysis::Session>> sessions;
        if (auto builder = std::move(s.sessions)) sessions = builder->finish();
        if (!s.written()) return;
        if (s.deferred) {
            auto hash = hasher.wait(source);
            if (!hash) {
                s.not_stored = hash.error();
                abandon(source);
                return;
            }
            s.meta.sha256 = std::move(*hash);
        }
        // A capture still being written (a probe's current file) or cut meanwhile: its rows
        // and its hash may describe different bytes, so it is not stored.
        std::error_code ec;
        const auto size_now = std::filesystem::file_size(s.meta.name, ec);
        if (ec || size_now != s.meta.size) {
            s.not_stored = StoreError{
                ErrorKind::input,
                ec ? fmt::format("{}: changed while being ingested ({}); not stored", s.meta.name,
                                 ec.message())
                   : fmt::format("{}: changed while being ingested ({} bytes, now {}); not "
                                 "stored: ingest it again once it is complete",
                                 s.meta.name, s.meta.size, size_now)};
            abandon(source);
            return;
        }
        CaptureTotals t;
        if (s.messages > 0) {
            t.first_ns = s.first_ns;
            t.last_ns = s.last_ns;
        }
        t.calls = s.calls;
        t.sha256 = s.meta.sha256;
        t.responses = std::move(responses);
        t.frames = s.frames;
        t.sip_messages = s.sip_messages;
        t.clean = s.clean;
        if (sessions) t.sessions = &*sessions;
        for (std::size_t k = 0; k < sinks.size(); ++k) {
            if (s.begun[k] == BeginResult::skip) continue;
            if (auto r = sinks[k]->complete(source, t); !r && !writer_error)
                writer_error = r.error();
            s.failed_batches += sinks[k]->failed_batches(source);
        }
    }

    // The rows written of a capture that will not be completed are removed where that is
    // cheap (SQLite); elsewhere they stay invisible (no captures row).
    void abandon(std::uint32_t source) {
        const Source& s = *sources[source];
        for (std::size_t k = 0; k < sinks.size(); ++k)
            if (s.begun[k] != BeginResult::skip)
                if (auto r = sinks[k]->abandon(source); !r && !writer_error)
                    writer_error = r.error();
    }

    void run() {
        while (auto batch = queue.pop()) {
            // Explained here rather than on the analysis thread (see attach()).
            for (auto& record : batch->calls)
                if (record.explanation.empty()) record.explanation = analysis::explain(record);
            {
                std::lock_guard lock(sink_mutex);
                for (auto& sink : sinks) {
                    for (const auto& row : batch->messages)
                        sink->message(*batch, row);
                    for (const auto& record : batch->calls)
                        sink->call(record);
                    sink->end_batch();
                }
                for (const std::uint32_t source : batch->completed)
                    complete(source);
                if (batch->end_of_run)
                    for (auto& sink : sinks)
                        sink->end_run();
            }
            queue.recycle(std::move(batch));
        }
    }

    tl::expected<WriteReport, StoreError> finish() {
        stop();
        hasher.stop();
        if (writer_error) return tl::unexpected(*writer_error);
        WriteReport report;
        for (auto& sink : sinks) {
            if (auto r = sink->finish(); !r) return tl::unexpected(r.error());
            if (const auto why = sink->last_failure(); !why.empty()) report.failure = why;
            if (auto note = sink->note(); !note.empty()) report.notes.push_back(std::move(note));
        }
        for (const auto& s : sources) {
            CaptureReport c;
            c.name = s->meta.name;
            c.sha256 = s->meta.sha256;
            c.messages = s->messages;
            c.calls = s->calls;
            c.resumed =
                std::find(s->begun.begin(), s->begun.end(), BeginResult::resume) != s->begun.end();
            c.state = s->written() ? CaptureState::stored : CaptureState::skipped;
            if (!s->opened) c.state = CaptureState::failed;
            if (s->written() && (s->failed_batches > 0 || s->not_stored))
                c.state = CaptureState::failed;
            if (s->not_stored) report.problems.push_back(s->not_stored->message);
            report.failed_batches += s->failed_batches;
            report.captures.push_back(std::move(c));
        }
        return report;
    }

    void flush_if_full() {
        if (current->rows() >= k_batch_rows) current = queue.push(std::move(current));
    }

    void keep(const RowBatch& rows) {
        for (const auto& row : rows.messages) {
            current->add_row(rows, row);
            flush_if_full();
        }
    }

    void on_message(const analysis::MessageContext& m) {
        const auto& e = m.event;
        if (e.source >= run_count) return;
        const std::uint32_t source = run_base + e.source;
        Source& s = *sources[source];
        const std::uint64_t seq = s.messages++;
        if (seq == 0 || e.time_ns < s.first_ns) s.first_ns = e.time_ns;
        s.last_ns = std::max(s.last_ns, e.time_ns);
        if (!e.is_request && e.status >= k_first_code && e.status <= k_last_code)
            ++s.responses[static_cast<std::size_t>(e.status - k_first_code)];
        if (!started) return;
        if (s.sessions) s.sessions->observe(m);
        if (policy == MessageRows::none) return;
        if (m.step.call != 0 && policy == MessageRows::failed) {
            auto& rows = held_rows[m.step.call];
            if (!rows) {
                if (spare.empty()) {
                    rows = std::make_unique<RowBatch>();
                } else {
                    rows = std::move(spare.back());
                    spare.pop_back();
                }
            }
            rows->add_message(m, seq);
            rows->messages.back().source = source;
            return;
        }
        // Malformed traffic without a Call-ID belongs to no record: kept under every policy
        // that keeps rows.
        current->add_message(m, seq);
        current->messages.back().source = source;
        flush_if_full();
    }

    void on_call(session::CallRecord&& r) {
        if (r.source >= run_count) return;
        r.source += run_base;
        Source& s = *sources[r.source];
        ++s.calls;
        if (!started) return;
        if (s.sessions) s.sessions->add(r);
        if (auto it = held_rows.find(r.number); it != held_rows.end()) {
            auto& rows = it->second;
            if (keeps_messages(r.outcome)) keep(*rows);
            rows->clear();
            if (spare.size() < 1024) spare.push_back(std::move(rows));
            held_rows.erase(it);
        }
        current->calls.push_back(std::move(r));
        flush_if_full();
    }
};

AnalysisWriter::~AnalysisWriter() = default;

tl::expected<std::unique_ptr<AnalysisWriter>, StoreError>
AnalysisWriter::open_store(const StoreOptions& options) {
    auto sinks = open_sinks(options);
    if (!sinks) return tl::unexpected(sinks.error());
    std::unique_ptr<AnalysisWriter> writer(new AnalysisWriter());
    writer->m_impl = std::make_unique<Impl>();
    writer->m_impl->sinks = std::move(*sinks);
    writer->m_impl->policy = options.message_rows;
    writer->m_impl->session_options = options.sessions;
    return writer;
}

tl::expected<std::unique_ptr<AnalysisWriter>, StoreError>
AnalysisWriter::open(const std::vector<std::string>& captures, const StoreOptions& options) {
    const auto files = analysis::expand_inputs(captures);
    // Inputs that cannot be stored at all are refused before the store is opened (or made).
    for (const auto& file : files)
        if (auto size = storable_size(file); !size) return tl::unexpected(size.error());
    auto writer = open_store(options);
    if (!writer) return writer;
    auto begun = (*writer)->m_impl->add_run(files);
    if (!begun) return tl::unexpected(begun.error());
    return writer;
}

void AnalysisWriter::attach(analysis::AnalyzeOptions& options) {
    Impl* impl = m_impl.get();
    // The writer thread explains the records it stores (run()): the analysis thread is the
    // longest of the three, so its work is the one worth moving.
    options.explain = false;
    auto previous = std::move(options.on_message);
    options.on_message = [impl, previous](const analysis::MessageContext& m) {
        if (previous) previous(m);
        impl->on_message(m);
    };
}

void AnalysisWriter::attach(analysis::Analyzer& analyzer) {
    Impl* impl = m_impl.get();
    analyzer.on_record([impl](session::CallRecord&& r) { impl->on_call(std::move(r)); });
}

tl::expected<WriteReport, StoreError> AnalysisWriter::finish(const analysis::RunResult& run) {
    m_impl->complete_run(run);
    return m_impl->finish();
}

tl::expected<std::unique_ptr<AnalysisWriter>, StoreError>
attach_options(const StoreOptions& store, const std::vector<std::string>& captures,
               analysis::AnalyzeOptions& options) {
    if (store.db.empty()) return std::unique_ptr<AnalysisWriter>();
    auto writer = AnalysisWriter::open(captures, store);
    if (!writer) return tl::unexpected(writer.error());
    (*writer)->attach(options);
    return writer;
}

tl::expected<std::string, StoreError> write_analysis(AnalysisWriter& writer,
                                                     const analysis::RunResult& run) {
    auto report = writer.finish(run);
    if (!report) return tl::unexpected(report.error());
    if (!report->problems.empty())
        return tl::unexpected(StoreError{ErrorKind::input, report->problems.front()});
    std::size_t stored = 0;
    std::size_t skipped = 0;
    for (const auto& c : report->captures) {
        stored += c.state == CaptureState::stored ? 1 : 0;
        skipped += c.state == CaptureState::skipped ? 1 : 0;
    }
    return fmt::format("stored {} capture{}, {} already in the database", stored,
                       stored == 1 ? "" : "s", skipped);
}

tl::expected<IngestResult, StoreError> ingest(const std::vector<std::string>& captures,
                                              const StoreOptions& options,
                                              const analysis::AnalyzeOptions& analyze_options) {
    IngestResult result;
    if (!options.clickhouse.empty()) {
        if (auto url = parse_clickhouse_url(options.clickhouse); !url)
            return tl::unexpected(url.error());
    }
    const auto files = analysis::expand_inputs(captures);
    if (std::find(files.begin(), files.end(), "-") != files.end())
        return tl::unexpected(storable_size("-").error());
    // One writer (one open store, one writer thread) for every capture, opened with the first
    // readable one (no database is made when there is nothing to store); each capture is
    // still analysed on its own, as its own run.
    std::unique_ptr<AnalysisWriter> writer;
    // Per file, in order: its place among the writer's captures, or its report when it
    // failed before (not readable, not hashable).
    std::vector<std::optional<CaptureReport>> early(files.size());
    auto failed = [&](std::size_t i, std::string problem) {
        result.problems.push_back(std::move(problem));
        result.exit_code = 1;
        CaptureReport c;
        c.name = files[i];
        c.state = CaptureState::failed;
        early[i] = std::move(c);
    };
    for (std::size_t i = 0; i < files.size(); ++i) {
        const auto& file = files[i];
        if (auto opened = capture::open(file); !opened) {
            failed(i, opened.error().message());
            continue;
        }
        if (!writer) {
            auto opened_store = AnalysisWriter::open_store(options);
            if (!opened_store) return tl::unexpected(opened_store.error());
            writer = std::move(*opened_store);
        }
        auto& impl = *writer->m_impl;
        auto needed = impl.add_run({file});
        if (!needed) {
            if (needed.error().kind != ErrorKind::input) return tl::unexpected(needed.error());
            failed(i, needed.error().message);
            continue;
        }
        analysis::AnalyzeOptions opts = analyze_options;
        analysis::RunResult run;
        if (!*needed) {
            run.inputs.push_back({file, true, true, 0, 0, {}});
        } else {
            writer->attach(opts);
            analysis::Analyzer analyzer(opts);
            writer->attach(analyzer);
            run = analyzer.run({file});
        }
        for (const auto& in : run.inputs)
            for (const auto& p : in.problems)
                result.problems.push_back(p);
        if (run.exit_code() != 0) result.exit_code = 1;
        impl.complete_run(run);
    }
    // As in every command: when not one capture could even be opened, exit 2, not 1.
    if (!writer && !files.empty()) result.exit_code = 2;
    WriteReport empty;
    auto report = writer ? writer->m_impl->finish() : tl::expected<WriteReport, StoreError>(empty);
    if (!report) return tl::unexpected(report.error());
    result.report.failed_batches = report->failed_batches;
    result.report.failure = report->failure;
    result.report.notes = std::move(report->notes);
    for (auto& p : report->problems) {
        result.problems.push_back(std::move(p));
        result.exit_code = 1;
    }
    auto stored = report->captures.begin();
    for (auto& e : early) {
        if (e) {
            result.report.captures.push_back(std::move(*e));
        } else if (stored != report->captures.end()) {
            if (stored->state == CaptureState::failed) result.exit_code = 1;
            result.report.captures.push_back(std::move(*stored++));
        }
    }
    return result;
}

} // namespace sipdx::store
