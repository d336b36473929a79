// uri_text() answers plain From/To values in one pass and leaves the rest to the full
// name-addr and URI parsers; the two must agree on every value, odd ones above all.
#include <sipdx/session/adapter.h>
#include <sipdx/sip/headers.h>
#include <sipdx/sip/message.h>
#include <sipdx/sip/params.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace sipdx;
namespace fs = std::filesystem;

namespace {

std::string with_from_to(const std::string& value) {
    return "INVITE sip:b@example.com SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\r\n"
           "From: " +
           value + "\r\nTo: " + value +
           "\r\nCall-ID: 1@x\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
}

// Calls `check` with every RFC 4475/5118 torture message (parsed) and its file name.
template <typename Check>
int for_each_torture_message(Check check) {
    const fs::path dir = fs::path(SIPDX_TEST_DATA_DIR) / "torture";
    int messages = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (entry.path().extension() != ".dat") continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        const std::string bytes = text.str();
        check(sip::parse_message(bytes), entry.path().string());
        ++messages;
    }
    return messages;
}

void expect_same(const sip::Message& m, const std::string& what) {
    for (auto id : {sip::HeaderId::from, sip::HeaderId::to})
        EXPECT_EQ(session::uri_text(m, id), session::uri_text_parsed(m, id)) << what;
}

} // namespace

TEST(UriText, PlainAndOddValuesAgreeWithTheFullParser) {
    const std::vector<std::string> values = {
        "<sip:alice@example.com>;tag=1",
        "Alice <sip:alice@example.com:5060;transport=tcp>;tag=1",
        "\"Alice\" <sip:alice@example.com>;tag=1",
        "sip:alice@example.com;tag=1",
        "sip:alice@example.com",
        "<sips:+15551234@ims.example.com;user=phone>",
        "<SIP:Alice@Example.COM>",
        "<tel:+15551234;phone-context=example.com>",
        "<sip:example.com>",
        "<sip:alice:secret@example.com>",
        "<sip:alice;day=tue@example.com>",
        "<sip:@example.com>",
        "<sip:alice@>",
        "<sip:alice@[2001:db8::1]:5060>",
        "<sip:alice@2001:db8::1>",
        "< sip:alice@example.com >",
        "sip:alice@example.com ;tag=1",
        "<sip:alice@example.com;x=a@b>",
        "<sip:alice@example.com?subject=hi>",
        "<sip:al%20ice@example.com>",
        "<sip:alice@example.com:abc>",
        "<sip:alice@example.com:>",
        "<sip:alice@exa_mple.com>",
        "<sip:alice@example.com",
        "sip:a@b;x=<y>",
        "*",
        "",
        "<>",
        "<sip:>",
        "<sips:>",
        "<sip:alice@host=x>",
        "urn:service:sos",
        "Bob sip:bob@example.com",
        "\"A\" <tel:+15551234>;tag=9",
        "<tel:+15551234;phone-context=ims.example.com>",
        "tel:+15551234;tag=1",
        "<TEL:5551234>",
        "<tel:>",
        "<tel:+1@2>",
        "\"Al\\\"ice\" <sip:a@example.com>",
        "\"Alice\"<sip:a@example.com>",
        "\"Alice\" sip:a@example.com",
        "\"unterminated <sip:a@example.com>",
        "\"Alice\" <sip:a@example.com",
        "\"\" <sip:a@example.com>;tag=2",
        "\"+4912\" <sip:+4912;verstat=TN-Validation-Passed;cpc=ordinary@ims.example.org;"
        "user=phone>;tag=9",
        "<sip:+4912;cpc=ordinary@ims.example.org:5060;user=phone>",
        "<sip:+4912;a=b:c@ims.example.org>",
        "<sip:+4912;a=b@ims.example.org@x>",
        "<sip:+4912;a=b@>",
        "<sip:+4912;a=b@host:1:2>",
        "<sip:+4912;a=b@host=1>",
        "<sip:;a=b@host>",
        "<sip:host;x=1:2;y=a@b>",
        "sip:+4912;cpc=ordinary@ims.example.org",
    };
    for (const auto& value : values) {
        const std::string bytes = with_from_to(value);
        const auto m = sip::parse_message(bytes);
        expect_same(m, value);
    }
}

TEST(UriText, AgreesOnEveryTortureMessage) {
    EXPECT_GT(for_each_torture_message(expect_same), 50);
}

namespace {
// The transaction key's Via fields through the public full parsers: split the list, parse the
// first via-parm.
void expect_key_matches_full_via(const sip::Message& m, const std::string& what) {
    const auto key = m.transaction_key();
    const sip::Header* via = m.find(sip::HeaderId::via);
    if (via == nullptr) return;
    sip::ListSplitter split(via->value);
    const auto first = split.next();
    ASSERT_TRUE(first.has_value()) << what;
    const auto parsed = sip::parse_via(*first);
    if (!parsed) {
        EXPECT_FALSE(key.complete) << what;
        return;
    }
    EXPECT_EQ(key.branch, parsed->branch) << what;
    EXPECT_EQ(key.sent_by, parsed->sent_by) << what;
    EXPECT_EQ(key.sent_by_host, parsed->host) << what;
    EXPECT_EQ(key.sent_by_port, parsed->port) << what;
}

std::string with_via(const std::string& via) {
    return "OPTIONS sip:b@example.com SIP/2.0\r\nVia: " + via +
           "\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\n"
           "Call-ID: 1@x\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
}
} // namespace

TEST(TransactionKeyVia, PlainAndOddViasAgreeWithTheFullParser) {
    const std::vector<std::string> vias = {
        "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds",
        "SIP/2.0/TCP pcscf.ims.example.com;branch=z9hG4bKx;rport;received=10.0.0.1",
        "SIP/2.0/UDP 192.0.2.1:5060;rport=5061;branch=z9hG4bK1;branch=z9hG4bK2",
        "SIP/2.0/UDP 192.0.2.1;BRANCH=z9hG4bKcase",
        "SIP/2.0/UDP 192.0.2.1:65535;branch=a",
        "SIP/2.0/UDP 192.0.2.1:65536;branch=a",
        "SIP/2.0/UDP 192.0.2.1:99999;branch=a",
        "SIP/2.0/UDP 192.0.2.1:123456;branch=a",
        "SIP/2.0/UDP 192.0.2.1:;branch=a",
        "SIP/2.0/UDP 192.0.2.1:50x;branch=a",
        "SIP/2.0/UDP 192.0.2.1;branch",
        "SIP/2.0/UDP 192.0.2.1;branch=",
        "SIP/2.0/UDP 192.0.2.1;;branch=a",
        "SIP/2.0/UDP 192.0.2.1;branch=\"quoted\"",
        "SIP/2.0/UDP 192.0.2.1;branch=a=b",
        "SIP/2.0/UDP 192.0.2.1;branch=a, SIP/2.0/UDP 192.0.2.2;branch=b",
        "SIP/2.0/UDP 192.0.2.1;branch=a,SIP/2.0/UDP 192.0.2.2;branch=b",
        "SIP / 2.0 / UDP 192.0.2.1;branch=a",
        "SIP/2.0/UDP  192.0.2.1;branch=a",
        "SIP/2.0/UDP\t192.0.2.1;branch=a",
        "SIP/2.0/UDP [2001:db8::1]:5060;branch=a",
        "SIP/2.0/UDP 192.0.2.1 ;branch=a",
        "SIP/2.0/UDP 192.0.2.1;branch=a (comment)",
        "SIP/2.0/UDP",
        "SIP/2.0/UDP ;branch=a",
        "SIP/2.0/UDP :5060;branch=a",
        "SIP/2.0//UDP host;branch=a",
        "SIP/2.0/ host;branch=a",
        "SIP/2.0 host;branch=a",
        "SIP/2.0/UDP/X host;branch=a",
        "SIP/2.0/UDP host/x;branch=a",
        "SIP/2.0/UDP host;branch=a;x/y=1",
        "SIP/2.0/UDP host;branch=a:b",
        "SIP/2.0/UDP host;=a;branch=b",
        "SIP/2.0/UDP host:5060:5061;branch=a",
        "SIP/2.0/UDP host;received=1.2.3.4;branch=z9hG4bK.a-b_c!d%e*f~g`h'i",
    };
    for (const auto& via : vias) {
        const std::string bytes = with_via(via);
        const auto m = sip::parse_message(bytes);
        expect_key_matches_full_via(m, via);
    }
}

TEST(TransactionKeyVia, AgreesOnEveryTortureMessage) {
    EXPECT_GT(for_each_torture_message(expect_key_matches_full_via), 50);
}

namespace {
// The key's tags through the public parameter iterator: parameters start after the last '>' of
// a name-addr, or at the first ';' of an addr-spec; the first `tag` parameter wins.
std::string_view full_tag(const sip::Message& m, sip::HeaderId id) {
    const sip::Header* h = m.find(id);
    if (h == nullptr) return {};
    const std::string_view value = h->value;
    const std::size_t gt = value.rfind('>');
    const std::size_t semi = value.find(';', gt == std::string_view::npos ? 0 : gt + 1);
    if (semi == std::string_view::npos) return {};
    const auto tag = sip::ParamList(value.substr(semi)).value("tag");
    return tag ? *tag : std::string_view{};
}

void expect_tags_match_full_params(const sip::Message& m, const std::string& what) {
    const auto key = m.transaction_key();
    EXPECT_EQ(key.from_tag, full_tag(m, sip::HeaderId::from)) << what;
    EXPECT_EQ(key.to_tag, full_tag(m, sip::HeaderId::to)) << what;
}
} // namespace

TEST(TransactionKeyTags, PlainAndOddParametersAgreeWithTheFullIterator) {
    const std::vector<std::string> values = {
        "<sip:a@example.com>;tag=1928301774",
        "<sip:a@example.com>;TAG=Upper",
        "<sip:a@example.com>;x=1;tag=second;tag=third",
        "<sip:a@example.com>;tag",
        "<sip:a@example.com>;tag=",
        "<sip:a@example.com>;tag=\"quoted\"",
        "<sip:a@example.com> ;tag=space-before",
        "<sip:a@example.com>; tag = spaced",
        "<sip:a@example.com>;tag=a;",
        "<sip:a@example.com>;;tag=a",
        "<sip:a@example.com>;tag=a b",
        "<sip:a@example.com>;tags=no;tag=yes",
        "<sip:a@example.com>;ta=no;tag=yes",
        "<sip:a@example.com;tag=inside>",
        "<sip:a@example.com;tag=inside>;tag=outside",
        "sip:a@example.com;tag=addr-spec",
        "sip:a@example.com;tag=a.b-c_d!e%f*g+h~i`j'k",
        "\"Display; >\" <sip:a@example.com>;tag=after-quote",
        "<sip:a@example.com>",
        "<sip:a@example.com>;tag=x>y",
        "<sip:a@example.com>;=v;tag=a",
        "<sip:a@example.com>;tag=a,b",
        "<sip:a@example.com>;tag=\t",
    };
    for (const auto& value : values) {
        const std::string bytes = with_from_to(value);
        const auto m = sip::parse_message(bytes);
        expect_tags_match_full_params(m, value);
    }
}

TEST(TransactionKeyTags, AgreeOnEveryTortureMessage) {
    EXPECT_GT(for_each_torture_message(expect_tags_match_full_params), 50);
}

TEST(MakeEvent, InitialInviteCarriesTheBranchOfTheHopBefore) {
    auto text = [](const std::string& vias, const std::string& to) {
        return "INVITE sip:b@example.com SIP/2.0\r\n" + vias +
               "From: <sip:a@example.com>;tag=f\r\nTo: <sip:b@example.com>" + to +
               "\r\nCall-ID: 1@x\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
               "Content-Length: 0\r\n\r\n";
    };
    decode::SipPayload payload;
    const std::string two_lines = text("Via: SIP/2.0/UDP p.example.com;branch=z9hG4bKp\r\n"
                                       "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKua\r\n",
                                       "");
    const std::string one_line = text("Via: SIP/2.0/UDP p.example.com;branch=z9hG4bKp, SIP/2.0/UDP "
                                      "192.0.2.1;branch=z9hG4bKua\r\n",
                                      "");
    const std::string in_dialog = text("Via: SIP/2.0/UDP p.example.com;branch=z9hG4bKp\r\n"
                                       "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKua\r\n",
                                       ";tag=t");
    const std::string single = text("Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKua\r\n", "");
    for (const auto* bytes : {&two_lines, &one_line}) {
        const auto m = sip::parse_message(*bytes);
        EXPECT_EQ(session::make_event(payload, m, 0).previous_branch, "z9hG4bKua") << *bytes;
    }
    EXPECT_TRUE(
        session::make_event(payload, sip::parse_message(in_dialog), 0).previous_branch.empty());
    EXPECT_TRUE(
        session::make_event(payload, sip::parse_message(single), 0).previous_branch.empty());
}

// P-Access-Network-Info and the SDP body reach the event for the tracker's IMS evidence.
TEST(Adapter, AccessNetworkAndSdpBody) {
    const std::string sdp = "v=0\r\nm=audio 4000 RTP/AVP 0\r\na=des:qos mandatory local "
                            "sendrecv\r\na=curr:qos local none\r\n";
    const std::string bytes = "INVITE sip:b@example.com SIP/2.0\r\n"
                              "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\r\n"
                              "From: <sip:a@example.com>;tag=f\r\nTo: <sip:b@example.com>\r\n"
                              "Call-ID: 1@x\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
                              "P-Access-Network-Info: 3GPP-E-UTRAN-FDD;utran-cell-id-3gpp="
                              "310410910D67BBF16\r\n"
                              "Content-Type: application/sdp\r\nContent-Length: " +
                              std::to_string(sdp.size()) + "\r\n\r\n" + sdp;
    decode::SipPayload payload;
    const auto m = sip::parse_message(bytes);
    const auto e = session::make_event(payload, m, 0);
    EXPECT_EQ(e.access_network, "3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=310410910D67BBF16");
    EXPECT_TRUE(e.has_sdp);
    EXPECT_EQ(e.sdp, sdp);
    const std::string plain = with_from_to("<sip:a@x>");
    const auto bare = session::make_event(payload, sip::parse_message(plain), 0);
    EXPECT_TRUE(bare.access_network.empty());
    EXPECT_TRUE(bare.sdp.empty());
}
