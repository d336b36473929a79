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
        return false;
    default:
        return true;
    }
}

struct AnalysisWriter::Impl {
    std::vector<std::string> files;
    std::vector<CaptureMeta> metas;
    std::vector<std::unique_ptr<detail::RecordSink>> sinks;
    std::vector<std::vector<BeginResult>> begun; // [sink][source]
    std::vector<bool> deferred; // [source]: begun unhashed, hashed on `hasher` meanwhile
    // Per source, what the analysis saw (the time range of the capture's messages).
    std::vector<std::int64_t> first_ns;
    std::vector<std::int64_t> last_ns;
    std::vector<std::uint64_t> messages;
    std::vector<std::uint64_t> calls;
    // Per source, responses by status code (k_first_code..k_last_code).
    std::vector<std::array<std::uint64_t, k_last_code - k_first_code + 1>> responses;
    MessageRows policy = MessageRows::all;
    // Under MessageRows::failed, the rows of each record the tracker holds open, by the
    // record's number (its key, messages.call), until the record tells whether they are kept.
    // Bounded by the open Call-IDs; cleared row buffers are reused.
    std::unordered_map<std::uint64_t, std::unique_ptr<RowBatch>> held_rows;
    std::vector<std::unique_ptr<RowBatch>> spare;

    // The analysis thread fills `current`; the writer thread drains the queue.
    BatchQueue queue;
    std::unique_ptr<RowBatch> current = std::make_unique<RowBatch>();
    std::thread thread;
    std::thread hasher;
    std::vector<std::string> deferred_sha; // [source], written by `hasher`
    std::optional<StoreError> hash_error;  // likewise; both read after it is joined
    bool started = false;
    bool stopped = false;

    ~Impl() { stop(); }

    void start() {
        if (started) return;
        started = true;
        thread = std::thread([this] { run(); });
    }

    // Hands over what is pending and waits for the writer thread to write it.
    void stop() {
        if (hasher.joinable()) hasher.join();
        if (!started || stopped) return;
        stopped = true;
        // Call-IDs whose record never came (none should remain after the tracker's flush):
        // their rows are kept rather than lost.
        for (auto& [number, rows] : held_rows)
            keep(*rows);
        held_rows.clear();
        if (current->rows() > 0) current = queue.push(std::move(current));
        queue.close();
        thread.join();
    }

    void hash_deferred() {
        for (std::size_t i = 0; i < deferred.size() && !hash_error; ++i) {
            if (!deferred[i]) continue;
            auto hash = sha256_file(files[i]);
            if (!hash) {
                hash_error = hash.error();
            } else {
                deferred_sha[i] = std::move(*hash);
            }
        }
    }

    void run() {
        while (auto batch = queue.pop()) {
            // Explained here rather than on the analysis thread (see attach()).
            for (auto& record : batch->calls)
                if (record.explanation.empty()) record.explanation = analysis::explain(record);
            for (auto& sink : sinks) {
                for (const auto& row : batch->messages)
                    sink->message(*batch, row);
                for (const auto& record : batch->calls)
                    sink->call(record);
                sink->end_batch();
            }
            queue.recycle(std::move(batch));
        }
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
        if (e.source >= messages.size()) return;
        const std::uint64_t seq = messages[e.source]++;
        if (seq == 0 || e.time_ns < first_ns[e.source]) first_ns[e.source] = e.time_ns;
        last_ns[e.source] = std::max(last_ns[e.source], e.time_ns);
        if (!e.is_request && e.status >= k_first_code && e.status <= k_last_code)
            ++responses[e.source][static_cast<std::size_t>(e.status - k_first_code)];
        if (!started) return;
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
            return;
        }
        // Malformed traffic without a Call-ID belongs to no record: kept under every policy
        // that keeps rows.
        current->add_message(m, seq);
        flush_if_full();
    }
    void on_call(session::CallRecord&& r) {
        if (r.source < calls.size()) ++calls[r.source];
        if (!started) return;
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
AnalysisWriter::open(const std::vector<std::string>& captures, const StoreOptions& options) {
    std::unique_ptr<AnalysisWriter> writer(new AnalysisWriter());
    auto& impl = *(writer->m_impl = std::make_unique<Impl>());
    impl.files = analysis::expand_inputs(captures);
    for (const auto& file : impl.files) {
        if (file == "-")
            return tl::unexpected(StoreError{
                ErrorKind::input, "stdin ('-') cannot be stored: save it to a file first"});
        CaptureMeta meta;
        meta.name = file;
        std::error_code ec;
        meta.size = std::filesystem::file_size(file, ec);
        if (ec)
            return tl::unexpected(
                StoreError{ErrorKind::input, fmt::format("{}: {}", file, ec.message())});
        impl.metas.push_back(std::move(meta));
    }
    const std::size_t n = impl.files.size();
    impl.first_ns.assign(n, 0);
    impl.last_ns.assign(n, std::numeric_limits<std::int64_t>::min());
    impl.messages.assign(n, 0);
    impl.calls.assign(n, 0);
    impl.responses.assign(n, {});
    impl.policy = options.message_rows;

    if (!options.db.empty()) {
        auto sink = detail::make_sqlite_sink(options);
        if (!sink) return tl::unexpected(sink.error());
        impl.sinks.push_back(std::move(*sink));
    }
    if (!options.clickhouse.empty()) {
        auto sink = detail::make_clickhouse_sink(options);
        if (!sink) return tl::unexpected(sink.error());
        impl.sinks.push_back(std::move(*sink));
    }
    // An input that is not a capture is reported by the analysis; it is not stored.
    std::vector<bool> readable(n);
    for (std::size_t i = 0; i < n; ++i)
        readable[i] = capture::open(impl.files[i]).has_value();
    // A capture can only be stored already (or twice in this run) when a capture of the same
    // size is: otherwise its hash is not needed before the analysis, and a thread of its own
    // computes it meanwhile (the SHA-256 of a large file costs about half an analysis); the
    // sinks write its rows under a provisional identity until then.
    impl.deferred.assign(n, false);
    for (std::size_t i = 0; i < n; ++i) {
        if (!readable[i] || impl.sinks.empty()) continue;
        bool maybe_stored = false;
        for (std::size_t j = 0; j < n && !maybe_stored; ++j)
            maybe_stored = j != i && impl.metas[j].size == impl.metas[i].size;
        for (auto& sink : impl.sinks)
            maybe_stored = maybe_stored || sink->may_hold_size(impl.metas[i].size);
        impl.deferred[i] = !maybe_stored;
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (impl.deferred[i]) continue;
        auto hash = sha256_file(impl.files[i]);
        if (!hash) return tl::unexpected(hash.error());
        impl.metas[i].sha256 = std::move(*hash);
    }
    for (auto& sink : impl.sinks) {
        auto& states = impl.begun.emplace_back();
        for (std::uint32_t i = 0; i < n; ++i) {
            if (!readable[i]) {
                states.push_back(BeginResult::skip);
                continue;
            }
            auto begun = impl.deferred[i] ? sink->begin_unhashed(i, impl.metas[i])
                                          : sink->begin_capture(i, impl.metas[i]);
            if (!begun) return tl::unexpected(begun.error());
            states.push_back(*begun);
        }
    }
    if (std::find(impl.deferred.begin(), impl.deferred.end(), true) != impl.deferred.end()) {
        impl.deferred_sha.resize(n);
        impl.hasher = std::thread([&impl] { impl.hash_deferred(); });
    }
    if (!impl.sinks.empty()) impl.start();
    return writer;
}

bool AnalysisWriter::nothing_to_do() const {
    for (const auto& states : m_impl->begun)
        for (auto s : states)
            if (s != BeginResult::skip) return false;
    return true;
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
    auto& impl = *m_impl;
    impl.stop();
    if (impl.hash_error) return tl::unexpected(*impl.hash_error);
    for (std::size_t i = 0; i < impl.deferred_sha.size(); ++i)
        if (impl.deferred[i]) impl.metas[i].sha256 = impl.deferred_sha[i];
    std::vector<CaptureTotals> totals(impl.files.size());
    for (std::size_t i = 0; i < totals.size(); ++i) {
        auto& t = totals[i];
        if (impl.messages[i] > 0) {
            t.first_ns = impl.first_ns[i];
            t.last_ns = impl.last_ns[i];
        }
        t.calls = impl.calls[i];
        t.sha256 = impl.metas[i].sha256;
        t.responses.assign(impl.responses[i].begin(), impl.responses[i].end());
        if (i < run.inputs.size()) {
            t.frames = run.inputs[i].frames;
            t.sip_messages = run.inputs[i].sip_messages;
            t.clean = run.inputs[i].clean;
        }
    }
    WriteReport report;
    for (auto& sink : impl.sinks) {
        if (auto r = sink->finish(totals); !r) return tl::unexpected(r.error());
        report.failed_batches += sink->failed_batches();
        if (const auto why = sink->last_failure(); !why.empty()) report.failure = why;
    }
    for (std::size_t i = 0; i < impl.files.size(); ++i) {
        CaptureReport c;
        c.name = impl.metas[i].name;
        c.sha256 = impl.metas[i].sha256;
        c.messages = impl.messages[i];
        c.calls = impl.calls[i];
        bool any_write = false;
        for (const auto& states : impl.begun) {
            if (states[i] != BeginResult::skip) any_write = true;
            if (states[i] == BeginResult::resume) c.resumed = true;
        }
        c.state = any_write ? CaptureState::stored : CaptureState::skipped;
        if (i < run.inputs.size() && !run.inputs[i].opened) c.state = CaptureState::failed;
        if (any_write && report.failed_batches > 0) c.state = CaptureState::failed;
        report.captures.push_back(std::move(c));
    }
    return report;
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
        return tl::unexpected(
            StoreError{ErrorKind::input, "stdin ('-') cannot be stored: save it to a file first"});
    for (const auto& file : files) {
        if (auto opened = capture::open(file); !opened) {
            result.problems.push_back(opened.error().message());
            result.exit_code = 1;
            CaptureReport c;
            c.name = file;
            c.state = CaptureState::failed;
            result.report.captures.push_back(std::move(c));
            continue;
        }
        auto writer = AnalysisWriter::open({file}, options);
        if (!writer) {
            if (writer.error().kind != ErrorKind::input) return tl::unexpected(writer.error());
            result.problems.push_back(writer.error().message);
            result.exit_code = 1;
            CaptureReport c;
            c.name = file;
            c.state = CaptureState::failed;
            result.report.captures.push_back(std::move(c));
            continue;
        }
        analysis::AnalyzeOptions opts = analyze_options;
        analysis::RunResult run;
        if ((*writer)->nothing_to_do()) {
            run.inputs.push_back({file, true, true, 0, 0, {}});
        } else {
            (*writer)->attach(opts);
            analysis::Analyzer analyzer(opts);
            (*writer)->attach(analyzer);
            run = analyzer.run({file});
        }
        for (const auto& in : run.inputs)
            for (const auto& p : in.problems)
                result.problems.push_back(p);
        if (run.exit_code() != 0) result.exit_code = 1;
        auto report = (*writer)->finish(run);
        if (!report) return tl::unexpected(report.error());
        result.report.failed_batches += report->failed_batches;
        if (!report->failure.empty()) result.report.failure = report->failure;
        for (auto& c : report->captures) {
            if (c.state == CaptureState::failed) result.exit_code = 1;
            result.report.captures.push_back(std::move(c));
        }
    }
    return result;
}

} // namespace sipdx::store
