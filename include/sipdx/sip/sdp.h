// SDP session descriptions (RFC 8866; RFC 3264 offer/answer directions; RFC 3312 / RFC 4032
// precondition attributes), parsed into views of the body.
// Lifetime: every view points into the body text given to parse_sdp.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <sipdx/sip/finding.h>

namespace sipdx::sip {

enum class MediaDirection : std::uint8_t { unspecified, sendrecv, sendonly, recvonly, inactive };
std::string_view to_string(MediaDirection direction);

struct SdpConnection {
    std::string_view net_type;  // "IN"
    std::string_view addr_type; // "IP4" / "IP6"
    std::string_view address;   // may carry "/ttl"
};

struct SdpOrigin {
    std::string_view username;
    std::string_view session_id;
    std::string_view session_version;
    SdpConnection address;
};

struct SdpAttribute {
    std::string_view name;
    std::string_view value; // empty for property attributes ("a=sendrecv")
};

struct RtpMap {
    int payload_type = -1;
    std::string_view encoding; // "AMR-WB", "PCMU", "telephone-event"
    std::uint32_t clock_rate = 0;
    std::string_view channels; // empty when absent
};

// a=curr / a=des / a=conf (RFC 3312 section 5).
struct Precondition {
    std::string_view kind;        // "curr", "des", "conf"
    std::string_view type;        // "qos"
    std::string_view strength;    // des/conf: "mandatory", "optional", "none", "failure", "unknown"
    std::string_view status_type; // "e2e", "local", "remote"
    std::string_view direction;   // "none", "send", "recv", "sendrecv"
};

struct SdpMedia {
    std::string_view media; // "audio", "video", "application", ...
    std::uint32_t port = 0;
    std::uint32_t port_count = 1;
    std::string_view protocol; // "RTP/AVP", "RTP/AVPF", "RTP/SAVP", "udp", ...
    std::vector<std::string_view> formats;
    std::optional<SdpConnection> connection;
    MediaDirection direction = MediaDirection::unspecified; // as written in this section
    std::vector<RtpMap> rtpmaps;
    std::vector<Precondition> preconditions;
    std::vector<SdpAttribute> attributes; // every a= line of the section, in order
    // The direction in force (media level, else session level, else sendrecv).
    MediaDirection effective_direction(MediaDirection session_direction) const;
};

struct Sdp {
    std::string_view version;
    std::optional<SdpOrigin> origin;
    std::string_view session_name;
    std::optional<SdpConnection> connection;
    std::string_view timing; // "t=" value
    MediaDirection direction = MediaDirection::unspecified;
    std::vector<SdpAttribute> attributes; // session-level a= lines
    std::vector<SdpMedia> media;
    std::vector<Finding> findings; // offsets are relative to the body's first byte
};

// Tolerant: lines may end in CRLF or LF; unknown lines are kept as they are not needed.
Sdp parse_sdp(std::string_view body);

} // namespace sipdx::sip
