// The one choice of record format shared by `messages`, `live`, `calls` and `query`.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sipdx::output {

// table: aligned columns for a terminal; ndjson: one JSON object per line; csv: RFC 4180 with a
// header row and CRLF; tsv: a header row, tab separated, LF.
enum class Format : std::uint8_t { table, ndjson, csv, tsv };

constexpr std::string_view to_string(Format format) {
    switch (format) {
    case Format::table:
        return "table";
    case Format::ndjson:
        return "ndjson";
    case Format::csv:
        return "csv";
    case Format::tsv:
        return "tsv";
    }
    return "table";
}

// "table", "ndjson", "csv" or "tsv"; nothing for any other name.
constexpr std::optional<Format> parse_format(std::string_view name) {
    for (const auto f : {Format::table, Format::ndjson, Format::csv, Format::tsv})
        if (to_string(f) == name) return f;
    return std::nullopt;
}

} // namespace sipdx::output
