// StreamingMessageReader gives exactly MessageStream's walk while reading its input a piece at
// a time, and holds one message rather than the input (issue 23: `parse` held all of it).
#include <sipdx/sip/message.h>
#include <sipdx/sip/stream.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace sipdx::sip {
namespace {

const std::string invite = "INVITE sip:a@example.com SIP/2.0\r\n"
                           "Via: SIP/2.0/TCP h;branch=z9hG4bK1\r\n"
                           "From: <sip:b@example.com>;tag=1\r\n"
                           "To: <sip:a@example.com>\r\n"
                           "Call-ID: s1\r\n"
                           "CSeq: 1 INVITE\r\n"
                           "Content-Length: 5\r\n"
                           "\r\n"
                           "v=0\r\n";

struct Walked {
    std::vector<std::size_t> offsets;
    std::vector<std::string> start_lines;
    std::vector<std::size_t> findings;
    std::string trailing;
    std::size_t trailing_offset = 0;
    bool operator==(const Walked&) const = default;
};

template <typename Stream>
Walked walk(Stream& stream) {
    Walked w;
    Message m;
    std::size_t offset = 0;
    while (stream.next(m, offset)) {
        w.offsets.push_back(offset);
        w.start_lines.push_back(std::string(m.start_line));
        w.findings.push_back(m.findings.size());
    }
    w.trailing = std::string(stream.trailing_junk());
    w.trailing_offset = stream.trailing_junk().empty() ? 0 : stream.trailing_junk_offset();
    return w;
}

StreamingMessageReader::Read reader_of(const std::string& data, std::size_t& pos) {
    return [&data, &pos](char* into, std::size_t size) {
        const std::size_t n = std::min(size, data.size() - pos);
        std::copy_n(data.data() + pos, n, into);
        pos += n;
        return n;
    };
}

TEST(StreamingMessageReader, SameWalkAsTheWholeBufferAtAnyChunkSize) {
    const std::vector<std::string> inputs{
        "",
        "\r\n\r\n",
        invite,
        invite + invite + invite,
        "junk line\r\n" + invite + "\r\n\r\n" + invite + "trailing junk\r\n",
        invite + invite.substr(0, invite.size() - 3),
        invite + invite.substr(0, 40),
        "no sip here at all\r\nnone\r\n",
        std::string(3000, 'x') + "\r\n" + invite,
        invite + "INVITE sip:x SIP/2.0\r\nContent-Length: 100000\r\n\r\nshort",
    };
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        for (const Framing framing : {Framing::stream, Framing::datagram}) {
            MessageStream whole(inputs[i], framing);
            const Walked expected = walk(whole);
            for (const std::size_t chunk : {1, 7, 64, 4096}) {
                SCOPED_TRACE("input " + std::to_string(i) + ", chunk " + std::to_string(chunk));
                std::size_t pos = 0;
                StreamingMessageReader streaming(reader_of(inputs[i], pos), framing, chunk);
                EXPECT_EQ(walk(streaming), expected);
            }
        }
    }
}

TEST(StreamingMessageReader, HoldsAboutOneMessageNotTheInput) {
    std::string data;
    for (int i = 0; i < 20000; ++i)
        data += invite; // ~4 MB
    std::size_t pos = 0;
    StreamingMessageReader stream(reader_of(data, pos), Framing::stream, 4096);
    Message m;
    std::size_t offset = 0;
    std::size_t count = 0;
    std::size_t most = 0;
    while (stream.next(m, offset)) {
        ++count;
        most = std::max(most, stream.buffered());
        ASSERT_EQ(offset, (count - 1) * invite.size());
    }
    EXPECT_EQ(count, 20000u);
    EXPECT_LE(most, 16384u);
}

} // namespace
} // namespace sipdx::sip
