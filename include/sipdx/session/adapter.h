// From the parser's view of a message to the tracker's: fills a SipEvent from a decoded
// payload (where/when) and its parsed sip::Message (what). The event's views point into the
// payload's bytes: use it before the decode callback returns.
#pragma once

#include <sipdx/decode/packet.h>
#include <sipdx/session/event.h>
#include <sipdx/sip/message.h>

namespace sipdx::session {

// `source` tells several inputs apart (index of the file among those analysed together).
SipEvent make_event(const decode::SipPayload& payload, const sip::Message& message,
                    std::uint32_t source = 0);

// The URI as "user@host" (or "host"), without scheme, parameters or display name; the raw
// text when it does not parse. Views into the message.
std::string_view uri_text(const sip::Message& message, sip::HeaderId id);
// The same answer through the full name-addr and URI parsers; uri_text() takes a one-pass
// path for plain values, and a test holds the two equal.
std::string_view uri_text_parsed(const sip::Message& message, sip::HeaderId id);

} // namespace sipdx::session
