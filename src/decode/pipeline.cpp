// The decode pipeline: link layer -> network (+ fragments) -> tunnels -> transport -> SIP
// framing. Each decoder takes the bytes of its layer, checks every length against what was
// captured, and calls the next one; nothing allocates per packet except reassembly, which
// copies by necessity (see docs/decode.md).
#include <sipdx/decode/pipeline.h>
#include <sipdx/sip/framing.h>

#include "decode/detail/bytes.h"
#include "decode/detail/hep.h"
#include "decode/detail/ip_reassembly.h"
#include "decode/detail/tcp_reassembly.h"
#include "decode/detail/websocket.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <unordered_map>

namespace sipdx::decode {

using detail::be16;
using detail::be32;
using detail::Bytes;

namespace {

constexpr std::size_t max_link_type = 512;
constexpr int max_ip_nesting = 6;

enum class StreamMode : std::uint8_t { unknown, sip, tls, http, ws, other };

struct FlowKey {
    Address a;
    Address b;
    std::uint16_t a_port = 0;
    std::uint16_t b_port = 0;
    std::uint64_t path = 0;
    friend bool operator==(const FlowKey&, const FlowKey&) = default;
};

struct FlowKeyHash {
    std::size_t operator()(const FlowKey& k) const noexcept {
        detail::FragmentKey f{k.a, k.b, (static_cast<std::uint32_t>(k.a_port) << 16) | k.b_port, 0,
                              k.path};
        return detail::FragmentKeyHash{}(f);
    }
};

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != prefix[i]) return false;
    }
    return true;
}

bool contains_ci(std::string_view s, std::string_view needle) {
    for (std::size_t i = 0; i + needle.size() <= s.size(); ++i) {
        if (starts_with_ci(s.substr(i), needle)) return true;
    }
    return false;
}

struct Direction {
    explicit Direction(detail::TcpLimits limits) : stream(limits) {}
    detail::TcpDirection stream;
    StreamMode mode = StreamMode::unknown;
    bool fin = false;
    bool gap = false; // sticky until the next message: bytes were lost before it
    bool overlap = false;
    std::string ws_message; // WebSocket message being assembled from fragments
    std::uint32_t ws_frames = 0;
    // What the last `partial` framing result allows us to skip, so a message arriving in many
    // small segments is not re-scanned from its start on every segment (quadratic otherwise).
    // Valid only while the pending buffer still starts at stream offset `at`.
    struct {
        std::uint64_t at = UINT64_MAX;
        std::size_t head_scanned = 0; // head incomplete: bytes already searched for its end
        std::size_t need = 0;         // head complete: framing cannot succeed below this size
    } hint;
};

// The end of the header block (after the empty line), or 0 when it is not in `s`.
std::size_t head_end(std::string_view s, std::size_t from) {
    for (std::size_t i = s.find('\n', from); i != std::string_view::npos; i = s.find('\n', i + 1)) {
        if (i + 1 < s.size() && s[i + 1] == '\n') return i + 2;
        if (i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') return i + 3;
    }
    return 0;
}

struct Flow {
    explicit Flow(detail::TcpLimits limits) : dir{Direction(limits), Direction(limits)} {}
    std::array<Direction, 2> dir;
    std::int64_t last_ns = 0;
    bool tls_counted = false;
    bool ws_requested = false;
    bool ws_counted = false;
};

struct Ctx {
    Encap encap;
    Address src;
    Address dst;
    std::uint64_t path = 0; // hash of the outer layers' addresses: separates capture points
    DecodeFindings findings;
    int ip_depth = 0;
    int transport = -1; // index into Stats::transport_frames of the innermost transport seen
};

std::uint64_t mix_path(std::uint64_t h, const Address& a) {
    std::uint64_t lo = 0;
    std::uint64_t hi = 0;
    std::memcpy(&lo, a.bytes.data(), 8);
    std::memcpy(&hi, a.bytes.data() + 8, 8);
    h ^= lo + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h ^= hi + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
}

bool looks_like_tls_record(std::string_view b) {
    if (b.size() < 5) return false;
    const auto type = static_cast<std::uint8_t>(b[0]);
    const auto major = static_cast<std::uint8_t>(b[1]);
    const auto minor = static_cast<std::uint8_t>(b[2]);
    const auto length = (static_cast<std::uint8_t>(b[3]) << 8) | static_cast<std::uint8_t>(b[4]);
    return type >= 20 && type <= 24 && major == 3 && minor <= 4 && length <= (1 << 14) + 2048;
}

} // namespace

struct Pipeline::Impl {
    using LinkFn = void (Impl::*)(Ctx&, Bytes);

    Impl(Sink s, PipelineOptions o)
        : sink(std::move(s)), options(o),
          fragments({o.max_fragment_datagrams, o.max_fragment_bytes, o.fragment_timeout_ns}),
          tcp_limits{o.max_stream_buffer, 2'000'000'000} {
        link_table.fill(nullptr);
        link_table[0] = &Impl::link_null;
        link_table[1] = &Impl::link_ethernet;
        link_table[9] = &Impl::link_ppp;
        link_table[12] = &Impl::link_raw; // DLT_RAW as some BSDs number it
        link_table[14] = &Impl::link_raw;
        link_table[50] = &Impl::link_ppp; // PPP in HDLC-like framing
        link_table[51] = &Impl::link_pppoe;
        link_table[101] = &Impl::link_raw;
        link_table[108] = &Impl::link_loop;
        link_table[113] = &Impl::link_sll;
        link_table[228] = &Impl::link_ipv4;
        link_table[229] = &Impl::link_ipv6;
        link_table[276] = &Impl::link_sll2;
        link_table[static_cast<std::size_t>(capture::LinkType::sip_text)] = &Impl::link_sip_text;
    }

    Sink sink;
    PipelineOptions options;
    Stats stats;
    detail::IpReassembler fragments;
    detail::TcpLimits tcp_limits;
    std::array<LinkFn, max_link_type> link_table{};
    std::array<std::vector<std::uint8_t>, max_ip_nesting + 1> reassembled;
    std::unordered_map<FlowKey, Flow, FlowKeyHash> flows;
    std::unordered_map<std::uint64_t, std::string> sctp_partial;
    std::vector<std::uint8_t> inflated;
    const capture::Frame* frame = nullptr;
    std::int64_t last_sweep_ns = 0;

    void skip(SkipReason reason, std::uint32_t detail_value = 0) {
        auto& s = stats.skipped[static_cast<std::size_t>(reason)];
        if (s.count++ == 0) {
            s.first_frame = frame->number;
            s.first_offset = frame->file_offset;
            s.detail = detail_value;
        }
    }

    bool push(Ctx& c, Layer layer) {
        if (c.encap.push(layer)) return true;
        skip(SkipReason::too_deep);
        return false;
    }

    // ---- link layers -------------------------------------------------------------------

    void link_ethernet(Ctx& c, Bytes b) {
        if (!push(c, Layer::eth)) return;
        if (b.size() < 14) return skip(SkipReason::truncated);
        const std::uint16_t type = be16(b, 12);
        if (type < 0x0600) { // 802.3 length: LLC/SNAP, STP... never SIP
            ++stats.non_ip_frames;
            return;
        }
        ethertype(c, type, b.subspan(14));
    }

    void ethertype(Ctx& c, std::uint16_t type, Bytes b) {
        switch (type) {
        case 0x0800:
            return ipv4(c, b);
        case 0x86DD:
            return ipv6(c, b);
        case 0x8100:
        case 0x88A8:
        case 0x9100:
        case 0x9200:
            if (!push(c, Layer::vlan)) return;
            if (b.size() < 4) return skip(SkipReason::truncated);
            return ethertype(c, be16(b, 2), b.subspan(4));
        case 0x8864:
            return pppoe_session(c, b);
        case 0x8847:
        case 0x8848:
            return mpls(c, b);
        case 0x6558:
            return link_ethernet(c, b);
        default:
            ++stats.non_ip_frames;
            return;
        }
    }

    void mpls(Ctx& c, Bytes b) {
        if (!push(c, Layer::mpls)) return;
        std::size_t off = 0;
        for (int labels = 0;; ++labels) {
            if (off + 4 > b.size() || labels > 16) return skip(SkipReason::truncated);
            const bool bottom = (b[off + 2] & 1) != 0;
            off += 4;
            if (bottom) break;
        }
        ip_by_version(c, b.subspan(off));
    }

    void ip_by_version(Ctx& c, Bytes b) {
        if (b.empty()) return skip(SkipReason::truncated);
        switch (b[0] >> 4) {
        case 4:
            return ipv4(c, b);
        case 6:
            return ipv6(c, b);
        default:
            ++stats.non_ip_frames;
            return;
        }
    }

    void link_raw(Ctx& c, Bytes b) { ip_by_version(c, b); }
    void link_ipv4(Ctx& c, Bytes b) { ipv4(c, b); }
    void link_ipv6(Ctx& c, Bytes b) { ipv6(c, b); }

    void null_family(Ctx& c, std::uint32_t family, Bytes b) {
        switch (family) {
        case 2:
            return ipv4(c, b);
        case 10: // Linux
        case 24: // NetBSD, OpenBSD
        case 28: // FreeBSD
        case 30: // macOS
            return ipv6(c, b);
        default:
            ++stats.non_ip_frames;
            return;
        }
    }

    void link_null(Ctx& c, Bytes b) {
        if (!push(c, Layer::null)) return;
        if (b.size() < 4) return skip(SkipReason::truncated);
        // Host byte order of the capturing machine: whichever reading is small is right.
        std::uint32_t family = detail::le32(b, 0);
        if (family > 0xFFFF) family = be32(b, 0);
        null_family(c, family, b.subspan(4));
    }

    void link_loop(Ctx& c, Bytes b) {
        if (!push(c, Layer::null)) return;
        if (b.size() < 4) return skip(SkipReason::truncated);
        null_family(c, be32(b, 0), b.subspan(4));
    }

    void link_sll(Ctx& c, Bytes b) {
        if (!push(c, Layer::sll)) return;
        if (b.size() < 16) return skip(SkipReason::truncated);
        sll_protocol(c, be16(b, 2), be16(b, 14), b.subspan(16));
    }

    void link_sll2(Ctx& c, Bytes b) {
        if (!push(c, Layer::sll2)) return;
        if (b.size() < 20) return skip(SkipReason::truncated);
        sll_protocol(c, be16(b, 8), be16(b, 0), b.subspan(20));
    }

    void sll_protocol(Ctx& c, std::uint16_t arphrd, std::uint16_t protocol, Bytes b) {
        if (arphrd == 824) { // netlink
            ++stats.non_ip_frames;
            return;
        }
        if (arphrd == 778) return gre_protocol(c, protocol, b); // ARPHRD_IPGRE
        ethertype(c, protocol, b);
    }

    void link_ppp(Ctx& c, Bytes b) { ppp(c, b); }

    // A message from a SIP text log: what the log line said stands in for the headers.
    void link_sip_text(Ctx& c, Bytes b) {
        if (!push(c, Layer::text)) return;
        const auto& env = frame->text;
        c.src = parse_address(env.src);
        c.dst = parse_address(env.dst);
        Transport t = Transport::udp;
        switch (env.transport) {
        case capture::TextTransport::tcp:
            t = Transport::tcp;
            break;
        case capture::TextTransport::tls:
            t = Transport::tls;
            break;
        case capture::TextTransport::sctp:
            t = Transport::sctp;
            break;
        case capture::TextTransport::ws:
        case capture::TextTransport::wss:
            t = Transport::ws;
            break;
        default:
            break;
        }
        datagram(c, b, t, env.sport, env.dport, c.src, c.dst, frame->time_ns);
    }

    static Address parse_address(std::string_view text) {
        Address a;
        char buf[64] = {};
        if (text.empty() || text.size() >= sizeof buf) return a;
        std::memcpy(buf, text.data(), text.size());
        if (inet_pton(AF_INET, buf, a.bytes.data()) == 1) {
            a.family = 4;
        } else if (inet_pton(AF_INET6, buf, a.bytes.data()) == 1) {
            a.family = 6;
        }
        return a;
    }

    void ppp(Ctx& c, Bytes b) {
        if (!push(c, Layer::ppp)) return;
        std::size_t off = 0;
        if (b.size() >= 2 && b[0] == 0xFF && b[1] == 0x03) off = 2; // address + control
        if (off >= b.size()) return skip(SkipReason::truncated);
        std::uint16_t protocol = 0;
        if (b[off] & 1) { // protocol field compression (RFC 1661 section 6.5)
            protocol = b[off];
            off += 1;
        } else {
            if (off + 2 > b.size()) return skip(SkipReason::truncated);
            protocol = be16(b, off);
            off += 2;
        }
        ppp_protocol(c, protocol, b.subspan(off));
    }

    void ppp_protocol(Ctx& c, std::uint16_t protocol, Bytes b) {
        switch (protocol) {
        case 0x0021:
            return ipv4(c, b);
        case 0x0057:
            return ipv6(c, b);
        default:
            ++stats.non_ip_frames;
            return;
        }
    }

    void link_pppoe(Ctx& c, Bytes b) { pppoe_session(c, b); }

    void pppoe_session(Ctx& c, Bytes b) {
        if (!push(c, Layer::pppoe)) return;
        if (b.size() < 8) return skip(SkipReason::truncated);
        if (b[0] != 0x11 || b[1] != 0x00) { // version/type 1/1, code 0 = session data
            ++stats.non_ip_frames;
            return;
        }
        const std::size_t length = be16(b, 4); // includes the 2-byte PPP protocol
        Bytes payload = b.subspan(6, std::min<std::size_t>(length, b.size() - 6));
        if (!push(c, Layer::ppp)) return;
        if (payload.size() < 2) return skip(SkipReason::truncated);
        ppp_protocol(c, be16(payload, 0), payload.subspan(2));
    }

    // ---- network -----------------------------------------------------------------------

    void ipv4(Ctx& c, Bytes b) {
        if (!push(c, Layer::ipv4)) return;
        if (c.ip_depth >= max_ip_nesting) return skip(SkipReason::too_deep);
        if (b.size() < 20) return skip(SkipReason::truncated);
        const std::size_t ihl = (b[0] & 0x0F) * 4u;
        if ((b[0] >> 4) != 4 || ihl < 20) return skip(SkipReason::malformed);
        if (b.size() < ihl) return skip(SkipReason::truncated);
        std::size_t total = be16(b, 2);
        if (total == 0) total = b.size(); // segmentation offload: length left to the NIC
        if (total < ihl) return skip(SkipReason::malformed);
        if (total > b.size()) {
            c.findings.set(DecodeFinding::truncated);
            total = b.size();
        }
        if (c.src.family) c.path = mix_path(mix_path(c.path, c.src), c.dst);
        c.src = Address::v4(b.data() + 12);
        c.dst = Address::v4(b.data() + 16);
        ++c.ip_depth;
        const std::uint8_t protocol = b[9];
        Bytes payload = b.subspan(ihl, total - ihl);
        const std::uint16_t frag = be16(b, 6);
        const bool more = (frag & 0x2000) != 0;
        const std::uint32_t offset = (frag & 0x1FFFu) * 8u;
        if (more || offset != 0) {
            if (c.findings.has(DecodeFinding::truncated)) return skip(SkipReason::truncated);
            ++stats.ip_fragments;
            detail::FragmentKey key{c.src, c.dst, be16(b, 4), protocol, c.path};
            auto& out = reassembled[static_cast<std::size_t>(c.ip_depth)];
            const auto r = fragments.add(key, offset, payload, more, frame->time_ns, out);
            note_expired();
            if (r.status == detail::FragmentStatus::dropped)
                return skip(SkipReason::fragment_limit);
            if (r.status != detail::FragmentStatus::complete) return;
            ++stats.ip_reassembled;
            c.findings.set(DecodeFinding::ip_reassembled);
            if (r.overlap_mismatch) {
                ++stats.ip_fragment_overlaps;
                c.findings.set(DecodeFinding::ip_fragment_overlap);
            }
            return ip_payload(c, protocol, out);
        }
        ip_payload(c, protocol, payload);
    }

    void note_expired() {
        for (std::size_t n = fragments.take_expired(); n > 0; --n)
            skip(SkipReason::fragment_limit);
    }

    void ipv6(Ctx& c, Bytes b) {
        if (!push(c, Layer::ipv6)) return;
        if (c.ip_depth >= max_ip_nesting) return skip(SkipReason::too_deep);
        if (b.size() < 40) return skip(SkipReason::truncated);
        if ((b[0] >> 4) != 6) return skip(SkipReason::malformed);
        std::size_t total = 40u + be16(b, 4);
        if (total == 40) total = b.size(); // jumbogram or offload
        if (total > b.size()) {
            c.findings.set(DecodeFinding::truncated);
            total = b.size();
        }
        if (c.src.family) c.path = mix_path(mix_path(c.path, c.src), c.dst);
        c.src = Address::v6(b.data() + 8);
        c.dst = Address::v6(b.data() + 24);
        ++c.ip_depth;
        std::uint8_t next = b[6];
        std::size_t off = 40;
        // Extension headers (RFC 8200 section 4); a bounded walk.
        for (int i = 0; i < 16; ++i) {
            switch (next) {
            case 0:   // hop-by-hop
            case 43:  // routing
            case 60:  // destination options
            case 135: // mobility
            {
                if (off + 8 > total) return skip(SkipReason::truncated);
                const std::size_t len = (b[off + 1] + 1u) * 8u;
                next = b[off];
                off += len;
                if (off > total) return skip(SkipReason::truncated);
                continue;
            }
            case 51: { // AH: length in 4-octet units minus 2
                if (off + 8 > total) return skip(SkipReason::truncated);
                const std::size_t len = (b[off + 1] + 2u) * 4u;
                next = b[off];
                off += len;
                if (off > total) return skip(SkipReason::truncated);
                continue;
            }
            case 44: { // fragment
                if (off + 8 > total) return skip(SkipReason::truncated);
                if (c.findings.has(DecodeFinding::truncated)) return skip(SkipReason::truncated);
                const std::uint8_t frag_next = b[off];
                const std::uint16_t word = be16(b, off + 2);
                const std::uint32_t offset = word & 0xFFF8u;
                const bool more = (word & 1) != 0;
                const std::uint32_t id = be32(b, off + 4);
                off += 8;
                Bytes payload = b.subspan(off, total - off);
                if (!more && offset == 0) { // atomic fragment (RFC 6946)
                    next = frag_next;
                    continue;
                }
                ++stats.ip_fragments;
                detail::FragmentKey key{c.src, c.dst, id, 0, c.path};
                auto& out = reassembled[static_cast<std::size_t>(c.ip_depth)];
                const auto r =
                    fragments.add(key, offset, payload, more, frame->time_ns, out, frag_next);
                note_expired();
                if (r.status == detail::FragmentStatus::dropped) {
                    return skip(SkipReason::fragment_limit);
                }
                if (r.status != detail::FragmentStatus::complete) return;
                ++stats.ip_reassembled;
                c.findings.set(DecodeFinding::ip_reassembled);
                if (r.overlap_mismatch) {
                    ++stats.ip_fragment_overlaps;
                    c.findings.set(DecodeFinding::ip_fragment_overlap);
                }
                return ipv6_after_fragment(c, r.next_header, out);
            }
            case 59:
                ++stats.other_ip_frames;
                return; // no next header
            default:
                return ip_payload(c, next, b.subspan(off, total - off));
            }
        }
        skip(SkipReason::malformed);
    }

    // The reassembled fragmentable part may still start with extension headers (RFC 8200 4.5).
    void ipv6_after_fragment(Ctx& c, std::uint8_t next, Bytes b) {
        std::size_t off = 0;
        for (int i = 0; i < 16; ++i) {
            if (next == 60 || next == 43 || next == 0) {
                if (off + 8 > b.size()) return skip(SkipReason::truncated);
                const std::size_t len = (b[off + 1] + 1u) * 8u;
                next = b[off];
                off += len;
                if (off > b.size()) return skip(SkipReason::truncated);
                continue;
            }
            return ip_payload(c, next, b.subspan(off));
        }
        skip(SkipReason::malformed);
    }

    void ip_payload(Ctx& c, std::uint8_t protocol, Bytes b) {
        switch (protocol) {
        case 4:
            return ipv4(c, b);
        case 41:
            return ipv6(c, b);
        case 6:
            return tcp(c, b);
        case 17:
            return udp(c, b);
        case 132:
            return sctp(c, b);
        case 47:
            return gre(c, b);
        case 50:
            return esp(c, b);
        default:
            ++stats.other_ip_frames;
            return;
        }
    }

    // ---- tunnels -----------------------------------------------------------------------

    void gre(Ctx& c, Bytes b) {
        if (!push(c, Layer::gre)) return;
        if (b.size() < 4) return skip(SkipReason::truncated);
        const std::uint16_t flags = be16(b, 0);
        const std::uint16_t protocol = be16(b, 2);
        std::size_t off = 4;
        const bool has_seq = (flags & 0x1000) != 0;
        if ((flags & 7) == 0) {                                     // RFC 2784 / 2890
            if (flags & 0x4000) return skip(SkipReason::malformed); // source routing: obsolete
            if (flags & 0x8000) off += 4;                           // checksum + reserved
            if (flags & 0x2000) off += 4;                           // key
            if (has_seq) off += 4;
        } else if ((flags & 7) == 1) { // enhanced GRE, PPTP (RFC 2637 section 4.1)
            off += 4;                  // payload length + call id (K is mandatory)
            if (has_seq) off += 4;
            if (flags & 0x0080) off += 4; // acknowledgment number
        } else {
            return skip(SkipReason::malformed);
        }
        if (off > b.size()) return skip(SkipReason::truncated);
        Bytes inner = b.subspan(off);
        if (protocol == 0x88BE) { // ERSPAN type II; type I has no header (and no sequence)
            if (!push(c, Layer::erspan)) return;
            if (!has_seq) return link_ethernet(c, inner);
            if (inner.size() < 8) return skip(SkipReason::truncated);
            return link_ethernet(c, inner.subspan(8));
        }
        if (protocol == 0x22EB) { // ERSPAN type III: 12 bytes, +8 with the platform subheader
            if (!push(c, Layer::erspan)) return;
            if (inner.size() < 12) return skip(SkipReason::truncated);
            const std::size_t header = (inner[11] & 1) ? 20 : 12;
            if (inner.size() < header) return skip(SkipReason::truncated);
            return link_ethernet(c, inner.subspan(header));
        }
        gre_protocol(c, protocol, inner);
    }

    void gre_protocol(Ctx& c, std::uint16_t protocol, Bytes b) {
        if (protocol == 0x880B) return ppp(c, b);
        ethertype(c, protocol, b);
    }

    // ESP (RFC 4303) with NULL encryption (RFC 2410): the payload is plain, but ESP does not
    // say so, and the ICV length depends on the SA. Try the usual ICV lengths and accept the
    // first layout whose trailer (monotonic padding, next header) and inner header agree.
    void esp(Ctx& c, Bytes b) {
        if (!options.esp_null || b.size() < 8 + 2) {
            ++stats.other_ip_frames;
            return;
        }
        static constexpr std::array<std::size_t, 5> icv_lengths{12, 16, 0, 8, 32};
        for (const std::size_t icv : icv_lengths) {
            if (b.size() < 8 + icv + 2) continue;
            const std::size_t trailer = b.size() - icv - 2;
            const std::uint8_t pad = b[trailer];
            const std::uint8_t next = b[trailer + 1];
            if (next != 6 && next != 17 && next != 4 && next != 41 && next != 132) continue;
            if (trailer < 8u + pad) continue;
            bool pad_ok = true;
            for (std::size_t i = 0; i < pad; ++i) {
                if (b[trailer - pad + i] != static_cast<std::uint8_t>(i + 1)) {
                    pad_ok = false;
                    break;
                }
            }
            if (!pad_ok) continue;
            Bytes inner = b.subspan(8, trailer - pad - 8);
            if (!esp_inner_plausible(next, inner)) continue;
            if (!push(c, Layer::esp)) return;
            ++stats.esp_null_packets;
            return ip_payload(c, next, inner);
        }
        ++stats.other_ip_frames; // encrypted, or a layout we cannot prove
    }

    static bool esp_inner_plausible(std::uint8_t next, Bytes inner) {
        switch (next) {
        case 17:
            return inner.size() >= 8 && be16(inner, 4) == inner.size();
        case 6: {
            if (inner.size() < 20) return false;
            const std::size_t doff = (inner[12] >> 4) * 4u;
            return doff >= 20 && doff <= inner.size();
        }
        case 4:
            return inner.size() >= 20 && (inner[0] >> 4) == 4 && be16(inner, 2) == inner.size();
        case 41:
            return inner.size() >= 40 && (inner[0] >> 4) == 6 &&
                   be16(inner, 4) + 40u == inner.size();
        case 132:
            return inner.size() >= 12;
        default:
            return false;
        }
    }

    // GTP-U (3GPP TS 29.281 section 5): G-PDUs carry the user's IP packets.
    bool gtpu(Ctx& c, Bytes b) {
        if (b.size() < 8) return false;
        if ((b[0] >> 5) != 1 || (b[0] & 0x10) == 0) return false; // version 1, protocol GTP
        if (b[1] != 0xFF) return false;                           // only G-PDU carries IP
        std::size_t end = 8u + be16(b, 2);
        if (end > b.size()) end = b.size();
        std::size_t off = 8;
        if (b[0] & 0x07) {
            if (end < 12) return false;
            std::uint8_t next_ext = (b[0] & 0x04) ? b[11] : 0;
            off = 12;
            for (int i = 0; next_ext != 0 && i < 16; ++i) {
                if (off >= end) return false;
                const std::size_t len = b[off] * 4u;
                if (len == 0 || off + len > end) return false;
                next_ext = b[off + len - 1];
                off += len;
            }
            if (next_ext != 0) return false;
        }
        Bytes inner = b.subspan(off, end - off);
        if (inner.empty() || ((inner[0] >> 4) != 4 && (inner[0] >> 4) != 6)) return false;
        if (!push(c, Layer::gtpu)) return true;
        ip_by_version(c, inner);
        return true;
    }

    // ---- transports --------------------------------------------------------------------

    void udp(Ctx& c, Bytes b) {
        if (!push(c, Layer::udp)) return;
        if (b.size() < 8) return skip(SkipReason::truncated);
        c.transport = 0;
        const std::uint16_t sport = be16(b, 0);
        const std::uint16_t dport = be16(b, 2);
        std::size_t length = be16(b, 4);
        if (length == 0) length = b.size(); // IPv6 jumbogram
        if (length < 8) return skip(SkipReason::malformed);
        if (length > b.size()) {
            c.findings.set(DecodeFinding::truncated);
            length = b.size();
        }
        Bytes payload = b.subspan(8, length - 8);
        if ((sport == options.gtpu_port || dport == options.gtpu_port) && gtpu(c, payload)) return;
        if (options.hep && detail::may_be_hep(payload) && hep(c, payload)) return;
        datagram(c, payload, Transport::udp, sport, dport, c.src, c.dst, frame->time_ns);
    }

    bool hep(Ctx& c, Bytes b) {
        detail::HepPacket packet;
        if (!detail::parse_hep(b, packet)) return false;
        ++stats.hep_packets;
        if (!push(c, Layer::hep)) return true;
        Bytes payload = packet.payload;
        if (packet.compressed) {
            if (!detail::inflate_payload(payload, inflated, options.max_stream_buffer)) {
                skip(SkipReason::malformed);
                return true;
            }
            payload = inflated;
            c.findings.set(DecodeFinding::hep_compressed);
        }
        if (!packet.is_sip) {
            ++stats.non_sip_payloads;
            return true;
        }
        Transport t = Transport::udp;
        if (packet.ip_protocol == 6) t = Transport::tcp;
        if (packet.ip_protocol == 132) t = Transport::sctp;
        const Address src = packet.src.family ? packet.src : c.src;
        const Address dst = packet.dst.family ? packet.dst : c.dst;
        const std::int64_t time = packet.time_ns ? packet.time_ns : frame->time_ns;
        // Carried messages arrive whole (HEP agents send one message per packet, even for TCP).
        datagram(c, payload, t, packet.sport, packet.dport, src, dst, time);
        return true;
    }

    void datagram(Ctx& c, Bytes payload, Transport transport, std::uint16_t sport,
                  std::uint16_t dport, const Address& src, const Address& dst, std::int64_t time) {
        // Most datagrams on a capture are media: refused on their first byte, before the
        // framer's set-up.
        if (!payload.empty() && !sip::may_begin_sip_datagram(payload[0])) {
            ++stats.non_sip_payloads;
            return;
        }
        const std::string_view text = detail::as_text(payload);
        // HEP may carry TCP messages whole: they are read as streams, so cut them here.
        const auto r = options.trim_datagrams || is_stream(transport) ? sip::frame_datagram(text)
                                                                      : sip::locate_datagram(text);
        if (r.status == sip::FrameStatus::not_sip) {
            ++stats.non_sip_payloads;
            return;
        }
        SipPayload p = make_payload(c, transport, sport, dport);
        p.src = src;
        p.dst = dst;
        p.time_ns = time;
        if (r.junk) p.findings.set(DecodeFinding::junk_before_message);
        std::size_t length = r.length;
        if (r.status == sip::FrameStatus::partial) { // cut short: hand over what there is
            length = text.size() - std::min(r.skipped, text.size());
            p.findings.set(DecodeFinding::truncated);
        }
        p.bytes = text.substr(std::min(r.skipped, text.size()), length);
        deliver(p);
    }

    SipPayload make_payload(const Ctx& c, Transport transport, std::uint16_t sport,
                            std::uint16_t dport) const {
        SipPayload p;
        p.frame = frame->number;
        p.time_ns = frame->time_ns;
        p.file_offset = frame->file_offset;
        p.interface_id = frame->interface_id;
        p.src = c.src;
        p.dst = c.dst;
        p.sport = sport;
        p.dport = dport;
        p.transport = transport;
        p.encap = c.encap;
        p.findings = c.findings;
        return p;
    }

    void deliver(const SipPayload& p) {
        ++stats.sip_messages;
        ++stats.sip_by_transport[static_cast<std::size_t>(p.transport)];
        sink(p);
    }

    // SCTP (RFC 9260): DATA chunks, several per packet; PPID is not trusted (any value).
    void sctp(Ctx& c, Bytes b) {
        if (!push(c, Layer::sctp)) return;
        if (b.size() < 12) return skip(SkipReason::truncated);
        c.transport = 2;
        const std::uint16_t sport = be16(b, 0);
        const std::uint16_t dport = be16(b, 2);
        std::size_t off = 12;
        for (int chunks = 0; off + 4 <= b.size() && chunks < 256; ++chunks) {
            const std::uint8_t type = b[off];
            const std::uint8_t flags = b[off + 1];
            const std::size_t length = be16(b, off + 2);
            if (length < 4) return skip(SkipReason::malformed);
            if (off + length > b.size()) return skip(SkipReason::truncated);
            if (type == 0 && length >= 16) {
                Bytes data = b.subspan(off + 16, length - 16);
                const std::uint16_t stream = be16(b, off + 8);
                const bool begin = (flags & 2) != 0;
                const bool end = (flags & 1) != 0;
                if (begin && end) {
                    datagram(c, data, Transport::sctp, sport, dport, c.src, c.dst, frame->time_ns);
                } else {
                    sctp_fragment(c, data, stream, begin, end, sport, dport);
                }
            }
            off += (length + 3) & ~std::size_t{3};
        }
    }

    void sctp_fragment(Ctx& c, Bytes data, std::uint16_t stream, bool begin, bool end,
                       std::uint16_t sport, std::uint16_t dport) {
        FlowKey k{c.src, c.dst, sport, dport, c.path};
        const std::uint64_t key = FlowKeyHash{}(k) ^ (static_cast<std::uint64_t>(stream) << 48);
        if (begin) {
            if (sctp_partial.size() > 1024) sctp_partial.clear(); // bounded; rare in practice
            sctp_partial[key].assign(detail::as_text(data));
            return;
        }
        auto it = sctp_partial.find(key);
        if (it == sctp_partial.end()) return; // middle without a beginning: lost
        if (it->second.size() + data.size() > options.max_stream_buffer) {
            sctp_partial.erase(it);
            return skip(SkipReason::stream_limit);
        }
        it->second.append(detail::as_text(data));
        if (!end) return;
        std::string message = std::move(it->second);
        sctp_partial.erase(it);
        c.findings.set(DecodeFinding::sctp_fragmented);
        datagram(c, detail::as_bytes(message), Transport::sctp, sport, dport, c.src, c.dst,
                 frame->time_ns);
    }

    void tcp(Ctx& c, Bytes b) {
        if (!push(c, Layer::tcp)) return;
        if (b.size() < 20) return skip(SkipReason::truncated);
        c.transport = 1;
        const std::size_t doff = (b[12] >> 4) * 4u;
        if (doff < 20) return skip(SkipReason::malformed);
        if (doff > b.size()) return skip(SkipReason::truncated);
        const std::uint16_t sport = be16(b, 0);
        const std::uint16_t dport = be16(b, 2);
        const std::uint32_t seq = be32(b, 4);
        const std::uint8_t flags = b[13];
        const bool fin = (flags & 0x01) != 0;
        const bool syn = (flags & 0x02) != 0;
        const bool rst = (flags & 0x04) != 0;
        Bytes payload = b.subspan(doff);
        if (c.findings.has(DecodeFinding::truncated) && !payload.empty()) {
            // A snapped segment would corrupt the stream: drop its bytes, the hole is skipped.
            skip(SkipReason::truncated);
            payload = {};
        }
        if (payload.empty() && !syn && !fin && !rst) return;

        const bool forward = std::tie(c.src.family, c.src.bytes, sport) <=
                             std::tie(c.dst.family, c.dst.bytes, dport);
        FlowKey key = forward ? FlowKey{c.src, c.dst, sport, dport, c.path}
                              : FlowKey{c.dst, c.src, dport, sport, c.path};
        auto it = flows.find(key);
        if (it == flows.end()) {
            if (rst || (payload.empty() && !syn)) return;
            if (flows.size() >= options.max_tcp_streams) {
                sweep_flows(frame->time_ns, options.tcp_idle_timeout_ns / 10);
                if (flows.size() >= options.max_tcp_streams) return skip(SkipReason::stream_limit);
            }
            it = flows.emplace(key, Flow(tcp_limits)).first;
            ++stats.tcp_streams;
        }
        Flow& flow = it->second;
        flow.last_ns = frame->time_ns;
        const std::size_t d = forward ? 0 : 1;
        Direction& dir = flow.dir[d];
        const std::uint64_t segment_start =
            dir.stream.pending_offset() + dir.stream.pending().size();
        const auto outcome = dir.stream.segment(seq, syn, payload, frame->time_ns);
        if (outcome.retransmission) ++stats.tcp_retransmissions;
        if (outcome.gap) {
            ++stats.tcp_gaps;
            dir.gap = true;
        }
        if (outcome.overlap_mismatch) dir.overlap = true;
        if (outcome.dropped) skip(SkipReason::stream_limit);
        if (outcome.appended > 0 || outcome.gap) {
            stream_bytes(c, flow, d, sport, dport, outcome.gap ? 0 : segment_start,
                         outcome.appended);
        }
        if (fin) dir.fin = true;
        if (rst || (flow.dir[0].fin && flow.dir[1].fin)) {
            for (auto& x : flow.dir) {
                if (x.mode == StreamMode::sip && !x.stream.pending().empty()) {
                    ++stats.incomplete_at_end;
                }
            }
            flows.erase(it);
        }
    }

    void stream_bytes(Ctx& c, Flow& flow, std::size_t d, std::uint16_t sport, std::uint16_t dport,
                      std::uint64_t segment_start, std::size_t appended) {
        Direction& dir = flow.dir[d];
        std::string& buf = dir.stream.pending();
        for (int rounds = 0; rounds < 4; ++rounds) {
            if (dir.mode == StreamMode::unknown) classify(flow, d);
            switch (dir.mode) {
            case StreamMode::unknown:
                return; // waiting for more bytes to decide
            case StreamMode::tls:
            case StreamMode::other:
                if (dir.mode == StreamMode::tls)
                    stats.tls_bytes += dir.stream.keeping() ? buf.size() : appended;
                dir.stream.stop_keeping();
                return;
            case StreamMode::http:
                if (!http_upgrade(flow, d)) return;
                continue; // switched to ws (or other): process the rest in the new mode
            case StreamMode::ws:
                return ws_frames(c, flow, d, sport, dport);
            case StreamMode::sip:
                return sip_stream(c, dir, sport, dport, segment_start);
            }
        }
    }

    void classify(Flow& flow, std::size_t d) {
        Direction& dir = flow.dir[d];
        const std::string_view buf = dir.stream.pending();
        if (buf.empty()) return;
        if (looks_like_tls_record(buf)) {
            if (!flow.tls_counted) {
                flow.tls_counted = true;
                ++stats.tls_flows;
            }
            flow.dir[0].mode = flow.dir[1].mode = StreamMode::tls;
            return;
        }
        if (starts_with_ci(buf, "get ") || starts_with_ci(buf, "http/1.")) {
            dir.mode = StreamMode::http;
            return;
        }
        if (buf.size() >= 2 && detail::looks_like_ws_sip(detail::as_bytes(buf))) {
            dir.mode = StreamMode::ws; // WebSocket picked up mid-stream (handshake not captured)
            count_ws(flow);
            return;
        }
        dir.mode = StreamMode::sip; // SIP, or unknown bytes that framing will resynchronise on
    }

    void count_ws(Flow& flow) {
        if (!flow.ws_counted) {
            flow.ws_counted = true;
            ++stats.ws_flows;
        }
    }

    // RFC 6455 section 4: the client's GET with "Upgrade: websocket", the server's 101.
    bool http_upgrade(Flow& flow, std::size_t d) {
        Direction& dir = flow.dir[d];
        const std::string_view buf = dir.stream.pending();
        const auto end = buf.find("\r\n\r\n");
        if (end == std::string_view::npos) {
            if (buf.size() > 16384) dir.mode = StreamMode::other;
            return dir.mode != StreamMode::http;
        }
        const std::string_view head = buf.substr(0, end + 4);
        if (starts_with_ci(head, "get ")) {
            const bool upgrade = contains_ci(head, "\nupgrade:") && contains_ci(head, "websocket");
            dir.mode = upgrade ? StreamMode::ws : StreamMode::other;
            flow.ws_requested = flow.ws_requested || upgrade;
        } else {
            const bool switching = head.size() > 12 && head.substr(8, 5) == " 101 ";
            dir.mode = switching && flow.ws_requested ? StreamMode::ws : StreamMode::other;
        }
        if (dir.mode == StreamMode::ws) count_ws(flow);
        dir.stream.consume(head.size());
        return true;
    }

    void ws_frames(Ctx& c, Flow& flow, std::size_t d, std::uint16_t sport, std::uint16_t dport) {
        Direction& dir = flow.dir[d];
        for (;;) {
            std::string& buf = dir.stream.pending();
            detail::WsFrame f;
            const auto status = detail::parse_ws_frame(detail::as_bytes(buf), f);
            if (status == detail::WsStatus::partial) {
                if (f.payload_length > options.max_stream_buffer) {
                    skip(SkipReason::stream_limit);
                    dir.mode = StreamMode::other;
                    dir.stream.discard_pending();
                }
                return;
            }
            if (status == detail::WsStatus::invalid) {
                skip(SkipReason::malformed);
                dir.mode = StreamMode::other;
                dir.stream.discard_pending();
                return;
            }
            if (f.opcode <= 2) { // continuation, text, binary: SIP may use text or binary
                if (f.opcode != 0) {
                    dir.ws_message.clear();
                    dir.ws_frames = 0;
                }
                if (dir.ws_message.size() + f.payload_length > options.max_stream_buffer) {
                    skip(SkipReason::stream_limit);
                    dir.ws_message.clear();
                } else {
                    detail::append_unmasked(detail::as_bytes(buf), f, dir.ws_message);
                    ++dir.ws_frames;
                }
                if (f.fin && !dir.ws_message.empty()) {
                    Ctx inner = c;
                    if (!push(inner, Layer::ws)) return;
                    if (dir.ws_frames > 1) inner.findings.set(DecodeFinding::ws_fragmented);
                    if (dir.gap) inner.findings.set(DecodeFinding::tcp_gap);
                    dir.gap = false;
                    datagram(inner, detail::as_bytes(dir.ws_message), Transport::ws, sport, dport,
                             c.src, c.dst, frame->time_ns);
                    dir.ws_message.clear();
                    dir.ws_frames = 0;
                }
            }
            dir.stream.consume(f.header_length + f.payload_length);
        }
    }

    void sip_stream(Ctx& c, Direction& dir, std::uint16_t sport, std::uint16_t dport,
                    std::uint64_t segment_start) {
        for (;;) {
            std::string& buf = dir.stream.pending();
            if (buf.empty()) return;
            if (dir.hint.at == dir.stream.pending_offset()) {
                if (dir.hint.need > 0) {
                    if (buf.size() < dir.hint.need) return;
                } else {
                    const std::size_t from =
                        dir.hint.head_scanned > 3 ? dir.hint.head_scanned - 3 : 0;
                    if (head_end(buf, from) == 0) {
                        dir.hint.head_scanned = buf.size();
                        return;
                    }
                }
            }
            const auto r = sip::frame_stream(buf);
            if (r.status == sip::FrameStatus::not_sip) {
                // Keep an unterminated last line: a start line may straddle two segments.
                const auto nl = buf.rfind('\n');
                const std::size_t keep = nl == std::string::npos ? buf.size() : buf.size() - nl - 1;
                if (keep > 1024) {
                    dir.stream.discard_pending();
                } else {
                    dir.stream.consume(buf.size() - keep);
                }
                return;
            }
            if (r.status == sip::FrameStatus::partial) {
                if (r.junk) dir.gap = true; // report the junk on the message that follows
                dir.stream.consume(r.skipped);
                set_hint(dir, r);
                return;
            }
            const std::uint64_t start = dir.stream.pending_offset() + r.skipped;
            SipPayload p = make_payload(c, Transport::tcp, sport, dport);
            if (start < segment_start) p.findings.set(DecodeFinding::tcp_reassembled);
            if (r.junk) p.findings.set(DecodeFinding::junk_before_message);
            if (r.content_length_missing) p.findings.set(DecodeFinding::content_length_missing);
            if (dir.gap) p.findings.set(DecodeFinding::tcp_gap);
            if (dir.overlap) p.findings.set(DecodeFinding::tcp_overlap_mismatch);
            dir.gap = dir.overlap = false;
            p.bytes = std::string_view(buf).substr(r.skipped, r.length);
            deliver(p);
            dir.stream.consume(r.skipped + r.length);
        }
    }

    // After a partial result (its skipped bytes already consumed): remember how far the head was
    // searched, or, with the head complete, the size framing needs (the framer's own figure).
    static void set_hint(Direction& dir, const sip::FrameResult& r) {
        dir.hint.at = UINT64_MAX;
        const std::string_view buf = dir.stream.pending();
        if (buf.empty()) return;
        if (r.needed == 0) {
            dir.hint = {dir.stream.pending_offset(), buf.size(), 0};
            return;
        }
        const std::size_t need = r.needed - r.skipped;
        if (need > buf.size()) dir.hint = {dir.stream.pending_offset(), 0, need};
    }

    void sweep_flows(std::int64_t now, std::int64_t idle) {
        for (auto it = flows.begin(); it != flows.end();) {
            if (now - it->second.last_ns > idle || now < it->second.last_ns - idle) {
                it = flows.erase(it);
            } else {
                ++it;
            }
        }
    }

    void feed(const capture::Frame& f) {
        frame = &f;
        ++stats.frames;
        stats.bytes += f.data.size();
        const auto lt = static_cast<std::uint16_t>(f.link_type);
        auto lit = std::find_if(stats.link_types.begin(), stats.link_types.end(),
                                [lt](const auto& e) { return e.first == lt; });
        if (lit == stats.link_types.end()) {
            stats.link_types.emplace_back(lt, 1);
        } else {
            ++lit->second;
        }
        if (f.time_ns - last_sweep_ns > 10'000'000'000 || f.time_ns < last_sweep_ns) {
            sweep_flows(f.time_ns, options.tcp_idle_timeout_ns);
            last_sweep_ns = f.time_ns;
        }
        LinkFn fn = lt < link_table.size() ? link_table[lt] : nullptr;
        if (fn == nullptr) return skip(SkipReason::unsupported_link_type, lt);
        Ctx c;
        if (f.original_length > f.data.size()) c.findings.set(DecodeFinding::truncated);
        (this->*fn)(c, f.data);
        if (c.transport >= 0) ++stats.transport_frames[static_cast<std::size_t>(c.transport)];
    }

    void finish() {
        for (auto& [key, flow] : flows) {
            for (auto& d : flow.dir) {
                if (d.mode == StreamMode::sip && !d.stream.pending().empty()) {
                    ++stats.incomplete_at_end;
                }
            }
        }
        flows.clear();
        sctp_partial.clear();
        fragments.clear();
    }
};

Pipeline::Pipeline(Sink sink, PipelineOptions options)
    : m_impl(std::make_unique<Impl>(std::move(sink), options)) {}
Pipeline::~Pipeline() = default;

void Pipeline::feed(const capture::Frame& frame) {
    m_impl->feed(frame);
}
void Pipeline::finish() {
    m_impl->finish();
}
const Stats& Pipeline::stats() const {
    return m_impl->stats;
}

} // namespace sipdx::decode
