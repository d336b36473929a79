// ITU-T Q.850 cause values and the mappings between Q.850 causes and SIP response codes
// (RFC 3398 section 8.2.6; 3GPP TS 29.163 where it differs). Static data, like response_codes.h.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace sipdx::knowledge {

struct Q850Cause {
    int cause = 0;                 // 1..127
    std::string_view name;         // e.g. "User busy"
    std::string_view cause_class;  // Q.850 class: "normal event", "resource unavailable", ...
    std::string_view meaning;      // in our words, what it tells an engineer
    std::optional<int> sip_code;   // RFC 3398 ISUP-to-SIP mapping, when there is one
    std::string_view mapping_note; // e.g. why 22 maps to 410 or 301
    // A second RFC 3398 mapping that depends on the cause diagnostic (22 -> 301 when the new
    // number is known); nullopt for every other cause.
    std::optional<int> alt_sip_code;
};

// The Q.850 class a cause value in 0..127 belongs to ("normal event" for 0..31, ...), also for
// values Q.850 leaves undefined; empty outside 0..127.
std::string_view q850_class_of(int cause);

// Every Q.850 cause sipdx knows, ascending.
std::span<const Q850Cause> q850_causes();
const Q850Cause* find_q850(int cause);

// SIP-to-Q.850 mapping (RFC 3398 section 8.2.6.2): the cause a gateway sends for `sip_code`.
std::optional<int> q850_for_sip(int sip_code);
// The Q.850 causes whose ISUP-to-SIP mapping yields `sip_code`.
std::span<const int> q850_causes_mapping_to(int sip_code);

// Warning header warn-codes (RFC 3261 section 20.43 and the IANA registry).
struct WarningCode {
    int code = 0;               // 300..399
    std::string_view text;      // registered warn-text, e.g. "Incompatible network protocol"
    std::string_view meaning;   // in our words
    std::string_view reference; // defining document, e.g. "RFC 3261 §20.43", "RFC 5630"
};
std::span<const WarningCode> warning_codes();
const WarningCode* find_warning(int code);

} // namespace sipdx::knowledge
