// Rendering stored rows (`sipdx query`): every format, and the class-then-code summary.
#include <sipdx/output/rows.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using namespace sipdx::output;
using sipdx::store::Cell;
using sipdx::store::CodeCount;
using sipdx::store::ResultSet;

TEST(Rows, RenderFormats) {
    ResultSet set;
    set.columns = {"name", "n", "x"};
    set.rows.push_back(
        {Cell{Cell::Type::text, 0, 0, "a,\"b\"\tc"}, Cell{Cell::Type::integer, 42, 0, {}}, Cell{}});
    const auto nd = render_rows(set, Format::ndjson);
    auto j = nlohmann::json::parse(nd);
    EXPECT_EQ(j["name"], "a,\"b\"\tc");
    EXPECT_EQ(j["n"], 42);
    EXPECT_TRUE(j["x"].is_null());
    EXPECT_EQ(render_rows(set, Format::csv), "name,n,x\r\n\"a,\"\"b\"\"\tc\",42,\r\n");
    EXPECT_EQ(render_rows(set, Format::tsv), "name\tn\tx\na,\"b\"\\tc\t42\t\n");
    const auto table = render_rows(set, Format::table);
    EXPECT_EQ(table.substr(0, table.find('\n')), "name     n   x");
    EXPECT_NE(table.find("a,\"b\" c  42"), std::string::npos) << table;
}

TEST(Rows, SummaryTableGroupsByClass) {
    const std::vector<CodeCount> rows{{180, 3, 0, 0}, {200, 5, 4, 2}, {486, 1, 1, 1}};
    const auto text = render_code_summary(rows, Format::table);
    const auto c1 = text.find("1xx ");
    const auto c2 = text.find("2xx ");
    const auto c4 = text.find("4xx ");
    ASSERT_NE(c1, std::string::npos);
    EXPECT_LT(c1, text.find("180 Ringing"));
    EXPECT_LT(c2, text.find("200 OK"));
    EXPECT_LT(c4, text.find("486 Busy Here"));
    const auto nd = render_code_summary(rows, Format::ndjson);
    auto last = nlohmann::json::parse(nd.substr(nd.rfind('{')));
    EXPECT_EQ(last["class"], 4);
    EXPECT_EQ(last["code"], 486);
    EXPECT_EQ(last["final_calls"], 1);
}

TEST(Rows, TableShowsControlBytesAndFitsAWidth) {
    ResultSet set;
    set.columns = {"call_id", "n"};
    set.rows.push_back({Cell{Cell::Type::text, 0, 0, "\x1b[31mred\x1b[0m-call-id-that-is-long"},
                        Cell{Cell::Type::integer, 7, 0, {}}});
    const auto table = render_rows(set, Format::table);
    EXPECT_EQ(table.find('\x1b'), std::string::npos) << table;
    EXPECT_NE(table.find("\\x1b[31mred"), std::string::npos) << table;
    const auto narrow = render_rows(set, Format::table, 20);
    std::size_t start = 0;
    while (start < narrow.size()) {
        const auto end = narrow.find('\n', start);
        EXPECT_LE(end - start, 20u) << narrow;
        start = end + 1;
    }
    EXPECT_NE(narrow.find('~'), std::string::npos) << narrow;
    // Machine formats keep the bytes (escaped for their format), never cut.
    EXPECT_NE(render_rows(set, Format::tsv, 20).find("-call-id-that-is-long"), std::string::npos);
}
