#include <sipdx/session/record.h>

#include <algorithm>
#include <array>

namespace sipdx::session {

namespace {
constexpr std::array<std::string_view, 6> kind_names{"call",    "registration", "subscription",
                                                     "message", "options",      "other"};
constexpr std::array<std::string_view, 11> outcome_names{
    "answered",   "failed",       "cancelled",  "redirected", "timeout", "in-progress",
    "registered", "unregistered", "challenged", "completed",  "ended"};

struct FindingInfo {
    std::string_view id;
    Severity severity;
    std::string_view text;
};
constexpr std::array<FindingInfo, finding_code_count> finding_info{{
    {"request-retransmitted", Severity::info,
     "A request was sent more than once: the sender got no timely response (loss, slow peer)."},
    {"response-retransmitted", Severity::info,
     "A response was sent more than once: the UAS saw the request again or got no ACK."},
    {"duplicate-copy", Severity::info,
     "The same bytes were captured more than once (mirror port or several capture points); "
     "counted once."},
    {"transaction-timeout", Severity::error,
     "A request got no final response (RFC 3261 Timer B/F): the next hop is unreachable, "
     "dropping packets, or overloaded."},
    {"response-without-request", Severity::info,
     "A response whose request is not in the capture (capture started late or a path was "
     "missed)."},
    {"cancel-unmatched", Severity::warning,
     "A CANCEL for an INVITE the capture does not hold, or whose branch does not match."},
    {"answered-after-cancel", Severity::warning,
     "The INVITE was answered 2xx although a CANCEL was on its way (CANCEL/200 race); the "
     "caller must ACK and then BYE."},
    {"ack-missing", Severity::warning,
     "A final response to INVITE was never acknowledged: the ACK was lost or routed "
     "elsewhere (check Record-Route / Contact reachability)."},
    {"forked", Severity::info,
     "Several To tags answered one INVITE: the request was forked to several devices."},
    {"credentials-rejected", Severity::warning,
     "Challenged again after sending credentials: wrong password, stale nonce or AKA "
     "resynchronisation."},
    {"reinvite-failed", Severity::warning,
     "A re-INVITE or UPDATE inside an established dialog was refused; the session may have "
     "kept its old parameters or been torn down."},
    {"glare", Severity::warning,
     "491 Request Pending: both sides sent a re-INVITE at once (RFC 3261 section 14.1)."},
    {"dialog-gone", Severity::warning,
     "481 Call/Transaction Does Not Exist: a request for a dialog the peer had already "
     "forgotten (late BYE, lost state, failover)."},
    {"bye-without-answer", Severity::info,
     "BYE for a call never answered in the capture (the 2xx was not captured or the call "
     "started before the capture)."},
    {"cancel-unanswered", Severity::warning,
     "A CANCEL got no response at all (RFC 3261 section 9.2 requires a 200 OK or 481): it was "
     "lost, or the INVITE's server does not handle CANCEL."},
    {"termination-missing", Severity::warning,
     "The caller gave up (CANCEL, or BYE in the early dialog) but the INVITE never got its "
     "final response (487 Request Terminated expected)."},
    {"clock-jump", Severity::error,
     "The capture time jumped (backwards, or more than a day ahead) while this Call-ID was "
     "open: no duration is computed across the jump."},
    {"capture-gap", Severity::warning,
     "Bytes were missing from the capture before a message of this Call-ID (capture loss): "
     "messages may be missing from it."},
    {"state-evicted", Severity::warning,
     "The tracker's memory budget for open Call-IDs was full, so this Call-ID, the least "
     "recently active, was emitted as it stood; later messages of it start a further record "
     "(record_part). Raise --max-state-mb to keep more open."},
    {"transactions-dropped", Severity::warning,
     "This Call-ID held more transactions than the tracker keeps for one Call-ID (4096 by "
     "default): the oldest finished ones (else the oldest) were forgotten, so a late response "
     "to one of them counts as a response without request."},
}};
} // namespace

std::string_view to_string(Kind kind) {
    return kind_names[static_cast<std::size_t>(kind)];
}

std::optional<Kind> parse_kind(std::string_view text) {
    for (std::size_t i = 0; i < kind_names.size(); ++i)
        if (kind_names[i] == text) return static_cast<Kind>(i);
    return std::nullopt;
}

std::string_view to_string(Outcome outcome) {
    return outcome_names[static_cast<std::size_t>(outcome)];
}

std::optional<Outcome> parse_outcome(std::string_view text) {
    for (std::size_t i = 0; i < outcome_names.size(); ++i)
        if (outcome_names[i] == text) return static_cast<Outcome>(i);
    if (text == "in_progress") return Outcome::in_progress;
    return std::nullopt;
}

std::string_view to_string(FindingCode code) {
    return finding_info[static_cast<std::size_t>(code)].id;
}

Severity severity_of(FindingCode code) {
    return finding_info[static_cast<std::size_t>(code)].severity;
}

std::string_view describe(FindingCode code) {
    return finding_info[static_cast<std::size_t>(code)].text;
}

MessageRecord make_message_record(const SipEvent& e, bool retransmission, bool duplicate) {
    MessageRecord m;
    m.time_ns = e.time_ns;
    m.frame = e.frame;
    m.source = e.source;
    m.src = e.src;
    m.dst = e.dst;
    m.transport = e.transport;
    m.is_request = e.is_request;
    if (e.is_request) {
        m.label = e.method == sip::Method::unknown ? e.method_text : sip::to_string(e.method);
    } else {
        m.label = std::to_string(e.status);
        if (!e.reason_phrase.empty()) {
            m.label += ' ';
            m.label += e.reason_phrase;
        }
    }
    m.cseq = e.cseq;
    m.cseq_method =
        e.cseq_method == sip::Method::unknown ? e.cseq_method_text : sip::to_string(e.cseq_method);
    m.retransmission = retransmission;
    m.duplicate = duplicate;
    m.has_sdp = e.has_sdp;
    return m;
}

bool CallRecord::has_finding(FindingCode code) const {
    return std::any_of(findings.begin(), findings.end(),
                       [code](const FindingHit& f) { return f.code == code; });
}

} // namespace sipdx::session
