#include <sipdx/text/time.h>

#include <fmt/format.h>

#include <ctime>

namespace sipdx::text {

namespace {

struct Split {
    std::int64_t seconds;
    std::int64_t micros;
};

Split split(std::int64_t time_ns) {
    std::int64_t seconds = time_ns / 1'000'000'000;
    std::int64_t rest = time_ns % 1'000'000'000;
    if (rest < 0) {
        rest += 1'000'000'000;
        --seconds;
    }
    return {seconds, rest / 1000};
}

} // namespace

std::string iso_time(std::int64_t time_ns) {
    const auto [seconds, micros] = split(time_ns);
    std::tm tm{};
    const auto t = static_cast<std::time_t>(seconds);
    gmtime_r(&t, &tm);
    return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:06d}Z", tm.tm_year + 1900,
                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
}

std::string epoch_time(std::int64_t time_ns) {
    const auto [seconds, micros] = split(time_ns);
    return fmt::format("{}.{:06d}", seconds, micros);
}

} // namespace sipdx::text
