#include <sipdx/store/media.h>

#include <sipdx/store/clickhouse.h>
#include <sipdx/store/database.h>

#include "store/detail/clickhouse.h"
#include "store/detail/clickhouse_rows.h"
#include "store/detail/sql.h"
#include "store/detail/statement.h"

#include <fmt/format.h>

#include <algorithm>

namespace sipdx::store {

namespace {

std::string endpoint(const decode::Address& a, std::uint16_t port) {
    if (a.family == 6) return fmt::format("[{}]:{}", a.to_string(), port);
    return fmt::format("{}:{}", a.to_string(), port);
}

} // namespace

tl::expected<std::uint64_t, StoreError> write_media_streams(const std::string& path,
                                                            const std::string& capture_sha256,
                                                            const media::MediaAnalyzer& media) {
    auto db = Database::open(path);
    if (!db) return tl::unexpected(db.error());
    auto find = detail::Statement::prepare(
        *db, "SELECT id FROM captures WHERE sha256 = ?1 AND state = 'complete'");
    if (!find) return tl::unexpected(find.error());
    find->bind(1, std::string_view(capture_sha256));
    if (sqlite3_step(find->get()) != SQLITE_ROW)
        return tl::unexpected(
            StoreError{ErrorKind::argument,
                       fmt::format("{}: no complete capture {} is stored", path, capture_sha256)});
    const std::int64_t capture_id = sqlite3_column_int64(find->get(), 0);
    if (auto ok = db->exec("BEGIN IMMEDIATE"); !ok) return tl::unexpected(ok.error());
    auto rollback = [&](StoreError e) {
        (void)db->exec("ROLLBACK");
        return tl::unexpected(std::move(e));
    };
    auto clear = detail::Statement::prepare(*db, "DELETE FROM media_streams WHERE capture_id = ?1");
    if (!clear) return rollback(clear.error());
    clear->bind(1, capture_id);
    if (sqlite3_step(clear->get()) != SQLITE_DONE) return rollback(db->error("delete media rows"));
    auto insert = detail::Statement::prepare(
        *db, "INSERT INTO media_streams VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
             "?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)");
    if (!insert) return rollback(insert.error());
    std::uint64_t rows = 0;
    for (const auto& s : media.streams()) {
        auto& st = *insert;
        st.reset();
        const auto& q = s.quality;
        const std::string src = endpoint(s.src, s.sport);
        const std::string dst = endpoint(s.dst, s.dport);
        const std::string model = q.model_text();
        const std::string findings = media::findings_text(s.findings);
        st.bind(1, capture_id);
        st.bind(2, std::string_view(s.call_id));
        st.bind(3, s.ssrc);
        st.bind(4, std::string_view(src));
        st.bind(5, std::string_view(dst));
        st.bind(6, std::string_view(s.from_party));
        st.bind(7, std::string_view(s.matched_by));
        st.bind(8, s.payload_type);
        st.bind(9, std::string_view(s.codec));
        st.bind(10, static_cast<std::int64_t>(s.first_ns));
        st.bind(11, static_cast<std::int64_t>(s.last_ns));
        st.bind(12, s.packets);
        st.bind(13, s.expected);
        st.bind(14, static_cast<std::int64_t>(s.lost));
        st.bind(15, s.loss_pct);
        st.bind(16, s.duplicates);
        st.bind(17, s.out_of_order);
        st.bind(18, s.loss_bursts);
        st.bind(19, s.max_jitter_ms);
        st.bind(20, s.mean_jitter_ms);
        st.bind(21, s.max_delta_ms);
        st.bind(22, std::string_view(s.dtmf_digits));
        st.bind(23, s.rtcp.rtt_ms);
        st.bind(24, q.score ? std::optional<double>(q.score->r) : std::nullopt);
        st.bind(25, q.score ? std::optional<double>(q.score->mos) : std::nullopt);
        st.bind(26, std::string_view(model));
        st.bind(27, std::string_view(findings));
        if (sqlite3_step(st.get()) != SQLITE_DONE) return rollback(db->error("insert media row"));
        ++rows;
    }
    if (auto ok = db->exec("COMMIT"); !ok) return rollback(ok.error());
    return rows;
}

namespace {

// One media_streams row as TabSeparated text, in the column order of clickhouse_schema.cpp.
void append_ch_stream(std::string& o, std::string_view sha256, const media::StreamReport& s) {
    using detail::ch::num;
    using detail::ch::real;
    using detail::ch::tsv;
    const auto& q = s.quality;
    auto text = [&](std::string_view v) {
        tsv(o, v);
        o += '\t';
    };
    auto number = [&](auto v) {
        num(o, v);
        o += '\t';
    };
    auto decimal = [&](std::optional<double> v) {
        real(o, v);
        o += '\t';
    };
    text(sha256);
    text(s.call_id);
    number(s.ssrc);
    text(endpoint(s.src, s.sport));
    text(endpoint(s.dst, s.dport));
    text(s.from_party);
    text(s.matched_by);
    number(std::clamp(s.payload_type, 0, 255));
    text(s.codec);
    number(detail::ch::seconds(s.first_ns));
    number(s.first_ns);
    number(s.last_ns);
    number(s.packets);
    number(s.expected);
    number(s.lost);
    decimal(s.loss_pct);
    number(s.duplicates);
    number(s.out_of_order);
    number(s.loss_bursts);
    decimal(s.max_jitter_ms);
    decimal(s.mean_jitter_ms);
    decimal(s.max_delta_ms);
    text(s.dtmf_digits);
    decimal(s.rtcp.rtt_ms);
    decimal(q.score ? std::optional<double>(q.score->r) : std::nullopt);
    decimal(q.score ? std::optional<double>(q.score->mos) : std::nullopt);
    text(q.model_text());
    tsv(o, media::findings_text(s.findings));
    o += '\n';
}

} // namespace

tl::expected<std::uint64_t, StoreError>
write_media_streams_clickhouse(const std::string& url, const ClickHouseOptions& options,
                               const std::string& capture_sha256,
                               const media::MediaAnalyzer& media) {
    auto ch = ClickHouse::connect(url, options);
    if (!ch) return tl::unexpected(ch.error());
    auto count = [&](const std::string& sql) -> tl::expected<std::uint64_t, StoreError> {
        auto r = ch->select(sql, false);
        if (!r) return tl::unexpected(r.error());
        if (r->rows.empty() || r->rows[0].empty()) return 0;
        return static_cast<std::uint64_t>(r->rows[0][0].integer);
    };
    auto table = count("SELECT count() FROM system.tables WHERE database = currentDatabase() AND "
                       "name = 'media_streams'");
    if (!table) return tl::unexpected(table.error());
    if (*table == 0)
        return tl::unexpected(detail::server_error(
            ch->url(), "no media_streams table (made by an older sipdx): add it on every node "
                       "with `sipdx ch-schema --upgrade-from 4 [--cluster NAME] | "
                       "clickhouse-client --multiquery`"));
    const std::string check =
        fmt::format("SELECT count() FROM media_streams WHERE capture_sha256 = {}",
                    detail::quote(capture_sha256, detail::Dialect::clickhouse));
    auto stored = count(check);
    if (!stored) return tl::unexpected(stored.error());
    if (*stored > 0) return *stored;
    std::string rows;
    for (const auto& s : media.streams())
        append_ch_stream(rows, capture_sha256, s);
    const std::uint64_t n = media.streams().size();
    if (n == 0) return 0;
    // A lost answer may hide a written INSERT: the retry first counts the capture's rows.
    auto r = ch->request_with_retry(fmt::format("INSERT INTO media_streams ({}) FORMAT "
                                                "TabSeparated",
                                                clickhouse_columns("media_streams")),
                                    rows, false, [&] {
                                        auto seen = count(check);
                                        return seen && *seen == n;
                                    });
    if (!r) return tl::unexpected(r.error());
    return n;
}

} // namespace sipdx::store
