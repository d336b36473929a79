// The reassembly units on their own: IP fragments and one TCP direction.
#include "decode/detail/ip_reassembly.h"
#include "decode/detail/tcp_reassembly.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace sipdx::decode;
using namespace sipdx::decode::detail;

namespace {
std::span<const std::uint8_t> bytes(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
FragmentKey key(std::uint32_t id) {
    const std::uint8_t a[4] = {10, 0, 0, 1};
    const std::uint8_t b[4] = {10, 0, 0, 2};
    return {Address::v4(a), Address::v4(b), id, 17, 0};
}
} // namespace

TEST(IpReassembler, OutOfOrderFragmentsComplete) {
    IpReassembler r;
    std::vector<std::uint8_t> out;
    const std::string a(16, 'a'), b(16, 'b'), c(5, 'c');
    EXPECT_EQ(r.add(key(1), 32, bytes(c), false, 0, out).status, FragmentStatus::pending);
    EXPECT_EQ(r.add(key(1), 0, bytes(a), true, 0, out).status, FragmentStatus::pending);
    const auto res = r.add(key(1), 16, bytes(b), true, 0, out);
    ASSERT_EQ(res.status, FragmentStatus::complete);
    EXPECT_FALSE(res.overlap_mismatch);
    EXPECT_EQ(std::string(out.begin(), out.end()), a + b + c);
    EXPECT_EQ(r.datagrams(), 0u);
    EXPECT_EQ(r.bytes_held(), 0u);
}

TEST(IpReassembler, OverlapKeepsFirstBytesAndFlagsMismatch) {
    IpReassembler r;
    std::vector<std::uint8_t> out;
    const std::string first(16, 'x');
    const std::string evil(16, 'E');
    r.add(key(2), 0, bytes(first), true, 0, out);
    r.add(key(2), 8, bytes(evil), true, 0, out); // overlaps bytes 8..16 with other content
    const std::string tail(8, 't');
    const auto res = r.add(key(2), 24, bytes(tail), false, 0, out);
    ASSERT_EQ(res.status, FragmentStatus::complete);
    EXPECT_TRUE(res.overlap_mismatch);
    EXPECT_EQ(std::string(out.begin(), out.end()),
              std::string(16, 'x') + std::string(8, 'E') + tail);
}

TEST(IpReassembler, IdenticalOverlapIsNotFlagged) {
    IpReassembler r;
    std::vector<std::uint8_t> out;
    const std::string all = "0123456789abcdefghijklmnopqrstuv";
    r.add(key(3), 0, bytes(all.substr(0, 24)), true, 0, out);
    const auto res = r.add(key(3), 8, bytes(all.substr(8)), false, 0, out);
    ASSERT_EQ(res.status, FragmentStatus::complete);
    EXPECT_FALSE(res.overlap_mismatch);
    EXPECT_EQ(std::string(out.begin(), out.end()), all);
}

TEST(IpReassembler, LimitsAndTimeoutBoundMemory) {
    IpReassembler r({2, 1000, 1'000'000'000});
    std::vector<std::uint8_t> out;
    const std::string s(8, 's');
    EXPECT_EQ(r.add(key(1), 0, bytes(s), true, 0, out).status, FragmentStatus::pending);
    EXPECT_EQ(r.add(key(2), 0, bytes(s), true, 0, out).status, FragmentStatus::pending);
    // Full: the oldest incomplete datagram (key 1) makes room, so a flood cannot block.
    EXPECT_EQ(r.add(key(3), 0, bytes(s), true, 0, out).status, FragmentStatus::pending);
    EXPECT_EQ(r.take_evicted(), 1u);
    const std::string big(2000, 'b');
    EXPECT_EQ(r.add(key(3), 8, bytes(big), true, 0, out).status, FragmentStatus::dropped);
    // Beyond 65535 bytes a datagram cannot exist.
    EXPECT_EQ(r.add(key(4), 65528, bytes(s.substr(0, 8) + "x"), false, 0, out).status,
              FragmentStatus::dropped);
    EXPECT_EQ(r.expire(5'000'000'000), 1u); // key 2 timed out (1 evicted, 3 dropped above)
    EXPECT_EQ(r.datagrams(), 0u);
}

TEST(TcpDirection, InOrderOutOfOrderAndRetransmission) {
    TcpDirection d;
    EXPECT_EQ(d.segment(1000, true, {}, 0).appended, 0u); // SYN: next byte is 1001
    const std::string a = "hello ", b = "brave ", c = "world";
    EXPECT_EQ(d.segment(1001 + 6, false, bytes(b), 0).appended, 0u); // hole
    EXPECT_EQ(d.segment(1001 + 12, false, bytes(c), 0).appended, 0u);
    EXPECT_EQ(d.segment(1001, false, bytes(a), 0).appended, 17u);
    EXPECT_EQ(d.pending(), "hello brave world");
    EXPECT_TRUE(d.segment(1001, false, bytes(a), 0).retransmission);
    // Overlap: resend of the last 3 bytes plus 2 new ones.
    const std::string o = "ld!!";
    EXPECT_EQ(d.segment(1001 + 15, false, bytes(o), 0).appended, 2u);
    EXPECT_EQ(d.pending(), "hello brave world!!");
    d.consume(6);
    EXPECT_EQ(d.pending(), "brave world!!");
    EXPECT_EQ(d.pending_offset(), 6u);
}

TEST(TcpDirection, SequenceWrapAndMidStreamStart) {
    TcpDirection d;
    const std::string a = "abcd", b = "efgh";
    d.segment(0xFFFFFFFE, false, bytes(a), 0);                // no SYN seen: starts here
    EXPECT_EQ(d.segment(2, false, bytes(b), 0).appended, 4u); // wrapped past 2^32
    EXPECT_EQ(d.pending(), "abcdefgh");
}

TEST(TcpDirection, StaleHoleIsSkippedAsGap) {
    TcpDirection d({1 << 20, 1'000'000'000});
    const std::string a = "aaaa", c = "cccc", e = "eeee";
    d.segment(100, false, bytes(a), 0);
    d.segment(108, false, bytes(c), 0); // 104..108 lost
    const auto o = d.segment(112, false, bytes(e), 2'000'000'000);
    EXPECT_TRUE(o.gap);
    EXPECT_EQ(d.pending(), "cccceeee");
}

TEST(TcpDirection, BufferLimitHolds) {
    TcpDirection d({64, 1'000'000'000});
    const std::string chunk(40, 'x');
    d.segment(1, false, bytes(chunk), 0);
    const auto o = d.segment(41, false, bytes(chunk), 0);
    EXPECT_TRUE(o.gap);
    EXPECT_LE(d.held_bytes(), 64u);
}
