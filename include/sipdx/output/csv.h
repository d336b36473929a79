// The one CSV writer: every CSV the program writes (`calls`, `messages`, `query`, and any
// later table) goes through these calls, so all of them follow the same rules.
//
// RFC 4180: fields separated by ',', every record (the header row too) ended by CRLF, a field
// quoted when it holds ',' '"' CR or LF, with '"' doubled inside.
//
// Spreadsheet formulas: a captured header value is attacker-chosen text, and a spreadsheet
// runs a cell that starts with '=', '+', '-', '@', TAB or CR as a formula. Text fields that
// start with one of them get a single quote (') in front, which the spreadsheet shows as text
// and which a reader of the file can strip. Numbers (CsvField::number) are never changed, and
// neither is a text field that is a plain decimal number ("-12", "+3.5"), which no spreadsheet
// runs. CsvFormulas::keep writes every value as it is (`--csv-formulas keep`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sipdx::output {

enum class CsvFormulas : std::uint8_t { neutralise, keep };

constexpr std::string_view to_string(CsvFormulas f) {
    return f == CsvFormulas::keep ? "keep" : "neutralise";
}
constexpr std::optional<CsvFormulas> parse_csv_formulas(std::string_view name) {
    if (name == "keep") return CsvFormulas::keep;
    if (name == "neutralise" || name == "neutralize") return CsvFormulas::neutralise;
    return std::nullopt;
}

// The program-wide choice, set once at start by the command line (default: neutralise).
void set_csv_formulas(CsvFormulas formulas);
CsvFormulas csv_formulas();

enum class CsvField : std::uint8_t { text, number };

inline constexpr std::string_view csv_line_end = "\r\n";

// True when a spreadsheet would read `value` as a formula (see above).
bool csv_looks_like_formula(std::string_view value);

// One field, without the separator. A text field is neutralised under the program-wide
// choice, or under `formulas` when given.
void append_csv_field(std::string& out, std::string_view value, CsvField kind = CsvField::text);
void append_csv_field(std::string& out, std::string_view value, CsvField kind,
                      CsvFormulas formulas);

// A whole record: the fields with ',' between them and CRLF at the end. `numbers[i]` says
// field i is a number (shorter than `fields`: the rest are text).
void append_csv_record(std::string& out, const std::string_view* fields, std::size_t count,
                       const bool* numbers = nullptr);

} // namespace sipdx::output
