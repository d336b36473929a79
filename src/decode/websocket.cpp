#include "decode/detail/websocket.h"

#include <sipdx/sip/framing.h>

#include <algorithm>

namespace sipdx::decode::detail {

WsStatus parse_ws_frame(Bytes b, WsFrame& out) {
    if (b.size() < 2) return WsStatus::partial;
    out.fin = (b[0] & 0x80) != 0;
    out.opcode = b[0] & 0x0F;
    if ((b[0] & 0x70) != 0) return WsStatus::invalid; // no extension negotiated for SIP
    if (out.opcode > 2 && out.opcode < 8) return WsStatus::invalid;
    if (out.opcode > 10) return WsStatus::invalid;
    out.masked = (b[1] & 0x80) != 0;
    std::uint64_t length = b[1] & 0x7F;
    std::size_t off = 2;
    if (length == 126) {
        if (b.size() < 4) return WsStatus::partial;
        length = be16(b, 2);
        off = 4;
    } else if (length == 127) {
        if (b.size() < 10) return WsStatus::partial;
        length = be64(b, 2);
        off = 10;
        if (length >> 63) return WsStatus::invalid;
    }
    if (out.opcode >= 8 && (length > 125 || !out.fin)) return WsStatus::invalid;
    if (out.masked) {
        if (b.size() < off + 4) return WsStatus::partial;
        std::copy_n(b.data() + off, 4, out.mask.begin());
        off += 4;
    }
    out.header_length = off;
    out.payload_length = length;
    if (b.size() - off < length) return WsStatus::partial;
    return WsStatus::complete;
}

void append_unmasked(Bytes b, const WsFrame& frame, std::string& message) {
    const auto* p = b.data() + frame.header_length;
    const auto n = static_cast<std::size_t>(frame.payload_length);
    const std::size_t base = message.size();
    message.append(reinterpret_cast<const char*>(p), n);
    if (frame.masked) {
        for (std::size_t i = 0; i < n; ++i) {
            message[base + i] = static_cast<char>(message[base + i] ^ frame.mask[i & 3]);
        }
    }
}

bool looks_like_ws_sip(Bytes b) {
    WsFrame f;
    if (parse_ws_frame(b, f) == WsStatus::invalid || f.header_length == 0) return false;
    if (f.opcode != 1 && f.opcode != 2) return false;
    // Unmask the first line's worth of payload, whatever has arrived of it.
    std::array<char, 256> head{};
    const std::size_t avail = b.size() - f.header_length;
    const std::size_t n = std::min<std::size_t>({head.size(), avail, f.payload_length});
    for (std::size_t i = 0; i < n; ++i) {
        auto c = b[f.header_length + i];
        if (f.masked) c = static_cast<std::uint8_t>(c ^ f.mask[i & 3]);
        head[i] = static_cast<char>(c);
    }
    return sip::looks_like_sip(std::string_view(head.data(), n));
}

} // namespace sipdx::decode::detail
