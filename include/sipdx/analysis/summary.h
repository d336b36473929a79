// The aggregate reading of a trace: responses by class and code (counted as Wireshark's SIP
// statistics count them, plus the final answers of transactions and Call-IDs), requests by
// method, outcomes per kind, KPIs and the top findings. Memory grows with the number of
// distinct codes/methods and with one number per call for the percentiles, never with the
// number of messages. docs/analysis.md defines every figure.
#pragma once

#include <sipdx/session/record.h>
#include <sipdx/session/tracker.h>
#include <sipdx/sip/method.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <memory_resource>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sipdx::analysis {

// Median and 95th percentile (nearest rank) of a sample.
struct Distribution {
    std::uint64_t samples = 0;
    std::optional<double> median;
    std::optional<double> p95;
    std::optional<double> min;
    std::optional<double> max;
};
Distribution distribution(std::vector<double> values);

struct CodeRow {
    int code = 0;
    std::uint64_t messages = 0;           // every response with this code (retransmissions incl.)
    std::uint64_t final_transactions = 0; // transactions whose final answer it was
    std::uint64_t final_calls = 0;        // Call-IDs whose deciding answer it was
};

struct FindingRow {
    session::FindingCode code = session::FindingCode::request_retransmitted;
    std::uint64_t occurrences = 0;     // messages/events
    std::uint64_t call_ids = 0;        // Call-IDs affected
    std::vector<std::string> examples; // up to 3 Call-IDs, earliest first
};

// The metrics of RFC 6076 (SIP End-to-End Performance Metrics) a trace can give. The delays
// are measured on the request that was answered: after a 401/407 challenge, from the request
// that carried the credentials, so the challenge round trip and the time the user or phone took
// to answer it are not in them. Ratios are over session attempts (call Call-IDs with a decided
// outcome, as Kpis::call_attempts). docs/analysis.md defines each one. Unlike these, Kpis::pdd_ms
// and setup_ms run from the first INVITE (a challenge included); Kpis::duration_s is SDT.
struct Rfc6076 {
    Distribution rrd_ms; // Registration Request Delay: REGISTER -> its 2xx
    Distribution srd_ms; // Session Request Delay: INVITE -> first 18x, else its final answer
    Distribution sdd_ms; // Session Disconnect Delay: BYE -> its final answer
    Distribution sdt_s;  // Session Duration Time: 2xx to INVITE -> BYE (answered calls)
    std::uint64_t registration_attempts = 0; // ended procedures + unanswered ones (IRA base)
    std::uint64_t ineffective_registrations = 0;
    std::uint64_t session_attempts = 0; // SER/SEER/ISA/SCR base
    std::uint64_t redirected = 0;       // 3xx: out of the SER/SEER base
    std::uint64_t established = 0;      // 2xx
    std::uint64_t effective = 0;        // 2xx, 480, 486, 600, 603
    std::uint64_t ineffective = 0;      // 408, 500, 503, 504 or no answer (timeout)
    std::uint64_t completed = 0;        // answered and ended by BYE
    std::optional<double> ira;          // Ineffective Registration Attempts
    std::optional<double> ser;          // Session Establishment Ratio
    std::optional<double> seer;         // Session Establishment Effectiveness Ratio
    std::optional<double> isa;          // Ineffective Session Attempts
    std::optional<double> scr;          // Session Completion Ratio
};

struct Kpis {
    std::uint64_t call_attempts = 0; // call Call-IDs with a decided outcome (not in-progress)
    std::uint64_t calls_answered = 0;
    std::uint64_t calls_in_progress = 0;
    std::uint64_t calls_mid_dialog = 0; // calls whose start was not captured: no attempts
    std::optional<double> asr;          // answered / attempts
    std::optional<double> ner;          // (answered + user-side endings) / attempts
    Distribution pdd_ms;                // INVITE -> first 18x
    Distribution setup_ms;              // INVITE -> 2xx
    Distribution duration_s;            // 2xx -> BYE
    std::uint64_t registrations = 0;    // registration procedures with an end
    std::uint64_t registrations_ok = 0;
    std::uint64_t deregistrations = 0;
    std::optional<double> registration_success; // ok / registrations
    std::optional<double> retransmission_rate;  // retransmissions / transmissions
    // IMS sessions: distinct P-Charging-Vector icid-values over call Call-IDs, and how many
    // of them were seen on several Call-IDs (legs through B2BUAs / several capture points).
    std::uint64_t icid_sessions = 0;
    std::uint64_t icid_multi_leg = 0;
    Rfc6076 rfc6076;
};

class Summary {
public:
    // Every message seen (before tracking), as Wireshark counts them.
    void add_message(const session::SipEvent& event, const session::FeedResult& result);
    // Every record the tracker emits.
    void add_record(const session::CallRecord& record);

    Kpis kpis() const;
    std::vector<CodeRow> codes() const; // ascending code
    // Request method -> messages. Merged from the per-method counts when messages were added
    // since the last call (so not for readers on several threads at once).
    const std::map<std::string, std::uint64_t, std::less<>>& requests() const;
    // (kind, outcome) -> Call-IDs
    const std::map<std::pair<session::Kind, session::Outcome>, std::uint64_t>& outcomes() const {
        return m_outcomes;
    }
    // Most severe first, then most frequent (by Call-IDs affected, then occurrences).
    std::vector<FindingRow> findings() const;

    std::uint64_t messages() const { return m_messages; }
    std::uint64_t requests_total() const { return m_request_total; }
    std::uint64_t responses_total() const { return m_response_total; }
    std::uint64_t retransmissions() const { return m_retransmissions; }
    std::uint64_t duplicates() const { return m_duplicates; }
    std::uint64_t invalid_status() const { return m_invalid_status; } // outside 100..699
    std::uint64_t records() const { return m_records; }
    // Distinct Call-IDs: records that are not the continuation of an earlier one (part > 1).
    std::uint64_t call_ids() const { return m_call_ids; }
    // Capture time going backwards or jumping ahead between consecutive messages
    // (session::is_clock_jump), and the frame of the first message after the first jump.
    std::uint64_t clock_jumps() const { return m_clock_jumps; }
    std::uint64_t first_clock_jump_frame() const { return m_first_clock_jump_frame; }
    std::int64_t first_time_ns() const { return m_first_time; }
    std::int64_t last_time_ns() const { return m_last_time; }

private:
    // What add_message() keeps of an open Call-ID for the RFC 6076 delays; dropped when its
    // record arrives.
    // One per open Call-ID: the fields are ordered by size (no padding between them).
    struct Timing {
        std::int64_t invite_ns = 0;
        std::int64_t bye_ns = 0;
        std::int64_t register_ns = 0;
        std::uint32_t invite_cseq = 0;   // the newest initial INVITE
        std::uint32_t bye_cseq = 0;      // the first BYE
        std::uint32_t register_cseq = 0; // the newest REGISTER
        bool has_invite = false;
        bool srd_done = false;
        bool has_bye = false;
        bool sdd_done = false;
        bool has_register = false;
        bool rrd_done = false;
    };
    void add_timing(const session::SipEvent& event, const session::FeedResult& result);

    struct FindingAgg {
        std::uint64_t occurrences = 0;
        std::uint64_t call_ids = 0;
        std::vector<std::pair<std::int64_t, std::string>> examples;
    };

    std::uint64_t m_messages = 0;
    std::uint64_t m_request_total = 0;
    std::uint64_t m_response_total = 0;
    std::uint64_t m_retransmissions = 0;
    std::uint64_t m_duplicates = 0;
    std::uint64_t m_invalid_status = 0;
    std::uint64_t m_transmissions = 0;
    std::uint64_t m_records = 0;
    std::uint64_t m_call_ids = 0;
    std::uint64_t m_clock_jumps = 0;
    std::uint64_t m_first_clock_jump_frame = 0;
    std::int64_t m_previous_time = 0;
    std::uint64_t m_calls_mid_dialog = 0;
    std::int64_t m_first_time = 0;
    std::int64_t m_last_time = 0;
    std::map<int, CodeRow> m_codes;
    std::map<std::string, std::uint64_t, std::less<>> m_requests; // extension methods
    // Messages per status code and per known method: an array slot per message rather than a
    // map lookup (about a tenth of add_message); codes() and requests() merge them in.
    std::array<std::uint64_t, 600> m_status_messages{}; // index: status - 100
    std::array<std::uint64_t, static_cast<std::size_t>(sip::Method::publish) + 1>
        m_method_requests{};
    mutable std::map<std::string, std::uint64_t, std::less<>> m_requests_merged;
    mutable std::uint64_t m_requests_merged_at = 0; // m_request_total when last merged
    std::map<std::pair<session::Kind, session::Outcome>, std::uint64_t> m_outcomes;
    std::array<FindingAgg, session::finding_code_count> m_findings{};
    std::vector<double> m_pdd;
    std::vector<double> m_setup;
    std::vector<double> m_duration;
    std::vector<double> m_srd;
    std::vector<double> m_sdd;
    std::vector<double> m_rrd;
    // CallRecord::number -> timing of the open Call-IDs. The pool recycles the nodes of
    // Call-IDs already emitted: no heap allocation per Call-ID once warm. A copy or a move gets
    // a pool of its own (a pool cannot be shared or moved under a live map), so a Summary stays
    // copyable and movable for library users.
    struct TimingTable {
        std::unique_ptr<std::pmr::unsynchronized_pool_resource> pool =
            std::make_unique<std::pmr::unsynchronized_pool_resource>();
        std::pmr::unordered_map<std::uint64_t, Timing> map{pool.get()};

        TimingTable() = default;
        TimingTable(const TimingTable& other) { map.insert(other.map.begin(), other.map.end()); }
        TimingTable(TimingTable&& other) noexcept { *this = std::move(other); }
        TimingTable& operator=(const TimingTable& other) {
            if (this != &other) {
                map.clear();
                map.insert(other.map.begin(), other.map.end());
            }
            return *this;
        }
        TimingTable& operator=(TimingTable&& other) noexcept {
            if (this != &other) {
                map.clear();
                for (auto& [number, timing] : other.map)
                    map.emplace(number, std::move(timing));
                other.map.clear();
            }
            return *this;
        }
        ~TimingTable() = default;
    };
    TimingTable m_timing;
    std::uint64_t m_redirected = 0;
    std::uint64_t m_effective_6076 = 0;
    std::uint64_t m_ineffective_6076 = 0;
    std::uint64_t m_completed = 0;
    std::uint64_t m_registration_timeouts = 0;
    std::uint64_t m_call_attempts = 0;
    std::uint64_t m_calls_answered = 0;
    std::uint64_t m_calls_effective = 0;
    std::uint64_t m_calls_in_progress = 0;
    std::uint64_t m_registrations = 0;
    std::uint64_t m_registrations_ok = 0;
    std::uint64_t m_deregistrations = 0;
    std::map<std::string, std::uint32_t, std::less<>> m_icids; // icid -> call Call-IDs
};

// Codes that end a call for a user-side reason and so count as "effective" in the NER
// (ITU-T E.425 style): busy, no answer, rejected by the user.
bool is_user_side_ending(int code);

// RFC 6076 section 4.7: the answers SEER counts as effective besides 2xx (the user was reached).
bool is_seer_effective(int code);
// RFC 6076 section 4.8: the answers ISA counts as ineffective attempts.
bool is_isa_ineffective(int code);

} // namespace sipdx::analysis
