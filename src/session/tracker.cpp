#include <sipdx/session/tracker.h>

#include <algorithm>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>

#include <vector>
#include <xxhash.h>

namespace sipdx::session {

namespace {

// XXH3 rather than std::hash: a Call-ID is hashed two or three times per message (find, and
// emplace/erase of a new or finished call), and libstdc++'s byte loop was 1% of `analyze`.
struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
        return static_cast<std::size_t>(XXH3_64bits(s.data(), s.size()));
    }
};

// A final response to an initial (out-of-dialog) request, kept as outcome evidence.
struct FinalSeen {
    sip::Method method = sip::Method::unknown;
    std::uint32_t cseq = 0;
    std::int64_t request_time = 0; // of its transaction's request; 0 when not captured
    std::int64_t time = 0;
    int status = 0;
    std::string phrase;
    std::string reason;
    std::string warning;
    Endpoint src;
    std::string product;
    std::uint32_t tx = 0; // index into the call's transactions when seen
};

struct AckSeen {
    std::uint64_t branch = 0;
    std::uint32_t cseq = 0;
    std::uint64_t hash = 0;
    std::int64_t time = 0;
};

constexpr std::uint32_t method_bit(sip::Method m) {
    return 1u << static_cast<unsigned>(m);
}

bool is_challenge(int status) {
    return status == 401 || status == 407;
}

// Deregistration (RFC 3261 section 10.2.2): Expires 0, every Contact expires=0, or "*".
bool removes_bindings(const SipEvent& e) {
    if (e.contact_wildcard) return true;
    if (e.contact_expires) return *e.contact_expires == 0;
    return e.expires && *e.expires == 0;
}

} // namespace

struct CallState {
    CallRecord rec;
    std::vector<Transaction> txs;
    std::vector<FinalSeen> finals;
    std::vector<AckSeen> acks;
    std::vector<std::pair<std::uint32_t, std::string>> tags; // (INVITE CSeq, To tag)
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

struct Tracker::Impl {
    Sink sink;
    TrackerOptions options;
    TrackerStats stats;
    std::unordered_map<std::string, CallState, StringHash, std::equal_to<>> calls;
    std::int64_t now = 0;
    std::int64_t last_sweep = 0;
    std::uint64_t events_since_sweep = 0;
    std::uint64_t last_number = 0; // CallRecord::number of the newest record

    FeedResult feed(const SipEvent& e);
    void record_final(CallState& c, const Transaction& tx, std::uint32_t tx_index,
                      const SipEvent& e);
    void registration_final(CallState& c, const SipEvent& e);
    bool settled(const CallState& c) const;
    void sweep(bool all);
    void emit(CallState& c);
    void finalize(CallState& c);
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
    if (stats.events == 1) stats.first_time_ns = e.time_ns;
    now = std::max(now, e.time_ns);
    stats.last_time_ns = now;

    auto it = calls.find(e.call_id);
    if (it == calls.end()) {
        it = calls.emplace(std::string(e.call_id), CallState{}).first;
        // Most Call-IDs see 2 to 4 transactions; growing 1 -> 2 -> 4 moved them all (3%).
        it->second.txs.reserve(4);
        CallRecord& r = it->second.rec;
        r.number = ++last_number;
        r.call_id = e.call_id;
        r.start_ns = e.time_ns;
        r.source = e.source;
        r.first_method = e.is_request && e.method == sip::Method::unknown
                             ? std::string(e.method_text)
                             : std::string(e.is_request ? sip::method_name(e.method)
                                                        : (e.cseq_method == sip::Method::unknown
                                                               ? e.cseq_method_text
                                                               : sip::method_name(e.cseq_method)));
        r.from = e.from();
        r.to = e.to();
        stats.peak_active = std::max<std::uint64_t>(stats.peak_active, calls.size());
    }
    CallState& c = it->second;
    CallRecord& r = c.rec;
    result.call = r.number;
    c.last_time = std::max(c.last_time, e.time_ns);
    r.end_ns = std::max(r.end_ns, e.time_ns);
    c.methods |= method_bit(e.about());
    if (r.icid.empty() && !e.icid.empty()) r.icid = e.icid;
    if (e.has_sdp) r.has_sdp = true;
    if (r.from.empty() && e.is_request) {
        r.from = e.from();
        r.to = e.to();
    }

    // Find the transaction; an ACK that matches none is the end-to-end ACK for a 2xx.
    std::uint32_t index = static_cast<std::uint32_t>(c.txs.size());
    for (std::uint32_t i = static_cast<std::uint32_t>(c.txs.size()); i-- > 0;) {
        if (c.txs[i].matches(e)) {
            index = i;
            break;
        }
    }
    const bool is_ack = e.is_request && e.method == sip::Method::ack;
    if (index == c.txs.size() && is_ack) {
        result.dialog_ack = true;
        const std::uint64_t branch = content_hash(e.branch);
        result.step = TxStep::request;
        for (auto& a : c.acks) {
            if (a.branch == branch && a.cseq == e.cseq) {
                const bool dup = e.content_hash != 0 && a.hash == e.content_hash &&
                                 e.time_ns - a.time < options.duplicate_window_ns;
                result.step = dup ? TxStep::request_duplicate : TxStep::ack_retransmission;
                a.hash = e.content_hash;
                a.time = e.time_ns;
                break;
            }
        }
        if (result.step == TxStep::request) {
            if (c.acks.size() < 256) c.acks.push_back({branch, e.cseq, e.content_hash, e.time_ns});
            c.ack_2xx = true;
        }
    } else {
        if (index == c.txs.size()) {
            TxTimings timings;
            timings.duplicate_window_ns = options.duplicate_window_ns;
            if (c.txs.size() >= options.max_transactions_per_call) {
                auto done = std::find_if(c.txs.begin(), c.txs.end(), [](const Transaction& t) {
                    return t.final_status() != 0;
                });
                if (done != c.txs.end()) c.txs.erase(done);
            }
            c.txs.emplace_back(e, timings);
            index = static_cast<std::uint32_t>(c.txs.size() - 1);
            ++r.transactions;
        }
        Transaction& tx = c.txs[index];
        const int final_before = tx.final_status();
        result.step = tx.observe(e);

        if (e.is_request && result.step == TxStep::request) {
            const bool initial = e.to_tag.empty();
            switch (e.method) {
            case sip::Method::invite:
                if (initial) {
                    ++r.attempts;
                    if (!c.first_invite) {
                        c.first_invite = e.time_ns;
                        c.caller_tag = e.from_tag;
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
            case sip::Method::cancel: {
                bool found = false;
                for (const auto& t : c.txs) {
                    if (t.is_invite() && t.cseq() == e.cseq &&
                        (t.branch() == e.branch || !is_rfc3261_branch(e.branch))) {
                        found = true;
                        break;
                    }
                }
                if (!found) c.add_finding(FindingCode::cancel_unmatched, e.frame);
                c.cancelled_cseqs.push_back(e.cseq);
                r.cancel_seen = true;
                if (c.request_reason.empty()) c.request_reason = e.reason;
                break;
            }
            case sip::Method::bye:
                if (!c.bye_time) {
                    c.bye_time = e.time_ns;
                    if (!c.caller_tag.empty())
                        r.bye_by = e.from_tag == c.caller_tag ? "caller" : "callee";
                    if (!e.reason.empty()) c.request_reason = e.reason;
                }
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

        if (!e.is_request) {
            if (result.step == TxStep::response_without_request)
                c.add_finding(FindingCode::response_without_request, e.frame);
            const bool new_final =
                e.status >= 200 &&
                (result.step == TxStep::final_response || result.step == TxStep::additional_final ||
                 (result.step == TxStep::response_without_request && final_before == 0));
            if (is_challenge(e.status) && new_final) ++r.challenges;
            if (e.status == 481 && new_final) c.add_finding(FindingCode::dialog_gone, e.frame);
            if (e.status == 491 && new_final) c.add_finding(FindingCode::glare, e.frame);
            if (e.cseq_method == sip::Method::invite && !tx.in_dialog() && e.status > 100 &&
                e.status < 300 && !e.to_tag.empty() && !is_duplicate(result.step)) {
                bool known = false;
                for (const auto& [seq, tag] : c.tags)
                    if (seq == e.cseq && tag == e.to_tag) known = true;
                if (!known && c.tags.size() < 64) c.tags.emplace_back(e.cseq, e.to_tag);
            }
            if (e.cseq_method == sip::Method::invite && !tx.in_dialog()) {
                if (e.status >= 180 && e.status < 200 &&
                    (!c.first_ringing || e.time_ns < *c.first_ringing))
                    c.first_ringing = e.time_ns;
                if (e.status / 100 == 2) {
                    if (!c.first_answer || e.time_ns < *c.first_answer) c.first_answer = e.time_ns;
                    c.answered = true;
                    c.last_2xx_time = e.time_ns;
                    if (std::find(c.cancelled_cseqs.begin(), c.cancelled_cseqs.end(), e.cseq) !=
                            c.cancelled_cseqs.end() &&
                        new_final)
                        c.add_finding(FindingCode::answered_after_cancel, e.frame);
                }
            }
            if (new_final &&
                (e.cseq_method == sip::Method::invite || e.cseq_method == sip::Method::update) &&
                tx.in_dialog() && e.status >= 300)
                c.add_finding(FindingCode::reinvite_failed, e.frame);
            if (new_final && !tx.in_dialog()) record_final(c, tx, index, e);
            if (new_final && e.cseq_method == sip::Method::register_) registration_final(c, e);
        }
    }

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
    if (options.keep_messages && r.message_log.size() < options.max_messages_per_call) {
        r.message_log.push_back(
            make_message_record(e, is_retransmission(result.step), is_duplicate(result.step)));
    }

    if (settled(c)) {
        if (c.closed_at == 0) c.closed_at = e.time_ns;
    } else {
        c.closed_at = 0;
    }

    // Sweep once per second of capture time, but only after enough events that the walk over
    // the open Call-IDs costs a bounded amount per event.
    if (++events_since_sweep * 16 >= calls.size() && now - last_sweep >= 1'000'000'000)
        sweep(false);
    return result;
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
    FinalSeen f;
    f.method = m;
    f.cseq = e.cseq;
    f.request_time = tx.request_seen() ? tx.request_time() : 0;
    f.time = e.time_ns;
    f.status = e.status;
    f.phrase = e.reason_phrase;
    f.reason = e.reason;
    f.warning = e.warning;
    f.src = e.src;
    f.product = !e.server.empty() ? e.server : e.user_agent;
    f.tx = tx_index;
    c.finals.push_back(std::move(f));
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
    events_since_sweep = 0;
    for (auto it = calls.begin(); it != calls.end();) {
        CallState& c = it->second;
        const bool done = c.closed_at != 0 && now - c.closed_at > options.linger_ns;
        const bool idle = now - c.last_time > options.idle_ns;
        if (all || done || idle) {
            emit(c);
            it = calls.erase(it);
        } else {
            ++it;
        }
    }
}

void Tracker::Impl::emit(CallState& c) {
    finalize(c);
    ++stats.emitted;
    if (sink) sink(std::move(c.rec));
}

void Tracker::Impl::finalize(CallState& c) {
    CallRecord& r = c.rec;
    const std::uint32_t m = c.methods;
    sip::Method main = sip::Method::unknown;
    if (m & method_bit(sip::Method::invite)) {
        r.kind = Kind::call;
        main = sip::Method::invite;
    } else if (m & method_bit(sip::Method::register_)) {
        r.kind = Kind::registration;
        main = sip::Method::register_;
    } else if (m & (method_bit(sip::Method::subscribe) | method_bit(sip::Method::notify))) {
        r.kind = Kind::subscription;
        main =
            (m & method_bit(sip::Method::subscribe)) ? sip::Method::subscribe : sip::Method::notify;
    } else if (m & method_bit(sip::Method::message)) {
        r.kind = Kind::message;
        main = sip::Method::message;
    } else if (m & method_bit(sip::Method::options)) {
        r.kind = Kind::options;
        main = sip::Method::options;
    } else {
        r.kind = Kind::other;
        main = sip::parse_method(r.first_method);
    }

    // Per-transaction finals, and the transactions of the deciding attempt.
    std::uint32_t last_cseq = 0;
    bool have_attempt = false;
    for (const auto& t : c.txs) {
        if (t.final_status() != 0) {
            auto pos = std::find_if(r.transaction_finals.begin(), r.transaction_finals.end(),
                                    [&](const auto& p) { return p.first == t.final_status(); });
            if (pos == r.transaction_finals.end())
                r.transaction_finals.emplace_back(t.final_status(), 1);
            else
                ++pos->second;
        }
        if (t.method() == main && !t.in_dialog()) {
            if (!have_attempt || t.cseq() > last_cseq) last_cseq = t.cseq();
            have_attempt = true;
        }
        if (t.is_invite() && t.final_status() != 0 && t.request_seen() && !t.acked() &&
            t.final_status() >= 300 && now - t.final_time() > 4'000'000'000)
            c.add_finding(FindingCode::ack_missing, t.request_frame());
    }
    std::sort(r.transaction_finals.begin(), r.transaction_finals.end());
    if (c.answered && !c.ack_2xx && now - c.last_2xx_time > 4'000'000'000)
        c.add_finding(FindingCode::ack_missing, 0);

    // The deciding answers: finals of the last attempt of the main method.
    const FinalSeen* caller_side = nullptr; // what the caller got: the earliest request's tx
    const FinalSeen* origin = nullptr;      // who first said it: the earliest final
    const FinalSeen* success = nullptr;
    std::uint32_t hops = 0;
    for (const auto& f : c.finals) {
        if (f.method != main || f.cseq != last_cseq) continue;
        ++hops;
        if (f.status / 100 == 2) {
            if (!success || f.time < success->time) success = &f;
            continue;
        }
        const std::int64_t key = f.request_time != 0 ? f.request_time : f.time;
        const std::int64_t best =
            caller_side
                ? (caller_side->request_time != 0 ? caller_side->request_time : caller_side->time)
                : std::numeric_limits<std::int64_t>::max();
        if (key < best) caller_side = &f;
        if (!origin || f.time < origin->time) origin = &f;
    }
    std::uint32_t attempt_txs = 0;
    bool attempt_timed_out = false;
    bool attempt_cancelled = std::find(c.cancelled_cseqs.begin(), c.cancelled_cseqs.end(),
                                       last_cseq) != c.cancelled_cseqs.end();
    for (const auto& t : c.txs) {
        if (t.method() != main || t.in_dialog() || t.cseq() != last_cseq) continue;
        ++attempt_txs;
        if (t.timed_out(now, options.timer_ns)) attempt_timed_out = true;
    }
    r.hops = std::max<std::uint32_t>(1, std::max(hops, attempt_txs));
    if (attempt_timed_out) c.add_finding(FindingCode::transaction_timeout, 0);

    const FinalSeen* decided = success ? success : caller_side;
    if (main == sip::Method::invite && c.answered && !success) {
        // A 2xx on an earlier attempt (or only seen without its request) still answers the call.
        r.final_code = 200;
    }
    if (decided) {
        r.final_code = decided->status;
        r.final_reason = decided->phrase;
        r.reason_header = decided->reason;
        r.warning = decided->warning;
    }
    if (r.reason_header.empty()) r.reason_header = c.request_reason;
    if (!success && origin) {
        r.has_failed_by = true;
        r.failed_by = origin->src;
        r.failed_by_product = origin->product;
        if (r.warning.empty()) r.warning = origin->warning;
        if (r.reason_header.empty()) r.reason_header = origin->reason;
    }

    const int code = r.final_code;
    if (main == sip::Method::invite) {
        if (c.answered) {
            r.outcome = Outcome::answered;
        } else if (code == 487 || (attempt_cancelled && code == 0)) {
            r.outcome = Outcome::cancelled;
        } else if (code / 100 == 3) {
            r.outcome = Outcome::redirected;
        } else if (is_challenge(code)) {
            r.outcome = Outcome::challenged;
        } else if (code >= 400) {
            r.outcome = attempt_cancelled && code == 487 ? Outcome::cancelled : Outcome::failed;
        } else {
            r.outcome = attempt_timed_out ? Outcome::timeout : Outcome::in_progress;
        }
    } else if (main == sip::Method::register_) {
        if (code / 100 == 2) {
            bool removes = false;
            for (const auto& [seq, rm] : c.reg_requests)
                if (seq == last_cseq) removes = rm;
            r.outcome = removes ? Outcome::unregistered
                                : (c.reg_query ? Outcome::completed : Outcome::registered);
        } else if (code / 100 == 3) {
            r.outcome = Outcome::redirected;
        } else if (is_challenge(code)) {
            r.outcome = Outcome::challenged;
        } else if (code >= 300) {
            r.outcome = Outcome::failed;
        } else {
            r.outcome = attempt_timed_out ? Outcome::timeout : Outcome::in_progress;
        }
        // A procedure that ended on an unanswered challenge, or timed out, counts as failed.
        if (c.reg_pending_challenge || (code == 0 && attempt_timed_out)) ++r.registrations;
    } else {
        if (code / 100 == 2) {
            r.outcome = Outcome::completed;
        } else if (code / 100 == 3) {
            r.outcome = Outcome::redirected;
        } else if (is_challenge(code)) {
            r.outcome = Outcome::challenged;
        } else if (code >= 300) {
            r.outcome = Outcome::failed;
        } else {
            r.outcome = attempt_timed_out ? Outcome::timeout : Outcome::in_progress;
        }
    }

    // Dialogs and timings.
    std::uint32_t max_per_cseq = 0;
    for (const auto& [seq, tag] : c.tags) {
        std::uint32_t n = 0;
        for (const auto& [seq2, tag2] : c.tags)
            n += seq2 == seq ? 1 : 0;
        max_per_cseq = std::max(max_per_cseq, n);
    }
    r.dialogs = static_cast<std::uint32_t>(c.tags.size());
    if (max_per_cseq > 1) c.add_finding(FindingCode::forked, 0);
    if (c.bye_time && !c.answered && main == sip::Method::invite)
        c.add_finding(FindingCode::bye_without_answer, 0);
    if (c.first_invite) {
        if (c.first_ringing && *c.first_ringing >= *c.first_invite)
            r.pdd_ms = static_cast<double>(*c.first_ringing - *c.first_invite) / 1e6;
        if (c.first_answer && *c.first_answer >= *c.first_invite)
            r.setup_ms = static_cast<double>(*c.first_answer - *c.first_invite) / 1e6;
    }
    if (c.first_answer && c.bye_time && *c.bye_time >= *c.first_answer)
        r.duration_s = static_cast<double>(*c.bye_time - *c.first_answer) / 1e9;
}

} // namespace sipdx::session
