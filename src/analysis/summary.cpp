#include <sipdx/analysis/summary.h>

#include <algorithm>
#include <cmath>

namespace sipdx::analysis {

using session::Kind;
using session::Outcome;

Distribution distribution(std::vector<double> values) {
    Distribution d;
    d.samples = values.size();
    if (values.empty()) return d;
    std::sort(values.begin(), values.end());
    auto rank = [&](double p) {
        // Nearest rank: the smallest value with at least p of the sample at or below it.
        auto n = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
        return values[std::clamp<std::size_t>(n, 1, values.size()) - 1];
    };
    d.median = rank(0.5);
    d.p95 = rank(0.95);
    d.min = values.front();
    d.max = values.back();
    return d;
}

bool is_user_side_ending(int code) {
    switch (code) {
    case 480: // no answer / not reachable at the terminal
    case 486: // busy here
    case 487: // caller abandoned
    case 600: // busy everywhere
    case 603: // declined
        return true;
    default:
        return false;
    }
}

// RFC 6076 SEER: the user-side endings, less 487 (the caller's own CANCEL).
bool is_seer_effective(int code) {
    return is_user_side_ending(code) && code != 487;
}

bool is_isa_ineffective(int code) {
    return code == 408 || code == 500 || code == 503 || code == 504;
}

void Summary::add_timing(const session::SipEvent& e, const session::FeedResult& result) {
    using sip::Method;
    const Method about = e.is_request ? e.method : e.cseq_method;
    if (result.call == 0 ||
        (about != Method::invite && about != Method::bye && about != Method::register_))
        return;
    if (e.is_request) {
        // A new transaction only (a retransmission or a copy does not restart the clock); the
        // same request seen again on the next hop keeps the time of its first sighting.
        if (result.step != session::TxStep::request) return;
        Timing& t = m_timing.map[result.call];
        if (about == Method::invite && e.to_tag.empty() &&
            (!t.has_invite || e.cseq > t.invite_cseq)) {
            t.has_invite = true;
            t.invite_cseq = e.cseq;
            t.invite_ns = e.time_ns;
        } else if (about == Method::bye && !t.has_bye) {
            t.has_bye = true;
            t.bye_cseq = e.cseq;
            t.bye_ns = e.time_ns;
        } else if (about == Method::register_ && (!t.has_register || e.cseq > t.register_cseq)) {
            t.has_register = true;
            t.register_cseq = e.cseq;
            t.register_ns = e.time_ns;
            t.rrd_done = false;
        }
        return;
    }
    auto it = m_timing.map.find(result.call);
    if (it == m_timing.map.end()) return;
    Timing& t = it->second;
    auto since = [&](std::int64_t from) { return static_cast<double>(e.time_ns - from) / 1e6; };
    const bool challenge = e.status == 401 || e.status == 407;
    if (about == Method::invite && t.has_invite && !t.srd_done && e.cseq == t.invite_cseq &&
        e.status > 100 && !challenge && e.time_ns >= t.invite_ns) {
        // The first answer that says what became of the request: an 18x, else the final one.
        t.srd_done = true;
        m_srd.push_back(since(t.invite_ns));
    } else if (about == Method::bye && t.has_bye && !t.sdd_done && e.cseq == t.bye_cseq &&
               e.status >= 200 && e.time_ns >= t.bye_ns) {
        t.sdd_done = true;
        m_sdd.push_back(since(t.bye_ns));
    } else if (about == Method::register_ && t.has_register && !t.rrd_done &&
               e.cseq == t.register_cseq && e.status / 100 == 2 && e.time_ns >= t.register_ns) {
        t.rrd_done = true;
        m_rrd.push_back(since(t.register_ns));
    }
}

void Summary::add_message(const session::SipEvent& e, const session::FeedResult& result) {
    ++m_messages;
    if (m_messages == 1 || e.time_ns < m_first_time) m_first_time = e.time_ns;
    if (m_messages > 1 && session::is_clock_jump(m_previous_time, e.time_ns)) {
        if (m_clock_jumps == 0) m_first_clock_jump_frame = e.frame;
        ++m_clock_jumps;
    }
    m_previous_time = e.time_ns;
    m_last_time = std::max(m_last_time, e.time_ns);
    if (e.is_request) {
        ++m_request_total;
        const auto method = static_cast<std::size_t>(e.method);
        if (e.method != sip::Method::unknown && method < m_method_requests.size()) {
            ++m_method_requests[method];
        } else {
            auto it = m_requests.find(e.method_text);
            if (it == m_requests.end()) {
                m_requests.emplace(std::string(e.method_text), 1);
            } else {
                ++it->second;
            }
        }
    } else if (e.status < 100 || e.status > 699) {
        ++m_response_total; // not a status code Wireshark would count: kept out of the table
        ++m_invalid_status;
    } else {
        ++m_response_total;
        ++m_status_messages[static_cast<std::size_t>(e.status - 100)];
    }
    add_timing(e, result);
    if (result.duplicate()) {
        ++m_duplicates;
    } else {
        ++m_transmissions;
        if (result.retransmission()) ++m_retransmissions;
    }
}

void Summary::add_record(const session::CallRecord& r) {
    ++m_records;
    if (r.part <= 1) ++m_call_ids;
    ++m_outcomes[{r.kind, r.outcome}];
    for (const auto& [code, count] : r.transaction_finals) {
        if (code < 100 || code > 699) continue;
        auto& row = m_codes[code];
        row.code = code;
        row.final_transactions += count;
    }
    if (r.final_code >= 100 && r.final_code <= 699) {
        auto& row = m_codes[r.final_code];
        row.code = r.final_code;
        ++row.final_calls;
    }
    for (const auto& hit : r.findings) {
        auto& agg = m_findings[static_cast<std::size_t>(hit.code)];
        agg.occurrences += hit.count;
        ++agg.call_ids;
        const bool known = std::any_of(agg.examples.begin(), agg.examples.end(),
                                       [&](const auto& ex) { return ex.second == r.call_id; });
        if (!known) agg.examples.emplace_back(r.start_ns, r.call_id);
        std::sort(agg.examples.begin(), agg.examples.end());
        if (agg.examples.size() > 3) agg.examples.pop_back();
    }
    // A call seen mid-dialog is no attempt: its setup was not captured.
    if (r.kind == Kind::call && r.mid_dialog) {
        ++m_calls_mid_dialog;
    } else if (r.kind == Kind::call) {
        if (r.outcome == Outcome::in_progress) {
            ++m_calls_in_progress;
        } else {
            ++m_call_attempts;
            if (r.outcome == Outcome::answered) {
                ++m_calls_answered;
                ++m_calls_effective;
                if (r.duration_s) ++m_completed;
            } else if (r.outcome == Outcome::cancelled || is_user_side_ending(r.final_code)) {
                ++m_calls_effective;
            }
            if (r.outcome == Outcome::redirected) ++m_redirected;
            if (r.outcome == Outcome::answered || is_seer_effective(r.final_code))
                ++m_effective_6076;
            if (r.outcome == Outcome::timeout || is_isa_ineffective(r.final_code))
                ++m_ineffective_6076;
        }
        if (r.pdd_ms) m_pdd.push_back(*r.pdd_ms);
        if (r.setup_ms) m_setup.push_back(*r.setup_ms);
        if (r.duration_s) m_duration.push_back(*r.duration_s);
    }
    if (r.kind == Kind::call && !r.icid.empty()) ++m_icids[r.icid];
    if (r.kind == Kind::registration && r.outcome == Outcome::timeout) ++m_registration_timeouts;
    m_registrations += r.registrations;
    m_registrations_ok += r.registrations_ok;
    m_deregistrations += r.deregistrations;
    m_timing.map.erase(r.number); // the Call-ID's delays are taken: forget its state
}

Kpis Summary::kpis() const {
    Kpis k;
    k.call_attempts = m_call_attempts;
    k.calls_answered = m_calls_answered;
    k.calls_in_progress = m_calls_in_progress;
    k.calls_mid_dialog = m_calls_mid_dialog;
    if (m_call_attempts > 0) {
        k.asr = static_cast<double>(m_calls_answered) / static_cast<double>(m_call_attempts);
        k.ner = static_cast<double>(m_calls_effective) / static_cast<double>(m_call_attempts);
    }
    k.pdd_ms = distribution(m_pdd);
    k.setup_ms = distribution(m_setup);
    k.duration_s = distribution(m_duration);
    k.registrations = m_registrations;
    k.registrations_ok = m_registrations_ok;
    k.deregistrations = m_deregistrations;
    k.icid_sessions = m_icids.size();
    for (const auto& [icid, legs] : m_icids)
        if (legs > 1) ++k.icid_multi_leg;
    if (m_registrations > 0)
        k.registration_success =
            static_cast<double>(m_registrations_ok) / static_cast<double>(m_registrations);
    if (m_transmissions > 0)
        k.retransmission_rate =
            static_cast<double>(m_retransmissions) / static_cast<double>(m_transmissions);

    auto ratio = [](std::uint64_t part, std::uint64_t whole) -> std::optional<double> {
        if (whole == 0) return std::nullopt;
        return static_cast<double>(part) / static_cast<double>(whole);
    };
    Rfc6076& m = k.rfc6076;
    m.rrd_ms = distribution(m_rrd);
    m.srd_ms = distribution(m_srd);
    m.sdd_ms = distribution(m_sdd);
    m.sdt_s = k.duration_s;
    m.registration_attempts = m_registrations + m_registration_timeouts;
    m.ineffective_registrations = m_registrations - m_registrations_ok + m_registration_timeouts;
    m.ira = ratio(m.ineffective_registrations, m.registration_attempts);
    m.session_attempts = m_call_attempts;
    m.redirected = m_redirected;
    m.established = m_calls_answered;
    m.effective = m_effective_6076;
    m.ineffective = m_ineffective_6076;
    m.completed = m_completed;
    m.ser = ratio(m_calls_answered, m_call_attempts - m_redirected);
    m.seer = ratio(m_effective_6076, m_call_attempts - m_redirected);
    m.isa = ratio(m_ineffective_6076, m_call_attempts);
    m.scr = ratio(m_completed, m_call_attempts);
    return k;
}

std::vector<CodeRow> Summary::codes() const {
    // m_codes holds 100..699 only, as m_status_messages does: one ascending walk merges both.
    std::vector<CodeRow> rows;
    auto next = m_codes.begin();
    for (int code = 100; code <= 699; ++code) {
        const std::uint64_t messages = m_status_messages[static_cast<std::size_t>(code - 100)];
        const bool recorded = next != m_codes.end() && next->first == code;
        if (!recorded && messages == 0) continue;
        CodeRow row = recorded ? (next++)->second : CodeRow{};
        row.code = code;
        row.messages += messages;
        rows.push_back(row);
    }
    return rows;
}

const std::map<std::string, std::uint64_t, std::less<>>& Summary::requests() const {
    // Rebuilt only when requests came in since: two calls in a row give the same map (and
    // iterators into the first stay valid).
    if (m_requests_merged_at == m_request_total) return m_requests_merged;
    m_requests_merged = m_requests;
    for (std::size_t i = 0; i < m_method_requests.size(); ++i)
        if (m_method_requests[i] > 0)
            m_requests_merged[std::string(sip::to_string(static_cast<sip::Method>(i)))] +=
                m_method_requests[i];
    m_requests_merged_at = m_request_total;
    return m_requests_merged;
}

std::vector<FindingRow> Summary::findings() const {
    std::vector<FindingRow> rows;
    for (std::size_t i = 0; i < m_findings.size(); ++i) {
        const auto& agg = m_findings[i];
        if (agg.call_ids == 0) continue;
        FindingRow row;
        row.code = static_cast<session::FindingCode>(i);
        row.occurrences = agg.occurrences;
        row.call_ids = agg.call_ids;
        for (const auto& [t, id] : agg.examples)
            row.examples.push_back(id);
        rows.push_back(std::move(row));
    }
    std::stable_sort(rows.begin(), rows.end(), [](const FindingRow& a, const FindingRow& b) {
        const auto sa = session::severity_of(a.code);
        const auto sb = session::severity_of(b.code);
        if (sa != sb) return sa > sb;
        if (a.call_ids != b.call_ids) return a.call_ids > b.call_ids;
        return a.occurrences > b.occurrences;
    });
    return rows;
}

} // namespace sipdx::analysis
