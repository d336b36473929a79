// BatchFlow: batches parsed in any order on several threads are tracked in the order they were
// handed on, one at a time and never on the decoding thread, with a bounded number in flight;
// an error stops every thread.
#include "analysis/detail/batch_flow.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

using sipdx::analysis::detail::BatchFlow;

namespace {

struct TestBatch {
    std::uint64_t sequence = 0;
    int value = -1; // set by the "decoder", checked by the tracker
    void clear() { value = -1; }
};

} // namespace

TEST(BatchFlow, TracksInHandOnOrderWhateverOrderParsingFinishes) {
    constexpr int batches = 2000;
    constexpr std::size_t in_flight = 6;
    BatchFlow<TestBatch> flow(in_flight);
    std::vector<int> tracked;
    std::atomic<int> tracking{0};
    std::atomic<bool> overlapped{false};

    std::atomic<int> helped{0};
    const auto decoder = std::this_thread::get_id();
    std::atomic<bool> decoder_tracked{false};
    auto track = [&](TestBatch& t) {
        if (tracking.fetch_add(1) != 0) overlapped = true;
        if (std::this_thread::get_id() == decoder) decoder_tracked = true;
        tracked.push_back(t.value);
        tracking.fetch_sub(1);
    };
    auto parse = [&](TestBatch* b, unsigned seed) {
        // Uneven parse times so that later batches often finish first.
        if ((b->value + static_cast<int>(seed)) % 7 == 0)
            std::this_thread::sleep_for(std::chrono::microseconds(50));
    };
    auto work = [&](unsigned seed) {
        while (TestBatch* b = flow.next_to_parse(track)) {
            parse(b, seed);
            flow.parsed(b, track);
        }
    };
    std::vector<std::thread> workers;
    for (unsigned i = 0; i < 3; ++i)
        workers.emplace_back(work, i);
    std::vector<TestBatch*> seen;
    for (int i = 0; i < batches; ++i) {
        TestBatch* b = flow.take_empty([&](TestBatch* waiting) {
            ++helped; // the decoder parses while every batch is in flight
            parse(waiting, 5);
            flow.parsed_by_decoder(waiting); // a worker tracks it
        });
        if (b == nullptr) {
            ADD_FAILURE() << "no batch while the flow runs";
            break;
        }
        EXPECT_EQ(b->value, -1); // recycled batches come back cleared
        if (std::find(seen.begin(), seen.end(), b) == seen.end()) seen.push_back(b);
        b->value = i;
        flow.hand_on(b);
    }
    flow.close();
    for (auto& w : workers)
        w.join();

    EXPECT_FALSE(flow.error());
    EXPECT_FALSE(overlapped.load());
    EXPECT_FALSE(decoder_tracked.load());
    EXPECT_LE(seen.size(), in_flight);
    // With 2000 batches, 6 in flight and slow parses, the decoder ran out of batches and helped.
    EXPECT_GT(helped.load(), 0);
    ASSERT_EQ(tracked.size(), static_cast<std::size_t>(batches));
    for (int i = 0; i < batches; ++i)
        ASSERT_EQ(tracked[static_cast<std::size_t>(i)], i);
}

TEST(BatchFlow, AnErrorStopsTheDecoderAndTheWorkers) {
    BatchFlow<TestBatch> flow(4);
    auto track = [](TestBatch& t) {
        if (t.value == 10) throw std::runtime_error("tracking failed");
    };
    auto help = [&](TestBatch* b) { flow.parsed_by_decoder(b); };
    std::thread worker([&] {
        try {
            while (TestBatch* b = flow.next_to_parse(track))
                flow.parsed(b, track);
        } catch (...) {
            flow.fail(std::current_exception());
        }
    });
    int handed_on = 0;
    // Bounded: the worker fails at batch 10, and at most 4 batches are ever in flight.
    while (TestBatch* b = flow.take_empty(help)) {
        b->value = handed_on++;
        flow.hand_on(b);
        if (handed_on == 1000) break; // the flow never stopped: reported below
    }
    flow.close();
    worker.join();
    ASSERT_TRUE(flow.error());
    EXPECT_THROW(std::rethrow_exception(flow.error()), std::runtime_error);
    EXPECT_LE(handed_on, 10 + 4 + 1);
}

// Two threads: the decoder parses every batch and the one worker only tracks, until the flow
// is closed (then the worker parses what is left); the order holds and the run ends.
TEST(BatchFlow, OneWorkerOnlyTracksWhileTheDecoderParses) {
    constexpr int batches = 500;
    BatchFlow<TestBatch> flow(8, true);
    std::vector<int> tracked;
    std::atomic<bool> closed{false};
    std::atomic<int> parsed_by_worker_early{0};
    auto track = [&](TestBatch& t) { tracked.push_back(t.value); };
    std::thread worker([&] {
        while (TestBatch* b = flow.next_to_parse(track)) {
            if (!closed.load()) ++parsed_by_worker_early;
            flow.parsed(b, track);
        }
    });
    for (int i = 0; i < batches; ++i) {
        TestBatch* b =
            flow.take_empty([&](TestBatch* waiting) { flow.parsed_by_decoder(waiting); });
        ASSERT_NE(b, nullptr);
        b->value = i;
        flow.hand_on(b);
    }
    closed = true;
    flow.close();
    worker.join();
    EXPECT_FALSE(flow.error());
    EXPECT_EQ(parsed_by_worker_early.load(), 0);
    ASSERT_EQ(tracked.size(), static_cast<std::size_t>(batches));
    for (int i = 0; i < batches; ++i)
        ASSERT_EQ(tracked[static_cast<std::size_t>(i)], i);
}

// A stage after tracking keeps some batches (track returns true) and gives them back later
// with release(): they come back cleared, and no more than in_flight batches ever exist.
TEST(BatchFlow, KeptBatchesComeBackThroughRelease) {
    constexpr int batches = 300;
    constexpr std::size_t in_flight = 4;
    BatchFlow<TestBatch> flow(in_flight);
    std::vector<int> consumed;
    std::mutex kept_mutex;
    std::vector<TestBatch*> kept;
    auto track = [&](TestBatch& t) {
        std::lock_guard lock(kept_mutex);
        kept.push_back(&t);
        return true;
    };
    std::atomic<bool> done{false};
    std::thread consumer([&] {
        for (;;) {
            TestBatch* b = nullptr;
            {
                std::lock_guard lock(kept_mutex);
                if (!kept.empty()) {
                    b = kept.front();
                    kept.erase(kept.begin());
                }
            }
            if (b != nullptr) {
                consumed.push_back(b->value); // not cleared before release
                flow.release(b);
                continue;
            }
            if (done.load()) return;
            std::this_thread::yield();
        }
    });
    std::thread worker([&] {
        while (TestBatch* b = flow.next_to_parse(track))
            flow.parsed(b, track);
    });
    std::vector<TestBatch*> seen;
    for (int i = 0; i < batches; ++i) {
        TestBatch* b = flow.take_empty([&](TestBatch* w) { flow.parsed_by_decoder(w); });
        ASSERT_NE(b, nullptr);
        EXPECT_EQ(b->value, -1);
        if (std::find(seen.begin(), seen.end(), b) == seen.end()) seen.push_back(b);
        b->value = i;
        flow.hand_on(b);
    }
    flow.close();
    worker.join();
    done = true;
    consumer.join();
    EXPECT_LE(seen.size(), in_flight);
    ASSERT_EQ(consumed.size(), static_cast<std::size_t>(batches));
    for (int i = 0; i < batches; ++i)
        ASSERT_EQ(consumed[static_cast<std::size_t>(i)], i);
}
