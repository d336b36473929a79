// SQL text shared by the SQLite and ClickHouse back ends: the selection as a WHERE clause with
// escaped literals (ClickHouse 18 has no bound parameters over HTTP).
#pragma once

#include <sipdx/store/query.h>

#include <string>
#include <string_view>

namespace sipdx::store::detail {

enum class Dialect : std::uint8_t { sqlite, clickhouse };

std::string quote(std::string_view text, Dialect dialect);

// Conditions on a calls row `c` (columns as in both schemas), joined with AND; "1" when none.
// Every field of the filter is applied, as RecordFilter::matches() applies it to a record.
std::string calls_where(const analysis::RecordFilter& filter, Dialect dialect);
// Conditions on a captures row `cap` for --capture; "1" when none.
std::string captures_where(const QueryFilter& filter, Dialect dialect);

// Column list of `sipdx query` call rows (both schemas have these columns).
std::string call_columns(Dialect dialect);

// Replaces the start_ns/end_ns columns of a call query by ISO 8601 start/end text.
void iso_times(ResultSet& result);

// Builds the result rows of a summary query (code, messages, finals, calls) into CodeCounts.
std::vector<CodeCount> merge_counts(const ResultSet& result);

} // namespace sipdx::store::detail
