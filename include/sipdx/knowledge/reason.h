// Decoding the Reason (RFC 3326) and Warning (RFC 3261 section 20.43) header values.
// Tolerant: a malformed value is returned with problems listed, never an exception.
#pragma once

#include <sipdx/knowledge/causes.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sipdx::knowledge {

struct ReasonValue {
    std::string protocol;     // as written ("SIP", "Q.850", "EMM", ...)
    std::optional<int> cause; // the cause parameter, when present and numeric
    std::string text;         // the text parameter, quotes removed and escapes undone
    std::vector<std::pair<std::string, std::string>> params; // other parameters, in order
    std::vector<std::string> problems; // what was wrong with this value, if anything
    // The meaning of the cause from the knowledge base ("User busy", "Busy Here", "User ends
    // call", "radio-connection-with-ue-lost"), or empty.
    std::string_view cause_meaning() const;
    // The 3GPP cause table the protocol names (RELEASE_CAUSE, EMM, S1AP-RNL, ...), or nullptr.
    const CauseTableInfo* cause_table() const;
    // The entry of that table for the cause, or nullptr.
    const Cause3gpp* cause_3gpp() const;
};

// A protocol value of the IANA "Reason Protocols" registry: what its cause numbers are.
struct ReasonProtocol {
    std::string_view name;        // as registered, e.g. "Q.850", "EMM", "RELEASE_CAUSE"
    std::string_view description; // what the cause values are, in our words
    std::string_view reference;   // where the cause values are defined
};

// Every registered Reason protocol, in registry order.
std::span<const ReasonProtocol> reason_protocols();
// Case-insensitive lookup; nullptr for an unregistered protocol.
const ReasonProtocol* find_reason_protocol(std::string_view name);

// Parses a Reason header value (the part after "Reason:"), which may hold several
// comma-separated reason-values.
std::vector<ReasonValue> parse_reason(std::string_view header_value);

struct WarningValue {
    int code = 0;      // 0 when the warn-code was missing or malformed
    std::string agent; // warn-agent (host[:port] or pseudonym)
    std::string text;  // warn-text, quotes removed and escapes undone
    std::vector<std::string> problems;
    std::string_view code_meaning() const; // registered meaning, or empty
};

// Parses a Warning header value, which may hold several comma-separated warning-values.
std::vector<WarningValue> parse_warning(std::string_view header_value);

} // namespace sipdx::knowledge
