// `sipdx calls` and `sipdx analyze` on the synthetic diagnosis capture
// (tests/pcaps/gen: a 53-year clock jump inside a call, then a call seen mid-dialog whose BYE
// is answered 481).
#include "unit/commands/analysis_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <sstream>

using namespace sipdx::test;

namespace {

std::filesystem::path diagnosis_capture() {
    return std::filesystem::path(SIPDX_TEST_DATA_DIR) / "pcaps" /
           "diagnosis-clock-jump-mid-dialog.pcap";
}

} // namespace

TEST(CallsDiagnosis, ClockJumpAndMidDialogCall) {
    const auto run = run_sipdx("calls --format ndjson " + quoted(diagnosis_capture()));
    ASSERT_EQ(run.exit_code, 0);
    std::map<std::string, nlohmann::json> r;
    std::istringstream in(run.out);
    std::string line;
    while (std::getline(in, line)) {
        auto j = nlohmann::json::parse(line);
        r[j["call_id"].get<std::string>()] = j;
    }
    ASSERT_EQ(r.size(), 2u);
    const auto& jumped = r.at("clock-jump@gen.sipdx.test");
    EXPECT_EQ(jumped["outcome"], "answered");
    EXPECT_EQ(jumped["setup_ms"], 1000.0);       // wholly before the jump: kept
    EXPECT_TRUE(jumped["duration_s"].is_null()); // spans it
    EXPECT_EQ(jumped["findings"][0], "clock-jump");
    const auto& mid = r.at("mid-dialog@gen.sipdx.test");
    EXPECT_EQ(mid["kind"], "call");
    EXPECT_EQ(mid["mid_dialog"], true);
    EXPECT_EQ(mid["outcome"], "failed");
    EXPECT_EQ(mid["final_code"], 481);
    EXPECT_NE(mid["explanation"].get<std::string>().find("started before the capture"),
              std::string::npos);
}

TEST(CallsDiagnosis, AnalyzeReportsTheJumpAndKeepsMidDialogOutOfAttempts) {
    const auto run = run_sipdx("analyze -q " + quoted(diagnosis_capture()));
    ASSERT_EQ(run.exit_code, 0);
    EXPECT_NE(run.out.find("2 Call-IDs"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("Capture time jumps 1 time (first at frame 4)"), std::string::npos)
        << run.out;
    const auto json = run_sipdx("analyze --json -q " + quoted(diagnosis_capture()));
    ASSERT_EQ(json.exit_code, 0);
    const auto j = nlohmann::json::parse(json.out);
    EXPECT_EQ(j["clock_jumps"]["count"], 1);
    EXPECT_EQ(j["kpis"]["calls"]["attempts"], 1) << j["kpis"].dump();
}

TEST(CallsDiagnosis, MessagesStatsReportTheClockJump) {
    const auto run = run_sipdx("messages --count --stats " + quoted(diagnosis_capture()), true);
    ASSERT_EQ(run.exit_code, 0);
    EXPECT_NE(run.out.find("clock jumps                  1"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("first jump at frame          4"), std::string::npos) << run.out;
}
