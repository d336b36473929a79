// The report of the bundled sample, read back: sections, the summary against the analyzer's,
// the calls table, one call's ladder and messages, the message modes and redaction.
#include "report/detail/state.h"
#include "unit/report/report_html.h"

#include <sipdx/analysis/analyzer.h>
#include <sipdx/report/report.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>

using namespace sipdx;

namespace {

std::string sample() {
    return (std::filesystem::path(SIPDX_TEST_DATA_DIR) / "sample" / "sipdx-sample.pcap").string();
}

struct Written {
    std::string html;
    report::ReportStats stats;
    analysis::RunResult run;
};

Written make(report::ReportOptions options, const std::string& path = sample()) {
    std::FILE* f = std::tmpfile();
    analysis::AnalyzeOptions analyze;
    analyze.threads = 1;
    auto result = report::write_report({path}, analyze, options, f);
    EXPECT_TRUE(result.has_value());
    Written w;
    if (result) {
        w.stats = result->stats;
        w.run = result->run;
    }
    std::fseek(f, 0, SEEK_END);
    w.html.resize(static_cast<std::size_t>(std::ftell(f)));
    std::rewind(f);
    EXPECT_EQ(std::fread(w.html.data(), 1, w.html.size(), f), w.html.size());
    std::fclose(f);
    return w;
}

// The detail entry of table row `index` (builder.cpp documents the array).
nlohmann::json detail_of(const std::string& html, std::size_t index) {
    const auto meta = nlohmann::json::parse(test::element_text(html, "meta"));
    const std::size_t per_chunk = meta["per_chunk"].get<std::size_t>();
    return test::chunk_json(html, "d" + std::to_string(index / per_chunk))[index % per_chunk];
}

} // namespace

TEST(Report, SelfContainedPageWithEverySection) {
    const auto w = make({});
    EXPECT_EQ(w.html.rfind("<!doctype html>", 0), 0u);
    for (const char* id :
         {"id=\"summary\"", "id=\"charts\"", "id=\"grid\"", "id=\"calls\"", "id=\"call\"",
          "id=\"findings\"", "id=\"inputs\"", "<svg class=\"chart\""})
        EXPECT_NE(w.html.find(id), std::string::npos) << id;
    // Nothing is fetched: no external URLs in src/href attributes.
    EXPECT_EQ(w.html.find("src=\"http"), std::string::npos);
    EXPECT_EQ(w.html.find("href=\"http"), std::string::npos);
    EXPECT_EQ(w.html.find("@import"), std::string::npos);
    EXPECT_EQ(w.stats.html_bytes, w.html.size());
}

TEST(Report, SummaryCountsAreTheAnalyzers) {
    const auto w = make({});
    analysis::AnalyzeOptions options;
    options.threads = 1;
    analysis::Analyzer analyzer(options);
    analyzer.run({sample()});
    for (const auto& row : analyzer.summary().codes()) {
        const std::string expected =
            "data-code=\"" + std::to_string(row.code) + "\" data-messages=\"" +
            std::to_string(row.messages) + "\" data-final-tx=\"" +
            std::to_string(row.final_transactions) + "\" data-final-calls=\"" +
            std::to_string(row.final_calls) + "\"";
        EXPECT_NE(w.html.find(expected), std::string::npos) << expected;
    }
    const auto summary = nlohmann::json::parse(test::element_text(w.html, "summary-json"));
    EXPECT_EQ(summary["messages"]["total"], analyzer.summary().messages());
}

TEST(Report, EveryCallIsARowWithItsLadder) {
    const auto w = make({});
    std::map<std::string, std::string> explanations; // by Call-ID, as `calls` gives them
    {
        analysis::AnalyzeOptions options;
        options.threads = 1;
        analysis::Analyzer analyzer(options);
        analyzer.on_record(
            [&](session::CallRecord&& r) { explanations[r.call_id] = r.explanation; });
        analyzer.run({sample()});
    }
    const auto rows = test::report_rows(w.html);
    ASSERT_EQ(rows.size(), 18u);
    EXPECT_EQ(w.stats.calls, 18u);
    std::set<std::string> ids;
    for (const auto& r : rows)
        ids.insert(r[0].get<std::string>());
    for (const char* id : {"busy-1@sipdx.test", "notfound-1@sipdx.test", "noanswer-1@sipdx.test",
                           "declined-1@sipdx.test", "unavailable-1@sipdx.test"})
        EXPECT_TRUE(ids.count(id)) << id;
    // Every call's explanation, put together as the page does, is the analyzer's word for word
    // (times with their decimals, codes, frames).
    const auto meta = nlohmann::json::parse(test::element_text(w.html, "meta"));
    for (std::size_t i = 0; i < rows.size(); ++i)
        EXPECT_EQ(test::why_text(meta, detail_of(w.html, i)),
                  explanations.at(rows[i][0].get<std::string>()));
    bool seen = false;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (rows[i][0] != "noanswer-1@sipdx.test") continue;
        seen = true;
        EXPECT_EQ(rows[i][2].get<int>(), static_cast<int>(session::Outcome::timeout));
        const auto d = detail_of(w.html, i);
        EXPECT_EQ(d[0], "alice@sipdx.test");
        // From templated, numbers apart; put together again it is the analyzer's explanation.
        EXPECT_NE(test::dict_string(meta, d[2][0]).find('\x01'), std::string::npos);
        EXPECT_EQ(test::why_text(meta, d), explanations.at("noanswer-1@sipdx.test"));
        EXPECT_EQ(d[12].size(), 2u); // two hosts
        // The INVITE was retransmitted: flagged on its ladder row (flags last, 1 = retransmission),
        // and its text is embedded.
        const std::string shape = test::dict_string(meta, d[13]);
        EXPECT_EQ(shape, "0>1 udp INVITE 12|0>1 udp INVITE 13|0>1 udp INVITE 13");
        EXPECT_NE(shape.find("INVITE 13"), std::string::npos) << shape;
        ASSERT_TRUE(d[16].is_array());
        EXPECT_EQ(d[16][0].get<std::string>().rfind("INVITE sip:", 0), 0u);
        EXPECT_NE(d[16][0].get<std::string>().find("v=0"), std::string::npos); // SDP
        EXPECT_EQ(d[14].size(), d[16].size());                                 // a time per message
    }
    EXPECT_TRUE(seen);
}

TEST(Report, MessageModes) {
    report::ReportOptions none;
    none.messages = report::MessageText::none;
    const auto n = make(none);
    EXPECT_EQ(n.stats.calls_with_text, 0u);
    EXPECT_EQ(n.stats.calls_text_mode, 18u);
    report::ReportOptions all;
    all.messages = report::MessageText::all;
    const auto a = make(all);
    EXPECT_EQ(a.stats.calls_with_text, 18u);
    const auto f = make({});
    EXPECT_GT(f.stats.calls_with_text, 0u);
    EXPECT_LT(f.stats.calls_with_text, 18u);
    EXPECT_NE(f.html.find("What this report leaves out"), std::string::npos);
    // A tiny budget: the first failed call takes it, the later ones keep only their ladder.
    report::ReportOptions tight;
    tight.messages = report::MessageText::all;
    tight.message_budget_bytes = 2000;
    const auto t = make(tight);
    EXPECT_GT(t.stats.calls_text_budget, 0u);
    EXPECT_LE(t.stats.text_bytes, 2000u + 65536u);
}

TEST(Report, FilterNarrowsTheTable) {
    report::ReportOptions options;
    options.filter.outcomes = {session::Outcome::failed};
    const auto w = make(options);
    const auto rows = test::report_rows(w.html);
    EXPECT_EQ(rows.size(), 5u);
    EXPECT_EQ(w.stats.calls_filtered_out, 13u);
    for (const auto& r : rows)
        EXPECT_EQ(r[2].get<int>(), static_cast<int>(session::Outcome::failed));
}

TEST(Report, RedactedReportHoldsNoOriginal) {
    report::ReportOptions options;
    options.redact = true;
    options.messages = report::MessageText::all;
    const auto w = make(options);
    const std::string all = test::decompressed_everything(w.html);
    for (const char* original : {"127.0.0.1", "alice", "callee@", "::1"})
        EXPECT_EQ(all.find(original), std::string::npos)
            << original << ": "
            << all.substr(all.find(original) - std::min<std::size_t>(all.find(original), 80), 120);
    EXPECT_NE(w.html.find("id=\"redacted\""), std::string::npos);
    EXPECT_NE(all.find("ip-1"), std::string::npos);
    // Equal inputs, equal pseudonyms: a second report of the same capture is the same page.
    const auto again = make(options);
    EXPECT_EQ(again.html, w.html);
}

TEST(Report, ExplanationTemplateKeepsEveryCharacter) {
    // Digit runs become arguments (a leading zero keeps them strings); a literal \x03 from
    // hostile text is an argument of its own, so the page's expansion cannot shift.
    report::ReportBuilder::State state({});
    std::string out;
    const std::string why = std::string("after 0.045 s, 12 hops, odd \x03 byte, 1234567890123456");
    state.append_why(out, why);
    const auto w = nlohmann::json::parse(out);
    ASSERT_TRUE(w[0].is_number());
    EXPECT_EQ(state.dictionary.at(w[0].get<std::size_t>()),
              "after \x03.\x03 s, \x03 hops, odd \x03 byte, \x03");
    EXPECT_EQ(w[1], 0);
    EXPECT_EQ(w[2], "045");
    EXPECT_EQ(w[3], 12);
    EXPECT_EQ(w[4], "\x03");
    EXPECT_EQ(w[5], "1234567890123456"); // past a double's exact integers: a string
    nlohmann::json detail = nlohmann::json::array({"", "", w});
    nlohmann::json meta;
    meta["dict"] = state.dictionary;
    EXPECT_EQ(test::why_text(meta, detail), why);
}
