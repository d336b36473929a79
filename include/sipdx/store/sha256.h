// SHA-256 (FIPS 180-4) of capture files: the identity of a capture in the store, so that
// ingesting the same bytes twice, under any name, is recognised.
#pragma once

#include <sipdx/store/error.h>

#include <tl/expected.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sipdx::store {

// Incremental SHA-256, computed by OpenSSL's libcrypto (which uses the CPU's SHA
// instructions where it has them).
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;
    void update(const void* data, std::size_t size);
    // The digest; the object must not be updated afterwards.
    std::array<std::uint8_t, 32> finish();

private:
    struct Context;
    std::unique_ptr<Context> m_context;
};

// Lower-case hex of the digest of `bytes`.
std::string sha256_hex(std::string_view bytes);
// Lower-case hex of the digest of a file's contents, read in large blocks.
tl::expected<std::string, StoreError> sha256_file(const std::string& path);

} // namespace sipdx::store
