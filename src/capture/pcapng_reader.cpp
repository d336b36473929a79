// pcapng (draft-ietf-opsawg-pcapng): a sequence of blocks, each framed by its type and its
// total length repeated at the end. Every Section Header Block sets the byte order for the
// blocks after it and starts a fresh list of interfaces.
#include <capture/detail/readers.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

namespace sipdx::capture::detail {
namespace {

constexpr std::uint32_t block_shb = 0x0A0D0D0A;
constexpr std::uint32_t block_idb = 1;
constexpr std::uint32_t block_opb = 2; // obsolete Packet Block
constexpr std::uint32_t block_spb = 3;
constexpr std::uint32_t block_nrb = 4;
constexpr std::uint32_t block_isb = 5;
constexpr std::uint32_t block_epb = 6;
constexpr std::uint32_t block_journal = 9;
constexpr std::uint32_t block_dsb = 0x0A;
constexpr std::uint32_t block_custom = 0x00000BAD;
constexpr std::uint32_t block_custom_nocopy = 0x40000BAD;
constexpr std::uint32_t byte_order_magic = 0x1A2B3C4D;
constexpr std::size_t resync_window = max_caplen + 64;

constexpr std::uint16_t opt_endofopt = 0;
constexpr std::uint16_t opt_comment = 1;
constexpr std::uint16_t if_name = 2;
constexpr std::uint16_t if_description = 3;
constexpr std::uint16_t if_tsresol = 9;
constexpr std::uint16_t if_tsoffset = 14;

bool known_block(std::uint32_t type) {
    switch (type) {
    case block_shb:
    case block_idb:
    case block_opb:
    case block_spb:
    case block_nrb:
    case block_isb:
    case block_epb:
    case block_journal:
    case block_dsb:
    case block_custom:
    case block_custom_nocopy:
        return true;
    default:
        return false;
    }
}

std::string_view text_of(std::span<const std::uint8_t> value) {
    std::string_view s(reinterpret_cast<const char*>(value.data()), value.size());
    // Some writers include the C string terminator in the option length.
    while (!s.empty() && s.back() == '\0') {
        s.remove_suffix(1);
    }
    return s;
}

std::uint64_t pow10(unsigned n) {
    std::uint64_t v = 1;
    for (unsigned i = 0; i < n; ++i) {
        v *= 10;
    }
    return v;
}

// 128-bit intermediates: ticks * 10^9 overflows 64 bits for fine resolutions.
__extension__ typedef __int128 Int128;

struct Iface {
    std::size_t global_index = 0; // into FrameSource::m_interfaces
    std::uint8_t tsresol = 6;
    std::int64_t tsoffset_ns = 0;
    std::uint32_t snaplen = 0;
};

class PcapngReader final : public FrameSource {
public:
    PcapngReader(std::unique_ptr<ByteInput> input, std::string name, bool gzip)
        : FrameSource(std::move(name), Format::pcapng), m_input(std::move(input)) {
        m_gzip = gzip;
    }

    // The first block must be a readable SHB, otherwise this is not pcapng at all.
    tl::expected<void, CaptureError> check_start() {
        auto head = m_input->peek(12);
        if (head.size() < 12) {
            return tl::unexpected(CaptureError{CaptureErrorCode::bad_header, m_name, 0,
                                               "pcapng section header cut short"});
        }
        const std::uint32_t bom = load32(head.data() + 8, false);
        if (bom != byte_order_magic && bom != __builtin_bswap32(byte_order_magic)) {
            return tl::unexpected(CaptureError{CaptureErrorCode::bad_header, m_name, 8,
                                               "pcapng section header has no byte-order magic"});
        }
        m_big_endian = host_big_endian != (bom != byte_order_magic);
        return {};
    }

    ReadStatus next(Frame& frame) override {
        while (!m_ended) {
            const std::uint64_t offset = m_input->position();
            auto head = m_input->peek(12);
            if (head.empty()) {
                finish_input(offset);
                break;
            }
            if (head.size() < 12) {
                finish_input(offset);
                report(
                    ProblemCode::truncated, next_number(), offset,
                    fmt::format("input ends inside a block header ({} bytes left)", head.size()));
                break;
            }
            std::uint32_t type = load32(head.data(), m_swap);
            if (type == block_shb) {
                const std::uint32_t bom = load32(head.data() + 8, false);
                if (bom == byte_order_magic || bom == __builtin_bswap32(byte_order_magic)) {
                    m_swap = bom != byte_order_magic;
                }
            }
            const std::uint32_t total = load32(head.data() + 4, m_swap);
            if (total < 12 || total % 4 != 0 || total > max_block_size) {
                report(ProblemCode::bad_record_length, next_number(), offset,
                       fmt::format("block type 0x{:08x} claims length {}: corrupt", type, total));
                resync(offset);
                continue;
            }
            auto block = m_input->peek(total);
            if (block.size() < total) {
                finish_input(offset);
                report(ProblemCode::truncated, next_number(), offset,
                       fmt::format("input ends inside a block of {} bytes ({} present)", total,
                                   block.size()));
                break;
            }
            if (load32(block.data() + total - 4, m_swap) != total) {
                report(ProblemCode::bad_block, next_number(), offset,
                       fmt::format("block type 0x{:08x}: trailing length differs from {}", type,
                                   total));
                resync(offset);
                continue;
            }
            block = block.first(total);
            const auto body = block.subspan(8, total - 12);
            bool produced = false;
            switch (type) {
            case block_shb:
                read_shb(body, offset);
                break;
            case block_idb:
                read_idb(body, offset);
                break;
            case block_epb:
                produced = read_epb(body, offset, frame);
                break;
            case block_opb:
                produced = read_opb(body, offset, frame);
                break;
            case block_spb:
                produced = read_spb(body, offset, frame);
                break;
            case block_custom:
            case block_custom_nocopy:
            case block_journal:
                // Wireshark (4.0) lists these as records of their own and numbers them like
                // packets; skip the number so that ours stay equal to Wireshark's.
                ++m_number_gap;
                break;
            default:
                break; // NRB, ISB, DSB and unknown blocks are not records
            }
            // Consuming does not move buffered bytes (only the next peek may), so the views
            // in `frame` stay valid until the next call.
            m_input->consume(total);
            m_counters.input_bytes = m_input->position();
            if (produced) {
                return ReadStatus::frame;
            }
        }
        m_ended = true;
        return ReadStatus::end;
    }

private:
    std::uint64_t next_number() const { return m_counters.frames + m_number_gap + 1; }

    // Options: code, length, value padded to 32 bits; stops at opt_endofopt or the end.
    template <typename Fn>
    void for_each_option(std::span<const std::uint8_t> opts, std::uint64_t offset, Fn&& fn) {
        std::size_t pos = 0;
        while (pos + 4 <= opts.size()) {
            const std::uint16_t code = load16(opts.data() + pos, m_swap);
            const std::uint16_t len = load16(opts.data() + pos + 2, m_swap);
            if (code == opt_endofopt) {
                return;
            }
            if (pos + 4 + len > opts.size()) {
                report(ProblemCode::bad_block, next_number(), offset,
                       fmt::format("option {} overruns its block", code));
                return;
            }
            fn(code, opts.subspan(pos + 4, len));
            pos += 4 + ((std::size_t{len} + 3) & ~std::size_t{3});
        }
    }

    void read_shb(std::span<const std::uint8_t> body, std::uint64_t offset) {
        ++m_section;
        m_section_ifaces.clear();
        if (body.size() < 16) {
            report(ProblemCode::bad_block, next_number(), offset, "section header block too short");
            return;
        }
        const std::uint16_t major = load16(body.data() + 4, m_swap);
        if (major != 1) {
            report(ProblemCode::bad_block, next_number(), offset,
                   fmt::format("section header version {} (expected 1), read anyway", major));
        }
        const std::uint32_t section = m_section - 1;
        for_each_option(body.subspan(16), offset, [&](std::uint16_t code, auto value) {
            if (code == opt_comment) {
                keep_comment({0, section, std::string(text_of(value))}, offset);
            }
        });
    }

    // Comments are kept for the reader's user (a few per capture in practice); a file with a
    // comment on every one of millions of blocks would otherwise hold them all in memory.
    void keep_comment(Comment comment, std::uint64_t offset) {
        if (m_comments.size() < max_comments) {
            m_comments.push_back(std::move(comment));
            return;
        }
        report(ProblemCode::too_many_comments, comment.frame, offset,
               fmt::format("more than {} comments: the rest are not kept", max_comments));
    }

    void read_idb(std::span<const std::uint8_t> body, std::uint64_t offset) {
        if (body.size() < 8) {
            report(ProblemCode::bad_block, next_number(), offset,
                   "interface description block too short");
            return;
        }
        // Real captures describe a handful of interfaces; a file of millions of interface
        // blocks (570 MB of descriptions for 4 M blocks) is corrupt or hostile. Past the bound
        // the blocks are not kept: packets on them are reported and skipped as on any
        // interface the section does not describe.
        if (m_interfaces.size() >= max_interfaces) {
            if (!m_interfaces_capped)
                report(ProblemCode::too_many_interfaces, next_number(), offset,
                       fmt::format("more than {} interfaces described: the rest, and packets on "
                                   "them, are ignored",
                                   max_interfaces));
            m_interfaces_capped = true;
            return;
        }
        InterfaceInfo info;
        info.link_type = static_cast<LinkType>(load16(body.data(), m_swap));
        info.snaplen = load32(body.data() + 4, m_swap);
        info.section = m_section == 0 ? 0 : m_section - 1;
        for_each_option(body.subspan(8), offset, [&](std::uint16_t code, auto value) {
            switch (code) {
            case if_name:
                info.name = text_of(value);
                break;
            case if_description:
                info.description = text_of(value);
                break;
            case if_tsresol:
                if (value.size() >= 1) {
                    info.tsresol = value[0];
                }
                break;
            case if_tsoffset:
                if (value.size() >= 8) {
                    info.tsoffset = static_cast<std::int64_t>(load64(value.data(), m_swap));
                }
                break;
            case opt_comment:
                keep_comment({0, info.section, std::string(text_of(value))}, offset);
                break;
            default:
                break;
            }
        });
        Iface iface;
        iface.global_index = m_interfaces.size();
        iface.tsresol = info.tsresol;
        iface.snaplen = info.snaplen;
        // Clamp absurd offsets so that the conversion below cannot overflow.
        iface.tsoffset_ns = std::clamp<std::int64_t>(info.tsoffset, -(std::int64_t{1} << 32),
                                                     std::int64_t{1} << 32) *
                            1'000'000'000;
        const unsigned exponent = info.tsresol & 0x7f;
        if (((info.tsresol & 0x80) == 0 && exponent > 19) || exponent > 63) {
            report(ProblemCode::bad_block, next_number(), offset,
                   fmt::format("interface {} has an unusable if_tsresol 0x{:02x}, using 10^-6",
                               m_section_ifaces.size(), info.tsresol));
            iface.tsresol = 6;
        }
        m_interfaces.push_back(std::move(info));
        m_section_ifaces.push_back(iface);
    }

    std::int64_t to_ns(const Iface& iface, std::uint64_t ticks) const {
        const unsigned n = iface.tsresol & 0x7f;
        Int128 ns = 0;
        if (iface.tsresol & 0x80) {
            ns = (static_cast<Int128>(ticks) * 1'000'000'000) >> n; // 2^-n seconds per tick
        } else if (n <= 9) {
            ns = static_cast<Int128>(ticks) * static_cast<Int128>(pow10(9 - n));
        } else {
            ns = ticks / pow10(n - 9);
        }
        ns += iface.tsoffset_ns;
        const Int128 lo = INT64_MIN;
        const Int128 hi = INT64_MAX;
        return static_cast<std::int64_t>(std::clamp(ns, lo, hi));
    }

    const Iface* lookup(std::uint32_t id, std::uint64_t offset) {
        if (id < m_section_ifaces.size()) {
            return &m_section_ifaces[id];
        }
        report(ProblemCode::unknown_interface, next_number(), offset,
               fmt::format("packet on interface {} but the section describes {}: skipped", id,
                           m_section_ifaces.size()));
        ++m_counters.skipped_records;
        return nullptr;
    }

    bool emit(Frame& frame, const Iface& iface, std::uint32_t id, std::int64_t time_ns,
              std::span<const std::uint8_t> data, std::uint32_t origlen,
              std::span<const std::uint8_t> options, std::uint64_t offset) {
        frame.number = ++m_counters.frames + m_number_gap;
        frame.time_ns = time_ns;
        frame.link_type = m_interfaces[iface.global_index].link_type;
        frame.interface_id = id;
        frame.original_length = origlen;
        frame.file_offset = offset;
        frame.data = data;
        frame.comment = {};
        frame.text = {};
        for_each_option(options, offset, [&](std::uint16_t code, auto value) {
            if (code == opt_comment) {
                const auto text = text_of(value);
                if (frame.comment.empty()) {
                    frame.comment = text;
                }
                keep_comment({frame.number, m_section - 1, std::string(text)}, offset);
            }
        });
        ++m_interfaces[iface.global_index].frames;
        m_counters.captured_bytes += data.size();
        return true;
    }

    bool read_epb(std::span<const std::uint8_t> body, std::uint64_t offset, Frame& frame) {
        if (body.size() < 20) {
            report(ProblemCode::bad_block, next_number(), offset,
                   "enhanced packet block too short: skipped");
            ++m_counters.skipped_records;
            return false;
        }
        const std::uint32_t id = load32(body.data(), m_swap);
        const std::uint64_t ticks = (std::uint64_t{load32(body.data() + 4, m_swap)} << 32) |
                                    load32(body.data() + 8, m_swap);
        const std::uint32_t caplen = load32(body.data() + 12, m_swap);
        const std::uint32_t origlen = load32(body.data() + 16, m_swap);
        return packet(frame, offset, id, ticks, caplen, origlen, body.subspan(20), true);
    }

    bool read_opb(std::span<const std::uint8_t> body, std::uint64_t offset, Frame& frame) {
        if (body.size() < 20) {
            report(ProblemCode::bad_block, next_number(), offset,
                   "packet block too short: skipped");
            ++m_counters.skipped_records;
            return false;
        }
        const std::uint32_t id = load16(body.data(), m_swap);
        const std::uint64_t ticks = (std::uint64_t{load32(body.data() + 4, m_swap)} << 32) |
                                    load32(body.data() + 8, m_swap);
        const std::uint32_t caplen = load32(body.data() + 12, m_swap);
        const std::uint32_t origlen = load32(body.data() + 16, m_swap);
        return packet(frame, offset, id, ticks, caplen, origlen, body.subspan(20), true);
    }

    bool packet(Frame& frame, std::uint64_t offset, std::uint32_t id, std::uint64_t ticks,
                std::uint32_t caplen, std::uint32_t origlen, std::span<const std::uint8_t> rest,
                bool has_time) {
        const Iface* iface = lookup(id, offset);
        if (iface == nullptr) {
            return false;
        }
        if (caplen > rest.size() || caplen > max_caplen) {
            report(ProblemCode::bad_record_length, next_number(), offset,
                   fmt::format("packet claims {} captured bytes but its block holds {}: skipped",
                               caplen, rest.size()));
            ++m_counters.skipped_records;
            return false;
        }
        if (iface->snaplen != 0 && caplen > iface->snaplen) {
            report(ProblemCode::caplen_exceeds_snaplen, next_number(), offset,
                   fmt::format("packet has {} captured bytes, more than the snaplen {} (kept)",
                               caplen, iface->snaplen));
        }
        const std::size_t padded = (std::size_t{caplen} + 3) & ~std::size_t{3};
        const auto options = padded < rest.size() ? rest.subspan(padded) : rest.subspan(0, 0);
        return emit(frame, *iface, id, has_time ? to_ns(*iface, ticks) : 0, rest.first(caplen),
                    origlen, options, offset);
    }

    bool read_spb(std::span<const std::uint8_t> body, std::uint64_t offset, Frame& frame) {
        if (body.size() < 4) {
            report(ProblemCode::bad_block, next_number(), offset,
                   "simple packet block too short: skipped");
            ++m_counters.skipped_records;
            return false;
        }
        const Iface* iface = lookup(0, offset);
        if (iface == nullptr) {
            return false;
        }
        // The captured length is implied: the original length, cut to the snaplen and to
        // what the block holds.
        const std::uint32_t origlen = load32(body.data(), m_swap);
        std::size_t caplen = std::min<std::size_t>(origlen, body.size() - 4);
        if (iface->snaplen != 0) {
            caplen = std::min<std::size_t>(caplen, iface->snaplen);
        }
        return emit(frame, *iface, 0, 0, body.subspan(4, caplen), origlen, {}, offset);
    }

    bool plausible_block(std::span<const std::uint8_t> window) const {
        if (window.size() < 12) {
            return false;
        }
        const std::uint32_t type = load32(window.data(), m_swap);
        if (!known_block(type)) {
            return false;
        }
        bool swap = m_swap;
        if (type == block_shb) {
            const std::uint32_t bom = load32(window.data() + 8, false);
            if (bom != byte_order_magic && bom != __builtin_bswap32(byte_order_magic)) {
                return false;
            }
            swap = bom != byte_order_magic;
        }
        const std::uint32_t total = load32(window.data() + 4, swap);
        // Only blocks that fit the look-ahead qualify, so the result does not depend on how
        // much of the input happens to be buffered.
        if (total < 12 || total % 4 != 0 || total > resync_window || total > window.size()) {
            return false;
        }
        if (load32(window.data() + total - 4, swap) != total) {
            return false;
        }
        if (type == block_epb) {
            if (total < 32 || load32(window.data() + 8, swap) >= m_section_ifaces.size()) {
                return false;
            }
            return load32(window.data() + 20, swap) <= total - 32;
        }
        return true;
    }

    // Scans forward byte by byte for a block whose type is known and whose two length fields
    // agree (the block framing makes false positives unlikely).
    void resync(std::uint64_t bad_offset) {
        m_input->consume(1);
        std::uint64_t skipped = 1;
        for (;;) {
            auto window = m_input->peek(resync_window);
            if (window.size() < 12) {
                skipped += window.size();
                m_input->consume(window.size());
                break;
            }
            if (plausible_block(window)) {
                break;
            }
            m_input->consume(1);
            ++skipped;
        }
        m_counters.skipped_bytes += skipped;
        ++m_counters.skipped_records;
        report(ProblemCode::garbage_skipped, next_number(), bad_offset,
               fmt::format("skipped {} bytes to the next valid block", skipped));
        m_counters.input_bytes = m_input->position();
    }

    void finish_input(std::uint64_t offset) {
        m_counters.input_bytes = m_input->position();
        if (m_input->failed()) {
            report(m_input->error_code(), next_number(), offset, m_input->error());
        }
    }

private:
    std::unique_ptr<ByteInput> m_input;
    std::vector<Iface> m_section_ifaces;
    static constexpr std::size_t max_interfaces = 65'536;
    static constexpr std::size_t max_comments = 10'000;
    bool m_interfaces_capped = false;
    std::uint32_t m_section = 0;
    std::uint64_t m_number_gap = 0; // records Wireshark numbers that are not packets
    bool m_swap = false;
    bool m_ended = false;
};

} // namespace

SourceResult make_pcapng_reader(std::unique_ptr<ByteInput> input, std::string name, bool gzip) {
    auto reader = std::make_unique<PcapngReader>(std::move(input), std::move(name), gzip);
    if (auto ok = reader->check_start(); !ok) {
        return tl::unexpected(ok.error());
    }
    return std::unique_ptr<FrameSource>(std::move(reader));
}

} // namespace sipdx::capture::detail
