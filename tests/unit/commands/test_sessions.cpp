// `sipdx sessions`, `flow --session` and `analyze --sessions` end to end: formats, filters,
// errors, and the multi-leg session of a corpus capture (docs/sessions.md).
#include "unit/commands/analysis_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace sipdx::test;
namespace fs = std::filesystem;

namespace {

std::vector<nlohmann::json> ndjson(const std::string& text) {
    std::vector<nlohmann::json> rows;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
    return rows;
}

} // namespace

TEST(SessionsCommand, EveryCallOfTheSampleIsItsOwnSession) {
    const auto run = run_sipdx("sessions --format ndjson " + quoted(sample_capture()));
    ASSERT_EQ(run.exit_code, 0);
    const auto rows = ndjson(run.out);
    ASSERT_EQ(rows.size(), 13u); // the sample's 13 calls: one SIPp pair each, no B2BUA
    for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i]["session_id"], "S" + std::to_string(i + 1));
        EXPECT_EQ(rows[i]["legs"], 1);
        EXPECT_EQ(rows[i]["strength"], "strong");
        EXPECT_TRUE(rows[i]["links"].empty());
    }
    EXPECT_EQ(rows[1]["verdict"],
              "486 Busy Here from 127.0.0.1:25062 on leg 1 (busy-1@sipdx.test).");
}

TEST(SessionsCommand, FiltersAndFormats) {
    const std::string capture = quoted(sample_capture());
    EXPECT_EQ(ndjson(run_sipdx("sessions --format ndjson --outcome failed " + capture).out).size(),
              5u);
    const auto busy = ndjson(run_sipdx("sessions --format ndjson --code 486 " + capture).out);
    ASSERT_EQ(busy.size(), 1u);
    EXPECT_EQ(busy[0]["leg_list"][0]["call_id"], "busy-1@sipdx.test");
    EXPECT_TRUE(run_sipdx("sessions --format ndjson --multi-leg " + capture).out.empty());
    const auto csv = run_sipdx("sessions --format csv --call busy-1@sipdx.test " + capture);
    ASSERT_EQ(csv.exit_code, 0);
    EXPECT_EQ(csv.out.rfind("session_id,key,start,end,legs,outcome,final_code,", 0), 0u) << csv.out;
    const auto table = run_sipdx("sessions --format table " + capture);
    EXPECT_EQ(table.out.rfind("id   start", 0), 0u) << table.out;
}

TEST(SessionsCommand, FlowDrawsOneSessionAndRefusesWhatItCannot) {
    const std::string capture = quoted(sample_capture());
    const auto run = run_sipdx("flow " + capture + " --session S2");
    ASSERT_EQ(run.exit_code, 0);
    EXPECT_EQ(run.out.rfind("Session S2 (1 leg, busy-1@sipdx.test)\n", 0), 0u) << run.out;
    EXPECT_NE(run.out.find("L1 486 Busy Here"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("verdict: 486 Busy Here"), std::string::npos);
    // By a Call-ID of the session, too.
    EXPECT_EQ(run_sipdx("flow " + capture + " --session busy-1@sipdx.test").out, run.out);
    auto unknown = run_sipdx("flow " + capture + " --session S99", true);
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.out.find("sipdx sessions"), std::string::npos) << unknown.out;
    EXPECT_EQ(run_sipdx("flow " + capture + " --session S1 --call busy-1@sipdx.test").exit_code, 2);
    // Without --session, --call ladders are unchanged: no leg marks, no role titles.
    const auto plain = run_sipdx("flow " + capture + " --call busy-1@sipdx.test");
    EXPECT_EQ(plain.out.find("L1 "), std::string::npos);
}

TEST(SessionsCommand, AnalyzeCountsSessionsOnRequest) {
    const std::string capture = quoted(sample_capture());
    const auto plain = run_sipdx("analyze -q " + capture);
    EXPECT_EQ(plain.out.find("Sessions ("), std::string::npos);
    const auto with = run_sipdx("analyze -q --sessions " + capture);
    ASSERT_EQ(with.exit_code, 0);
    EXPECT_EQ(with.out.rfind(plain.out, 0), 0u); // the report as before, then the sessions
    EXPECT_NE(with.out.find("  sessions                    13\n"), std::string::npos) << with.out;
    const auto json =
        nlohmann::json::parse(run_sipdx("analyze -q --json --sessions " + capture).out);
    EXPECT_EQ(json["sessions"]["sessions"], 13);
    EXPECT_EQ(json["sessions"]["multi_leg"], 0);
    EXPECT_EQ(json["sessions"]["outcomes"]["failed"], 5);
}

TEST(SessionsCommand, ThePbxLegsOfTheMirroredCaptureAreOneSession) {
    const fs::path capture = corpus_dir() / "sip-gre-teb-mirror-subscribe-notify-refer.pcapng";
    if (!fs::exists(capture)) GTEST_SKIP() << "../shared/corpus is absent";
    const auto rows =
        ndjson(run_sipdx("sessions --format ndjson --multi-leg " + quoted(capture)).out);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0]["legs"], 3);
    EXPECT_EQ(rows[0]["strength"], "medium");
    const auto svg = run_sipdx("flow --format svg " + quoted(capture) +
                               " --session cdfef7c7647e97e4ff66fbf504c524e4@192.168.1.191");
    ASSERT_EQ(svg.exit_code, 0);
    for (const char* colour : {"#1f77b4", "#d62728", "#2ca02c"})
        EXPECT_NE(svg.out.find(colour), std::string::npos) << colour;
}
