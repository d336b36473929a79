// SHA-256 (FIPS 180-4) of capture files: the identity of a capture in the store, so that
// ingesting the same bytes twice, under any name, is recognised.
#pragma once

#include <sipdx/store/error.h>

#include <tl/expected.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sipdx::store {

class Sha256 {
public:
    Sha256();
    void update(const void* data, std::size_t size);
    // The digest; the object must not be updated afterwards.
    std::array<std::uint8_t, 32> finish();

private:
    void block(const std::uint8_t* p);
    std::array<std::uint32_t, 8> m_state;
    std::array<std::uint8_t, 64> m_buffer{};
    std::size_t m_buffered = 0;
    std::uint64_t m_length = 0;
};

// Lower-case hex of the digest of `bytes`.
std::string sha256_hex(std::string_view bytes);
// Lower-case hex of the digest of a file's contents, read in large blocks.
tl::expected<std::string, StoreError> sha256_file(const std::string& path);

} // namespace sipdx::store
