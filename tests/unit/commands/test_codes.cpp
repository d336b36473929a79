// `sipdx codes` end to end: table, class filter, JSON and the Markdown behind
// docs/response-codes.md.
#include <sipdx/knowledge/response_codes.h>

#include "unit/cli_run.h"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace {

// Arguments here are fixed literals, so plain concatenation is safe.
sipdx::test_cli::ShellRun run_codes(const std::string& args) {
    return sipdx::test_cli::run_cli("codes " + args, sipdx::test_cli::Stderr::drop);
}

using sipdx::test_cli::slurp_file;

} // namespace

TEST(CodesCli, TableGroupedByClass) {
    const auto r = run_codes("");
    ASSERT_EQ(r.exit_code, 0);
    std::size_t last = 0;
    for (const auto& cls : sipdx::knowledge::status_classes()) {
        const auto heading = std::to_string(cls.number) + "xx " + std::string(cls.name) + "\n";
        const auto at = r.out.find(heading);
        ASSERT_NE(at, std::string::npos) << heading;
        EXPECT_GE(at, last) << "classes in order";
        last = at;
    }
    for (const auto& c : sipdx::knowledge::registered_codes()) {
        EXPECT_NE(r.out.find("  " + std::to_string(c.code) + "  " + std::string(c.reason)),
                  std::string::npos)
            << c.code;
    }
}

TEST(CodesCli, ClassFilter) {
    const auto r = run_codes("--class 4");
    ASSERT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("4xx Request or Client Failure"), std::string::npos);
    EXPECT_NE(r.out.find("486  Busy Here"), std::string::npos);
    EXPECT_EQ(r.out.find("200  OK"), std::string::npos);
    EXPECT_EQ(r.out.find("5xx"), std::string::npos);
}

TEST(CodesCli, BadOptionsExitTwo) {
    EXPECT_EQ(run_codes("--class 7").exit_code, 2);
    EXPECT_EQ(run_codes("--class 0").exit_code, 2);
    EXPECT_EQ(run_codes("--class x").exit_code, 2);
    EXPECT_EQ(run_codes("--markdown --json").exit_code, 2);
    EXPECT_EQ(run_codes("--markdown --class 3").exit_code, 2);
    EXPECT_EQ(run_codes("extra").exit_code, 2);
}

TEST(CodesCli, JsonParsesBack) {
    const auto r = run_codes("--json");
    ASSERT_EQ(r.exit_code, 0);
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_TRUE(j.is_array());
    ASSERT_EQ(j.size(), 6u);
    std::size_t total = 0;
    int expected_class = 1;
    for (const auto& cls : j) {
        EXPECT_EQ(cls["class"], expected_class++);
        for (const auto& code : cls["codes"]) {
            EXPECT_EQ(code["class"], cls["class"]);
            EXPECT_TRUE(code["next_checks"].is_array());
            ++total;
        }
    }
    EXPECT_EQ(total, sipdx::knowledge::registered_codes().size());

    const auto only = nlohmann::json::parse(run_codes("--json --class 6").out);
    ASSERT_EQ(only.size(), 1u);
    EXPECT_EQ(only[0]["class_name"], "Global Failure");
}

TEST(CodesCli, MarkdownIsTheCommittedDoc) {
    const auto r = run_codes("--markdown");
    ASSERT_EQ(r.exit_code, 0);
    const auto committed =
        slurp_file(std::filesystem::path(SIPDX_SOURCE_DIR) / "docs" / "response-codes.md");
    EXPECT_TRUE(r.out == committed)
        << "docs/response-codes.md is stale: run sipdx codes --markdown > docs/response-codes.md";
}

TEST(CodesCli, ClassAsDigitOrAsNxx) {
    const auto digit = run_codes("--class 6");
    const auto nxx = run_codes("--class 6xx");
    EXPECT_EQ(digit.exit_code, 0);
    EXPECT_EQ(nxx.exit_code, 0);
    EXPECT_EQ(digit.out, nxx.out);
    EXPECT_EQ(run_codes("--class 7xx").exit_code, 2);
}
