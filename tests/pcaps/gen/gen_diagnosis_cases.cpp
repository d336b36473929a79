// Builds the synthetic captures of tests/data/diagnosis/ for the diagnosis classes of issue 17
// that SIPp on loopback cannot produce: a capture cut at its start (the first request of a
// Call-ID is a BYE inside a dialog) and a clock jump (a frame 53 years after the one before).
// The ACK for the 2xx has its own branch (RFC 3261 section 17.1.1.3). Each Call-ID's label (before
// the first '-') names the case; the expectations are in tests/scenarios/diagnosis_expected.tsv.
// Deterministic: the same bytes on every run.
//
//   gen_diagnosis_cases OUTDIR          writes every file into OUTDIR
//   gen_diagnosis_cases --check DIR     exits 1 unless DIR holds these bytes
#include <sipdx/capture/writer.h>

#include "generator_main.h"

#include <fmt/format.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

using gen::Bytes;
using sipdx::capture::CaptureWriter;
using sipdx::capture::LinkType;
using sipdx::capture::WriterFormat;
using sipdx::capture::WriterOptions;

constexpr std::int64_t second = 1'000'000'000;
constexpr std::int64_t base_ns = 1704103200LL * second; // 2024-01-01T10:00:00Z
constexpr std::uint32_t caller = 0xC0000201;            // 192.0.2.1
constexpr std::uint32_t callee = 0xC6336402;            // 198.51.100.2

void be16(Bytes& b, std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
}
void be32(Bytes& b, std::uint32_t v) {
    be16(b, static_cast<std::uint16_t>(v >> 16));
    be16(b, static_cast<std::uint16_t>(v));
}

// Ethernet + IPv4 + UDP around one SIP message (UDP checksum 0, allowed over IPv4).
Bytes frame(std::uint32_t src, std::uint32_t dst, const std::string& sip, std::uint16_t id) {
    Bytes f = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00};
    const std::size_t ip_at = f.size();
    be16(f, 0x4500);
    be16(f, static_cast<std::uint16_t>(28 + sip.size()));
    be16(f, id);
    be16(f, 0x4000);
    f.push_back(64);
    f.push_back(17);
    be16(f, 0);
    be32(f, src);
    be32(f, dst);
    std::uint32_t sum = 0;
    for (std::size_t i = ip_at; i < ip_at + 20; i += 2)
        sum += static_cast<std::uint32_t>(f[i] << 8 | f[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    f[ip_at + 10] = static_cast<std::uint8_t>(~sum >> 8);
    f[ip_at + 11] = static_cast<std::uint8_t>(~sum);
    be16(f, 5060);
    be16(f, 5060);
    be16(f, static_cast<std::uint16_t>(8 + sip.size()));
    be16(f, 0);
    f.insert(f.end(), sip.begin(), sip.end());
    return f;
}

struct Dialog {
    std::string call_id;
    bool to_tag = true; // requests carry the callee's tag (inside the dialog)
};

std::string request(const Dialog& d, std::string_view method, int cseq) {
    return fmt::format("{} sip:bob@198.51.100.2 SIP/2.0\r\n"
                       "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-{}-{}-{}\r\n"
                       "From: <sip:alice@example.test>;tag=caller1\r\n"
                       "To: <sip:bob@example.test>{}\r\n"
                       "Call-ID: {}\r\n"
                       "CSeq: {} {}\r\n"
                       "Max-Forwards: 70\r\n"
                       "Content-Length: 0\r\n\r\n",
                       method, d.call_id.substr(0, d.call_id.find('@')), cseq, method,
                       d.to_tag ? ";tag=callee1" : "", d.call_id, cseq, method);
}

std::string response(const Dialog& d, int code, std::string_view phrase, std::string_view method,
                     int cseq, bool tag = true) {
    return fmt::format("SIP/2.0 {} {}\r\n"
                       "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-{}-{}-{}\r\n"
                       "From: <sip:alice@example.test>;tag=caller1\r\n"
                       "To: <sip:bob@example.test>{}\r\n"
                       "Call-ID: {}\r\n"
                       "CSeq: {} {}\r\n"
                       "Content-Length: 0\r\n\r\n",
                       code, phrase, d.call_id.substr(0, d.call_id.find('@')), cseq, method,
                       tag ? ";tag=callee1" : "", d.call_id, cseq, method);
}

class Capture {
public:
    Capture() {
        WriterOptions options;
        options.format = WriterFormat::pcap_us;
        m_writer = std::make_unique<CaptureWriter>(options);
        (void)m_writer->add_interface({LinkType::ethernet, 262144, {}, 6, 0});
    }
    void add(std::int64_t t, bool from_caller, const std::string& sip) {
        const Bytes f =
            from_caller ? frame(caller, callee, sip, ++m_id) : frame(callee, caller, sip, ++m_id);
        (void)m_writer->write({0, t, f, 0, {}});
    }
    Bytes bytes() const { return m_writer->bytes(); }

private:
    std::unique_ptr<CaptureWriter> m_writer;
    std::uint16_t m_id = 0;
};

std::map<std::string, Bytes> build() {
    std::map<std::string, Bytes> files;
    {
        // Cut at the start: the capture begins inside two calls. One BYE is answered 200 (the
        // call ended), the other 481 (the far end did not know the dialog).
        Capture c;
        const Dialog bye{"latebye-1@gen.sipdx.test"};
        const Dialog gone{"latebye481-1@gen.sipdx.test"};
        c.add(base_ns, true, request(bye, "BYE", 3));
        c.add(base_ns + 20'000'000, false, response(bye, 200, "OK", "BYE", 3));
        c.add(base_ns + second, true, request(gone, "BYE", 5));
        c.add(base_ns + second + 15'000'000, false,
              response(gone, 481, "Call/Transaction Does Not Exist", "BYE", 5));
        files["late-start.pcap"] = c.bytes();
    }
    {
        // Clock jump: an answered call whose BYE is stamped 53 years after its ACK.
        Capture c;
        const Dialog setup{"clockjump-1@gen.sipdx.test", false};
        const Dialog up{"clockjump-1@gen.sipdx.test"};
        const std::int64_t jump = 53LL * 36525 * 864 * second; // 53 Julian years
        c.add(base_ns, true, request(setup, "INVITE", 1));
        c.add(base_ns + 200'000'000, false, response(setup, 180, "Ringing", "INVITE", 1));
        c.add(base_ns + second, false, response(setup, 200, "OK", "INVITE", 1));
        c.add(base_ns + second + 10'000'000, true, request(up, "ACK", 1));
        c.add(base_ns + 2 * second + jump, true, request(up, "BYE", 2));
        c.add(base_ns + 2 * second + jump + 10'000'000, false, response(up, 200, "OK", "BYE", 2));
        files["clock-jump.pcap"] = c.bytes();
    }
    return files;
}

} // namespace

int main(int argc, char** argv) {
    return gen::generator_main(argc, argv, build);
}
