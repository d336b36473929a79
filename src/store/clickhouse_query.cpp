// ClickHouse queries: the `sipdx query` selection, its summary and free read-only SQL, written
// with the same filter SQL as the SQLite queries (detail/sql.h).
#include <sipdx/store/clickhouse.h>

#include "store/detail/sql.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

namespace sipdx::store {

namespace {
using detail::Dialect;

std::string visible(const QueryFilter& f) {
    return fmt::format("capture_sha256 GLOBAL IN (SELECT sha256 FROM captures AS cap WHERE {})",
                       detail::captures_where(f, Dialect::clickhouse));
}
} // namespace

tl::expected<ResultSet, StoreError> ClickHouse::select_calls(const QueryFilter& filter,
                                                             std::size_t limit) const {
    std::string columns = detail::call_columns(Dialect::clickhouse);
    // Absent values are 0 / '' in the ClickHouse columns; show them as SQLite does.
    for (std::string_view col : {"final_code", "class"}) {
        const std::string from = fmt::format("c.{},", col);
        if (auto p = columns.find(from); p != std::string::npos)
            columns.replace(p, from.size(), fmt::format("nullIf(c.{0}, 0) AS {0},", col));
    }
    std::string sql =
        fmt::format("SELECT {} FROM calls AS c WHERE {} AND {} ORDER BY c.start_ns, "
                    "c.call_id",
                    columns, visible(filter), detail::calls_where(filter, Dialect::clickhouse));
    if (limit > 0) sql += fmt::format(" LIMIT {}", limit);
    auto result = select(sql);
    if (result) detail::iso_times(*result);
    return result;
}

tl::expected<std::vector<CodeCount>, StoreError>
ClickHouse::summary(const QueryFilter& filter) const {
    const std::string vis = visible(filter);
    const std::string where = detail::calls_where(filter, Dialect::clickhouse);
    std::string messages_sel;
    std::string finals_sel;
    if (filter.selects_calls()) {
        messages_sel = fmt::format(" AND (capture_sha256, call_id) GLOBAL IN (SELECT "
                                   "capture_sha256, call_id FROM calls AS c WHERE {} AND {})",
                                   vis, where);
        finals_sel = fmt::format(" AND (capture_sha256, call_seq) GLOBAL IN (SELECT "
                                 "capture_sha256, seq FROM calls AS c WHERE {} AND {})",
                                 vis, where);
    }
    // Without call filters, the responses of captures stored with fewer than all message rows
    // come from their code_counts (tables older than version 3 have neither: all rows).
    std::string partial;
    if (!filter.selects_calls()) {
        auto v3 = select("SELECT count() FROM system.columns WHERE database = currentDatabase() "
                         "AND table = 'captures' AND name = 'message_rows'");
        if (!v3) return tl::unexpected(v3.error());
        if (!v3->rows.empty() && v3->rows[0][0].integer > 0)
            partial = "SELECT sha256 FROM captures WHERE message_rows NOT IN ('', 'all')";
    }
    if (!partial.empty()) {
        messages_sel = fmt::format(" AND capture_sha256 GLOBAL NOT IN ({})", partial);
    }
    std::vector<std::string> queries = {
        fmt::format("SELECT status, count(), 0, 0 FROM messages WHERE kind = 'response' AND "
                    "status BETWEEN 100 AND 699 AND {}{} GROUP BY status",
                    vis, messages_sel),
        fmt::format("SELECT code, 0, sum(count), 0 FROM call_finals WHERE code BETWEEN 100 AND "
                    "699 AND {}{} GROUP BY code",
                    vis, finals_sel),
        fmt::format("SELECT final_code, 0, 0, count() FROM calls AS c WHERE final_code BETWEEN "
                    "100 AND 699 AND {} AND {} GROUP BY final_code",
                    vis, where)};
    if (!partial.empty())
        queries.push_back(fmt::format("SELECT code, sum(messages), 0, 0 FROM code_counts WHERE "
                                      "code BETWEEN 100 AND 699 AND {} AND capture_sha256 GLOBAL "
                                      "IN ({}) GROUP BY code",
                                      vis, partial));
    ResultSet all;
    for (const auto& q : queries) {
        auto r = select(q);
        if (!r) return tl::unexpected(r.error());
        for (auto& row : r->rows)
            all.rows.push_back(std::move(row));
    }
    return detail::merge_counts(all);
}

tl::expected<std::uint64_t, StoreError>
ClickHouse::partial_message_captures(const QueryFilter& filter) const {
    auto v3 = select("SELECT count() FROM system.columns WHERE database = currentDatabase() AND "
                     "table = 'captures' AND name = 'message_rows'");
    if (!v3) return tl::unexpected(v3.error());
    if (v3->rows.empty() || v3->rows[0][0].integer == 0) return 0;
    auto n = select(fmt::format("SELECT count() FROM captures AS cap WHERE message_rows NOT IN "
                                "('', 'all') AND {}",
                                detail::captures_where(filter, Dialect::clickhouse)));
    if (!n) return tl::unexpected(n.error());
    if (n->rows.empty()) return 0;
    return static_cast<std::uint64_t>(n->rows[0][0].integer);
}

tl::expected<ResultSet, StoreError> ClickHouse::run_sql(std::string_view sql,
                                                        const SqlLimits& limits) const {
    // max_execution_time is in seconds (at least one); ClickHouse stops the query past it
    // (TIMEOUT_EXCEEDED) or past max_memory_usage (MEMORY_LIMIT_EXCEEDED).
    const std::string settings =
        fmt::format("&max_execution_time={}&max_memory_usage={}",
                    std::max(1, (limits.time_limit_ms + 999) / 1000), limits.memory_limit_bytes);
    auto r = fetch(sql, true, settings, false);
    if (!r) {
        const auto& m = r.error().message;
        for (std::string_view refusal : {"readonly", "Code: 159,", "Code: 241,"})
            if (m.find(refusal) != std::string::npos) r.error().kind = ErrorKind::rejected;
    }
    return r;
}

} // namespace sipdx::store
