// text/safe_file.h: writing files without following planted symlinks.
#include <sipdx/text/safe_file.h>

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace sipdx::text;

namespace {

fs::path scratch(const std::string& name) {
    auto dir = fs::temp_directory_path() / ("sipdx-safe-" + std::to_string(::getpid()) + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

TEST(SafeFile, WritesCreatesFoldersAndReplaces) {
    const auto dir = scratch("write");
    EXPECT_FALSE(write_file_under(dir.string(), "a/b/c.txt", "one"));
    EXPECT_EQ(read(dir / "a/b/c.txt"), "one");
    EXPECT_FALSE(write_file_under(dir.string(), "a/b/c.txt", "two"));
    EXPECT_EQ(read(dir / "a/b/c.txt"), "two");
    EXPECT_EQ(std::distance(fs::directory_iterator(dir / "a/b"), fs::directory_iterator()), 1);
    for (const char* bad : {"../x", "a//b", "/abs", "a/./b", ""})
        EXPECT_TRUE(write_file_under(dir.string(), bad, "x")) << bad;
    fs::remove_all(dir);
}

TEST(SafeFile, RefusesLinksAtTheNameAndOnTheWay) {
    const auto dir = scratch("links");
    const auto victim = dir / "victim";
    std::ofstream(victim) << "keep";
    fs::create_directories(dir / "out");
    fs::create_symlink(victim, dir / "out/page.html");
    auto error = write_file_under((dir / "out").string(), "page.html", "x");
    ASSERT_TRUE(error);
    EXPECT_NE(error.message.find("symbolic link"), std::string::npos);
    EXPECT_EQ(error.path, (dir / "out/page.html").string());
    fs::create_directories(dir / "elsewhere");
    fs::create_symlink(dir / "elsewhere", dir / "out/sub");
    error = write_file_under((dir / "out").string(), "sub/page.html", "x");
    ASSERT_TRUE(error);
    EXPECT_NE(error.message.find("symbolic link"), std::string::npos);
    EXPECT_TRUE(fs::is_empty(dir / "elsewhere"));

    FileError open_error;
    EXPECT_EQ(open_output_file((dir / "out/page.html").string(), open_error), nullptr);
    EXPECT_NE(open_error.message.find("symbolic link"), std::string::npos);
    EXPECT_EQ(read(victim), "keep");
    EXPECT_TRUE(is_symlink((dir / "out/page.html").string()));
    EXPECT_FALSE(is_symlink(victim.string()));

    std::FILE* f = open_output_file((dir / "plain.bin").string(), open_error);
    ASSERT_NE(f, nullptr) << open_error.message;
    std::fputs("ok", f);
    std::fclose(f);
    EXPECT_EQ(read(dir / "plain.bin"), "ok");
    fs::remove_all(dir);
}
