// Every built-in layer analyzer, one per file in this folder; table.cpp names them in rows.
#pragma once

#include "decode/layers/decoder.h"

#include <cstring>

namespace sipdx::decode::layers {

// Link layers.
void ethernet(Decoder& d, Ctx& c, Bytes b); // ethernet.cpp
void vlan(Decoder& d, Ctx& c, Bytes b);     // ethernet.cpp
void sll(Decoder& d, Ctx& c, Bytes b);      // sll.cpp
void sll2(Decoder& d, Ctx& c, Bytes b);     // sll.cpp
void null_bsd(Decoder& d, Ctx& c, Bytes b); // null.cpp
void null_loop(Decoder& d, Ctx& c, Bytes b);
void ppp(Decoder& d, Ctx& c, Bytes b);           // ppp.cpp
void pppoe_session(Decoder& d, Ctx& c, Bytes b); // ppp.cpp
void mpls(Decoder& d, Ctx& c, Bytes b);          // mpls.cpp
void sip_text(Decoder& d, Ctx& c, Bytes b);      // sip_text.cpp
// Network.
void ipv4(Decoder& d, Ctx& c, Bytes b); // ipv4.cpp
void ipv6(Decoder& d, Ctx& c, Bytes b); // ipv6.cpp
// Shared by IPv4 and IPv6 (ipv4.cpp): a new IP header's addresses (`size` bytes each, 4 or
// 16), and fragment reassembly (true with the whole payload in `out` when the datagram
// completed). enter_ip is inline: every frame enters at least one IP header.
void nest_path(Ctx& c); // folds the outer header's addresses into c.path
inline void enter_ip(Ctx& c, const std::uint8_t* src, const std::uint8_t* dst, std::size_t size) {
    if (c.src.family) nest_path(c);
    c.src.bytes = {};
    c.dst.bytes = {};
    std::memcpy(c.src.bytes.data(), src, size);
    std::memcpy(c.dst.bytes.data(), dst, size);
    c.src.family = c.dst.family = size == 4 ? 4 : 6;
    c.ip_frames = {};
    ++c.ip_depth;
}
bool reassemble(Decoder& d, Ctx& c, const detail::FragmentKey& key, std::uint32_t offset,
                Bytes payload, bool more, std::uint8_t next_header, Bytes& out,
                std::uint8_t& out_next);
// Tunnels.
void gre(Decoder& d, Ctx& c, Bytes b);     // gre.cpp
void erspan2(Decoder& d, Ctx& c, Bytes b); // gre.cpp
void erspan3(Decoder& d, Ctx& c, Bytes b); // gre.cpp
void esp(Decoder& d, Ctx& c, Bytes b);     // esp.cpp
bool gtpu(Decoder& d, Ctx& c, Bytes b);    // gtpu.cpp (UDP payload analyzer)
bool hep(Decoder& d, Ctx& c, Bytes b);     // hep_layer.cpp (UDP payload analyzer)
// Transports.
void udp(Decoder& d, Ctx& c, Bytes b);  // udp.cpp
void tcp(Decoder& d, Ctx& c, Bytes b);  // tcp.cpp
void sctp(Decoder& d, Ctx& c, Bytes b); // sctp.cpp

// TCP stream modes (websocket.cpp): the HTTP upgrade and WebSocket frames of one direction.
bool http_upgrade(Decoder& d, Flow& flow, std::size_t dir);
void ws_frames(Decoder& d, Ctx& c, Flow& flow, std::size_t dir);
void count_ws(Decoder& d, Flow& flow);

} // namespace sipdx::decode::layers
