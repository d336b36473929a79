#include <sipdx/session/transaction.h>

#include <algorithm>

#include <fmt/format.h>
#include <xxh_x86dispatch.h>
#include <xxhash.h>

namespace sipdx::session {

std::uint64_t content_hash(std::string_view bytes) {
    // XXH3 (libxxhash): the whole message is hashed for every packet, and a byte-at-a-time
    // FNV-1a loop here was 16% of `analyze` (docs/performance.md). The dispatching entry picks
    // the widest vector unit at run time (AVX2/AVX-512 where present): same values, and
    // 40 M -> 16 M instructions on a 100 MB prefix against the SSE2 build of XXH3_64bits.
    const std::uint64_t h = XXH3_64bits_dispatch(bytes.data(), bytes.size());
    return h == 0 ? 1 : h; // 0 is reserved for "unknown"
}

std::string Endpoint::to_string() const {
    if (address.family == 0) return port ? fmt::format(":{}", port) : std::string("?");
    // fmt rather than string concatenation: GCC 12 at -O3 reports a false -Wrestrict for the
    // latter.
    const std::string text = address.to_string();
    const bool v6 = address.family == 6;
    if (port == 0) return v6 ? fmt::format("[{}]", text) : text;
    return v6 ? fmt::format("[{}]:{}", text, port) : fmt::format("{}:{}", text, port);
}

bool is_rfc3261_branch(std::string_view branch) {
    return branch.size() > 7 && branch.substr(0, 7) == "z9hG4bK";
}

std::string_view to_string(TxState state) {
    switch (state) {
    case TxState::trying:
        return "trying";
    case TxState::proceeding:
        return "proceeding";
    case TxState::completed:
        return "completed";
    case TxState::confirmed:
        return "confirmed";
    case TxState::terminated:
        return "terminated";
    }
    return "?";
}

std::string_view to_string(TxStep step) {
    switch (step) {
    case TxStep::request:
        return "request";
    case TxStep::request_retransmission:
        return "request-retransmission";
    case TxStep::request_duplicate:
        return "request-duplicate";
    case TxStep::ack:
        return "ack";
    case TxStep::ack_retransmission:
        return "ack-retransmission";
    case TxStep::provisional:
        return "provisional";
    case TxStep::provisional_retransmission:
        return "provisional-retransmission";
    case TxStep::final_response:
        return "final";
    case TxStep::final_retransmission:
        return "final-retransmission";
    case TxStep::additional_final:
        return "additional-final";
    case TxStep::response_duplicate:
        return "response-duplicate";
    case TxStep::response_without_request:
        return "response-without-request";
    }
    return "?";
}

bool is_retransmission(TxStep step) {
    return step == TxStep::request_retransmission || step == TxStep::ack_retransmission ||
           step == TxStep::provisional_retransmission || step == TxStep::final_retransmission;
}

bool is_duplicate(TxStep step) {
    return step == TxStep::request_duplicate || step == TxStep::response_duplicate;
}

namespace {
// The transaction an ACK or CANCEL names: ACK belongs to the INVITE transaction (non-2xx
// final), CANCEL has its own (RFC 3261 section 9.2) but shares the branch.
sip::Method transaction_method(const SipEvent& e) {
    sip::Method m = e.about();
    return m == sip::Method::ack ? sip::Method::invite : m;
}

std::uint64_t provisional_identity(const SipEvent& e) {
    std::uint64_t h = content_hash(e.to_tag);
    h ^= static_cast<std::uint64_t>(e.status) * 0x9E3779B97F4A7C15ull;
    if (e.rseq) h ^= (static_cast<std::uint64_t>(*e.rseq) + 1) << 20;
    return h;
}
} // namespace

Transaction::Transaction(const SipEvent& first, TxTimings timings) : m_timings(timings) {
    m_method = transaction_method(first);
    m_rfc3261 = is_rfc3261_branch(first.branch);
    // Call-ID and From tag only match a transaction without a magic-cookie branch.
    const std::string_view call_id = m_rfc3261 ? std::string_view() : first.call_id;
    const std::string_view from_tag = m_rfc3261 ? std::string_view() : first.from_tag;
    const std::string_view method_text =
        m_method == sip::Method::unknown ? first.about_text() : std::string_view();
    m_ids.reserve(first.branch.size() + first.sent_by.size() + call_id.size() + from_tag.size() +
                  method_text.size());
    m_ids.append(first.branch).append(first.sent_by).append(call_id).append(from_tag);
    m_ids.append(method_text);
    m_branch_size = static_cast<std::uint32_t>(first.branch.size());
    m_sent_by_size = static_cast<std::uint32_t>(first.sent_by.size());
    m_call_id_size = static_cast<std::uint32_t>(call_id.size());
    m_from_tag_size = static_cast<std::uint32_t>(from_tag.size());
    m_cseq = first.cseq;
    if (first.is_request) m_in_dialog = !first.to_tag.empty();
}

bool Transaction::matches(const SipEvent& e) const {
    const sip::Method m = transaction_method(e);
    if (m != m_method) {
        if (m_method != sip::Method::unknown || m != sip::Method::unknown) return false;
        if (e.about_text() != unknown_method_text()) return false;
    }
    if (m_rfc3261 || is_rfc3261_branch(e.branch)) {
        return e.branch == branch() && e.sent_by == sent_by();
    }
    // RFC 2543 (section 17.2.3, last paragraphs): no usable branch.
    if (e.cseq != m_cseq || e.call_id != call_id() || e.from_tag != from_tag() ||
        e.sent_by != sent_by() || e.branch != branch())
        return false;
    // An ACK for a 2xx is a new request, not part of the INVITE transaction.
    if (e.is_request && e.method == sip::Method::ack && m_final_status / 100 == 2) return false;
    return true;
}

bool Transaction::duplicate_of_last(const SipEvent& e, bool request) const {
    if (e.content_hash == 0) return false;
    const std::uint64_t hash = request ? m_last_request_hash : m_last_response_hash;
    const std::int64_t time = request ? m_last_request_time : m_last_response_time;
    if (hash != e.content_hash) return false;
    const std::int64_t delta = e.time_ns >= time ? e.time_ns - time : time - e.time_ns;
    if (delta < m_timings.duplicate_window_ns) return true;
    // On a reliable transport SIP does not retransmit (RFC 3261 section 17.1.1.2: Timer A only
    // runs on UDP), so the same bytes again are another capture point's copy. The exception
    // is the 2xx to INVITE, which the UAS core retransmits whatever the transport (13.3.1.4).
    const bool reliable = e.transport != decode::Transport::udp;
    const bool invite_2xx = !request && m_method == sip::Method::invite && e.status / 100 == 2;
    return reliable && !invite_2xx;
}

TxStep Transaction::observe(const SipEvent& e) {
    if (e.is_request) {
        const bool duplicate = duplicate_of_last(e, true);
        m_last_request_hash = e.content_hash;
        m_last_request_time = e.time_ns;
        if (e.method == sip::Method::ack && m_method == sip::Method::invite) {
            if (duplicate) return TxStep::request_duplicate;
            ++m_ack_count;
            if (m_ack_count > 1) return TxStep::ack_retransmission;
            m_acked = true;
            if (m_final_status >= 300) m_state = TxState::confirmed;
            return TxStep::ack;
        }
        if (duplicate) return TxStep::request_duplicate;
        if (!m_request_seen) {
            m_request_seen = true;
            m_request_time = e.time_ns;
            m_request_frame = e.frame;
            m_in_dialog = !e.to_tag.empty();
            return TxStep::request;
        }
        ++m_request_retransmissions;
        return TxStep::request_retransmission;
    }

    const bool duplicate = duplicate_of_last(e, false);
    m_last_response_hash = e.content_hash;
    m_last_response_time = e.time_ns;
    if (duplicate) return TxStep::response_duplicate;

    TxStep step;
    if (e.status < 200) {
        const std::uint64_t id = provisional_identity(e);
        if (std::find(m_provisionals.begin(), m_provisionals.end(), id) != m_provisionals.end()) {
            ++m_response_retransmissions;
            return TxStep::provisional_retransmission;
        }
        if (m_provisionals.size() < 64) m_provisionals.push_back(id);
        m_has_provisional = true;
        if (m_state == TxState::trying) m_state = TxState::proceeding;
        step = TxStep::provisional;
    } else if (m_final_status == 0) {
        m_final_status = e.status;
        m_final_to_tag = content_hash(e.to_tag);
        m_final_time = e.time_ns;
        m_state = TxState::completed;
        step = TxStep::final_response;
    } else if (e.status == m_final_status && content_hash(e.to_tag) == m_final_to_tag) {
        ++m_response_retransmissions;
        return TxStep::final_retransmission;
    } else {
        // A forked 2xx (another To tag) or a proxy's different final: keep a 2xx as the answer.
        if (e.status / 100 == 2 && m_final_status / 100 != 2) {
            m_final_status = e.status;
            m_final_to_tag = content_hash(e.to_tag);
            m_final_time = e.time_ns;
        }
        step = TxStep::additional_final;
    }
    if (!m_request_seen && step != TxStep::additional_final) {
        return step == TxStep::final_response || step == TxStep::provisional
                   ? TxStep::response_without_request
                   : step;
    }
    return step;
}

bool Transaction::timed_out(std::int64_t now_ns, std::int64_t timer_ns) const {
    if (!m_request_seen || m_final_status != 0) return false;
    if (m_method == sip::Method::invite && m_has_provisional) return false;
    return m_request_retransmissions > 0 || now_ns - m_request_time > timer_ns;
}

} // namespace sipdx::session
