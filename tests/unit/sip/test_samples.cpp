// Whole real-world messages (tests/data/sip, from the shared capture corpus): typed accessors
// and the findings sipdx gives them.
#include <sipdx/sip/message.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace sipdx::sip {
namespace {

std::string sample(const char* name) {
    auto path = std::filesystem::path(SIPDX_TEST_DATA_DIR) / "sip" / name;
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(Samples, AkaRegisterWithSecurityClient) {
    std::string text = sample("sip-gtpu-ipv6-volte-iphone-ims-aka-0027.sip");
    ASSERT_FALSE(text.empty());
    Message m = parse_message(text);
    m.validate();
    EXPECT_TRUE(m.valid());
    EXPECT_EQ(m.method, Method::register_);
    auto auth = m.credentials(HeaderId::authorization);
    ASSERT_EQ(auth.size(), 1u);
    EXPECT_TRUE(auth[0].is_aka());
    EXPECT_EQ(auth[0].param("username"), "263734@imstest.lan");
    auto sec = m.security(HeaderId::security_client);
    ASSERT_EQ(sec.size(), 6u);
    EXPECT_EQ(sec[5].alg(), "hmac-sha-1-96");
    EXPECT_EQ(sec[5].ealg(), "null");
    auto pani = m.p_access_network_info();
    ASSERT_EQ(pani.size(), 1u);
    EXPECT_EQ(pani[0].access_type, "3GPP-E-UTRAN-FDD");
    auto contacts = m.contacts();
    ASSERT_EQ(contacts.size(), 1u);
    EXPECT_TRUE(contacts[0].uri.host_is_ipv6);
    EXPECT_EQ(m.tokens(HeaderId::require), (std::vector<std::string_view>{"sec-agree"}));
    EXPECT_EQ(m.expires(), 600000u);
}

TEST(Samples, AkaChallengeResponse) {
    const std::string m_text = sample("sip-gtpu-ipv6-volte-iphone-ims-aka-0016.sip");
    Message m = parse_message(m_text);
    m.validate();
    EXPECT_TRUE(m.valid());
    EXPECT_EQ(m.status, 401);
    auto www = m.credentials(HeaderId::www_authenticate);
    ASSERT_EQ(www.size(), 1u);
    EXPECT_TRUE(www[0].is_aka());
    auto server = m.security(HeaderId::security_server);
    ASSERT_EQ(server.size(), 1u);
    EXPECT_EQ(server[0].port_c(), 5062u);
    auto key = m.transaction_key();
    EXPECT_EQ(key.branch, "z9hG4bKVT3F3PbXtxKWEdp");
    EXPECT_EQ(key.cseq_method, Method::register_);
}

TEST(Samples, ChargingVectorAndAssertedIdentityOverSctp) {
    // INVITE through OpenSIPS with P-Asserted-Identity list and P-Charging-Vector.
    for (const auto& entry :
         std::filesystem::directory_iterator(std::filesystem::path(SIPDX_TEST_DATA_DIR) / "sip")) {
        if (entry.path().filename().string().rfind("sip-sctp-sll-invite-403-pcv", 0) != 0) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        Message m = parse_message(text);
        if (m.method != Method::invite) continue;
        auto pcv = m.p_charging_vector();
        ASSERT_TRUE(pcv);
        EXPECT_EQ(pcv->icid_value, "l3IAkHDw~~~~~~~~~~~~~0OHYPQA");
        auto pai = m.name_addrs(HeaderId::p_asserted_identity);
        ASSERT_EQ(pai.size(), 2u);
        EXPECT_EQ(pai[1].uri.scheme, UriScheme::tel);
        auto rr = m.name_addrs(HeaderId::record_route);
        ASSERT_FALSE(rr.empty());
        EXPECT_TRUE(rr[0].uri.params.has("lr"));
        return;
    }
    FAIL() << "no INVITE sample from sip-sctp-sll-invite-403-pcv";
}

TEST(Samples, PrackAndReliableProvisional) {
    bool saw_prack = false;
    bool saw_183 = false;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::filesystem::path(SIPDX_TEST_DATA_DIR) / "sip")) {
        if (entry.path().filename().string().rfind("sip-udp-ipv6-fragments-sll-prack-update", 0) !=
            0)
            continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        Message m = parse_message(text);
        m.validate();
        EXPECT_TRUE(m.valid()) << entry.path();
        if (m.method == Method::prack) {
            auto rack = m.rack();
            ASSERT_TRUE(rack);
            EXPECT_EQ(rack->method, Method::invite);
            saw_prack = true;
        }
        if (m.status == 183 && m.rseq()) {
            EXPECT_EQ(m.rseq(), 1u);
            auto sdp = m.sdp();
            if (sdp) {
                EXPECT_FALSE(sdp->media.empty());
            }
            saw_183 = true;
        }
    }
    EXPECT_TRUE(saw_prack);
    EXPECT_TRUE(saw_183);
}

TEST(Samples, SipIMultipartCarriesSdp) {
    const std::string m_text = sample("sip-udp-ipv4-fragmented-sip-i-isup-0002.sip");
    Message m = parse_message(m_text);
    auto type = m.content_type();
    ASSERT_TRUE(type);
    EXPECT_TRUE(type->is("multipart", "mixed"));
    auto sdp = m.sdp();
    ASSERT_TRUE(sdp);
    ASSERT_FALSE(sdp->media.empty());
    EXPECT_EQ(sdp->media[0].media, "audio");
}

TEST(Samples, ReasonQ850DecodedByKnowledge) {
    std::string text =
        "SIP/2.0 480 Temporarily Unavailable\r\n"
        "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\n"
        "To: <sip:c@d>;tag=2\r\nCall-ID: r\r\nCSeq: 1 INVITE\r\n"
        "Reason: Q.850;cause=21;text=\"nocallee\"\r\n"
        "Warning: 399 pcscf.example.net \"Call rejected\"\r\nContent-Length: 0\r\n\r\n";
    Message m = parse_message(text);
    m.validate();
    EXPECT_TRUE(m.valid());
    auto reasons = m.reasons();
    ASSERT_EQ(reasons.size(), 1u);
    EXPECT_EQ(reasons[0].protocol, "Q.850");
    EXPECT_EQ(reasons[0].cause, 21);
    EXPECT_EQ(reasons[0].text, "nocallee");
    auto warnings = m.warnings();
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_EQ(warnings[0].code, 399);
}

TEST(Samples, MalformedReasonIsReported) {
    std::string text = "SIP/2.0 603 Decline\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
                       "From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: r\r\n"
                       "CSeq: 1 INVITE\r\nReason: Q.850;cause=abc\r\nContent-Length: 0\r\n\r\n";
    Message m = parse_message(text);
    m.validate();
    EXPECT_TRUE(has_code(m.findings, FindingCode::reason_invalid));
    EXPECT_TRUE(m.valid()); // a warning: the response itself still stands
}

TEST(Samples, MalformedUpstreamSamplesCarryFindings) {
    const std::string cl_text = sample("sip-udp-invalid-content-length-0001.sip");
    Message cl = parse_message(cl_text);
    EXPECT_TRUE(has_code(cl.findings, FindingCode::content_length_invalid));
    const std::string twice_text = sample("sip-udp-multi-value-header-0001.sip");
    Message twice = parse_message(twice_text);
    EXPECT_TRUE(has_code(twice.findings, FindingCode::header_duplicate));
    EXPECT_EQ(twice.count(HeaderId::to), 2u);
}

TEST(Samples, EveryRealWorldSampleParsesIntoAStartLineAndHeaders) {
    std::size_t n = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::filesystem::path(SIPDX_TEST_DATA_DIR) / "sip")) {
        if (entry.path().extension() != ".sip") continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        Message m = parse_message(text);
        m.validate();
        EXPECT_FALSE(m.start_line.empty()) << entry.path();
        EXPECT_GE(m.headers.size(), 3u) << entry.path();
        EXPECT_FALSE(m.call_id().empty()) << entry.path();
        ++n;
    }
    EXPECT_GE(n, 40u);
}

TEST(FindingCatalogue, NamesAreUniqueStableAndDescribed) {
    std::set<std::string_view> names;
    for (auto i = 1; i < static_cast<int>(FindingCode::count_); ++i) {
        auto code = static_cast<FindingCode>(i);
        auto name = to_string(code);
        EXPECT_TRUE(name.starts_with("sip.")) << i;
        EXPECT_FALSE(describe(code).empty()) << name;
        EXPECT_TRUE(names.insert(name).second) << "duplicate " << name;
        EXPECT_EQ(parse_finding_code(name), code);
    }
    // docs/sip-parser.md lists every code.
    std::ifstream doc(std::filesystem::path(SIPDX_SOURCE_DIR) / "docs/sip-parser.md");
    std::string text((std::istreambuf_iterator<char>(doc)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(text.empty());
    for (auto name : names)
        EXPECT_NE(text.find("`" + std::string(name) + "`"), std::string::npos) << name;
    // A few names other stages match on; they must never change.
    EXPECT_EQ(to_string(FindingCode::missing_call_id), "sip.missing-header.call-id");
    EXPECT_EQ(to_string(FindingCode::content_length_exceeds), "sip.content-length.exceeds-message");
    EXPECT_EQ(to_string(FindingCode::junk_before_message), "sip.framing.junk-before-message");
}

} // namespace
} // namespace sipdx::sip
