// decode::MessageReader: captures written here with the capture writer, read back one message
// at a time.
#include <sipdx/capture/writer.h>
#include <sipdx/decode/message_reader.h>

#include "unit/decode/packet_builder.h"
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace sipdx::decode;
using namespace sipdx::decode::test;
using sipdx::capture::CaptureWriter;
using sipdx::sip::HeaderId;

namespace {

fs::path temp_dir() {
    static const fs::path dir = [] {
        fs::path d = fs::temp_directory_path() / ("sipdx-test-reader-" + std::to_string(getpid()));
        fs::remove_all(d);
        fs::create_directories(d);
        return d;
    }();
    return dir;
}

// Writes `frames` (Ethernet) as a pcapng file at `path`.
std::string write_capture(const fs::path& path, const std::vector<Buf>& frames) {
    fs::create_directories(path.parent_path());
    auto writer = CaptureWriter::create(path.string(), {});
    EXPECT_TRUE(writer);
    EXPECT_TRUE((*writer)->add_interface({}));
    std::int64_t t = 1'700'000'000'000'000'000;
    for (const auto& f : frames) {
        EXPECT_TRUE((*writer)->write({0, t, f}));
        t += 1'000'000;
    }
    EXPECT_TRUE((*writer)->flush());
    return path.string();
}

struct Read {
    std::string call_id;
    std::string method;
    std::string bytes;
    std::uint64_t frame = 0;
    std::size_t input = 0;
};

std::vector<Read> read_all(MessageReader& reader) {
    std::vector<Read> out;
    for (int guard = 0; guard < 10000; ++guard) {
        const ReadMessage* m = reader.next();
        if (m == nullptr) break;
        out.push_back({std::string(m->message.value(HeaderId::call_id)),
                       std::string(m->message.method_text), std::string(m->payload.bytes),
                       m->payload.frame, m->input});
    }
    return out;
}

} // namespace

TEST(MessageReader, SeveralMessagesOfOneSegmentComeOneAtATime) {
    const std::string a = sip_request("REGISTER", "seg-a", 1);
    const std::string b = sip_request("OPTIONS", "seg-b", 2, "body");
    const std::string c = sip_request("INVITE", "udp-c", 1);
    const auto path = write_capture(temp_dir() / "segment.pcapng",
                                    {eth_tcp(100, ack, text(a + b)), eth_udp(text(c))});
    MessageReader reader({path});
    const auto seen = read_all(reader);
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[0].call_id, "seg-a");
    EXPECT_EQ(seen[0].method, "REGISTER");
    EXPECT_EQ(seen[0].bytes, a);
    EXPECT_EQ(seen[1].call_id, "seg-b");
    EXPECT_EQ(seen[1].bytes, b);
    EXPECT_EQ(seen[0].frame, 1u);
    EXPECT_EQ(seen[1].frame, 1u);
    EXPECT_EQ(seen[2].call_id, "udp-c");
    EXPECT_EQ(seen[2].frame, 2u);
    EXPECT_EQ(reader.next(), nullptr); // and stays at the end
    ASSERT_EQ(reader.inputs().size(), 1u);
    EXPECT_TRUE(reader.inputs()[0].clean());
    EXPECT_EQ(reader.inputs()[0].stats.sip_messages, 3u);
    EXPECT_EQ(reader.inputs()[0].stats.frames, 2u);
    EXPECT_EQ(reader.source(), nullptr);
}

TEST(MessageReader, DatagramIsCutAtContentLengthWhenParsed) {
    const std::string m = sip_request("MESSAGE", "trail", 1, "hello");
    const auto path =
        write_capture(temp_dir() / "trail.pcapng", {eth_udp(text(m + "trailing junk"))});
    MessageReader reader({path});
    const ReadMessage* read = reader.next();
    ASSERT_NE(read, nullptr);
    EXPECT_EQ(read->payload.bytes, m);
    EXPECT_EQ(read->message.body, "hello");
}

TEST(MessageReader, LessDetailSkipsTheParserOrTheBytes) {
    const std::string m = sip_request("OPTIONS", "raw", 1);
    const auto path =
        write_capture(temp_dir() / "raw.pcapng", {eth_udp(text(m)), eth_tcp(7, ack, text(m + m))});
    MessageReaderOptions options;
    options.detail = MessageDetail::bytes;
    MessageReader unparsed({path}, options);
    for (int i = 0; i < 3; ++i) {
        const ReadMessage* read = unparsed.next();
        ASSERT_NE(read, nullptr);
        EXPECT_EQ(read->payload.bytes, m);
        EXPECT_TRUE(read->message.raw.empty()); // never parsed
    }
    EXPECT_EQ(unparsed.next(), nullptr);

    options.detail = MessageDetail::framing;
    MessageReader framing({path}, options);
    std::vector<Transport> transports;
    while (const ReadMessage* read = framing.next()) {
        EXPECT_TRUE(read->payload.bytes.empty());
        EXPECT_TRUE(read->message.raw.empty());
        transports.push_back(read->payload.transport);
    }
    EXPECT_EQ(transports, (std::vector<Transport>{Transport::udp, Transport::tcp, Transport::tcp}));
    EXPECT_EQ(framing.inputs().at(0).stats.sip_messages, 3u);
}

TEST(MessageReader, InputsInOrderWithTheirOwnReports) {
    const auto first =
        write_capture(temp_dir() / "one.pcapng", {eth_udp(text(sip_request("BYE", "one", 2)))});
    const auto second =
        write_capture(temp_dir() / "two.pcapng", {eth_udp(text(sip_request("BYE", "two", 2))),
                                                  eth(0x0806, text("arp, not IP at all"))});
    const std::string missing = (temp_dir() / "missing.pcap").string();

    std::vector<std::string> ended;
    std::uint64_t frames_seen = 0;
    MessageReaderOptions options;
    options.on_frame = [&](const sipdx::capture::Frame&) { ++frames_seen; };
    options.on_input_end = [&](const InputReport& input) { ended.push_back(input.name); };
    MessageReader reader({first, missing, second}, options);
    const auto seen = read_all(reader);

    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].call_id, "one");
    EXPECT_EQ(seen[0].input, 0u);
    EXPECT_EQ(seen[1].call_id, "two");
    EXPECT_EQ(seen[1].input, 2u);
    EXPECT_EQ(frames_seen, 3u); // the ARP frame too
    EXPECT_EQ(ended, (std::vector<std::string>{first, missing, second}));

    const auto& inputs = reader.inputs();
    ASSERT_EQ(inputs.size(), 3u);
    EXPECT_FALSE(inputs[0].error);
    EXPECT_TRUE(inputs[0].clean());
    ASSERT_TRUE(inputs[1].error);
    EXPECT_EQ(inputs[1].error->code, sipdx::capture::CaptureErrorCode::cannot_open);
    EXPECT_FALSE(inputs[1].clean());
    EXPECT_EQ(inputs[2].stats.frames, 2u);
    EXPECT_EQ(inputs[2].stats.non_ip_frames, 1u);
}

TEST(MessageReader, TruncatedInputIsReportedNotThrown) {
    const auto whole = write_capture(temp_dir() / "whole.pcapng",
                                     {eth_udp(text(sip_request("INVITE", "cut-1", 1))),
                                      eth_udp(text(sip_request("INVITE", "cut-2", 1)))});
    const std::string bytes = [&] {
        std::string s(fs::file_size(whole), '\0');
        std::FILE* f = std::fopen(whole.c_str(), "rb");
        EXPECT_EQ(std::fread(s.data(), 1, s.size(), f), s.size());
        std::fclose(f);
        return s;
    }();
    const fs::path cut = temp_dir() / "cut.pcapng";
    std::FILE* f = std::fopen(cut.c_str(), "wb");
    std::fwrite(bytes.data(), 1, bytes.size() - 30, f);
    std::fclose(f);

    MessageReader reader({cut.string()});
    const auto seen = read_all(reader);
    ASSERT_EQ(seen.size(), 1u);
    const InputReport& input = reader.inputs().at(0);
    EXPECT_EQ(input.outcome, sipdx::capture::Outcome::some_skipped);
    ASSERT_FALSE(input.problems.empty());
    EXPECT_EQ(input.problems[0].code, sipdx::capture::ProblemCode::truncated);
    EXPECT_FALSE(input.clean());
}

TEST(MessageReader, DirectoryStandsForItsFilesSorted) {
    const fs::path dir = temp_dir() / "dir";
    write_capture(dir / "b.pcapng", {eth_udp(text(sip_request("OPTIONS", "in-b", 1)))});
    write_capture(dir / "a.pcapng", {eth_udp(text(sip_request("OPTIONS", "in-a", 1)))});
    MessageReader reader({dir.string()});
    const auto seen = read_all(reader);
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].call_id, "in-a");
    EXPECT_EQ(seen[1].call_id, "in-b");
    EXPECT_EQ(reader.inputs().at(0).name, (dir / "a.pcapng").string());

    MessageReaderOptions literal;
    literal.expand_directories = false;
    MessageReader as_given({dir.string()}, literal);
    EXPECT_EQ(as_given.next(), nullptr);
    ASSERT_EQ(as_given.inputs().size(), 1u);
    EXPECT_TRUE(as_given.inputs()[0].error); // "is a directory"
}

TEST(MessageReader, LiveOnAMissingInterfaceFailsToOpen) {
    sipdx::capture::LiveOptions live;
    live.interface = "sipdx-no-such-if0";
    live.duration_s = 0.1;
    auto reader = MessageReader::live(live);
    ASSERT_FALSE(reader);
    EXPECT_EQ(reader.error().code, sipdx::capture::CaptureErrorCode::cannot_open);
}
