// multipart bodies (RFC 2046 section 5.1, as used by SIP for SDP + ISUP, SDP + XML ...).
// Lifetime: every view points into the body given.
#pragma once

#include <string_view>
#include <vector>

#include <sipdx/sip/finding.h>
#include <sipdx/sip/headers.h>

namespace sipdx::sip {

struct BodyPart {
    std::string_view headers;      // the part's header lines (may be empty)
    std::string_view content_type; // the part's Content-Type value, or empty
    std::string_view body;         // the part's content (exact bytes, may hold NUL and bare LF)
};

// Splits `body` at "--boundary" delimiters. The preamble and epilogue are dropped. Problems
// (no delimiter found, missing close delimiter) go to the sink.
std::vector<BodyPart> split_multipart(std::string_view body, std::string_view boundary,
                                      const FindingSink& sink = {});

} // namespace sipdx::sip
