// `sipdx report` end to end: the page is written whole or not at all, and its options check.
#include "unit/commands/analysis_cli.h"

#include <gtest/gtest.h>

#include <filesystem>

using namespace sipdx::test;

namespace {
std::filesystem::path temp_path(const std::string& name) {
    return std::filesystem::temp_directory_path() /
           ("sipdx-report-test-" + std::to_string(::getpid()) + "-" + name);
}
} // namespace

TEST(ReportCommand, WritesOneSelfContainedPage) {
    const auto out = temp_path("a.html");
    const auto run = run_sipdx("report " + quoted(sample_capture()) + " -o " + quoted(out), true);
    ASSERT_EQ(run.exit_code, 0) << run.out;
    EXPECT_NE(run.out.find("18 calls"), std::string::npos) << run.out; // the stderr summary
    const std::string html = slurp(out);
    EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
    EXPECT_NE(html.find("</html>"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(out.string() + ".sipdx-partial"));
    std::filesystem::remove(out);
}

TEST(ReportCommand, FiltersRedactionAndModes) {
    const auto out = temp_path("b.html");
    const auto run = run_sipdx("report " + quoted(sample_capture()) + " -o " + quoted(out) +
                                   " --outcome failed --redact --messages all",
                               true);
    ASSERT_EQ(run.exit_code, 0) << run.out;
    EXPECT_NE(run.out.find("5 calls, message text for 5"), std::string::npos) << run.out;
    const std::string html = slurp(out);
    EXPECT_NE(html.find("id=\"redacted\""), std::string::npos);
    EXPECT_EQ(html.find("127.0.0.1"), std::string::npos);
    std::filesystem::remove(out);
}

TEST(ReportCommand, RefusesBadUse) {
    // The output is one of the inputs.
    const auto copy = temp_path("in.pcap");
    std::filesystem::copy_file(sample_capture(), copy,
                               std::filesystem::copy_options::overwrite_existing);
    auto run = run_sipdx("report " + quoted(copy) + " -o " + quoted(copy), true);
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.out.find("input capture"), std::string::npos) << run.out;
    EXPECT_EQ(std::filesystem::file_size(copy), std::filesystem::file_size(sample_capture()));
    std::filesystem::remove(copy);
    // No -o, a bad mode, nothing readable: usage errors, and no page left behind.
    EXPECT_EQ(run_sipdx("report " + quoted(sample_capture())).exit_code, 2);
    const auto out = temp_path("c.html");
    EXPECT_EQ(
        run_sipdx("report " + quoted(sample_capture()) + " -o " + quoted(out) + " --messages some")
            .exit_code,
        2);
    const auto empty_dir = temp_path("empty");
    std::filesystem::create_directories(empty_dir);
    for (const std::filesystem::path& input :
         {std::filesystem::path("/nonexistent/x.pcap"), empty_dir}) {
        run = run_sipdx("report " + quoted(input) + " -o " + quoted(out), true);
        EXPECT_EQ(run.exit_code, 2) << input;
        EXPECT_FALSE(std::filesystem::exists(out)) << input;
        EXPECT_FALSE(std::filesystem::exists(out.string() + ".sipdx-partial")) << input;
    }
    std::filesystem::remove(empty_dir);
}
