// The selection as SQL text for both back ends (detail/sql.h): literals escaped per dialect,
// the record filter and --capture as WHERE clauses, and the call columns and summary rows.
#include "store/detail/sql.h"

#include <sipdx/analysis/record_filter.h>
#include <sipdx/text/time.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace sipdx::store {

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

std::string calls_where(const analysis::RecordFilter& f, Dialect dialect) {
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
    if (!f.kinds.empty()) {
        terms.push_back(
            "c.kind IN (" +
            in_list(f.kinds,
                    [&](session::Kind k) { return quote(session::to_string(k), dialect); }) +
            ")");
    }
    // Case-sensitive in both: SQLite compares TEXT with BINARY unless told otherwise.
    if (!f.methods.empty()) {
        terms.push_back(
            "c.first_method IN (" +
            in_list(f.methods, [&](const std::string& m) { return quote(m, dialect); }) + ")");
    }
    if (!f.call_id.empty()) terms.push_back("c.call_id = " + quote(f.call_id, dialect));
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
    // from and to are named as in `calls` (the table columns keep the _uri names).
    return capture + ", c.call_id, c.kind, c.first_method, c.from_uri AS \"from\", "
                     "c.to_uri AS \"to\", c.start_ns, "
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

} // namespace sipdx::store
