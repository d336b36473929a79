// `sipdx flow` end to end on the bundled sample: ladder text, Mermaid and SVG.
#include "unit/commands/analysis_cli.h"

#include <gtest/gtest.h>

using namespace sipdx::test;

TEST(FlowCommand, TextLadderMarksRetransmissions) {
    const auto run =
        run_sipdx("flow " + quoted(sample_capture()) + " --call noanswer-1@sipdx.test");
    ASSERT_EQ(run.exit_code, 0);
    EXPECT_NE(run.out.find("127.0.0.1:25077"), std::string::npos); // hosts as columns
    EXPECT_NE(run.out.find("127.0.0.1:25076"), std::string::npos);
    EXPECT_NE(run.out.find("INVITE (SDP)--"), std::string::npos);
    EXPECT_NE(run.out.find("*retransmission*"), std::string::npos);
    EXPECT_NE(run.out.find("+  0.5"), std::string::npos); // T1 = 500 ms between the first two
}

TEST(FlowCommand, ArrowsPointBothWays) {
    const auto run = run_sipdx("flow " + quoted(sample_capture()) + " --call busy-1@sipdx.test");
    ASSERT_EQ(run.exit_code, 0);
    EXPECT_NE(run.out.find("|-----INVITE (SDP)----->|"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("|<----486 Busy Here-----|"), std::string::npos) << run.out;
}

TEST(FlowCommand, MermaidAndSvg) {
    const auto mermaid = run_sipdx("flow --format mermaid " + quoted(sample_capture()) +
                                   " --call prack-1@sipdx.test");
    ASSERT_EQ(mermaid.exit_code, 0);
    EXPECT_EQ(mermaid.out.rfind("sequenceDiagram\n", 0), 0u);
    EXPECT_NE(mermaid.out.find("h0->>h1: PRACK"), std::string::npos);
    const auto svg =
        run_sipdx("flow --format svg " + quoted(sample_capture()) + " --call ipv6-1@sipdx.test");
    ASSERT_EQ(svg.exit_code, 0);
    EXPECT_EQ(svg.out.rfind("<svg", 0), 0u);
    EXPECT_NE(svg.out.find("[::1]:"), std::string::npos);
    EXPECT_NE(svg.out.find("</svg>"), std::string::npos);
}

TEST(FlowCommand, UnknownCallIdIsAUsageError) {
    EXPECT_EQ(run_sipdx("flow " + quoted(sample_capture()) + " --call nope").exit_code, 2);
    EXPECT_EQ(run_sipdx("flow " + quoted(sample_capture())).exit_code, 2); // --call required
}

// Errors say what to do next (issue 18): no --call points to `calls`; two --call are refused in
// words, not with a parser message.
TEST(FlowCommand, CallErrorsPointTheWay) {
    auto run = run_sipdx("flow " + quoted(sample_capture()), true);
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.out.find("sipdx calls"), std::string::npos) << run.out;
    run = run_sipdx("flow " + quoted(sample_capture()) + " --call a --call b", true);
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.out.find("one Call-ID at a time"), std::string::npos) << run.out;
}
