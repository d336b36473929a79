// Ladder size bounds (issue 23): a Call-ID over many hosts gets at most max_hosts columns, the
// rest folded into "others" and said so; labels never carry raw control bytes into mermaid.
#include <sipdx/output/ladder.h>

#include "unit/output/xml_check.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace sipdx;
using namespace sipdx::output;

namespace {

std::vector<session::MessageRecord> one_call_over(std::size_t hosts) {
    std::vector<session::MessageRecord> messages;
    const std::uint8_t target[4] = {127, 0, 0, 1};
    for (std::size_t i = 0; i < hosts; ++i) {
        const std::uint8_t src[4] = {127, 1, static_cast<std::uint8_t>(i >> 8),
                                     static_cast<std::uint8_t>(i)};
        session::MessageRecord m;
        m.time_ns = static_cast<std::int64_t>(i) * 1000;
        m.src = {decode::Address::v4(src), 5060};
        m.dst = {decode::Address::v4(target), 5060};
        m.label = "OPTIONS";
        messages.push_back(m);
    }
    return messages;
}

} // namespace

TEST(LadderBounds, HostsBeyondTheBoundShareOneColumn) {
    const auto messages = one_call_over(2000); // 2001 hosts with the target
    LadderOptions options;
    options.max_hosts = 8;
    EXPECT_EQ(ladder_folded_hosts(messages, options), 2001u - 7u);
    const std::string text = render_ladder_text(messages, options);
    EXPECT_NE(text.find("others (1994 hosts)"), std::string::npos);
    EXPECT_NE(text.find("note: 1994 hosts beyond the first 7"), std::string::npos);
    // Every line is as wide as 8 columns at most, however many hosts.
    std::size_t widest = 0;
    for (std::size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos;
         start = end + 1)
        widest = std::max(widest, end - start);
    EXPECT_LE(widest, 22u + 48u * 8u);
    const std::string mermaid = render_ladder_mermaid(messages, options);
    EXPECT_NE(mermaid.find("participant h7 as others (1994 hosts)"), std::string::npos);
    EXPECT_EQ(mermaid.find("participant h8 "), std::string::npos);
    const std::string svg = render_ladder_svg(messages, options);
    EXPECT_EQ(test::check_xml(svg), "");
    EXPECT_NE(svg.find("width=\"1800\""), std::string::npos); // 120 + 220 * 7 + 140

    // Few hosts: nothing folded, no note (the output of ordinary calls is unchanged).
    const auto small = one_call_over(3);
    EXPECT_EQ(ladder_folded_hosts(small), 0u);
    EXPECT_EQ(render_ladder_text(small).find("note:"), std::string::npos);
    EXPECT_EQ(render_ladder_mermaid(small).find("Note over"), std::string::npos);
}

TEST(LadderBounds, MermaidLabelsShowControlBytes) {
    auto messages = one_call_over(2);
    messages[0].label = "486 Busy\x1b[2J\x01";
    const std::string mermaid = render_ladder_mermaid(messages);
    EXPECT_EQ(mermaid.find('\x1b'), std::string::npos) << mermaid;
    EXPECT_EQ(mermaid.find('\x01'), std::string::npos) << mermaid;
    EXPECT_NE(mermaid.find("486 Busy\\x1b[2J\\x01"), std::string::npos) << mermaid;
}
