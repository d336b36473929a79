// WebSocket framing (RFC 6455 section 5.2) as SIP uses it (RFC 7118): one SIP message per
// WebSocket message, text or binary, possibly fragmented, client frames masked.
#pragma once

#include "decode/detail/bytes.h"

#include <cstdint>
#include <string>

namespace sipdx::decode::detail {

enum class WsStatus : std::uint8_t { complete, partial, invalid };

struct WsFrame {
    bool fin = false;
    std::uint8_t opcode = 0;
    bool masked = false;
    std::array<std::uint8_t, 4> mask{};
    std::size_t header_length = 0;
    std::uint64_t payload_length = 0;
};

// Parses the frame at the start of `b`. `partial` also fills payload_length when the header is
// complete, so the caller can refuse oversized frames before buffering them.
WsStatus parse_ws_frame(Bytes b, WsFrame& out);
// Appends the frame's payload (unmasked) to `message`. Requires parse_ws_frame == complete.
void append_unmasked(Bytes b, const WsFrame& frame, std::string& message);
// True when `b` starts with a data frame whose (unmasked) payload begins a SIP message.
bool looks_like_ws_sip(Bytes b);

} // namespace sipdx::decode::detail
