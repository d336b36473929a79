// The one severity scale of every finding in sipdx: parser (sip::Finding), tracker
// (session::FindingCode) and analysis rank and print the same three values. It lives in the
// knowledge floor because it is shared meaning, not a stage's data: every stage may include a
// floor, so no stage has to depend on another just to name how bad a finding is. The spelled
// names are stored in databases and printed in outputs: never rename them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sipdx::knowledge {

enum class Severity : std::uint8_t {
    info,    // worth knowing, nothing is wrong (e.g. an unknown method, a retransmission)
    warning, // off the grammar or suspicious, but a liberal receiver copes
    error,   // malformed or failed: a strict receiver rejects it, or the exchange broke
};

// "info", "warning", "error".
constexpr std::string_view to_string(Severity severity) {
    switch (severity) {
    case Severity::info:
        return "info";
    case Severity::warning:
        return "warning";
    case Severity::error:
        return "error";
    }
    return "error";
}

// Inverse of to_string (exact match).
constexpr std::optional<Severity> parse_severity(std::string_view text) {
    for (auto s : {Severity::info, Severity::warning, Severity::error})
        if (to_string(s) == text) return s;
    return std::nullopt;
}

} // namespace sipdx::knowledge
