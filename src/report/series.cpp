#include "report/detail/series.h"

#include <algorithm>
#include <cmath>

namespace sipdx::report::detail {

void Bucket::add_failure(int code, std::uint64_t n) {
    for (auto& [c, count] : failures) {
        if (c == code) {
            count += n;
            return;
        }
    }
    failures.emplace_back(code, n);
}

void Bucket::merge(const Bucket& other) {
    for (std::size_t i = 0; i < responses.size(); ++i)
        responses[i] += other.responses[i];
    reg_ok += other.reg_ok;
    reg_challenged += other.reg_challenged;
    reg_failed += other.reg_failed;
    attempts += other.attempts;
    answered += other.answered;
    effective += other.effective;
    for (const auto& [code, n] : other.failures)
        add_failure(code, n);
}

const std::vector<std::int64_t>& bucket_ladder() {
    static const std::vector<std::int64_t> ladder = {
        1, 5, 10, 30, 60, 300, 600, 1800, 3600, 7200, 21600, 86400, 604800, 2419200, 29030400};
    return ladder;
}

namespace {
std::int64_t floor_to(std::int64_t value, std::int64_t unit) {
    std::int64_t q = value / unit;
    if (value % unit != 0 && value < 0) --q;
    return q * unit;
}
} // namespace

Bucket& TimeSeries::at(std::int64_t time_ns) {
    const std::int64_t key = floor_to(time_ns / 1'000'000'000, m_unit);
    if (m_last != nullptr && key == m_last_key) return *m_last;
    auto it = m_units.find(key);
    if (it == m_units.end()) {
        if (m_units.size() >= max_units) {
            coarsen();
            return at(time_ns);
        }
        it = m_units.emplace(key, Bucket{}).first;
    }
    m_last_key = key;
    m_last = &it->second;
    return *m_last;
}

void TimeSeries::coarsen() {
    m_last = nullptr;
    const auto& ladder = bucket_ladder();
    while (m_units.size() >= max_units / 2) {
        auto next = std::upper_bound(ladder.begin(), ladder.end(), m_unit);
        if (next == ladder.end()) {
            m_unit *= 2; // beyond a year per unit: wild clocks; halve the units anyway
        } else {
            m_unit = *next;
        }
        std::map<std::int64_t, Bucket> merged;
        for (auto& [key, bucket] : m_units)
            merged[floor_to(key, m_unit)].merge(bucket);
        m_units = std::move(merged);
    }
}

TimeSeries::View TimeSeries::view(std::int64_t first_ns, std::int64_t last_ns,
                                  std::size_t max_buckets) const {
    View v;
    const std::int64_t first = first_ns / 1'000'000'000;
    const std::int64_t last = std::max(last_ns / 1'000'000'000, first);
    const std::int64_t span = last - first + 1;
    v.bucket_s = m_unit;
    for (const std::int64_t b : bucket_ladder()) {
        if (b < m_unit) continue;
        v.bucket_s = b;
        if (span / b + 1 <= static_cast<std::int64_t>(max_buckets)) break;
    }
    while ((span / v.bucket_s + 1) > static_cast<std::int64_t>(max_buckets) * 2)
        v.bucket_s *= 2;
    v.first_s = floor_to(first, v.bucket_s);
    const auto count = static_cast<std::size_t>((last - v.first_s) / v.bucket_s + 1);
    v.buckets.resize(count);
    v.setup.resize(count);
    v.pdd.resize(count);
    auto index = [&](std::int64_t s) -> std::ptrdiff_t {
        const std::int64_t i = (s - v.first_s) / v.bucket_s;
        if (s < v.first_s || i >= static_cast<std::int64_t>(count)) return -1;
        return static_cast<std::ptrdiff_t>(i);
    };
    for (const auto& [key, bucket] : m_units)
        if (const auto i = index(key); i >= 0) v.buckets[static_cast<std::size_t>(i)].merge(bucket);
    for (const auto& [s, ms] : m_setup)
        if (const auto i = index(s); i >= 0) v.setup[static_cast<std::size_t>(i)].push_back(ms);
    for (const auto& [s, ms] : m_pdd)
        if (const auto i = index(s); i >= 0) v.pdd[static_cast<std::size_t>(i)].push_back(ms);
    return v;
}

float percentile(std::vector<float>& values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
    rank = std::clamp<std::size_t>(rank, 1, values.size());
    return values[rank - 1];
}

const std::vector<double>& delay_bins_ms() {
    static const std::vector<double> bins = {50,   100,  200,   500,   1000, 2000,
                                             3000, 5000, 10000, 20000, 1e300};
    return bins;
}

std::size_t delay_bin(double ms) {
    const auto& bins = delay_bins_ms();
    for (std::size_t i = 0; i < bins.size(); ++i)
        if (ms < bins[i]) return i;
    return bins.size() - 1;
}

} // namespace sipdx::report::detail
