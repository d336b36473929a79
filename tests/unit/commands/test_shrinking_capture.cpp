// `sipdx analyze` on a capture that another process truncates while sipdx reads it: exit 1,
// one error line naming the file and the offset, and the frames before the new end analysed
// exactly as those of a copy of the prefix. Deterministic without sleeping: sipdx opens its
// inputs in order before reading any, so with `analyze A FIFO` it has A mapped by the time it
// opens the FIFO, and it then waits for the FIFO's data while the test truncates A.
#include "unit/commands/analysis_cli.h"

#include <sipdx/capture/source.h>
#include <sipdx/capture/writer.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

using namespace sipdx::test;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir() {
    const auto dir = fs::temp_directory_path() / ("sipdx-shrinking-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

// The sample capture's frames `copies` times over, each copy an hour after the previous one
// (about 1 MB: many guard regions).
void write_long_capture(const fs::path& path, int copies) {
    using namespace sipdx::capture;
    auto source = open(sample_capture().string());
    ASSERT_TRUE(source);
    struct Copy {
        std::int64_t time_ns;
        std::vector<std::uint8_t> data;
    };
    std::vector<Copy> frames;
    Frame frame;
    while ((*source)->next(frame) == ReadStatus::frame) {
        frames.push_back({frame.time_ns, {frame.data.begin(), frame.data.end()}});
    }
    ASSERT_FALSE(frames.empty());
    auto writer = CaptureWriter::create(path.string(), WriterOptions(WriterFormat::pcap_us));
    ASSERT_TRUE(writer);
    ASSERT_TRUE((*writer)->add_interface(WriterInterface((*source)->interfaces()[0].link_type)));
    for (int c = 0; c < copies; ++c) {
        for (const auto& f : frames) {
            const std::int64_t shift = std::int64_t{c} * 3600 * 1'000'000'000;
            ASSERT_TRUE((*writer)->write(WriterPacket(0, f.time_ns + shift, f.data)));
        }
    }
    ASSERT_TRUE((*writer)->flush());
}

// A pcap file header and no records.
std::vector<std::uint8_t> empty_pcap() {
    sipdx::capture::CaptureWriter writer(sipdx::capture::WriterFormat::pcap_us);
    EXPECT_TRUE(writer.add_interface(sipdx::capture::WriterInterface()));
    return writer.bytes();
}

struct Child {
    pid_t pid = -1;
    int status = -1;
};

Child spawn_sipdx(const std::vector<std::string>& args, const fs::path& out, const fs::path& err) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<std::string> argv_strings{SIPDX_CLI};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_strings) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    Child child;
    if (posix_spawn(&child.pid, SIPDX_CLI, &actions, nullptr, argv.data(), environ) != 0) {
        child.pid = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    return child;
}

// Opens the FIFO for writing once sipdx has opened it for reading (ENXIO until then); gives
// up after 30 s or when sipdx has exited.
int open_fifo_for_writing(const fs::path& fifo, Child& child) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd >= 0 || errno != ENXIO) {
            return fd;
        }
        if (::waitpid(child.pid, &child.status, WNOHANG) == child.pid) {
            child.pid = -1;
            return -1;
        }
        ::usleep(1000); // polling the FIFO's state, not sleeping in place of a sync point
    }
    return -1;
}

nlohmann::json counts(const std::string& json_text) {
    const auto j = nlohmann::json::parse(json_text);
    return {{"requests", j["requests"]}, {"responses", j["responses"]}};
}

TEST(ShrinkingCaptureCli, AnalyzeStopsAtTheNewEndAndExitsOne) {
    const auto dir = temp_dir();
    const auto capture = dir / "rotating.pcap";
    write_long_capture(capture, 25);
    const auto full_size = fs::file_size(capture);
    ASSERT_GT(full_size, 512u * 1024);
    const std::uint64_t cut = full_size / 2 + 123; // somewhere inside a record

    // What the frames before the cut give, from a copy of exactly those bytes.
    const auto prefix = dir / "prefix.pcap";
    fs::copy_file(capture, prefix);
    fs::resize_file(prefix, cut);
    const auto nothing = dir / "nothing.pcap";
    const auto header = empty_pcap();
    {
        std::ofstream out(nothing, std::ios::binary);
        out.write(reinterpret_cast<const char*>(header.data()),
                  static_cast<std::streamsize>(header.size()));
    }
    const auto expected = run_sipdx("analyze --json " + quoted(prefix) + " " + quoted(nothing));
    ASSERT_EQ(expected.exit_code, 1); // the prefix ends inside a record
    const auto expected_counts = counts(expected.out);
    ASSERT_FALSE(expected_counts["requests"].empty());

    const auto fifo = dir / "later.pcap";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    Child child = spawn_sipdx({"analyze", "--json", capture.string(), fifo.string()},
                              dir / "out.json", dir / "err.txt");
    ASSERT_GT(child.pid, 0);
    const int fifo_fd = open_fifo_for_writing(fifo, child);
    ASSERT_GE(fifo_fd, 0) << slurp(dir / "err.txt");
    // sipdx has mapped the capture and waits for the FIFO: now the capture shrinks.
    ASSERT_EQ(::truncate(capture.c_str(), static_cast<off_t>(cut)), 0);
    ASSERT_EQ(::write(fifo_fd, header.data(), header.size()), static_cast<ssize_t>(header.size()));
    ::close(fifo_fd);
    ASSERT_EQ(::waitpid(child.pid, &child.status, 0), child.pid);

    ASSERT_TRUE(WIFEXITED(child.status))
        << "killed by signal " << (WIFSIGNALED(child.status) ? WTERMSIG(child.status) : 0);
    EXPECT_EQ(WEXITSTATUS(child.status), 1);
    const std::string err = slurp(dir / "err.txt");
    const std::regex line("sipdx: " + capture.string() +
                          R"(: frame \d+, offset (\d+): the file shrank while being read \(now )" +
                          std::to_string(cut) + R"( bytes\); stopped there)");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(err, m, line)) << err;
    EXPECT_LE(std::stoull(m[1]), cut);
    EXPECT_GT(std::stoull(m[1]) + 16 + 65535, cut); // the record that did not fit
    EXPECT_EQ(counts(slurp(dir / "out.json")), expected_counts);
    fs::remove_all(dir);
}

} // namespace
