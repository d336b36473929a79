// The file readers behind open(); each one takes the byte input positioned at the magic.
#pragma once

#include <capture/detail/byte_input.h>
#include <sipdx/capture/source.h>

#include <tl/expected.hpp>

#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>

namespace sipdx::capture::detail {

inline std::uint16_t load16(const std::uint8_t* p, bool swap) {
    std::uint16_t v;
    std::memcpy(&v, p, sizeof v);
    return swap ? static_cast<std::uint16_t>((v >> 8) | (v << 8)) : v;
}

inline std::uint32_t load32(const std::uint8_t* p, bool swap) {
    std::uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return swap ? __builtin_bswap32(v) : v;
}

inline std::uint64_t load64(const std::uint8_t* p, bool swap) {
    std::uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return swap ? __builtin_bswap64(v) : v;
}

// True when the host is big endian; the readers compare a file's byte order with it.
inline constexpr bool host_big_endian = std::endian::native == std::endian::big;

using SourceResult = tl::expected<std::unique_ptr<FrameSource>, CaptureError>;

SourceResult make_pcap_reader(std::unique_ptr<ByteInput> input, std::string name, bool gzip);
SourceResult make_pcapng_reader(std::unique_ptr<ByteInput> input, std::string name, bool gzip);
SourceResult make_sip_text_reader(std::unique_ptr<ByteInput> input, std::string name, bool gzip);

// What open() does after choosing the input: sniff the format (and gzip) and make the reader.
SourceResult open_input(std::unique_ptr<ByteInput> input, std::string name,
                        const OpenOptions& options);

// Content sniffing for SIP text: the first lines (no binary bytes) include a SIP start line.
// `complete` says the span is the whole input (so a last line without newline counts).
bool looks_like_sip_text(std::span<const std::uint8_t> head, bool complete);

} // namespace sipdx::capture::detail
