// The one CSV writer (output/csv.h): RFC 4180 with CRLF in every CSV the program writes, and
// formula-looking text fields neutralised, numbers never.
#include <sipdx/output/analysis.h>
#include <sipdx/output/csv.h>
#include <sipdx/output/messages.h>
#include <sipdx/output/rows.h>
#include <sipdx/sip/message.h>

#include "unit/session/event_builder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace sipdx;
using namespace sipdx::output;
using session::Outcome;
using session::test::call;

namespace {

// Splits RFC 4180 text into records of fields; fails the test on anything the RFC does not
// allow (a bare LF or CR, a quote inside an unquoted field, text after a closing quote).
std::vector<std::vector<std::string>> parse_rfc4180(const std::string& text) {
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::string field;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] == '"') {
            ++i;
            while (true) {
                if (i >= text.size()) {
                    ADD_FAILURE() << "unterminated quoted field";
                    return records;
                }
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += text[i++];
            }
        } else {
            while (i < text.size() && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
                EXPECT_NE(text[i], '"') << "quote in an unquoted field at " << i;
                field += text[i++];
            }
        }
        record.push_back(std::move(field));
        field.clear();
        if (i < text.size() && text[i] == ',') {
            ++i;
            continue;
        }
        if (i + 1 < text.size() && text[i] == '\r' && text[i + 1] == '\n') {
            i += 2;
            records.push_back(std::move(record));
            record.clear();
            continue;
        }
        ADD_FAILURE() << "record not ended by CRLF at byte " << i;
        return records;
    }
    EXPECT_TRUE(record.empty()) << "last record not ended by CRLF";
    return records;
}

struct KeepFormulas {
    KeepFormulas() { set_csv_formulas(CsvFormulas::keep); }
    ~KeepFormulas() { set_csv_formulas(CsvFormulas::neutralise); }
};

} // namespace

TEST(Csv, FormulaLookingTextIsNeutralised) {
    for (const std::string_view v :
         {"=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx", "-", "+"}) {
        EXPECT_TRUE(csv_looks_like_formula(v)) << v;
        std::string out;
        append_csv_field(out, v);
        const auto parsed = parse_rfc4180(out + "\r\n");
        ASSERT_EQ(parsed.size(), 1u);
        EXPECT_EQ(parsed[0][0], "'" + std::string(v)) << out;
    }
    for (const std::string_view v : {"", "alice", "-12", "+3.5", "0", "a=b", "sip:x@y"}) {
        EXPECT_FALSE(csv_looks_like_formula(v)) << v;
        std::string out;
        append_csv_field(out, v);
        EXPECT_EQ(out, v);
    }
    std::string number;
    append_csv_field(number, "-1.5", CsvField::number);
    append_csv_field(number, "-1e3", CsvField::number);
    EXPECT_EQ(number, "-1.5-1e3");
    std::string kept;
    append_csv_field(kept, "=1+2", CsvField::text, CsvFormulas::keep);
    EXPECT_EQ(kept, "=1+2");
    EXPECT_EQ(parse_csv_formulas("keep"), CsvFormulas::keep);
    EXPECT_EQ(parse_csv_formulas("neutralise"), CsvFormulas::neutralise);
    EXPECT_FALSE(parse_csv_formulas("off"));
}

TEST(Csv, CallRecordsUseCrlfAndNeutraliseTextOnly) {
    auto hostile = call("=HYPERLINK(\"http://x\",\"a,b\")", Outcome::failed, 486, -5.0);
    hostile.from = "@evil";
    hostile.final_reason = "-Busy\r\nHere";
    const std::string csv =
        render_records({call("plain", Outcome::answered, 200, 10, 20), hostile}, Format::csv);
    const auto rows = parse_rfc4180(csv);
    ASSERT_EQ(rows.size(), 3u) << csv;
    const auto& fields = record_fields();
    for (const auto& row : rows)
        EXPECT_EQ(row.size(), fields.size());
    EXPECT_EQ(rows[0][0], "call_id");
    EXPECT_EQ(rows[2][0], "'=HYPERLINK(\"http://x\",\"a,b\")");
    EXPECT_EQ(rows[2][3], "'@evil");
    EXPECT_EQ(rows[2][8], "'-Busy\r\nHere");
    EXPECT_EQ(rows[2][12], "-5.0"); // pdd_ms: a number, never prefixed
    EXPECT_EQ(rows[1][0], "plain");

    KeepFormulas keep;
    const auto kept = parse_rfc4180(render_records({hostile}, Format::csv));
    ASSERT_EQ(kept.size(), 2u);
    EXPECT_EQ(kept[1][0], hostile.call_id);
}

TEST(Csv, StoredRowsNeutraliseTextCellsNotNumbers) {
    using store::Cell;
    store::ResultSet set;
    set.columns = {"=col", "n", "t"};
    set.rows.push_back({Cell{Cell::Type::text, 0, 0, "=1+2"}, Cell{Cell::Type::integer, -7, 0, {}},
                        Cell{Cell::Type::text, 0, 0, "-7"}});
    set.rows.push_back(
        {Cell{Cell::Type::text, 0, 0, "@x"}, Cell{Cell::Type::real, 0, -2.5, {}}, Cell{}});
    const auto rows = parse_rfc4180(render_rows(set, Format::csv));
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0][0], "'=col");
    EXPECT_EQ(rows[1], (std::vector<std::string>{"'=1+2", "-7", "-7"}));
    EXPECT_EQ(rows[2], (std::vector<std::string>{"'@x", "-2.5", ""}));
}

TEST(Csv, MessageRowsNeutraliseTextFields) {
    const std::string bytes = "SIP/2.0 486 =cmd|' /C calc'!A0\r\n"
                              "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1\r\n"
                              "From: <sip:a@example.com>;tag=+f1\r\n"
                              "To: <sip:b@example.com>;tag=t1\r\n"
                              "Call-ID: @id,1\r\n"
                              "CSeq: 1 INVITE\r\n"
                              "Content-Length: 0\r\n\r\n";
    decode::SipPayload payload;
    const std::uint8_t a[4] = {127, 0, 0, 1};
    payload.src = decode::Address::v4(a);
    payload.dst = decode::Address::v4(a);
    payload.bytes = bytes;
    sip::Message message;
    sip::Parser({sip::Framing::datagram}).parse(payload.bytes, message);
    std::string out;
    MessageWriter writer(Format::csv, false);
    writer.header(out);
    writer.write(out, payload, message);
    const auto rows = parse_rfc4180(out);
    ASSERT_EQ(rows.size(), 2u) << out;
    ASSERT_EQ(rows[1].size(), message_fields.size());
    EXPECT_EQ(rows[1][10], "486");
    EXPECT_EQ(rows[1][11], "'=cmd|' /C calc'!A0");
    EXPECT_EQ(rows[1][12], "'@id,1");
    EXPECT_EQ(rows[1][15], "'+f1");
}
