// SIP request methods (RFC 3261 section 7.1 and the extension RFCs). Methods are
// case-sensitive tokens (RFC 3261 section 7.1): "invite" is an unknown method, not INVITE.
#pragma once

#include <cstdint>
#include <string_view>

namespace sipdx::sip {

enum class Method : std::uint8_t {
    unknown = 0, // an extension method: keep the text (Message::method_text)
    invite,
    ack,
    bye,
    cancel,
    register_,
    options,
    prack,     // RFC 3262
    update,    // RFC 3311
    info,      // RFC 6086
    subscribe, // RFC 6665
    notify,    // RFC 6665
    refer,     // RFC 3515
    message,   // RFC 3428
    publish,   // RFC 3903
};

// Exact, case-sensitive match; Method::unknown for anything else.
Method parse_method(std::string_view token);
// "INVITE", ...; "" for unknown.
std::string_view to_string(Method method);

// RFC 3261 section 25.1 token characters.
bool is_token_char(char c);
bool is_token(std::string_view text);

} // namespace sipdx::sip
