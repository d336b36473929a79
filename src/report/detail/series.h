// Aggregates over capture time for the report's charts. Counts are kept per time unit, and the
// unit grows (1 s, 5 s, 10 s ... 1 day) whenever more than max_units units are held, so memory
// stays small for any span; the page then picks a bucket (a multiple of the unit) that gives
// at most about 60 bars over the capture's real span.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace sipdx::report::detail {

struct Bucket {
    std::array<std::uint64_t, 6> responses{}; // 1xx..6xx messages
    std::uint64_t reg_ok = 0;                 // REGISTER answered 2xx
    std::uint64_t reg_challenged = 0;         // 401/407
    std::uint64_t reg_failed = 0;             // any other final failure
    std::uint64_t attempts = 0;               // call attempts (as Kpis::call_attempts)
    std::uint64_t answered = 0;
    std::uint64_t effective = 0;                         // answered + user-side endings (NER)
    std::vector<std::pair<int, std::uint64_t>> failures; // final code (0: no answer) -> records

    void add_failure(int code, std::uint64_t n = 1);
    void merge(const Bucket& other);
};

class TimeSeries {
public:
    static constexpr std::size_t max_units = 4096;
    Bucket& at(std::int64_t time_ns);
    // Call setup and post-dial delays with their time, for percentiles per bucket.
    void add_setup(std::int64_t time_ns, double ms) {
        m_setup.emplace_back(time_ns / 1'000'000'000, static_cast<float>(ms));
    }
    void add_pdd(std::int64_t time_ns, double ms) {
        m_pdd.emplace_back(time_ns / 1'000'000'000, static_cast<float>(ms));
    }

    // Buckets of `bucket_s` seconds from `first_s` (both multiples of the unit), `count` of them.
    struct View {
        std::int64_t first_s = 0;
        std::int64_t bucket_s = 1;
        std::vector<Bucket> buckets;
        std::vector<std::vector<float>> setup; // per bucket
        std::vector<std::vector<float>> pdd;
    };
    // The view over [first_ns, last_ns] with at most about `max_buckets` buckets.
    View view(std::int64_t first_ns, std::int64_t last_ns, std::size_t max_buckets = 60) const;
    std::int64_t unit_s() const { return m_unit; }
    bool empty() const { return m_units.empty() && m_setup.empty() && m_pdd.empty(); }

private:
    void coarsen();
    std::int64_t m_unit = 1;
    std::map<std::int64_t, Bucket> m_units;
    // The unit asked for last (most messages fall in the same second as the one before).
    std::int64_t m_last_key = 0;
    Bucket* m_last = nullptr; // unit start (s) -> counts
    std::vector<std::pair<std::int64_t, float>> m_setup;
    std::vector<std::pair<std::int64_t, float>> m_pdd;
};

// Nearest-rank percentile (0..100) of `values` (sorted in place); 0 for none.
float percentile(std::vector<float>& values, double p);

// The unit ladder: each value divides the next.
const std::vector<std::int64_t>& bucket_ladder();

// Delays in fixed bins for the histograms: upper bounds in ms, the last bin open.
const std::vector<double>& delay_bins_ms();
std::size_t delay_bin(double ms);

} // namespace sipdx::report::detail
