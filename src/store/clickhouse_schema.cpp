// The ClickHouse DDL: the tables (one description each, shared with the sink's column checks),
// CREATE statements for one server or a cluster, and the upgrades between schema versions.
#include <sipdx/store/clickhouse.h>

#include "store/detail/clickhouse.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace sipdx::store {
namespace detail {

// "name Type" lines of a ChTable::columns text, as (name, type).
std::vector<std::pair<std::string, std::string>> column_defs(std::string_view columns) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!columns.empty()) {
        const auto eol = columns.find('\n');
        std::string_view line = columns.substr(0, eol);
        columns = eol == std::string_view::npos ? std::string_view() : columns.substr(eol + 1);
        if (!line.empty() && line.back() == ',') line.remove_suffix(1);
        const auto name_at = line.find_first_not_of(' ');
        if (name_at == std::string_view::npos) continue;
        line.remove_prefix(name_at);
        const auto gap = line.find(' ');
        const auto type_at = line.find_first_not_of(' ', gap);
        out.emplace_back(std::string(line.substr(0, gap)), std::string(line.substr(type_at)));
    }
    return out;
}

const std::vector<ChTable>& ch_tables() {
    static const std::vector<ChTable> tables{
        {"captures",
         "    sha256       String,\n    name         String,\n    size         UInt64,\n"
         "    first_time   DateTime,\n    first_ns     Int64,\n    last_ns      Int64,\n"
         "    frames       UInt64,\n    sip_messages UInt64,\n    calls        UInt64,\n"
         "    clean        UInt8,\n    ingested_at  DateTime,\n    message_rows String",
         "toDate(first_time)",
         "sha256",
         {},
         "message_rows"},
        {"calls",
         "    capture_sha256    String,\n    capture_name      String,\n    seq               "
         "UInt64,\n    call_id           String,\n    kind              String,\n"
         "    first_method      String,\n    from_uri          String,\n    to_uri            "
         "String,\n    start             DateTime,\n    start_ns          Int64,\n"
         "    end_ns            Int64,\n    outcome           String,\n    final_code        "
         "UInt16,\n    final_reason      String,\n    class             UInt8,\n"
         "    category          String,\n    reason_header     String,\n    warning           "
         "String,\n    failed_by         String,\n    failed_by_product String,\n"
         "    icid              String,\n    bye_by            String,\n    pdd_ms            "
         "Nullable(Float64),\n    setup_ms          Nullable(Float64),\n    duration_s        "
         "Nullable(Float64),\n    messages          UInt32,\n    retransmissions   UInt32,\n"
         "    duplicates        UInt32,\n    transactions      UInt32,\n    attempts          "
         "UInt32,\n    challenges        UInt32,\n    dialogs           UInt32,\n"
         "    reinvites         UInt32,\n    pracks            UInt32,\n    hops              "
         "UInt32,\n    cancel_seen       UInt8,\n    has_sdp           UInt8,\n"
         "    registrations     UInt32,\n    registrations_ok  UInt32,\n    deregistrations   "
         "UInt32,\n    explanation       String",
         "toDate(start)", "(final_code, outcome, start_ns, capture_sha256, seq)"},
        {"call_finals",
         "    capture_sha256 String,\n    seq            UInt64,\n    call_seq       UInt64,\n"
         "    start          DateTime,\n    code           UInt16,\n    count          UInt32",
         "toDate(start)", "(code, capture_sha256, seq)"},
        {"findings",
         "    capture_sha256 String,\n    seq            UInt64,\n    call_seq       UInt64,\n"
         "    call_id        String,\n    start          DateTime,\n    code           String,\n"
         "    severity       String,\n    frame          UInt64,\n    count          UInt32",
         "toDate(start)", "(code, capture_sha256, seq)"},
        {"messages",
         "    capture_sha256 String,\n    seq            UInt64,\n    frame          UInt64,\n"
         "    time           DateTime,\n    time_ns        Int64,\n    src            String,\n"
         "    sport          UInt16,\n    dst            String,\n    dport          UInt16,\n"
         "    transport      String,\n    kind           String,\n    method         String,\n"
         "    status         UInt16,\n    reason         String,\n    call_id        String,\n"
         "    cseq_seq       UInt32,\n    cseq_method    String,\n    from_tag       String,\n"
         "    to_tag         String,\n    branch         String,\n    length         UInt32,\n"
         "    retransmission UInt8,\n    duplicate      UInt8,\n    file_offset    UInt64,\n"
         "    interface_id   UInt32,\n    encap          String,\n    decode_findings String,\n"
         "    sip_findings   String",
         "toDate(time)", "(capture_sha256, call_id, time_ns, seq)",
         "file_offset interface_id encap decode_findings sip_findings"},
        // Responses per code of a capture whatever message rows were kept (--message-rows):
        // the summary's messages column for captures without all their rows.
        {"code_counts",
         "    capture_sha256 String,\n    first_time     DateTime,\n    code           UInt16,\n"
         "    messages       UInt64",
         "toDate(first_time)",
         "(capture_sha256, code)",
         {},
         {},
         3},
        // One row per capture whose ingest began (written before its first batch), so that a
        // new capture is known to have no rows without looking for them: `calls` is sorted
        // for queries, not by capture, so that look-up read the whole table (0.3 s per
        // capture with 20 million calls).
        {"ingests",
         "    capture_sha256 String,\n    started        DateTime",
         "toYYYYMM(started)",
         "capture_sha256",
         {},
         {},
         4},
        // Version 5: RTP streams (docs/media.md), the SQLite media_streams columns, written
        // by `ingest --media`.
        {"media_streams",
         "    capture_sha256 String,\n    call_id        String,\n    ssrc           UInt32,\n"
         "    src            String,\n    dst            String,\n    from_party     String,\n"
         "    matched_by     String,\n    payload_type   UInt8,\n    codec          String,\n"
         "    start          DateTime,\n    start_ns       Int64,\n    end_ns         Int64,\n"
         "    packets        UInt64,\n    expected       UInt64,\n    lost           Int64,\n"
         "    loss_pct       Float64,\n    duplicates     UInt64,\n    out_of_order   UInt64,\n"
         "    loss_bursts    UInt64,\n    max_jitter_ms  Float64,\n    mean_jitter_ms Float64,\n"
         "    max_delta_ms   Float64,\n    dtmf_digits    String,\n    rtt_ms         "
         "Nullable(Float64),\n    r_factor       Nullable(Float64),\n    mos            "
         "Nullable(Float64),\n    mos_model      String,\n    findings       String",
         "toDate(start)",
         "(capture_sha256, call_id, start_ns)",
         {},
         {},
         5},
        // Version 6: sessions (`ingest --sessions`), the SQLite tables keyed by the session's
        // name within its capture ("S1") instead of an id. ClickHouse rows are never updated,
        // so calls has no session_id: session_legs names each leg's call_id.
        {"sessions",
         "    capture_sha256 String,\n    session        String,\n    key            String,\n"
         "    start          DateTime,\n    start_ns       Int64,\n    end_ns         Int64,\n"
         "    legs           UInt32,\n    outcome        String,\n    final_code     UInt16,\n"
         "    legs_ok        UInt32,\n    legs_failed    UInt32,\n    strength       String,\n"
         "    failed_leg     String,\n    origin_node    String,\n    origin_role    String,\n"
         "    verdict        String",
         "toDate(start)",
         "(capture_sha256, session)",
         {},
         {},
         6},
        {"session_legs",
         "    capture_sha256 String,\n    session        String,\n    leg            UInt32,\n"
         "    start          DateTime,\n    call_id        String,\n    from_uri       String,\n"
         "    to_uri         String,\n    start_ns       Int64,\n    end_ns         Int64,\n"
         "    outcome        String,\n    final_code     UInt16,\n    icid           String,\n"
         "    caller_node    String,\n    caller_role    String,\n    callee_node    String,\n"
         "    callee_role    String,\n    failed_by      String",
         "toDate(start)",
         "(capture_sha256, call_id)",
         {},
         {},
         6},
        {"session_links",
         "    capture_sha256 String,\n    session        String,\n    seq            UInt32,\n"
         "    start          DateTime,\n    a              String,\n    b              String,\n"
         "    kind           String,\n    strength       String,\n    evidence       String",
         "toDate(start)",
         "(capture_sha256, session, seq)",
         {},
         {},
         6},
        {"session_nodes",
         "    capture_sha256 String,\n    session        String,\n    seq            UInt32,\n"
         "    start          DateTime,\n    node           String,\n    role           String,\n"
         "    confidence     String,\n    evidence       String,\n    product        String",
         "toDate(start)",
         "(capture_sha256, session, seq)",
         {},
         {},
         6},
    };
    return tables;
}

tl::expected<SinkSchema, StoreError> check_sink_schema(const ClickHouse& ch) {
    // Reachable and with the schema: fail early with a clear line rather than per batch.
    auto probe = ch.select("SELECT count() FROM captures", false);
    if (!probe) return tl::unexpected(probe.error());
    // Tables made by an older sipdx lack the newer columns: say how to add them.
    auto columns =
        ch.select("SELECT name FROM system.columns WHERE database = currentDatabase() AND table = "
                  "'messages'",
                  false);
    if (!columns) return tl::unexpected(columns.error());
    std::string missing;
    const auto& tables = ch_tables();
    const auto messages = std::find_if(tables.begin(), tables.end(),
                                       [](const ChTable& t) { return t.name == "messages"; });
    for (const auto& [name, type] : column_defs(messages->columns)) {
        bool found = false;
        for (const auto& row : columns->rows)
            found = found || (!row.empty() && row[0].text == name);
        if (!found) missing += (missing.empty() ? "" : ", ") + name;
    }
    if (!missing.empty())
        return tl::unexpected(server_error(
            ch.url(), fmt::format("table messages lacks column(s) {} (made by an older sipdx): "
                                  "add them on every node with `sipdx ch-schema --upgrade-from "
                                  "1 [--cluster NAME] | clickhouse-client --multiquery`",
                                  missing)));
    // Version 3: the captures' message-row policy and the per-code response counts.
    auto v3 = ch.select("SELECT (SELECT count() FROM system.columns WHERE database = "
                        "currentDatabase() AND table = 'captures' AND name = 'message_rows'), "
                        "(SELECT count() FROM system.tables WHERE database = currentDatabase() "
                        "AND name = 'code_counts')",
                        false);
    if (!v3) return tl::unexpected(v3.error());
    if (v3->rows.empty() || v3->rows[0].size() < 2 || v3->rows[0][0].integer == 0 ||
        v3->rows[0][1].integer == 0)
        return tl::unexpected(server_error(
            ch.url(), "tables made by an older sipdx lack captures.message_rows or the "
                      "code_counts table: add them on every node with `sipdx ch-schema "
                      "--upgrade-from 2 [--cluster NAME] | clickhouse-client --multiquery`"));
    // Version 4: the ingests table. Without it ingest still works, but every capture's begin
    // looks for earlier rows in every table; say once how to add it.
    auto v4 = ch.select("SELECT count() FROM system.tables WHERE database = currentDatabase() "
                        "AND name = 'ingests'",
                        false);
    if (!v4) return tl::unexpected(v4.error());
    SinkSchema out;
    out.has_ingests = !v4->rows.empty() && v4->rows[0][0].integer > 0;
    // Version 6: the session tables, needed only by `ingest --sessions`.
    auto v6 = ch.select("SELECT count() FROM system.tables WHERE database = currentDatabase() "
                        "AND name IN ('sessions', 'session_legs', 'session_links', "
                        "'session_nodes')",
                        false);
    if (!v6) return tl::unexpected(v6.error());
    out.has_sessions = !v6->rows.empty() && v6->rows[0][0].integer == 4;
    if (!out.has_ingests)
        out.note =
            fmt::format("clickhouse {}:{}: no ingests table (made by an older sipdx): each "
                        "capture is looked for in every table before it is written, which "
                        "is slow on large tables; add it on every node with `sipdx ch-schema "
                        "--upgrade-from 3 [--cluster NAME] | clickhouse-client --multiquery`",
                        ch.url().host, ch.url().port);
    return out;
}

} // namespace detail

using detail::ch_tables;
using detail::ChTable;
using detail::column_defs;

std::string clickhouse_columns(std::string_view table) {
    std::string out;
    for (const auto& t : ch_tables()) {
        if (t.name != table) continue;
        for (const auto& [name, type] : column_defs(t.columns))
            out += (out.empty() ? "" : ", ") + name;
    }
    return out;
}

const std::vector<std::string>& clickhouse_tables() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& t : ch_tables())
            out.push_back(t.name);
        return out;
    }();
    return names;
}

namespace {

// CREATE TABLE IF NOT EXISTS for one table: MergeTree, or with a cluster the per-shard table
// and the Distributed table over it.
std::string create_table(const ChTable& t, const std::string& db, const std::string& cluster) {
    const std::string local = cluster.empty() ? t.name : t.name + "_local";
    std::string out = fmt::format("CREATE TABLE IF NOT EXISTS {}.{}\n(\n{}\n)\nENGINE = "
                                  "MergeTree\nPARTITION BY {}\nORDER BY {};\n\n",
                                  db, local, t.columns, t.partition, t.order);
    if (!cluster.empty()) {
        // All rows of a capture on one shard: its batches stay atomic and the dedupe check of
        // a retry sees everything that was written. The captures table is keyed by sha256.
        out += fmt::format("CREATE TABLE IF NOT EXISTS {0}.{1}\n(\n{2}\n)\nENGINE = "
                           "Distributed({3}, {0}, {4}, cityHash64({5}));\n\n",
                           db, t.name, t.columns, cluster, local,
                           t.name == "captures" ? "sha256" : "capture_sha256");
    }
    return out;
}

} // namespace

tl::expected<void, StoreError> check_identifier(std::string_view what, std::string_view name) {
    const bool ok = !name.empty() && name.size() <= k_max_identifier &&
                    !std::isdigit(static_cast<unsigned char>(name[0])) &&
                    std::all_of(name.begin(), name.end(), [](char c) {
                        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                               (c >= '0' && c <= '9');
                    });
    if (ok) return {};
    std::string shown;
    for (const char c : name.substr(0, 80))
        shown += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
    return tl::unexpected(StoreError{
        ErrorKind::rejected,
        fmt::format("{} '{}{}' is not a plain identifier: use ASCII letters, digits and _, not "
                    "starting with a digit, at most {} characters",
                    what, shown, name.size() > 80 ? "..." : "", k_max_identifier)});
}

tl::expected<std::string, StoreError> clickhouse_schema(const ChSchemaOptions& options) {
    // Every name is written into the DDL as it is, so only plain identifiers are accepted.
    if (auto r = check_identifier("--database", options.database); !r)
        return tl::unexpected(r.error());
    if (!options.cluster.empty())
        if (auto r = check_identifier("--cluster", options.cluster); !r)
            return tl::unexpected(r.error());
    for (const auto& t : ch_tables())
        if (auto r = check_identifier("table", t.name); !r) return tl::unexpected(r.error());
    const std::string& db = options.database;
    const bool cluster = !options.cluster.empty();
    if (options.upgrade_from > 0) {
        // ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS: one plain ALTER per column added
        // by the next version, on the local and the Distributed table; tables introduced by
        // that version are created (IF NOT EXISTS).
        std::string out;
        for (const auto& t : ch_tables()) {
            if (t.since > options.upgrade_from + 1) continue;
            if (t.since == options.upgrade_from + 1) {
                out += create_table(t, db, options.cluster);
                continue;
            }
            // Version 4 added a table only.
            const std::string_view columns = options.upgrade_from == 1   ? t.added_since_v1
                                             : options.upgrade_from == 2 ? t.added_since_v2
                                                                         : std::string_view{};
            const std::string added = fmt::format(" {} ", columns);
            for (const auto& [name, type] : column_defs(t.columns)) {
                if (added.find(fmt::format(" {} ", name)) == std::string::npos) continue;
                for (const std::string& table :
                     cluster ? std::vector<std::string>{t.name + "_local", t.name}
                             : std::vector<std::string>{t.name})
                    out +=
                        fmt::format("ALTER TABLE {}.{} ADD COLUMN {} {};\n", db, table, name, type);
            }
        }
        return out;
    }
    std::string out = fmt::format("CREATE DATABASE IF NOT EXISTS {};\n\n", db);
    for (const auto& t : ch_tables())
        out += create_table(t, db, options.cluster);
    (void)cluster;
    out.resize(out.size() - 1);
    return out;
}

} // namespace sipdx::store
