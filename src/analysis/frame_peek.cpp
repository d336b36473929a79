#include "analysis/detail/frame_peek.h"

namespace sipdx::analysis::detail {

namespace {
std::uint16_t be16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

std::optional<FramePeek> peek_ip(const std::uint8_t* p, std::size_t n) {
    if (n < 1) return std::nullopt;
    FramePeek out;
    std::size_t header = 0;
    const int version = p[0] >> 4;
    if (version == 4) {
        if (n < 20) return std::nullopt;
        header = static_cast<std::size_t>(p[0] & 0x0F) * 4;
        if (header < 20 || n < header) return std::nullopt;
        out.src = decode::Address::v4(p + 12);
        out.dst = decode::Address::v4(p + 16);
        out.protocol = p[9];
        const std::uint16_t flags = be16(p + 6);
        out.fragment = (flags & 0x2000) != 0 || (flags & 0x1FFF) != 0;
        if ((flags & 0x1FFF) != 0) return out; // no transport header in a later fragment
    } else if (version == 6) {
        if (n < 40) return std::nullopt;
        out.src = decode::Address::v6(p + 8);
        out.dst = decode::Address::v6(p + 24);
        std::uint8_t next = p[6];
        header = 40;
        // Walk the extension headers we may meet before TCP/UDP (bounded).
        for (int i = 0; i < 8; ++i) {
            if (next == 0 || next == 43 || next == 60) {
                if (n < header + 8) return std::nullopt;
                const std::uint8_t following = p[header];
                header += (static_cast<std::size_t>(p[header + 1]) + 1) * 8;
                next = following;
            } else if (next == 44) {
                if (n < header + 8) return std::nullopt;
                out.fragment = true;
                const bool later = (be16(p + header + 2) & 0xFFF8) != 0;
                next = p[header];
                header += 8;
                if (later) {
                    out.protocol = next;
                    return out;
                }
            } else {
                break;
            }
        }
        out.protocol = next;
    } else {
        return std::nullopt;
    }
    if ((out.protocol == 6 || out.protocol == 17 || out.protocol == 132) && n >= header + 4) {
        out.sport = be16(p + header);
        out.dport = be16(p + header + 2);
    }
    return out;
}
} // namespace

std::optional<FramePeek> peek_frame(const capture::Frame& frame) {
    const std::uint8_t* p = frame.data.data();
    std::size_t n = frame.data.size();
    std::uint16_t type = 0;
    switch (frame.link_type) {
    case capture::LinkType::ethernet: {
        if (n < 14) return std::nullopt;
        type = be16(p + 12);
        std::size_t offset = 14;
        for (int i = 0; i < 4 && (type == 0x8100 || type == 0x88A8 || type == 0x9100); ++i) {
            if (n < offset + 4) return std::nullopt;
            type = be16(p + offset + 2);
            offset += 4;
        }
        p += offset;
        n -= offset;
        break;
    }
    case capture::LinkType::linux_sll:
        if (n < 16) return std::nullopt;
        type = be16(p + 14);
        p += 16;
        n -= 16;
        break;
    case capture::LinkType::linux_sll2:
        if (n < 20) return std::nullopt;
        type = be16(p);
        p += 20;
        n -= 20;
        break;
    case capture::LinkType::null_bsd:
    case capture::LinkType::loop:
        if (n < 4) return std::nullopt;
        p += 4;
        n -= 4;
        return peek_ip(p, n);
    case capture::LinkType::raw:
    case capture::LinkType::ipv4:
    case capture::LinkType::ipv6:
        return peek_ip(p, n);
    default:
        return std::nullopt;
    }
    if (type != 0x0800 && type != 0x86DD) return std::nullopt;
    return peek_ip(p, n);
}

} // namespace sipdx::analysis::detail
