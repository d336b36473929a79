#include <sipdx/store/query.h>

#include <sipdx/analysis/explain.h>
#include <sipdx/analysis/render.h>
#include <sipdx/knowledge/response_codes.h>

#include "store/detail/sql.h"
#include "store/detail/statement.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>
#include <limits>
#include <map>

namespace sipdx::store {

tl::expected<std::int64_t, std::string> parse_time(std::string_view text, std::int64_t now_ns) {
    auto bad = [&] {
        return tl::unexpected(fmt::format(
            "'{}' is not a time (use 2026-05-30, 2026-05-30T12:00:00Z, epoch seconds, or an "
            "age such as 90m, 36h, 7d)",
            text));
    };
    auto out_of_range = [&] {
        return tl::unexpected(fmt::format("'{}' is out of range (times from 1970-01-01 to "
                                          "2262-04-11 UTC, or an age within them)",
                                          text));
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

std::string cell_text(const Cell& c) {
    switch (c.type) {
    case Cell::Type::null:
        return {};
    case Cell::Type::integer:
        return std::to_string(c.integer);
    case Cell::Type::real:
        return fmt::format("{}", c.real);
    case Cell::Type::text:
        return c.text;
    }
    return {};
}

// Display width in code points, so UTF-8 text lines up.
std::size_t width(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80 ? 1 : 0;
    return n;
}

std::string clip(std::string v, std::size_t max) {
    for (char& c : v)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (width(v) <= max) return v;
    std::size_t n = 0, i = 0;
    for (; i < v.size(); ++i) {
        if ((static_cast<unsigned char>(v[i]) & 0xC0) != 0x80 && ++n == max) break;
    }
    return v.substr(0, i) + "~";
}

} // namespace

std::string render(const ResultSet& result, OutputFormat format) {
    std::string out;
    switch (format) {
    case OutputFormat::ndjson:
        for (const auto& row : result.rows) {
            nlohmann::ordered_json j = nlohmann::ordered_json::object();
            for (std::size_t i = 0; i < row.size() && i < result.columns.size(); ++i) {
                const Cell& c = row[i];
                auto& v = j[result.columns[i]];
                switch (c.type) {
                case Cell::Type::null:
                    v = nullptr;
                    break;
                case Cell::Type::integer:
                    v = c.integer;
                    break;
                case Cell::Type::real:
                    v = c.real;
                    break;
                case Cell::Type::text:
                    v = c.text;
                    break;
                }
            }
            out += j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
            out += '\n';
        }
        break;
    case OutputFormat::csv:
    case OutputFormat::tsv: {
        const bool csv = format == OutputFormat::csv;
        const char* eol = csv ? "\r\n" : "\n";
        for (std::size_t i = 0; i < result.columns.size(); ++i) {
            if (i) out += csv ? ',' : '\t';
            out += csv ? analysis::csv_field(result.columns[i])
                       : analysis::tsv_field(result.columns[i]);
        }
        out += eol;
        for (const auto& row : result.rows) {
            for (std::size_t i = 0; i < row.size(); ++i) {
                if (i) out += csv ? ',' : '\t';
                const std::string text = cell_text(row[i]);
                out += csv ? analysis::csv_field(text) : analysis::tsv_field(text);
            }
            out += eol;
        }
        break;
    }
    case OutputFormat::table: {
        constexpr std::size_t max_width = 40;
        std::vector<std::vector<std::string>> cells;
        std::vector<std::size_t> widths;
        for (const auto& c : result.columns)
            widths.push_back(width(clip(c, max_width)));
        for (const auto& row : result.rows) {
            auto& line = cells.emplace_back();
            for (std::size_t i = 0; i < row.size(); ++i) {
                line.push_back(clip(cell_text(row[i]), max_width));
                if (i < widths.size()) widths[i] = std::max(widths[i], width(line.back()));
            }
        }
        auto emit = [&](const std::vector<std::string>& line, const std::vector<Cell>* types) {
            std::string text;
            for (std::size_t i = 0; i < line.size() && i < widths.size(); ++i) {
                if (i) text += "  ";
                const bool number = types && ((*types)[i].type == Cell::Type::integer ||
                                              (*types)[i].type == Cell::Type::real);
                const std::string pad(widths[i] - width(line[i]), ' ');
                text += number ? pad + line[i] : line[i] + pad;
            }
            while (!text.empty() && text.back() == ' ')
                text.pop_back();
            out += text + '\n';
        };
        std::vector<std::string> header;
        for (const auto& c : result.columns)
            header.push_back(clip(c, max_width));
        emit(header, nullptr);
        for (std::size_t r = 0; r < cells.size(); ++r)
            emit(cells[r], &result.rows[r]);
        break;
    }
    }
    return out;
}

std::string render_summary(const std::vector<CodeCount>& rows, OutputFormat format) {
    if (format == OutputFormat::table) {
        std::string out =
            "Responses by class and code          messages  final/tx  final/call-id\n";
        int current = 0;
        for (const auto& row : rows) {
            const int cls = row.code / 100;
            if (cls != current) {
                current = cls;
                auto info = knowledge::status_class(cls);
                out += fmt::format("{}xx {}\n", cls, info ? info->name : std::string_view("?"));
            }
            const std::string label =
                fmt::format("{} {}", row.code, analysis::standard_phrase(row.code));
            out += fmt::format("  {:<34} {:>8}  {:>8}  {:>13}\n", label, row.messages,
                               row.final_transactions, row.final_calls);
        }
        return out;
    }
    ResultSet set;
    set.columns = {"class",    "class_name",         "code",       "reason",
                   "messages", "final_transactions", "final_calls"};
    auto integer = [](std::int64_t v) { return Cell{Cell::Type::integer, v, 0, {}}; };
    auto text = [](std::string_view v) { return Cell{Cell::Type::text, 0, 0, std::string(v)}; };
    for (const auto& row : rows) {
        set.rows.push_back({integer(row.code / 100), text(analysis::class_name(row.code)),
                            integer(row.code), text(analysis::standard_phrase(row.code)),
                            integer(static_cast<std::int64_t>(row.messages)),
                            integer(static_cast<std::int64_t>(row.final_transactions)),
                            integer(static_cast<std::int64_t>(row.final_calls))});
    }
    return render(set, format);
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
