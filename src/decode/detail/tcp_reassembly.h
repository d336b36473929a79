// One direction of a TCP connection turned back into a byte stream (RFC 9293 sequence space):
// in-order delivery, out-of-order segments held until the hole fills, retransmissions and
// overlaps trimmed, a mid-stream start accepted, and every buffer bounded. Knows nothing of SIP.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace sipdx::decode::detail {

struct TcpLimits {
    std::size_t max_buffer = 1u << 20;           // pending + out-of-order bytes
    std::int64_t gap_timeout_ns = 2'000'000'000; // give up on a hole after this much capture time
};

// Where a segment's bytes came from. A segment that was itself reassembled from IP fragments
// names every fragment's frame in `ip_frames`.
struct SegmentSource {
    std::uint64_t frame = 0;
    std::int64_t time_ns = 0;
    std::uint64_t file_offset = 0;
    std::uint32_t interface_id = 0;
    std::span<const std::uint64_t> ip_frames;
};

// The frame that delivered the bytes from stream offset `offset` on (up to the next piece).
struct Piece {
    std::uint64_t offset = 0;
    std::uint64_t frame = 0;
    std::int64_t time_ns = 0;
    std::uint64_t file_offset = 0;
    std::uint32_t interface_id = 0;
};

struct SegmentOutcome {
    std::size_t appended = 0;    // new in-order bytes now at the end of pending()
    bool retransmission = false; // the segment carried only bytes already seen
    bool overlap_mismatch = false;
    bool gap = false;        // a hole was given up on: bytes are missing before pending()
    std::size_t dropped = 0; // bytes refused by the limits
    // Bytes that arrived late inside the last hole given up on: the stream has moved past them,
    // so the caller frames them on their own.
    std::span<const std::uint8_t> late;
};

class TcpDirection {
public:
    explicit TcpDirection(TcpLimits limits = {}) : m_limits(limits) {}

    SegmentOutcome segment(std::uint32_t seq, bool syn, std::span<const std::uint8_t> data,
                           const SegmentSource& source);
    // The same for a caller that does not track frames.
    SegmentOutcome segment(std::uint32_t seq, bool syn, std::span<const std::uint8_t> data,
                           std::int64_t now_ns) {
        return segment(seq, syn, data, SegmentSource{0, now_ns, 0, 0, {}});
    }

    // Out-of-order bytes are held behind a hole: the contiguous run of held bytes after the
    // first hole, at most `limit` of them, copied into `scratch`.
    bool has_hole() const { return !m_ooo.empty(); }
    std::string_view held_run(std::string& scratch, std::size_t limit) const;
    // Gives the first hole up: what is pending is dropped and the stream resumes at the first
    // held segment (what follows it contiguously becomes pending).
    void skip_hole(SegmentOutcome& outcome);

    // The frames that carried stream bytes [begin, end) (ascending, unique) into `frames`, and
    // the one of them that arrived last (the message's completing frame) into `last`.
    void frames_of(std::uint64_t begin, std::uint64_t end, std::vector<std::uint64_t>& frames,
                   Piece& last) const;

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
    void add_pieces(std::uint64_t at, const SegmentSource& source, std::vector<Piece>& to);
    void drop_pieces();

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
        std::vector<Piece> pieces;
    };
    std::map<std::uint64_t, Held> m_ooo; // by stream offset
    std::size_t m_ooo_bytes = 0;
    std::vector<Piece> m_pieces; // of the pending bytes, from m_pieces_head on
    std::size_t m_pieces_head = 0;
    std::vector<Piece> m_incoming; // scratch: the pieces of the segment being appended
    // The last hole given up on, [begin, end) in stream offsets: bytes landing there later.
    std::uint64_t m_hole_begin = 0;
    std::uint64_t m_hole_end = 0;
};

} // namespace sipdx::decode::detail
