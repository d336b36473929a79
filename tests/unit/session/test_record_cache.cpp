// RecordCache: a direct-mapped cache keyed by record number; a hit returns what was put, a
// colliding record replaces it, forget() and record 0 never hit. FlatIndex: every key keeps its
// first value through growth, sequential keys and keys that collide in the table.
#include <sipdx/session/flat_index.h>
#include <sipdx/session/record_cache.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>

using sipdx::session::FlatIndex;
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

TEST(FlatIndex, KeysKeepTheirFirstValueThroughGrowth) {
    FlatIndex index;
    std::map<std::uint64_t, std::uint32_t> expected;
    std::mt19937_64 random(7);
    for (std::uint32_t i = 0; i < 50000; ++i) {
        // Sequential keys, random keys, and keys equal modulo every table size.
        const std::uint64_t key = i % 3 == 0 ? i : i % 3 == 1 ? random() : (std::uint64_t{i} << 32);
        bool inserted = false;
        const std::uint32_t got = index.find_or_insert(key, i, inserted);
        auto [it, fresh] = expected.emplace(key, i);
        EXPECT_EQ(inserted, fresh);
        ASSERT_EQ(got, it->second);
    }
    EXPECT_EQ(index.size(), expected.size());
    for (const auto& [key, value] : expected) {
        bool inserted = true;
        ASSERT_EQ(index.find_or_insert(key, 0xFFFFFFFF, inserted), value);
        EXPECT_FALSE(inserted);
    }
    EXPECT_EQ(index.size(), expected.size());
}
