// `sipdx live` end to end on loopback: SIP datagrams sent here are captured, decoded and listed
// like `sipdx messages` lists them, and -w saves the frames. Bounded by --count and
// --duration; the capture parts skip without root.
#include <sipdx/capture/source.h>

#include "unit/cli_run.h"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>

namespace fs = std::filesystem;

namespace {

struct CliRun {
    int code = -1;
    std::string out;
};

CliRun run_cli(const std::string& args) {
    auto r = sipdx::test_cli::run_cli("live " + args, sipdx::test_cli::Stderr::drop);
    return {r.exit_code, std::move(r.out)};
}

// Sends `count` SIP OPTIONS datagrams to 127.0.0.1:port, one every 100 ms, starting after
// `delay` so the capture is open by then.
std::thread send_options(std::uint16_t port, int count, std::chrono::milliseconds delay) {
    return std::thread([=] {
        std::this_thread::sleep_for(delay);
        const int s = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(port);
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        for (int i = 1; i <= count; ++i) {
            const std::string msg = "OPTIONS sip:probe@127.0.0.1 SIP/2.0\r\n"
                                    "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKlive" +
                                    std::to_string(i) +
                                    "\r\n"
                                    "From: <sip:test@127.0.0.1>;tag=t1\r\n"
                                    "To: <sip:probe@127.0.0.1>\r\n"
                                    "Call-ID: live-" +
                                    std::to_string(i) +
                                    "@sipdx.test\r\n"
                                    "CSeq: " +
                                    std::to_string(i) +
                                    " OPTIONS\r\n"
                                    "Max-Forwards: 70\r\n"
                                    "Content-Length: 0\r\n\r\n";
            ::sendto(s, msg.data(), msg.size(), 0, reinterpret_cast<const sockaddr*>(&to),
                     sizeof to);
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        ::close(s);
    });
}

TEST(LiveCommand, ListsSipMessagesCapturedOnLoopback) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "live capture needs root";
    }
    const fs::path saved =
        fs::temp_directory_path() / ("sipdx-live-" + std::to_string(getpid()) + ".pcapng");
    auto sender = send_options(45997, 10, std::chrono::milliseconds(700));
    const auto r = run_cli("-i lo -f 'udp and dst port 45997' --count 3 --duration 8 "
                           "--format ndjson -w " +
                           saved.string());
    sender.join();
    if (r.code == 2) {
        GTEST_SKIP() << "cannot capture on lo here";
    }
    EXPECT_EQ(r.code, 0);
    std::istringstream lines(r.out);
    int n = 0;
    for (std::string line; std::getline(lines, line);) {
        const auto record = nlohmann::json::parse(line);
        ++n;
        EXPECT_EQ(record["method"], "OPTIONS");
        EXPECT_EQ(record["call_id"], "live-" + std::to_string(n) + "@sipdx.test");
        EXPECT_EQ(record["transport"], "udp");
        EXPECT_EQ(record["dport"], 45997);
    }
    EXPECT_EQ(n, 3);
    // The saved capture holds the same three frames.
    auto source = sipdx::capture::open(saved.string());
    ASSERT_TRUE(source) << source.error().message();
    EXPECT_EQ((*source)->format(), sipdx::capture::Format::pcapng);
    sipdx::capture::Frame frame;
    int frames = 0;
    while ((*source)->next(frame) == sipdx::capture::ReadStatus::frame) {
        ++frames;
    }
    EXPECT_EQ(frames, 3);
    EXPECT_EQ((*source)->interfaces().at(0).name, "lo");
    fs::remove(saved);
}

TEST(LiveCommand, DurationBoundsAnIdleCapture) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "live capture needs root";
    }
    const auto start = std::chrono::steady_clock::now();
    const auto r = run_cli("-i lo -f 'udp and dst port 1' --duration 0.5 --format csv");
    if (r.code == 2) {
        GTEST_SKIP() << "cannot capture on lo here";
    }
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.out.rfind("frame,time,", 0), 0u); // the csv header row, no records
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(LiveCommand, UsageErrorsExitTwo) {
    EXPECT_EQ(run_cli("").code, 2);                                   // -i is required
    EXPECT_EQ(run_cli("-i no-such-interface0 --duration 1").code, 2); // cannot open
    EXPECT_EQ(run_cli("-i lo --count -3").code, 2);
    if (::geteuid() == 0) {
        EXPECT_EQ(run_cli("-i lo -f 'not a filter ((' --duration 1").code, 2);
    }
}

} // namespace
