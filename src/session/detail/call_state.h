// The tracker's state for one open Call-ID, and the steps that turn it into a CallRecord.
// Private to the session stage: tracker.cpp feeds it message by message, call_outcome.cpp
// decides kind, outcome, evidence and timings when the Call-ID is emitted.
#pragma once

#include <sipdx/session/record.h>
#include <sipdx/session/tracker.h>
#include <sipdx/session/transaction.h>

#include "session/detail/intrusive_list.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sipdx::session::detail {

constexpr std::uint32_t method_bit(sip::Method m) {
    return 1u << static_cast<unsigned>(m);
}

inline bool is_challenge(int status) {
    return status == 401 || status == 407;
}

// A Call-ID as the key of the tracker's table of open Call-IDs: 16 bytes (a std::string is 32)
// and one allocation of just its length.
class CallIdKey {
public:
    explicit CallIdKey(std::string_view id) : m_data(new char[id.size()]), m_size(id.size()) {
        std::copy(id.begin(), id.end(), m_data.get());
    }
    std::string_view view() const { return {m_data.get(), m_size}; }

private:
    std::unique_ptr<char[]> m_data;
    std::size_t m_size;
};

// std::optional<std::int64_t> in 8 bytes: INT64_MIN is no capture time.
class OptionalTime {
public:
    OptionalTime& operator=(std::int64_t time) {
        m_value = time;
        return *this;
    }
    explicit operator bool() const { return m_value != none; }
    std::int64_t operator*() const { return m_value; }

private:
    static constexpr std::int64_t none = std::numeric_limits<std::int64_t>::min();
    std::int64_t m_value = none;
};

// A final response kept as outcome evidence. Its four texts share one string (a registration
// keeps one or two of these for as long as it is open).
struct FinalSeen {
    std::int64_t request_time = 0; // of its transaction's request; 0 when not captured
    std::int64_t time = 0;
    std::uint64_t frame = 0;
    std::uint64_t branch = 0; // content_hash of its top Via branch
    std::string texts;        // phrase, reason, warning, product
    Endpoint src;
    std::uint32_t cseq = 0;
    std::uint32_t tx = 0; // index into the call's transactions when seen
    std::uint32_t phrase_size = 0;
    std::uint32_t reason_size = 0;
    std::uint32_t warning_size = 0;
    int status = 0;
    sip::Method method = sip::Method::unknown;

    void set_texts(std::string_view phrase, std::string_view reason, std::string_view warning,
                   std::string_view product) {
        texts.reserve(phrase.size() + reason.size() + warning.size() + product.size());
        texts.assign(phrase).append(reason).append(warning).append(product);
        phrase_size = static_cast<std::uint32_t>(phrase.size());
        reason_size = static_cast<std::uint32_t>(reason.size());
        warning_size = static_cast<std::uint32_t>(warning.size());
    }
    std::string_view phrase() const { return std::string_view(texts).substr(0, phrase_size); }
    std::string_view reason() const {
        return std::string_view(texts).substr(phrase_size, reason_size);
    }
    std::string_view warning() const {
        return std::string_view(texts).substr(std::size_t{phrase_size} + reason_size, warning_size);
    }
    std::string_view product() const {
        return std::string_view(texts).substr(std::size_t{phrase_size} + reason_size +
                                              warning_size);
    }
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

// What the record of an open Call-ID has gathered so far: only the fields the tracker fills
// while messages arrive (CallRecord itself, 750 bytes, is built when the Call-ID is emitted).
struct OpenRecord {
    std::int64_t start_ns = 0;
    std::int64_t end_ns = 0;
    std::uint64_t number = 0;
    std::uint32_t source = 0;
    std::uint32_t part = 1;
    std::uint32_t messages = 0;
    std::uint32_t retransmissions = 0;
    std::uint32_t duplicates = 0;
    std::uint32_t transactions = 0;
    std::uint32_t attempts = 0;
    std::uint32_t challenges = 0;
    std::uint32_t reinvites = 0;
    std::uint32_t pracks = 0;
    std::uint32_t registrations = 0;
    std::uint32_t registrations_ok = 0;
    std::uint32_t deregistrations = 0;
    std::uint32_t from_size = 0; // from_to holds the From URI, then the To URI
    std::string from_to;
    std::string icid;
    std::vector<FindingHit> findings;
    bool cancel_seen = false;
    bool has_sdp = false;
    std::uint8_t bye_by = 0; // 0: no BYE seen or no caller known, 1: caller, 2: callee
    // Method of the first message (CSeq method for a response); its text is in
    // CallExtra::first_method_text when it is no known method.
    sip::Method first_method = sip::Method::unknown;

    std::string_view from() const { return std::string_view(from_to).substr(0, from_size); }
    std::string_view to() const { return std::string_view(from_to).substr(from_size); }
    void set_from_to(std::string_view from, std::string_view to) {
        from_to.reserve(from.size() + to.size());
        from_to.assign(from).append(to);
        from_size = static_cast<std::uint32_t>(from.size());
    }
};

// Timings measured when a clock jump was seen (from points before it).
struct JumpTimings {
    std::optional<double> pdd_ms;
    std::optional<double> setup_ms;
    std::optional<double> duration_s;
    int progress_code = 0;
};

// The parts of an open Call-ID that most never need: allocated on first use, so that the many
// Call-IDs that are a single unanswered request or a plain registration do not carry them.
struct CallExtra {
    std::vector<HopLink> hop_links;
    std::vector<std::uint32_t> cancelled_cseqs;
    // Calls whose first request was in a dialog only: the first final answer to a BYE and the
    // last one to another in-dialog request (at most one of each), the evidence of their outcome.
    std::vector<FinalSeen> dialog_finals;
    // Credentials sent after a challenge, to tell a rejected password (403 or a new challenge
    // to the request carrying them) from a plain refusal.
    std::vector<std::pair<sip::Method, std::uint32_t>> credentials_sent;
    std::string request_reason; // Reason of a CANCEL or BYE, used when the answer has none
    std::string access_network;
    std::string preconditions;
    std::vector<MessageRecord> message_log; // only with TrackerOptions::keep_messages
    std::optional<JumpTimings> jump_timings;
    std::string first_method_text; // OpenRecord::first_method is sip::Method::unknown
    // The caller giving up: CANCEL (see also CallState::cancel_answered), or a BYE sent before
    // the INVITE was answered (RFC 3261 section 15: allowed in an early dialog).
    OptionalTime cancel_time;
    std::uint64_t cancel_frame = 0;
    std::uint64_t bye_frame = 0;
};

struct CallState {
    // Expiry order (tracker.cpp): by last activity, and, once settled, by when it settled.
    ListLink<CallState> active_link;
    ListLink<CallState> settled_link;
    const CallIdKey* call_id = nullptr; // the key of this state's node in the tracker's table
    std::uint64_t footprint = 0;        // estimated bytes, as last counted into the state budget
    OpenRecord rec;
    std::vector<Transaction> txs;
    std::vector<FinalSeen> finals;
    std::vector<AckSeen> acks;
    std::vector<EarlyTag> tags;
    std::vector<std::pair<std::uint32_t, bool>> reg_requests; // CSeq -> removes bindings
    std::unique_ptr<CallExtra> extra;
    std::uint64_t caller_tag = 0; // content_hash of the first initial INVITE's From tag; 0: none
    std::int64_t last_time = 0;
    std::int64_t closed_at = 0; // settled since (0: open)
    OptionalTime first_invite;
    OptionalTime first_ringing;
    OptionalTime first_answer;
    OptionalTime bye_time;
    std::int64_t last_2xx_time = 0;
    std::uint32_t methods = 0;
    std::uint32_t challenged_methods = 0;
    // Clock: the tracker's epoch when last fed; a message in a later epoch (after a clock jump)
    // makes the Call-ID span the jump, and no duration is computed across it.
    std::uint32_t epoch = 0;
    // Registration procedure accounting, once per CSeq whatever the number of hops.
    std::uint32_t reg_counted_cseq = 0;
    std::uint32_t reg_challenge_cseq = 0;
    int progress_code = 0; // the 18x that ended the PDD
    // How the Call-ID began: its first request, and whether that request was inside a dialog
    // (a To tag), i.e. the call started before the capture.
    sip::Method first_request_method = sip::Method::unknown;
    bool request_seen = false;
    bool first_request_in_dialog = false;
    bool answered = false;
    bool ack_2xx = false;
    bool cancel_answered = false;
    bool bye_before_answer = false;
    bool bye_from_caller = false;
    bool spans_clock_jump = false;
    bool reg_any_counted = false;
    bool reg_pending_challenge = false;
    bool reg_query = false; // last REGISTER had no Contact (a bindings query)

    // The rarely used parts: more() makes them, rare() reads them (empty when never made).
    CallExtra& more() {
        if (!extra) extra = std::make_unique<CallExtra>();
        return *extra;
    }
    const CallExtra& rare() const {
        static const CallExtra none;
        return extra ? *extra : none;
    }

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

// Fills `r` (kind, outcome, final answer, evidence, timings, findings) from the state, which
// gives up its findings and message log. `now` is the capture time the Call-ID is judged at
// (timeouts).
void finalize(CallState& c, CallRecord& r, std::int64_t now, const TrackerOptions& options);
// PDD, setup and duration from the points seen so far (all of them before any clock jump).
JumpTimings timings(const CallState& c);

} // namespace sipdx::session::detail
