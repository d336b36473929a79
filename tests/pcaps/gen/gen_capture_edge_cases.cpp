// Builds the synthetic captures in tests/data/pcaps/ with sipdx's own writer, for the cases
// the public corpus lacks (SLL2, QinQ, multi-interface pcapng with different if_tsresol,
// big-endian and nanosecond pcap, gzip, truncated and corrupt files, SIP text logs).
// Deterministic: the same bytes on every run.
//
//   gen_capture_edge_cases OUTDIR          writes every file into OUTDIR
//   gen_capture_edge_cases --check DIR     exits 1 unless DIR holds exactly these bytes
#include <sipdx/capture/writer.h>

#include "generator_main.h"

#include <fmt/format.h>
#include <zlib.h>

#include <map>
#include <string>
#include <vector>

namespace {

using gen::Bytes;
using sipdx::capture::CaptureWriter;
using sipdx::capture::LinkType;
using sipdx::capture::WriterFormat;
using sipdx::capture::WriterInterface;
using sipdx::capture::WriterOptions;
using sipdx::capture::WriterPacket;

// 2024-01-01T10:00:00Z, the base time of every synthetic frame.
constexpr std::int64_t base_ns = 1704103200LL * 1'000'000'000;

void be16(Bytes& b, std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
}
void be32(Bytes& b, std::uint32_t v) {
    be16(b, static_cast<std::uint16_t>(v >> 16));
    be16(b, static_cast<std::uint16_t>(v));
}
void append(Bytes& b, const Bytes& more) {
    b.insert(b.end(), more.begin(), more.end());
}
void append(Bytes& b, std::string_view s) {
    b.insert(b.end(), s.begin(), s.end());
}

Bytes sip_request(std::string_view method, int n) {
    const std::string call_id = fmt::format("synthetic-{}@gen.sipdx.test", n);
    const std::string m = fmt::format("{} sip:bob@example.test SIP/2.0\r\n"
                                      "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK{:04d}\r\n"
                                      "From: <sip:alice@example.test>;tag=a{}\r\n"
                                      "To: <sip:bob@example.test>\r\n"
                                      "Call-ID: {}\r\n"
                                      "CSeq: 1 {}\r\n"
                                      "Max-Forwards: 70\r\n"
                                      "Content-Length: 0\r\n\r\n",
                                      method, n, n, call_id, method);
    return Bytes(m.begin(), m.end());
}

Bytes sip_response(int code, std::string_view reason, std::string_view method, int n) {
    std::string m = fmt::format("SIP/2.0 {} {}\r\n"
                                "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK{:04d}\r\n"
                                "From: <sip:alice@example.test>;tag=a{}\r\n"
                                "To: <sip:bob@example.test>;tag=b{}\r\n"
                                "Call-ID: synthetic-{}@gen.sipdx.test\r\n"
                                "CSeq: 1 {}\r\n"
                                "Content-Length: 0\r\n\r\n",
                                code, reason, n, n, n, n, method);
    return Bytes(m.begin(), m.end());
}

std::uint16_t checksum(const std::uint8_t* p, std::size_t n) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < n; i += 2) {
        sum += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
    }
    if (n % 2) {
        sum += static_cast<std::uint32_t>(p[n - 1] << 8);
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<std::uint16_t>(~sum);
}

// IPv4 + UDP (UDP checksum 0: allowed over IPv4, RFC 768).
Bytes ipv4_udp(std::uint32_t src, std::uint32_t dst, std::uint16_t sport, std::uint16_t dport,
               const Bytes& payload, std::uint16_t id) {
    Bytes ip;
    const auto total = static_cast<std::uint16_t>(20 + 8 + payload.size());
    be16(ip, 0x4500);
    be16(ip, total);
    be16(ip, id);
    be16(ip, 0x4000); // DF
    ip.push_back(64);
    ip.push_back(17);
    be16(ip, 0);
    be32(ip, src);
    be32(ip, dst);
    const auto sum = checksum(ip.data(), 20);
    ip[10] = static_cast<std::uint8_t>(sum >> 8);
    ip[11] = static_cast<std::uint8_t>(sum);
    be16(ip, sport);
    be16(ip, dport);
    be16(ip, static_cast<std::uint16_t>(8 + payload.size()));
    be16(ip, 0);
    append(ip, payload);
    return ip;
}

// IPv4 + TCP with the ACK flag (checksums 0: sipdx does not check them).
Bytes ipv4_tcp(std::uint32_t src, std::uint32_t dst, std::uint16_t sport, std::uint16_t dport,
               std::uint32_t seq, const Bytes& payload) {
    Bytes ip;
    be16(ip, 0x4500);
    be16(ip, static_cast<std::uint16_t>(20 + 20 + payload.size()));
    be16(ip, static_cast<std::uint16_t>(seq));
    be16(ip, 0x4000); // DF
    ip.push_back(64);
    ip.push_back(6);
    be16(ip, 0);
    be32(ip, src);
    be32(ip, dst);
    be16(ip, sport);
    be16(ip, dport);
    be32(ip, seq);
    be32(ip, 0);
    be16(ip, 0x5010); // data offset 5, ACK
    be16(ip, 65535);
    be32(ip, 0);
    append(ip, payload);
    return ip;
}

constexpr std::uint32_t host_a = 0xC0000201; // 192.0.2.1
constexpr std::uint32_t host_b = 0xC6336402; // 198.51.100.2

Bytes ethernet(std::uint16_t ethertype, const Bytes& payload,
               std::vector<std::uint32_t> tags = {}) {
    Bytes f = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01};
    for (std::size_t i = 0; i < tags.size(); ++i) {
        be16(f, i == 0 && tags.size() > 1 ? 0x88a8 : 0x8100); // outer S-tag, inner C-tag
        be16(f, static_cast<std::uint16_t>(tags[i]));
    }
    be16(f, ethertype);
    append(f, payload);
    return f;
}

// Linux cooked v2 header (LINKTYPE_LINUX_SLL2): protocol, reserved, ifindex, ARPHRD, type,
// address length, 8 address bytes.
Bytes sll2(const Bytes& payload, std::uint8_t packet_type) {
    Bytes f;
    be16(f, 0x0800);
    be16(f, 0);
    be32(f, 2);
    be16(f, 1); // ARPHRD_ETHER
    f.push_back(packet_type);
    f.push_back(6);
    for (std::uint8_t b : {0x02, 0, 0, 0, 0, 0x01, 0, 0}) {
        f.push_back(b);
    }
    append(f, payload);
    return f;
}

struct Packet {
    std::int64_t time_ns;
    Bytes data;
};

// A request / response pair between host_a and host_b, wrapped by `wrap`.
template <typename Wrap>
std::vector<Packet> exchange(int n, std::string_view method, Wrap wrap, std::int64_t t0) {
    return {{t0, wrap(ipv4_udp(host_a, host_b, 5060, 5060, sip_request(method, n),
                               static_cast<std::uint16_t>(n * 2)))},
            {t0 + 1'234'567,
             wrap(ipv4_udp(host_b, host_a, 5060, 5060, sip_response(200, "OK", method, n),
                           static_cast<std::uint16_t>(n * 2 + 1)))}};
}

Bytes pcap_of(WriterFormat format, bool big_endian, LinkType link,
              const std::vector<Packet>& packets, std::uint32_t snaplen = 262144) {
    WriterOptions options;
    options.format = format;
    options.big_endian = big_endian;
    CaptureWriter w(options);
    (void)w.add_interface({link, snaplen, {}, 6, 0});
    for (const auto& p : packets) {
        (void)w.write({0, p.time_ns, p.data, 0, {}});
    }
    return w.bytes();
}

Bytes gzip(const Bytes& in) {
    z_stream zs{};
    deflateInit2(&zs, 9, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY); // gzip, mtime 0
    Bytes out(deflateBound(&zs, in.size()) + 64);
    zs.next_in = const_cast<Bytef*>(in.data());
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

auto as_ethernet = [](const Bytes& ip) { return ethernet(0x0800, ip); };

std::map<std::string, Bytes> build() {
    std::map<std::string, Bytes> files;
    const auto eth = exchange(1, "OPTIONS", as_ethernet, base_ns);

    // Byte orders and timestamp units of classic pcap.
    files["eth-le-us.pcap"] = pcap_of(WriterFormat::pcap_us, false, LinkType::ethernet, eth);
    files["eth-be-us.pcap"] = pcap_of(WriterFormat::pcap_us, true, LinkType::ethernet, eth);
    auto eth_ns = exchange(2, "OPTIONS", as_ethernet, base_ns + 123'456'789);
    files["eth-le-ns.pcap"] = pcap_of(WriterFormat::pcap_ns, false, LinkType::ethernet, eth_ns);
    files["eth-be-ns.pcap"] = pcap_of(WriterFormat::pcap_ns, true, LinkType::ethernet, eth_ns);

    // Link layers the corpus lacks.
    files["sll2-udp-options.pcap"] =
        pcap_of(WriterFormat::pcap_us, false, LinkType::linux_sll2,
                exchange(
                    3, "OPTIONS", [](const Bytes& ip) { return sll2(ip, 0); }, base_ns));
    files["qinq-udp-register.pcap"] = pcap_of(WriterFormat::pcap_us, false, LinkType::ethernet,
                                              exchange(
                                                  4, "REGISTER",
                                                  [](const Bytes& ip) {
                                                      return ethernet(0x0800, ip, {100, 200});
                                                  },
                                                  base_ns));
    files["vlan-udp-invite.pcap"] = pcap_of(
        WriterFormat::pcap_us, false, LinkType::ethernet,
        exchange(
            5, "INVITE", [](const Bytes& ip) { return ethernet(0x0800, ip, {42}); }, base_ns));
    files["unknown-linktype.pcap"] =
        pcap_of(WriterFormat::pcap_us, false, static_cast<LinkType>(65000), eth);

    // pcapng: two sections (little then big endian), interfaces with different link types,
    // if_tsresol 10^-6, 10^-9, 2^-20 and an if_tsoffset; EPB, SPB, OPB, comments, and blocks
    // a reader must skip.
    {
        WriterOptions le;
        le.section_comment = "section one";
        CaptureWriter w(le);
        (void)w.add_interface({LinkType::ethernet, 262144, "eth0", 6, 0});
        (void)w.add_interface({LinkType::raw, 65535, "tun0", 9, 0});
        (void)w.add_interface({LinkType::linux_sll2, 262144, "any", 0x80 | 20, 0});
        const auto a = exchange(6, "OPTIONS", as_ethernet, base_ns);
        (void)w.write({0, a[0].time_ns, a[0].data, 0, "first packet"});
        (void)w.write({0, a[1].time_ns, a[1].data, 0, {}});
        const auto r = exchange(
            7, "MESSAGE", [](const Bytes& ip) { return ip; }, base_ns + 5'000'000'001);
        (void)w.write({1, r[0].time_ns, r[0].data, 0, {}});
        (void)w.write({1, r[1].time_ns, r[1].data, 0, {}});
        const Bytes custom = {0x00, 0x00, 0x7e, 0x0f, 'h', 'i'}; // PEN then data
        (void)w.write_block(0x00000BAD, custom);
        (void)w.write_block(0x12345678, Bytes{1, 2, 3, 4, 5, 6, 7, 8});
        const auto s = exchange(
            8, "SUBSCRIBE", [](const Bytes& ip) { return sll2(ip, 4); }, base_ns + 7'000'000'000);
        (void)w.write({2, s[0].time_ns, s[0].data, 0, {}});
        (void)w.write_obsolete({2, s[1].time_ns, s[1].data, 0, "obsolete packet block"});
        (void)w.write_simple(a[0].data);
        Bytes section = w.bytes();

        WriterOptions be;
        be.big_endian = true;
        be.section_comment = "section two, big endian";
        CaptureWriter w2(be);
        (void)w2.add_interface({LinkType::ethernet, 262144, "eth1", 6, 3600});
        const auto b = exchange(9, "NOTIFY", as_ethernet, base_ns + 3600LL * 1'000'000'000);
        (void)w2.write({0, b[0].time_ns, b[0].data, 0, {}});
        (void)w2.write({0, b[1].time_ns, b[1].data, 0, {}});
        append(section, w2.bytes());
        files["multi-section-interface.pcapng"] = section;
    }

    // Gzip of a pcap and of a pcapng.
    files["eth-le-us.pcap.gz"] = gzip(files["eth-le-us.pcap"]);
    files["multi-section-interface.pcapng.gz"] = gzip(files["multi-section-interface.pcapng"]);

    // Damaged files.
    {
        const auto three = [] {
            auto p = exchange(10, "OPTIONS", as_ethernet, base_ns);
            auto q = exchange(11, "OPTIONS", as_ethernet, base_ns + 1'000'000'000);
            p.insert(p.end(), q.begin(), q.end());
            return p;
        }();
        const Bytes good = pcap_of(WriterFormat::pcap_us, false, LinkType::ethernet, three);
        // Cut in the middle of the last record's data, and inside a record header.
        files["truncated-mid-record.pcap"] = Bytes(good.begin(), good.end() - 100);
        const std::size_t last_record = good.size() - (16 + three.back().data.size());
        files["truncated-mid-header.pcap"] =
            Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(last_record + 7));
        // The second record's caplen made absurd: the reader must resync on the third.
        Bytes corrupt = good;
        const std::size_t second = 24 + 16 + three[0].data.size();
        corrupt[second + 8] = 0xff;
        corrupt[second + 9] = 0xff;
        corrupt[second + 10] = 0xff;
        corrupt[second + 11] = 0x7f;
        files["corrupt-caplen.pcap"] = corrupt;
        // 37 bytes of garbage between the second and third record.
        Bytes garbage(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(
                                                       second + 16 + three[1].data.size()));
        for (int i = 0; i < 37; ++i) {
            garbage.push_back(static_cast<std::uint8_t>(0x5a ^ (i * 7)));
        }
        garbage.insert(garbage.end(),
                       good.begin() +
                           static_cast<std::ptrdiff_t>(second + 16 + three[1].data.size()),
                       good.end());
        files["garbage-middle.pcap"] = garbage;
        // Only the file header: a valid capture with no frames.
        files["header-only.pcap"] = Bytes(good.begin(), good.begin() + 24);
        // Header cut short.
        files["truncated-header.pcap"] = Bytes(good.begin(), good.begin() + 10);
    }
    {
        WriterOptions ng;
        CaptureWriter w(ng);
        (void)w.add_interface({LinkType::ethernet, 262144, "eth0", 6, 0});
        const auto a = exchange(12, "OPTIONS", as_ethernet, base_ns);
        const auto b = exchange(13, "OPTIONS", as_ethernet, base_ns + 2'000'000'000);
        (void)w.write({0, a[0].time_ns, a[0].data, 0, {}});
        (void)w.write({0, a[1].time_ns, a[1].data, 0, {}});
        Bytes out = w.bytes();
        for (int i = 0; i < 50; ++i) { // garbage between blocks
            out.push_back(static_cast<std::uint8_t>(0xa5 ^ (i * 13)));
        }
        CaptureWriter w2(ng);
        (void)w2.add_interface({LinkType::ethernet, 262144, "eth0", 6, 0});
        const std::size_t skip = w2.bytes().size(); // drop the second SHB and IDB
        (void)w2.write({0, b[0].time_ns, b[0].data, 0, {}});
        (void)w2.write({0, b[1].time_ns, b[1].data, 0, {}});
        out.insert(out.end(), w2.bytes().begin() + static_cast<std::ptrdiff_t>(skip),
                   w2.bytes().end());
        files["garbage-middle.pcapng"] = out;
        files["truncated-mid-block.pcapng"] = Bytes(out.begin(), out.end() - 40);
    }
    files["empty.pcap"] = {};
    {
        const std::string junk = "This is a README, not a capture.\nNothing to see here.\n";
        files["not-a-capture.txt"] = Bytes(junk.begin(), junk.end());
    }

    // SIP text logs.
    {
        const auto req = sip_request("OPTIONS", 20);
        const auto resp = sip_response(200, "OK", "OPTIONS", 20);
        Bytes ngrep;
        append(ngrep, "interface: lo (127.0.0.0/255.0.0.0)\nfilter: ( port 5060 )\n#\n");
        append(ngrep, "U 2024/01/01 10:00:00.123456 192.0.2.1:5060 -> 198.51.100.2:5060\n");
        append(ngrep, req);
        append(ngrep, "\n#\n");
        append(ngrep, "U 2024/01/01 10:00:00.223456 198.51.100.2:5060 -> 192.0.2.1:5060\n");
        append(ngrep, resp);
        append(ngrep, "\n");
        files["sip-text-ngrep.txt"] = ngrep;

        Bytes plain;
        append(plain, req);
        append(plain, resp);
        append(plain, "\r\n");
        std::string invite = "INVITE sip:bob@example.test SIP/2.0\r\n"
                             "Call-ID: synthetic-21@gen.sipdx.test\r\n"
                             "CSeq: 1 INVITE\r\n"
                             "Content-Type: application/sdp\r\n"
                             "Content-Length: 10\r\n\r\n"
                             "v=0\r\ns=-\r\n";
        append(plain, invite);
        files["sip-text-plain.sip"] = plain;

        // LF line ends (a log that lost its CRs): Content-Length no longer matches, so the body
        // runs to the next message.
        std::string lf = "2024-01-01T10:00:01.5Z udp:192.0.2.1:5060 -> udp:198.51.100.2:5080\n"
                         "MESSAGE sip:bob@example.test SIP/2.0\n"
                         "Call-ID: synthetic-22@gen.sipdx.test\n"
                         "CSeq: 7 MESSAGE\n"
                         "Content-Type: text/plain\n"
                         "Content-Length: 14\n\n"
                         "hello\nthere\n\n"
                         "2024-01-01T10:00:01.6Z udp:198.51.100.2:5080 -> udp:192.0.2.1:5060\n"
                         "SIP/2.0 202 Accepted\n"
                         "Call-ID: synthetic-22@gen.sipdx.test\n"
                         "CSeq: 7 MESSAGE\n\n";
        files["sip-text-lf-isodate.log"] = Bytes(lf.begin(), lf.end());

        Bytes fs;
        append(fs, fmt::format("recv {} bytes from udp/[192.0.2.1]:5060 at 10:00:00.123456:\n",
                               req.size()));
        append(fs, "   "
                   "---------------------------------------------------------------------\n");
        append(fs, req);
        append(fs, "   "
                   "---------------------------------------------------------------------\n");
        append(fs, fmt::format("send {} bytes to udp/[192.0.2.1]:5060 at 10:00:00.124000:\n",
                               resp.size()));
        append(fs, "   "
                   "---------------------------------------------------------------------\n");
        append(fs, resp);
        append(fs, "   "
                   "---------------------------------------------------------------------\n");
        files["sip-text-freeswitch.log"] = fs;
    }

    // SIP over TCP with a capture hole: the callee's 183 (stream bytes after the 180) is lost;
    // the 200 OK that follows it must come out with its own frame (4) and time (5.2 s), and the
    // caller's BYE is cut by the end of the capture (incomplete at end).
    {
        const Bytes invite = sip_request("INVITE", 6);
        const Bytes ringing = sip_response(180, "Ringing", "INVITE", 6);
        const Bytes progress = sip_response(183, "Session Progress", "INVITE", 6);
        const Bytes ok = sip_response(200, "OK", "INVITE", 6);
        const Bytes ack = sip_request("ACK", 6);
        const Bytes bye = sip_request("BYE", 6);
        const std::uint32_t a_seq = 1000;
        const std::uint32_t b_seq = 5000;
        const auto b_after = static_cast<std::uint32_t>(b_seq + ringing.size() + progress.size());
        const auto a_after = static_cast<std::uint32_t>(a_seq + invite.size());
        const Bytes bye_head(bye.begin(), bye.begin() + 40);
        const std::vector<Packet> packets{
            {base_ns, as_ethernet(ipv4_tcp(host_a, host_b, 40000, 5060, a_seq, invite))},
            {base_ns + 1'000'000'000,
             as_ethernet(ipv4_tcp(host_b, host_a, 5060, 40000, b_seq, ringing))},
            {base_ns + 1'500'000'000,
             as_ethernet(ipv4_tcp(host_b, host_a, 5060, 40000,
                                  static_cast<std::uint32_t>(b_seq + ringing.size()),
                                  {}))}, // a bare ACK
            {base_ns + 5'200'000'000,
             as_ethernet(ipv4_tcp(host_b, host_a, 5060, 40000, b_after, ok))},
            {base_ns + 5'300'000'000,
             as_ethernet(ipv4_tcp(host_a, host_b, 40000, 5060, a_after, ack))},
            {base_ns + 9'000'000'000,
             as_ethernet(ipv4_tcp(host_a, host_b, 40000, 5060,
                                  static_cast<std::uint32_t>(a_after + ack.size()), bye_head))},
        };
        files["tcp-hole-call.pcap"] =
            pcap_of(WriterFormat::pcap_us, false, LinkType::ethernet, packets);
    }
    // Diagnosis: a call whose clock jumps 53 years between its ACK and its BYE, and, after the
    // jump, a call seen mid-dialog whose BYE is answered 481.
    {
        auto msg = [](std::string_view start, int branch, std::string_view to_tag,
                      std::string_view call_id, int cseq, std::string_view method) {
            const std::string m = fmt::format(
                "{}\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK{:04d}\r\n"
                "From: <sip:alice@example.test>;tag=a1\r\nTo: <sip:bob@example.test>{}{}\r\n"
                "Call-ID: {}@gen.sipdx.test\r\nCSeq: {} {}\r\nMax-Forwards: 70\r\n"
                "Content-Length: 0\r\n\r\n",
                start, branch, to_tag.empty() ? "" : ";tag=", to_tag, call_id, cseq, method);
            return Bytes(m.begin(), m.end());
        };
        const std::string invite = "INVITE sip:bob@example.test SIP/2.0";
        const std::string bye = "BYE sip:bob@example.test SIP/2.0";
        const std::int64_t jump = 53LL * 365 * 86'400'000'000'000;
        struct Step {
            std::int64_t t;
            bool from_a;
            Bytes sip;
        };
        const std::vector<Step> steps = {
            {0, true, msg(invite, 30, "", "clock-jump", 1, "INVITE")},
            {1'000'000'000, false, msg("SIP/2.0 200 OK", 30, "b1", "clock-jump", 1, "INVITE")},
            {1'010'000'000, true,
             msg("ACK sip:bob@example.test SIP/2.0", 31, "b1", "clock-jump", 1, "ACK")},
            {jump, true, msg(bye, 32, "b1", "clock-jump", 2, "BYE")},
            {jump + 5'000'000, false, msg("SIP/2.0 200 OK", 32, "b1", "clock-jump", 2, "BYE")},
            {jump + 10'000'000, true, msg(bye, 33, "b9", "mid-dialog", 7, "BYE")},
            {jump + 15'000'000, false,
             msg("SIP/2.0 481 Call/Transaction Does Not Exist", 33, "b9", "mid-dialog", 7, "BYE")},
        };
        std::vector<Packet> packets;
        std::uint16_t id = 100;
        for (const auto& s : steps)
            packets.push_back({base_ns + s.t, as_ethernet(ipv4_udp(s.from_a ? host_a : host_b,
                                                                   s.from_a ? host_b : host_a, 5060,
                                                                   5060, s.sip, id++))});
        files["diagnosis-clock-jump-mid-dialog.pcap"] =
            pcap_of(WriterFormat::pcap_us, false, LinkType::ethernet, packets);
    }
    return files;
}

} // namespace

int main(int argc, char** argv) {
    return gen::generator_main(argc, argv, build);
}
