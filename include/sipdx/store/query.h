// Reading the store back: the `sipdx query` selection (the filters of `sipdx calls` plus time
// and capture), the class-then-code summary over any selection, and free read-only SQL.
// The same filter runs on SQLite (here) and on ClickHouse (clickhouse.h).
#pragma once

#include <sipdx/analysis/record_filter.h>
#include <sipdx/session/record.h>
#include <sipdx/store/database.h>
#include <sipdx/store/error.h>

#include <tl/expected.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sipdx::store {

// A selection of stored Call-ID records: the record filter of `sipdx calls` (every field,
// --since/--until included, as SQL over the stored columns), plus the captures to look in,
// which are a property of the store rather than of a record. Only captures whose ingest
// completed are ever selected.
struct QueryFilter : analysis::RecordFilter {
    std::vector<std::string> captures; // capture name as ingested, or sha256 (prefix >= 8)

    // True when something beyond --capture narrows the records.
    bool selects_calls() const { return !empty(); }
};

// "2026-05-30", "2026-05-30T12:00:00Z", "2026-05-30 12:00:00.5", epoch seconds
// ("1780141590.5"), or an age before `now_ns`: "90m", "36h", "7d". UTC throughout. Times
// outside what nanoseconds since 1970 hold in 64 bits (1970-01-01 to 2262-04-11) are refused
// (ErrorKind::argument).
tl::expected<std::int64_t, StoreError> parse_time(std::string_view text, std::int64_t now_ns);

struct Cell {
    enum class Type : std::uint8_t { null, integer, real, text };
    Type type = Type::null;
    std::int64_t integer = 0;
    double real = 0;
    std::string text;
};

struct ResultSet {
    std::vector<std::string> columns;
    std::vector<std::vector<Cell>> rows;
};

// One response code over a selection, with the three counts of `sipdx analyze`.
struct CodeCount {
    int code = 0;
    std::uint64_t messages = 0;           // responses with this code (retransmissions incl.)
    std::uint64_t final_transactions = 0; // transactions it ended
    std::uint64_t final_calls = 0;        // Call-IDs it decided
    friend bool operator==(const CodeCount&, const CodeCount&) = default;
};

// SQLite. `limit` 0: no limit. Calls come in order of their first message.
[[nodiscard]] tl::expected<ResultSet, StoreError>
select_calls(Database& db, const QueryFilter& filter, std::size_t limit = 0);
// Without call filters the per-capture code_counts table is summed (the numbers written with
// the capture); with them, the counts are computed from the selected calls and their messages.
[[nodiscard]] tl::expected<std::vector<CodeCount>, StoreError> summary(Database& db,
                                                                       const QueryFilter& filter);
// Complete captures of the filter's --capture selection stored with fewer than all message
// rows (captures.message_rows 'failed' or 'none'): a filtered summary counts only the kept
// responses of those in its `messages` column.
[[nodiscard]] tl::expected<std::uint64_t, StoreError>
partial_message_captures(Database& db, const QueryFilter& filter);
// Bounds of free SQL (`query --sql`; docs/store.md "Free SQL and its limits").
struct SqlLimits {
    int time_limit_ms = 60'000; // run time of the statement
    // SQLite: its heap (hard heap limit, process-wide while the statement runs), the largest
    // value at a quarter of it (SQLITE_LIMIT_LENGTH), and the answer held in memory.
    // ClickHouse: max_memory_usage of the query.
    std::int64_t memory_limit_bytes = std::int64_t{1} << 30;
};

// One read-only statement, within `limits`. Refused (ErrorKind::rejected): anything that
// would write, more than one statement, ATTACH, fts3_tokenizer() and load_extension(), pragmas
// other than the ones that describe the database, and a statement that reaches a limit.
[[nodiscard]] tl::expected<ResultSet, StoreError> run_sql(Database& db, std::string_view sql,
                                                          const SqlLimits& limits = {});

} // namespace sipdx::store
