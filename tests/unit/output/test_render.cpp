// The renderers of the output stage on hand-made inputs: one message record and call records
// in every format, the table writer (alignment, clipping, a maximum width), ladders (text and
// SVG, with hostile labels), and the format names.
#include <sipdx/output/analysis.h>
#include <sipdx/output/format.h>
#include <sipdx/output/ladder.h>
#include <sipdx/output/messages.h>
#include <sipdx/output/table.h>
#include <sipdx/sip/message.h>
#include <sipdx/text/escape.h>

#include "unit/output/xml_check.h"
#include "unit/session/event_builder.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace sipdx;
using namespace sipdx::output;
using session::CallRecord;
using session::Kind;
using session::Outcome;
using session::test::call;

namespace {

// A response whose Call-ID and reason phrase carry an escape sequence, a tab and a quote.
const std::string hostile_response = "SIP/2.0 486 Busy \x1b[2J\"Here\"\r\n"
                                     "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1\r\n"
                                     "From: <sip:a@example.com>;tag=f1\r\n"
                                     "To: <sip:b@example.com>;tag=t1\r\n"
                                     "Call-ID: evil\x1b]0;owned\x07,id\r\n"
                                     "CSeq: 1 INVITE\r\n"
                                     "Content-Length: 0\r\n\r\n";

struct OneMessage {
    decode::SipPayload payload;
    sip::Message message;
    OneMessage() {
        const std::uint8_t a[4] = {10, 0, 0, 1};
        const std::uint8_t b[4] = {10, 0, 0, 2};
        payload.frame = 7;
        payload.time_ns = 1'500'000'000'123'456'789;
        payload.src = decode::Address::v4(a);
        payload.dst = decode::Address::v4(b);
        payload.sport = 5060;
        payload.dport = 5062;
        payload.bytes = hostile_response;
        sip::Parser({sip::Framing::datagram}).parse(payload.bytes, message);
    }
};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

std::vector<session::MessageRecord> ladder_messages(const std::string& reason) {
    std::vector<session::MessageRecord> m(3);
    const std::uint8_t a[4] = {10, 0, 0, 1};
    const std::uint8_t b[4] = {10, 0, 0, 2};
    m[0] = {0,
            1,
            0,
            {decode::Address::v4(a), 5060},
            {decode::Address::v4(b), 5060},
            decode::Transport::udp,
            true,
            "INVITE",
            1,
            "INVITE",
            false,
            false,
            true};
    m[1] = m[0];
    m[1].time_ns = 500'000'000;
    m[1].retransmission = true;
    m[2] = {600'000'000, 3,        0,     m[0].dst, m[0].src, decode::Transport::udp, false, reason,
            1,           "INVITE", false, false,    false};
    return m;
}

} // namespace

TEST(Format, NamesRoundTrip) {
    for (const auto f : {Format::table, Format::ndjson, Format::csv, Format::tsv})
        EXPECT_EQ(parse_format(to_string(f)), f);
    EXPECT_FALSE(parse_format("json").has_value());
    EXPECT_FALSE(parse_format("").has_value());
}

TEST(Table, StreamingWidthsAlignmentAndTrim) {
    TableWriter table({{"name", 6}, {"n", 4, Align::right}, {"rest"}});
    std::string out;
    table.write_header(out);
    table.write_row(out, std::vector<std::string>{"ab", "7", ""});
    table.write_row(out, std::vector<std::string>{"longer-than-six", "12345", "x"});
    EXPECT_EQ(out, "name      n rest\n"
                   "ab        7\n"
                   "longer-than-six 12345 x\n"); // a long value pushes the row, nothing is cut
}

TEST(Table, ControlBytesAreShownNotSent) {
    TableWriter table({{"v", 4}});
    std::string out;
    table.write_row(out, std::vector<std::string>{"a\x1b[31mb\tc\r\nd"});
    EXPECT_EQ(out, "a\\x1b[31mb c  d\n");
}

TEST(Table, FitClipsAndCountsCodePoints) {
    TableWriter table({{"city", 0, Align::left, 6}, {"n"}}, {"  "});
    const std::vector<std::vector<std::string>> rows{{"Z\xC3\xBCrich", "1"}, {"Amsterdam", "2"}};
    table.fit(rows);
    std::string out;
    table.write_header(out);
    for (const auto& r : rows)
        table.write_row(out, r);
    EXPECT_EQ(out, "city    n\n"
                   "Z\xC3\xBCrich  1\n" // six code points, eight bytes: padded as six
                   "Amste~  2\n");
    EXPECT_EQ(display_width("Z\xC3\xBCrich"), 6u);
    EXPECT_EQ(clip_to_width("abcdef", 3), "ab~");
    EXPECT_EQ(clip_to_width("abc", 3), "abc");
}

TEST(Table, MaxWidthShrinksTheWidestColumns) {
    TableOptions options;
    options.max_width = 30;
    TableWriter table({{"a", 20}, {"b", 20}, {"c"}}, options);
    std::string out;
    table.write_header(out);
    table.write_row(out, std::vector<std::string>{std::string(40, 'x'), "short", "the free tail"});
    for (const auto& line : lines_of(out))
        EXPECT_LE(line.size(), 30u) << out;
    EXPECT_NE(out.find("x~"), std::string::npos) << out;
    EXPECT_NE(out.find("short"), std::string::npos) << out;
    // Without a limit the same row is written whole.
    TableWriter wide({{"a", 20}, {"b", 20}, {"c"}});
    std::string whole;
    wide.write_row(whole, std::vector<std::string>{std::string(40, 'x'), "short", "tail"});
    EXPECT_NE(whole.find(std::string(40, 'x')), std::string::npos);
}

TEST(Messages, OneRecordInEveryFormat) {
    OneMessage one;
    std::string ndjson;
    MessageWriter(Format::ndjson, false).write(ndjson, one.payload, one.message);
    const auto j = nlohmann::json::parse(ndjson);
    EXPECT_EQ(j["frame"], 7);
    EXPECT_EQ(j["time"], "2017-07-14T02:40:00.123456Z");
    EXPECT_EQ(j["src"], "10.0.0.1");
    EXPECT_EQ(j["status"], 486);
    EXPECT_EQ(j["call_id"], "evil\x1b]0;owned\x07,id"); // JSON keeps the bytes, escaped
    EXPECT_TRUE(j["method"].is_null());

    std::string csv;
    MessageWriter csv_writer(Format::csv, false);
    csv_writer.header(csv);
    csv_writer.write(csv, one.payload, one.message);
    EXPECT_EQ(csv.substr(0, csv.find("\r\n")), "frame,time,src,sport,dst,dport,transport,encap,"
                                               "kind,method,status,reason,call_id,cseq_seq,"
                                               "cseq_method,from_tag,to_tag,branch,length,"
                                               "findings");
    EXPECT_NE(csv.find(",\"evil\x1b]0;owned\x07,id\","), std::string::npos) << csv;
    EXPECT_NE(csv.find(",\"Busy \x1b[2J\"\"Here\"\"\","), std::string::npos) << csv;

    std::string tsv;
    MessageWriter(Format::tsv, true).write(tsv, one.payload, one.message);
    EXPECT_EQ(tsv.substr(0, tsv.find('\t')), "7");
    EXPECT_NE(tsv.find("\t1500000000.123456\t"), std::string::npos) << tsv;
    EXPECT_EQ(std::count(tsv.begin(), tsv.end(), '\t'), 19);

    std::string table;
    MessageWriter table_writer(Format::table, false);
    table_writer.header(table);
    table_writer.write(table, one.payload, one.message);
    EXPECT_EQ(table.find('\x1b'), std::string::npos) << table;
    EXPECT_EQ(table.find('\x07'), std::string::npos) << table;
    EXPECT_NE(table.find("evil\\x1b]0;owned\\x07,id"), std::string::npos) << table;
    EXPECT_EQ(table.rfind("frame  time", 0), 0u) << table;

    // Twenty columns of at least four characters fit in 160; below, the table keeps the
    // fields a reader scans first (issue 18: every table fits 80 columns).
    std::string wide;
    MessageWriter wide_writer(Format::table, false, 160);
    wide_writer.header(wide);
    wide_writer.write(wide, one.payload, one.message);
    for (const auto& line : lines_of(wide))
        EXPECT_LE(display_width(line), 160u) << wide;
    EXPECT_NE(wide.find("from_tag"), std::string::npos) << wide; // every field
    for (const std::size_t width : {120u, 80u}) {
        std::string narrow;
        MessageWriter narrow_writer(Format::table, false, width);
        narrow_writer.header(narrow);
        narrow_writer.write(narrow, one.payload, one.message);
        for (const auto& line : lines_of(narrow))
            EXPECT_LE(display_width(line), width) << narrow;
        EXPECT_EQ(narrow.rfind("frame  time", 0), 0u) << narrow;
        EXPECT_NE(narrow.find("486"), std::string::npos) << narrow;
        EXPECT_EQ(narrow.find("findings"), std::string::npos) << narrow;
    }
}

TEST(Calls, RecordsInEveryFormat) {
    std::vector<CallRecord> records{call("a,1", Outcome::answered, 200, 10, 20),
                                    call("b\x1b[1m", Outcome::failed, 404)};
    const std::string csv = render_records(records, Format::csv);
    EXPECT_NE(csv.find("\"a,1\",call,INVITE"), std::string::npos) << csv;
    const std::string tsv = render_records(records, Format::tsv);
    EXPECT_EQ(std::count(tsv.begin(), tsv.end(), '\n'), 3);
    EXPECT_EQ(record_values(records[1]).size(), record_fields().size());
    const std::string ndjson = render_records(records, Format::ndjson);
    const auto lines = lines_of(ndjson);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(nlohmann::json::parse(lines[1])["final_code"], 404);
    // The table's headers are the machine names; final_code shows its reason phrase.
    const std::string table = render_records(records, Format::table);
    const auto rows = lines_of(table);
    ASSERT_GE(rows.size(), 3u);
    EXPECT_EQ(rows[0].rfind("start", 0), 0u) << table;
    EXPECT_NE(rows[0].find("first_method final_code"), std::string::npos) << table;
    EXPECT_NE(rows[0].find("outcome"), std::string::npos) << table;
    EXPECT_NE(table.find(" 200"), std::string::npos) << table;
    EXPECT_EQ(table.find('\x1b'), std::string::npos) << table;
    EXPECT_NE(table.find("b\\x1b[1m"), std::string::npos) << table;
    for (const std::size_t width : {100u, 80u, 60u}) {
        const std::string narrow = render_records(records, Format::table, width);
        for (const auto& line : lines_of(narrow))
            EXPECT_LE(display_width(line), width) << narrow;
    }
}

TEST(Ladder, ArrowsBothWaysAndMarks) {
    const auto m = ladder_messages("486 Busy Here");
    const std::string text = render_ladder_text(m);
    EXPECT_NE(text.find("10.0.0.1:5060"), std::string::npos);
    EXPECT_NE(text.find("INVITE (SDP)"), std::string::npos);
    EXPECT_NE(text.find("*retransmission*"), std::string::npos);
    EXPECT_NE(text.find("|<"), std::string::npos) << text;
    EXPECT_NE(text.find("->|"), std::string::npos) << text;
    EXPECT_NE(text.find("+  0.500"), std::string::npos) << text;
    const std::string mermaid = render_ladder_mermaid(m);
    EXPECT_NE(mermaid.find("h0--)h1: INVITE (SDP) *retransmission*"), std::string::npos) << mermaid;
    EXPECT_NE(mermaid.find("h1->>h0: 486 Busy Here"), std::string::npos);
    const std::string svg = render_ladder_svg(m);
    EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
    EXPECT_EQ(test::check_xml(svg), "") << svg;
    EXPECT_NE(render_ladder_text({}).size(), 0u);
    EXPECT_EQ(test::check_xml(render_ladder_svg({})), "");
}

TEST(Ladder, HostileLabelsStayHarmless) {
    std::string reason = "486 <b>&\x1b[2J";
    reason += '\0';
    reason += "\xFF\xEF\xBF\xBF tail";
    const auto m = ladder_messages(reason);
    const std::string svg = render_ladder_svg(m);
    EXPECT_EQ(test::check_xml(svg), "") << svg;
    EXPECT_NE(svg.find("486 &lt;b&gt;&amp;"), std::string::npos) << svg;
    const std::string text = render_ladder_text(m);
    EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
    EXPECT_EQ(text.find('\0'), std::string::npos) << text;
    EXPECT_NE(text.find("\\x1b[2J"), std::string::npos) << text;
}

TEST(XmlCheck, RejectsWhatAParserRejects) {
    EXPECT_EQ(test::check_xml("<svg a=\"1\"><t>x &amp; y</t><g/></svg>"), "");
    EXPECT_NE(test::check_xml("<svg><t>x & y</t></svg>"), "");
    EXPECT_NE(test::check_xml("<svg><t></svg>"), "");
    EXPECT_NE(test::check_xml(std::string("<svg>\x01</svg>")), "");
    EXPECT_NE(test::check_xml("<svg>\xFF</svg>"), "");
    EXPECT_NE(test::check_xml("<svg></svg><svg></svg>"), "");
}
