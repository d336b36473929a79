#include "decode/detail/hep.h"

#include <libdeflate.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace sipdx::decode::detail {

namespace {

bool parse_hep3(Bytes b, HepPacket& out) {
    const std::size_t total = be16(b, 4);
    if (total < 6 || total > b.size()) return false;
    b = b.first(total);
    out.version = 3;
    bool have_payload = false;
    std::uint32_t seconds = 0;
    std::uint32_t micros = 0;
    bool have_time = false;
    std::size_t off = 6;
    while (off + 6 <= b.size()) {
        const std::uint16_t vendor = be16(b, off);
        const std::uint16_t type = be16(b, off + 2);
        const std::size_t length = be16(b, off + 4);
        if (length < 6 || off + length > b.size()) return false;
        Bytes v = b.subspan(off + 6, length - 6);
        off += length;
        if (vendor != 0) continue; // vendor-specific chunks are ignored
        switch (type) {
        case 2:
            if (v.size() >= 1) out.ip_protocol = v[0];
            break;
        case 3:
            if (v.size() == 4) out.src = Address::v4(v.data());
            break;
        case 4:
            if (v.size() == 4) out.dst = Address::v4(v.data());
            break;
        case 5:
            if (v.size() == 16) out.src = Address::v6(v.data());
            break;
        case 6:
            if (v.size() == 16) out.dst = Address::v6(v.data());
            break;
        case 7:
            if (v.size() == 2) out.sport = be16(v, 0);
            break;
        case 8:
            if (v.size() == 2) out.dport = be16(v, 0);
            break;
        case 9:
            if (v.size() == 4) {
                seconds = be32(v, 0);
                have_time = true;
            }
            break;
        case 10:
            if (v.size() == 4) micros = be32(v, 0);
            break;
        case 11:
            if (v.size() == 1) out.is_sip = v[0] == 1;
            break;
        case 15:
        case 16:
            out.payload = v;
            out.compressed = type == 16;
            have_payload = true;
            break;
        default:
            break;
        }
    }
    if (have_time) {
        out.time_ns = static_cast<std::int64_t>(seconds) * 1'000'000'000 +
                      static_cast<std::int64_t>(micros % 1'000'000) * 1'000;
    }
    return have_payload;
}

// HEP v1/v2: 8-byte header, addresses, then (v2) a 12-byte time header, then the payload.
bool parse_hep12(Bytes b, HepPacket& out) {
    const std::uint8_t version = b[0];
    const std::uint8_t length = b[1];
    const std::uint8_t family = b[2];
    const std::size_t want = family == 2 ? 16 : family == 10 ? 40 : 0;
    if (want == 0 || length != want) return false;
    const std::size_t time_header = version == 2 ? 12 : 0;
    if (b.size() < want + time_header) return false;
    out.version = version;
    out.ip_protocol = b[3];
    if (out.ip_protocol != 17 && out.ip_protocol != 6 && out.ip_protocol != 132) return false;
    out.sport = be16(b, 4);
    out.dport = be16(b, 6);
    if (family == 2) {
        out.src = Address::v4(b.data() + 8);
        out.dst = Address::v4(b.data() + 12);
    } else {
        out.src = Address::v6(b.data() + 8);
        out.dst = Address::v6(b.data() + 24);
    }
    if (version == 2) {
        // tv_sec and tv_usec are in the agent's host order (little-endian in practice).
        const std::uint32_t seconds = le32(b, want);
        const std::uint32_t micros = le32(b, want + 4);
        out.time_ns = static_cast<std::int64_t>(seconds) * 1'000'000'000 +
                      static_cast<std::int64_t>(micros % 1'000'000) * 1'000;
    }
    out.payload = b.subspan(want + time_header);
    return !out.payload.empty();
}

} // namespace

bool parse_hep(Bytes b, HepPacket& out) {
    if (!may_be_hep(b)) return false;
    return b[0] == 'H' ? parse_hep3(b, out) : parse_hep12(b, out);
}

namespace {
struct DecompressorDeleter {
    void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};
} // namespace

// libdeflate rather than zlib: a zlib stream per packet cost 46,000 instructions for a
// 1 KB message (state set-up and clearing its 32 KiB window each time), 4% of `analyze` on
// a HEP capture; libdeflate decompresses a whole buffer in one call with no per-call set-up.
bool inflate_payload(Bytes in, std::vector<std::uint8_t>& out, std::size_t limit) {
    thread_local std::unique_ptr<libdeflate_decompressor, DecompressorDeleter> decompressor(
        libdeflate_alloc_decompressor());
    if (!decompressor) return false;
    // HEP chunk 16 may be zlib or gzip framed (RFC 1950 / RFC 1952); trailing bytes after the
    // stream are ignored, as zlib does.
    const bool gzip = in.size() >= 2 && in[0] == 0x1f && in[1] == 0x8b;
    std::size_t size = std::min<std::size_t>(limit, std::max<std::size_t>(4096, in.size() * 4));
    for (;;) {
        if (out.size() < size) out.resize(size);
        std::size_t used = 0;
        std::size_t produced = 0;
        const libdeflate_result rc =
            gzip ? libdeflate_gzip_decompress_ex(decompressor.get(), in.data(), in.size(),
                                                 out.data(), size, &used, &produced)
                 : libdeflate_zlib_decompress_ex(decompressor.get(), in.data(), in.size(),
                                                 out.data(), size, &used, &produced);
        if (rc == LIBDEFLATE_SUCCESS) {
            out.resize(produced);
            return true;
        }
        if (rc != LIBDEFLATE_INSUFFICIENT_SPACE || size >= limit) {
            out.clear();
            return false;
        }
        size = std::min(limit, size * 2);
    }
}

} // namespace sipdx::decode::detail
