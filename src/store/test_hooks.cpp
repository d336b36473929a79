// Test hooks read from the environment (docs/store.md "Testing"): kill or pause the writer after
// N committed batches.
#include "store/detail/sinks.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <thread>

namespace sipdx::store::detail {

std::uint64_t test_kill_after_batches() {
    const char* v = std::getenv("SIPDX_STORE_TEST_KILL_AFTER_BATCHES");
    return v ? std::strtoull(v, nullptr, 10) : 0;
}

void test_batch_committed(std::uint64_t committed) {
    static const std::uint64_t kill_after = test_kill_after_batches();
    if (kill_after > 0 && committed >= kill_after) std::raise(SIGKILL);
    // SIPDX_STORE_TEST_PAUSE="N:MS:FILE": after N batches, touch FILE and sleep MS once.
    static bool paused = false;
    if (const char* p = std::getenv("SIPDX_STORE_TEST_PAUSE"); p && !paused) {
        char* end = nullptr;
        const auto after = std::strtoull(p, &end, 10);
        if (end && *end == ':' && committed >= after) {
            paused = true;
            const auto ms = std::strtoull(end + 1, &end, 10);
            if (end && *end == ':') std::ofstream(end + 1) << committed << '\n';
            std::this_thread::sleep_for(
                std::chrono::milliseconds(std::min<std::uint64_t>(ms, 60000)));
        }
    }
}

} // namespace sipdx::store::detail
