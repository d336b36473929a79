// SIP test messages are written with plain newlines in raw strings; crlf() gives them the CRLF
// line ends of the wire (RFC 3261 section 7).
#pragma once

#include <string>
#include <string_view>

namespace sipdx::sip::test {

inline std::string crlf(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

} // namespace sipdx::sip::test
