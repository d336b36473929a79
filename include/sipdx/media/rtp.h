// RTP and RTCP headers (RFC 3550 sections 5 and 6; RTCP XR VoIP metrics, RFC 3611 section 4.7;
// RFC 4733 telephone events), read without allocating. Every function reads only inside the
// bytes it is given, whatever they hold.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sipdx::media {

struct RtpHeader {
    std::uint8_t payload_type = 0;
    bool marker = false;
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
    std::uint32_t ssrc = 0;
    std::size_t header_length = 12; // fixed header, CSRCs and the extension
    std::size_t payload_length = 0; // without padding
};

// An RTP packet: version 2, room for its CSRCs, extension and padding, and a payload type that
// is not one RTCP claims (72-79 with the marker bit, RFC 5761 section 4). Nothing otherwise.
std::optional<RtpHeader> parse_rtp(std::string_view bytes);

// True when the first packet of `bytes` is RTCP: version 2, packet type 192-223 (RFC 5761).
bool looks_like_rtcp(std::string_view bytes);

struct RtcpReportBlock {
    std::uint32_t ssrc = 0;         // the source this block reports on
    std::uint8_t fraction_lost = 0; // of 256, since the previous report
    std::int32_t cumulative_lost = 0;
    std::uint32_t highest_sequence = 0; // extended
    std::uint32_t jitter = 0;           // in timestamp units
    std::uint32_t lsr = 0;              // middle 32 bits of the last SR's NTP time
    std::uint32_t dlsr = 0;             // 1/65536 s since that SR
};

// RFC 3611 section 4.7, the VoIP metrics report block (BT=7). Values as sent; 127 (R, MOS)
// means unavailable.
struct XrVoipMetrics {
    std::uint32_t ssrc = 0;
    std::uint8_t loss_rate = 0;    // of 256
    std::uint8_t discard_rate = 0; // of 256
    std::uint16_t round_trip_delay_ms = 0;
    std::uint16_t end_system_delay_ms = 0;
    std::uint8_t r_factor = 127;
    std::uint8_t mos_lq = 127; // MOS x 10
    std::uint8_t mos_cq = 127;
};

// What one compound RTCP packet says.
struct RtcpPacket {
    std::uint32_t sender_ssrc = 0; // of the first SR/RR (or XR)
    bool sender_report = false;
    std::uint32_t ntp_middle = 0; // SR: middle 32 bits of its NTP timestamp
    std::array<RtcpReportBlock, 8> blocks{};
    std::size_t block_count = 0; // kept: at most blocks.size()
    bool has_voip_metrics = false;
    XrVoipMetrics voip_metrics;
    bool bye = false;
};

// Walks the compound packet; false when the first packet is not RTCP or a length runs past
// the bytes (what was read before that stays in `out`).
bool parse_rtcp(std::string_view bytes, RtcpPacket& out);

// RFC 4733 section 2.3: event code (0-9 digits, 10 '*', 11 '#', 12-15 A-D), end bit, duration.
struct TelephoneEvent {
    std::uint8_t event = 0;
    bool end = false;
    std::uint16_t duration = 0;
};
std::optional<TelephoneEvent> parse_telephone_event(std::string_view payload);
// '0'-'9', '*', '#', 'A'-'D'; '?' for other events (flash, tones).
char dtmf_symbol(std::uint8_t event);

} // namespace sipdx::media
