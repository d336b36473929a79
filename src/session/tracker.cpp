#include <sipdx/knowledge/precondition.h>
#include <sipdx/session/tracker.h>

#include "session/detail/call_state.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include <unistd.h>

#include <xxhash.h>

namespace sipdx::session {

using detail::AckSeen;
using detail::CallExtra;
using detail::CallState;
using detail::EarlyTag;
using detail::FinalSeen;
using detail::is_challenge;
using detail::method_bit;

namespace {

// XXH3 rather than std::hash: a Call-ID is hashed two or three times per message (find, and
// emplace/erase of a new or finished call), and libstdc++'s byte loop was 1% of `analyze`.
struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
        return static_cast<std::size_t>(XXH3_64bits(s.data(), s.size()));
    }
    std::size_t operator()(const detail::CallIdKey& k) const noexcept { return (*this)(k.view()); }
};

struct CallIdEqual {
    using is_transparent = void;
    static std::string_view view(std::string_view s) { return s; }
    static std::string_view view(const detail::CallIdKey& k) { return k.view(); }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const noexcept {
        return view(a) == view(b);
    }
};

// Deregistration (RFC 3261 section 10.2.2): Expires 0, every Contact expires=0, or "*".
bool removes_bindings(const SipEvent& e) {
    if (e.contact_wildcard) return true;
    if (e.contact_expires) return *e.contact_expires == 0;
    return e.expires && *e.expires == 0;
}

FinalSeen final_seen(const Transaction& tx, std::uint32_t tx_index, const SipEvent& e) {
    FinalSeen f;
    f.method = tx.method();
    f.cseq = e.cseq;
    f.request_time = tx.request_seen() ? tx.request_time() : 0;
    f.time = e.time_ns;
    f.frame = e.frame;
    f.status = e.status;
    f.set_texts(e.reason_phrase, e.reason, e.warning, !e.server.empty() ? e.server : e.user_agent);
    f.src = e.src;
    f.tx = tx_index;
    f.branch = content_hash(e.branch);
    return f;
}

// The Call-IDs already emitted, as 64-bit hashes in an open-addressing table (one slot each,
// no allocation per record), and how many records the continued ones have had. Past
// max_remembered Call-IDs a Call-ID that goes on after its record was emitted is no longer
// recognised as a continuation.
class EmittedCallIds {
public:
    static constexpr std::size_t max_remembered = std::size_t{1} << 22;

    // The part number of the record about to be emitted for this Call-ID (1: its first), noted
    // so that the Call-ID's next record gets the next one. Asked once, at emission, in one
    // probe of the table: it is larger than any cache on long traces, and a Call-ID is open at
    // most once at a time, so nothing is emitted for it between its opening and this call.
    std::uint32_t next_part(std::uint64_t hash) {
        if (m_used < max_remembered && (m_used + 1) * 2 > m_slots.size()) grow();
        const std::size_t mask = m_slots.size() - 1; // never full: at most half its slots used
        for (std::size_t i = key(hash) & mask;; i = (i + 1) & mask) {
            if (m_slots[i] == key(hash)) return ++m_parts.try_emplace(hash, 1).first->second;
            if (m_slots[i] == 0) {
                if (m_used >= max_remembered) return 1; // full: no longer remembered
                m_slots[i] = key(hash);
                ++m_used;
                return 1;
            }
        }
    }

private:
    static std::uint64_t key(std::uint64_t hash) { return hash | 1; } // 0 marks a free slot
    static bool place(std::vector<std::uint64_t>& slots, std::uint64_t hash) {
        const std::size_t mask = slots.size() - 1;
        for (std::size_t i = key(hash) & mask;; i = (i + 1) & mask) {
            if (slots[i] == key(hash)) return false;
            if (slots[i] == 0) {
                slots[i] = key(hash);
                return true;
            }
        }
    }
    void grow() {
        std::vector<std::uint64_t> bigger(std::max<std::size_t>(1024, m_slots.size() * 2), 0);
        for (std::uint64_t k : m_slots)
            if (k != 0) place(bigger, k);
        m_slots.swap(bigger);
    }

    std::vector<std::uint64_t> m_slots; // size a power of two, at most half full
    std::size_t m_used = 0;
    std::unordered_map<std::uint64_t, std::uint32_t> m_parts; // Call-IDs with part > 1
};

// An estimate of what an open Call-ID holds: its node, every container it grows and the
// strings that outgrew their inline buffer. Strings inside the findings and finals are left
// out (most fit the small-string buffer).
std::uint64_t footprint(const CallState& c) {
    auto bytes = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
    // A string's own buffer when it outgrew the one inside the object.
    auto heap = [](const std::string& s) -> std::uint64_t {
        return s.capacity() > std::string().capacity() ? s.capacity() + 1 : 0;
    };
    std::uint64_t total = sizeof(CallState) + 64 /* map node, hash slot */ +
                          c.call_id->view().size() + heap(c.rec.from_to) + heap(c.rec.icid) +
                          bytes(c.txs) + bytes(c.finals) + bytes(c.acks) + bytes(c.tags) +
                          bytes(c.reg_requests) + bytes(c.rec.findings);
    for (const auto& t : c.txs)
        total += t.heap_bytes();
    if (const CallExtra* x = c.extra.get()) {
        total += sizeof(CallExtra) + bytes(x->hop_links) + bytes(x->cancelled_cseqs) +
                 bytes(x->dialog_finals) + bytes(x->credentials_sent) + bytes(x->message_log) +
                 heap(x->request_reason) + heap(x->access_network) + heap(x->preconditions) +
                 heap(x->first_method_text);
    }
    return total;
}

} // namespace

std::uint64_t default_state_budget() {
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long page_size = ::sysconf(_SC_PAGE_SIZE);
    const std::uint64_t physical =
        pages > 0 && page_size > 0 ? static_cast<std::uint64_t>(pages) * page_size : 0;
    return std::max<std::uint64_t>(physical / 4, std::uint64_t{256} << 20);
}

struct Tracker::Impl {
    Sink sink;
    TrackerOptions options;
    TrackerStats stats;
    std::unordered_map<detail::CallIdKey, CallState, StringHash, CallIdEqual> calls;
    // Expiry without a walk over every open Call-ID (which cost a quarter to 40% of a run on
    // traces with 100k+ open): every Call-ID by last activity (the front is the least recently
    // active: first idle, first evicted for the budget), and the settled ones by when they
    // settled (the front lingers longest). A sweep pops expired fronts: O(1) per expiry.
    detail::IntrusiveList<CallState, &CallState::active_link> active;
    detail::IntrusiveList<CallState, &CallState::settled_link> settled_calls;
    std::int64_t now = 0;
    std::int64_t last_sweep = 0;
    std::uint64_t last_number = 0; // CallRecord::number of the newest record
    // Clock jumps: each one starts an epoch; the Call-IDs of an earlier epoch are judged
    // (timeouts) at the last time of their own epoch.
    bool clock_started = false;
    std::int64_t last_event_time = 0;
    std::uint32_t epoch = 0;
    std::vector<std::int64_t> epoch_ends;
    // Call-IDs already emitted (XXH3 of the Call-ID -> records so far), for CallRecord::part.
    EmittedCallIds emitted;

    FeedResult feed(const SipEvent& e);
    void watch_clock(const SipEvent& e);
    CallState& open_call(const SipEvent& e);
    void note_message(CallState& c, const SipEvent& e);
    static std::uint32_t find_transaction(const CallState& c, const SipEvent& e);
    std::uint32_t open_transaction(CallState& c, const SipEvent& e);
    void end_to_end_ack(CallState& c, const SipEvent& e, FeedResult& result);
    void on_request(CallState& c, const SipEvent& e);
    void on_cancel(CallState& c, const SipEvent& e);
    void on_bye(CallState& c, const SipEvent& e);
    void on_response(CallState& c, std::uint32_t index, const SipEvent& e, TxStep step,
                     int final_before);
    void on_invite_response(CallState& c, std::uint32_t index, const SipEvent& e, TxStep step,
                            bool new_final);
    void on_credentials_answer(CallState& c, const SipEvent& e);
    static void keep_dialog_final(CallState& c, const Transaction& tx, std::uint32_t index,
                                  const SipEvent& e);
    void count_message(CallState& c, const SipEvent& e, const FeedResult& result);
    void record_final(CallState& c, const Transaction& tx, std::uint32_t tx_index,
                      const SipEvent& e);
    void registration_final(CallState& c, const SipEvent& e);
    bool settled(const CallState& c) const;
    void sweep(bool all);
    void keep_within_budget(const CallState& current);
    void expire(CallState& c);
    void emit(CallState& c);
};

Tracker::Tracker(Sink sink, TrackerOptions options) : m_impl(std::make_unique<Impl>()) {
    m_impl->sink = std::move(sink);
    m_impl->options = options;
}

Tracker::~Tracker() = default;

FeedResult Tracker::feed(const SipEvent& event) {
    return m_impl->feed(event);
}

void Tracker::finish() {
    m_impl->sweep(true);
}

std::size_t Tracker::active() const {
    return m_impl->calls.size();
}

const TrackerStats& Tracker::stats() const {
    return m_impl->stats;
}

FeedResult Tracker::Impl::feed(const SipEvent& e) {
    FeedResult result;
    ++stats.events;
    if (e.call_id.empty()) {
        ++stats.ignored;
        return result;
    }
    watch_clock(e);
    CallState& c = open_call(e);
    result.call = c.rec.number;
    note_message(c, e);

    // An ACK that matches no transaction is the end-to-end ACK for a 2xx.
    std::uint32_t index = find_transaction(c, e);
    const bool is_ack = e.is_request && e.method == sip::Method::ack;
    if (index == c.txs.size() && is_ack) {
        end_to_end_ack(c, e, result);
    } else {
        if (index == c.txs.size()) index = open_transaction(c, e);
        const int final_before = c.txs[index].final_status();
        result.step = c.txs[index].observe(e);
        if (e.is_request && result.step == TxStep::request) on_request(c, e);
        if (!e.is_request) on_response(c, index, e, result.step, final_before);
    }
    count_message(c, e, result);

    active.move_to_back(c);
    if (settled(c)) {
        if (c.closed_at == 0) {
            c.closed_at = e.time_ns;
            settled_calls.push_back(c);
        }
    } else {
        c.closed_at = 0;
        settled_calls.remove(c);
    }
    const std::uint64_t bytes = footprint(c);
    // stats.state_bytes is the sum of every open CallState::footprint.
    stats.state_bytes += bytes - c.footprint; // unsigned wrap-around adds a negative change too
    c.footprint = bytes;
    if (options.max_state_bytes != 0 && stats.state_bytes > options.max_state_bytes)
        keep_within_budget(c);
    stats.peak_state_bytes = std::max(stats.peak_state_bytes, stats.state_bytes);

    // Expire at most once per second of capture time: a Call-ID is judged a little after its
    // timers ran out, as before, and a burst of messages costs no extra look at the queues.
    if (now - last_sweep >= 1'000'000'000) sweep(false);
    return result;
}

void Tracker::Impl::watch_clock(const SipEvent& e) {
    if (!clock_started) {
        clock_started = true;
        stats.first_time_ns = e.time_ns;
        now = e.time_ns;
    } else if (is_clock_jump(last_event_time, e.time_ns)) {
        ++stats.clock_jumps;
        if (stats.first_clock_jump_frame == 0) stats.first_clock_jump_frame = e.frame;
        epoch_ends.push_back(now);
        ++epoch;
        now = e.time_ns; // timers of what follows run on the new clock
        last_sweep = now;
    }
    now = std::max(now, e.time_ns);
    last_event_time = e.time_ns;
    stats.last_time_ns = now;
}

CallState& Tracker::Impl::open_call(const SipEvent& e) {
    auto it = calls.find(e.call_id);
    if (it != calls.end()) return it->second;
    it = calls.try_emplace(detail::CallIdKey(e.call_id)).first; // built in place: it is large
    CallState& c = it->second;
    c.call_id = &it->first; // a node's key never moves
    active.push_back(c);
    c.epoch = epoch;
    detail::OpenRecord& r = c.rec;
    r.number = ++last_number;
    r.start_ns = e.time_ns;
    r.source = e.source;
    const sip::Method about = e.about();
    r.first_method = about;
    if (about == sip::Method::unknown) c.more().first_method_text = e.about_text();
    r.set_from_to(e.from(), e.to()); // r.part is set when the record is emitted
    stats.peak_active = std::max<std::uint64_t>(stats.peak_active, calls.size());
    return c;
}

void Tracker::Impl::note_message(CallState& c, const SipEvent& e) {
    detail::OpenRecord& r = c.rec;
    if (c.epoch != epoch) {
        c.epoch = epoch;
        // What lies wholly before the jump still counts.
        if (!c.spans_clock_jump) c.more().jump_timings = detail::timings(c);
        c.spans_clock_jump = true;
        c.last_time = e.time_ns;
        c.add_finding(FindingCode::clock_jump, e.frame);
    }
    if (e.after_gap) c.add_finding(FindingCode::capture_gap, e.frame);
    c.last_time = std::max(c.last_time, e.time_ns);
    r.end_ns = std::max(r.end_ns, e.time_ns);
    c.methods |= method_bit(e.about());
    if (r.icid.empty() && !e.icid.empty()) r.icid = e.icid;
    if (e.has_sdp) {
        r.has_sdp = true;
        if (auto lines = knowledge::precondition_lines(e.sdp); !lines.empty())
            c.more().preconditions = std::move(lines);
    }
    if (!e.access_network.empty() && c.rare().access_network.empty())
        c.more().access_network = e.access_network;
    if (r.from_size == 0 && e.is_request) r.set_from_to(e.from(), e.to());
}

std::uint32_t Tracker::Impl::find_transaction(const CallState& c, const SipEvent& e) {
    for (std::uint32_t i = static_cast<std::uint32_t>(c.txs.size()); i-- > 0;)
        if (c.txs[i].matches(e)) return i;
    return static_cast<std::uint32_t>(c.txs.size());
}

std::uint32_t Tracker::Impl::open_transaction(CallState& c, const SipEvent& e) {
    TxTimings timings;
    timings.duplicate_window_ns = options.duplicate_window_ns;
    if (c.txs.size() >= std::max<std::uint32_t>(options.max_transactions_per_call, 1)) {
        // The oldest finished transaction goes; when none has finished (a flood of requests
        // never answered), the oldest of all, so the bound holds whatever the input.
        auto done = std::find_if(c.txs.begin(), c.txs.end(),
                                 [](const Transaction& t) { return t.final_status() != 0; });
        c.txs.erase(done != c.txs.end() ? done : c.txs.begin());
        c.add_finding(FindingCode::transactions_dropped, e.frame);
        ++stats.transactions_dropped;
    }
    c.txs.emplace_back(e, timings);
    ++c.rec.transactions;
    return static_cast<std::uint32_t>(c.txs.size() - 1);
}

void Tracker::Impl::end_to_end_ack(CallState& c, const SipEvent& e, FeedResult& result) {
    result.dialog_ack = true;
    result.step = TxStep::request;
    const std::uint64_t branch = content_hash(e.branch);
    for (auto& a : c.acks) {
        if (a.branch == branch && a.cseq == e.cseq) {
            const bool dup = e.content_hash != 0 && a.hash == e.content_hash &&
                             e.time_ns - a.time < options.duplicate_window_ns;
            result.step = dup ? TxStep::request_duplicate : TxStep::ack_retransmission;
            a.hash = e.content_hash;
            a.time = e.time_ns;
            return;
        }
    }
    if (!c.request_seen) {
        c.request_seen = true;
        c.first_request_in_dialog = true;
        c.first_request_method = sip::Method::ack;
    }
    if (c.acks.size() < 256) c.acks.push_back({branch, e.cseq, e.content_hash, e.time_ns});
    c.ack_2xx = true;
}

// The first transmission of a request.
void Tracker::Impl::on_request(CallState& c, const SipEvent& e) {
    detail::OpenRecord& r = c.rec;
    const bool initial = e.to_tag.empty();
    if (!c.request_seen) {
        c.request_seen = true;
        c.first_request_in_dialog = !initial;
        c.first_request_method = e.method;
    }
    if (e.has_credentials && (c.challenged_methods & method_bit(e.method)) &&
        c.rare().credentials_sent.size() < 64)
        c.more().credentials_sent.emplace_back(e.method, e.cseq);
    switch (e.method) {
    case sip::Method::invite:
        if (initial) {
            ++r.attempts;
            if (!e.previous_branch.empty() && c.rare().hop_links.size() < 64)
                c.more().hop_links.push_back(
                    {content_hash(e.branch), content_hash(e.previous_branch)});
            if (!c.first_invite) {
                c.first_invite = e.time_ns;
                c.caller_tag = e.from_tag.empty() ? 0 : content_hash(e.from_tag);
            }
        } else {
            ++r.reinvites;
        }
        break;
    case sip::Method::update:
        if (!initial) ++r.reinvites;
        break;
    case sip::Method::prack:
        ++r.pracks;
        break;
    case sip::Method::cancel:
        on_cancel(c, e);
        break;
    case sip::Method::bye:
        on_bye(c, e);
        break;
    case sip::Method::register_:
        ++r.attempts;
        c.reg_query = !e.has_contact;
        if (c.reg_requests.size() >= 64) c.reg_requests.erase(c.reg_requests.begin());
        c.reg_requests.emplace_back(e.cseq, removes_bindings(e));
        break;
    default:
        if (initial) ++r.attempts;
        break;
    }
}

void Tracker::Impl::on_cancel(CallState& c, const SipEvent& e) {
    bool found = false;
    for (const auto& t : c.txs) {
        if (t.is_invite() && t.cseq() == e.cseq &&
            (t.branch() == e.branch || !is_rfc3261_branch(e.branch))) {
            found = true;
            break;
        }
    }
    if (!found) c.add_finding(FindingCode::cancel_unmatched, e.frame);
    c.more().cancelled_cseqs.push_back(e.cseq);
    c.rec.cancel_seen = true;
    if (CallExtra& x = c.more(); !x.cancel_time) {
        x.cancel_time = e.time_ns;
        x.cancel_frame = e.frame;
    }
    if (c.rare().request_reason.empty() && !e.reason.empty()) c.more().request_reason = e.reason;
}

void Tracker::Impl::on_bye(CallState& c, const SipEvent& e) {
    if (c.bye_time) return;
    c.bye_time = e.time_ns;
    c.more().bye_frame = e.frame;
    c.bye_before_answer = c.first_invite && !c.answered;
    c.bye_from_caller =
        c.caller_tag != 0 && !e.from_tag.empty() && content_hash(e.from_tag) == c.caller_tag;
    if (c.caller_tag != 0) c.rec.bye_by = c.bye_from_caller ? 1 : 2;
    if (!e.reason.empty()) c.more().request_reason = e.reason;
}

void Tracker::Impl::on_response(CallState& c, std::uint32_t index, const SipEvent& e, TxStep step,
                                int final_before) {
    detail::OpenRecord& r = c.rec;
    const Transaction& tx = c.txs[index];
    if (step == TxStep::response_without_request)
        c.add_finding(FindingCode::response_without_request, e.frame);
    const bool new_final =
        e.status >= 200 && (step == TxStep::final_response || step == TxStep::additional_final ||
                            (step == TxStep::response_without_request && final_before == 0));
    if (is_challenge(e.status) && new_final) {
        ++r.challenges;
        c.challenged_methods |= method_bit(e.cseq_method);
    }
    if (e.status == 481 && new_final) c.add_finding(FindingCode::dialog_gone, e.frame);
    if (e.status == 491 && new_final) c.add_finding(FindingCode::glare, e.frame);
    if (e.cseq_method == sip::Method::invite && !tx.in_dialog())
        on_invite_response(c, index, e, step, new_final);
    if (!new_final) return;
    if ((e.cseq_method == sip::Method::invite || e.cseq_method == sip::Method::update) &&
        tx.in_dialog() && e.status >= 300)
        c.add_finding(FindingCode::reinvite_failed, e.frame);
    if (e.cseq_method == sip::Method::cancel) c.cancel_answered = true;
    if (c.first_request_in_dialog && !c.first_invite && tx.in_dialog())
        keep_dialog_final(c, tx, index, e);
    if (!c.rare().credentials_sent.empty()) on_credentials_answer(c, e);
    if (!tx.in_dialog()) record_final(c, tx, index, e);
    if (e.cseq_method == sip::Method::register_) registration_final(c, e);
}

// 1xx/2xx to the initial INVITE: early dialogs (per hop), ringing, the answer.
void Tracker::Impl::on_invite_response(CallState& c, std::uint32_t index, const SipEvent& e,
                                       TxStep step, bool new_final) {
    if (e.status > 100 && e.status < 300 && !e.to_tag.empty() && !is_duplicate(step)) {
        const bool known = std::any_of(c.tags.begin(), c.tags.end(), [&](const EarlyTag& t) {
            return t.cseq == e.cseq && t.tx == index && t.tag == e.to_tag;
        });
        if (!known && c.tags.size() < 64) c.tags.push_back({e.cseq, index, std::string(e.to_tag)});
    }
    if (e.status >= 180 && e.status < 200 && (!c.first_ringing || e.time_ns < *c.first_ringing)) {
        c.first_ringing = e.time_ns;
        c.progress_code = e.status;
    }
    if (e.status / 100 != 2) return;
    if (!c.first_answer || e.time_ns < *c.first_answer) c.first_answer = e.time_ns;
    c.answered = true;
    c.last_2xx_time = e.time_ns;
    const auto& cancelled = c.rare().cancelled_cseqs;
    if (new_final && std::find(cancelled.begin(), cancelled.end(), e.cseq) != cancelled.end())
        c.add_finding(FindingCode::answered_after_cancel, e.frame);
}

// A final answer to a request that carried credentials after a challenge: 403 (the usual PBX
// answer to a wrong password) or a new challenge (REGISTER has its own accounting) means
// the credentials were rejected.
void Tracker::Impl::on_credentials_answer(CallState& c, const SipEvent& e) {
    auto& credentials = c.more().credentials_sent;
    auto sent = std::find(credentials.begin(), credentials.end(), std::pair{e.cseq_method, e.cseq});
    if (sent == credentials.end()) return;
    const bool rejected =
        e.status == 403 || (is_challenge(e.status) && e.cseq_method != sip::Method::register_);
    if (rejected) c.add_finding(FindingCode::credentials_rejected, e.frame);
    if (rejected || e.status / 100 == 2) credentials.erase(sent);
}

void Tracker::Impl::keep_dialog_final(CallState& c, const Transaction& tx, std::uint32_t index,
                                      const SipEvent& e) {
    if (e.cseq_method == sip::Method::ack) return;
    const bool bye = e.cseq_method == sip::Method::bye;
    auto& dialog_finals = c.more().dialog_finals;
    auto same_kind =
        std::find_if(dialog_finals.begin(), dialog_finals.end(),
                     [bye](const FinalSeen& f) { return (f.method == sip::Method::bye) == bye; });
    if (same_kind == dialog_finals.end())
        dialog_finals.push_back(final_seen(tx, index, e));
    else if (!bye)
        *same_kind = final_seen(tx, index, e);
}

void Tracker::Impl::count_message(CallState& c, const SipEvent& e, const FeedResult& result) {
    detail::OpenRecord& r = c.rec;
    if (is_retransmission(result.step)) {
        ++r.retransmissions;
        c.add_finding(e.is_request ? FindingCode::request_retransmitted
                                   : FindingCode::response_retransmitted,
                      e.frame);
    }
    if (is_duplicate(result.step)) {
        ++r.duplicates;
        c.add_finding(FindingCode::duplicate_copy, e.frame);
    } else {
        ++r.messages;
    }
    if (options.keep_messages && c.rare().message_log.size() < options.max_messages_per_call) {
        c.more().message_log.push_back(
            make_message_record(e, is_retransmission(result.step), is_duplicate(result.step)));
    }
}

void Tracker::Impl::record_final(CallState& c, const Transaction& tx, std::uint32_t tx_index,
                                 const SipEvent& e) {
    const sip::Method m = tx.method();
    std::uint32_t max_cseq = 0;
    for (const auto& f : c.finals)
        if (f.method == m) max_cseq = std::max(max_cseq, f.cseq);
    if (e.cseq < max_cseq) return;
    if (e.cseq > max_cseq) {
        std::erase_if(c.finals, [m](const FinalSeen& f) { return f.method == m; });
    }
    if (c.finals.size() >= 32) return; // more hops than any real path
    c.finals.push_back(final_seen(tx, tx_index, e));
}

void Tracker::Impl::registration_final(CallState& c, const SipEvent& e) {
    if (c.reg_any_counted && e.cseq <= c.reg_counted_cseq) return; // another hop, same answer
    if (is_challenge(e.status)) {
        if (c.reg_pending_challenge && c.reg_challenge_cseq != e.cseq)
            c.add_finding(FindingCode::credentials_rejected, e.frame);
        c.reg_pending_challenge = true;
        c.reg_challenge_cseq = e.cseq;
        c.reg_any_counted = true;
        c.reg_counted_cseq = e.cseq;
        return;
    }
    c.reg_pending_challenge = false;
    c.reg_any_counted = true;
    c.reg_counted_cseq = e.cseq;
    ++c.rec.registrations;
    if (e.status / 100 == 2) {
        ++c.rec.registrations_ok;
        for (const auto& [seq, removes] : c.reg_requests)
            if (seq == e.cseq && removes) ++c.rec.deregistrations;
    }
}

bool Tracker::Impl::settled(const CallState& c) const {
    if (c.txs.empty()) return false;
    for (const auto& t : c.txs) {
        if (t.final_status() == 0 && t.request_seen()) return false;
    }
    if (c.answered && !c.bye_time) return false; // the call is up
    if (c.reg_pending_challenge) return false;   // the retry usually follows at once
    return true;
}

void Tracker::Impl::sweep(bool all) {
    last_sweep = now;
    if (all) {
        while (CallState* c = active.front())
            expire(*c);
        return;
    }
    // A Call-ID of an earlier clock epoch has had its time: it goes at the first sweep after
    // the jump (its delays are judged at the end of its own epoch, see emit()).
    while (CallState* c = settled_calls.front()) {
        if (c->epoch == epoch && now - c->closed_at <= options.linger_ns) break;
        expire(*c);
    }
    while (CallState* c = active.front()) {
        if (c->epoch == epoch && now - c->last_time <= options.idle_ns) break;
        expire(*c);
    }
}

// The budget is full: the least recently active Call-IDs go first, as they stand, until a
// tenth of the budget is free again (so that eviction is not paid on every message).
void Tracker::Impl::keep_within_budget(const CallState& current) {
    const std::uint64_t target = options.max_state_bytes / 10 * 9;
    while (stats.state_bytes > target) {
        CallState* c = active.front();
        if (c == nullptr || c == &current) break;
        c->add_finding(FindingCode::state_evicted, 0);
        ++stats.evicted;
        expire(*c);
    }
}

void Tracker::Impl::expire(CallState& c) {
    active.remove(c);
    settled_calls.remove(c);
    stats.state_bytes -= c.footprint;
    auto it = calls.find(c.call_id->view());
    emit(c);
    calls.erase(it);
}

void Tracker::Impl::emit(CallState& c) {
    // A Call-ID of an earlier clock epoch is judged at the end of that epoch.
    const std::int64_t judged_at = c.epoch < epoch ? epoch_ends[c.epoch] : now;
    const std::string_view call_id = c.call_id->view();
    c.rec.part = emitted.next_part(XXH3_64bits(call_id.data(), call_id.size()));
    CallRecord r;
    detail::finalize(c, r, judged_at, options);
    ++stats.emitted;
    if (r.part > 1) ++stats.records_continued;
    if (sink) sink(std::move(r));
}

} // namespace sipdx::session
