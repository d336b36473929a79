// Turning what a user pastes into `sipdx explain` into a lookup: a bare response code, a status
// line ("SIP/2.0 503 Service Unavailable", "486 Busy Here", "Status: 486 Busy Here"), a Reason /
// Warning header line or a bare Reason value ("Q.850;cause=17"), a class ("4xx") or a word
// ("busy") that names codes.
#pragma once

#include <sipdx/knowledge/causes.h>
#include <sipdx/knowledge/response_codes.h>

#include <tl/expected.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sipdx::knowledge {

enum class QueryKind {
    response_code,  // "486", "486 Busy Here", "SIP/2.0 486 Busy Here", "Status: 486 Busy Here"
    reason_header,  // "Reason: Q.850;cause=17", or the bare value "Q.850;cause=17"
    warning_header, // "Warning: 399 host \"text\""
    access_network, // "P-Access-Network-Info: 3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=..."
    response_class, // "4xx", "4XX"
    search,         // "busy", "not found": words of reason phrases and meanings
};

struct Query {
    QueryKind kind = QueryKind::response_code;
    int code = 0;             // response_code: 100..699; response_class: 1..6
    std::string header_value; // reason_header / warning_header / access_network: after the colon
    std::string term;         // search: the words, trimmed
};

// Why an input is not a query: a code to branch on and one line fit for stderr, e.g.
// "'700' is not a SIP response code (expected 100-699)".
enum class QueryErrorCode : std::uint8_t {
    empty,        // nothing but white space
    malformed,    // not digits where a code was expected, or a status line without a code
    out_of_range, // a number outside the range of what was asked for
    no_match,     // words that name no registered response code
};
struct QueryError {
    QueryErrorCode code = QueryErrorCode::malformed;
    std::string message;
};

// Classifies one input.
tl::expected<Query, QueryError> parse_query(std::string_view input);

// The registered codes a word or phrase names, in code order: codes whose reason phrase (or a
// phrase seen for it on the wire) contains `term`, case-insensitively; when none does, codes
// whose meaning or category does. Empty when nothing matches.
std::vector<const ResponseCode*> search_codes(std::string_view term);

// A class as "4xx" / "4XX" (or "4" when `bare_digit`): 1..6, else nullopt.
std::optional<int> parse_response_class(std::string_view input, bool bare_digit = false);

// A response code as a bare number or inside a status line; 100..699 only.
tl::expected<int, QueryError> parse_response_code(std::string_view input);

// A Q.850 cause value for `explain --q850`: digits in 0..127 (values Q.850 leaves undefined are
// accepted and explained by their class).
tl::expected<int, QueryError> parse_q850_cause(std::string_view input);

// A warn-code for `explain --warning`: three digits in 300..399.
tl::expected<int, QueryError> parse_warn_code(std::string_view input);

// A 3GPP cause for `explain --cause`: a table and a value, "emm:15", "EMM=15", "s1ap-rnl:21",
// "RELEASE_CAUSE:1" (table names as find_cause_table() takes them); the value in 0..max_value of
// the table. Values the table does not list are accepted and explained as such.
struct CauseQuery {
    const CauseTableInfo* table = nullptr;
    int value = 0;
};
tl::expected<CauseQuery, QueryError> parse_cause_query(std::string_view input);
// A value of one table, for `explain --release-cause N` and the like.
tl::expected<CauseQuery, QueryError> parse_cause_value(CauseTable table, std::string_view input);

} // namespace sipdx::knowledge
