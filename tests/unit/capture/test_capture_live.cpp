// Live capture on loopback only, bounded in frames and time; skipped without the privilege.
#include <sipdx/capture/live.h>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <chrono>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace sipdx::capture {
namespace {

TEST(CaptureLive, LoopbackUdpIsCaptured) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "live capture needs root";
    }
    LiveOptions options;
    options.interface = "lo";
    options.filter = "udp and dst port 45999";
    options.count = 3;
    options.duration_s = 5;
    auto source = open_live(options);
    if (!source) {
        GTEST_SKIP() << "cannot capture on lo: " << source.error().message();
    }
    std::thread sender([] {
        const int s = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(45999);
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const char msg[] = "OPTIONS sip:probe@127.0.0.1 SIP/2.0\r\n\r\n";
        for (int i = 0; i < 20; ++i) { // bounded: 20 datagrams over 2 s at most
            ::sendto(s, msg, sizeof msg - 1, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        ::close(s);
    });
    const auto start = std::chrono::steady_clock::now();
    Frame frame;
    std::uint64_t n = 0;
    while ((*source)->next(frame) == ReadStatus::frame) {
        ++n;
        EXPECT_EQ(frame.number, n);
        EXPECT_EQ(frame.link_type, LinkType::ethernet); // Linux lo is DLT_EN10MB
        EXPECT_GT(frame.data.size(), 42u);
        EXPECT_GT(frame.time_ns, 1'600'000'000LL * 1'000'000'000);
    }
    sender.join();
    EXPECT_EQ(n, 3u);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(6));
    EXPECT_EQ((*source)->format(), Format::live);
}

TEST(CaptureLive, DurationEndsAnIdleCapture) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "live capture needs root";
    }
    LiveOptions options;
    options.interface = "lo";
    options.filter = "udp and dst port 1"; // nothing will match
    options.duration_s = 0.3;
    auto source = open_live(options);
    if (!source) {
        GTEST_SKIP() << "cannot capture on lo: " << source.error().message();
    }
    const auto start = std::chrono::steady_clock::now();
    Frame frame;
    EXPECT_EQ((*source)->next(frame), ReadStatus::end);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(CaptureLive, BadInterfaceAndFilterAreErrors) {
    LiveOptions options;
    EXPECT_FALSE(open_live(options)); // no interface
    options.interface = "no-such-interface-sipdx";
    EXPECT_FALSE(open_live(options));
    if (::geteuid() == 0) {
        options.interface = "lo";
        options.filter = "this is not bpf";
        auto bad = open_live(options);
        ASSERT_FALSE(bad);
        EXPECT_EQ(bad.error().code, CaptureErrorCode::unsupported);
    }
}

} // namespace
} // namespace sipdx::capture
