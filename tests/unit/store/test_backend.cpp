// The read-side Backend: opened from a path or a URL, and its selection equal, field by field
// of the one RecordFilter, to what RecordFilter::matches() selects among the analyzer's records.
#include <sipdx/analysis/analyzer.h>
#include <sipdx/analysis/record_filter.h>
#include <sipdx/store/backend.h>
#include <sipdx/store/writer.h>

#include "unit/store/store_test_util.h"

#include <algorithm>
#include <set>

using namespace sipdx;
using namespace sipdx::store;

namespace {

std::multiset<std::string> call_ids(const ResultSet& set) {
    const auto at = static_cast<std::size_t>(
        std::find(set.columns.begin(), set.columns.end(), "call_id") - set.columns.begin());
    std::multiset<std::string> out;
    for (const auto& row : set.rows)
        out.insert(row.at(at).text);
    return out;
}

} // namespace

TEST(Backend, SelectsWhatTheRecordFilterMatches) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = test::temp_dir("backend");
    const std::string path = (dir / "s.db").string();
    const std::string capture = test::corpus("sip-tcp-port6060-segmented-ims-calls.pcap");
    ASSERT_TRUE(ingest({capture}, test::db_options(path)));
    std::vector<session::CallRecord> records;
    analysis::Analyzer analyzer;
    analyzer.on_record([&](session::CallRecord&& r) { records.push_back(std::move(r)); });
    (void)analyzer.run({capture});
    ASSERT_GT(records.size(), 3u);

    auto store = open_backend(path);
    ASSERT_TRUE(store) << store.error().message;
    std::vector<analysis::RecordFilter> filters(12);
    filters[0].kinds = {session::Kind::registration};
    filters[1].kinds = {session::Kind::call, session::Kind::options};
    filters[2].methods = {"INVITE"};
    filters[3].methods = {"REGISTER", "invite"};
    filters[4].outcomes = {session::Outcome::answered, session::Outcome::failed};
    filters[5].classes = {2};
    filters[6].codes = {200, 401};
    filters[7].from = "sip:";
    filters[8].to = "@";
    filters[9].call_id = records[1].call_id;
    filters[10].since_ns = records[records.size() / 2].start_ns;
    filters[11].until_ns = records[records.size() / 2].start_ns;
    std::size_t selected = 0;
    for (std::size_t i = 0; i < filters.size(); ++i) {
        std::multiset<std::string> expected;
        for (const auto& r : records)
            if (filters[i].matches(r)) expected.insert(r.call_id);
        QueryFilter q;
        static_cast<analysis::RecordFilter&>(q) = filters[i];
        EXPECT_TRUE(q.selects_calls()) << i;
        auto got = (*store)->select_calls(q);
        ASSERT_TRUE(got) << got.error().message;
        EXPECT_EQ(call_ids(*got), expected) << "filter " << i;
        selected += expected.size();
    }
    EXPECT_GT(selected, records.size());
    // The summary and free SQL through the same interface.
    auto codes = (*store)->summary({});
    ASSERT_TRUE(codes);
    EXPECT_FALSE(codes->empty());
    auto n = (*store)->run_sql("SELECT count(*) FROM calls");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->rows.at(0).at(0).integer, static_cast<std::int64_t>(records.size()));
    std::filesystem::remove_all(dir);
}

TEST(Backend, OpensByLocation) {
    // A URL is a ClickHouse server (nothing is contacted before the first question) ...
    auto ch = open_backend("http://127.0.0.1:1/?database=x", {.retries = 0});
    ASSERT_TRUE(ch) << ch.error().message;
    auto unreachable = (*ch)->summary({});
    ASSERT_FALSE(unreachable);
    EXPECT_EQ(unreachable.error().kind, ErrorKind::server);
    // ... other schemes are refused, not taken for file names ...
    auto https = open_backend("https://127.0.0.1/");
    ASSERT_FALSE(https);
    EXPECT_NE(https.error().message.find("only http://"), std::string::npos);
    // ... and anything else is a SQLite file, opened read-only (never created).
    const auto dir = test::temp_dir("backend-open");
    auto missing = open_backend((dir / "none.db").string());
    ASSERT_FALSE(missing);
    EXPECT_FALSE(std::filesystem::exists(dir / "none.db"));
    std::filesystem::remove_all(dir);
}
