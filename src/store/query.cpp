#include <sipdx/store/query.h>

#include <sipdx/text/time.h>

#include "store/detail/sql.h"
#include "store/detail/statement.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>
#include <limits>
#include <map>

namespace sipdx::store {

tl::expected<std::int64_t, StoreError> parse_time(std::string_view text, std::int64_t now_ns) {
    auto bad = [&] {
        return tl::unexpected(StoreError{
            ErrorKind::argument,
            fmt::format("'{}' is not a time (use 2026-05-30, 2026-05-30T12:00:00Z, epoch "
                        "seconds, or an age such as 90m, 36h, 7d)",
                        text)});
    };
    auto out_of_range = [&] {
        return tl::unexpected(StoreError{
            ErrorKind::argument, fmt::format("'{}' is out of range (times from 1970-01-01 to "
                                             "2262-04-11 UTC, or an age within them)",
                                             text)});
    };
    constexpr std::int64_t max_ns = std::numeric_limits<std::int64_t>::max();
    // 2^63 exactly: every double below it converts to an int64.
    constexpr double max_ns_as_double = 9'223'372'036'854'775'808.0;
    if (text.empty()) return bad();
    // An age: digits and one unit.
    const char unit = text.back();
    if (unit == 'm' || unit == 'h' || unit == 'd' || unit == 's') {
        std::int64_t n = 0;
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, n);
        if (ec != std::errc() || p != text.data() + text.size() - 1 || n < 0) return bad();
        const std::int64_t scale = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : 86400;
        // An age reaching before 1970 (or beyond what the arithmetic holds) names no stored time.
        if (n > now_ns / (scale * 1'000'000'000)) return out_of_range();
        return now_ns - n * scale * 1'000'000'000;
    }
    // Epoch seconds with optional fraction.
    if (std::all_of(text.begin(), text.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
        })) {
        double seconds = 0;
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
        if (ec != std::errc() || p != text.data() + text.size()) return bad();
        // Checked before the conversion: a double beyond int64 has no defined integer value
        // (99999999999 seconds came back as the smallest time and selected every row).
        if (!(seconds * 1e9 < max_ns_as_double)) return out_of_range();
        return static_cast<std::int64_t>(std::llround(seconds * 1e9));
    }
    // ISO 8601 date with optional time (T or space), fraction and Z.
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    std::int64_t frac_ns = 0;
    std::size_t pos = 0;
    auto number = [&](std::size_t digits, int& out) {
        if (pos + digits > text.size()) return false;
        auto [p, ec] = std::from_chars(text.data() + pos, text.data() + pos + digits, out);
        if (ec != std::errc() || p != text.data() + pos + digits) return false;
        pos += digits;
        return true;
    };
    auto expect = [&](char c) {
        if (pos < text.size() && text[pos] == c) {
            ++pos;
            return true;
        }
        return false;
    };
    if (!number(4, y) || !expect('-') || !number(2, mo) || !expect('-') || !number(2, d))
        return bad();
    if (pos < text.size()) {
        if (!expect('T') && !expect(' ')) return bad();
        if (!number(2, h) || !expect(':') || !number(2, mi)) return bad();
        if (expect(':')) {
            if (!number(2, s)) return bad();
            if (expect('.')) {
                std::int64_t scale = 100'000'000;
                while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
                    frac_ns += (text[pos] - '0') * scale;
                    scale /= 10;
                    ++pos;
                }
            }
        }
        expect('Z');
        if (pos != text.size()) return bad();
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return bad();
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    const std::int64_t epoch = static_cast<std::int64_t>(timegm(&tm));
    if (epoch < 0 || epoch > (max_ns - frac_ns) / 1'000'000'000) return out_of_range();
    return epoch * 1'000'000'000 + frac_ns;
}

namespace {

tl::expected<ResultSet, StoreError> fetch(Database& db, detail::Statement& s) {
    ResultSet set;
    const int n = sqlite3_column_count(s.get());
    for (int i = 0; i < n; ++i)
        set.columns.emplace_back(sqlite3_column_name(s.get(), i));
    for (;;) {
        const int rc = s.step();
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) return tl::unexpected(db.error(rc, "query"));
        auto& row = set.rows.emplace_back();
        row.reserve(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) {
            Cell c;
            switch (sqlite3_column_type(s.get(), i)) {
            case SQLITE_INTEGER:
                c.type = Cell::Type::integer;
                c.integer = sqlite3_column_int64(s.get(), i);
                break;
            case SQLITE_FLOAT:
                c.type = Cell::Type::real;
                c.real = sqlite3_column_double(s.get(), i);
                break;
            case SQLITE_NULL:
                break;
            default:
                c.type = Cell::Type::text;
                c.text = std::string(s.column_text(i));
            }
            row.push_back(std::move(c));
        }
    }
    return set;
}

tl::expected<ResultSet, StoreError> query(Database& db, const std::string& sql) {
    auto s = detail::Statement::prepare(db, sql);
    if (!s) return tl::unexpected(s.error());
    return fetch(db, *s);
}

} // namespace

tl::expected<ResultSet, StoreError> select_calls(Database& db, const QueryFilter& filter,
                                                 std::size_t limit) {
    using detail::Dialect;
    std::string sql = fmt::format(
        "SELECT {} FROM calls c JOIN captures cap ON cap.id = c.capture_id "
        "WHERE cap.state = 'complete' AND {} AND {} ORDER BY c.start_ns, c.call_id",
        detail::call_columns(Dialect::sqlite), detail::captures_where(filter, Dialect::sqlite),
        detail::calls_where(filter, Dialect::sqlite));
    if (limit > 0) sql += fmt::format(" LIMIT {}", limit);
    auto result = query(db, sql);
    if (result) detail::iso_times(*result);
    return result;
}

tl::expected<std::vector<CodeCount>, StoreError> summary(Database& db, const QueryFilter& filter) {
    using detail::Dialect;
    const std::string captures = detail::captures_where(filter, Dialect::sqlite);
    std::string sql;
    if (!filter.selects_calls()) {
        sql = fmt::format(
            "SELECT cc.code, sum(cc.messages), sum(cc.final_transactions), sum(cc.final_calls) "
            "FROM code_counts cc JOIN captures cap ON cap.id = cc.capture_id "
            "WHERE cap.state = 'complete' AND {} GROUP BY cc.code ORDER BY cc.code",
            captures);
    } else {
        // Messages belong to the selection through their Call-ID within their capture (as in
        // ClickHouse): every record of a selected call's Call-ID, then their messages by
        // messages.call.
        sql = fmt::format(
            "WITH sel AS (SELECT c.id, c.capture_id, c.call_id, c.final_code FROM calls c "
            "JOIN captures cap ON cap.id = c.capture_id "
            "WHERE cap.state = 'complete' AND {} AND {}) "
            "SELECT code, sum(m), sum(t), sum(f) FROM ("
            " SELECT m.status AS code, count(*) AS m, 0 AS t, 0 AS f FROM messages m"
            "  WHERE m.kind = 'response' AND m.status BETWEEN 100 AND 699"
            "  AND (m.capture_id, m.call) IN (SELECT c2.capture_id, c2.id FROM sel"
            "   JOIN calls c2 ON c2.capture_id = sel.capture_id AND c2.call_id = sel.call_id)"
            "  GROUP BY m.status"
            " UNION ALL SELECT cf.code, 0, sum(cf.count), 0 FROM call_finals cf"
            "  WHERE cf.code BETWEEN 100 AND 699 AND cf.call IN (SELECT id FROM sel)"
            "  GROUP BY cf.code"
            " UNION ALL SELECT final_code, 0, 0, count(*) FROM sel"
            "  WHERE final_code BETWEEN 100 AND 699 GROUP BY final_code"
            ") GROUP BY code ORDER BY code",
            captures, detail::calls_where(filter, Dialect::sqlite));
    }
    auto result = query(db, sql);
    if (!result) return tl::unexpected(result.error());
    return detail::merge_counts(*result);
}

tl::expected<std::uint64_t, StoreError> partial_message_captures(Database& db,
                                                                 const QueryFilter& filter) {
    auto result = query(db, fmt::format("SELECT count(*) FROM captures cap WHERE cap.state = "
                                        "'complete' AND cap.message_rows != 'all' AND {}",
                                        detail::captures_where(filter, detail::Dialect::sqlite)));
    if (!result) return tl::unexpected(result.error());
    if (result->rows.empty()) return 0;
    return static_cast<std::uint64_t>(result->rows[0][0].integer);
}

} // namespace sipdx::store
