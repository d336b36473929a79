// The SIP response-code knowledge base: every code of the IANA "SIP Response Codes" registry
// with its class, diagnostic category, meaning, IMS context, retry semantics and next checks.
//
// All text is static data compiled into the library: every string_view and span returned here
// points into it and stays valid for the life of the program.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace sipdx::knowledge {

// The diagnostic taxonomy (docs/response-codes.md explains each). One category per code.
enum class Category {
    progress,            // 1xx: the request is being worked on
    success,             // 2xx
    redirection,         // 3xx: try another target
    request_error,       // the request itself is malformed or unsuitable
    authentication,      // credentials wanted or wrong (401, 407, 494, ...)
    policy,              // authorization / policy refusal (403, 603, 608, ...)
    capability_mismatch, // media, method, extension or format not supported (415, 420, 488, ...)
    reachability,        // target temporarily not reachable (480, 486, 410, ...)
    dialog_state,        // transaction / dialog state problems (481, 487, 491, ...)
    server_error,        // overload / server trouble (500, 503, ...)
    network_timeout,     // timeouts and network path trouble (408, 504, ...)
    global_final,        // 6xx: stop, do not try elsewhere
};

inline constexpr int category_count = 12;

// Stable identifier used in JSON/CSV output, e.g. "capability-mismatch".
std::string_view category_id(Category category);
// Short human label, e.g. "Capability mismatch".
std::string_view category_label(Category category);
// One sentence saying what the category means.
std::string_view category_description(Category category);
// Parses a category identifier as category_id() prints it.
std::optional<Category> parse_category(std::string_view id);

// One SIP response code.
struct ResponseCode {
    int code = 0;            // 100..699
    std::string_view reason; // the registered reason phrase, exact
    Category category = Category::progress;
    bool registered = true;                        // false for a code explained by its class only
    std::span<const std::string_view> references;  // "RFC 3261", "3GPP TS 24.229", ...
    std::string_view meaning;                      // what it means, in our words
    std::string_view ims_context;                  // which IMS nodes send it, in which procedures
    std::string_view retry;                        // may the UAC retry, when, how
    std::span<const std::string_view> next_checks; // 2-5 concrete things to check next
    std::span<const int> related;                  // related codes worth comparing
    // Other phrases met for this code on the wire or in older documents (RFC 2543 names,
    // common vendor variants). The reason phrase on the wire is free text (RFC 3261 section
    // 7.2): match on the code, never on the phrase.
    std::span<const std::string_view> seen_phrases;
    bool deprecated = false; // registered, but a later RFC says not to send it (202)
    // The code whose entry explains this one: `code` itself when registered, the class's x00
    // otherwise (RFC 3261 section 8.1.3.2).
    int treated_as = 0;

    int status_class() const { return code / 100; }
};

// The six response classes (RFC 3261 section 7.2).
struct StatusClass {
    int number = 0;               // 1..6
    std::string_view name;        // "Provisional", "Success", "Redirection", ...
    std::string_view fast_answer; // the one-sentence reading of the first digit
};

// The class for 1..6; nullopt otherwise.
std::optional<StatusClass> status_class(int number);

// The six classes, 1 to 6.
std::span<const StatusClass> status_classes();

// Every category, in enum order (category_count of them).
std::span<const Category> all_categories();

// Every registered code, in ascending numeric order.
std::span<const ResponseCode> registered_codes();

// The registered entry for `code`, or nullopt when the code is not registered.
const ResponseCode* find_registered(int code);

// Explains any code in 100..699: the registered entry, or (RFC 3261 section 8.1.3.2) an entry
// built from the class's x00 code with registered = false and the code's own number.
// nullopt for numbers outside 100..699.
std::optional<ResponseCode> explain_code(int code);

} // namespace sipdx::knowledge
