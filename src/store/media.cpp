#include <sipdx/store/media.h>

#include <sipdx/store/database.h>

#include "store/detail/statement.h"

#include <fmt/format.h>

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

} // namespace sipdx::store
