// Capture times (nanoseconds since 1970, UTC) as text. Both round towards minus infinity.
#pragma once

#include <cstdint>
#include <string>

namespace sipdx::text {

// "2026-11-25T17:33:07.123456Z"
std::string iso_time(std::int64_t time_ns);
// "1780141590.686694"
std::string epoch_time(std::int64_t time_ns);

} // namespace sipdx::text
