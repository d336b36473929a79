// The record sinks behind AnalysisWriter.
#pragma once

#include <sipdx/store/database.h>
#include <sipdx/store/writer.h>

#include <memory>

namespace sipdx::store::detail {

tl::expected<std::unique_ptr<RecordSink>, StoreError> make_sqlite_sink(const StoreOptions& options);
tl::expected<std::unique_ptr<RecordSink>, StoreError>
make_clickhouse_sink(const StoreOptions& options);

// Test hooks read from the environment (docs/store.md "Testing"): after this many batches
// have been committed the process kills itself with SIGKILL (crash-consistency tests), or
// pauses and touches a file (ClickHouse outage tests). 0 when unset.
std::uint64_t test_kill_after_batches();
void test_batch_committed(std::uint64_t committed);

} // namespace sipdx::store::detail
