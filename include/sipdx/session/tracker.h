// The call tracker: feeds SipEvents (in capture order) into per-Call-ID state holding the
// transactions (transaction.h) and dialogs of that Call-ID, and emits one CallRecord per
// Call-ID when it is finished.
//
// Memory is bounded by concurrency, not by input size: a Call-ID whose last transaction is
// over is emitted `linger_ns` of capture time later (so late retransmissions are still
// absorbed) and forgotten; a Call-ID idle for `idle_ns` is emitted as it stands. Time is capture
// time only, so a file always gives the same answer.
//
//   session::Tracker tracker([&](session::CallRecord&& r) { ... });
//   for each message: tracker.feed(event);
//   tracker.finish(); // emits every Call-ID still open (outcome in-progress/timeout as due)
#pragma once

#include <sipdx/session/event.h>
#include <sipdx/session/record.h>
#include <sipdx/session/transaction.h>

#include <cstdint>
#include <functional>
#include <memory>

namespace sipdx::session {

struct TrackerOptions {
    std::int64_t linger_ns = 32'000'000'000;        // RFC 3261 Timer B/F/J: 64*T1
    std::int64_t idle_ns = 3'600'000'000'000;       // emit a Call-ID silent this long
    std::int64_t timer_ns = 32'000'000'000;         // Timer B/F for timeouts
    std::int64_t duplicate_window_ns = 200'000'000; // see TxTimings
    bool keep_messages = false;                     // fill CallRecord::message_log
    std::uint32_t max_messages_per_call = 20000;    // bound on message_log
    // Beyond this many in one Call-ID the oldest finished transaction (else the oldest) is
    // forgotten, counted in TrackerStats and marked transactions-dropped on the record.
    std::uint32_t max_transactions_per_call = 4096;
    // Bound on the memory of open Call-IDs (an estimate of their state, in bytes); when full,
    // the least recently active Call-IDs are emitted as they stand, with the finding
    // state-evicted. 0: no bound. default_state_budget() sizes it for the machine.
    std::uint64_t max_state_bytes = 0;
};

// A quarter of the machine's physical memory, at least 256 MiB: what open state may take by
// default, so that a flood of Call-IDs that never end cannot exhaust the machine.
std::uint64_t default_state_budget();

// What one fed message was, for the caller's wire statistics.
struct FeedResult {
    TxStep step = TxStep::request;
    bool dialog_ack = false; // ACK for a 2xx (its own end-to-end request)
    // The number of the record this message belongs to (CallRecord::number); 0 when the message
    // has no Call-ID and is not tracked.
    std::uint64_t call = 0;
    bool retransmission() const { return is_retransmission(step); }
    bool duplicate() const { return is_duplicate(step); }
};

struct TrackerStats {
    std::uint64_t events = 0;
    std::uint64_t ignored = 0; // no Call-ID: cannot be tracked
    std::uint64_t emitted = 0;
    std::uint64_t peak_active = 0;
    std::int64_t first_time_ns = 0;
    std::int64_t last_time_ns = 0;
    std::uint64_t clock_jumps = 0;            // see is_clock_jump()
    std::uint64_t first_clock_jump_frame = 0; // frame of the first message after the first jump
    std::uint64_t records_continued = 0;      // records with CallRecord::part > 1
    std::uint64_t evicted = 0;                // emitted early for the state budget
    std::uint64_t transactions_dropped = 0;   // forgotten for max_transactions_per_call
    std::uint64_t state_bytes = 0;            // estimated bytes of open state now
    std::uint64_t peak_state_bytes = 0;       // and at most
};

// Capture time between two consecutive messages that no real trace shows: backwards by more
// than a minute (merged inputs and reassembly reorder by less), or ahead by more than a day.
// The tracker computes no duration across such a jump.
inline constexpr std::int64_t clock_backwards_tolerance_ns = 60'000'000'000;
inline constexpr std::int64_t clock_forward_limit_ns = 86'400'000'000'000;
constexpr bool is_clock_jump(std::int64_t previous_ns, std::int64_t time_ns) {
    return time_ns < previous_ns - clock_backwards_tolerance_ns ||
           time_ns > previous_ns + clock_forward_limit_ns;
}

class Tracker {
public:
    using Sink = std::function<void(CallRecord&&)>;

    explicit Tracker(Sink sink, TrackerOptions options = {});
    ~Tracker();
    Tracker(const Tracker&) = delete;
    Tracker& operator=(const Tracker&) = delete;

    // One message, in capture order (small reorderings are tolerated).
    FeedResult feed(const SipEvent& event);
    // End of input: emits every open Call-ID, deciding timeouts against the last capture time.
    void finish();

    std::size_t active() const;
    const TrackerStats& stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace sipdx::session
