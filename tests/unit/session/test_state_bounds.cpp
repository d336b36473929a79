// The tracker's open state: expiry without a walk over every open Call-ID, and a memory budget
// that a flood of Call-IDs that never end cannot exceed (issues 20 and 23).
#include "unit/session/event_builder.h"

#include <sipdx/session/tracker.h>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

using namespace sipdx;
using namespace sipdx::session;
using namespace sipdx::session::test;

namespace {

struct Flood {
    std::vector<CallRecord> records;
    Tracker tracker;
    explicit Flood(TrackerOptions options)
        : tracker([this](CallRecord&& r) { records.push_back(std::move(r)); }, options) {}
};

bool has(const CallRecord& r, FindingCode code) {
    for (const auto& f : r.findings)
        if (f.code == code) return true;
    return false;
}

} // namespace

// 20,000 unanswered INVITEs, a few milliseconds apart, under a budget that holds a few hundred
// open Call-IDs: the oldest are emitted early and marked, every Call-ID is emitted exactly
// once, and the estimated state never passes the budget.
TEST(StateBounds, BudgetEvictsTheLeastRecentlyActiveAndMarksThem) {
    TrackerOptions options;
    options.max_state_bytes = 512 * 1024;
    Flood f(options);
    Builder b;
    constexpr int n = 20'000;
    for (int i = 0; i < n; ++i) {
        b.call_id = "flood-" + std::to_string(i) + "@test";
        f.tracker.feed(
            b.request(sip::Method::invite, 1, "z9hG4bK" + std::to_string(i), ep(1), ep(2), i * ms));
        ASSERT_LE(f.tracker.stats().state_bytes, options.max_state_bytes) << i;
    }
    const auto evicted = f.tracker.stats().evicted;
    EXPECT_GT(evicted, 15'000u);
    EXPECT_EQ(f.records.size(), evicted) << "only evictions before the end";
    EXPECT_LE(f.tracker.stats().peak_state_bytes, options.max_state_bytes);
    f.tracker.finish();
    ASSERT_EQ(f.records.size(), static_cast<std::size_t>(n));
    std::set<std::string> ids;
    for (const auto& r : f.records)
        ids.insert(r.call_id);
    EXPECT_EQ(ids.size(), static_cast<std::size_t>(n)) << "each Call-ID once";
    // The first ones went first (least recently active), marked; the last ones were not.
    EXPECT_TRUE(has(f.records.front(), FindingCode::state_evicted));
    EXPECT_EQ(f.records.front().call_id, "flood-0@test");
    EXPECT_FALSE(has(f.records.back(), FindingCode::state_evicted));
    EXPECT_EQ(f.tracker.stats().state_bytes, 0u);
}

// A Call-ID evicted for the budget that goes on is a further record (record_part 2).
TEST(StateBounds, AnEvictedCallIdThatGoesOnIsAFurtherRecord) {
    TrackerOptions options;
    options.max_state_bytes = 64 * 1024;
    Flood f(options);
    Builder b;
    b.call_id = "first@test";
    const auto first = b.request(sip::Method::invite, 1, "z9hG4bKfirst", ep(1), ep(2), 0);
    f.tracker.feed(first);
    for (int i = 0; i < 2'000; ++i) {
        b.call_id = "other-" + std::to_string(i) + "@test";
        f.tracker.feed(b.request(sip::Method::invite, 1, "z9hG4bKo" + std::to_string(i), ep(1),
                                 ep(2), (i + 1) * ms));
    }
    ASSERT_GT(f.tracker.stats().evicted, 0u);
    b.call_id = "first@test";
    f.tracker.feed(b.response(first, 486, 3 * sec));
    f.tracker.finish();
    std::vector<const CallRecord*> parts;
    for (const auto& r : f.records)
        if (r.call_id == "first@test") parts.push_back(&r);
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_TRUE(has(*parts[0], FindingCode::state_evicted));
    EXPECT_EQ(parts[1]->part, 2u);
}

// Expiry pops the fronts of the expiry queues: settled Call-IDs go after the linger time and
// silent ones after the idle time, in the order they settled or fell silent.
TEST(StateBounds, SettledAndIdleCallIdsExpireInOrder) {
    TrackerOptions options;
    options.idle_ns = 100 * sec;
    Flood f(options);
    Builder b;
    b.call_id = "silent@test"; // never answered: open until idle
    f.tracker.feed(b.request(sip::Method::invite, 1, "z9hG4bKs", ep(1), ep(2), 0));
    for (int i = 0; i < 3; ++i) {
        b.call_id = "done-" + std::to_string(i) + "@test";
        const auto opt = b.request(sip::Method::options, 1, "z9hG4bKd" + std::to_string(i), ep(1),
                                   ep(2), (1 + i) * sec);
        f.tracker.feed(opt);
        f.tracker.feed(b.response(opt, 200, (1 + i) * sec + 10 * ms));
    }
    b.call_id = "tick@test";
    const auto tick = b.request(sip::Method::options, 1, "z9hG4bKt", ep(1), ep(2), 50 * sec);
    f.tracker.feed(tick); // past the 32 s linger of the three settled ones
    ASSERT_EQ(f.records.size(), 3u);
    EXPECT_EQ(f.records[0].call_id, "done-0@test");
    EXPECT_EQ(f.records[2].call_id, "done-2@test");
    f.tracker.feed(b.response(tick, 200, 150 * sec)); // past the idle time of the silent one
    ASSERT_EQ(f.records.size(), 4u);
    EXPECT_EQ(f.records[3].call_id, "silent@test");
    EXPECT_EQ(f.tracker.active(), 1u);
}
