// The CLI under hostile conditions (issue 23): outputs that cannot be written, option values
// out of range, and outputs that would overwrite their own inputs.
#include "unit/commands/analysis_cli.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

using namespace sipdx::test;
namespace fs = std::filesystem;

namespace {

fs::path scratch_dir(const std::string& name) {
    auto dir = fs::temp_directory_path() / ("sipdx-hostile-" + std::to_string(::getpid()) + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

} // namespace

// A full disk: every command that prints a record or report exits 2 and says so, instead of
// exiting 0 with its output lost.
TEST(HostileCli, WriteErrorsOnStdoutAreReported) {
    if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full on this machine";
    const std::string sample = quoted(sample_capture());
    const std::string sip_text = quoted(fs::path(SIPDX_TEST_DATA_DIR) / "sip" /
                                        "sip-gtpu-ipv6-volte-iphone-ims-aka-0014.sip");
    for (const std::string& args : std::vector<std::string>{
             "codes", "explain 486", "analyze -q " + sample, "analyze -q --json " + sample,
             "calls --format csv " + sample, "messages " + sample, "parse --json " + sip_text,
             "parse " + sip_text, "flow " + sample + " --call busy-1@sipdx.test"}) {
        SCOPED_TRACE(args);
        const auto run = run_sipdx(args + " > /dev/full", true);
        EXPECT_EQ(run.exit_code, 2) << run.out;
        EXPECT_NE(run.out.find("writing the output failed"), std::string::npos) << run.out;
    }
}

// A reader that stops early (`| head -1`) is not an error worth a message.
TEST(HostileCli, ClosedPipeIsQuiet) {
    // sipdx's own stderr is folded into run.out; head's output goes to /dev/null.
    const auto run = run_sipdx("codes | head -c 10 >/dev/null", true);
    EXPECT_EQ(run.out.find("writing the output failed"), std::string::npos) << run.out;
}

TEST(HostileCli, ThreadsOutOfRangeAreRefusedWithTheRange) {
    const std::string sample = quoted(sample_capture());
    for (const std::string command : {"analyze -q", "calls", "ingest --db /dev/null"}) {
        SCOPED_TRACE(command);
        const auto run = run_sipdx(command + " --threads 32768 " + sample, true);
        EXPECT_EQ(run.exit_code, 2) << run.out;
        EXPECT_NE(run.out.find("0 to 256"), std::string::npos) << run.out;
    }
    // The largest accepted value runs (capped by the library), with the same answer.
    const auto one = run_sipdx("calls --format ndjson --threads 1 " + sample);
    const auto most = run_sipdx("calls --format ndjson --threads 256 " + sample);
    EXPECT_EQ(most.exit_code, 0);
    EXPECT_EQ(most.out, one.out);
}

TEST(HostileCli, FilterNeverWritesOverItsInput) {
    const auto dir = scratch_dir("filter");
    const auto input = dir / "in.pcap";
    fs::copy_file(sample_capture(), input);
    const auto before = slurp(input);

    auto run = run_sipdx("filter " + quoted(input) + " -w " + quoted(input), true);
    EXPECT_EQ(run.exit_code, 2) << run.out;
    EXPECT_NE(run.out.find("is an input capture"), std::string::npos) << run.out;
    EXPECT_EQ(slurp(input), before);

    // The same file through a symbolic link.
    const auto link = dir / "link.pcap";
    fs::create_symlink(input, link);
    run = run_sipdx("filter " + quoted(input) + " -w " + quoted(link), true);
    EXPECT_EQ(run.exit_code, 2) << run.out;
    EXPECT_EQ(slurp(input), before);

    // A new file inside a directory given as input would be read back as an input.
    run = run_sipdx("filter " + quoted(dir) + " -w " + quoted(dir / "out.pcapng"), true);
    EXPECT_EQ(run.exit_code, 2) << run.out;
    EXPECT_NE(run.out.find("inside the input directory"), std::string::npos) << run.out;
    EXPECT_FALSE(fs::exists(dir / "out.pcapng"));
    EXPECT_EQ(slurp(input), before);
    fs::remove_all(dir);
}

// Input of which nothing could be read exits 2 in every command (it was 1 in ingest, and an
// empty directory was stored silently with exit 0).
TEST(HostileCli, NothingReadableExitsTwoEverywhere) {
    const auto dir = scratch_dir("empty");
    const auto empty_file = dir / "zero.pcap";
    { std::ofstream touch(empty_file); }
    const auto empty_dir = dir / "nothing";
    fs::create_directories(empty_dir);
    const auto db = dir / "x.db";
    for (const auto& input : {empty_file, empty_dir}) {
        for (const std::string& command :
             std::vector<std::string>{"messages", "analyze -q", "calls", "flow --call x",
                                      "ingest -q --db " + quoted(db)}) {
            if (command == "messages" && input == empty_dir) continue; // directories: issue 18
            SCOPED_TRACE(command + " " + input.string());
            const auto run = run_sipdx(command + " " + quoted(input), true);
            EXPECT_EQ(run.exit_code, 2) << run.out;
            EXPECT_FALSE(run.out.empty()) << "exit 2 without a word";
        }
    }
    fs::remove_all(dir);
}

// What a user gives comes back in error messages: escape sequences are shown, never sent to
// the terminal; and an invalid value lists the valid ones (issues 18 and 23).
TEST(HostileCli, ErrorsShowControlBytesAndListValidValues) {
    const std::string sample = quoted(sample_capture());
    auto run = run_sipdx("explain \"$(printf '\\033[2Jxyz')\"", true);
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_EQ(run.out.find('\x1b'), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("\\x1b[2J"), std::string::npos) << run.out;
    run = run_sipdx("calls " + sample + " --outcome \"$(printf '\\033]0;x\\007')\"", true);
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_EQ(run.out.find('\x1b'), std::string::npos) << run.out;
    run = run_sipdx("calls " + sample + " --outcome success", true);
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.out.find("answered, failed, cancelled"), std::string::npos) << run.out;
    run = run_sipdx("calls " + sample + " --kind phone", true);
    EXPECT_NE(run.out.find("call, registration"), std::string::npos) << run.out;
}

// A pasted header with bytes that are not UTF-8 is still answered in JSON (U+FFFD), not lost
// to an exception.
TEST(HostileCli, ExplainJsonSurvivesInvalidUtf8) {
    const auto run =
        run_sipdx("explain --json \"$(printf 'Reason: Q.850;cause=17;text=\\042\\377\\376\\042')\" "
                  "486",
                  true);
    EXPECT_EQ(run.exit_code, 0) << run.out;
    EXPECT_NE(run.out.find("\"cause\":17"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("\"code\":486"), std::string::npos) << run.out;
}

// Only the chosen command's options are set up (main.cpp): every command listed by --help must
// still be reachable under its own name, and a line naming two commands must read as it did
// with every command set up.
TEST(HostileCli, EachCommandIsSetUpUnderItsOwnName) {
    const auto help = run_sipdx("--help");
    ASSERT_EQ(help.exit_code, 0);
    const auto list = help.out.find("Subcommands:");
    ASSERT_NE(list, std::string::npos) << help.out;
    std::istringstream lines(help.out.substr(list));
    std::string line;
    std::vector<std::string> names;
    while (std::getline(lines, line)) {
        if (line.size() > 2 && line[0] == ' ' && line[1] == ' ' && line[2] != ' ')
            names.push_back(line.substr(2, line.find(' ', 2) - 2));
    }
    EXPECT_GE(names.size(), 16u) << help.out;
    for (const auto& name : names) {
        SCOPED_TRACE(name);
        const auto run = run_sipdx(name + " --help");
        EXPECT_EQ(run.exit_code, 0) << run.out;
        EXPECT_NE(run.out.find("Usage: sipdx " + name + " "), std::string::npos) << run.out;
    }
    // A second command name: CLI11's own error, as with every command set up.
    const auto two = run_sipdx("codes calls", true);
    EXPECT_EQ(two.exit_code, 2);
    EXPECT_NE(two.out.find("not expected: calls"), std::string::npos) << two.out;
    // A root option first: every command is set up, and CLI11 shows the named one's help.
    const auto root = run_sipdx("--help codes");
    EXPECT_EQ(root.exit_code, 0);
    EXPECT_NE(root.out.find("Usage: sipdx codes "), std::string::npos) << root.out;
}
