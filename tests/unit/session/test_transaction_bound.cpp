// Transactions per Call-ID are bounded whatever the input (issue 23): a flood of requests on
// one Call-ID that are never answered no longer grows without end; what was forgotten is
// counted and marked on the record.
#include "unit/session/event_builder.h"

#include <sipdx/session/tracker.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace sipdx;
using namespace sipdx::session;
using namespace sipdx::session::test;

TEST(TransactionBound, UnansweredFloodOnOneCallIdIsBoundedAndMarked) {
    std::vector<CallRecord> records;
    TrackerOptions options;
    options.max_transactions_per_call = 64;
    Tracker tracker([&](CallRecord&& r) { records.push_back(std::move(r)); }, options);
    Builder b;
    b.call_id = "one@test";
    constexpr int n = 1000;
    std::uint64_t peak_state = 0;
    for (int i = 0; i < n; ++i) {
        tracker.feed(b.request(sip::Method::options, static_cast<std::uint32_t>(i + 1),
                               "z9hG4bK" + std::to_string(i), ep(1), ep(2), i * ms));
        peak_state = std::max(peak_state, tracker.stats().state_bytes);
    }
    EXPECT_EQ(tracker.stats().transactions_dropped, static_cast<std::uint64_t>(n - 64));
    // The state of 64 transactions, not of a thousand.
    const auto state_at_bound = peak_state;
    tracker.feed(b.request(sip::Method::options, n + 1, "z9hG4bKlast", ep(1), ep(2), n * ms));
    EXPECT_LE(tracker.stats().state_bytes, state_at_bound);
    tracker.finish();
    ASSERT_EQ(records.size(), 1u);
    const auto& r = records.front();
    EXPECT_EQ(r.transactions, static_cast<std::uint32_t>(n + 1));
    bool marked = false;
    for (const auto& f : r.findings)
        if (f.code == FindingCode::transactions_dropped) {
            marked = true;
            EXPECT_EQ(f.count, static_cast<std::uint32_t>(n + 1 - 64));
        }
    EXPECT_TRUE(marked);
    EXPECT_EQ(to_string(FindingCode::transactions_dropped), "transactions-dropped");
}
