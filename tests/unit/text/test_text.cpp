// The ground-floor text helpers: case, trimming, time and every escaper, with hostile bytes.
#include <sipdx/text/escape.h>
#include <sipdx/text/text.h>
#include <sipdx/text/time.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>

using namespace sipdx::text;
using namespace std::string_literals;

TEST(Case, IequalsIgnoresOnlyAsciiCase) {
    EXPECT_TRUE(iequals("Content-Length", "content-LENGTH"));
    EXPECT_TRUE(iequals("", ""));
    EXPECT_FALSE(iequals("branch", "branc"));
    // Bytes that differ by 0x20 but are not letters.
    EXPECT_FALSE(iequals("@", "`"));
    EXPECT_FALSE(iequals("[", "{"));
    EXPECT_FALSE(iequals("\x0d", "-"));
    static_assert(iequals("SIP/2.0", "sip/2.0"));
}

TEST(Case, StartsWithContainsLower) {
    EXPECT_TRUE(istarts_with("SIP/2.0 200 OK", "sip/"));
    EXPECT_FALSE(istarts_with("SI", "sip/"));
    EXPECT_TRUE(icontains("multipart/mixed; application/SDP", "application/sdp"));
    EXPECT_FALSE(icontains("application/sd", "application/sdp"));
    EXPECT_TRUE(icontains("x", ""));
    EXPECT_EQ(lower("INVITE sip:Bob@Example.COM \xC3\x84"), "invite sip:bob@example.com \xC3\x84");
    EXPECT_EQ(to_lower('Z'), 'z');
    EXPECT_EQ(to_lower('['), '[');
}

TEST(Case, TokenCharsAreRfc3261Tokens) {
    for (const char c : "azAZ09-.!%*_+`'~"s)
        EXPECT_TRUE(is_token_char(c)) << c;
    for (const char c : " \t\r\n\0\"(),/:;<=>?@[]{}\\\x7f\x80\xff"s)
        EXPECT_FALSE(is_token_char(c)) << int(static_cast<unsigned char>(c));
    EXPECT_TRUE(is_digit('7'));
    EXPECT_FALSE(is_digit('a'));
}

TEST(Trim, RemovesLwsAtBothEndsOnly) {
    EXPECT_EQ(trim(" \t\r\n a b \r\n"), "a b");
    EXPECT_EQ(trim(""), "");
    EXPECT_EQ(trim(" \t "), "");
    EXPECT_EQ(trim("\x0b"
                   "a"),
              "\x0b"
              "a"); // vertical tab is not LWS
}

TEST(Time, IsoAndEpochRoundDown) {
    EXPECT_EQ(iso_time(1'500'000'000'123'456'789), "2017-07-14T02:40:00.123456Z");
    EXPECT_EQ(epoch_time(1'500'000'000'123'456'789), "1500000000.123456");
    EXPECT_EQ(iso_time(-1), "1969-12-31T23:59:59.999999Z");
    EXPECT_EQ(epoch_time(-1), "-1.999999");
}

TEST(Utf8, StrictSequences) {
    EXPECT_TRUE(is_valid_utf8("plain \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
    EXPECT_FALSE(is_valid_utf8("\xC0\x80"));         // overlong NUL
    EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));     // overlong '/'
    EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));     // surrogate
    EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80")); // above U+10FFFF
    EXPECT_FALSE(is_valid_utf8("\xE2\x82"));         // cut short
    EXPECT_FALSE(is_valid_utf8("\xFF"));
    EXPECT_EQ(utf8_sequence_length("\xF0\x9F\x98\x80", 0), 4u);
}

TEST(Json, EscapesControlsAndReplacesInvalidUtf8) {
    EXPECT_EQ(json_escape("a\"b\\c\nd\re\tf"), "a\\\"b\\\\c\\nd\\re\\tf");
    EXPECT_EQ(json_escape("\x1b[31m\x7f"s + '\0'), "\\u001b[31m\\u007f\\u0000");
    EXPECT_EQ(json_escape("\xC3\xA9"), "\xC3\xA9");
    // One U+FFFD per offending byte, written as UTF-8.
    EXPECT_EQ(json_escape("a\xFF\xC0\x80"
                          "b"),
              "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
              "b");
    EXPECT_EQ(json_quote("x"), "\"x\"");
}

TEST(Json, EveryByteStringParses) {
    std::string all;
    for (int c = 0; c < 256; ++c)
        all += static_cast<char>(c);
    all += "\xE2\x82"; // a truncated sequence at the end
    const auto doc = "{\"v\":" + json_quote(all) + "}";
    EXPECT_NO_THROW({
        const auto parsed = nlohmann::json::parse(doc);
        EXPECT_TRUE(parsed["v"].is_string());
    });
}

TEST(Csv, QuotesOnlyWhenNeeded) {
    EXPECT_EQ(csv_field("plain"), "plain");
    EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_field("line\r\nbreak"), "\"line\r\nbreak\"");
    EXPECT_EQ(csv_field(""), "");
}

TEST(Tsv, EscapesOrFlattens) {
    EXPECT_EQ(tsv_field("a\tb\nc\rd\\e"), "a\\tb\\nc\\rd\\\\e");
    EXPECT_EQ(tsv_field("a\tb\nc\rd\\e", TsvStyle::spaces), "a b c d\\e");
    EXPECT_EQ(tsv_field(""), "");
}

TEST(Xml, EscapesMarkupAndDropsInvalidCharacters) {
    EXPECT_EQ(xml_escape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;'&lt;/a&gt;");
    // C0 controls other than TAB/LF/CR, U+FFFF and broken UTF-8 become U+FFFD.
    EXPECT_EQ(xml_escape("a\x1b"
                         "b\tc"),
              "a\xEF\xBF\xBD"
              "b\tc");
    EXPECT_EQ(xml_escape("\xEF\xBF\xBF"), "\xEF\xBF\xBD");
    EXPECT_EQ(xml_escape("\xFE"), "\xEF\xBF\xBD");
    EXPECT_EQ(xml_escape("\xC3\xA9"), "\xC3\xA9");
}

TEST(Html, EscapesApostropheToo) {
    EXPECT_EQ(html_escape("<b>\"A&B\" 'c'</b>"),
              "&lt;b&gt;&quot;A&amp;B&quot; &#39;c&#39;&lt;/b&gt;");
    EXPECT_EQ(html_escape("\x07"), "\xEF\xBF\xBD");
}

TEST(Visible, ControlsNeverReachTheTerminalRaw) {
    EXPECT_EQ(visible("\x1b[2J"
                      "call"),
              "\\x1b[2Jcall");
    EXPECT_EQ(visible("a\tb\nc"), "a\\x09b\\x0ac");
    EXPECT_EQ(visible("a\tb\r\nc", true), "a b  c");
    EXPECT_EQ(visible("\x7f"), "\\x7f");
    EXPECT_EQ(visible("\xC2\x9B"
                      "31m"),
              "\\x9b31m");               // U+009B, CSI
    EXPECT_EQ(visible("\x9b"), "\\x9b"); // a lone byte, not UTF-8
    EXPECT_EQ(visible("caf\xC3\xA9 \xC2\xA0"), "caf\xC3\xA9 \xC2\xA0");
    EXPECT_EQ(visible("back\\slash"), "back\\slash");
    const auto shown = visible("\x1b]0;title\x07");
    EXPECT_EQ(shown.find('\x1b'), std::string::npos);
    EXPECT_EQ(shown.find('\x07'), std::string::npos);
}
