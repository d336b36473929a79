// Output files are written without following symlinks planted on the way (issue 23): `site`
// below OUTDIR, `filter -w`, `ingest --db`.
#include "unit/commands/analysis_cli.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

using namespace sipdx::test;
namespace fs = std::filesystem;

namespace {

fs::path scratch_dir(const std::string& name) {
    auto dir = fs::temp_directory_path() / ("sipdx-files-" + std::to_string(::getpid()) + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void write_text(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

} // namespace

TEST(HostileFiles, SiteRefusesALinkPlantedAtAPage) {
    const auto dir = scratch_dir("site-page");
    const auto victim = dir / "victim.txt";
    write_text(victim, "keep me");
    const auto out = dir / "out";
    fs::create_directories(out);
    fs::create_symlink(victim, out / "index.html");
    const auto run = run_sipdx("site -q " + quoted(out), true);
    EXPECT_EQ(run.exit_code, 2) << run.out;
    EXPECT_NE(run.out.find("index.html: is a symbolic link"), std::string::npos) << run.out;
    EXPECT_EQ(slurp(victim), "keep me");
    EXPECT_TRUE(fs::is_symlink(out / "index.html"));
    fs::remove_all(dir);
}

TEST(HostileFiles, SiteRefusesALinkPlantedInPlaceOfASubfolder) {
    const auto dir = scratch_dir("site-dir");
    const auto outside = dir / "outside";
    fs::create_directories(outside);
    const auto out = dir / "out";
    fs::create_directories(out);
    fs::create_symlink(outside, out / "codes");
    const auto run = run_sipdx("site -q " + quoted(out), true);
    EXPECT_EQ(run.exit_code, 2) << run.out;
    EXPECT_NE(run.out.find("codes: is a symbolic link"), std::string::npos) << run.out;
    EXPECT_TRUE(fs::is_empty(outside)) << "a page was written through the link";
    fs::remove_all(dir);
}

TEST(HostileFiles, SiteStillWritesAndReplacesItsOwnPages) {
    const auto dir = scratch_dir("site-ok");
    const auto out = dir / "out";
    ASSERT_EQ(run_sipdx("site -q " + quoted(out)).exit_code, 0);
    write_text(out / "index.html", "old");
    ASSERT_EQ(run_sipdx("site -q " + quoted(out)).exit_code, 0);
    EXPECT_NE(slurp(out / "index.html"), "old");
    for (const auto& entry : fs::recursive_directory_iterator(out))
        EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos)
            << "temporary file left: " << entry.path();
    fs::remove_all(dir);
}

TEST(HostileFiles, FilterRefusesALinkAtItsOutput) {
    const auto dir = scratch_dir("filter");
    const auto victim = dir / "victim.txt";
    write_text(victim, "keep me");
    const auto link = dir / "out.pcapng";
    fs::create_symlink(victim, link);
    const auto run = run_sipdx("filter " + quoted(sample_capture()) + " -w " + quoted(link), true);
    EXPECT_EQ(run.exit_code, 2) << run.out;
    EXPECT_NE(run.out.find("symbolic link"), std::string::npos) << run.out;
    EXPECT_EQ(slurp(victim), "keep me");
    fs::remove_all(dir);
}

TEST(HostileFiles, IngestRefusesALinkAtItsDatabase) {
    const auto dir = scratch_dir("ingest");
    const auto victim = dir / "victim.db";
    write_text(victim, "");
    const auto link = dir / "calls.db";
    fs::create_symlink(victim, link);
    const auto run =
        run_sipdx("ingest -q --db " + quoted(link) + " " + quoted(sample_capture()), true);
    EXPECT_EQ(run.exit_code, 2) << run.out;
    EXPECT_NE(run.out.find("symbolic link"), std::string::npos) << run.out;
    EXPECT_EQ(fs::file_size(victim), 0u);
    fs::remove_all(dir);
}
