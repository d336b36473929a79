// What the tracker says about one Call-ID once it is finished (or the capture ended): its kind,
// its outcome by the rules of docs/analysis.md, the timings and the evidence behind them.
// Plain values that own their strings: a record outlives the capture it came from.
#pragma once

#include <sipdx/knowledge/severity.h>
#include <sipdx/session/event.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sipdx::session {

enum class Kind : std::uint8_t { call, registration, subscription, message, options, other };
std::string_view to_string(Kind kind);
std::optional<Kind> parse_kind(std::string_view text);

enum class Outcome : std::uint8_t {
    answered,     // INVITE got a 2xx
    failed,       // final 4xx/5xx/6xx (other than the cases below)
    cancelled,    // caller gave up: CANCEL and/or 487
    redirected,   // final 3xx
    timeout,      // no final response: Timer B/F expired within the capture
    in_progress,  // no final response yet when the capture ended
    registered,   // REGISTER 2xx binding contacts
    unregistered, // REGISTER 2xx removing bindings (Expires 0, expires=0 or Contact: *)
    challenged,   // ended on a 401/407 that was never answered with credentials
    completed,    // non-INVITE request answered 2xx
    ended,        // call seen mid-dialog (start not captured) and ended by an answered BYE
};
std::string_view to_string(Outcome outcome);
std::optional<Outcome> parse_outcome(std::string_view text);

// Anomalies found while tracking. Stable identifiers (to_string) are used in JSON and docs.
enum class FindingCode : std::uint8_t {
    request_retransmitted,    // a request was sent more than once
    response_retransmitted,   // a response was sent more than once
    duplicate_copy,           // the same bytes captured twice (mirror / several capture points)
    transaction_timeout,      // Timer B/F: no final response to a request
    response_without_request, // response to a request the capture does not hold
    cancel_unmatched,         // CANCEL with no INVITE to cancel in the capture
    answered_after_cancel,    // 2xx to an INVITE that was being cancelled (CANCEL race)
    ack_missing,              // a final response to INVITE never acknowledged
    forked,                   // several To tags answered one INVITE (forking)
    credentials_rejected,     // challenged again after sending credentials
    reinvite_failed,          // re-INVITE or UPDATE inside a dialog got a failure
    glare,                    // 491 Request Pending (re-INVITE collision)
    dialog_gone,              // 481: a request for a dialog/transaction that does not exist
    bye_without_answer,       // BYE for a call that was never answered in the capture
    cancel_unanswered,        // a CANCEL got no response at all
    termination_missing,      // caller gave up (CANCEL/BYE) but the INVITE never got its 487
    clock_jump,               // capture time jumped (backwards, or > 1 day ahead) in this Call-ID
    capture_gap,              // a capture hole (TCP bytes missing) touched this Call-ID
    state_evicted,            // emitted early, as it stood: the open-state memory budget was full
    transactions_dropped,     // more transactions than the per-Call-ID bound: the oldest forgotten
    count_
};
inline constexpr std::size_t finding_code_count = static_cast<std::size_t>(FindingCode::count_);
std::string_view to_string(FindingCode code);
// The one severity scale shared by every stage (knowledge/severity.h).
using knowledge::Severity;
using knowledge::to_string;
Severity severity_of(FindingCode code);
std::string_view describe(FindingCode code); // one sentence

struct FindingHit {
    FindingCode code = FindingCode::request_retransmitted;
    std::uint64_t frame = 0; // first frame it was seen on
    std::uint32_t count = 1;
};

// One message of the Call-ID as kept for ladders and filtering (TrackerOptions::keep_messages).
struct MessageRecord {
    std::int64_t time_ns = 0;
    std::uint64_t frame = 0;
    std::uint32_t source = 0;
    Endpoint src;
    Endpoint dst;
    decode::Transport transport = decode::Transport::udp;
    bool is_request = true;
    std::string label; // "INVITE", "180 Ringing"
    std::uint32_t cseq = 0;
    std::string cseq_method;
    bool retransmission = false;
    bool duplicate = false;
    bool has_sdp = false;
};

// The MessageRecord for one fed event (what CallRecord::message_log holds).
MessageRecord make_message_record(const SipEvent& event, bool retransmission, bool duplicate);

struct CallRecord {
    std::string call_id;
    Kind kind = Kind::other;
    std::string first_method; // method of the first message (CSeq method for a response)
    std::string from;         // From URI of the first request
    std::string to;           // To URI of the first request
    std::int64_t start_ns = 0;
    std::int64_t end_ns = 0;
    std::uint32_t source = 0; // input file of the first message
    // 1, 2, ... in the order of the records' first messages within one Tracker, so per-message
    // output can name its record without a Call-ID look-up (FeedResult::call).
    std::uint64_t number = 0;

    Outcome outcome = Outcome::in_progress;
    int final_code = 0;       // the final answer that decided the outcome; 0 when none
    std::string final_reason; // its reason phrase as sent

    // Evidence.
    std::string reason_header; // Reason of the deciding response, else of the CANCEL/BYE
    std::string warning;       // Warning of the deciding response
    bool has_failed_by = false;
    Endpoint failed_by;            // who sent the deciding failure (deepest hop seen)
    std::string failed_by_product; // its Server / User-Agent header
    std::string icid;              // P-Charging-Vector icid-value
    std::string bye_by;            // "caller" / "callee" when a BYE was seen
    // The Call-ID's first captured request was inside a dialog (BYE, re-INVITE, UPDATE, INFO,
    // ACK...): the call started before the capture. Such calls are not call attempts in KPIs.
    bool mid_dialog = false;
    // The caller gave up before an answer: "CANCEL", or "BYE" sent in the early dialog, and
    // the frame of that request. Empty when the caller did not give up.
    std::string abandon_method;
    std::uint64_t abandon_frame = 0;
    int progress_code = 0; // the 18x that ended the PDD (180 ringing, 183 session progress...)
    // An earlier failure downstream that the deciding failure followed (e.g. forks answering
    // 408 before a proxy answered 500): its code and who sent it.
    bool has_root_cause = false;
    int root_cause_code = 0;
    Endpoint root_cause_by;
    // 1 for a Call-ID's first record. A Call-ID that goes on after its record was emitted
    // (settled for TrackerOptions::linger_ns, e.g. a registration refreshed minutes later)
    // gives further records numbered 2, 3, ...
    std::uint32_t part = 1;

    // Timings (calls): first INVITE -> first 18x, -> 2xx; 2xx -> BYE.
    std::optional<double> pdd_ms;
    std::optional<double> setup_ms;
    std::optional<double> duration_s;

    // Counters.
    std::uint32_t messages = 0;        // transmissions (duplicate copies excluded)
    std::uint32_t retransmissions = 0; // requests and responses
    std::uint32_t duplicates = 0;      // copies of the same transmission
    std::uint32_t transactions = 0;
    std::uint32_t attempts = 0;   // initial requests (INVITE/REGISTER ... without To tag)
    std::uint32_t challenges = 0; // 401/407 received
    std::uint32_t dialogs = 0;    // distinct To tags on 1xx/2xx to the initial INVITE
    std::uint32_t reinvites = 0;  // INVITE/UPDATE inside the dialog
    std::uint32_t pracks = 0;
    std::uint32_t hops = 1; // transactions sharing the deciding CSeq (proxies seen)
    bool cancel_seen = false;
    bool has_sdp = false;

    // Registrations: procedures (REGISTER .. challenge .. final) and their results.
    std::uint32_t registrations = 0;
    std::uint32_t registrations_ok = 0;
    std::uint32_t deregistrations = 0;

    // Final answers of every transaction of this Call-ID (code, count), ascending code.
    std::vector<std::pair<int, std::uint32_t>> transaction_finals;
    std::vector<FindingHit> findings;
    std::vector<MessageRecord> message_log; // only with TrackerOptions::keep_messages

    // Filled by the analysis stage (analysis::explain), empty from the tracker.
    std::string explanation;

    // P-Access-Network-Info of the first message that carried one (TS 24.229 section 7.2A.4):
    // the access and cell of the UE; knowledge::decode_access_network_info() reads it.
    std::string access_network;
    // The precondition lines (a=curr/a=des/a=conf, RFC 3312) of the last SDP that had any, with
    // their m= lines, as knowledge::precondition_lines() keeps them; empty when none was seen.
    std::string preconditions;

    bool has_finding(FindingCode code) const;
};

} // namespace sipdx::session
