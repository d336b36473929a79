// `sipdx filter` end to end: the written capture holds exactly the selected Call-IDs, with
// the IP fragments / TCP segments that carried them.
#include "unit/commands/analysis_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <sstream>

using namespace sipdx::test;
namespace fs = std::filesystem;

namespace {

fs::path temp_output(const std::string& name) {
    return fs::temp_directory_path() / ("sipdx-filter-" + std::to_string(::getpid()) + name);
}

std::set<std::string> call_ids(const fs::path& capture) {
    const auto run = run_sipdx("calls --format ndjson " + quoted(capture));
    std::set<std::string> ids;
    std::istringstream in(run.out);
    std::string line;
    while (std::getline(in, line))
        ids.insert(nlohmann::json::parse(line)["call_id"]);
    return ids;
}

} // namespace

TEST(FilterCommand, WritesOnlyTheSelectedCalls) {
    const auto out = temp_output("failed.pcapng");
    const auto run =
        run_sipdx("filter " + quoted(sample_capture()) + " --outcome failed -w " + quoted(out));
    ASSERT_EQ(run.exit_code, 0);
    EXPECT_EQ(call_ids(out),
              (std::set<std::string>{"busy-1@sipdx.test", "notfound-1@sipdx.test",
                                     "unavailable-1@sipdx.test", "declined-1@sipdx.test",
                                     "noreply-1@sipdx.test"}));
    // Each rejected call is INVITE 100 180 final ACK: 25 messages, one frame each on UDP.
    const auto j = nlohmann::json::parse(run_sipdx("analyze -q --json " + quoted(out)).out);
    EXPECT_EQ(j["messages"]["total"], 25);
    fs::remove(out);
}

TEST(FilterCommand, SingleCallOverTcpAndEmptySelection) {
    const auto out = temp_output("tcp.pcapng");
    ASSERT_EQ(run_sipdx("filter " + quoted(sample_capture()) + " --call tcp-1@sipdx.test -w " +
                        quoted(out))
                  .exit_code,
              0);
    EXPECT_EQ(call_ids(out), std::set<std::string>{"tcp-1@sipdx.test"});
    fs::remove(out);
    ASSERT_EQ(
        run_sipdx("filter " + quoted(sample_capture()) + " --code 699 -w " + quoted(out)).exit_code,
        0);
    EXPECT_TRUE(call_ids(out).empty()); // still a valid, empty capture
    EXPECT_TRUE(fs::exists(out));
    fs::remove(out);
}

TEST(FilterCommand, KeepsTheFragmentsOfAReassembledMessage) {
    const auto capture = corpus_dir() / "sip-udp-ipv4-fragmented-sip-i-isup.pcap";
    if (!fs::exists(capture)) GTEST_SKIP() << "../shared/corpus is absent";
    const auto out = temp_output("frag.pcapng");
    const auto run = run_sipdx("filter " + quoted(capture) + " -w " + quoted(out), true);
    ASSERT_EQ(run.exit_code, 0);
    EXPECT_NE(run.out.find("2 messages, 3 frames"), std::string::npos) << run.out;
    const auto j = nlohmann::json::parse(run_sipdx("analyze -q --json " + quoted(out)).out);
    EXPECT_EQ(j["messages"]["total"], 2); // the INVITE is reassembled again from the copy
    fs::remove(out);
}

TEST(FilterCommand, UsageErrors) {
    EXPECT_EQ(run_sipdx("filter " + quoted(sample_capture())).exit_code, 2); // no -w
    EXPECT_EQ(
        run_sipdx("filter " + quoted(sample_capture()) + " -w /nonexistent/dir/x.pcapng").exit_code,
        2);
}
