// `sipdx calls` end to end on the bundled sample: one record per Call-ID with the issue's
// fields, every format, and the filters.
#include "unit/commands/analysis_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <sstream>

using namespace sipdx::test;

namespace {

std::map<std::string, nlohmann::json> records(const std::string& extra = {}) {
    const auto run = run_sipdx("calls --format ndjson " + quoted(sample_capture()) + " " + extra);
    EXPECT_EQ(run.exit_code, 0);
    std::map<std::string, nlohmann::json> out;
    std::istringstream in(run.out);
    std::string line;
    while (std::getline(in, line)) {
        auto j = nlohmann::json::parse(line);
        const auto id = j["call_id"].get<std::string>();
        out[id.substr(0, id.find('-'))] = std::move(j);
    }
    return out;
}

} // namespace

TEST(CallsCommand, OneRecordPerCallIdWithOutcomes) {
    const auto r = records();
    ASSERT_EQ(r.size(), 18u);
    EXPECT_EQ(r.at("answered")["outcome"], "answered");
    EXPECT_EQ(r.at("busy")["final_code"], 486);
    EXPECT_EQ(r.at("busy")["class"], 4);
    EXPECT_EQ(r.at("busy")["category"], "reachability");
    EXPECT_NE(r.at("busy")["failed_by"].get<std::string>().find("busybox-2"), std::string::npos);
    EXPECT_NE(r.at("busy")["reason_header"].get<std::string>().find("Q.850"), std::string::npos);
    EXPECT_EQ(r.at("cancelled")["outcome"], "cancelled");
    EXPECT_EQ(r.at("noanswer")["outcome"], "timeout");
    EXPECT_TRUE(r.at("noanswer")["final_code"].is_null());
    EXPECT_EQ(r.at("register")["outcome"], "registered");
    EXPECT_EQ(r.at("deregister")["outcome"], "unregistered");
    EXPECT_EQ(r.at("subscribe")["kind"], "subscription");
    EXPECT_FALSE(r.at("busy")["explanation"].get<std::string>().empty());
}

TEST(CallsCommand, RecordFieldsInOrder) {
    const auto run = run_sipdx("calls --format csv " + quoted(sample_capture()));
    ASSERT_EQ(run.exit_code, 0);
    const std::string header = run.out.substr(0, run.out.find("\r\n"));
    // RFC 4180: every record, the header too, ends in CRLF (it ended in LF before).
    EXPECT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), 19);
    for (std::size_t at = run.out.find('\n'); at != std::string::npos;
         at = run.out.find('\n', at + 1))
        ASSERT_TRUE(at > 0 && run.out[at - 1] == '\r') << "LF without CR at byte " << at;
    EXPECT_EQ(run_sipdx("calls --csv-formulas keep --format csv " + quoted(sample_capture())).out,
              run.out); // nothing formula-like in the sample
    EXPECT_EQ(run_sipdx("calls --csv-formulas off " + quoted(sample_capture())).exit_code, 2);
    EXPECT_EQ(header, "call_id,kind,first_method,from,to,start,end,final_code,final_reason,class,"
                      "category,outcome,pdd_ms,setup_ms,duration_s,messages,retransmissions,"
                      "reason_header,warning,failed_by,icid,explanation,findings");
    const auto tsv = run_sipdx("calls --format tsv " + quoted(sample_capture()));
    EXPECT_EQ(std::count(tsv.out.begin(), tsv.out.end(), '\n'), 19); // header + 18
    const auto table = run_sipdx("calls --format table " + quoted(sample_capture()));
    EXPECT_NE(table.out.find("busy-1@sipdx.test"), std::string::npos);
}

TEST(CallsCommand, Filters) {
    EXPECT_EQ(records("--outcome failed").size(), 5u);
    EXPECT_EQ(records("--code 486,603").size(), 2u);
    EXPECT_EQ(records("--class 4xx").size(), 4u); // 486 404 480 487
    EXPECT_EQ(records("--class 6").size(), 1u);
    EXPECT_EQ(records("--method REGISTER").size(), 2u);
    EXPECT_EQ(records("--kind call --outcome answered").size(), 5u);
    EXPECT_EQ(records("--to callee").size(), 18u);
    EXPECT_EQ(records("--from nobody").size(), 0u);
}

TEST(CallsCommand, UsageErrors) {
    EXPECT_EQ(run_sipdx("calls --outcome nonsense " + quoted(sample_capture())).exit_code, 2);
    EXPECT_EQ(run_sipdx("calls --class 9xx " + quoted(sample_capture())).exit_code, 2);
    EXPECT_EQ(run_sipdx("calls --format xml " + quoted(sample_capture())).exit_code, 2);
    EXPECT_EQ(run_sipdx("calls /nonexistent.pcap").exit_code, 2);
}
