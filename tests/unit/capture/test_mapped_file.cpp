// The SIGBUS guard: a mapped file that shrinks while it is read yields zeros and a flag (and,
// through capture::open(), an error at the new end) instead of killing the process, while a
// SIGBUS anywhere else still does.
#include <sipdx/capture/mapped_file.h>
#include <sipdx/capture/source.h>
#include <sipdx/capture/writer.h>

#include <fmt/format.h>

#include "unit/capture/capture_test_util.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using sipdx::capture::MapErrorCode;
using sipdx::capture::MappedFile;
namespace fs = std::filesystem;

const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));

fs::path temp_file(const std::string& name) {
    const auto dir = fs::temp_directory_path() /
                     ("sipdx-mapped-" + std::to_string(::getpid()) + "-" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir);
    return dir / name;
}

// A file of `size` bytes, byte i = i % 251 + 1 (never 0, so zeros stand out).
void write_pattern(const fs::path& path, std::size_t size) {
    std::vector<char> bytes(size);
    for (std::size_t i = 0; i < size; ++i) {
        bytes[i] = static_cast<char>(i % 251 + 1);
    }
    std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(size));
}

struct Fd {
    int fd;
    explicit Fd(const fs::path& path, int flags = O_RDONLY) : fd(::open(path.c_str(), flags)) {}
    ~Fd() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
};

TEST(MappedFile, MapsTheRequestedBytes) {
    const auto path = temp_file("f");
    write_pattern(path, 3 * page + 10);
    Fd fd(path);
    ASSERT_GE(fd.fd, 0);
    auto whole = MappedFile::map(fd.fd, 0, 3 * page + 10);
    ASSERT_TRUE(whole) << whole.error().message();
    ASSERT_EQ(whole->bytes().size(), 3 * page + 10);
    EXPECT_EQ(whole->bytes()[0], 1);
    EXPECT_EQ(whole->bytes()[3 * page + 9], (3 * page + 9) % 251 + 1);
    EXPECT_FALSE(whole->shrank());
    EXPECT_FALSE(whole->first_fault());
    ASSERT_TRUE(whole->file_size());
    EXPECT_EQ(*whole->file_size(), 3 * page + 10);

    auto window = MappedFile::map(fd.fd, page, page);
    ASSERT_TRUE(window);
    EXPECT_EQ(window->file_offset(), page);
    EXPECT_EQ(window->bytes()[0], page % 251 + 1);

    EXPECT_EQ(MappedFile::map(fd.fd, 0, 0).error().code, MapErrorCode::empty_range);
    EXPECT_EQ(MappedFile::map(-1, 0, page).error().code, MapErrorCode::map_failed);
}

// Test (1) of the brief: map, truncate to half, read past the new end.
TEST(MappedFile, ReadingPastTheNewEndGivesZerosAndSetsTheFlag) {
    const auto path = temp_file("f");
    write_pattern(path, 8 * page);
    Fd fd(path);
    auto mapped = MappedFile::map(fd.fd, 0, 8 * page);
    ASSERT_TRUE(mapped);
    const auto bytes = mapped->bytes();
    EXPECT_EQ(bytes[6 * page], (6 * page) % 251 + 1); // resident before the truncation
    ASSERT_EQ(::truncate(path.c_str(), static_cast<off_t>(4 * page)), 0);

    EXPECT_EQ(bytes[4 * page - 1], (4 * page - 1) % 251 + 1); // still the file's
    EXPECT_FALSE(mapped->shrank());
    EXPECT_EQ(bytes[6 * page + 7], 0); // would have been SIGBUS
    EXPECT_TRUE(mapped->shrank());
    ASSERT_TRUE(mapped->first_fault());
    EXPECT_EQ(*mapped->first_fault(), 6 * page); // the page that faulted first
    EXPECT_EQ(bytes[8 * page - 1], 0);           // zero from the fault to the end
    EXPECT_EQ(bytes[5 * page], 0);               // an earlier page faults later: also zeros
    EXPECT_EQ(*mapped->first_fault(), 5 * page);
    EXPECT_EQ(bytes[page], page % 251 + 1); // before the new end: untouched
    EXPECT_EQ(*mapped->file_size(), 4 * page);
}

TEST(MappedFile, MovedMappingStaysGuarded) {
    const auto path = temp_file("f");
    write_pattern(path, 4 * page);
    Fd fd(path);
    auto mapped = MappedFile::map(fd.fd, 0, 4 * page);
    ASSERT_TRUE(mapped);
    MappedFile moved = std::move(*mapped);
    EXPECT_TRUE(mapped->bytes().empty());
    ASSERT_EQ(::truncate(path.c_str(), 0), 0);
    EXPECT_EQ(moved.bytes()[3 * page], 0);
    EXPECT_TRUE(moved.shrank());
    EXPECT_FALSE(mapped->shrank());
}

TEST(MappedFile, SlotsAreReusedAndBounded) {
    const auto path = temp_file("f");
    write_pattern(path, page);
    Fd fd(path);
    // Far more mappings over time than slots: each one gives its slot back.
    for (int i = 0; i < 1000; ++i) {
        auto m = MappedFile::map(fd.fd, 0, page);
        ASSERT_TRUE(m) << "mapping " << i << ": " << m.error().message();
    }
    // At once, never more than the registry holds (other tests may hold none now).
    std::vector<MappedFile> held;
    for (std::size_t i = 0; i < sipdx::capture::max_guarded_mappings; ++i) {
        auto m = MappedFile::map(fd.fd, 0, page);
        ASSERT_TRUE(m) << "mapping " << i;
        held.push_back(std::move(*m));
    }
    auto one_more = MappedFile::map(fd.fd, 0, page);
    ASSERT_FALSE(one_more);
    EXPECT_EQ(one_more.error().code, MapErrorCode::no_guard);
    held.pop_back();
    EXPECT_TRUE(MappedFile::map(fd.fd, 0, page));
}

// Test (4): a fault outside every guarded range is not hidden.
void fault_outside_guarded_ranges(const fs::path& path) {
    write_pattern(path, 4 * page);
    const int fd = ::open(path.c_str(), O_RDONLY);
    // A guarded mapping first, so that the handler is installed in this (child) process.
    auto guarded = MappedFile::map(fd, 0, 4 * page);
    if (!guarded) {
        std::_Exit(3);
    }
    void* raw = ::mmap(nullptr, 4 * page, PROT_READ, MAP_PRIVATE, fd, 0);
    if (raw == MAP_FAILED || ::ftruncate(::open(path.c_str(), O_RDWR), 0) != 0) {
        std::_Exit(4);
    }
    const volatile std::uint8_t* bytes = static_cast<const std::uint8_t*>(raw);
    static_cast<void>(bytes[2 * page]); // SIGBUS, not ours
    std::_Exit(0);
}

#if defined(__SANITIZE_ADDRESS__)
// ASan installs its own SIGBUS handler at start-up (handle_sigbus=1, the default): ours passes
// the fault on to it, and it reports "BUS on unknown address" and exits 1 instead of dying by
// the signal. With ASAN_OPTIONS=handle_sigbus=0 the signal kills as without ASan.
bool died_of_sigbus(int status) {
    return (WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS) ||
           (WIFEXITED(status) && WEXITSTATUS(status) == 1);
}
#endif

TEST(MappedFileDeathTest, FaultOutsideGuardedMappingsStillKills) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    const auto path = temp_file("f");
#if defined(__SANITIZE_ADDRESS__)
    EXPECT_EXIT(fault_outside_guarded_ranges(path), died_of_sigbus, "BUS|^$");
#else
    EXPECT_EXIT(fault_outside_guarded_ranges(path), ::testing::KilledBySignal(SIGBUS), "");
#endif
}

TEST(MappedFileDeathTest, SigbusSentByKillStillKills) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    const auto path = temp_file("f");
    auto child = [&] {
        write_pattern(path, page);
        const int fd = ::open(path.c_str(), O_RDONLY);
        auto guarded = MappedFile::map(fd, 0, page); // installs the handler
        if (!guarded) {
            std::_Exit(3);
        }
        ::raise(SIGBUS);
        std::_Exit(0);
    };
#if defined(__SANITIZE_ADDRESS__)
    EXPECT_EXIT(child(), died_of_sigbus, "");
#else
    EXPECT_EXIT(child(), ::testing::KilledBySignal(SIGBUS), "");
#endif
}

// --- through capture::open() -------------------------------------------------------------

// A pcap of `count` frames of 1000 bytes, frame i filled with (i % 200) + 1.
fs::path write_capture(const std::string& name, int count) {
    using namespace sipdx::capture;
    const auto path = temp_file(name);
    auto writer = CaptureWriter::create(path.string(), WriterOptions(WriterFormat::pcap_us));
    EXPECT_TRUE(writer);
    EXPECT_TRUE((*writer)->add_interface(WriterInterface(LinkType::raw)));
    std::vector<std::uint8_t> data(1000);
    for (int i = 0; i < count; ++i) {
        std::fill(data.begin(), data.end(), static_cast<std::uint8_t>(i % 200 + 1));
        EXPECT_TRUE((*writer)->write(WriterPacket(0, std::int64_t{i} * 1'000'000, data)));
    }
    EXPECT_TRUE((*writer)->flush());
    return path;
}

constexpr std::size_t record_size = 16 + 1000;
constexpr std::size_t pcap_header = 24;

bool frame_intact(const sipdx::capture::Frame& frame) {
    const auto expected = static_cast<std::uint8_t>((frame.number - 1) % 200 + 1);
    return frame.data.size() == 1000 && std::all_of(frame.data.begin(), frame.data.end(),
                                                    [&](std::uint8_t b) { return b == expected; });
}

// Test (2): open, read some frames, truncate, keep reading.
TEST(ShrinkingCapture, ReaderStopsAtTheNewEndWithAnError) {
    const auto path = write_capture("shrink.pcap", 600); // ~600 KB: several guard regions
    auto source = sipdx::capture::open(path.string());
    ASSERT_TRUE(source) << source.error().message();
    sipdx::capture::Frame frame;
    for (int i = 0; i < 50; ++i) {
        ASSERT_EQ((*source)->next(frame), sipdx::capture::ReadStatus::frame);
        ASSERT_TRUE(frame_intact(frame)) << "frame " << frame.number;
    }
    // Cut in the middle of record 400 (1-based 401), far beyond what was read.
    const std::size_t cut = pcap_header + 400 * record_size + 500;
    ASSERT_EQ(::truncate(path.c_str(), static_cast<off_t>(cut)), 0);
    std::uint64_t frames = 50;
    bool all_intact = true;
    while ((*source)->next(frame) == sipdx::capture::ReadStatus::frame) {
        ++frames;
        all_intact = all_intact && frame_intact(frame);
    }
    EXPECT_EQ(frames, 400u); // every whole record before the new end, none after
    EXPECT_TRUE(all_intact);
    EXPECT_EQ((*source)->outcome(), sipdx::capture::Outcome::some_skipped);
    const auto& problems = (*source)->problems();
    ASSERT_FALSE(problems.empty());
    EXPECT_EQ(problems[0].code, sipdx::capture::ProblemCode::read_error);
    const std::string line = problems[0].message();
    EXPECT_NE(line.find(path.string()), std::string::npos) << line;
    EXPECT_NE(line.find(fmt::format("offset {}:", pcap_header + 400 * record_size)),
              std::string::npos)
        << line;
    EXPECT_NE(line.find(fmt::format("the file shrank while being read (now {} bytes); "
                                    "stopped there",
                                    cut)),
              std::string::npos)
        << line;
}

TEST(ShrinkingCapture, ShrinkFoundByAnotherThreadsReadStopsTheReader) {
    // A frame already handed out is read (by a decoding thread in sipdx) after the file lost
    // it: that read sees zeros, and the reader delivers nothing more.
    const auto path = write_capture("emptied.pcap", 300);
    auto source = sipdx::capture::open(path.string());
    ASSERT_TRUE(source);
    sipdx::capture::Frame frame;
    for (int i = 0; i < 10; ++i) {
        ASSERT_EQ((*source)->next(frame), sipdx::capture::ReadStatus::frame);
    }
    const auto held = frame.data; // frame 10, inside the first guard region
    ASSERT_EQ(::truncate(path.c_str(), 0), 0);
    bool zeros = true;
    std::thread reader([&] {
        for (const auto b : held) {
            zeros = zeros && b == 0;
        }
    });
    reader.join();
    EXPECT_TRUE(zeros);
    EXPECT_EQ((*source)->next(frame), sipdx::capture::ReadStatus::end);
    EXPECT_EQ((*source)->counters().frames, 10u);
    ASSERT_FALSE((*source)->problems().empty());
    EXPECT_NE((*source)->problems()[0].message().find("shrank while being read (now 0 bytes)"),
              std::string::npos);
}

TEST(ShrinkingCapture, LossOfLessThanAPageAtTheEndIsFound) {
    // Nothing faults when the file loses only part of its last page (those bytes read as
    // zeros): the reader asks the file its size when it reaches the mapping's end.
    const auto path = write_capture("tail.pcap", 20);
    auto source = sipdx::capture::open(path.string());
    ASSERT_TRUE(source);
    const auto size = fs::file_size(path);
    ASSERT_EQ(::truncate(path.c_str(), static_cast<off_t>(size - 100)), 0);
    const auto frames = sipdx::capture::test::read_all(**source);
    EXPECT_EQ(frames.size(), 19u);
    ASSERT_FALSE((*source)->problems().empty());
    EXPECT_EQ((*source)->problems()[0].code, sipdx::capture::ProblemCode::read_error);
}

TEST(ShrinkingCapture, GzipCaptureThatShrinksEndsWithTheSameError) {
    // The compressed file is what is mapped; pseudo-random payloads keep it large.
    using namespace sipdx::capture;
    CaptureWriter writer(WriterFormat::pcap_us);
    ASSERT_TRUE(writer.add_interface(WriterInterface(LinkType::raw)));
    std::vector<std::uint8_t> data(1000);
    std::uint32_t state = 12345;
    for (int i = 0; i < 600; ++i) {
        for (auto& b : data) {
            state = state * 1103515245u + 12345u;
            b = static_cast<std::uint8_t>(state >> 24);
        }
        ASSERT_TRUE(writer.write(WriterPacket(0, std::int64_t{i} * 1'000'000, data)));
    }
    const auto path = temp_file("shrink.pcap.gz");
    gzFile gz = gzopen(path.c_str(), "wb1");
    ASSERT_NE(gz, nullptr);
    ASSERT_EQ(gzwrite(gz, writer.bytes().data(), static_cast<unsigned>(writer.bytes().size())),
              static_cast<int>(writer.bytes().size()));
    ASSERT_EQ(gzclose(gz), Z_OK);
    const auto size = fs::file_size(path);
    ASSERT_GT(size, 4u * 65536);

    auto source = open(path.string());
    ASSERT_TRUE(source);
    EXPECT_TRUE((*source)->gzip());
    Frame frame;
    ASSERT_EQ((*source)->next(frame), ReadStatus::frame);
    ASSERT_EQ(::truncate(path.c_str(), static_cast<off_t>(size / 2)), 0);
    std::uint64_t frames = 1;
    while ((*source)->next(frame) == ReadStatus::frame) {
        ++frames;
    }
    EXPECT_GT(frames, 100u);
    EXPECT_LT(frames, 600u);
    ASSERT_FALSE((*source)->problems().empty());
    EXPECT_EQ((*source)->problems()[0].code, ProblemCode::read_error);
    EXPECT_NE((*source)->problems()[0].message().find(
                  fmt::format("the file shrank while being read (now {} bytes)", size / 2)),
              std::string::npos)
        << (*source)->problems()[0].message();
}

TEST(ShrinkingCapture, UnchangedFileReadsClean) {
    const auto path = write_capture("clean.pcap", 300);
    auto source = sipdx::capture::open(path.string());
    ASSERT_TRUE(source);
    const auto frames = sipdx::capture::test::read_all(**source);
    EXPECT_EQ(frames.size(), 300u);
    EXPECT_TRUE((*source)->problems().empty());
    EXPECT_EQ((*source)->outcome(), sipdx::capture::Outcome::clean);
}

} // namespace
