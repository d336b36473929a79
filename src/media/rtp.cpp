#include <sipdx/media/rtp.h>

namespace sipdx::media {

namespace {

std::uint8_t u8(std::string_view b, std::size_t i) {
    return static_cast<std::uint8_t>(b[i]);
}
std::uint16_t be16(std::string_view b, std::size_t i) {
    return static_cast<std::uint16_t>((u8(b, i) << 8) | u8(b, i + 1));
}
std::uint32_t be32(std::string_view b, std::size_t i) {
    return (static_cast<std::uint32_t>(be16(b, i)) << 16) | be16(b, i + 2);
}

void read_report_blocks(std::string_view b, std::size_t at, std::size_t count, std::size_t end,
                        RtcpPacket& out) {
    for (std::size_t i = 0; i < count && at + 24 <= end; ++i, at += 24) {
        if (out.block_count >= out.blocks.size()) return;
        RtcpReportBlock& r = out.blocks[out.block_count++];
        r.ssrc = be32(b, at);
        r.fraction_lost = u8(b, at + 4);
        // 24-bit signed cumulative count.
        std::uint32_t lost = (static_cast<std::uint32_t>(u8(b, at + 5)) << 16) | be16(b, at + 6);
        if (lost & 0x800000u) lost |= 0xFF000000u;
        r.cumulative_lost = static_cast<std::int32_t>(lost);
        r.highest_sequence = be32(b, at + 8);
        r.jitter = be32(b, at + 12);
        r.lsr = be32(b, at + 16);
        r.dlsr = be32(b, at + 20);
    }
}

void read_xr(std::string_view b, std::size_t at, std::size_t end, RtcpPacket& out) {
    // Report blocks: BT (1), type-specific (1), length in 32-bit words (2), then the contents.
    while (at + 4 <= end) {
        const std::uint8_t type = u8(b, at);
        const std::size_t length = (static_cast<std::size_t>(be16(b, at + 2)) + 1) * 4;
        if (at + length > end) return;
        if (type == 7 && length >= 36) {
            XrVoipMetrics& m = out.voip_metrics;
            m.ssrc = be32(b, at + 4);
            m.loss_rate = u8(b, at + 8);
            m.discard_rate = u8(b, at + 9);
            m.round_trip_delay_ms = be16(b, at + 16);
            m.end_system_delay_ms = be16(b, at + 18);
            m.r_factor = u8(b, at + 24);
            m.mos_lq = u8(b, at + 26);
            m.mos_cq = u8(b, at + 27);
            out.has_voip_metrics = true;
        }
        at += length;
    }
}

} // namespace

std::optional<RtpHeader> parse_rtp(std::string_view b) {
    if (b.size() < 12) return std::nullopt;
    const std::uint8_t first = u8(b, 0);
    if ((first >> 6) != 2) return std::nullopt;
    RtpHeader h;
    h.marker = (u8(b, 1) & 0x80) != 0;
    h.payload_type = u8(b, 1) & 0x7F;
    if (h.payload_type >= 72 && h.payload_type <= 79) return std::nullopt; // RTCP's types
    h.sequence = be16(b, 2);
    h.timestamp = be32(b, 4);
    h.ssrc = be32(b, 8);
    std::size_t at = 12 + 4 * static_cast<std::size_t>(first & 0x0F);
    if (at > b.size()) return std::nullopt;
    if (first & 0x10) { // header extension: profile (2), length in words (2), words
        if (at + 4 > b.size()) return std::nullopt;
        at += 4 + 4 * static_cast<std::size_t>(be16(b, at + 2));
        if (at > b.size()) return std::nullopt;
    }
    std::size_t end = b.size();
    if (first & 0x20) { // padding: the last byte counts it, itself included
        const std::size_t pad = u8(b, b.size() - 1);
        if (pad == 0 || at + pad > end) return std::nullopt;
        end -= pad;
    }
    h.header_length = at;
    h.payload_length = end - at;
    return h;
}

bool looks_like_rtcp(std::string_view b) {
    if (b.size() < 8 || (u8(b, 0) >> 6) != 2) return false;
    const std::uint8_t type = u8(b, 1);
    return type >= 192 && type <= 223;
}

bool parse_rtcp(std::string_view b, RtcpPacket& out) {
    if (!looks_like_rtcp(b)) return false;
    std::size_t at = 0;
    bool first = true;
    for (int guard = 0; at + 4 <= b.size() && guard < 64; ++guard) {
        if ((u8(b, at) >> 6) != 2) return false;
        const std::size_t count = u8(b, at) & 0x1F;
        const std::uint8_t type = u8(b, at + 1);
        const std::size_t length = (static_cast<std::size_t>(be16(b, at + 2)) + 1) * 4;
        const std::size_t end = at + length;
        if (end > b.size()) return false;
        if (type == 200 && length >= 28) { // SR: SSRC, NTP (8), RTP ts, packets, octets
            if (first) out.sender_ssrc = be32(b, at + 4);
            out.sender_report = true;
            out.ntp_middle = be32(b, at + 10);
            read_report_blocks(b, at + 28, count, end, out);
        } else if (type == 201 && length >= 8) { // RR: SSRC, blocks
            if (first) out.sender_ssrc = be32(b, at + 4);
            read_report_blocks(b, at + 8, count, end, out);
        } else if (type == 207 && length >= 8) { // XR: SSRC, report blocks
            if (first) out.sender_ssrc = be32(b, at + 4);
            read_xr(b, at + 8, end, out);
        } else if (type == 203) {
            out.bye = true;
        }
        first = false;
        at = end;
    }
    return true;
}

std::optional<TelephoneEvent> parse_telephone_event(std::string_view p) {
    if (p.size() < 4) return std::nullopt;
    TelephoneEvent e;
    e.event = u8(p, 0);
    e.end = (u8(p, 1) & 0x80) != 0;
    e.duration = be16(p, 2);
    return e;
}

char dtmf_symbol(std::uint8_t event) {
    if (event <= 9) return static_cast<char>('0' + event);
    if (event == 10) return '*';
    if (event == 11) return '#';
    if (event >= 12 && event <= 15) return static_cast<char>('A' + event - 12);
    return '?';
}

} // namespace sipdx::media
