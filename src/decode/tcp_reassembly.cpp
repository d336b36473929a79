#include "decode/detail/tcp_reassembly.h"

#include <algorithm>
#include <cstring>

namespace sipdx::decode::detail {

void TcpDirection::consume(std::size_t n) {
    n = std::min(n, m_pending.size());
    m_pending.erase(0, n);
    m_pending_offset += n;
}

void TcpDirection::discard_pending() {
    m_pending_offset += m_pending.size();
    m_pending.clear();
}

void TcpDirection::append(std::span<const std::uint8_t> data, SegmentOutcome& outcome) {
    if (!m_keeping) {
        // Measured need: a third of the TCP bytes of a P-CSCF capture are TLS; copying them
        // only to discard them was 2% of `analyze`.
        m_pending_offset += data.size();
        m_next_seq += static_cast<std::uint32_t>(data.size());
        m_next_offset += data.size();
        outcome.appended += data.size();
        return;
    }
    if (m_pending.size() + data.size() > m_limits.max_buffer) {
        // Nothing framed this much data: it cannot be one sane SIP message. Resynchronise.
        outcome.dropped += m_pending.size();
        discard_pending();
        outcome.gap = true;
    }
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
            append({p + skip, it->second.bytes.size() - skip}, outcome);
        }
        m_ooo_bytes -= it->second.bytes.size();
        m_ooo.erase(it);
    }
}

SegmentOutcome TcpDirection::segment(std::uint32_t seq, bool syn,
                                     std::span<const std::uint8_t> data, std::int64_t now_ns) {
    SegmentOutcome outcome;
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
        outcome.retransmission = true;
        return outcome;
    }
    if (rel < 0) {
        data = data.subspan(static_cast<std::size_t>(-rel)); // overlap with delivered bytes
        rel = 0;
    }
    if (rel == 0) {
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
            m_ooo.emplace(
                at,
                Held{std::string(reinterpret_cast<const char*>(data.data()), data.size()), now_ns});
            m_ooo_bytes += data.size();
        }
    }

    // A hole that has not filled in time (or that blocks too many bytes) was lost in capture:
    // skip it, so the stream resumes at the next held segment.
    if (!m_ooo.empty()) {
        const auto& first = *m_ooo.begin();
        const bool stale = now_ns - first.second.time_ns > m_limits.gap_timeout_ns;
        if (stale || held_bytes() > m_limits.max_buffer / 2 || outcome.dropped > 0) {
            discard_pending();
            m_next_seq += static_cast<std::uint32_t>(first.first - m_next_offset);
            m_pending_offset = first.first;
            m_next_offset = first.first;
            outcome.gap = true;
            drain(outcome);
        }
    }
    return outcome;
}

} // namespace sipdx::decode::detail
