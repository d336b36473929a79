// HEP (Homer Encapsulation Protocol) v1/v2 and v3: a capture agent's copy of a SIP message with
// the original addresses, ports and timestamp. v3 is a list of typed chunks (HEP3 draft,
// sipcapture.org); chunk 15 holds the payload, chunk 16 a zlib-compressed payload.
#pragma once

#include <sipdx/decode/packet.h>

#include "decode/detail/bytes.h"

#include <cstdint>
#include <cstring>
#include <vector>

namespace sipdx::decode::detail {

struct HepPacket {
    int version = 0;
    Address src;
    Address dst;
    std::uint16_t sport = 0;
    std::uint16_t dport = 0;
    std::uint8_t ip_protocol = 17;
    std::int64_t time_ns = 0; // 0 when the packet carries no timestamp
    bool is_sip = true;       // v3 protocol-type chunk says SIP (1), or absent
    bool compressed = false;
    Bytes payload;
};

// parse_hep's first test, cheap enough for every UDP payload: the "HEP3" magic, or a v1/v2
// version byte with room for its header.
inline bool may_be_hep(Bytes b) {
    return (b.size() >= 6 && std::memcmp(b.data(), "HEP3", 4) == 0) ||
           (b.size() >= 16 && (b[0] == 1 || b[0] == 2));
}

// Recognises and parses a HEP packet (strict: every length must agree with `b`). Views into `b`.
bool parse_hep(Bytes b, HepPacket& out);

// zlib or gzip inflate of `in` into `out`, at most `limit` bytes. False on corrupt data or
// when the output would exceed the limit.
bool inflate_payload(Bytes in, std::vector<std::uint8_t>& out, std::size_t limit);

} // namespace sipdx::decode::detail
