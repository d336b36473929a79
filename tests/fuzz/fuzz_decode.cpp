// Fuzzes the decode pipeline. The input is a sequence of frames, each [link(1)][length(2,BE)]
// [bytes], so that state across frames (IP fragments, TCP streams, WebSocket, SCTP) is
// exercised too. Every delivered payload is read end to end so ASan sees any bad view.
#include <sipdx/capture/frame.h>
#include <sipdx/decode/pipeline.h>

#include <array>
#include <cstddef>
#include <cstdint>

namespace {
constexpr std::array<sipdx::capture::LinkType, 12> links{
    sipdx::capture::LinkType::ethernet,  sipdx::capture::LinkType::raw,
    sipdx::capture::LinkType::linux_sll, sipdx::capture::LinkType::linux_sll2,
    sipdx::capture::LinkType::null_bsd,  sipdx::capture::LinkType::loop,
    sipdx::capture::LinkType::ppp,       sipdx::capture::LinkType::ppp_ether,
    sipdx::capture::LinkType::ipv4,      sipdx::capture::LinkType::ipv6,
    sipdx::capture::LinkType::sip_text,  static_cast<sipdx::capture::LinkType>(999)};
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    sipdx::decode::PipelineOptions options;
    options.max_stream_buffer = 1u << 16; // small limits reach the limit paths sooner
    options.max_fragment_bytes = 1u << 18;
    options.max_fragment_datagrams = 64;
    options.max_tcp_streams = 64;
    volatile std::uint8_t sink = 0;
    sipdx::decode::Pipeline pipeline(
        [&](const sipdx::decode::SipPayload& p) {
            std::uint8_t x = 0;
            for (const char c : p.bytes)
                x = static_cast<std::uint8_t>(x ^ c);
            sink = sink ^ x;
        },
        options);
    std::size_t off = 0;
    std::uint64_t number = 0;
    std::int64_t time = 1'600'000'000'000'000'000;
    while (off + 3 <= size) {
        const std::uint8_t selector = data[off];
        std::size_t length = (static_cast<std::size_t>(data[off + 1]) << 8) | data[off + 2];
        off += 3;
        if (length > size - off) length = size - off;
        sipdx::capture::Frame frame;
        frame.number = ++number;
        time += (selector >> 4) * 500'000'000LL; // up to 7.5 s per frame: timeouts fire
        frame.time_ns = time;
        frame.link_type = links[(selector & 0x0F) % links.size()];
        frame.data = {data + off, length};
        frame.original_length = static_cast<std::uint32_t>(length + ((selector & 0x80) ? 10 : 0));
        pipeline.feed(frame);
        off += length;
    }
    pipeline.finish();
    return 0;
}
