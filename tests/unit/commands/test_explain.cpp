// `sipdx explain` end to end: output, JSON validity and exit codes of the built executable.
#include <sipdx/knowledge/response_codes.h>

#include "unit/cli_run.h"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

struct Run {
    int exit_code = -1;
    std::string out;
    std::string err;
};

std::string shell_quote(const std::string& arg) {
    std::string out = "'";
    for (char c : arg) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

Run run_cli(const std::vector<std::string>& args) {
    std::string command;
    for (const auto& a : args)
        command += " " + shell_quote(a);
    auto r = sipdx::test_cli::run_cli(command + " </dev/null");
    return {r.exit_code, std::move(r.out), std::move(r.err)};
}

std::vector<nlohmann::json> json_lines(const std::string& out) {
    std::vector<nlohmann::json> objects;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) objects.push_back(nlohmann::json::parse(line)); // throws if invalid
    }
    return objects;
}

void expect_usage_error(const std::vector<std::string>& args) {
    const auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(r.out.empty()) << r.out;
    ASSERT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.rfind("sipdx: ", 0), 0u) << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
}

} // namespace

TEST(ExplainCli, ExplainsACode) {
    const auto r = run_cli({"explain", "486"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.err.empty());
    EXPECT_EQ(r.out.rfind("486 Busy Here\n", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("Next checks"), std::string::npos);
    EXPECT_NE(r.out.find("Retry"), std::string::npos);
}

TEST(ExplainCli, StatusLineAndUnregisteredCode) {
    const auto r = run_cli({"explain", "SIP/2.0 503 Service Unavailable", "499"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("503 Service Unavailable\n", 0), 0u);
    EXPECT_NE(r.out.find("499 (not registered: handled as 400 Bad Request"), std::string::npos);
}

TEST(ExplainCli, NotACodeIsAUsageError) {
    expect_usage_error({"explain", "abc"});
    expect_usage_error({"explain", "99"});
    expect_usage_error({"explain", "700"});
    expect_usage_error({"explain", ""});
    expect_usage_error({"explain"});
    expect_usage_error({"explain", "486", "oops"}); // nothing printed for the good one either
    expect_usage_error({"explain", "--q850", "128"});
    expect_usage_error({"explain", "--warning", "299"});
    expect_usage_error({"explain", "--no-such-option"});
}

TEST(ExplainCli, JsonHasTheDocumentedFields) {
    const auto r = run_cli({"explain", "--json", "486", "499", "SIP/2.0 202 Accepted"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto objects = json_lines(r.out);
    ASSERT_EQ(objects.size(), 3u);
    for (const auto& j : objects) {
        for (const char* field :
             {"code", "reason", "class", "class_name", "category", "registered", "references",
              "meaning", "ims_context", "retry", "next_checks", "related", "q850_causes"}) {
            EXPECT_TRUE(j.contains(field)) << field;
        }
        EXPECT_TRUE(j["code"].is_number_integer());
        EXPECT_TRUE(j["next_checks"].is_array());
        EXPECT_GE(j["next_checks"].size(), 2u);
        EXPECT_TRUE(j["references"].is_array());
        EXPECT_TRUE(j["registered"].is_boolean());
    }
    EXPECT_EQ(objects[0]["code"], 486);
    EXPECT_EQ(objects[0]["reason"], "Busy Here");
    EXPECT_EQ(objects[0]["class"], 4);
    EXPECT_EQ(objects[0]["class_name"], "Request or Client Failure");
    EXPECT_EQ(objects[0]["category"], "reachability");
    EXPECT_EQ(objects[0]["registered"], true);
    EXPECT_EQ(objects[0]["q850_sent"]["cause"], 17);
    EXPECT_EQ(objects[1]["code"], 499);
    EXPECT_EQ(objects[1]["registered"], false);
    EXPECT_EQ(objects[1]["treated_as"], 400);
    EXPECT_EQ(objects[2]["deprecated"], true);
}

TEST(ExplainCli, JsonForEveryRegisteredCode) {
    std::vector<std::string> args = {"explain", "--json"};
    for (const auto& c : sipdx::knowledge::registered_codes())
        args.push_back(std::to_string(c.code));
    const auto r = run_cli(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto objects = json_lines(r.out);
    ASSERT_EQ(objects.size(), sipdx::knowledge::registered_codes().size());
    std::size_t i = 0;
    for (const auto& c : sipdx::knowledge::registered_codes()) {
        EXPECT_EQ(objects[i]["code"], c.code);
        EXPECT_EQ(objects[i]["reason"], std::string(c.reason));
        ++i;
    }
}

TEST(ExplainCli, ReasonHeader) {
    const auto good = run_cli({"explain", R"(Reason: Q.850;cause=17;text="User busy")"});
    ASSERT_EQ(good.exit_code, 0) << good.err;
    EXPECT_NE(good.out.find("17: User busy"), std::string::npos) << good.out;
    EXPECT_NE(good.out.find("486 Busy Here"), std::string::npos);

    const auto json = run_cli({"explain", "--json", "Reason: SIP;cause=487, Q.850;cause=16"});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    const auto objects = json_lines(json.out);
    ASSERT_EQ(objects.size(), 1u);
    ASSERT_EQ(objects[0]["values"].size(), 2u);
    EXPECT_EQ(objects[0]["values"][0]["cause_meaning"], "Request Terminated");
    EXPECT_EQ(objects[0]["values"][1]["cause_meaning"], "Normal call clearing");
}

TEST(ExplainCli, MalformedHeaderExitsOne) {
    const auto r = run_cli({"explain", "--json", "Reason: Q.850;cause=200"});
    EXPECT_EQ(r.exit_code, 1);
    const auto objects = json_lines(r.out);
    ASSERT_EQ(objects.size(), 1u);
    EXPECT_FALSE(objects[0]["values"][0]["problems"].empty());

    const auto w = run_cli({"explain", "Warning: 399 host unquoted"});
    EXPECT_EQ(w.exit_code, 1);
    EXPECT_NE(w.out.find("problem"), std::string::npos);
}

TEST(ExplainCli, WarningHeaderAndCodes) {
    const auto header = run_cli({"explain", R"(Warning: 370 pcscf "Insufficient bandwidth")"});
    ASSERT_EQ(header.exit_code, 0) << header.err;
    EXPECT_NE(header.out.find("370: Insufficient bandwidth"), std::string::npos);

    const auto code = run_cli({"explain", "--json", "--warning", "305", "--warning", "350"});
    ASSERT_EQ(code.exit_code, 0) << code.err;
    const auto objects = json_lines(code.out);
    ASSERT_EQ(objects.size(), 2u);
    EXPECT_EQ(objects[0]["text"], "Incompatible media format");
    EXPECT_EQ(objects[1]["registered"], false);
}

TEST(ExplainCli, Q850Causes) {
    const auto r = run_cli({"explain", "--q850", "22"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Number changed"), std::string::npos);
    EXPECT_NE(r.out.find("410 Gone"), std::string::npos);
    EXPECT_NE(r.out.find("301 Moved Permanently"), std::string::npos);

    const auto mixed = run_cli({"explain", "--q850", "17", "486", "--q850", "18"});
    ASSERT_EQ(mixed.exit_code, 0) << mixed.err; // each --q850 takes one value
    EXPECT_NE(mixed.out.find("486 Busy Here"), std::string::npos);
    EXPECT_NE(mixed.out.find("Q.850 cause 17: User busy"), std::string::npos);
    EXPECT_NE(mixed.out.find("Q.850 cause 18: No user responding"), std::string::npos);

    const auto json = run_cli({"explain", "--json", "--q850", "10"});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    const auto objects = json_lines(json.out);
    ASSERT_EQ(objects.size(), 1u);
    EXPECT_EQ(objects[0]["defined"], false);
    EXPECT_EQ(objects[0]["cause_class"], "normal event");
}

TEST(ExplainCli, AcceptsNaturalPastes) {
    for (const std::string input : {"486 Busy Here", "Status: 486 Busy Here"}) {
        const auto r = run_cli({"explain", input});
        EXPECT_EQ(r.exit_code, 0) << input << r.err;
        EXPECT_EQ(r.out.rfind("486 Busy Here\n", 0), 0u) << r.out;
    }
    const auto reason = run_cli({"explain", "Q.850;cause=17"});
    EXPECT_EQ(reason.exit_code, 0) << reason.err;
    EXPECT_NE(reason.out.find("User busy"), std::string::npos) << reason.out;
    const auto cls = run_cli({"explain", "4xx"});
    EXPECT_EQ(cls.exit_code, 0) << cls.err;
    EXPECT_NE(cls.out.find("401  Unauthorized"), std::string::npos) << cls.out;
    EXPECT_EQ(cls.out.find("503"), std::string::npos) << "only the 4xx class";
    const auto busy = run_cli({"explain", "busy"});
    EXPECT_EQ(busy.exit_code, 0) << busy.err;
    EXPECT_EQ(busy.out.rfind("'busy' names 2 response codes:\n", 0), 0u) << busy.out;
    const auto json = json_lines(run_cli({"explain", "--json", "busy", "6xx"}).out);
    ASSERT_EQ(json.size(), 2u);
    EXPECT_EQ(json[0]["codes"].size(), 2u);
    EXPECT_EQ(json[1]["class"], 6);
    expect_usage_error({"explain", "xyzzy"});
}

TEST(ExplainCli, ThreeGppCauseFlags) {
    const auto r = run_cli({"explain", "--cause", "emm:15", "--release-cause", "2",
                            "--failure-cause", "1", "--cause", "S1AP-RNL=21"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("EMM cause 15: No Suitable Cells In tracking area"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("3GPP TS 24.301 V17.8.0 table 9.9.3.9.1"), std::string::npos);
    EXPECT_NE(r.out.find("RELEASE_CAUSE cause 2: RTP/RTCP time-out"), std::string::npos);
    EXPECT_NE(r.out.find("FAILURE_CAUSE cause 1: Media bearer or QoS lost"), std::string::npos);
    EXPECT_NE(r.out.find("S1AP-RNL cause 21: radio-connection-with-ue-lost"), std::string::npos);

    const auto json =
        run_cli({"explain", "--json", "--cause", "5gsm:36", "--cause", "ngap-rnl:200"});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    const auto objects = json_lines(json.out);
    ASSERT_EQ(objects.size(), 2u);
    EXPECT_EQ(objects[0]["kind"], "3gpp-cause");
    EXPECT_EQ(objects[0]["name"], "Regular deactivation");
    EXPECT_EQ(objects[0]["reason_header"], "5GSM;cause=36");
    EXPECT_EQ(objects[1]["listed"], false);

    for (const std::vector<std::string>& bad :
         {std::vector<std::string>{"explain", "--cause", "nas:1"},
          std::vector<std::string>{"explain", "--cause", "emm"},
          std::vector<std::string>{"explain", "--cause", "emm:256"},
          std::vector<std::string>{"explain", "--release-cause", "x"}}) {
        const auto e = run_cli(bad);
        EXPECT_EQ(e.exit_code, 2) << bad[2];
        EXPECT_TRUE(e.out.empty());
    }
}

TEST(ExplainCli, PastedThreeGppReasonAndAccessNetwork) {
    const auto r = run_cli(
        {"explain", R"(Reason: RELEASE_CAUSE;cause=1;text="User ends call")", "5GMM;cause=27"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("cause       1: User ends call"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("IMS release causes (RELEASE_CAUSE)"), std::string::npos);
    EXPECT_NE(r.out.find("cause       27: N1 mode not allowed"), std::string::npos);

    const auto json =
        run_cli({"explain", "--json",
                 "P-Access-Network-Info: 3GPP-NR-TDD;utran-cell-id-3gpp=00101000001000000001,"
                 " IEEE-802.11;i-wlan-node-id=0a0b0c0d0e0f"});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    const auto objects = json_lines(json.out);
    ASSERT_EQ(objects.size(), 1u);
    EXPECT_EQ(objects[0]["kind"], "access-network");
    ASSERT_EQ(objects[0]["values"].size(), 2u);
    EXPECT_EQ(objects[0]["values"][0]["is_3gpp"], true);
    EXPECT_EQ(objects[0]["values"][0]["cell_kind"], "NCI");
    EXPECT_EQ(objects[0]["values"][1]["family"], "wlan");

    const auto bad =
        run_cli({"explain", "P-Access-Network-Info: 3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=12"});
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_NE(bad.out.find("problem"), std::string::npos);
}
