// Fuzzes the capture readers (pcap, pcapng, gzip, SIP text) through open_memory() and through
// the buffered path a pipe takes, and checks that both agree frame by frame.
#include <capture/detail/byte_input.h>
#include <capture/detail/readers.h>
#include <sipdx/capture/source.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace {

struct Seen {
    std::uint64_t number;
    std::int64_t time_ns;
    std::size_t size;
    std::uint32_t checksum;
};

std::vector<Seen> drain(sipdx::capture::FrameSource& source) {
    std::vector<Seen> out;
    sipdx::capture::Frame frame;
    while (out.size() < 100000 && source.next(frame) == sipdx::capture::ReadStatus::frame) {
        std::uint32_t sum = 0;
        for (auto b : frame.data) { // touches every byte, so ASan sees any bad view
            sum = sum * 31 + b;
        }
        for (char c : frame.comment) {
            sum = sum * 31 + static_cast<unsigned char>(c);
        }
        for (char c : frame.text.src) {
            sum = sum * 31 + static_cast<unsigned char>(c);
        }
        for (char c : frame.text.dst) {
            sum = sum * 31 + static_cast<unsigned char>(c);
        }
        out.push_back({frame.number, frame.time_ns, frame.data.size(), sum});
    }
    for (const auto& p : source.problems()) {
        (void)p.message();
    }
    (void)source.outcome();
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sipdx::capture;
    const std::span<const std::uint8_t> bytes(data, size);
    auto mapped = open_memory(bytes, "fuzz");
    // The first byte picks a chunk size, so both tiny and large pipe reads are exercised.
    const std::size_t chunk = size > 0 ? 1 + (data[0] % 64) * 97 : 1;
    auto piped =
        detail::open_input(std::make_unique<detail::ChunkedMemoryInput>(bytes, chunk), "fuzz", {});
    if (mapped.has_value() != piped.has_value()) {
        std::abort(); // detection must not depend on how the bytes arrive
    }
    if (!mapped) {
        (void)mapped.error().message();
        return 0;
    }
    const auto a = drain(**mapped);
    const auto b = drain(**piped);
    if (a.size() != b.size()) {
        std::abort();
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].number != b[i].number || a[i].time_ns != b[i].time_ns || a[i].size != b[i].size ||
            a[i].checksum != b[i].checksum) {
            std::abort();
        }
    }
    return 0;
}
