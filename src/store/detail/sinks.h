// The record sinks behind AnalysisWriter (SQLite, ClickHouse). Their calls are serialised
// by the AnalysisWriter: message(), end_batch(), call() and complete() run on the writer
// thread; may_hold_size() and begin_*() run on the caller's thread while the writer thread
// waits (a capture can be begun while earlier captures' rows are still being written).
#pragma once

#include <sipdx/store/database.h>
#include <sipdx/store/writer.h>

#include "store/detail/rows.h"

#include <memory>
#include <vector>

namespace sipdx::store::detail {

// What the analysis saw of one capture, written with its completion.
struct CaptureTotals {
    std::int64_t first_ns = 0;
    std::int64_t last_ns = 0;
    std::uint64_t frames = 0;
    std::uint64_t sip_messages = 0;
    std::uint64_t calls = 0;
    bool clean = true;
    std::string sha256; // the capture's identity (known by now even when begun unhashed)
    // Responses seen per status code 100..699 (index code - 100), stored as rows or not:
    // the `messages` column of code_counts, whatever the message-row policy kept.
    std::vector<std::uint64_t> responses;
    // The capture's sessions when they were built (StoreOptions::sessions), else null.
    const std::vector<analysis::Session>* sessions = nullptr;
};

enum class BeginResult : std::uint8_t { write, resume, skip };

// A destination for records. `source` is the index of the capture among the inputs of one
// analysis run. A sink that fails keeps its first error and ignores later rows; finish()
// reports it.
class RecordSink {
public:
    virtual ~RecordSink() = default;
    // False when no capture of `size` bytes can be stored already (the sha256 is then only
    // needed for the capture's own row, and can be computed alongside the analysis).
    virtual bool may_hold_size(std::uint64_t /*size*/) { return true; }
    virtual tl::expected<BeginResult, StoreError> begin_capture(std::uint32_t source,
                                                                const CaptureMeta& meta) = 0;
    // Begins a capture whose sha256 is not known yet (only after every sink said
    // may_hold_size() == false); finish() receives it in CaptureTotals. `resume` when the
    // partial rows of an interrupted run of the same file name and size were found.
    virtual tl::expected<BeginResult, StoreError> begin_unhashed(std::uint32_t source,
                                                                 const CaptureMeta& meta) {
        return begin_capture(source, meta);
    }
    virtual void message(const RowBatch& batch, const MessageRow& row) = 0;
    // The rows of `batch` given so far are about to be recycled: write what still points at
    // them.
    virtual void end_batch() {}
    // The record's number (CallRecord::number) is what its messages carry as `call`.
    virtual void call(const session::CallRecord& record) = 0;
    // Completes capture `source` once all its rows were given (its sha256 is in `totals`):
    // in SQLite, the transaction that makes it visible. A capture that was skipped is ignored.
    virtual tl::expected<void, StoreError> complete(std::uint32_t source,
                                                    const CaptureTotals& totals) = 0;
    // Capture `source` will not be completed (it changed while being ingested): remove what
    // was written of it where that is cheap. Default: nothing (its rows stay invisible).
    virtual tl::expected<void, StoreError> abandon(std::uint32_t /*source*/) { return {}; }
    // The end of one analysis run's rows: the records of the next run are numbered from 1
    // again (CallRecord::number), so numbers map to new calls ids from here on.
    virtual void end_run() {}
    // After the last capture: the sink's first error, if any.
    virtual tl::expected<void, StoreError> finish() = 0;
    // Batches of capture `source` that could not be written (ClickHouse after its
    // retries); 0 for SQLite.
    virtual std::uint64_t failed_batches(std::uint32_t /*source*/) const { return 0; }
    // Why the last batch failed (empty when none did).
    virtual std::string last_failure() const { return {}; }
    // What the user should know about this store once (empty: nothing), e.g. an upgrade that
    // would make it faster.
    virtual std::string note() const { return {}; }
};

using Sinks = std::vector<std::unique_ptr<RecordSink>>;

tl::expected<std::unique_ptr<RecordSink>, StoreError> make_sqlite_sink(const StoreOptions& options);
tl::expected<std::unique_ptr<RecordSink>, StoreError>
make_clickhouse_sink(const StoreOptions& options);

// Test hooks read from the environment (docs/store.md "Testing"): after this many batches
// have been committed the process kills itself with SIGKILL (crash-consistency tests), or
// pauses and touches a file (ClickHouse outage tests). 0 when unset.
std::uint64_t test_kill_after_batches();
void test_batch_committed(std::uint64_t committed);

} // namespace sipdx::store::detail
