// SIP parsing throughput over a realistic IMS mix framed as one TCP stream: REGISTER with AKA
// credentials and Security-Client, INVITE with SDP and IMS P-headers, and 100/180/183/200/401/
// 486 responses. The main benchmark measures what a transaction layer needs: stream framing,
// start line, header index and the transaction key fields. Before timing anything, every
// message's fields are checked against the reference parser.
#include <sipdx/sip/framing.h>
#include <sipdx/sip/message.h>

#include "sip/detail/reference_parser.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using namespace sipdx::sip;

std::string crlf(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

// Sets Content-Length to the body's real size (bodies below are written with a placeholder).
std::string with_body(std::string head, std::string_view body) {
    std::string b = crlf(body);
    auto pos = head.find("Content-Length: #");
    head.replace(pos, 17, "Content-Length: " + std::to_string(b.size()));
    return crlf(head) + b;
}

std::vector<std::string> sample_messages(int n) {
    std::string id = std::to_string(n);
    std::vector<std::string> out;
    out.push_back(with_body(R"(REGISTER sip:ims.mnc001.mcc001.3gppnetwork.org SIP/2.0
Via: SIP/2.0/UDP [2001:db8:10::5]:5060;branch=z9hG4bK-reg-)" +
                                id + R"(;rport
Max-Forwards: 70
From: <sip:001010123456789@ims.mnc001.mcc001.3gppnetwork.org>;tag=reg)" +
                                id + R"(
To: <sip:001010123456789@ims.mnc001.mcc001.3gppnetwork.org>
Call-ID: reg-)" + id + R"(@2001:db8:10::5
CSeq: 2 REGISTER
Contact: <sip:001010123456789@[2001:db8:10::5]:5060>;+sip.instance="<urn:gsma:imei:35209900-176148-1>";+g.3gpp.icsi-ref="urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel";expires=600000
Authorization: Digest username="001010123456789@ims.mnc001.mcc001.3gppnetwork.org",realm="ims.mnc001.mcc001.3gppnetwork.org",uri="sip:ims.mnc001.mcc001.3gppnetwork.org",nonce="3EiHyMx6aZbAm9R6Gv8cP5fwEzV0nQAAAHpT6EfU2qk=",response="b2d1c5ae70c8e0e0a1f0d7b02d7e5a8c",algorithm=AKAv1-MD5,nc=00000001,qop=auth,cnonce="1b4d2c6a"
Security-Client: ipsec-3gpp;alg=hmac-sha-1-96;ealg=null;spi-c=3928482;spi-s=3928483;port-c=5062;port-s=5063
Security-Verify: ipsec-3gpp;alg=hmac-sha-1-96;ealg=null;spi-c=88812;spi-s=88813;port-c=6100;port-s=6101;q=0.1
Require: sec-agree
Proxy-Require: sec-agree
Supported: path,gruu,sec-agree
P-Access-Network-Info: 3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=0010100011a2d3c01
User-Agent: VoLTE-UE/1.0
Allow: INVITE,ACK,CANCEL,BYE,UPDATE,PRACK,MESSAGE,REFER,NOTIFY,INFO,OPTIONS
Expires: 600000
Content-Length: #

)",
                            ""));
    out.push_back(with_body(R"(SIP/2.0 401 Unauthorized
Via: SIP/2.0/UDP [2001:db8:10::5]:5060;branch=z9hG4bK-reg-)" +
                                id + R"(;rport=5060
From: <sip:001010123456789@ims.mnc001.mcc001.3gppnetwork.org>;tag=reg)" +
                                id + R"(
To: <sip:001010123456789@ims.mnc001.mcc001.3gppnetwork.org>;tag=scscf-)" +
                                id + R"(
Call-ID: reg-)" + id + R"(@2001:db8:10::5
CSeq: 2 REGISTER
WWW-Authenticate: Digest realm="ims.mnc001.mcc001.3gppnetwork.org",nonce="3EiHyMx6aZbAm9R6Gv8cP5fwEzV0nQAAAHpT6EfU2qk=",algorithm=AKAv1-MD5,qop="auth,auth-int",ik="0123456789abcdef0123456789abcdef",ck="fedcba9876543210fedcba9876543210"
Security-Server: ipsec-3gpp;alg=hmac-sha-1-96;ealg=null;spi-c=88812;spi-s=88813;port-c=6100;port-s=6101;q=0.1
Content-Length: #

)",
                            ""));
    std::string sdp = R"(v=0
o=- 1234 1 IN IP6 2001:db8:10::5
s=-
c=IN IP6 2001:db8:10::5
t=0 0
m=audio 49152 RTP/AVP 116 107 97 111 110
b=AS:41
a=rtpmap:116 AMR-WB/16000/1
a=fmtp:116 mode-change-capability=2;max-red=0
a=rtpmap:107 AMR-WB/16000/1
a=rtpmap:97 AMR/8000/1
a=rtpmap:111 telephone-event/16000
a=rtpmap:110 telephone-event/8000
a=ptime:20
a=maxptime:240
a=curr:qos local none
a=curr:qos remote none
a=des:qos mandatory local sendrecv
a=des:qos optional remote sendrecv
a=sendrecv
)";
    std::string invite_headers =
        R"(INVITE tel:+15551230001;phone-context=ims.mnc001.mcc001.3gppnetwork.org SIP/2.0
Via: SIP/2.0/UDP [2001:db8:10::5]:5062;branch=z9hG4bK-inv-)" +
        id + R"(;rport
Max-Forwards: 70
Route: <sip:[2001:db8:20::1]:5063;lr>, <sip:orig@scscf.ims.mnc001.mcc001.3gppnetwork.org;lr>
From: <sip:+15551230000@ims.mnc001.mcc001.3gppnetwork.org>;tag=inv)" +
        id + R"(
To: <tel:+15551230001;phone-context=ims.mnc001.mcc001.3gppnetwork.org>
Call-ID: inv-)" +
        id + R"(@2001:db8:10::5
CSeq: 1 INVITE
Contact: <sip:001010123456789@[2001:db8:10::5]:5062>;+g.3gpp.icsi-ref="urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel";+sip.instance="<urn:gsma:imei:35209900-176148-1>"
P-Preferred-Identity: <sip:+15551230000@ims.mnc001.mcc001.3gppnetwork.org>
P-Access-Network-Info: 3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=0010100011a2d3c01
P-Preferred-Service: urn:urn-7:3gpp-service.ims.icsi.mmtel
Accept-Contact: *;+g.3gpp.icsi-ref="urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel"
Security-Verify: ipsec-3gpp;alg=hmac-sha-1-96;ealg=null;spi-c=88812;spi-s=88813;port-c=6100;port-s=6101
Require: sec-agree
Proxy-Require: sec-agree
Supported: 100rel,timer,precondition,replaces,histinfo
Session-Expires: 1800
Min-SE: 90
Allow: INVITE,ACK,CANCEL,BYE,UPDATE,PRACK,MESSAGE,REFER,NOTIFY,INFO,OPTIONS
Accept: application/sdp,application/3gpp-ims+xml
Content-Type: application/sdp
Content-Length: #

)";
    out.push_back(with_body(invite_headers, sdp));
    std::string dialog = R"(Via: SIP/2.0/UDP [2001:db8:10::5]:5062;branch=z9hG4bK-inv-)" + id +
                         R"(;rport=5062
Record-Route: <sip:[2001:db8:20::1]:5063;lr>, <sip:mo@scscf.ims.mnc001.mcc001.3gppnetwork.org;lr>
From: <sip:+15551230000@ims.mnc001.mcc001.3gppnetwork.org>;tag=inv)" +
                         id + R"(
To: <tel:+15551230001;phone-context=ims.mnc001.mcc001.3gppnetwork.org>;tag=callee-)" +
                         id + R"(
Call-ID: inv-)" + id + R"(@2001:db8:10::5
CSeq: 1 INVITE
)";
    out.push_back(with_body(R"(SIP/2.0 100 Trying
Via: SIP/2.0/UDP [2001:db8:10::5]:5062;branch=z9hG4bK-inv-)" +
                                id + R"(;rport=5062
From: <sip:+15551230000@ims.mnc001.mcc001.3gppnetwork.org>;tag=inv)" +
                                id + R"(
To: <tel:+15551230001;phone-context=ims.mnc001.mcc001.3gppnetwork.org>
Call-ID: inv-)" + id + R"(@2001:db8:10::5
CSeq: 1 INVITE
Content-Length: #

)",
                            ""));
    out.push_back(with_body("SIP/2.0 183 Session Progress\n" + dialog +
                                R"(Contact: <sip:+15551230001@[2001:db8:30::7]:5060>
P-Asserted-Identity: <tel:+15551230001>
P-Charging-Vector: icid-value="AyretyU0dm+6O2IrT5tAFrbHLso=";orig-ioi=ims.mnc001.mcc001.3gppnetwork.org;term-ioi=ims.mnc002.mcc001.3gppnetwork.org
Require: 100rel,precondition
RSeq: 1
Content-Type: application/sdp
Content-Length: #

)",
                            sdp));
    out.push_back(
        with_body("SIP/2.0 180 Ringing\n" + dialog +
                      "Contact: <sip:+15551230001@[2001:db8:30::7]:5060>\nContent-Length: #\n\n",
                  ""));
    out.push_back(
        with_body("SIP/2.0 200 OK\n" + dialog +
                      "Contact: <sip:+15551230001@[2001:db8:30::7]:5060>\nSession-Expires: "
                      "1800;refresher=uac\nRequire: timer\nContent-Length: #\n\n",
                  ""));
    out.push_back(with_body("SIP/2.0 486 Busy Here\n" + dialog +
                                "Reason: Q.850;cause=17;text=\"User busy\"\nContent-Length: #\n\n",
                            ""));
    return out;
}

// A TCP stream of `count` messages, cycling through the mix with varying ids.
const std::string& stream_buffer() {
    static const std::string buffer = [] {
        std::string b;
        for (int i = 0; b.size() < (4u << 20); ++i)
            for (const auto& m : sample_messages(i))
                b += m;
        return b;
    }();
    return buffer;
}

// Checks every framed message against the reference parser; aborts the run on a mismatch.
std::size_t verify_against_reference(const std::string& buffer) {
    Parser parser;
    Message m;
    std::string_view rest = buffer;
    std::size_t count = 0;
    while (!rest.empty()) {
        FrameResult r = parser.parse_stream(rest, m);
        if (r.status != FrameStatus::complete) break;
        std::string_view one = rest.substr(r.skipped, r.length);
        auto fast = sipdx::sip::detail::summarize(m);
        auto ref = sipdx::sip::detail::reference_parse(one);
        m.validate();
        if (!(fast == ref) || !m.valid() || !m.transaction_key().complete) {
            std::fprintf(stderr, "bench corpus check failed at message %zu:\n%s\n", count,
                         sipdx::sip::detail::describe_difference(fast, ref).c_str());
            std::abort();
        }
        rest.remove_prefix(r.skipped + r.length);
        ++count;
    }
    if (!rest.empty()) {
        std::fprintf(stderr, "bench corpus did not frame completely\n");
        std::abort();
    }
    return count;
}

// Framing + start line + header index + transaction fields: what a transaction layer needs.
void BM_StreamFrameParseKey(benchmark::State& state) {
    const std::string& buffer = stream_buffer();
    static const std::size_t expected = verify_against_reference(buffer);
    Parser parser;
    Message m;
    std::size_t messages = 0;
    for (auto _ : state) {
        std::string_view rest = buffer;
        std::size_t n = 0;
        while (!rest.empty()) {
            FrameResult r = parser.parse_stream(rest, m);
            if (r.status != FrameStatus::complete) break;
            TransactionKey k = m.transaction_key();
            benchmark::DoNotOptimize(k);
            rest.remove_prefix(r.skipped + r.length);
            ++n;
        }
        if (n != expected) state.SkipWithError("message count changed");
        messages += n;
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * buffer.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(messages));
}
BENCHMARK(BM_StreamFrameParseKey)->Unit(benchmark::kMillisecond);

// Framing alone (finding message boundaries by Content-Length).
void BM_StreamFrameOnly(benchmark::State& state) {
    const std::string& buffer = stream_buffer();
    std::size_t messages = 0;
    for (auto _ : state) {
        std::string_view rest = buffer;
        while (!rest.empty()) {
            FrameResult r = frame_stream(rest);
            if (r.status != FrameStatus::complete) break;
            rest.remove_prefix(r.skipped + r.length);
            ++messages;
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * buffer.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(messages));
}
BENCHMARK(BM_StreamFrameOnly)->Unit(benchmark::kMillisecond);

// Everything typed: the full validate() pass (all headers, SDP), for comparison.
void BM_FullValidate(benchmark::State& state) {
    const std::string& buffer = stream_buffer();
    Parser parser;
    Message m;
    std::size_t messages = 0;
    for (auto _ : state) {
        std::string_view rest = buffer;
        while (!rest.empty()) {
            FrameResult r = parser.parse_stream(rest, m);
            if (r.status != FrameStatus::complete) break;
            m.validate();
            benchmark::DoNotOptimize(m.findings.size());
            rest.remove_prefix(r.skipped + r.length);
            ++messages;
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * buffer.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(messages));
}
BENCHMARK(BM_FullValidate)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
