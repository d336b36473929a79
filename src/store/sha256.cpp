#include <sipdx/store/sha256.h>

#include <sipdx/capture/mapped_file.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#define SIPDX_SHA_NI 1
#endif

namespace sipdx::store {
namespace {

constexpr std::array<std::uint32_t, 64> k_round{
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr std::uint32_t rotr(std::uint32_t x, int n) {
    return (x >> n) | (x << (32 - n));
}

#ifdef SIPDX_SHA_NI
// The x86 SHA extensions do four rounds per two instructions: hashing then costs a fraction
// of reading the capture, where the portable code would cost more than analysing it.
bool have_sha_ni() {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    const bool sha = (b >> 29) & 1;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    const bool sse41 = (c >> 19) & 1;
    const bool ssse3 = (c >> 9) & 1;
    return sha && sse41 && ssse3;
}

__attribute__((target("sha,sse4.1,ssse3"))) void
blocks_sha_ni(std::uint32_t* state, const std::uint8_t* p, std::size_t count) {
    const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state));        // DCBA
    __m128i state1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4)); // HGFE
    tmp = _mm_shuffle_epi32(tmp, 0xB1);                                            // CDAB
    state1 = _mm_shuffle_epi32(state1, 0x1B);                                      // EFGH
    __m128i state0 = _mm_alignr_epi8(tmp, state1, 8);                              // ABEF
    state1 = _mm_blend_epi16(state1, tmp, 0xF0);                                   // CDGH
    for (; count > 0; --count, p += 64) {
        const __m128i abef = state0;
        const __m128i cdgh = state1;
        __m128i m[4];
        for (int i = 0; i < 4; ++i)
            m[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i)),
                                    mask);
        for (int g = 0; g < 16; ++g) {
            if (g >= 4) {
                // W[t] for the next four rounds from the last sixteen (FIPS 180-4 6.2.2).
                __m128i& w = m[g % 4];
                w = _mm_add_epi32(_mm_sha256msg1_epu32(w, m[(g + 1) % 4]),
                                  _mm_alignr_epi8(m[(g + 3) % 4], m[(g + 2) % 4], 4));
                w = _mm_sha256msg2_epu32(w, m[(g + 3) % 4]);
            }
            __m128i k = _mm_add_epi32(
                m[g % 4], _mm_loadu_si128(reinterpret_cast<const __m128i*>(&k_round[4 * g])));
            state1 = _mm_sha256rnds2_epu32(state1, state0, k);
            k = _mm_shuffle_epi32(k, 0x0E);
            state0 = _mm_sha256rnds2_epu32(state0, state1, k);
        }
        state0 = _mm_add_epi32(state0, abef);
        state1 = _mm_add_epi32(state1, cdgh);
    }
    tmp = _mm_shuffle_epi32(state0, 0x1B);       // FEBA
    state1 = _mm_shuffle_epi32(state1, 0xB1);    // DCHG
    state0 = _mm_blend_epi16(tmp, state1, 0xF0); // DCBA
    state1 = _mm_alignr_epi8(state1, tmp, 8);    // HGFE
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state), state0);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 4), state1);
}

const bool k_sha_ni = have_sha_ni();
#endif

} // namespace

Sha256::Sha256()
    : m_state{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
              0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19} {}

void Sha256::block(const std::uint8_t* p) {
    std::array<std::uint32_t, 64> w;
    for (int i = 0; i < 16; ++i) {
        w[i] = (std::uint32_t{p[4 * i]} << 24) | (std::uint32_t{p[4 * i + 1]} << 16) |
               (std::uint32_t{p[4 * i + 2]} << 8) | std::uint32_t{p[4 * i + 3]};
    }
    for (int i = 16; i < 64; ++i) {
        const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    auto [a, b, c, d, e, f, g, h] = m_state;
    for (int i = 0; i < 64; ++i) {
        const std::uint32_t s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        const std::uint32_t ch = (e & f) ^ (~e & g);
        const std::uint32_t t1 = h + s1 + ch + k_round[i] + w[i];
        const std::uint32_t s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        const std::uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        const std::uint32_t t2 = s0 + maj;
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    m_state[0] += a;
    m_state[1] += b;
    m_state[2] += c;
    m_state[3] += d;
    m_state[4] += e;
    m_state[5] += f;
    m_state[6] += g;
    m_state[7] += h;
}

void Sha256::update(const void* data, std::size_t size) {
    const auto* p = static_cast<const std::uint8_t*>(data);
    m_length += size;
    if (m_buffered > 0) {
        const std::size_t take = std::min(size, 64 - m_buffered);
        std::memcpy(m_buffer.data() + m_buffered, p, take);
        m_buffered += take;
        p += take;
        size -= take;
        if (m_buffered < 64) return;
        block(m_buffer.data());
        m_buffered = 0;
    }
#ifdef SIPDX_SHA_NI
    if (k_sha_ni && size >= 64 && std::getenv("SIPDX_SHA256_PORTABLE") == nullptr) {
        blocks_sha_ni(m_state.data(), p, size / 64);
        p += size / 64 * 64;
        size %= 64;
    }
#endif
    for (; size >= 64; p += 64, size -= 64)
        block(p);
    std::memcpy(m_buffer.data(), p, size);
    m_buffered = size;
}

std::array<std::uint8_t, 32> Sha256::finish() {
    const std::uint64_t bits = m_length * 8;
    const std::uint8_t pad = 0x80;
    update(&pad, 1);
    const std::uint8_t zero = 0;
    while (m_buffered != 56)
        update(&zero, 1);
    std::array<std::uint8_t, 8> length;
    for (int i = 0; i < 8; ++i)
        length[i] = static_cast<std::uint8_t>(bits >> (56 - 8 * i));
    update(length.data(), length.size());
    std::array<std::uint8_t, 32> out;
    for (int i = 0; i < 8; ++i) {
        out[4 * i] = static_cast<std::uint8_t>(m_state[i] >> 24);
        out[4 * i + 1] = static_cast<std::uint8_t>(m_state[i] >> 16);
        out[4 * i + 2] = static_cast<std::uint8_t>(m_state[i] >> 8);
        out[4 * i + 3] = static_cast<std::uint8_t>(m_state[i]);
    }
    return out;
}

namespace {
std::string hex(const std::array<std::uint8_t, 32>& digest) {
    std::string out;
    out.reserve(64);
    for (auto b : digest)
        out += fmt::format("{:02x}", b);
    return out;
}
} // namespace

std::string sha256_hex(std::string_view bytes) {
    Sha256 h;
    h.update(bytes.data(), bytes.size());
    return hex(h.finish());
}

tl::expected<std::string, StoreError> sha256_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return tl::unexpected(StoreError{
            ErrorKind::input, fmt::format("{}: cannot open: {}", path, std::strerror(errno))});
    auto failed = [&](std::string_view what) {
        const int err = errno;
        ::close(fd);
        return tl::unexpected(StoreError{
            ErrorKind::input, fmt::format("{}: {} failed: {}", path, what, std::strerror(err))});
    };
    auto shrank = [&] {
        ::close(fd);
        return tl::unexpected(StoreError{
            ErrorKind::input, fmt::format("{}: changed while being hashed (shrank)", path)});
    };
    struct stat st {};
    if (::fstat(fd, &st) != 0) return failed("stat");
    Sha256 h;
    std::uint64_t offset = 0;
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
        // Hashed in place from the page cache: read() would copy every byte once more (about
        // a fifth of this thread's time). A window at a time, so the mapping never holds more
        // than one window of page tables. Each window is guarded (capture::MappedFile): a file
        // truncated meanwhile by another process reads zeros past its new end instead of
        // raising SIGBUS, and the hash is refused below.
        constexpr std::size_t k_window = 16u << 20;
        const auto size = static_cast<std::uint64_t>(st.st_size);
        capture::MapOptions populate;
        populate.populate = true;
        while (offset < size) {
            const auto n =
                static_cast<std::size_t>(std::min<std::uint64_t>(k_window, size - offset));
            auto window = capture::MappedFile::map(fd, offset, n, populate);
            if (!window) break; // not mappable (some file systems): read the rest
            h.update(window->bytes().data(), n);
            if (window->shrank()) return shrank();
            offset += n;
        }
    }
    // Not a regular file, or not mappable: read in blocks small enough to stay in the L2 cache
    // between read() and hashing. After a complete mapping this reads nothing (the size is
    // the one fstat gave; a file that grew meanwhile is hashed as it was).
    const bool regular = S_ISREG(st.st_mode);
    if (!regular || offset < static_cast<std::uint64_t>(st.st_size)) {
        std::vector<std::uint8_t> buffer(128u << 10);
        for (;;) {
            const ssize_t n =
                regular ? ::pread(fd, buffer.data(), buffer.size(), static_cast<off_t>(offset))
                        : ::read(fd, buffer.data(), buffer.size());
            if (n == 0) break;
            if (n < 0) {
                if (errno == EINTR) continue;
                return failed("read");
            }
            h.update(buffer.data(), static_cast<std::size_t>(n));
            offset += static_cast<std::uint64_t>(n);
        }
    }
    // A file that lost less than a page reads zeros without any fault: ask it once more.
    struct stat after {};
    if (regular && ::fstat(fd, &after) != 0) return failed("stat");
    if (regular && after.st_size < st.st_size) return shrank();
    ::close(fd);
    return hex(h.finish());
}

} // namespace sipdx::store
