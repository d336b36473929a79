// A minimal look at a frame's IP and transport headers, for `sipdx filter` to find the TCP
// segments and IP fragments that carried a selected message (the decoder reports only the
// frame that completed it). Plain link layers only (Ethernet with VLANs, SLL, SLL2, null,
// raw IP); tunnelled traffic is not followed here.
#pragma once

#include <sipdx/capture/frame.h>
#include <sipdx/decode/packet.h>

#include <cstdint>
#include <optional>

namespace sipdx::analysis::detail {

struct FramePeek {
    decode::Address src;
    decode::Address dst;
    std::uint8_t protocol = 0; // 6 TCP, 17 UDP, 132 SCTP
    std::uint16_t sport = 0;   // 0 for a non-first fragment
    std::uint16_t dport = 0;
    bool fragment = false; // an IPv4/IPv6 fragment
};

std::optional<FramePeek> peek_frame(const capture::Frame& frame);

} // namespace sipdx::analysis::detail
