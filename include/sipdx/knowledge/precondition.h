// SDP preconditions (RFC 3312, updated by RFC 4032): the current (a=curr), desired (a=des) and
// confirmation (a=conf) status lines of an SDP body, and which desired ones the current status
// does not meet. A call that ends in 580 Precondition Failure or 488 is explained with them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sipdx::knowledge {

struct PreconditionLine {
    enum class Kind { current, desired, confirm } kind = Kind::current;
    int media = 0;          // 1 for the first m= line (0: before any m= line)
    std::string media_type; // "audio", "video", ... (empty before any m= line)
    std::string type;       // precondition-type, "qos"
    std::string strength;   // desired only: mandatory, optional, none, failure, unknown
    std::string status;     // e2e, local, remote
    std::string direction;  // none, send, recv, sendrecv
};

struct PreconditionState {
    std::vector<PreconditionLine> lines;
    std::vector<std::string> problems; // lines that do not follow the grammar
    // Desired preconditions the current status does not meet, one sentence each: "audio
    // (stream 1): local sendrecv is mandatory, current local is none".
    std::vector<std::string> unmet() const;
    bool empty() const { return lines.empty(); }
};

// The precondition lines of an SDP body ("m=" lines are read for the stream each one belongs
// to; everything else is ignored). Accepts the body as sent or the compact form of
// precondition_lines().
PreconditionState parse_preconditions(std::string_view sdp);

// Only the "m=<type>" and a=curr/a=des/a=conf lines of an SDP body, one per line, for keeping in a
// call record; empty when the body has no precondition line (the cheap case: one search).
std::string precondition_lines(std::string_view sdp);

} // namespace sipdx::knowledge
