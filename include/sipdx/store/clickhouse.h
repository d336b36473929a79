// ClickHouse for fleets: the same records as the SQLite store, written and queried over
// ClickHouse's HTTP interface (a small HTTP/1.0 client over POSIX sockets, loopback only:
// sipdx talks to a local server or a local node of a cluster). Not Debian's cpp-httplib, for a
// measured reason: its library is built with OpenSSL, whose initialisation ran at the start of
// every sipdx process (1.9 M instructions, 12% of `sipdx explain 486`, and 3,199 allocations),
// and it brought libssl and brotli for a client that speaks plain HTTP to loopback only.
//
// The DDL (clickhouse_schema) targets ClickHouse 18.16 and later: MergeTree tables
// partitioned by day and ordered for the common queries, and for a cluster the same tables
// as <name>_local on every shard behind Distributed tables sharded by capture, so that all
// rows of a capture live on one shard.
#pragma once

#include <sipdx/store/error.h>
#include <sipdx/store/query.h>

#include <tl/expected.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace sipdx::store {

struct ClickHouseUrl {
    std::string host; // literal address or "localhost"
    std::uint16_t port = 8123;
    std::string database; // from ?database=...; empty: the server's default
    std::string user;     // from ?user=...
    std::string password; // from ?password=...
};
// http://HOST[:PORT]/[?database=DB&user=U&password=P]
tl::expected<ClickHouseUrl, StoreError> parse_clickhouse_url(std::string_view url);

struct ClickHouseOptions {
    int timeout_ms = 30000;  // per request: connect, send and each read
    int retries = 5;         // further attempts of a failed request
    int retry_base_ms = 200; // first back-off, doubled each time, capped at 5 s
};

class ClickHouse {
public:
    [[nodiscard]] static tl::expected<ClickHouse, StoreError>
    connect(std::string_view url, ClickHouseOptions options = {});

    // One request, no retry: the response body, or the server's error. `body` follows the
    // query text (for INSERT ... FORMAT TabSeparated); `read_only` sets readonly=1.
    [[nodiscard]] tl::expected<std::string, StoreError>
    request(std::string_view query, std::string_view body = {}, bool read_only = false) const;
    // request() with the bounded retries and back-off of the options; only transient
    // failures (refused, reset, timed out, 502-504, ClickHouse network errors) are retried.
    // An INSERT whose answer was lost may have been written all the same: `landed`, when
    // given, is asked before each retry and, when it says so, ends the retries with success
    // (an empty body), so that a lost answer never writes the rows twice.
    [[nodiscard]] tl::expected<std::string, StoreError>
    request_with_retry(std::string_view query, std::string_view body = {}, bool read_only = false,
                       const std::function<bool()>& landed = {}) const;
    // A SELECT, parsed from TabSeparatedWithNamesAndTypes. `settings`: more query settings as
    // URL parameters ("&name=value..."), applied before readonly=1.
    [[nodiscard]] tl::expected<ResultSet, StoreError>
    select(std::string_view sql, bool read_only = true, std::string_view settings = {}) const;

    // The same selection and summary as the SQLite functions in query.h.
    [[nodiscard]] tl::expected<ResultSet, StoreError> select_calls(const QueryFilter& filter,
                                                                   std::size_t limit = 0) const;
    [[nodiscard]] tl::expected<std::vector<CodeCount>, StoreError>
    summary(const QueryFilter& filter) const;
    // Free SQL with readonly=1 (the server refuses anything that writes), and the limits as
    // the query's max_execution_time and max_memory_usage.
    [[nodiscard]] tl::expected<ResultSet, StoreError> run_sql(std::string_view sql,
                                                              const SqlLimits& limits = {}) const;
    // Captures of the filter's --capture selection stored with fewer than all message rows
    // (0 on tables older than schema 3), as store::partial_message_captures for SQLite.
    [[nodiscard]] tl::expected<std::uint64_t, StoreError>
    partial_message_captures(const QueryFilter& filter) const;

    const ClickHouseUrl& url() const { return m_url; }
    const ClickHouseOptions& options() const { return m_options; }

private:
    std::string target(std::string_view query, bool read_only, std::string_view settings) const;
    // `retry_answers` false: only network failures are retried, not the server's error
    // answers (free SQL past its time limit must not run again).
    tl::expected<std::string, StoreError> post_with_retry(const std::string& target,
                                                          std::string_view body,
                                                          const std::function<bool()>& landed,
                                                          bool retry_answers) const;
    tl::expected<ResultSet, StoreError> fetch(std::string_view sql, bool read_only,
                                              std::string_view settings, bool retry_answers) const;
    ClickHouse(ClickHouseUrl url, ClickHouseOptions options)
        : m_url(std::move(url)), m_options(options) {}
    ClickHouseUrl m_url;
    ClickHouseOptions m_options;
};

struct ChSchemaOptions {
    std::string database = "sipdx";
    std::string cluster; // empty: single server; else <table>_local + Distributed over it
    // > 0: instead of the CREATE statements, those that bring tables made by this schema
    // version to the next one (ALTER TABLE ... ADD COLUMN, CREATE TABLE for new tables; run
    // once on every node): 1 -> 2 the message columns, 2 -> 3 captures.message_rows and
    // code_counts, 3 -> 4 the ingests table.
    int upgrade_from = 0;
};
// The DDL, statements ending with ";\n" (clickhouse-client --multiquery reads it): CREATE ...
// IF NOT EXISTS for every table (safe to run again), or with `upgrade_from` the ALTERs that
// add the columns introduced since that version (ClickHouse 18.16 has no ADD COLUMN IF NOT
// EXISTS, so these fail when run twice). The ingest sink refuses tables that lack a column.
// The database and cluster names are written into the DDL as they are: anything but a plain
// identifier (check_identifier) is refused (ErrorKind::rejected).
[[nodiscard]] tl::expected<std::string, StoreError>
clickhouse_schema(const ChSchemaOptions& options);
// Names written into SQL text: ASCII letters, digits and '_', not starting with a digit, at
// most k_max_identifier characters (a database or table is also a directory name on the
// server). `what` names the value in the error ("--database").
inline constexpr std::size_t k_max_identifier = 255;
[[nodiscard]] tl::expected<void, StoreError> check_identifier(std::string_view what,
                                                              std::string_view name);
// The table names, in creation order.
const std::vector<std::string>& clickhouse_tables();
// The column names of `table`, comma-separated in table order (the INSERT column list); empty
// for an unknown table.
std::string clickhouse_columns(std::string_view table);

} // namespace sipdx::store
