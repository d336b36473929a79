// Decode findings have the shape of every other finding: a stable name, a severity on the one
// scale, and a description.
#include <sipdx/decode/packet.h>

#include <gtest/gtest.h>

#include <set>
#include <string>

using sipdx::decode::DecodeFinding;
using sipdx::knowledge::Severity;

TEST(DecodeFinding, EveryCodeHasANameASeverityAndADescription) {
    std::set<std::string> names;
    for (std::uint16_t bit = 1; bit <= 1u << 11; bit = static_cast<std::uint16_t>(bit << 1)) {
        const auto f = static_cast<DecodeFinding>(bit);
        const std::string name(sipdx::decode::to_string(f));
        EXPECT_EQ(name.rfind("decode.", 0), 0u) << name;
        EXPECT_NE(name, "decode.unknown");
        EXPECT_TRUE(names.insert(name).second) << "duplicate " << name;
        EXPECT_FALSE(sipdx::decode::describe(f).empty()) << name;
    }
    EXPECT_EQ(sipdx::decode::severity_of(DecodeFinding::tcp_gap), Severity::warning);
    EXPECT_EQ(sipdx::decode::severity_of(DecodeFinding::tcp_reassembled), Severity::info);
}
