// Streamed input: a pipe must yield each frame as soon as its bytes arrived, never waiting
// for the end of the input (tcpdump -w - | sipdx ...).
#include "capture_test_util.h"

#include <sipdx/capture/writer.h>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include <unistd.h>

namespace sipdx::capture {
namespace {

void write_all(int fd, const std::vector<std::uint8_t>& bytes, std::size_t from, std::size_t to) {
    while (from < to) {
        const ssize_t n = ::write(fd, bytes.data() + from, to - from);
        ASSERT_GT(n, 0);
        from += static_cast<std::size_t>(n);
    }
}

class PipeTest : public ::testing::TestWithParam<WriterFormat> {};

TEST_P(PipeTest, FramesArriveBeforeTheWriterCloses) {
    CaptureWriter writer({GetParam(), false, {}, "test"});
    ASSERT_TRUE(writer.add_interface({LinkType::raw, 65535, "lo", 6, 0}));
    const std::vector<std::uint8_t> packet(100, 0x45);
    ASSERT_TRUE(writer.write({0, 1'000'000'000, packet, 0, {}}));
    const std::size_t first_end = writer.bytes().size();
    ASSERT_TRUE(writer.write({0, 2'000'000'000, packet, 0, {}}));
    const auto bytes = writer.bytes();

    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    write_all(fds[1], bytes, 0, first_end); // header and the first frame only
    auto source = open_fd(fds[0], "pipe", true);
    ASSERT_TRUE(source) << source.error().message();
    // The first frame must come out while the write end is still open; a reader waiting for
    // EOF would block here forever, so run it with a deadline.
    auto first = std::async(std::launch::async, [&] {
        Frame frame;
        const auto status = (*source)->next(frame);
        return status == ReadStatus::frame ? frame.time_ns : -1;
    });
    ASSERT_EQ(first.wait_for(std::chrono::seconds(5)), std::future_status::ready)
        << "reader waited for more input than the first frame needs";
    EXPECT_EQ(first.get(), 1'000'000'000);
    write_all(fds[1], bytes, first_end, bytes.size());
    ::close(fds[1]);
    Frame frame;
    ASSERT_EQ((*source)->next(frame), ReadStatus::frame);
    EXPECT_EQ(frame.time_ns, 2'000'000'000);
    EXPECT_EQ((*source)->next(frame), ReadStatus::end);
    EXPECT_EQ((*source)->outcome(), Outcome::clean);
}

INSTANTIATE_TEST_SUITE_P(Formats, PipeTest,
                         ::testing::Values(WriterFormat::pcap_us, WriterFormat::pcapng));

// A long stream through a pipe (far larger than the pipe and the read buffer): every frame
// arrives, in order, and the byte counter covers the whole stream.
TEST(CaptureStream, LongPipeStreamsInBoundedMemory) {
    CaptureWriter writer({WriterFormat::pcap_ns, false, {}, {}});
    ASSERT_TRUE(writer.add_interface({LinkType::ethernet, 262144, {}, 9, 0}));
    std::vector<std::uint8_t> packet(1500, 0xab);
    for (int i = 0; i < 20000; ++i) { // about 30 MB
        packet[0] = static_cast<std::uint8_t>(i);
        ASSERT_TRUE(writer.write({0, i, packet, 0, {}}));
    }
    const auto bytes = writer.bytes();
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    std::thread feeder([&] {
        write_all(fds[1], bytes, 0, bytes.size());
        ::close(fds[1]);
    });
    auto source = open_fd(fds[0], "pipe", true);
    ASSERT_TRUE(source);
    Frame frame;
    std::int64_t expected = 0;
    while ((*source)->next(frame) == ReadStatus::frame) {
        ASSERT_EQ(frame.time_ns, expected);
        ASSERT_EQ(frame.data[0], static_cast<std::uint8_t>(expected));
        ++expected;
    }
    feeder.join();
    EXPECT_EQ(expected, 20000);
    EXPECT_EQ((*source)->counters().input_bytes, bytes.size());
}

} // namespace
} // namespace sipdx::capture
