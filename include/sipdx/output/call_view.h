// One Call-ID in detail (`sipdx calls CAPTURE --call ID`): its record field by field, the
// plain-words explanation and findings, the ladder, then every message in full with its SDP
// decoded (message_view.h), one after another.
#pragma once

#include <sipdx/output/message_view.h>
#include <sipdx/output/terminal.h>
#include <sipdx/session/record.h>

#include <string>
#include <vector>

namespace sipdx::output {

struct CallMessage {
    MessageHeading heading;
    std::string bytes; // the message as captured
};

// `records`: the Call-ID's records (usually one; a Call-ID that went on after its record gives
// more); `ladder` and `messages` in capture order. Ends with a newline.
std::string render_call_detail(const std::vector<session::CallRecord>& records,
                               const std::vector<session::MessageRecord>& ladder,
                               const std::vector<CallMessage>& messages, const TextStyle& style);

// The first sentence of an explanation (the "why" in one line), or all of it when it has one.
std::string first_sentence(std::string_view explanation);

} // namespace sipdx::output
