// Q.850 causes, the RFC 3398 mappings in both directions, and the warn-code registry.
#include <sipdx/knowledge/q850.h>
#include <sipdx/knowledge/response_codes.h>

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace kb = sipdx::knowledge;

TEST(Q850, CausesAreAscendingCompleteAndClassedByValue) {
    int previous = 0;
    for (const auto& c : kb::q850_causes()) {
        SCOPED_TRACE(c.cause);
        EXPECT_GT(c.cause, previous);
        previous = c.cause;
        EXPECT_GE(c.cause, 1);
        EXPECT_LE(c.cause, 127);
        EXPECT_FALSE(c.name.empty());
        EXPECT_FALSE(c.meaning.empty());
        EXPECT_EQ(c.cause_class, kb::q850_class_of(c.cause));
        EXPECT_EQ(kb::find_q850(c.cause), &c);
        if (c.sip_code) {
            EXPECT_NE(kb::find_registered(*c.sip_code), nullptr);
        }
        if (c.alt_sip_code) {
            EXPECT_NE(kb::find_registered(*c.alt_sip_code), nullptr);
        }
    }
    // Q.850 (with its amendments) defines these values; the gaps are undefined.
    const std::vector<int> defined = {
        1,  2,  3,  4,  5,  6,  7,  8,  9,  14, 16,  17,  18,  19,  20,  21,  22, 23,
        24, 25, 26, 27, 28, 29, 30, 31, 34, 38, 39,  40,  41,  42,  43,  44,  46, 47,
        49, 50, 53, 55, 57, 58, 62, 63, 65, 66, 69,  70,  79,  81,  82,  83,  84, 85,
        86, 87, 88, 90, 91, 95, 96, 97, 98, 99, 100, 101, 102, 103, 110, 111, 127};
    ASSERT_EQ(kb::q850_causes().size(), defined.size());
    for (int cause : defined)
        EXPECT_NE(kb::find_q850(cause), nullptr) << cause;
    for (int cause : {0, 10, 15, 32, 45, 126, 128, -1})
        EXPECT_EQ(kb::find_q850(cause), nullptr);
}

TEST(Q850, ClassOfValue) {
    EXPECT_EQ(kb::q850_class_of(0), "normal event");
    EXPECT_EQ(kb::q850_class_of(31), "normal event");
    EXPECT_EQ(kb::q850_class_of(32), "resource unavailable");
    EXPECT_EQ(kb::q850_class_of(63), "service or option not available");
    EXPECT_EQ(kb::q850_class_of(79), "service or option not implemented");
    EXPECT_EQ(kb::q850_class_of(95), "invalid message");
    EXPECT_EQ(kb::q850_class_of(111), "protocol error");
    EXPECT_EQ(kb::q850_class_of(127), "interworking");
    EXPECT_TRUE(kb::q850_class_of(128).empty());
    EXPECT_TRUE(kb::q850_class_of(-1).empty());
}

// RFC 3398 section 8.2.6.1, typed here from the RFC table (and ../shared/ref/q850_to_sip.tsv).
TEST(Q850, IsupToSipMatchesRfc3398) {
    const std::map<int, int> expected = {
        {1, 404},  {2, 404},  {3, 404},  {17, 486}, {18, 408},  {19, 480},  {20, 480}, {21, 403},
        {22, 410}, {23, 410}, {26, 404}, {27, 502}, {28, 484},  {29, 501},  {31, 480}, {34, 503},
        {38, 503}, {41, 503}, {42, 503}, {47, 503}, {55, 403},  {57, 403},  {58, 503}, {65, 488},
        {70, 488}, {79, 501}, {87, 403}, {88, 503}, {102, 504}, {111, 500}, {127, 500}};
    for (const auto& c : kb::q850_causes()) {
        SCOPED_TRACE(c.cause);
        const auto it = expected.find(c.cause);
        if (it == expected.end()) {
            EXPECT_FALSE(c.sip_code.has_value());
        } else {
            EXPECT_EQ(c.sip_code, it->second);
        }
    }
    EXPECT_EQ(kb::find_q850(22)->alt_sip_code, 301);
    EXPECT_FALSE(kb::find_q850(16)->sip_code.has_value());
    EXPECT_FALSE(kb::find_q850(16)->mapping_note.empty());
}

TEST(Q850, SipToIsupMatchesRfc3398) {
    const std::map<int, int> expected = {
        {400, 41},  {401, 21},  {402, 21},  {403, 21},  {404, 1},   {405, 63}, {406, 79},
        {407, 21},  {408, 102}, {410, 22},  {413, 127}, {414, 127}, {415, 79}, {416, 127},
        {420, 127}, {421, 127}, {423, 127}, {480, 18},  {481, 41},  {482, 25}, {483, 25},
        {484, 28},  {485, 1},   {486, 17},  {500, 41},  {501, 79},  {502, 38}, {503, 41},
        {504, 102}, {505, 127}, {513, 127}, {600, 17},  {603, 21},  {604, 1}};
    for (const auto& [sip, cause] : expected)
        EXPECT_EQ(kb::q850_for_sip(sip), cause) << sip;
    for (int sip : {100, 180, 200, 302, 487, 488, 606, 999}) {
        EXPECT_FALSE(kb::q850_for_sip(sip).has_value()) << sip;
    }
}

TEST(Q850, CausesMappingToACode) {
    auto as_vector = [](std::span<const int> s) { return std::vector<int>(s.begin(), s.end()); };
    EXPECT_EQ(as_vector(kb::q850_causes_mapping_to(503)),
              (std::vector<int>{34, 38, 41, 42, 47, 58, 88}));
    EXPECT_EQ(as_vector(kb::q850_causes_mapping_to(480)), (std::vector<int>{19, 20, 31}));
    EXPECT_EQ(as_vector(kb::q850_causes_mapping_to(404)), (std::vector<int>{1, 2, 3, 26}));
    EXPECT_EQ(as_vector(kb::q850_causes_mapping_to(301)), (std::vector<int>{22}));
    EXPECT_EQ(as_vector(kb::q850_causes_mapping_to(410)), (std::vector<int>{22, 23}));
    EXPECT_TRUE(kb::q850_causes_mapping_to(200).empty());
    EXPECT_TRUE(kb::q850_causes_mapping_to(-5).empty());
}

TEST(WarningCodes, MatchTheIanaRegistry) {
    const std::map<int, std::string_view> expected = {
        {300, "Incompatible network protocol"},
        {301, "Incompatible network address formats"},
        {302, "Incompatible transport protocol"},
        {303, "Incompatible bandwidth units"},
        {304, "Media type not available"},
        {305, "Incompatible media format"},
        {306, "Attribute not understood"},
        {307, "Session description parameter not understood"},
        {308, "Incompatible language specification"},
        {330, "Multicast not available"},
        {331, "Unicast not available"},
        {370, "Insufficient bandwidth"},
        {380, "SIPS Not Allowed"},
        {381, "SIPS Required"},
        {399, "Miscellaneous warning"}};
    ASSERT_EQ(kb::warning_codes().size(), expected.size());
    for (const auto& w : kb::warning_codes()) {
        SCOPED_TRACE(w.code);
        const auto it = expected.find(w.code);
        ASSERT_NE(it, expected.end());
        EXPECT_EQ(w.text, it->second);
        EXPECT_FALSE(w.meaning.empty());
        EXPECT_FALSE(w.reference.empty());
        EXPECT_EQ(kb::find_warning(w.code), &w);
    }
    EXPECT_EQ(kb::find_warning(350), nullptr);
}
