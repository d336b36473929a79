// Turning what a user pastes into `sipdx explain` into a lookup: a bare response code, a status
// line ("SIP/2.0 503 Service Unavailable"), or a Reason / Warning header line.
#pragma once

#include <tl/expected.hpp>

#include <string>
#include <string_view>

namespace sipdx::knowledge {

enum class QueryKind {
    response_code,  // "486", "SIP/2.0 486 Busy Here"
    reason_header,  // "Reason: Q.850;cause=17"
    warning_header, // "Warning: 399 host \"text\""
};

struct Query {
    QueryKind kind = QueryKind::response_code;
    int code = 0;             // response_code: 100..699
    std::string header_value; // reason_header / warning_header: the part after the colon
};

// Classifies one input. The error is a one-line message fit for stderr, e.g.
// "'700' is not a SIP response code (expected 100-699)".
tl::expected<Query, std::string> parse_query(std::string_view input);

// A response code as a bare number or inside a status line; 100..699 only.
tl::expected<int, std::string> parse_response_code(std::string_view input);

// A Q.850 cause value for `explain --q850`: digits in 0..127 (values Q.850 leaves undefined are
// accepted and explained by their class).
tl::expected<int, std::string> parse_q850_cause(std::string_view input);

// A warn-code for `explain --warning`: three digits in 300..399.
tl::expected<int, std::string> parse_warn_code(std::string_view input);

} // namespace sipdx::knowledge
