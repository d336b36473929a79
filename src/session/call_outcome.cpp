// Deciding a Call-ID's record when it is emitted: kind, the deciding final answer and who sent
// it, the outcome (docs/analysis.md), dialogs, timings and the findings that need the whole
// Call-ID to be seen.
#include "session/detail/call_state.h"

#include <algorithm>
#include <array>
#include <limits>
#include <vector>

namespace sipdx::session::detail {

namespace {

// Requests that only exist inside an INVITE dialog: a Call-ID whose first captured request is
// one of them (with a To tag) is a call whose start the capture missed.
constexpr std::uint32_t call_dialog_methods =
    method_bit(sip::Method::invite) | method_bit(sip::Method::ack) | method_bit(sip::Method::bye) |
    method_bit(sip::Method::update) | method_bit(sip::Method::info) |
    method_bit(sip::Method::prack) | method_bit(sip::Method::refer);

sip::Method decide_kind(const CallState& c, CallRecord& r) {
    const std::uint32_t m = c.methods;
    r.mid_dialog = c.first_request_in_dialog && !c.first_invite &&
                   (call_dialog_methods & method_bit(c.first_request_method)) != 0;
    if ((m & method_bit(sip::Method::invite)) || r.mid_dialog) {
        r.kind = Kind::call;
        return sip::Method::invite;
    }
    if (m & method_bit(sip::Method::register_)) {
        r.kind = Kind::registration;
        return sip::Method::register_;
    }
    if (m & (method_bit(sip::Method::subscribe) | method_bit(sip::Method::notify))) {
        r.kind = Kind::subscription;
        return (m & method_bit(sip::Method::subscribe)) ? sip::Method::subscribe
                                                        : sip::Method::notify;
    }
    if (m & method_bit(sip::Method::message)) {
        r.kind = Kind::message;
        return sip::Method::message;
    }
    if (m & method_bit(sip::Method::options)) {
        r.kind = Kind::options;
        return sip::Method::options;
    }
    r.kind = Kind::other;
    return sip::parse_method(r.first_method);
}

// What the transactions of the deciding attempt say.
struct Attempt {
    std::uint32_t cseq = 0; // CSeq of the last attempt of the main method
    std::uint32_t txs = 0;  // its transactions (one per hop or fork)
    bool timed_out = false; // one of them got no final answer within Timer B/F
    bool cancelled = false; // a CANCEL named its CSeq
    bool has_final = false; // one of them got a final answer
    std::int64_t first_final_time = 0;
};

// Per-code totals of the transactions' final answers, ACKs missing for INVITE failures, and
// the last attempt of the main method.
Attempt scan_transactions(CallState& c, CallRecord& r, sip::Method main, std::int64_t now,
                          const TrackerOptions& options) {
    Attempt a;
    bool have_attempt = false;
    const bool judge_timers = !c.spans_clock_jump;
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
            if (!have_attempt || t.cseq() > a.cseq) a.cseq = t.cseq();
            have_attempt = true;
        }
        if (judge_timers && t.is_invite() && t.final_status() >= 300 && t.request_seen() &&
            !t.acked() && now - t.final_time() > 4'000'000'000)
            c.add_finding(FindingCode::ack_missing, t.request_frame());
    }
    std::sort(r.transaction_finals.begin(), r.transaction_finals.end());
    if (judge_timers && c.answered && !c.ack_2xx && now - c.last_2xx_time > 4'000'000'000)
        c.add_finding(FindingCode::ack_missing, 0);

    const auto& cancelled = c.rare().cancelled_cseqs;
    a.cancelled = std::find(cancelled.begin(), cancelled.end(), a.cseq) != cancelled.end();
    for (const auto& t : c.txs) {
        if (t.method() != main || t.in_dialog() || t.cseq() != a.cseq) continue;
        ++a.txs;
        if (judge_timers && t.timed_out(now, options.timer_ns)) a.timed_out = true;
        if (t.final_status() != 0 && (!a.has_final || t.final_time() < a.first_final_time)) {
            a.first_final_time = t.final_time();
            a.has_final = true;
        }
    }
    if (a.timed_out) c.add_finding(FindingCode::transaction_timeout, 0);
    return a;
}

// The deciding answers among the finals of the last attempt.
struct Deciding {
    const FinalSeen* success = nullptr;     // earliest 2xx
    const FinalSeen* caller_side = nullptr; // the failure the caller got: earliest request's tx
    const FinalSeen* origin = nullptr;      // who first sent that same answer (deepest hop)
    const FinalSeen* root_cause = nullptr;  // an earlier, different failure downstream
    std::uint32_t path_hops = 0;            // transactions that carried the deciding answer
    bool path_from_via = false;             // path_hops counted along the Via chain
};

// The next hop's final answer on the Via chain below `from` (the INVITE forwarded from that
// transaction: its second Via is from's branch) that `wanted` accepts, earliest first.
template <typename Wanted>
const FinalSeen* next_hop(const CallState& c, sip::Method main, std::uint32_t cseq,
                          const FinalSeen& from, Wanted&& wanted) {
    const FinalSeen* best = nullptr;
    for (const auto& f : c.finals) {
        // A hop that kept the branch (or a copy of the same hop) is no step down the path.
        if (f.method != main || f.cseq != cseq || f.branch == from.branch || !wanted(f)) continue;
        const auto& links = c.rare().hop_links;
        const bool below = std::any_of(links.begin(), links.end(), [&](const auto& l) {
            return l.branch == f.branch && l.previous == from.branch;
        });
        if (below && (!best || f.time < best->time)) best = &f;
    }
    return best;
}

// Follows the deciding answer down the Via chain (RFC 3261 section 16.7: a proxy relays the
// best answer of the branches it forwarded to): the last hop that carried the same code is
// the node that originated it, and a different failure among that node's own branches is
// what it followed. False when the chain gives nothing (no Via links, a B2BUA in the way).
bool follow_via_chain(const CallState& c, sip::Method main, std::uint32_t cseq,
                      const FinalSeen& decided, Deciding& d) {
    const auto& hop_links = c.rare().hop_links;
    if (hop_links.empty()) return false;
    const bool success = decided.status / 100 == 2;
    auto same = [&](const FinalSeen& f) {
        return success ? f.status / 100 == 2 : f.status == decided.status;
    };
    const FinalSeen* at = &decided;
    // The branches on the path so far (bounded like the walk: no allocation per record).
    std::array<std::uint64_t, 66> path_slots{};
    std::size_t path_size = 0;
    auto on_path = [&](std::uint64_t b) {
        return std::find(path_slots.begin(), path_slots.begin() + path_size, b) !=
               path_slots.begin() + path_size;
    };
    auto add_to_path = [&](std::uint64_t b) {
        if (path_size < path_slots.size()) path_slots[path_size++] = b;
    };
    add_to_path(decided.branch);
    for (int i = 0; i < 32; ++i) { // bounded: a path longer than any real one is a loop
        const FinalSeen* next = next_hop(c, main, cseq, *at, same);
        if (!next || on_path(next->branch)) break;
        at = next;
        add_to_path(next->branch);
    }
    const auto hops = static_cast<std::uint32_t>(path_size);
    if (hops == 1) return false;
    // A hop below the chain's end that was not captured breaks it: an earlier answer with the
    // same code whose hop above is not in the capture is then the better origin.
    auto captured = [&](std::uint64_t branch) {
        return std::any_of(c.finals.begin(), c.finals.end(),
                           [&](const FinalSeen& f) { return f.branch == branch; });
    };
    for (const auto& f : c.finals) {
        if (f.method != main || f.cseq != cseq || !same(f) || f.time >= at->time) continue;
        if (on_path(f.branch)) continue;
        const bool orphan = std::none_of(hop_links.begin(), hop_links.end(), [&](const auto& l) {
            return l.branch == f.branch && captured(l.previous);
        });
        if (orphan) return false;
    }
    d.origin = at;
    d.path_hops = hops;
    d.path_from_via = true;
    if (success) return true;
    const int decided_code = decided.status;
    const FinalSeen* cause = next_hop(c, main, cseq, *at, [decided_code](const FinalSeen& f) {
        return f.status >= 300 && f.status != decided_code && !is_challenge(f.status) &&
               f.status != 487;
    });
    for (int i = 0; cause && i < 32; ++i) { // down to the node that originated that failure
        const int code = cause->status;
        const FinalSeen* next = next_hop(c, main, cseq, *cause,
                                         [code](const FinalSeen& f) { return f.status == code; });
        if (!next || on_path(next->branch)) break;
        add_to_path(next->branch);
        cause = next;
    }
    d.root_cause = cause;
    return true;
}

Deciding decide_answers(const CallState& c, sip::Method main, std::uint32_t cseq) {
    Deciding d;
    auto key = [](const FinalSeen& f) { return f.request_time != 0 ? f.request_time : f.time; };
    for (const auto& f : c.finals) {
        if (f.method != main || f.cseq != cseq) continue;
        if (f.status / 100 == 2) {
            if (!d.success || f.time < d.success->time) d.success = &f;
        } else if (!d.caller_side || key(f) < key(*d.caller_side)) {
            d.caller_side = &f;
        }
    }
    // Follow the answer the caller got down the path: every hop that relayed the same code,
    // the last being the node that originated it. A different failure below it (forks
    // answering 408 before a proxy gave up with 500) is what it followed.
    const FinalSeen* decided = d.success ? d.success : d.caller_side;
    if (!decided) return d;
    if (follow_via_chain(c, main, cseq, *decided, d)) return d;
    // Without Via links, by code and time.
    const bool success = decided->status / 100 == 2;
    for (const auto& f : c.finals) {
        if (f.method != main || f.cseq != cseq) continue;
        const bool same = success ? f.status / 100 == 2 : f.status == decided->status;
        if (!same) continue;
        ++d.path_hops;
        if (!d.origin || f.time < d.origin->time) d.origin = &f;
    }
    if (success) return d;
    for (const auto& f : c.finals) {
        if (f.method != main || f.cseq != cseq || f.status == decided->status) continue;
        if (f.status / 100 == 2 || is_challenge(f.status) || f.status == 487) continue;
        if (f.time > d.origin->time) continue;
        if (!d.root_cause || f.time < d.root_cause->time) d.root_cause = &f;
    }
    return d;
}

void apply_answers(const CallState& c, CallRecord& r, sip::Method main, const Attempt& a,
                   const Deciding& d) {
    const FinalSeen* decided = d.success ? d.success : d.caller_side;
    // Hops: the transactions on the path of the deciding answer (its code, or no final seen
    // on that hop); forks that ended otherwise are not hops of it.
    std::uint32_t path_txs = 0;
    for (const auto& t : c.txs) {
        if (t.method() != main || t.in_dialog() || t.cseq() != a.cseq) continue;
        const int status = t.final_status();
        const bool on_path =
            status == 0 || !decided ||
            (decided->status / 100 == 2 ? status / 100 == 2 : status == decided->status);
        path_txs += on_path ? 1 : 0;
    }
    r.hops = d.path_from_via ? d.path_hops : std::max<std::uint32_t>({1, d.path_hops, path_txs});
    // A 2xx on an earlier attempt (or only seen without its request) still answers the call.
    if (main == sip::Method::invite && c.answered && !d.success) r.final_code = 200;
    if (decided) {
        r.final_code = decided->status;
        r.final_reason = decided->phrase();
        r.reason_header = decided->reason();
        r.warning = decided->warning();
    }
    if (r.reason_header.empty()) r.reason_header = c.rare().request_reason;
    if (!d.success && d.origin) {
        r.has_failed_by = true;
        r.failed_by = d.origin->src;
        r.failed_by_product = d.origin->product();
        if (r.warning.empty()) r.warning = d.origin->warning();
        if (r.reason_header.empty()) r.reason_header = d.origin->reason();
    }
    if (d.root_cause) {
        r.has_root_cause = true;
        r.root_cause_code = d.root_cause->status;
        r.root_cause_by = d.root_cause->src;
    }
}

Outcome generic_outcome(int code, bool timed_out) {
    if (code / 100 == 2) return Outcome::completed;
    if (code / 100 == 3) return Outcome::redirected;
    if (is_challenge(code)) return Outcome::challenged;
    if (code >= 300) return Outcome::failed;
    return timed_out ? Outcome::timeout : Outcome::in_progress;
}

// The caller gave up when it sent CANCEL, or a BYE before any answer, and no final answer to
// the INVITE had reached it before that.
void note_abandon(CallState& c, CallRecord& r, const Attempt& a, std::int64_t now) {
    if (c.answered) return;
    std::optional<std::int64_t> when;
    const CallExtra& x = c.rare();
    if (a.cancelled && x.cancel_time) {
        when = *x.cancel_time;
        r.abandon_method = "CANCEL";
        r.abandon_frame = x.cancel_frame;
    } else if (c.bye_before_answer && c.bye_time && (c.bye_from_caller || c.caller_tag == 0)) {
        when = *c.bye_time;
        r.abandon_method = "BYE";
        r.abandon_frame = x.bye_frame;
    }
    if (!when) return;
    if (a.has_final && a.first_final_time < *when && r.final_code != 487) {
        r.abandon_method.clear(); // the answer was already on its way: not a give-up
        r.abandon_frame = 0;
        return;
    }
    if (!a.has_final && !c.spans_clock_jump && now - *when > 32'000'000'000)
        c.add_finding(FindingCode::termination_missing, r.abandon_frame);
}

Outcome invite_outcome(const CallState& c, const CallRecord& r, const Attempt& a) {
    const int code = r.final_code;
    if (c.answered) return Outcome::answered;
    if (!r.abandon_method.empty() || code == 487) return Outcome::cancelled;
    if (a.cancelled && code == 0) return Outcome::cancelled;
    if (code / 100 == 3) return Outcome::redirected;
    if (is_challenge(code)) return Outcome::challenged;
    if (code >= 400) return Outcome::failed;
    return a.timed_out ? Outcome::timeout : Outcome::in_progress;
}

// A call whose start the capture missed: the outcome is what its in-dialog requests show.
Outcome mid_dialog_outcome(const CallState& c, CallRecord& r, bool timed_out) {
    const FinalSeen* f = nullptr;
    bool by_bye = false;
    for (const auto& d : c.rare().dialog_finals) {
        if (d.method == sip::Method::bye) {
            f = &d;
            by_bye = true;
        } else if (!by_bye) {
            f = &d;
        }
    }
    if (!f) return timed_out ? Outcome::timeout : Outcome::in_progress;
    r.final_code = f->status;
    r.final_reason = f->phrase();
    r.reason_header =
        !f->reason().empty() ? f->reason() : std::string_view(c.rare().request_reason);
    r.warning = f->warning();
    if (f->status >= 300) {
        r.has_failed_by = true;
        r.failed_by = f->src;
        r.failed_by_product = f->product();
    }
    if (f->status / 100 == 2) return by_bye ? Outcome::ended : Outcome::answered;
    return generic_outcome(f->status, timed_out);
}

Outcome registration_outcome(const CallState& c, CallRecord& r, const Attempt& a) {
    const int code = r.final_code;
    // A procedure that ended on an unanswered challenge, or timed out, counts as failed.
    if (c.reg_pending_challenge || (code == 0 && a.timed_out)) ++r.registrations;
    if (code / 100 != 2) return generic_outcome(code, a.timed_out);
    bool removes = false;
    for (const auto& [seq, rm] : c.reg_requests)
        if (seq == a.cseq) removes = rm;
    if (removes) return Outcome::unregistered;
    return c.reg_query ? Outcome::completed : Outcome::registered;
}

// Early dialogs per hop: two To tags on one transaction are forking; a tag on each side of a
// B2BUA (two transactions) is one dialog rewritten.
void count_dialogs(CallState& c, CallRecord& r) {
    std::uint32_t most = 0;
    for (const auto& t : c.tags) {
        std::uint32_t n = 0;
        for (const auto& u : c.tags)
            n += (u.cseq == t.cseq && u.tx == t.tx) ? 1 : 0;
        most = std::max(most, n);
    }
    r.dialogs = most;
    if (most > 1) c.add_finding(FindingCode::forked, 0);
}

// Most severe first, then most frequent; ties keep the order seen. An insertion sort: a record
// has a handful of findings, and std::stable_sort would allocate a buffer for every record.
void sort_findings(CallRecord& r) {
    auto before = [](const FindingHit& a, const FindingHit& b) {
        if (severity_of(a.code) != severity_of(b.code))
            return severity_of(a.code) > severity_of(b.code);
        return a.count > b.count;
    };
    auto& f = r.findings;
    for (std::size_t i = 1; i < f.size(); ++i)
        for (std::size_t k = i; k > 0 && before(f[k], f[k - 1]); --k)
            std::swap(f[k], f[k - 1]);
}

// The open state's fields, moved or copied into the record.
void open_fields(CallState& c, CallRecord& r) {
    const OpenRecord& o = c.rec;
    r.call_id = c.call_id->view();
    r.first_method = o.first_method == sip::Method::unknown ? c.rare().first_method_text
                                                            : sip::to_string(o.first_method);
    r.from = o.from();
    r.to = o.to();
    r.start_ns = o.start_ns;
    r.end_ns = o.end_ns;
    r.source = o.source;
    r.number = o.number;
    r.part = o.part;
    r.icid = o.icid;
    if (o.bye_by != 0) r.bye_by = o.bye_by == 1 ? "caller" : "callee";
    r.messages = o.messages;
    r.retransmissions = o.retransmissions;
    r.duplicates = o.duplicates;
    r.transactions = o.transactions;
    r.attempts = o.attempts;
    r.challenges = o.challenges;
    r.reinvites = o.reinvites;
    r.pracks = o.pracks;
    r.cancel_seen = o.cancel_seen;
    r.has_sdp = o.has_sdp;
    r.registrations = o.registrations;
    r.registrations_ok = o.registrations_ok;
    r.deregistrations = o.deregistrations;
    if (c.extra) {
        r.access_network = std::move(c.extra->access_network);
        r.preconditions = std::move(c.extra->preconditions);
        r.message_log = std::move(c.extra->message_log);
    }
}

} // namespace

// Delays between points both seen before a clock jump are kept: the tracker calls this when
// the jump is seen, and afterwards (spans_clock_jump) nothing that could span it is measured.
JumpTimings timings(const CallState& c) {
    JumpTimings t;
    if (c.first_invite) {
        if (c.first_ringing && *c.first_ringing >= *c.first_invite) {
            t.pdd_ms = static_cast<double>(*c.first_ringing - *c.first_invite) / 1e6;
            t.progress_code = c.progress_code;
        }
        if (c.first_answer && *c.first_answer >= *c.first_invite)
            t.setup_ms = static_cast<double>(*c.first_answer - *c.first_invite) / 1e6;
    }
    if (c.first_answer && c.bye_time && *c.bye_time >= *c.first_answer)
        t.duration_s = static_cast<double>(*c.bye_time - *c.first_answer) / 1e9;
    return t;
}

void finalize(CallState& c, CallRecord& r, std::int64_t now, const TrackerOptions& options) {
    open_fields(c, r);
    const sip::Method main = decide_kind(c, r);
    const Attempt a = scan_transactions(c, r, main, now, options);
    apply_answers(c, r, main, a, decide_answers(c, main, a.cseq));

    if (r.mid_dialog && !c.answered) {
        r.outcome = mid_dialog_outcome(c, r, a.timed_out);
    } else if (main == sip::Method::invite) {
        note_abandon(c, r, a, now);
        r.outcome = invite_outcome(c, r, a);
    } else if (main == sip::Method::register_) {
        r.outcome = registration_outcome(c, r, a);
    } else {
        r.outcome = generic_outcome(r.final_code, a.timed_out);
    }

    const CallExtra& x = c.rare();
    if (x.cancel_time && !c.cancel_answered &&
        (a.has_final || (!c.spans_clock_jump && now - *x.cancel_time > options.timer_ns)))
        c.add_finding(FindingCode::cancel_unanswered, x.cancel_frame);
    count_dialogs(c, r);
    const bool gave_up_with_bye = r.abandon_method == "BYE";
    if (c.bye_time && !c.answered && main == sip::Method::invite && !r.mid_dialog &&
        !gave_up_with_bye)
        c.add_finding(FindingCode::bye_without_answer, 0);
    // Measured when the clock jump was seen (from points before it), else now.
    JumpTimings t;
    if (!c.spans_clock_jump)
        t = timings(c);
    else if (c.extra && c.extra->jump_timings)
        t = *c.extra->jump_timings;
    r.pdd_ms = t.pdd_ms;
    r.setup_ms = t.setup_ms;
    r.duration_s = t.duration_s;
    if (t.pdd_ms) r.progress_code = t.progress_code;
    r.findings = std::move(c.rec.findings);
    sort_findings(r);
}

} // namespace sipdx::session::detail
