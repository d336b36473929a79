// The packet side of the media analyzer: RTP into per-stream counters, RTCP into what
// receivers reported, on the decoding thread.
#include <sipdx/media/analyzer.h>

#include <sipdx/media/codec.h>

#include "media/detail/state.h"

#include <cstring>
#include <limits>

namespace sipdx::media {

namespace detail {

FlowTable::FlowTable() {
    m_hashes.assign(1024, 0);
    m_slots.assign(1024, 0);
    m_mask = 1023;
}

void FlowTable::grow() {
    const std::size_t size = m_slots.size() * 2;
    std::vector<std::uint64_t> hashes(size, 0);
    std::vector<std::uint32_t> slots(size, 0);
    const std::size_t mask = size - 1;
    for (std::size_t i = 0; i < m_slots.size(); ++i) {
        if (m_slots[i] == 0) continue;
        std::size_t at = m_hashes[i] & mask;
        while (slots[at] != 0)
            at = (at + 1) & mask;
        slots[at] = m_slots[i];
        hashes[at] = m_hashes[i];
    }
    m_hashes.swap(hashes);
    m_slots.swap(slots);
    m_mask = mask;
}

std::size_t FlowTable::find_or_insert(const FlowKey& key, std::uint64_t hash, std::size_t limit,
                                      bool& inserted) {
    inserted = false;
    std::size_t at = hash & m_mask;
    while (m_slots[at] != 0) {
        if (m_hashes[at] == hash && entries[m_slots[at] - 1].key == key) return m_slots[at] - 1;
        at = (at + 1) & m_mask;
    }
    if (entries.size() >= limit) return std::numeric_limits<std::size_t>::max();
    entries.emplace_back();
    entries.back().key = key;
    m_slots[at] = static_cast<std::uint32_t>(entries.size());
    m_hashes[at] = hash;
    inserted = true;
    if (entries.size() * 2 > m_slots.size()) grow();
    return entries.size() - 1;
}

} // namespace detail

namespace {

class SourceConsumer final : public decode::PayloadConsumer {
public:
    SourceConsumer(MediaAnalyzer::Impl& impl, std::uint32_t source)
        : m_impl(impl), m_source(source) {}
    // Never claims: a payload stays visible to later consumers and in the decoder's counts.
    bool offer(const decode::Payload& p) override {
        // TCP payloads reach consumers only as RFC 4571 frames (RTP/RTCP over TCP).
        if (p.transport == decode::Transport::udp || p.transport == decode::Transport::tcp)
            m_impl.packet(p, m_source);
        return false;
    }

private:
    MediaAnalyzer::Impl& m_impl;
    std::uint32_t m_source;
};

// Assigned static types and the dynamic range: other values are rarely RTP.
bool plausible_payload_type(std::uint8_t pt) {
    return pt >= 96 || static_payload(pt).has_value();
}

} // namespace

void MediaAnalyzer::Impl::packet(const decode::Payload& p, std::uint32_t source) {
    if (looks_like_rtcp(p.bytes)) return rtcp(p, source);
    detail::FlowKey key;
    auto* k = key.bytes.data();
    std::memcpy(k, p.src.bytes.data(), 16);
    std::memcpy(k + 16, p.dst.bytes.data(), 16);
    k[32] = static_cast<std::uint8_t>(p.sport >> 8);
    k[33] = static_cast<std::uint8_t>(p.sport);
    k[34] = static_cast<std::uint8_t>(p.dport >> 8);
    k[35] = static_cast<std::uint8_t>(p.dport);
    k[40] = p.src.family;
    k[41] = p.dst.family;
    k[42] = p.transport == decode::Transport::tcp ? 1 : 0;
    const auto h = parse_rtp(p.bytes);
    if (!h || !plausible_payload_type(h->payload_type)) {
        // Not RTP: perhaps T.38's UDPTL, which only the SDP can confirm (after the run).
        if (p.transport == decode::Transport::udp) udptl(p, source, key);
        return;
    }
    std::memcpy(k + 36, &h->ssrc, 4);
    const std::uint64_t hash = key.hash();
    bool inserted = false;
    const std::size_t at = flows.find_or_insert(key, hash, options.max_streams, inserted);
    if (at == std::numeric_limits<std::size_t>::max()) {
        ++counters.streams_dropped;
        return;
    }
    ++counters.rtp_packets;
    detail::StreamEntry& e = flows.entries[at];
    if (inserted) {
        e.src = p.src;
        e.dst = p.dst;
        e.sport = p.sport;
        e.dport = p.dport;
        e.ssrc = h->ssrc;
        e.source = source;
        if (options.keep_frames) stream_frames.emplace_back();
        if (options.keep_series && stream_series.size() < options.max_series_streams)
            stream_series.emplace_back();
    }
    const std::uint64_t lost_before = e.counters.lost_in_gaps;
    e.counters.add(*h, p.bytes, p.time_ns, p.frame);
    if (at < stream_series.size())
        stream_series[at].add(p.time_ns, e.counters.lost_in_gaps - lost_before, e.counters.jitter);
    if (options.keep_frames) stream_frames[at].emplace_back(source, p.frame);
}

void MediaAnalyzer::Impl::udptl(const decode::Payload& p, std::uint32_t source,
                                detail::FlowKey key) {
    const auto h = parse_udptl(p.bytes);
    if (!h) return;
    auto it = udptl_index.find(key);
    if (it == udptl_index.end()) {
        if (udptl_flows.size() >= options.max_streams) {
            ++counters.streams_dropped;
            return;
        }
        it = udptl_index.emplace(key, udptl_flows.size()).first;
        detail::UdptlEntry e;
        e.src = p.src;
        e.dst = p.dst;
        e.sport = p.sport;
        e.dport = p.dport;
        e.source = source;
        udptl_flows.push_back(std::move(e));
    }
    ++counters.udptl_packets;
    detail::UdptlEntry& e = udptl_flows[it->second];
    e.counters.add(*h, p.time_ns, p.frame);
    if (options.keep_frames) e.frames.emplace_back(source, p.frame);
}

void MediaAnalyzer::Impl::rtcp(const decode::Payload& p, std::uint32_t source) {
    RtcpPacket r;
    if (!parse_rtcp(p.bytes, r)) return;
    ++counters.rtcp_packets;
    if (r.sender_report) {
        auto& seen = sender_reports[r.sender_ssrc];
        seen.ntp_middle[seen.next] = r.ntp_middle;
        seen.time_ns[seen.next] = p.time_ns;
        seen.next = static_cast<std::uint8_t>((seen.next + 1) % seen.ntp_middle.size());
    }
    for (std::size_t i = 0; i < r.block_count; ++i) {
        const RtcpReportBlock& b = r.blocks[i];
        auto& about = rtcp_about[b.ssrc];
        ++about.reports;
        about.fraction_lost = b.fraction_lost;
        about.cumulative_lost = b.cumulative_lost;
        about.jitter = b.jitter;
        if (b.lsr == 0) continue;
        // RFC 3550 6.4.1 seen from the wire: the report left (DLSR) after the SR it answers
        // arrived; the SR's capture time stands for the sender's clock.
        auto it = sender_reports.find(b.ssrc);
        if (it == sender_reports.end()) continue;
        for (std::size_t j = 0; j < it->second.ntp_middle.size(); ++j) {
            if (it->second.ntp_middle[j] != b.lsr || it->second.time_ns[j] == 0) continue;
            const double rtt_ms = static_cast<double>(p.time_ns - it->second.time_ns[j]) / 1e6 -
                                  static_cast<double>(b.dlsr) * 1000.0 / 65536.0;
            if (rtt_ms >= 0) {
                about.rtt_sum_ms += rtt_ms;
                ++about.rtt_count;
                if (rtt_ms > about.rtt_max_ms) about.rtt_max_ms = rtt_ms;
            }
            break;
        }
    }
    if (r.has_voip_metrics) {
        auto& about = rtcp_about[r.voip_metrics.ssrc];
        about.has_xr = true;
        about.xr = r.voip_metrics;
    }
    if (options.keep_frames) {
        detail::RtcpFrame f;
        f.source = source;
        f.frame = p.frame;
        f.ssrcs[0] = r.sender_ssrc;
        for (std::size_t i = 0; i < r.block_count && i < 2; ++i)
            f.ssrcs[i + 1] = r.blocks[i].ssrc;
        rtcp_frames.push_back(f);
    }
}

MediaAnalyzer::MediaAnalyzer(MediaOptions options) : m_impl(std::make_unique<Impl>()) {
    m_impl->options = options;
}

MediaAnalyzer::~MediaAnalyzer() = default;

decode::PayloadConsumer& MediaAnalyzer::consumer(std::uint32_t source) {
    while (m_impl->consumers.size() <= source)
        m_impl->consumers.push_back(std::make_unique<SourceConsumer>(
            *m_impl, static_cast<std::uint32_t>(m_impl->consumers.size())));
    return *m_impl->consumers[source];
}

void MediaAnalyzer::attach(analysis::AnalyzeOptions& options) {
    options.payload_consumer = [this](std::uint32_t source) { return &consumer(source); };
    auto previous = std::move(options.on_message);
    options.on_message = [this, previous](const analysis::MessageContext& m) {
        on_message(m);
        if (previous) previous(m);
    };
}

const MediaAnalyzer::Counters& MediaAnalyzer::counters() const {
    return m_impl->counters;
}

const std::vector<StreamReport>& MediaAnalyzer::streams() const {
    return m_impl->reports;
}

const std::vector<CallMedia>& MediaAnalyzer::calls() const {
    return m_impl->calls;
}

const CallMedia* MediaAnalyzer::call(std::string_view call_id) const {
    auto it = m_impl->call_media_index.find(call_id);
    return it == m_impl->call_media_index.end() ? nullptr : &m_impl->calls[it->second];
}

std::vector<const StreamReport*> MediaAnalyzer::streams_of(std::string_view call_id) const {
    std::vector<const StreamReport*> out;
    if (const CallMedia* c = call(call_id))
        for (std::size_t i : c->streams)
            out.push_back(&m_impl->reports[i]);
    return out;
}

void MediaAnalyzer::finish() {
    if (m_impl->finished) return;
    m_impl->join();
    m_impl->finished = true;
}

} // namespace sipdx::media
