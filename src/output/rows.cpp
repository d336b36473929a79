#include <sipdx/output/rows.h>

#include <sipdx/analysis/explain.h>
#include <sipdx/knowledge/response_codes.h>
#include <sipdx/output/csv.h>
#include <sipdx/output/table.h>
#include <sipdx/text/escape.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace sipdx::output {

using store::Cell;
using store::CodeCount;
using store::ResultSet;

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

bool is_number(const Cell& c) {
    return c.type == Cell::Type::integer || c.type == Cell::Type::real;
}

std::string render_table(const ResultSet& result, std::size_t max_width) {
    constexpr std::size_t max_cell_width = 40;
    std::vector<Column> columns;
    for (const auto& name : result.columns)
        columns.push_back({name, 0, Align::left, max_cell_width});
    if (max_width > 0) {
        // Short columns (times, codes, names) keep their values whole when the line has room
        // for them; the long ones (Call-IDs, URIs, text) narrow first.
        constexpr std::size_t short_column = 27;
        std::vector<std::size_t> natural(columns.size());
        for (std::size_t i = 0; i < columns.size(); ++i) {
            natural[i] = display_width(columns[i].name);
            for (const auto& row : result.rows)
                if (i < row.size())
                    natural[i] = std::max(natural[i], display_width(cell_text(row[i])));
        }
        std::size_t floors = 2 * columns.size();
        for (std::size_t i = 0; i < columns.size(); ++i)
            floors += natural[i] <= short_column ? natural[i] : 8;
        std::size_t headers = 2 * columns.size();
        for (const auto& c : columns)
            headers += display_width(c.name);
        if (floors <= max_width) {
            for (std::size_t i = 0; i < columns.size(); ++i)
                if (natural[i] <= short_column) columns[i].min_width = natural[i];
        } else if (headers <= max_width) {
            // At least every header whole: the names are what the machine formats use.
            for (auto& c : columns)
                c.min_width = display_width(c.name);
        }
    }
    // Built in one expression: GCC 12 at -O2 warns of an uninitialised read when the separator
    // is assigned after construction (a false -Wmaybe-uninitialized in basic_string).
    const TableOptions options{.separator = "  ", .max_width = max_width};
    TableWriter table(std::move(columns), options);
    std::vector<std::vector<std::string>> rows;
    std::vector<std::vector<Align>> aligns;
    for (const auto& row : result.rows) {
        auto& texts = rows.emplace_back();
        auto& align = aligns.emplace_back();
        for (const auto& cell : row) {
            texts.push_back(cell_text(cell));
            align.push_back(is_number(cell) ? Align::right : Align::left);
        }
    }
    table.fit(rows);
    std::string out;
    table.write_header(out);
    for (std::size_t r = 0; r < rows.size(); ++r)
        table.write_row(out, rows[r], aligns[r]);
    return out;
}

} // namespace

std::string render_rows(const ResultSet& result, Format format, std::size_t max_width) {
    std::string out;
    switch (format) {
    case Format::ndjson:
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
    case Format::csv:
        for (std::size_t i = 0; i < result.columns.size(); ++i) {
            if (i) out += ',';
            append_csv_field(out, result.columns[i]);
        }
        out += csv_line_end;
        for (const auto& row : result.rows) {
            for (std::size_t i = 0; i < row.size(); ++i) {
                if (i) out += ',';
                append_csv_field(out, cell_text(row[i]),
                                 is_number(row[i]) ? CsvField::number : CsvField::text);
            }
            out += csv_line_end;
        }
        break;
    case Format::tsv:
        for (std::size_t i = 0; i < result.columns.size(); ++i) {
            if (i) out += '\t';
            text::append_tsv(out, result.columns[i]);
        }
        out += '\n';
        for (const auto& row : result.rows) {
            for (std::size_t i = 0; i < row.size(); ++i) {
                if (i) out += '\t';
                text::append_tsv(out, cell_text(row[i]));
            }
            out += '\n';
        }
        break;
    case Format::table:
        out = render_table(result, max_width);
        break;
    }
    return out;
}

std::string render_code_summary(const std::vector<CodeCount>& rows, Format format) {
    if (format == Format::table) {
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
    return render_rows(set, format);
}

} // namespace sipdx::output
