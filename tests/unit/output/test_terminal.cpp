// The terminal face (issue 18): colour only when asked, widths measured without escape
// sequences, long lines wrapped at spaces, whole messages with their SDP decoded, the call
// detail view, and ladders and tables that fit a width.
#include <sipdx/output/call_view.h>
#include <sipdx/output/ladder.h>
#include <sipdx/output/message_view.h>
#include <sipdx/output/table.h>
#include <sipdx/output/terminal.h>

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace sipdx::output;

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

std::size_t widest(const std::string& text) {
    std::size_t w = 0;
    for (const auto& l : lines(text))
        w = std::max(w, visible_width(l));
    return w;
}

const char* invite =
    "INVITE sip:bob@example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1\r\n"
    "From: <sip:alice@example.com>;tag=a\r\n"
    "To: <sip:bob@example.com>\r\n"
    "Call-ID: abc@10.0.0.1\r\n"
    "CSeq: 1 INVITE\r\n"
    "Max-Forwards: 70\r\n"
    "Subject: a very long subject line that goes on and on well past eighty columns of text\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 128\r\n"
    "\r\n"
    "v=0\r\n"
    "o=- 1 2 IN IP4 10.0.0.1\r\n"
    "s=-\r\n"
    "c=IN IP4 10.0.0.1\r\n"
    "t=0 0\r\n"
    "m=audio 4000 RTP/AVP 0 8\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=sendonly\r\n"
    "m=video 0 RTP/AVP 96\r\n";

TEST(Terminal, WidthLeavesEscapesOut) {
    EXPECT_EQ(visible_width("\033[1;31m486\033[0m"), 3u);
    EXPECT_EQ(strip_ansi("\033[32mok\033[0m done"), "ok done");
    EXPECT_EQ(visible_width("caf\xc3\xa9"), 4u);
}

TEST(Terminal, PaintOnlyWhenAsked) {
    EXPECT_EQ(paint("486", status_sgr(486), false), "486");
    EXPECT_EQ(paint("486", status_sgr(486), true), "\033[33m486\033[0m");
    EXPECT_EQ(paint("503", status_sgr(503), true), "\033[1;31m503\033[0m");
    EXPECT_EQ(status_sgr(0), "");
    EXPECT_EQ(outcome_sgr("failed"), sgr::bold_red);
    EXPECT_EQ(outcome_sgr("answered"), sgr::green);
}

TEST(Terminal, WrapsAtSpacesWithHangingIndent) {
    const std::string text = "  one two three four five six seven eight nine ten\nshort\n";
    const std::string wrapped = wrap_lines(text, 20, 2);
    EXPECT_LE(widest(wrapped), 20u) << wrapped;
    // No word is broken: every word is still there, whole.
    for (const char* word : {"one", "three", "seven", "eight", "nine", "ten", "short"})
        EXPECT_NE(wrapped.find(word), std::string::npos) << word;
    const auto l = lines(wrapped);
    ASSERT_GE(l.size(), 3u);
    EXPECT_EQ(l[1].rfind("    ", 0), 0u) << wrapped; // indent 2 + hang 2
    EXPECT_EQ(wrap_lines(text, 0), text);
    // A word longer than a line is the only thing cut; nothing is lost.
    const std::string word(50, 'x');
    const std::string cut = wrap_lines(word, 20);
    EXPECT_LE(widest(cut), 20u);
    EXPECT_EQ(std::count(cut.begin(), cut.end(), 'x'), 50);
    // Colour does not count, and survives.
    const std::string coloured = wrap_lines(paint(text, sgr::red, true), 20);
    EXPECT_LE(widest(coloured), 20u);
    EXPECT_NE(coloured.find("\033[31m"), std::string::npos);
    // A line that starts with colour keeps its indentation on the continuation lines.
    const auto dim = lines(wrap_lines(paint(text.substr(0, text.find('\n')), sgr::dim, true), 20));
    ASSERT_GE(dim.size(), 2u);
    EXPECT_EQ(dim[1].rfind("    ", 0), 0u) << dim[1];
}

TEST(Terminal, HighlightsCodesClassesAndSeverities) {
    const std::string report = "4xx Client\n  486 Busy Here   3\n  error clock-jump\nplain 486\n";
    EXPECT_EQ(highlight_report(report, false), report);
    const std::string h = highlight_report(report, true);
    EXPECT_NE(h.find("\033[33m4xx\033[0m"), std::string::npos) << h;
    EXPECT_NE(h.find("  \033[33m486\033[0m Busy"), std::string::npos) << h;
    EXPECT_NE(h.find("\033[1;31merror\033[0m"), std::string::npos) << h;
    EXPECT_NE(h.find("plain 486\n"), std::string::npos) << h; // only a line's first word
    EXPECT_EQ(strip_ansi(h), report);
}

TEST(Terminal, StyledTableCellsKeepTheColumns) {
    TableWriter table({{"code", 4, Align::right}, {"outcome", 8}, {"call_id"}});
    std::string plain;
    std::string styled;
    table.write_row(plain, std::vector<std::string>{"486", "failed", "x"});
    table.write_row(styled, std::vector<std::string>{"486", "failed", "x"}, {},
                    {status_sgr(486), outcome_sgr("failed"), {}});
    EXPECT_NE(styled, plain);
    EXPECT_EQ(strip_ansi(styled), plain);
}

TEST(TableWriter, MinWidthKeepsAColumnWhole) {
    TableOptions options;
    options.max_width = 30;
    TableWriter table({{"method", 9, Align::left, 0, 9}, {"call_id", 40}}, options);
    std::string out;
    table.write_row(out, std::vector<std::string>{"SUBSCRIBE", std::string(40, 'c')});
    EXPECT_EQ(out.rfind("SUBSCRIBE ", 0), 0u) << out; // never SUBSCRI~
    EXPECT_LE(visible_width(out.substr(0, out.size() - 1)), 30u) << out;
}

TEST(MessageView, WholeMessageWithSdpDecoded) {
    const MessageHeading heading{12, 1'500'000'000'000'000'000, "10.0.0.1:5060", "10.0.0.2:5060",
                                 "udp"};
    const std::string text = render_message_full(heading, invite, {false, 0});
    EXPECT_EQ(text.rfind("frame 12  2017-07-14T02:40:00.000000Z  10.0.0.1:5060 -> "
                         "10.0.0.2:5060  udp",
                         0),
              0u)
        << text;
    EXPECT_NE(text.find("\nINVITE sip:bob@example.com SIP/2.0\n"), std::string::npos);
    EXPECT_NE(text.find("\nCSeq: 1 INVITE\n"), std::string::npos);
    EXPECT_NE(text.find("\nm=audio 4000 RTP/AVP 0 8\n"), std::string::npos) << text;
    EXPECT_NE(text.find("SDP decoded"), std::string::npos);
    EXPECT_NE(text.find("audio 10.0.0.1:4000 RTP/AVP sendonly"), std::string::npos) << text;
    EXPECT_NE(text.find("codecs 0 PCMU/8000, 8"), std::string::npos) << text;
    EXPECT_NE(text.find("port 0: this stream is refused"), std::string::npos) << text;
    EXPECT_EQ(text.find('\033'), std::string::npos);
    EXPECT_EQ(text.find('\r'), std::string::npos);
    const std::string narrow = render_message_full(heading, invite, {true, 60});
    EXPECT_LE(widest(narrow), 60u) << narrow;
    EXPECT_NE(narrow.find("\033["), std::string::npos);
    // Escape sequences in a header are shown, never sent.
    const std::string evil = "SIP/2.0 486 Busy\033]0;owned\007\r\nCall-ID: x\r\n\r\n";
    const std::string shown = render_message_full(heading, evil, {false, 0});
    EXPECT_EQ(shown.find('\033'), std::string::npos) << shown;
    EXPECT_NE(shown.find("\\x1b"), std::string::npos) << shown;
}

TEST(CallView, RecordWhyLadderAndMessages) {
    sipdx::session::CallRecord record;
    record.call_id = "abc@10.0.0.1";
    record.kind = sipdx::session::Kind::call;
    record.first_method = "INVITE";
    record.outcome = sipdx::session::Outcome::failed;
    record.final_code = 486;
    record.final_reason = "Busy Here";
    record.explanation = "The call from alice to bob failed with 486 Busy Here. More words here.";
    std::vector<sipdx::session::MessageRecord> ladder(2);
    ladder[0].label = "INVITE";
    ladder[1].label = "486 Busy Here";
    ladder[1].is_request = false;
    ladder[1].src.port = 5060;
    ladder[1].time_ns = 1'000'000;
    const std::vector<CallMessage> messages{
        {{1, 0, "10.0.0.1:5060", "10.0.0.2:5060", "udp"}, invite}};
    const std::string text = render_call_detail({record}, ladder, messages, {false, 80});
    EXPECT_EQ(text.rfind("Call-ID abc@10.0.0.1\n", 0), 0u) << text;
    EXPECT_NE(text.find("final_code       486"), std::string::npos) << text;
    EXPECT_NE(text.find("\nWhy\n  The call from alice"), std::string::npos) << text;
    EXPECT_NE(text.find("Ladder (2 messages)"), std::string::npos) << text;
    EXPECT_NE(text.find("Messages (1)"), std::string::npos) << text;
    EXPECT_NE(text.find("SDP decoded"), std::string::npos) << text;
    EXPECT_LE(widest(text), 80u) << text;
    EXPECT_EQ(first_sentence(record.explanation),
              "The call from alice to bob failed with 486 Busy Here.");
    EXPECT_EQ(first_sentence("answered 8.478 s later"), "answered 8.478 s later");
}

TEST(Ladder, FitsAWidthAndColoursStatuses) {
    std::vector<sipdx::session::MessageRecord> m(6);
    const char* labels[] = {
        "SUBSCRIBE", "SUBSCRIBE", "SUBSCRIBE", "202 Accepted", "503 Service Unavailable", "200 OK"};
    for (std::size_t i = 0; i < m.size(); ++i) {
        const std::uint8_t src[4] = {192, 168, 100, static_cast<std::uint8_t>(i % 4 + 1)};
        const std::uint8_t dst[4] = {192, 168, 100, static_cast<std::uint8_t>((i + 1) % 4 + 1)};
        m[i].src = {sipdx::decode::Address::v4(src), 5060};
        m[i].dst = {sipdx::decode::Address::v4(dst), 5060};
        m[i].label = labels[i];
        m[i].is_request = i < 3;
        m[i].time_ns = static_cast<std::int64_t>(i) * 1'000'000;
    }
    LadderOptions options;
    options.max_width = 80;
    const std::string text = render_ladder_text(m, options);
    EXPECT_LE(widest(text), 80u) << text;
    EXPECT_NE(text.find("SUBSCRIBE"), std::string::npos) << text; // never cut
    EXPECT_EQ(text.find('\033'), std::string::npos);
    options.color = true;
    const std::string coloured = render_ladder_text(m, options);
    EXPECT_NE(coloured.find("\033[1;31m503"), std::string::npos) << coloured;
    EXPECT_EQ(strip_ansi(coloured), text);
}

} // namespace
