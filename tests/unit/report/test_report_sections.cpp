// The media and sessions sections of the report, on shared corpus captures (skipped when
// ../shared is absent): what they show against the stages' own results, and redaction of the
// addresses and users they carry.
#include "unit/report/report_html.h"

#include <sipdx/report/report.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>

using namespace sipdx;

namespace {

std::string corpus(const char* name) {
    return (std::filesystem::path(SIPDX_SHARED_DIR) / "corpus" / name).string();
}
const char* const rtp_capture = "sip-udp-register-call-rtp-rtcp.pcap";
const char* const multi_leg_capture = "sip-gre-teb-mirror-subscribe-notify-refer.pcapng";

std::string page(const std::string& path, report::ReportOptions options) {
    std::FILE* f = std::tmpfile();
    analysis::AnalyzeOptions analyze;
    analyze.threads = 1;
    EXPECT_TRUE(report::write_report({path}, analyze, options, f).has_value());
    std::string html;
    std::fseek(f, 0, SEEK_END);
    html.resize(static_cast<std::size_t>(std::ftell(f)));
    std::rewind(f);
    EXPECT_EQ(std::fread(html.data(), 1, html.size(), f), html.size());
    std::fclose(f);
    return html;
}

std::string section(const std::string& html, const std::string& id) {
    const auto at = html.find("<section id=\"" + id + "\"");
    if (at == std::string::npos) return {};
    return html.substr(at, html.find("</section>", at) - at);
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

#define NEED(path)                                                                                 \
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent"

} // namespace

TEST(ReportMedia, StreamsOfTheMediaStageWithTheirCharts) {
    const std::string path = corpus(rtp_capture);
    NEED(path);
    const std::string media = section(page(path, {}), "media");
    ASSERT_FALSE(media.empty());
    // The capture: one call with two streams matched by SDP, three more found by their headers.
    EXPECT_NE(media.find("<dt>RTP streams</dt><dd>5<"), std::string::npos);
    EXPECT_EQ(count(media, "<tr><td><a class=\"call-link\""), 2u);
    EXPECT_EQ(count(media, "<tr><td><i>no call</i>"), 3u);
    // The call view's block: its two streams, each with figures, a MOS and a chart.
    const auto block = media.find("<div class=\"call-media\" data-call=\"12013223@200.57.7.195\"");
    ASSERT_NE(block, std::string::npos);
    const std::string call = media.substr(block);
    EXPECT_EQ(count(call, "<div class=\"stream\">"), 2u);
    EXPECT_EQ(count(call, "<svg class=\"chart stream-chart\""), 2u);
    EXPECT_NE(call.find("G.107 E-model"), std::string::npos);
    EXPECT_NE(call.find("long_silence"), std::string::npos);
}

TEST(ReportMedia, NoMediaSaysSo) {
    const std::string path = corpus(rtp_capture);
    NEED(path);
    report::ReportOptions options;
    options.media = false;
    const std::string media = section(page(path, options), "media");
    EXPECT_NE(media.find("not measured"), std::string::npos);
    EXPECT_EQ(media.find("media-calls"), std::string::npos);
}

TEST(ReportSessions, LegsLinksAndRoles) {
    const std::string path = corpus(multi_leg_capture);
    NEED(path);
    report::ReportOptions options;
    EXPECT_NE(section(page(path, options), "sessions").find("not grouped"), std::string::npos);
    options.sessions = true;
    const std::string sessions = section(page(path, options), "sessions");
    // One session of three legs (docs: tests/golden/sessions), held by a medium link.
    EXPECT_NE(sessions.find("id=\"session-S1\" data-strength=\"medium\""), std::string::npos);
    EXPECT_NE(sessions.find("3 legs"), std::string::npos);
    EXPECT_NE(sessions.find("data-call=\"ddd141f1d982d8989fb73db754a8fbb7@192.168.1.191\""),
              std::string::npos);
    EXPECT_NE(sessions.find("<b>replaces</b>"), std::string::npos);
    EXPECT_NE(sessions.find("class=\"verdict\""), std::string::npos);
    // Each of its legs names the session in its call view.
    EXPECT_EQ(count(sessions, "<p class=\"call-session\""), 3u);
    // A weak link never reads as certain.
    EXPECT_EQ(count(sessions, "link-weak\">weak: a guess"), count(sessions, "link-weak"));
}

TEST(ReportSections, RedactedMediaAndSessionsHoldNoAddressOrUser) {
    for (const char* name : {rtp_capture, multi_leg_capture}) {
        const std::string path = corpus(name);
        NEED(path);
        report::ReportOptions options;
        options.redact = true;
        options.sessions = true;
        options.messages = report::MessageText::all;
        const std::string html = page(path, options);
        const std::string all = test::decompressed_everything(html);
        for (const char* original :
             {"200.57.7.", "192.168.1.", "101.231.48.19", "20008777", "20008909", "180.173.83.248"})
            EXPECT_EQ(all.find(original), std::string::npos)
                << name << ": " << original << " near "
                << all.substr(all.find(original) - std::min<std::size_t>(all.find(original), 80),
                              160);
        if (name == rtp_capture) {
            EXPECT_NE(section(html, "media").find("SSRC 0x58f33dea · ip-"), std::string::npos);
        }
    }
}
