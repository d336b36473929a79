// Shared by the ClickHouse files (HTTP client, schema, queries, sink): the error naming the
// server, and the table descriptions the DDL is written from and the sink checks against.
#pragma once

#include <sipdx/store/clickhouse.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sipdx::store::detail {

// "clickhouse HOST:PORT: what" as an ErrorKind::server.
StoreError server_error(const ClickHouseUrl& url, std::string what);

struct ChTable {
    std::string name;
    std::string columns;
    std::string partition;
    std::string order;
    // The columns added after the table was first published (a suffix of `columns`, so an
    // altered table has the columns in the same order): `ch-schema --upgrade-from 1` adds
    // those of version 2, `--upgrade-from 2` those of version 3.
    std::string_view added_since_v1 = {};
    std::string_view added_since_v2 = {};
    int since = 1; // schema version that introduced the table (created by --upgrade-from)
};

// "name Type" lines of a ChTable::columns text, as (name, type).
std::vector<std::pair<std::string, std::string>> column_defs(std::string_view columns);
// Every table, in creation order.
const std::vector<ChTable>& ch_tables();

// What the sink found of the tables it writes.
struct SinkSchema {
    bool has_ingests = false;  // schema 4: the ingests table of begun captures
    bool has_sessions = false; // schema 6: the four session tables
    std::string note;          // what the user should know once (an upgrade that helps)
};
// The tables are reachable and have every column the sink writes; an error naming the
// `ch-schema --upgrade-from` that adds what is missing otherwise.
tl::expected<SinkSchema, StoreError> check_sink_schema(const ClickHouse& ch);

} // namespace sipdx::store::detail
