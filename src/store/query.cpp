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
#include <map>

namespace sipdx::store {

bool QueryFilter::selects_calls() const {
    return !codes.empty() || !outcomes.empty() || !classes.empty() || !from.empty() ||
           !to.empty() || since_ns.has_value() || until_ns.has_value();
}

tl::expected<std::int64_t, std::string> parse_time(std::string_view text, std::int64_t now_ns) {
    auto bad = [&] {
        return tl::unexpected(fmt::format(
            "'{}' is not a time (use 2026-05-30, 2026-05-30T12:00:00Z, epoch seconds, or an "
            "age such as 90m, 36h, 7d)",
            text));
    };
    if (text.empty()) return bad();
    // An age: digits and one unit.
    const char unit = text.back();
    if (unit == 'm' || unit == 'h' || unit == 'd' || unit == 's') {
        std::int64_t n = 0;
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, n);
        if (ec != std::errc() || p != text.data() + text.size() - 1 || n < 0) return bad();
        const std::int64_t scale = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : 86400;
        return now_ns - n * scale * 1'000'000'000;
    }
    // Epoch seconds with optional fraction.
    if (std::all_of(text.begin(), text.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
        })) {
        double seconds = 0;
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
        if (ec != std::errc() || p != text.data() + text.size()) return bad();
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
    return static_cast<std::int64_t>(timegm(&tm)) * 1'000'000'000 + frac_ns;
}

namespace detail {

std::string quote(std::string_view text, Dialect dialect) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') {
            out += dialect == Dialect::sqlite ? "''" : "\\'";
        } else if (c == '\\' && dialect == Dialect::clickhouse) {
            out += "\\\\";
        } else if (c == '\0') {
            continue; // neither back end keeps NUL in a literal
        } else {
            out += c;
        }
    }
    return out + "'";
}

namespace {
template <typename T, typename F>
std::string in_list(const std::vector<T>& values, F&& format) {
    std::string out;
    for (const auto& v : values) {
        if (!out.empty()) out += ", ";
        out += format(v);
    }
    return out;
}
} // namespace

std::string calls_where(const QueryFilter& f, Dialect dialect) {
    std::vector<std::string> terms;
    auto number = [](int v) { return std::to_string(v); };
    if (!f.codes.empty()) terms.push_back("c.final_code IN (" + in_list(f.codes, number) + ")");
    if (!f.classes.empty()) {
        terms.push_back(
            (dialect == Dialect::sqlite ? "c.final_code / 100" : "intDiv(c.final_code, 100)") +
            std::string(" IN (") + in_list(f.classes, number) + ")");
    }
    if (!f.outcomes.empty()) {
        terms.push_back(
            "c.outcome IN (" +
            in_list(f.outcomes,
                    [&](session::Outcome o) { return quote(session::to_string(o), dialect); }) +
            ")");
    }
    auto contains = [&](std::string_view column, const std::string& needle) {
        return dialect == Dialect::sqlite
                   ? fmt::format("instr({}, {}) > 0", column, quote(needle, dialect))
                   : fmt::format("position({}, {}) > 0", column, quote(needle, dialect));
    };
    if (!f.from.empty()) terms.push_back(contains("c.from_uri", f.from));
    if (!f.to.empty()) terms.push_back(contains("c.to_uri", f.to));
    if (f.since_ns) terms.push_back(fmt::format("c.start_ns >= {}", *f.since_ns));
    if (f.until_ns) terms.push_back(fmt::format("c.start_ns < {}", *f.until_ns));
    if (terms.empty()) return "1";
    std::string out;
    for (const auto& t : terms)
        out += (out.empty() ? "" : " AND ") + t;
    return out;
}

std::string captures_where(const QueryFilter& f, Dialect dialect) {
    if (f.captures.empty()) return "1";
    std::string out;
    for (const auto& c : f.captures) {
        if (!out.empty()) out += " OR ";
        out += fmt::format("cap.name = {}", quote(c, dialect));
        const bool hex =
            c.size() >= 8 && c.size() <= 64 && std::all_of(c.begin(), c.end(), [](char ch) {
                return std::isxdigit(static_cast<unsigned char>(ch));
            });
        if (hex) {
            out +=
                dialect == Dialect::sqlite
                    ? fmt::format(" OR substr(cap.sha256, 1, {}) = {}", c.size(), quote(c, dialect))
                    : fmt::format(" OR startsWith(cap.sha256, {})", quote(c, dialect));
        }
    }
    return "(" + out + ")";
}

std::string call_columns(Dialect dialect) {
    const std::string capture =
        dialect == Dialect::sqlite ? "cap.name AS capture" : "c.capture_name AS capture";
    return capture + ", c.call_id, c.kind, c.first_method, c.from_uri, c.to_uri, c.start_ns, "
                     "c.end_ns, c.final_code, c.final_reason, c.class, c.category, c.outcome, "
                     "c.pdd_ms, c.setup_ms, c.duration_s, c.messages, c.retransmissions, "
                     "c.reason_header, c.warning, c.failed_by, c.icid, c.explanation";
}

void iso_times(ResultSet& result) {
    for (std::size_t i = 0; i < result.columns.size(); ++i) {
        auto& name = result.columns[i];
        if (name != "start_ns" && name != "end_ns") continue;
        name = name == "start_ns" ? "start" : "end";
        for (auto& row : result.rows) {
            if (i >= row.size() || row[i].type != Cell::Type::integer) continue;
            row[i] = Cell{Cell::Type::text, 0, 0, text::iso_time(row[i].integer)};
        }
    }
}

std::vector<CodeCount> merge_counts(const ResultSet& result) {
    std::map<int, CodeCount> by_code;
    for (const auto& row : result.rows) {
        if (row.size() < 4 || row[0].type != Cell::Type::integer) continue;
        auto& c = by_code[static_cast<int>(row[0].integer)];
        c.code = static_cast<int>(row[0].integer);
        c.messages += static_cast<std::uint64_t>(row[1].integer);
        c.final_transactions += static_cast<std::uint64_t>(row[2].integer);
        c.final_calls += static_cast<std::uint64_t>(row[3].integer);
    }
    std::vector<CodeCount> out;
    for (const auto& [code, c] : by_code)
        out.push_back(c);
    return out;
}

} // namespace detail

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

namespace {
// Belt and braces over the read-only connection: ATTACH (which could create a file) and every
// write are refused when the statement is compiled.
int read_only_authorizer(void*, int action, const char*, const char*, const char*, const char*) {
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
        return SQLITE_OK;
    case SQLITE_PRAGMA:
        return SQLITE_OK; // writes through pragmas are stopped by query_only and stmt_readonly
    default:
        return SQLITE_DENY;
    }
}
} // namespace

tl::expected<ResultSet, StoreError> run_sql(Database& db, std::string_view sql) {
    sqlite3_set_authorizer(db.handle(), read_only_authorizer, nullptr);
    struct Reset {
        sqlite3* h;
        ~Reset() { sqlite3_set_authorizer(h, nullptr, nullptr); }
    } reset{db.handle()};
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    const int rc =
        sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &raw, &tail);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(raw);
        auto e = db.error(rc, "--sql");
        e.kind = ErrorKind::rejected;
        return tl::unexpected(e);
    }
    // Adopt the statement so it is finalised on every path.
    struct Adopt {
        sqlite3_stmt* s;
        ~Adopt() { sqlite3_finalize(s); }
    } adopt{raw};
    if (raw == nullptr)
        return tl::unexpected(StoreError{ErrorKind::rejected, "--sql: no statement given"});
    std::string_view rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
    while (!rest.empty() &&
           (std::isspace(static_cast<unsigned char>(rest.front())) || rest.front() == ';'))
        rest.remove_prefix(1);
    if (!rest.empty())
        return tl::unexpected(StoreError{ErrorKind::rejected, "--sql: one statement only"});
    if (!sqlite3_stmt_readonly(raw))
        return tl::unexpected(StoreError{
            ErrorKind::rejected,
            fmt::format("{}: --sql is read-only: the statement would change the database",
                        db.path())});
    ResultSet set;
    const int n = sqlite3_column_count(raw);
    for (int i = 0; i < n; ++i)
        set.columns.emplace_back(sqlite3_column_name(raw, i));
    for (;;) {
        const int step = sqlite3_step(raw);
        if (step == SQLITE_DONE) break;
        if (step != SQLITE_ROW) return tl::unexpected(db.error(step, "--sql"));
        auto& row = set.rows.emplace_back();
        for (int i = 0; i < n; ++i) {
            Cell c;
            switch (sqlite3_column_type(raw, i)) {
            case SQLITE_INTEGER:
                c.type = Cell::Type::integer;
                c.integer = sqlite3_column_int64(raw, i);
                break;
            case SQLITE_FLOAT:
                c.type = Cell::Type::real;
                c.real = sqlite3_column_double(raw, i);
                break;
            case SQLITE_NULL:
                break;
            default: {
                c.type = Cell::Type::text;
                const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(raw, i));
                c.text.assign(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(raw, i)));
            }
            }
            row.push_back(std::move(c));
        }
    }
    return set;
}

} // namespace sipdx::store
