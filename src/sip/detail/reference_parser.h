// A deliberately simple reference parser (std::string based, line by line, no views, no
// speed tricks), kept beside the fast one so that tests and the fuzzer can check that both read
// the same start line, headers and transaction fields (the ada url / url_aggregator idea).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sipdx/sip/message.h>

namespace sipdx::sip::detail {

// What both parsers must agree on. Header values are compared with LWS runs (folds included)
// collapsed to one SP; names are canonical (compact forms expanded) and lower-cased.
struct Summary {
    bool request = true;
    std::string method;
    std::string request_uri;
    int status = 0;
    std::string reason;
    std::string call_id;
    std::uint32_t cseq = 0;
    std::string cseq_method;
    std::string from_tag;
    std::string to_tag;
    std::string branch;
    std::string sent_by;
    bool has_content_length = false;
    std::uint32_t content_length = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::size_t body_length = 0;
    bool headers_complete = false;

    bool operator==(const Summary&) const = default;
};

// Parses one datagram-framed message (body = rest of input, cut at Content-Length).
Summary reference_parse(std::string_view bytes);
// The same fields read from the fast parser's Message.
Summary summarize(const Message& message);
// Human-readable difference, "" when equal (for test and fuzzer messages).
std::string describe_difference(const Summary& a, const Summary& b);

} // namespace sipdx::sip::detail
