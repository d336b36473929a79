// `sipdx parse`: runs the built CLI on torture and sample files and checks output and exit codes.
#include "unit/cli_run.h"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

namespace {

sipdx::test_cli::ShellRun run_cli(const std::string& args) {
    return sipdx::test_cli::run_cli(args, sipdx::test_cli::Stderr::drop);
}

std::string data(const std::string& rel) {
    return std::string(SIPDX_TEST_DATA_DIR) + "/" + rel;
}

std::vector<nlohmann::json> json_lines(const std::string& out) {
    std::vector<nlohmann::json> v;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) v.push_back(nlohmann::json::parse(line));
    return v;
}

TEST(ParseCommand, ValidMessageExitsZeroWithExpandedHeaders) {
    auto r = run_cli("parse " + data("torture/rfc4475/wsinv.dat"));
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0"),
              std::string::npos);
    EXPECT_NE(r.out.find("  Call-ID: wsinv.ndaksdj@192.0.2.1"), std::string::npos); // from "i:"
    EXPECT_NE(r.out.find("valid: yes"), std::string::npos);
}

TEST(ParseCommand, InvalidMessageExitsOneAndNamesTheFinding) {
    auto r = run_cli("parse " + data("torture/rfc4475/mismatch01.dat"));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.out.find("error sip.cseq.method-mismatch"), std::string::npos);
    EXPECT_NE(r.out.find("valid: no"), std::string::npos);
}

TEST(ParseCommand, JsonFields) {
    auto r = run_cli("parse --json " + data("sip/sip-gtpu-ipv6-volte-iphone-ims-aka-0016.sip"));
    EXPECT_EQ(r.exit_code, 0);
    auto lines = json_lines(r.out);
    ASSERT_EQ(lines.size(), 1u);
    const auto& j = lines[0];
    EXPECT_EQ(j["kind"], "response");
    EXPECT_EQ(j["status"], 401);
    EXPECT_EQ(j["reason"], "Unauthorized");
    EXPECT_EQ(j["cseq"]["seq"], 9);
    EXPECT_EQ(j["cseq"]["method"], "REGISTER");
    EXPECT_EQ(j["from"]["tag"], "cVKbrkhG0L");
    EXPECT_EQ(j["to"]["uri"], "tel:263734");
    ASSERT_EQ(j["via"].size(), 1u);
    EXPECT_EQ(j["via"][0]["branch"], "z9hG4bKVT3F3PbXtxKWEdp");
    EXPECT_EQ(j["body"]["length"], 0);
    EXPECT_TRUE(j["findings"].is_array());
    EXPECT_EQ(j["valid"], true);
    EXPECT_EQ(j["headers"][0]["name"], "Via");
}

TEST(ParseCommand, StreamOfSeveralMessagesFromStdin) {
    std::string a = data("sip/sip-gtpu-ipv6-volte-iphone-ims-aka-0014.sip");
    std::string b = data("sip/sip-gtpu-ipv6-volte-iphone-ims-aka-0016.sip");
    auto tmp = std::filesystem::temp_directory_path() / "sipdx_parse_stream.sip";
    {
        std::ofstream out(tmp, std::ios::binary);
        for (const auto& f : {a, b}) {
            std::ifstream in(f, std::ios::binary);
            out << in.rdbuf();
        }
    }
    auto r = run_cli("parse --json - < " + tmp.string());
    std::filesystem::remove(tmp);
    EXPECT_EQ(r.exit_code, 0);
    auto lines = json_lines(r.out);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0]["kind"], "request");
    EXPECT_EQ(lines[0]["method"], "REGISTER");
    EXPECT_EQ(lines[1]["status"], 401);
    EXPECT_GT(lines[1]["offset"].get<int>(), 0);
}

TEST(ParseCommand, SdpSummaryInJson) {
    auto r = run_cli("parse --json --datagram " + data("torture/rfc5118/mult-ip-in-sdp.dat"));
    auto lines = json_lines(r.out);
    ASSERT_EQ(lines.size(), 1u);
    const auto& sdp = lines[0]["body"]["sdp"];
    ASSERT_TRUE(sdp.is_object());
    ASSERT_EQ(sdp["media"].size(), 2u);
    EXPECT_EQ(sdp["media"][0]["media"], "audio");
}

TEST(ParseCommand, UnreadableInputAndUsageExitTwo) {
    EXPECT_EQ(run_cli("parse /nonexistent/file.sip").exit_code, 2);
    EXPECT_EQ(run_cli("parse").exit_code, 2);
    EXPECT_EQ(run_cli("parse --no-such-flag x").exit_code, 2);
}

TEST(ParseCommand, NonSipInputExitsOne) {
    auto tmp = std::filesystem::temp_directory_path() / "sipdx_parse_http.txt";
    std::ofstream(tmp) << "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";
    EXPECT_EQ(run_cli("parse " + tmp.string()).exit_code, 1);
    std::filesystem::remove(tmp);
}

} // namespace
