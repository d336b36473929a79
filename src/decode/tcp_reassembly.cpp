#include "decode/detail/tcp_reassembly.h"

#include <algorithm>
#include <cstring>

namespace sipdx::decode::detail {

void TcpDirection::drop_pieces() {
    m_pieces.clear();
    m_pieces_head = 0;
}

void TcpDirection::consume(std::size_t n) {
    n = std::min(n, m_pending.size());
    m_pending.erase(0, n);
    m_pending_offset += n;
    if (m_pending.empty()) {
        drop_pieces();
        return;
    }
    // Keep the pieces that still cover pending bytes: the last one starting at or before the new
    // offset (with the others of its offset: one segment's IP fragments) and all after it.
    std::size_t keep = m_pieces_head;
    for (std::size_t i = m_pieces_head; i < m_pieces.size(); ++i) {
        if (m_pieces[i].offset > m_pending_offset) break;
        if (i == m_pieces_head || m_pieces[i].offset != m_pieces[i - 1].offset) keep = i;
    }
    m_pieces_head = keep;
    if (m_pieces_head > 64 && m_pieces_head * 2 > m_pieces.size()) {
        m_pieces.erase(m_pieces.begin(), m_pieces.begin() + static_cast<long>(m_pieces_head));
        m_pieces_head = 0;
    }
}

void TcpDirection::discard_pending() {
    m_pending_offset += m_pending.size();
    m_pending.clear();
    drop_pieces();
}

void TcpDirection::add_pieces(std::uint64_t at, const SegmentSource& source,
                              std::vector<Piece>& to) {
    if (source.ip_frames.empty()) {
        to.push_back({at, source.frame, source.time_ns, source.file_offset, source.interface_id});
        return;
    }
    for (const std::uint64_t f : source.ip_frames)
        to.push_back({at, f, source.time_ns, source.file_offset, source.interface_id});
}

void TcpDirection::append(std::span<const std::uint8_t> data, SegmentOutcome& outcome) {
    if (!m_keeping) {
        // Measured need: a third of the TCP bytes of a P-CSCF capture are TLS; copying them
        // only to discard them was 2% of `analyze`.
        m_pending_offset += data.size();
        m_next_seq += static_cast<std::uint32_t>(data.size());
        m_next_offset += data.size();
        outcome.appended += data.size();
        m_incoming.clear();
        return;
    }
    if (m_pending.size() + data.size() > m_limits.max_buffer) {
        // Nothing framed this much data: it cannot be one sane SIP message. Resynchronise.
        outcome.dropped += m_pending.size();
        discard_pending();
        outcome.gap = true;
    }
    for (const Piece& p : m_incoming)
        m_pieces.push_back(
            {std::max(p.offset, m_next_offset), p.frame, p.time_ns, p.file_offset, p.interface_id});
    m_incoming.clear();
    m_pending.append(reinterpret_cast<const char*>(data.data()), data.size());
    m_next_seq += static_cast<std::uint32_t>(data.size());
    m_next_offset += data.size();
    outcome.appended += data.size();
}

void TcpDirection::drain(SegmentOutcome& outcome) {
    while (!m_ooo.empty()) {
        auto it = m_ooo.begin();
        const std::uint64_t begin = it->first;
        if (begin > m_next_offset) break;
        const std::uint64_t end = begin + it->second.bytes.size();
        if (end > m_next_offset) {
            const std::size_t skip = static_cast<std::size_t>(m_next_offset - begin);
            const auto* p = reinterpret_cast<const std::uint8_t*>(it->second.bytes.data());
            m_incoming = std::move(it->second.pieces);
            append({p + skip, it->second.bytes.size() - skip}, outcome);
        }
        m_ooo_bytes -= it->second.bytes.size();
        m_ooo.erase(it);
    }
}

std::string_view TcpDirection::held_run(std::string& scratch, std::size_t limit) const {
    scratch.clear();
    std::uint64_t next = 0;
    for (const auto& [at, held] : m_ooo) {
        if (!scratch.empty() && at > next) break;
        const std::size_t skip = scratch.empty() ? 0 : static_cast<std::size_t>(next - at);
        if (skip < held.bytes.size()) scratch.append(held.bytes, skip);
        next = std::max(next, at + held.bytes.size());
        if (scratch.size() >= limit) break;
    }
    if (scratch.size() > limit) scratch.resize(limit);
    return scratch;
}

void TcpDirection::skip_hole(SegmentOutcome& outcome) {
    if (m_ooo.empty()) return;
    const std::uint64_t first = m_ooo.begin()->first;
    m_hole_begin = m_next_offset;
    m_hole_end = first;
    discard_pending();
    m_next_seq += static_cast<std::uint32_t>(first - m_next_offset);
    m_pending_offset = first;
    m_next_offset = first;
    outcome.gap = true;
    drain(outcome);
}

void TcpDirection::frames_of(std::uint64_t begin, std::uint64_t end,
                             std::vector<std::uint64_t>& frames, Piece& last) const {
    frames.clear();
    last = {};
    for (std::size_t i = m_pieces_head; i < m_pieces.size(); ++i) {
        const Piece& p = m_pieces[i];
        if (p.offset >= end) break;
        // The piece runs up to the next piece with a greater offset.
        std::size_t j = i + 1;
        while (j < m_pieces.size() && m_pieces[j].offset == p.offset)
            ++j;
        const std::uint64_t piece_end = j < m_pieces.size() ? m_pieces[j].offset : UINT64_MAX;
        if (piece_end <= begin) continue;
        frames.push_back(p.frame);
        if (p.frame >= last.frame) last = p;
    }
    std::sort(frames.begin(), frames.end());
    frames.erase(std::unique(frames.begin(), frames.end()), frames.end());
}

SegmentOutcome TcpDirection::segment(std::uint32_t seq, bool syn,
                                     std::span<const std::uint8_t> data,
                                     const SegmentSource& source) {
    SegmentOutcome outcome;
    const std::int64_t now_ns = source.time_ns;
    if (syn) {
        // A SYN consumes one sequence number; data (rare) starts after it.
        seq += 1;
        if (!m_started || m_pending.empty()) {
            m_started = true;
            m_next_seq = seq;
        }
    }
    if (data.empty()) return outcome;
    if (!m_started) {
        m_started = true; // mid-stream start: the first data we see is the beginning
        m_next_seq = seq;
    }

    auto rel = static_cast<std::int32_t>(seq - m_next_seq);
    const auto len = static_cast<std::int64_t>(data.size());
    if (rel + len <= 0) {
        // Old bytes. Inside the hole given up on last, they are news: hand them back.
        const auto at = static_cast<std::int64_t>(m_next_offset) + rel;
        if (m_hole_end > m_hole_begin && at >= static_cast<std::int64_t>(m_hole_begin) &&
            at + len <= static_cast<std::int64_t>(m_hole_end)) {
            outcome.late = data;
            m_hole_begin = m_hole_end; // once
            return outcome;
        }
        outcome.retransmission = true;
        return outcome;
    }
    if (rel < 0) {
        data = data.subspan(static_cast<std::size_t>(-rel)); // overlap with delivered bytes
        rel = 0;
    }
    if (rel == 0) {
        if (m_keeping) add_pieces(m_next_offset, source, m_incoming);
        append(data, outcome);
        drain(outcome);
    } else {
        const std::uint64_t at = m_next_offset + static_cast<std::uint64_t>(rel);
        auto existing = m_ooo.find(at);
        if (existing != m_ooo.end()) {
            const std::size_t n = std::min(existing->second.bytes.size(), data.size());
            if (std::memcmp(existing->second.bytes.data(), data.data(), n) != 0) {
                outcome.overlap_mismatch = true;
            }
            if (data.size() <= existing->second.bytes.size()) {
                outcome.retransmission = true;
                return outcome;
            }
            m_ooo_bytes -= existing->second.bytes.size();
            m_ooo.erase(existing);
        }
        if (held_bytes() + data.size() > m_limits.max_buffer) {
            outcome.dropped += data.size();
        } else {
            Held held{
                std::string(reinterpret_cast<const char*>(data.data()), data.size()), now_ns, {}};
            if (m_keeping) add_pieces(at, source, held.pieces);
            m_ooo.emplace(at, std::move(held));
            m_ooo_bytes += data.size();
        }
    }

    // A hole that has not filled in time (or that blocks too many bytes) was lost in capture:
    // skip it, so the stream resumes at the next held segment.
    if (!m_ooo.empty()) {
        const auto& first = *m_ooo.begin();
        const bool stale = now_ns - first.second.time_ns > m_limits.gap_timeout_ns;
        if (stale || held_bytes() > m_limits.max_buffer / 2 || outcome.dropped > 0) {
            skip_hole(outcome);
        }
    }
    return outcome;
}

} // namespace sipdx::decode::detail
