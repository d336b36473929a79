// One direction of a TCP connection turned back into a byte stream (RFC 9293 sequence space):
// in-order delivery, out-of-order segments held until the hole fills, retransmissions and
// overlaps trimmed, a mid-stream start accepted, and every buffer bounded. Knows nothing of SIP.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>

namespace sipdx::decode::detail {

struct TcpLimits {
    std::size_t max_buffer = 1u << 20;           // pending + out-of-order bytes
    std::int64_t gap_timeout_ns = 2'000'000'000; // give up on a hole after this much capture time
};

struct SegmentOutcome {
    std::size_t appended = 0;    // new in-order bytes now at the end of pending()
    bool retransmission = false; // the segment carried only bytes already seen
    bool overlap_mismatch = false;
    bool gap = false;        // a hole was given up on: bytes are missing before pending()
    std::size_t dropped = 0; // bytes refused by the limits
};

class TcpDirection {
public:
    explicit TcpDirection(TcpLimits limits = {}) : m_limits(limits) {}

    SegmentOutcome segment(std::uint32_t seq, bool syn, std::span<const std::uint8_t> data,
                           std::int64_t now_ns);

    // Contiguous bytes not consumed yet, starting at stream offset pending_offset().
    std::string& pending() { return m_pending; }
    std::uint64_t pending_offset() const { return m_pending_offset; }
    void consume(std::size_t n);
    // Drops everything held (used when a stream stops being interesting, or on a gap).
    void discard_pending();
    // For a stream that will never be read (TLS, not SIP): drops what is held, and from now on
    // in-order bytes only move the offsets (counted in `appended`, never copied).
    void stop_keeping() {
        discard_pending();
        m_keeping = false;
    }
    bool keeping() const { return m_keeping; }

    bool started() const { return m_started; }
    std::size_t held_bytes() const { return m_pending.size() + m_ooo_bytes; }

private:
    void drain(SegmentOutcome& outcome);
    void append(std::span<const std::uint8_t> data, SegmentOutcome& outcome);

    TcpLimits m_limits;
    bool m_started = false;
    bool m_keeping = true;
    std::uint32_t m_next_seq = 0;    // sequence number of the next in-order byte
    std::uint64_t m_next_offset = 0; // its stream offset
    std::string m_pending;
    std::uint64_t m_pending_offset = 0;
    struct Held {
        std::string bytes;
        std::int64_t time_ns = 0;
    };
    std::map<std::uint64_t, Held> m_ooo; // by stream offset
    std::size_t m_ooo_bytes = 0;
};

} // namespace sipdx::decode::detail
