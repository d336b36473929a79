// Reason (RFC 3326) and Warning (RFC 3261 section 20.43) header decoding, including malformed
// values: problems are listed, nothing throws.
#include <sipdx/knowledge/reason.h>

#include <gtest/gtest.h>

#include <string>

namespace kb = sipdx::knowledge;

TEST(Reason, Q850WithText) {
    const auto v = kb::parse_reason(R"(Q.850;cause=16;text="Terminated")");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].protocol, "Q.850");
    EXPECT_EQ(v[0].cause, 16);
    EXPECT_EQ(v[0].text, "Terminated");
    EXPECT_TRUE(v[0].problems.empty());
    EXPECT_EQ(v[0].cause_meaning(), "Normal call clearing");
}

TEST(Reason, SeveralValuesAndParameterOrder) {
    const auto v = kb::parse_reason(
        R"(SIP ; text="Precondition Failure" ; cause=580, q.850;cause=47;location=LN)");
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].protocol, "SIP");
    EXPECT_EQ(v[0].cause, 580);
    EXPECT_EQ(v[0].cause_meaning(), "Precondition Failure");
    EXPECT_TRUE(v[0].problems.empty());
    EXPECT_EQ(v[1].protocol, "q.850"); // kept as written, compared case-insensitively
    EXPECT_EQ(v[1].cause, 47);
    EXPECT_EQ(v[1].cause_meaning(), "Resource unavailable, unspecified");
    ASSERT_EQ(v[1].params.size(), 1u);
    EXPECT_EQ(v[1].params[0].first, "location");
    EXPECT_EQ(v[1].params[0].second, "LN");
}

TEST(Reason, EscapesAndCommasInsideText) {
    const auto v = kb::parse_reason(R"(SIP;cause=200;text="Call \"completed\", elsewhere")");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].text, R"(Call "completed", elsewhere)");
    EXPECT_TRUE(v[0].problems.empty());
}

TEST(Reason, UnknownProtocolIsKept) {
    const auto v = kb::parse_reason("X-VENDOR;cause=15");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].protocol, "X-VENDOR");
    EXPECT_EQ(v[0].cause, 15);
    EXPECT_TRUE(v[0].problems.empty());
    EXPECT_TRUE(v[0].cause_meaning().empty());
    EXPECT_EQ(v[0].cause_table(), nullptr);
}

// The 3GPP protocols as UEs, P-CSCFs and MGCFs write them in BYE, CANCEL and responses.
TEST(Reason, ReleaseCauseFromAUe) {
    const auto v = kb::parse_reason(R"(RELEASE_CAUSE ;cause=1 ;text="User ends call")");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].protocol, "RELEASE_CAUSE");
    EXPECT_EQ(v[0].cause, 1);
    EXPECT_EQ(v[0].text, "User ends call");
    EXPECT_TRUE(v[0].problems.empty());
    EXPECT_EQ(v[0].cause_meaning(), "User ends call");
    ASSERT_NE(v[0].cause_3gpp(), nullptr);
    EXPECT_EQ(v[0].cause_3gpp()->table, kb::CauseTable::release_cause);
}

TEST(Reason, ThreeGppProtocolsCaseInsensitive) {
    const auto v =
        kb::parse_reason("release_cause;cause=3;text=\"Media bearer loss\", Q.850;cause=16, "
                         "s1ap-rnl;cause=21, EMM;cause=15, 5gsm;cause=36, NGAP-RNL;cause=36, "
                         "FAILURE_CAUSE;cause=2");
    ASSERT_EQ(v.size(), 7u);
    EXPECT_EQ(v[0].cause_meaning(), "Media bearer loss");
    EXPECT_EQ(v[1].cause_meaning(), "Normal call clearing");
    EXPECT_EQ(v[2].cause_meaning(), "radio-connection-with-ue-lost");
    EXPECT_EQ(v[3].cause_meaning(), "No Suitable Cells In tracking area");
    EXPECT_EQ(v[4].cause_meaning(), "Regular deactivation");
    EXPECT_EQ(v[5].cause_meaning(), "ims-voice-eps-fallback-or-rat-fallback-triggered");
    EXPECT_EQ(v[6].cause_meaning(), "Release of signalling bearer");
    for (const auto& value : v)
        EXPECT_TRUE(value.problems.empty()) << value.protocol;
}

TEST(Reason, ThreeGppValueNotInTheTable) {
    const auto v = kb::parse_reason("RELEASE_CAUSE;cause=9");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_TRUE(v[0].problems.empty()); // a later release may define it
    EXPECT_NE(v[0].cause_table(), nullptr);
    EXPECT_EQ(v[0].cause_3gpp(), nullptr);
    EXPECT_TRUE(v[0].cause_meaning().empty());
    const auto big = kb::parse_reason("EMM;cause=300");
    ASSERT_EQ(big[0].problems.size(), 1u);
    EXPECT_EQ(big[0].problems[0], "EMM cause 300 is out of range (0-255)");
}

TEST(Reason, CliIdIsNotAProtocolToken) {
    // "release-cause" is how the CLI names the table; on the wire the token is RELEASE_CAUSE.
    const auto v = kb::parse_reason("release-cause;cause=1");
    EXPECT_EQ(v[0].cause_table(), nullptr);
    EXPECT_TRUE(v[0].cause_meaning().empty());
}

TEST(Reason, RegisteredProtocols) {
    EXPECT_EQ(kb::reason_protocols().size(), 22u);
    ASSERT_NE(kb::find_reason_protocol("q.850"), nullptr);
    EXPECT_EQ(kb::find_reason_protocol("q.850")->name, "Q.850");
    ASSERT_NE(kb::find_reason_protocol("RELEASE_CAUSE"), nullptr);
    EXPECT_EQ(kb::find_reason_protocol("RELEASE_CAUSE")->reference, "3GPP TS 24.229");
    EXPECT_NE(kb::find_reason_protocol("5gmm"), nullptr);
    EXPECT_EQ(kb::find_reason_protocol("X-VENDOR"), nullptr);
    EXPECT_EQ(kb::find_reason_protocol(""), nullptr);
}

TEST(Reason, OutOfRangeCausesAreFlaggedButKept) {
    const auto q = kb::parse_reason("Q.850;cause=200");
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].cause, 200);
    ASSERT_EQ(q[0].problems.size(), 1u);
    EXPECT_NE(q[0].problems[0].find("out of range"), std::string::npos);

    const auto zero = kb::parse_reason("Q.850;cause=0");
    EXPECT_EQ(zero[0].problems.size(), 1u);

    const auto sip = kb::parse_reason("SIP;cause=99");
    EXPECT_EQ(sip[0].cause, 99);
    EXPECT_EQ(sip[0].problems.size(), 1u);
}

TEST(Reason, MalformedValues) {
    struct Case {
        const char* input;
        const char* problem_fragment;
    };
    const Case cases[] = {
        {"Q.850;cause=abc", "not a number"},
        {"Q.850;cause=", "no value"},
        {"Q.850;cause", "no value"},
        {"Q.850;cause=12345678901", "not a number"},
        {"Q.850;text=\"x\"", "no cause"},
        {"Q.850;cause=17;text=unquoted", "not a quoted-string"},
        {"Q.850;cause=17;text=\"open", "no closing quote"},
        {"Q.850;cause=17;cause=18", "more than once"},
        {"Q.850;;cause=17", "stray ';'"},
        {";cause=17", "missing protocol"},
        {"Q 850;cause=17", "not a token"},
        {"Q.850;cause=17;text=\"a\" junk", "after text"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.input);
        const auto v = kb::parse_reason(c.input);
        ASSERT_FALSE(v.empty());
        bool found = false;
        for (const auto& p : v[0].problems)
            found = found || p.find(c.problem_fragment) != std::string::npos;
        EXPECT_TRUE(found) << "expected a problem containing '" << c.problem_fragment << "'";
    }
    const auto duplicate = kb::parse_reason("Q.850;cause=17;cause=18");
    EXPECT_EQ(duplicate[0].cause, 17); // the first wins
}

TEST(Reason, EmptyAndStrayCommas) {
    const auto empty = kb::parse_reason("   ");
    ASSERT_EQ(empty.size(), 1u);
    EXPECT_FALSE(empty[0].problems.empty());

    const auto stray = kb::parse_reason("Q.850;cause=16,,SIP;cause=487");
    ASSERT_EQ(stray.size(), 3u);
    EXPECT_TRUE(stray[0].problems.empty());
    EXPECT_FALSE(stray[1].problems.empty());
    EXPECT_EQ(stray[2].cause, 487);
}

TEST(Reason, HostileInputDoesNotCrash) {
    std::string nasty(10000, '"');
    EXPECT_FALSE(kb::parse_reason(nasty).empty());
    std::string backslashes = "Q.850;text=\"" + std::string(5000, '\\');
    EXPECT_FALSE(kb::parse_reason(backslashes).empty());
    std::string semis(5000, ';');
    EXPECT_FALSE(kb::parse_reason(semis).empty());
    const char binary[] = {'Q', '\0', ';', 'c', '=', '\xff'};
    EXPECT_FALSE(kb::parse_reason(std::string_view(binary, sizeof binary)).empty());
}

TEST(Warning, SingleValue) {
    const auto v = kb::parse_warning(R"(370 p-cscf.ims.example.net:5060 "Insufficient bandwidth")");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].code, 370);
    EXPECT_EQ(v[0].agent, "p-cscf.ims.example.net:5060");
    EXPECT_EQ(v[0].text, "Insufficient bandwidth");
    EXPECT_TRUE(v[0].problems.empty());
    EXPECT_EQ(v[0].code_meaning(), "Insufficient bandwidth");
}

TEST(Warning, SeveralValuesWithEscapesAndIpv6) {
    const auto v = kb::parse_warning(
        R"(305 [2001:db8::1]:5060 "codec \"EVS\", not here", 399 sbc "vendor, detail")");
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].code, 305);
    EXPECT_EQ(v[0].agent, "[2001:db8::1]:5060");
    EXPECT_EQ(v[0].text, R"(codec "EVS", not here)");
    EXPECT_TRUE(v[0].problems.empty());
    EXPECT_EQ(v[1].code, 399);
    EXPECT_EQ(v[1].text, "vendor, detail");
    EXPECT_EQ(v[1].code_meaning(), "Miscellaneous warning");
}

TEST(Warning, UnregisteredCodeInRangeIsNotAProblem) {
    const auto v = kb::parse_warning(R"(350 host "x")");
    EXPECT_EQ(v[0].code, 350);
    EXPECT_TRUE(v[0].problems.empty());
    EXPECT_TRUE(v[0].code_meaning().empty());
}

TEST(Warning, MalformedValues) {
    struct Case {
        const char* input;
        const char* problem_fragment;
    };
    const Case cases[] = {
        {R"(host "text")", "missing warn-code"},
        {R"(39 host "text")", "not three digits"},
        {R"(3999 host "text")", "not three digits"},
        {R"(499 host "text")", "outside the 3xx range"},
        {R"(399x host "text")", "after warn-code"},
        {R"(399 "text")", "missing warn-agent"},
        {R"(399 host)", "missing warn-text"},
        {R"(399 host text)", "not a quoted-string"},
        {R"(399 host "open)", "no closing quote"},
        {R"(399 host "a" b)", "after warn-text"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.input);
        const auto v = kb::parse_warning(c.input);
        ASSERT_FALSE(v.empty());
        bool found = false;
        for (const auto& p : v[0].problems)
            found = found || p.find(c.problem_fragment) != std::string::npos;
        EXPECT_TRUE(found) << "expected a problem containing '" << c.problem_fragment << "'";
    }
    EXPECT_FALSE(kb::parse_warning("")[0].problems.empty());
}
