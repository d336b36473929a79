#include <sipdx/decode/packet.h>

#include "decode/detail/ip_reassembly.h"

#include <algorithm>
#include <cstring>

namespace sipdx::decode::detail {

namespace {
constexpr std::uint32_t max_ip_payload = 65535;

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
}
} // namespace

std::size_t FragmentKeyHash::operator()(const FragmentKey& k) const noexcept {
    std::uint64_t h = k.path;
    for (std::size_t i = 0; i < 16; i += 8) {
        std::uint64_t a = 0;
        std::uint64_t b = 0;
        std::memcpy(&a, k.src.bytes.data() + i, 8);
        std::memcpy(&b, k.dst.bytes.data() + i, 8);
        h = mix(mix(h, a), b);
    }
    return static_cast<std::size_t>(mix(h, (static_cast<std::uint64_t>(k.id) << 8) | k.protocol));
}

void IpReassembler::erase(Table::iterator it) {
    m_bytes -= std::min(m_bytes, it->second.data.size());
    m_ages.erase(it->second.age);
    m_table.erase(it);
}

FragmentResult IpReassembler::add(const FragmentKey& key, std::uint32_t offset,
                                  std::span<const std::uint8_t> data, bool more,
                                  std::int64_t now_ns, std::vector<std::uint8_t>& out,
                                  std::uint8_t next_header, std::uint64_t frame,
                                  std::vector<std::uint64_t>* out_frames) {
    FragmentResult result;
    const std::uint64_t end64 = static_cast<std::uint64_t>(offset) + data.size();
    if (end64 > max_ip_payload) {
        result.status = FragmentStatus::dropped;
        return result;
    }
    const auto end = static_cast<std::uint32_t>(end64);

    // Sweep now and then rather than per fragment: timeouts only need capture-time accuracy.
    if (now_ns - m_last_sweep_ns > 1'000'000'000 || now_ns < m_last_sweep_ns) {
        m_expired += expire(now_ns);
        m_last_sweep_ns = now_ns;
    }

    auto it = m_table.find(key);
    if (it == m_table.end()) {
        if (m_table.size() >= std::max<std::size_t>(m_limits.max_datagrams, 1)) {
            // Full: the oldest incomplete datagram makes room, so fragments that never complete
            // cannot block the ones that will.
            erase(m_table.find(m_ages.front()));
            ++m_evicted;
        }
        it = m_table.emplace(key, Datagram{}).first;
        it->second.first_ns = now_ns;
        it->second.age = m_ages.insert(m_ages.end(), key);
    }
    Datagram& d = it->second;

    // The last fragment fixes the total; a second, different total is a contradiction.
    if (!more) {
        if ((d.total_known && d.total != end) ||
            (!d.ranges.empty() && d.ranges.back().second > end)) {
            d.overlap_mismatch = true;
        } else {
            d.total = end;
            d.total_known = true;
        }
    } else if (d.total_known && end > d.total) {
        d.overlap_mismatch = true;
        result.overlap_mismatch = true;
        result.fragments = d.fragments;
        return result; // bytes past the known end cannot belong to this datagram
    }

    if (end > d.data.size()) {
        const std::size_t grow = end - d.data.size();
        if (m_bytes + grow > m_limits.max_bytes) {
            erase(it);
            result.status = FragmentStatus::dropped;
            return result;
        }
        d.data.resize(end);
        m_bytes += grow;
    }

    // Copy only into holes; where the new fragment overlaps held bytes, compare them.
    std::uint32_t pos = offset;
    for (const auto& [b, e] : d.ranges) {
        if (e <= pos) continue;
        if (b >= end) break;
        if (b > pos) {
            std::memcpy(d.data.data() + pos, data.data() + (pos - offset), b - pos);
        }
        const std::uint32_t ob = std::max(b, pos);
        const std::uint32_t oe = std::min(e, end);
        if (oe > ob && std::memcmp(d.data.data() + ob, data.data() + (ob - offset), oe - ob) != 0) {
            d.overlap_mismatch = true;
        }
        pos = std::max(pos, e);
        if (pos >= end) break;
    }
    if (pos < end) {
        std::memcpy(d.data.data() + pos, data.data() + (pos - offset), end - pos);
    }

    // Insert [offset, end) and merge.
    if (end > offset) {
        auto at = std::lower_bound(d.ranges.begin(), d.ranges.end(), std::make_pair(offset, end));
        d.ranges.insert(at, {offset, end});
        std::size_t w = 0;
        for (std::size_t r = 1; r < d.ranges.size(); ++r) {
            if (d.ranges[r].first <= d.ranges[w].second) {
                d.ranges[w].second = std::max(d.ranges[w].second, d.ranges[r].second);
            } else {
                d.ranges[++w] = d.ranges[r];
            }
        }
        d.ranges.resize(w + 1);
    }
    ++d.fragments;
    if (out_frames != nullptr) d.frames.push_back(frame);
    if (offset == 0) d.next_header = next_header;
    result.next_header = d.next_header;
    result.fragments = d.fragments;
    result.overlap_mismatch = d.overlap_mismatch;

    if (d.total_known && d.ranges.size() == 1 && d.ranges[0].first == 0 &&
        d.ranges[0].second == d.total) {
        out.assign(d.data.begin(), d.data.begin() + d.total);
        if (out_frames != nullptr) {
            *out_frames = std::move(d.frames);
            std::sort(out_frames->begin(), out_frames->end());
            out_frames->erase(std::unique(out_frames->begin(), out_frames->end()),
                              out_frames->end());
        }
        erase(it);
        result.status = FragmentStatus::complete;
    }
    return result;
}

std::size_t IpReassembler::expire(std::int64_t now_ns) {
    std::size_t dropped = 0;
    while (!m_ages.empty()) {
        auto it = m_table.find(m_ages.front());
        const std::int64_t first = it->second.first_ns;
        if (!(now_ns - first > m_limits.timeout_ns || now_ns < first - m_limits.timeout_ns)) break;
        erase(it);
        ++dropped;
    }
    return dropped;
}

std::size_t IpReassembler::clear() {
    const std::size_t n = m_table.size();
    m_table.clear();
    m_ages.clear();
    m_bytes = 0;
    return n;
}

} // namespace sipdx::decode::detail
