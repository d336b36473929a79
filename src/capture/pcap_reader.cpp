// Classic libpcap files: a 24-byte file header, then 16-byte record headers each followed by
// caplen bytes. Byte order and timestamp unit (us / ns) come from the magic number.
#include <capture/detail/readers.h>

#include <fmt/format.h>

namespace sipdx::capture::detail {
namespace {

constexpr std::size_t file_header_size = 24;
constexpr std::size_t record_header_size = 16;
constexpr std::uint32_t magic_us = 0xa1b2c3d4;
constexpr std::uint32_t magic_ns = 0xa1b23c4d;

struct RecordHeader {
    std::uint32_t ts_sec = 0;
    std::uint32_t ts_frac = 0;
    std::uint32_t caplen = 0;
    std::uint32_t origlen = 0;
};

class PcapReader final : public FrameSource {
public:
    PcapReader(std::unique_ptr<ByteInput> input, std::string name)
        : FrameSource(std::move(name), Format::pcap), m_input(std::move(input)) {}

    tl::expected<void, CaptureError> read_header(bool gzip) {
        m_gzip = gzip;
        auto head = m_input->peek(file_header_size);
        if (head.size() < file_header_size) {
            return tl::unexpected(CaptureError{CaptureErrorCode::bad_header, m_name, 0,
                                               fmt::format("pcap file header cut short ({} of 24 "
                                                           "bytes)",
                                                           head.size())});
        }
        const std::uint32_t raw_magic = load32(head.data(), false);
        if (raw_magic == magic_us || raw_magic == magic_ns) {
            m_swap = false;
        } else {
            m_swap = true;
        }
        const std::uint32_t magic = load32(head.data(), m_swap);
        m_nanosecond = magic == magic_ns;
        m_big_endian = host_big_endian != m_swap;
        m_snaplen = load32(head.data() + 16, m_swap);
        // The upper bits of the link type field carry FCS information (pcap spec, LinkType).
        const std::uint32_t network = load32(head.data() + 20, m_swap);
        InterfaceInfo iface;
        iface.link_type = static_cast<LinkType>(network & 0xffff);
        iface.snaplen = m_snaplen;
        iface.tsresol = m_nanosecond ? 9 : 6;
        m_interfaces.push_back(iface);
        m_input->consume(file_header_size);
        m_counters.input_bytes = file_header_size;
        return {};
    }

    ReadStatus next(Frame& frame) override {
        while (!m_ended) {
            const std::uint64_t offset = m_input->position();
            auto head = m_input->peek(record_header_size);
            if (head.empty()) {
                finish_input(offset);
                break;
            }
            if (head.size() < record_header_size) {
                finish_input(offset);
                report(
                    ProblemCode::truncated, m_counters.frames + 1, offset,
                    fmt::format("input ends inside a record header ({} of 16 bytes)", head.size()));
                break;
            }
            const RecordHeader rec = parse(head.data());
            if (rec.caplen > max_caplen) {
                report(ProblemCode::bad_record_length, m_counters.frames + 1, offset,
                       fmt::format("record claims {} captured bytes (more than {}): corrupt",
                                   rec.caplen, max_caplen));
                resync(offset);
                continue;
            }
            auto whole = m_input->peek(record_header_size + rec.caplen);
            if (whole.size() < record_header_size + rec.caplen) {
                finish_input(offset);
                report(ProblemCode::truncated, m_counters.frames + 1, offset,
                       fmt::format("input ends inside a record ({} of {} bytes)",
                                   // the file may have shrunk below the header just read
                                   whole.size() - std::min(whole.size(), record_header_size),
                                   rec.caplen));
                break;
            }
            if (m_snaplen != 0 && rec.caplen > m_snaplen) {
                report(ProblemCode::caplen_exceeds_snaplen, m_counters.frames + 1, offset,
                       fmt::format("record has {} captured bytes, more than the snaplen {} "
                                   "(kept)",
                                   rec.caplen, m_snaplen));
            }
            frame.number = ++m_counters.frames;
            const std::int64_t frac_ns =
                m_nanosecond ? std::int64_t{rec.ts_frac} : std::int64_t{rec.ts_frac} * 1000;
            frame.time_ns = std::int64_t{rec.ts_sec} * 1'000'000'000 + frac_ns;
            frame.link_type = m_interfaces[0].link_type;
            frame.interface_id = 0;
            frame.original_length = rec.origlen;
            frame.file_offset = offset;
            frame.data = whole.subspan(record_header_size, rec.caplen);
            frame.comment = {};
            frame.text = {};
            m_counters.captured_bytes += rec.caplen;
            ++m_interfaces[0].frames;
            m_last_sec = rec.ts_sec;
            m_input->consume(record_header_size + rec.caplen);
            m_counters.input_bytes = m_input->position();
            return ReadStatus::frame;
        }
        m_ended = true;
        return ReadStatus::end;
    }

private:
    RecordHeader parse(const std::uint8_t* p) const {
        return {load32(p, m_swap), load32(p + 4, m_swap), load32(p + 8, m_swap),
                load32(p + 12, m_swap)};
    }

    // A record header that a real capture could have written right after the last good one.
    bool plausible(const RecordHeader& rec) const {
        if (rec.caplen == 0 || rec.caplen > max_caplen || rec.caplen > rec.origlen ||
            rec.origlen > max_block_size) {
            return false;
        }
        if (rec.ts_frac >= (m_nanosecond ? 1'000'000'000u : 1'000'000u)) {
            return false;
        }
        if (m_counters.frames > 0) {
            // Within a day before and a year after the last good frame.
            const std::int64_t delta = std::int64_t{rec.ts_sec} - std::int64_t{m_last_sec};
            if (delta < -86400 || delta > 366 * 86400) {
                return false;
            }
        }
        return true;
    }

    // Scans forward one byte at a time for two consecutive plausible record headers (or one
    // that ends exactly at the end of the input), reporting the bytes skipped.
    void resync(std::uint64_t bad_offset) {
        m_input->consume(1);
        std::uint64_t skipped = 1;
        for (;;) {
            auto window = m_input->peek(2 * record_header_size + max_caplen);
            if (window.size() < record_header_size) {
                skipped += window.size();
                m_input->consume(window.size());
                break;
            }
            const RecordHeader rec = parse(window.data());
            if (plausible(rec)) {
                const std::size_t next = record_header_size + rec.caplen;
                if (next == window.size()) {
                    break; // the last record of the file
                }
                if (next + record_header_size <= window.size() &&
                    plausible(parse(window.data() + next))) {
                    break;
                }
            }
            m_input->consume(1);
            ++skipped;
        }
        m_counters.skipped_bytes += skipped;
        ++m_counters.skipped_records;
        report(ProblemCode::garbage_skipped, m_counters.frames + 1, bad_offset,
               fmt::format("skipped {} bytes to the next plausible record", skipped));
        m_counters.input_bytes = m_input->position();
    }

    void finish_input(std::uint64_t offset) {
        m_counters.input_bytes = m_input->position();
        if (m_input->failed()) {
            report(m_input->error_code(), m_counters.frames + 1, offset, m_input->error());
        }
    }

    std::unique_ptr<ByteInput> m_input;
    bool m_swap = false;
    bool m_ended = false;
    std::uint32_t m_snaplen = 0;
    std::uint32_t m_last_sec = 0;
};

} // namespace

SourceResult make_pcap_reader(std::unique_ptr<ByteInput> input, std::string name, bool gzip) {
    auto reader = std::make_unique<PcapReader>(std::move(input), std::move(name));
    if (auto ok = reader->read_header(gzip); !ok) {
        return tl::unexpected(ok.error());
    }
    return std::unique_ptr<FrameSource>(std::move(reader));
}

} // namespace sipdx::capture::detail
