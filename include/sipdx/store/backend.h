// Reading a store without knowing which kind it is: `sipdx query` opens a SQLite file or a
// ClickHouse server through open_backend() and asks the same questions of either.
//
//   auto store = store::open_backend("sipdx.db");                       // or
//   "http://127.0.0.1:8123/?database=sipdx" auto calls = (*store)->select_calls(filter, 100); auto
//   codes = (*store)->summary(filter); auto rows  = (*store)->run_sql("SELECT outcome, count(*)
//   FROM calls GROUP BY 1");
#pragma once

#include <sipdx/store/error.h>
#include <sipdx/store/query.h>

#include <tl/expected.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace sipdx::store {

class Backend {
public:
    virtual ~Backend() = default;
    // The selected Call-ID records, in order of their first message; `limit` 0: all.
    [[nodiscard]] virtual tl::expected<ResultSet, StoreError>
    select_calls(const QueryFilter& filter, std::size_t limit = 0) = 0;
    // Responses by code over the selection, with the three counts of `sipdx analyze`.
    [[nodiscard]] virtual tl::expected<std::vector<CodeCount>, StoreError>
    summary(const QueryFilter& filter) = 0;
    // Captures of the filter's --capture selection stored with fewer than all message rows
    // (a filtered summary counts only the responses kept of those).
    [[nodiscard]] virtual tl::expected<std::uint64_t, StoreError>
    partial_message_captures(const QueryFilter& filter) = 0;
    // One read-only statement within `limits` (query.h); a refusal is ErrorKind::rejected.
    [[nodiscard]] virtual tl::expected<ResultSet, StoreError>
    run_sql(std::string_view sql, const SqlLimits& limits = {}) = 0;
};

struct BackendOptions {
    int busy_timeout_ms = 5000; // SQLite: how long to wait for a writer's lock
    int retries = 5;            // ClickHouse: further attempts of a failed request
    int timeout_ms = 30000;     // ClickHouse: per request
};

// Opens a store for reading: a location with a scheme ("http://...", the ClickHouse URL of
// clickhouse.h; any other scheme is refused) is a ClickHouse server, anything else the path of
// a SQLite file written by `sipdx ingest` (opened read-only).
[[nodiscard]] tl::expected<std::unique_ptr<Backend>, StoreError>
open_backend(std::string_view location, const BackendOptions& options = {});

} // namespace sipdx::store
