// One SIP transaction as seen from a capture point (RFC 3261 section 17): a pure state machine.
// Observing a request or a response returns what that message meant for the transaction
// (first transmission, retransmission, duplicate copy, final answer, ...); nothing else is
// touched, so the machine can be tested without captures.
//
// Matching (which transaction a message belongs to) follows RFC 3261 section 17.2.3: with a
// branch that starts with the magic cookie "z9hG4bK", the top Via branch + sent-by + method
// (ACK for a non-2xx final and the INVITE share a transaction; CANCEL has its own); without it
// (RFC 2543 peers) Call-ID + CSeq number + method + From tag + top Via sent-by.
#pragma once

#include <sipdx/session/event.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sipdx::session {

enum class TxState : std::uint8_t {
    trying,     // request seen, no response yet (INVITE: "calling"/"proceeding" before a 1xx)
    proceeding, // a provisional response seen
    completed,  // a final response seen (INVITE: non-2xx waiting for the ACK; 2xx: accepted)
    confirmed,  // INVITE only: the ACK for a non-2xx final seen
    terminated, // absorbed nothing more: kept only for matching late retransmissions
};
std::string_view to_string(TxState state);

// What one message meant for the transaction it matched.
enum class TxStep : std::uint8_t {
    request,                // first transmission of the request
    request_retransmission, // the request again (same transaction, later than a duplicate)
    request_duplicate,      // byte-identical copy seen within the duplicate window
    ack,                    // ACK for a non-2xx final (same transaction as the INVITE)
    ack_retransmission,     // that ACK again
    provisional,            // a 1xx (first of its code and To tag)
    provisional_retransmission,
    final_response,           // the first final response
    final_retransmission,     // the same final response again (UAS retransmits until ACK)
    additional_final,         // another final: a forked 2xx, or a different final after one
    response_duplicate,       // byte-identical copy of a response within the duplicate window
    response_without_request, // a response whose request was never seen (capture started late)
};
std::string_view to_string(TxStep step);
bool is_retransmission(TxStep step);
bool is_duplicate(TxStep step);

struct TxTimings {
    // Copies seen at several capture points within this window are one transmission (RFC 3261
    // Timer T1 is 500 ms, so genuine retransmissions are never closer than that). On TCP, TLS,
    // SCTP and WebSocket identical bytes are always a copy (SIP does not retransmit there),
    // except a 2xx to INVITE.
    std::int64_t duplicate_window_ns = 200'000'000;
};

class Transaction {
public:
    // Starts a transaction from its first message (normally the request; a response when the
    // request was not captured).
    explicit Transaction(const SipEvent& first, TxTimings timings = {});

    // True when `event` belongs to this transaction (RFC 3261 section 17.2.3, see above).
    bool matches(const SipEvent& event) const;

    // Feeds a matching message. Precondition: matches(event).
    TxStep observe(const SipEvent& event);

    bool is_invite() const { return m_method == sip::Method::invite; }
    sip::Method method() const { return m_method; }
    std::string_view method_text() const {
        return m_method == sip::Method::unknown ? unknown_method_text() : sip::to_string(m_method);
    }
    TxState state() const { return m_state; }
    std::uint32_t cseq() const { return m_cseq; }
    bool request_seen() const { return m_request_seen; }
    bool in_dialog() const { return m_in_dialog; } // the request carried a To tag
    std::string_view branch() const { return id_part(0, m_branch_size); }
    std::string_view sent_by() const { return id_part(m_branch_size, m_sent_by_size); }

    std::int64_t request_time() const { return m_request_time; }
    std::uint64_t request_frame() const { return m_request_frame; }
    int final_status() const { return m_final_status; } // 0 while none
    std::int64_t final_time() const { return m_final_time; }
    std::uint32_t request_retransmissions() const { return m_request_retransmissions; }
    std::uint32_t response_retransmissions() const { return m_response_retransmissions; }
    bool acked() const { return m_acked; } // ACK for the non-2xx final seen
    // Bytes held outside the object (for the tracker's memory budget).
    std::size_t heap_bytes() const {
        const std::size_t ids =
            m_ids.capacity() > std::string().capacity() ? m_ids.capacity() + 1 : 0;
        return ids + m_provisionals.capacity() * sizeof(std::uint64_t);
    }

    // Timer B/F (RFC 3261 sections 17.1.1.2, 17.1.2.2): the request got no final response and
    // either it was retransmitted or `timer_ns` of capture time passed since it was sent. An
    // INVITE that got a provisional response is no longer under Timer B (it may ring for long).
    bool timed_out(std::int64_t now_ns, std::int64_t timer_ns = 32'000'000'000) const;

private:
    bool duplicate_of_last(const SipEvent& event, bool request) const;

    // The fields are ordered by size and the texts share one allocation: a million open
    // Call-IDs hold at least a million of these (docs/performance.md, "Open state").
    TxTimings m_timings;
    // Branch, sent-by, then (RFC 2543 matching only) Call-ID and From tag, then the method's
    // text when it is not a known method. They never change, so they share one allocation.
    std::string m_ids;
    std::vector<std::uint64_t> m_provisionals; // identity (code, To tag, RSeq) of each 1xx seen
    std::int64_t m_request_time = 0;
    std::uint64_t m_request_frame = 0;
    std::int64_t m_last_request_time = 0;
    std::uint64_t m_last_request_hash = 0;
    std::int64_t m_last_response_time = 0;
    std::uint64_t m_last_response_hash = 0;
    std::uint64_t m_final_to_tag = 0; // content_hash of the final response's To tag
    std::int64_t m_final_time = 0;
    std::uint32_t m_cseq = 0;
    std::uint32_t m_request_retransmissions = 0;
    std::uint32_t m_response_retransmissions = 0;
    std::uint32_t m_ack_count = 0;
    std::uint32_t m_branch_size = 0;
    std::uint32_t m_sent_by_size = 0;
    std::uint32_t m_call_id_size = 0;
    std::uint32_t m_from_tag_size = 0;
    int m_final_status = 0;
    sip::Method m_method = sip::Method::unknown;
    TxState m_state = TxState::trying;
    bool m_rfc3261 = false;
    bool m_request_seen = false;
    bool m_in_dialog = false; // the request carried a To tag
    bool m_has_provisional = false;
    bool m_acked = false;

    std::string_view id_part(std::size_t at, std::size_t size) const {
        return std::string_view(m_ids).substr(at, size);
    }
    std::string_view call_id() const {
        return id_part(std::size_t{m_branch_size} + m_sent_by_size, m_call_id_size);
    }
    std::string_view from_tag() const {
        return id_part(std::size_t{m_branch_size} + m_sent_by_size + m_call_id_size,
                       m_from_tag_size);
    }
    std::string_view unknown_method_text() const {
        return std::string_view(m_ids).substr(std::size_t{m_branch_size} + m_sent_by_size +
                                              m_call_id_size + m_from_tag_size);
    }
};

// The magic cookie test (RFC 3261 section 8.1.1.7).
bool is_rfc3261_branch(std::string_view branch);

} // namespace sipdx::session
