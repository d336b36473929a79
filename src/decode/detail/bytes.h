// Bounds-checked big-endian readers over a byte span. Callers check sizes first; these helpers
// keep the checks in one place so decoders stay short.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace sipdx::decode::detail {

using Bytes = std::span<const std::uint8_t>;

inline std::uint16_t be16(Bytes b, std::size_t at) {
    return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}
inline std::uint32_t be32(Bytes b, std::size_t at) {
    return (static_cast<std::uint32_t>(b[at]) << 24) |
           (static_cast<std::uint32_t>(b[at + 1]) << 16) |
           (static_cast<std::uint32_t>(b[at + 2]) << 8) | b[at + 3];
}
inline std::uint64_t be64(Bytes b, std::size_t at) {
    return (static_cast<std::uint64_t>(be32(b, at)) << 32) | be32(b, at + 4);
}
inline std::uint32_t le32(Bytes b, std::size_t at) {
    return (static_cast<std::uint32_t>(b[at + 3]) << 24) |
           (static_cast<std::uint32_t>(b[at + 2]) << 16) |
           (static_cast<std::uint32_t>(b[at + 1]) << 8) | b[at];
}
inline std::string_view as_text(Bytes b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline Bytes as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

} // namespace sipdx::decode::detail
