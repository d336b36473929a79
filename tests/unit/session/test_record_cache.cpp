// RecordCache: a direct-mapped cache keyed by record number; a hit returns what was put, a
// colliding record replaces it, forget() and record 0 never hit.
#include <sipdx/session/record_cache.h>

#include <gtest/gtest.h>

using sipdx::session::RecordCache;

TEST(RecordCache, HitsWhatWasPutAndMissesTheRest) {
    RecordCache<int> cache(4); // 16 slots
    EXPECT_EQ(cache.find(7), nullptr);
    cache.put(7, 70);
    ASSERT_NE(cache.find(7), nullptr);
    EXPECT_EQ(*cache.find(7), 70);
    EXPECT_EQ(cache.find(8), nullptr);
    EXPECT_EQ(cache.find(7 + 16), nullptr); // same slot, other record
}

TEST(RecordCache, ACollidingRecordTakesTheSlot) {
    RecordCache<int> cache(4);
    cache.put(3, 30);
    cache.put(3 + 16, 190);
    EXPECT_EQ(cache.find(3), nullptr);
    ASSERT_NE(cache.find(19), nullptr);
    EXPECT_EQ(*cache.find(19), 190);
}

TEST(RecordCache, ForgetAndClearDropValuesAndRecordZeroIsNeverCached) {
    RecordCache<int> cache(4);
    cache.put(5, 50);
    cache.forget(5 + 16); // another record in the slot: nothing happens
    EXPECT_NE(cache.find(5), nullptr);
    cache.forget(5);
    EXPECT_EQ(cache.find(5), nullptr);
    cache.put(0, 1);
    EXPECT_EQ(cache.find(0), nullptr); // untracked messages
    cache.put(9, 90);
    cache.clear();
    EXPECT_EQ(cache.find(9), nullptr);
}
