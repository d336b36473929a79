// IPv4 (RFC 791) and IPv6 (RFC 8200 section 4.5) fragment reassembly with bounded memory.
// Overlapping fragments (RFC 5722 forbids them for IPv6; they are an evasion trick on IPv4) are
// handled safely: bytes already held win, and a mismatch is flagged rather than trusted.
#pragma once

#include <sipdx/decode/packet.h>

#include <cstdint>
#include <list>
#include <memory>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sipdx::decode::detail {

struct FragmentKey {
    Address src;
    Address dst;
    std::uint32_t id = 0;
    std::uint8_t protocol = 0; // IPv4 protocol; IPv6 leaves it 0 (the id is per address pair)
    std::uint64_t path = 0;    // hash of the encapsulation it was seen under
    friend bool operator==(const FragmentKey&, const FragmentKey&) = default;
};

struct FragmentKeyHash {
    std::size_t operator()(const FragmentKey& k) const noexcept;
};

struct ReassemblyLimits {
    std::size_t max_datagrams = 4096;
    std::size_t max_bytes = 64u << 20;
    std::int64_t timeout_ns = 30'000'000'000;
};

enum class FragmentStatus : std::uint8_t {
    pending,  // held; the datagram is not complete yet
    complete, // `out` holds the reassembled payload
    dropped,  // over a limit, or offset/length impossible (beyond 65535)
};

struct FragmentResult {
    FragmentStatus status = FragmentStatus::pending;
    bool overlap_mismatch = false; // some fragment overlapped held bytes with different content
    std::uint32_t fragments = 0;
    std::uint8_t next_header = 0; // IPv6: the next header named by the first fragment
};

class IpReassembler {
public:
    explicit IpReassembler(ReassemblyLimits limits = {}) : m_limits(limits) {}

    // Adds one fragment: `offset` in bytes from the start of the fragmentable payload, `more`
    // is the MF flag. On completion the whole payload is moved into `out` (its previous content
    // is discarded), the frame numbers of its fragments (ascending) into `out_frames` when
    // given, and the datagram's state is freed. A new datagram when max_datagrams are held
    // evicts the oldest one (counted in take_evicted()).
    FragmentResult add(const FragmentKey& key, std::uint32_t offset,
                       std::span<const std::uint8_t> data, bool more, std::int64_t now_ns,
                       std::vector<std::uint8_t>& out, std::uint8_t next_header = 0,
                       std::uint64_t frame = 0, std::vector<std::uint64_t>* out_frames = nullptr);

    // Frees datagrams older than the timeout, oldest first (the walk stops at the first young
    // one); returns how many were dropped incomplete.
    std::size_t expire(std::int64_t now_ns);
    std::size_t clear();

    // Datagrams dropped by the timeout inside add() since the last call.
    std::size_t take_expired() { return std::exchange(m_expired, 0); }
    // Datagrams evicted to make room for a new one since the last call.
    std::size_t take_evicted() { return std::exchange(m_evicted, 0); }
    std::size_t datagrams() const { return m_table.size(); }
    std::size_t bytes_held() const { return m_bytes; }

private:
    // Growing the buffer leaves the new bytes uninitialised: a fragment far into a datagram
    // zero-filled up to 64 KiB that the hole tracking never reads (1.5% of `analyze` on a
    // capture with many lost fragments).
    template <typename T>
    struct UninitialisedAllocator {
        using value_type = T;
        UninitialisedAllocator() = default;
        template <typename U>
        UninitialisedAllocator(const UninitialisedAllocator<U>& /*other*/) noexcept {}
        T* allocate(std::size_t n) { return std::allocator<T>{}.allocate(n); }
        void deallocate(T* p, std::size_t n) noexcept { std::allocator<T>{}.deallocate(p, n); }
        template <typename U>
        void construct(U* p) noexcept {
            ::new (static_cast<void*>(p)) U;
        }
        template <typename U, typename... Args>
        void construct(U* p, Args&&... args) {
            ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
        }
        friend bool operator==(const UninitialisedAllocator&,
                               const UninitialisedAllocator&) = default;
    };

    struct Datagram {
        std::vector<std::uint8_t, UninitialisedAllocator<std::uint8_t>> data;
        std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges; // [begin, end), sorted, merged
        std::uint32_t total = 0;
        bool total_known = false;
        bool overlap_mismatch = false;
        std::uint32_t fragments = 0;
        std::uint8_t next_header = 0;
        std::int64_t first_ns = 0;
        std::vector<std::uint64_t> frames;
        std::list<FragmentKey>::iterator age; // its place in m_ages
    };
    using Table = std::unordered_map<FragmentKey, Datagram, FragmentKeyHash>;
    void erase(Table::iterator it);

    ReassemblyLimits m_limits;
    Table m_table;
    std::list<FragmentKey> m_ages; // keys by first fragment's arrival, oldest first
    std::size_t m_bytes = 0;
    std::int64_t m_last_sweep_ns = 0;
    std::size_t m_expired = 0;
    std::size_t m_evicted = 0;
};

} // namespace sipdx::decode::detail
