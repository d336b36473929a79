// The rows of the ClickHouse tables as TabSeparated text (one line each, '\n' ended), in the
// column order of the schema (clickhouse_schema.cpp), for the sink's INSERT batches.
#pragma once

#include <sipdx/session/record.h>

#include "store/detail/rows.h"

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sipdx::store::detail::ch {

// A text value with ClickHouse's TSV escapes (backslash, tab, newline, CR, NUL).
void tsv(std::string& out, std::string_view v);
template <typename T>
void num(std::string& out, T v) {
    char buf[32];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, p);
}
// A Nullable(Float64): the number, or \N.
void real(std::string& out, std::optional<double> v);
// A DateTime: whole seconds since 1970, never before it.
std::int64_t seconds(std::int64_t ns);

void append_message_row(std::string& o, std::string_view sha256, std::uint64_t seq,
                        const RowBatch& batch, const MessageRow& m);
void append_call_row(std::string& o, std::string_view sha256, std::string_view name,
                     std::uint64_t seq, const session::CallRecord& r);
void append_final_row(std::string& o, std::string_view sha256, std::uint64_t seq,
                      std::uint64_t call_seq, std::int64_t start_ns, int code, std::uint64_t count);
void append_finding_row(std::string& o, std::string_view sha256, std::uint64_t seq,
                        std::uint64_t call_seq, const session::CallRecord& r,
                        const session::FindingHit& hit);

} // namespace sipdx::store::detail::ch
