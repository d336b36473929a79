// The tracker's state for one open Call-ID, and the steps that turn it into a CallRecord.
// Private to the session stage: tracker.cpp feeds it message by message, call_outcome.cpp
// decides kind, outcome, evidence and timings when the Call-ID is emitted.
#pragma once

#include <sipdx/session/record.h>
#include <sipdx/session/tracker.h>
#include <sipdx/session/transaction.h>

#include "session/detail/intrusive_list.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sipdx::session::detail {

constexpr std::uint32_t method_bit(sip::Method m) {
    return 1u << static_cast<unsigned>(m);
}

inline bool is_challenge(int status) {
    return status == 401 || status == 407;
}

// A final response kept as outcome evidence.
struct FinalSeen {
    sip::Method method = sip::Method::unknown;
    std::uint32_t cseq = 0;
    std::int64_t request_time = 0; // of its transaction's request; 0 when not captured
    std::int64_t time = 0;
    std::uint64_t frame = 0;
    int status = 0;
    std::string phrase;
    std::string reason;
    std::string warning;
    Endpoint src;
    std::string product;
    std::uint32_t tx = 0;     // index into the call's transactions when seen
    std::uint64_t branch = 0; // content_hash of its top Via branch
};

// An initial INVITE's transaction on one hop and the same request's branch on the hop before
// (SipEvent::previous_branch), both as content_hash values.
struct HopLink {
    std::uint64_t branch = 0;
    std::uint64_t previous = 0;
};

struct AckSeen {
    std::uint64_t branch = 0;
    std::uint32_t cseq = 0;
    std::uint64_t hash = 0;
    std::int64_t time = 0;
};

// A To tag answering the initial INVITE on one hop (one transaction: its own top Via branch
// and address pair). Two tags on one hop are forking; one tag per hop on either side of a
// B2BUA that rewrites tags is not.
struct EarlyTag {
    std::uint32_t cseq = 0;
    std::uint32_t tx = 0;
    std::string tag;
};

struct CallState {
    // Expiry order (tracker.cpp): by last activity, and, once settled, by when it settled.
    ListLink<CallState> active_link;
    ListLink<CallState> settled_link;
    std::uint64_t footprint = 0; // estimated bytes, as last counted into the state budget
    CallRecord rec;
    std::vector<Transaction> txs;
    std::vector<FinalSeen> finals;
    std::vector<AckSeen> acks;
    std::vector<EarlyTag> tags;
    std::vector<HopLink> hop_links;
    std::vector<std::uint32_t> cancelled_cseqs;
    std::uint32_t methods = 0;
    std::string caller_tag;
    std::string request_reason; // Reason of a CANCEL or BYE, used when the answer has none
    std::int64_t last_time = 0;
    std::int64_t closed_at = 0; // settled since (0: open)
    std::optional<std::int64_t> first_invite;
    std::optional<std::int64_t> first_ringing;
    std::optional<std::int64_t> first_answer;
    std::optional<std::int64_t> bye_time;
    std::int64_t last_2xx_time = 0;
    bool answered = false;
    bool ack_2xx = false;

    // How the Call-ID began: its first request, and whether that request was inside a dialog
    // (a To tag), i.e. the call started before the capture.
    bool request_seen = false;
    bool first_request_in_dialog = false;
    sip::Method first_request_method = sip::Method::unknown;

    // The caller giving up: CANCEL (and whether any CANCEL got an answer), or a BYE sent
    // before the INVITE was answered (RFC 3261 section 15: allowed in an early dialog).
    std::optional<std::int64_t> cancel_time;
    std::uint64_t cancel_frame = 0;
    bool cancel_answered = false;
    std::uint64_t bye_frame = 0;
    bool bye_before_answer = false;
    bool bye_from_caller = false;
    // Calls whose first request was in a dialog only: the first final answer to a BYE and the
    // last one to another in-dialog request (at most one of each), the evidence of their outcome.
    std::vector<FinalSeen> dialog_finals;
    int progress_code = 0; // the 18x that ended the PDD

    // Credentials sent after a challenge, to tell a rejected password (403 or a new challenge
    // to the request carrying them) from a plain refusal.
    std::vector<std::pair<sip::Method, std::uint32_t>> credentials_sent;
    std::uint32_t challenged_methods = 0;

    // Clock: the tracker's epoch when last fed; a message in a later epoch (after a clock jump)
    // makes the Call-ID span the jump, and no duration is computed across it.
    std::uint32_t epoch = 0;
    bool spans_clock_jump = false;

    // Registration procedure accounting, once per CSeq whatever the number of hops.
    std::uint32_t reg_counted_cseq = 0;
    bool reg_any_counted = false;
    bool reg_pending_challenge = false;
    std::uint32_t reg_challenge_cseq = 0;
    std::vector<std::pair<std::uint32_t, bool>> reg_requests; // CSeq -> removes bindings
    bool reg_query = false; // last REGISTER had no Contact (a bindings query)

    void add_finding(FindingCode code, std::uint64_t frame) {
        for (auto& f : rec.findings) {
            if (f.code == code) {
                ++f.count;
                return;
            }
        }
        rec.findings.push_back({code, frame, 1});
    }
};

// Fills c.rec (kind, outcome, final answer, evidence, timings, findings) from the state.
// `now` is the capture time the Call-ID is judged at (timeouts).
void finalize(CallState& c, std::int64_t now, const TrackerOptions& options);
// PDD, setup and duration from the points seen so far (all of them before any clock jump).
void timings(CallState& c);

} // namespace sipdx::session::detail
