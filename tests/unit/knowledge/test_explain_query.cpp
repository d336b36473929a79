// Classification of what users paste into `sipdx explain`.
#include <sipdx/knowledge/explain.h>

#include <gtest/gtest.h>

namespace kb = sipdx::knowledge;

TEST(ExplainQuery, BareCodesAndStatusLines) {
    for (const auto& [input, code] : std::initializer_list<std::pair<const char*, int>>{
             {"486", 486},
             {" 100 ", 100},
             {"699", 699},
             {"SIP/2.0 503 Service Unavailable", 503},
             {"sip/2.0 180 Ringing\r\n", 180},
             {"SIP/2.0 499", 499},
             {"SIP/2.0  487   Request Terminated", 487}}) {
        SCOPED_TRACE(input);
        const auto q = kb::parse_query(input);
        ASSERT_TRUE(q.has_value()) << q.error().message;
        EXPECT_EQ(q->kind, kb::QueryKind::response_code);
        EXPECT_EQ(q->code, code);
    }
}

TEST(ExplainQuery, Headers) {
    const auto reason = kb::parse_query(R"(Reason: Q.850;cause=17;text="User busy")");
    ASSERT_TRUE(reason.has_value());
    EXPECT_EQ(reason->kind, kb::QueryKind::reason_header);
    EXPECT_EQ(reason->header_value, R"(Q.850;cause=17;text="User busy")");

    const auto spaced = kb::parse_query("reason :SIP;cause=200");
    ASSERT_TRUE(spaced.has_value());
    EXPECT_EQ(spaced->kind, kb::QueryKind::reason_header);
    EXPECT_EQ(spaced->header_value, "SIP;cause=200");

    const auto warning = kb::parse_query(R"(Warning: 399 host "text")");
    ASSERT_TRUE(warning.has_value());
    EXPECT_EQ(warning->kind, kb::QueryKind::warning_header);
    EXPECT_EQ(warning->header_value, R"(399 host "text")");
}

TEST(ExplainQuery, NotACode) {
    for (const char* input : {"", "   ", "abc", "99", "700", "1000", "0", "-1", "48x", "SIP/2.0",
                              "SIP/2.0 abc", "SIP/2.0 700 Nope", "Reasonable", "4861"}) {
        SCOPED_TRACE(input);
        const auto q = kb::parse_query(input);
        ASSERT_FALSE(q.has_value());
        EXPECT_FALSE(q.error().message.empty());
        EXPECT_EQ(q.error().message.find('\n'), std::string::npos) << "one line only";
    }
    EXPECT_NE(kb::parse_query("700").error().message.find("100-699"), std::string::npos);
    const std::string long_input(500, 'x');
    EXPECT_LT(kb::parse_query(long_input).error().message.size(), 200u)
        << "long input is shortened";
}

TEST(ExplainQuery, Q850AndWarnCodes) {
    EXPECT_EQ(kb::parse_q850_cause("17"), 17);
    EXPECT_EQ(kb::parse_q850_cause("0"), 0);
    EXPECT_EQ(kb::parse_q850_cause("127"), 127);
    for (const char* bad : {"128", "-1", "", "x", "1000"}) {
        EXPECT_FALSE(kb::parse_q850_cause(bad).has_value()) << bad;
    }
    EXPECT_EQ(kb::parse_warn_code("399"), 399);
    for (const char* bad : {"299", "400", "", "abc", "3999"}) {
        EXPECT_FALSE(kb::parse_warn_code(bad).has_value()) << bad;
    }
}

// What engineers paste (issue 18): a status line without its version or behind "Status:", a
// bare Reason value, a class, a word of a reason phrase.
TEST(ExplainQuery, NaturalPastes) {
    for (const char* input : {"486 Busy Here", "Status: 486 Busy Here",
                              "Status-Line: SIP/2.0 486 Busy Here", "  486  Busy Here\r\n"}) {
        SCOPED_TRACE(input);
        const auto q = kb::parse_query(input);
        ASSERT_TRUE(q.has_value()) << q.error().message;
        EXPECT_EQ(q->kind, kb::QueryKind::response_code);
        EXPECT_EQ(q->code, 486);
    }
    for (const char* input :
         {"Q.850;cause=17", "SIP;cause=487;text=\"Request Terminated\"", "q.850 ; cause=16"}) {
        SCOPED_TRACE(input);
        const auto q = kb::parse_query(input);
        ASSERT_TRUE(q.has_value()) << q.error().message;
        EXPECT_EQ(q->kind, kb::QueryKind::reason_header);
        EXPECT_EQ(q->header_value, kb::parse_query(input)->header_value);
    }
    const auto cls = kb::parse_query("4xx");
    ASSERT_TRUE(cls.has_value());
    EXPECT_EQ(cls->kind, kb::QueryKind::response_class);
    EXPECT_EQ(cls->code, 4);
    EXPECT_EQ(kb::parse_query("6XX")->code, 6);
    EXPECT_FALSE(kb::parse_query("7xx").has_value());
    EXPECT_FALSE(kb::parse_response_class("4").has_value());
    EXPECT_EQ(kb::parse_response_class("4", true), 4);

    const auto busy = kb::parse_query("busy");
    ASSERT_TRUE(busy.has_value());
    EXPECT_EQ(busy->kind, kb::QueryKind::search);
    std::vector<int> codes;
    for (const auto* c : kb::search_codes("BUSY"))
        codes.push_back(c->code);
    EXPECT_EQ(codes, (std::vector<int>{486, 600}));
    ASSERT_FALSE(kb::search_codes("not found").empty());
    EXPECT_EQ(kb::search_codes("not found").front()->code, 404);
    EXPECT_TRUE(kb::search_codes("x").empty()) << "one letter names nothing";
    const auto nothing = kb::parse_query("xyzzy");
    ASSERT_FALSE(nothing.has_value());
    EXPECT_NE(nothing.error().message.find("4xx"), std::string::npos)
        << "the error shows what works";
}

TEST(ExplainQuery, ErrorsCarryACodeToBranchOn) {
    EXPECT_EQ(kb::parse_query("  ").error().code, kb::QueryErrorCode::empty);
    EXPECT_EQ(kb::parse_query("700").error().code, kb::QueryErrorCode::out_of_range);
    EXPECT_EQ(kb::parse_query("SIP/2.0").error().code, kb::QueryErrorCode::malformed);
    EXPECT_EQ(kb::parse_query("xyzzy").error().code, kb::QueryErrorCode::no_match);
    EXPECT_EQ(kb::parse_q850_cause("128").error().code, kb::QueryErrorCode::out_of_range);
    EXPECT_EQ(kb::parse_warn_code("3a9").error().code, kb::QueryErrorCode::malformed);
}
