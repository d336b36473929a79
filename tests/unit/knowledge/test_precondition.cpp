// RFC 3312 preconditions: which desired segment and direction the current status does not meet.
#include <sipdx/knowledge/precondition.h>

#include <gtest/gtest.h>

namespace kb = sipdx::knowledge;

namespace {
constexpr std::string_view offer = "v=0\r\n"
                                   "o=- 1 1 IN IP4 127.0.0.1\r\n"
                                   "s=-\r\n"
                                   "c=IN IP4 127.0.0.1\r\n"
                                   "t=0 0\r\n"
                                   "m=audio 49170 RTP/AVP 96\r\n"
                                   "a=rtpmap:96 AMR-WB/16000\r\n"
                                   "a=curr:qos local sendrecv\r\n"
                                   "a=curr:qos remote none\r\n"
                                   "a=des:qos mandatory local sendrecv\r\n"
                                   "a=des:qos mandatory remote sendrecv\r\n"
                                   "a=conf:qos remote sendrecv\r\n";
} // namespace

TEST(Precondition, RemoteSegmentNotMet) {
    const auto state = kb::parse_preconditions(offer);
    ASSERT_EQ(state.lines.size(), 5u);
    EXPECT_TRUE(state.problems.empty());
    EXPECT_EQ(state.lines[0].media, 1);
    EXPECT_EQ(state.lines[0].media_type, "audio");
    EXPECT_EQ(state.lines[2].strength, "mandatory");
    const auto unmet = state.unmet();
    ASSERT_EQ(unmet.size(), 1u);
    EXPECT_EQ(unmet[0],
              "audio (stream 1): qos remote sendrecv is mandatory, current remote is none");
}

TEST(Precondition, AllMetAndOptionalDirection) {
    const auto met = kb::parse_preconditions("m=audio 1 RTP/AVP 0\na=curr:qos e2e sendrecv\n"
                                             "a=des:qos optional e2e send\n");
    EXPECT_TRUE(met.unmet().empty());
    const auto half = kb::parse_preconditions("m=audio 1 RTP/AVP 0\na=curr:qos local send\n"
                                              "a=des:qos mandatory local sendrecv\n");
    ASSERT_EQ(half.unmet().size(), 1u);
    EXPECT_EQ(half.unmet()[0],
              "audio (stream 1): qos local sendrecv is mandatory, current local is send");
}

TEST(Precondition, FailureStrengthAndMissingCurrent) {
    const auto s =
        kb::parse_preconditions("m=audio 1 RTP/AVP 0\na=des:qos failure e2e sendrecv\n"
                                "m=video 2 RTP/AVP 96\na=des:qos mandatory local recv\n");
    const auto unmet = s.unmet();
    ASSERT_EQ(unmet.size(), 2u);
    EXPECT_EQ(unmet[0], "audio (stream 1): qos e2e sendrecv precondition reported as failed "
                        "(strength 'failure')");
    EXPECT_EQ(unmet[1], "video (stream 2): qos local recv is mandatory, and no current status is "
                        "given for that segment");
}

TEST(Precondition, CompactLinesRoundTrip) {
    const auto lines = kb::precondition_lines(offer);
    EXPECT_EQ(lines, "m=audio\na=curr:qos local sendrecv\na=curr:qos remote none\n"
                     "a=des:qos mandatory local sendrecv\na=des:qos mandatory remote sendrecv\n"
                     "a=conf:qos remote sendrecv\n");
    EXPECT_EQ(kb::parse_preconditions(lines).unmet(), kb::parse_preconditions(offer).unmet());
    EXPECT_TRUE(kb::precondition_lines("v=0\r\nm=audio 1 RTP/AVP 0\r\n").empty());
}

TEST(Precondition, MalformedLinesAreProblems) {
    const auto s = kb::parse_preconditions("a=des:qos local sendrecv\na=curr:qos sideways send\n");
    EXPECT_TRUE(s.lines.empty());
    EXPECT_EQ(s.problems.size(), 2u);
}
