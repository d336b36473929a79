// The table walk and what every layer shares; the layers themselves are in the files beside.
#include "decode/layers/decoder.h"

#include <sipdx/sip/framing.h>

#include <algorithm>

namespace sipdx::decode::layers {

// The SIP framing of datagrams, the first payload consumer: a payload that begins (after
// keep-alives) with a SIP start line is one SIP message.
class Decoder::SipFraming final : public PayloadConsumer {
public:
    explicit SipFraming(Decoder& d) : m_d(d) {}

    bool offer(const Payload& payload) override {
        const std::string_view text = payload.bytes;
        // Most datagrams on a capture are media: refused on their first byte, before the
        // framer's set-up.
        if (!text.empty() && !sip::may_begin_sip_datagram(static_cast<unsigned char>(text[0])))
            return false;
        // HEP may carry TCP messages whole: they are read as streams, so cut them here.
        const auto r = m_d.options.trim_datagrams || is_stream(payload.transport)
                           ? sip::frame_datagram(text)
                           : sip::locate_datagram(text);
        if (r.status == sip::FrameStatus::not_sip) return false;
        // The everyday datagram is one whole message: handed on as it is, without a copy.
        if (!r.junk && r.status != sip::FrameStatus::partial && r.skipped == 0 &&
            r.length == text.size()) {
            m_d.deliver(payload);
            return true;
        }
        Payload p = payload;
        if (r.junk) p.findings.set(DecodeFinding::junk_before_message);
        std::size_t length = r.length;
        if (r.status == sip::FrameStatus::partial) { // cut short: hand over what there is
            length = text.size() - std::min(r.skipped, text.size());
            p.findings.set(DecodeFinding::truncated);
        }
        p.bytes = text.substr(std::min(r.skipped, text.size()), length);
        m_d.deliver(p);
        return true;
    }

private:
    Decoder& m_d;
};

Decoder::Decoder(PipelineOptions o, Pipeline::Sink sink)
    : options(o),
      fragments({o.max_fragment_datagrams, o.max_fragment_bytes, o.fragment_timeout_ns}),
      tcp(o.max_tcp_streams), m_sink(std::move(sink)), m_sip(std::make_unique<SipFraming>(*this)) {
    m_consumers.push_back(m_sip.get());
    for (const Row& row : builtin_rows(options)) {
        switch (row.key) {
        case Key::link_type:
            if (row.id < m_table.link.size()) m_table.link[row.id] = row.layer;
            break;
        case Key::ip_protocol:
            if (row.id < m_table.ip.size()) m_table.ip[row.id] = row.layer;
            break;
        case Key::udp_port:
            m_table.udp_port.emplace_back(static_cast<std::uint16_t>(row.id), row.probe);
            break;
        case Key::udp_probe:
            m_table.udp_probe.push_back(row.probe);
            if (row.first_bytes.empty()) m_table.udp_probe_first.fill(true);
            for (const char first : row.first_bytes)
                m_table.udp_probe_first[static_cast<unsigned char>(first)] = true;
            break;
        default:
            m_table.other[static_cast<int>(row.key)].emplace_back(row.id, row.layer);
            break;
        }
    }
}

Decoder::~Decoder() = default;

void Decoder::skip(SkipReason reason, std::uint32_t detail_value) {
    auto& s = stats.skipped[static_cast<std::size_t>(reason)];
    if (s.count++ == 0) {
        s.first_frame = frame->number;
        s.first_offset = frame->file_offset;
        s.detail = detail_value;
    }
}

void Decoder::dispatch_rows(Key key, std::uint32_t id, Ctx& c, Bytes b) {
    switch (key) {
    case Key::link_type: {
        const LayerFn fn = id < m_table.link.size() ? m_table.link[id] : nullptr;
        if (fn == nullptr) return skip(SkipReason::unsupported_link_type, id);
        return fn(*this, c, b);
    }
    case Key::ip_protocol:
        return dispatch(key, id, c, b);
    default:
        for (const auto& [row_id, row_fn] : m_table.other[static_cast<int>(key)]) {
            if (row_id == id) return row_fn(*this, c, b);
        }
        ++stats.non_ip_frames; // ARP, LLDP, LLC, unknown PPP protocols...
        return;
    }
}

bool Decoder::probe_udp(Ctx& c, Bytes b) {
    for (const auto& [port, probe] : m_table.udp_port) {
        if ((c.sport == port || c.dport == port) && probe(*this, c, b)) return true;
    }
    if (!b.empty() && !m_table.udp_probe_first[b[0]]) return false;
    for (const ProbeFn probe : m_table.udp_probe) {
        if (probe(*this, c, b)) return true;
    }
    return false;
}

Payload Decoder::make_payload(const Ctx& c, Transport transport) const {
    Payload p;
    p.frame = frame->number;
    p.time_ns = frame->time_ns;
    p.file_offset = frame->file_offset;
    p.interface_id = frame->interface_id;
    p.src = c.src;
    p.dst = c.dst;
    p.sport = c.sport;
    p.dport = c.dport;
    p.transport = transport;
    p.encap = c.encap;
    p.findings = c.findings;
    p.frames = c.ip_frames;
    return p;
}

void Decoder::offer(Payload& p) {
    for (PayloadConsumer* consumer : m_consumers) {
        if (consumer->offer(p)) return;
    }
    ++stats.non_sip_payloads;
}

void Decoder::deliver(const Payload& p) {
    ++stats.sip_messages;
    ++stats.sip_by_transport[static_cast<std::size_t>(p.transport)];
    m_sink(p);
}

void offer_datagram(Decoder& d, Ctx& c, Bytes payload, Transport transport) {
    // Most datagrams on a capture are media: with the SIP framing as the only consumer, refuse
    // them on their first byte before building the payload record.
    if (!d.has_other_consumers() && !payload.empty() && !sip::may_begin_sip_datagram(payload[0])) {
        ++d.stats.non_sip_payloads;
        return;
    }
    Payload p = d.make_payload(c, transport);
    p.bytes = detail::as_text(payload);
    d.offer(p);
}

void Decoder::feed(const capture::Frame& f) {
    frame = &f;
    ++stats.frames;
    stats.bytes += f.data.size();
    const auto lt = static_cast<std::uint16_t>(f.link_type);
    // Captures rarely change link type between frames: the last one's counter first.
    if (m_last_link_index < stats.link_types.size() &&
        stats.link_types[m_last_link_index].first == lt) {
        ++stats.link_types[m_last_link_index].second;
    } else {
        auto lit = std::find_if(stats.link_types.begin(), stats.link_types.end(),
                                [lt](const auto& e) { return e.first == lt; });
        if (lit == stats.link_types.end()) lit = stats.link_types.emplace(lit, lt, 0);
        ++lit->second;
        m_last_link_index = static_cast<std::size_t>(lit - stats.link_types.begin());
    }
    if (f.time_ns - m_last_sweep_ns > 10'000'000'000 || f.time_ns < m_last_sweep_ns) {
        tcp_expire(*this, options.tcp_idle_timeout_ns);
        m_last_sweep_ns = f.time_ns;
    }
    Ctx c;
    if (f.original_length > f.data.size()) c.findings.set(DecodeFinding::truncated);
    dispatch(Key::link_type, lt, c, f.data);
    if (c.transport >= 0) ++stats.transport_frames[static_cast<std::size_t>(c.transport)];
}

void Decoder::finish() {
    tcp_finish(*this);
    sctp_partial.clear();
    fragments.clear();
}

} // namespace sipdx::decode::layers
