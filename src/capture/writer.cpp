// The capture writer: pcap records or pcapng blocks assembled in a byte buffer, then either
// kept (memory) or written out (FILE).
#include <sipdx/capture/writer.h>
#include <sipdx/text/safe_file.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace sipdx::capture {
namespace {

constexpr std::uint32_t block_shb = 0x0A0D0D0A;
constexpr std::uint32_t block_idb = 1;
constexpr std::uint32_t block_opb = 2;
constexpr std::uint32_t block_spb = 3;
constexpr std::uint32_t block_epb = 6;

CaptureError misuse(const std::string& path, std::string detail) {
    return CaptureError{CaptureErrorCode::write_failed, path.empty() ? "(memory)" : path, 0,
                        std::move(detail)};
}

std::span<const std::uint8_t> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

__extension__ typedef __int128 Int128;

} // namespace

CaptureWriter::CaptureWriter(WriterOptions options) : m_options(std::move(options)) {}

tl::expected<std::unique_ptr<CaptureWriter>, CaptureError>
CaptureWriter::create(const std::string& path, WriterOptions options) {
    auto writer = std::make_unique<CaptureWriter>(std::move(options));
    writer->m_path = path;
    if (path == "-") {
        writer->m_file = stdout;
    } else {
        // A symlink at the name is refused, never followed (text/safe_file.h).
        text::FileError error;
        writer->m_file = text::open_output_file(path, error);
        if (writer->m_file == nullptr) {
            return tl::unexpected(
                CaptureError{CaptureErrorCode::cannot_open, path, 0, error.message});
        }
        writer->m_owns_file = true;
    }
    return writer;
}

CaptureWriter::~CaptureWriter() {
    (void)flush();
    if (m_owns_file && m_file != nullptr) {
        std::fclose(m_file);
    }
}

void CaptureWriter::put16(std::uint16_t v) {
    if (m_options.big_endian) {
        v = static_cast<std::uint16_t>((v >> 8) | (v << 8));
    }
    const auto* p = reinterpret_cast<const std::uint8_t*>(&v);
    m_buffer.insert(m_buffer.end(), p, p + 2);
}

void CaptureWriter::put32(std::uint32_t v) {
    if (m_options.big_endian) {
        v = __builtin_bswap32(v);
    }
    const auto* p = reinterpret_cast<const std::uint8_t*>(&v);
    m_buffer.insert(m_buffer.end(), p, p + 4);
}

void CaptureWriter::put_bytes(std::span<const std::uint8_t> bytes) {
    m_buffer.insert(m_buffer.end(), bytes.begin(), bytes.end());
    while (m_buffer.size() % 4 != 0 && m_options.format == WriterFormat::pcapng) {
        m_buffer.push_back(0);
    }
}

void CaptureWriter::put_option(std::uint16_t code, std::span<const std::uint8_t> value) {
    put16(code);
    put16(static_cast<std::uint16_t>(value.size()));
    put_bytes(value);
}

void CaptureWriter::begin_block(std::uint32_t type) {
    m_block_start = m_buffer.size();
    put32(type);
    put32(0); // patched by end_block()
}

void CaptureWriter::end_block() {
    const auto total = static_cast<std::uint32_t>(m_buffer.size() - m_block_start + 4);
    put32(total);
    std::uint32_t stored = m_options.big_endian ? __builtin_bswap32(total) : total;
    std::memcpy(m_buffer.data() + m_block_start + 4, &stored, 4);
}

void CaptureWriter::write_shb(std::string_view comment) {
    begin_block(block_shb);
    put32(0x1A2B3C4D);
    put16(1);
    put16(0);
    put32(0xffffffff); // section length unknown (-1)
    put32(0xffffffff);
    bool options = false;
    if (!comment.empty()) {
        put_option(1, bytes_of(comment));
        options = true;
    }
    if (!m_options.application.empty()) {
        put_option(4, bytes_of(m_options.application)); // shb_userappl
        options = true;
    }
    if (options) {
        put32(0); // opt_endofopt
    }
    end_block();
    m_interfaces.clear();
}

tl::expected<void, CaptureError> CaptureWriter::emit() {
    if (m_file == nullptr) {
        return {};
    }
    if (!m_buffer.empty() &&
        std::fwrite(m_buffer.data(), 1, m_buffer.size(), m_file) != m_buffer.size()) {
        return tl::unexpected(
            CaptureError{CaptureErrorCode::write_failed, m_path, 0, std::strerror(errno)});
    }
    m_buffer.clear();
    return {};
}

tl::expected<std::uint32_t, CaptureError>
CaptureWriter::add_interface(const WriterInterface& iface) {
    if (m_options.format != WriterFormat::pcapng) {
        if (!m_interfaces.empty()) {
            return tl::unexpected(misuse(m_path, "a pcap file has exactly one interface"));
        }
        put32(m_options.format == WriterFormat::pcap_ns ? 0xa1b23c4d : 0xa1b2c3d4);
        put16(2);
        put16(4);
        put32(0); // thiszone
        put32(0); // sigfigs
        put32(iface.snaplen);
        put32(static_cast<std::uint32_t>(iface.link_type));
        m_interfaces.push_back({iface});
        m_header_written = true;
        return emit().map([] { return std::uint32_t{0}; });
    }
    if (!m_header_written) {
        write_shb(m_options.section_comment);
        m_header_written = true;
    }
    begin_block(block_idb);
    put16(static_cast<std::uint16_t>(iface.link_type));
    put16(0);
    put32(iface.snaplen);
    bool options = false;
    if (!iface.name.empty()) {
        put_option(2, bytes_of(iface.name));
        options = true;
    }
    if (iface.tsresol != 6) {
        const std::uint8_t value[1] = {iface.tsresol};
        put_option(9, value);
        options = true;
    }
    if (iface.tsoffset != 0) {
        put16(14);
        put16(8);
        const auto v = static_cast<std::uint64_t>(iface.tsoffset);
        put32(m_options.big_endian ? static_cast<std::uint32_t>(v >> 32)
                                   : static_cast<std::uint32_t>(v));
        put32(m_options.big_endian ? static_cast<std::uint32_t>(v)
                                   : static_cast<std::uint32_t>(v >> 32));
        options = true;
    }
    if (options) {
        put32(0);
    }
    end_block();
    m_interfaces.push_back({iface});
    const auto id = static_cast<std::uint32_t>(m_interfaces.size() - 1);
    return emit().map([id] { return id; });
}

tl::expected<void, CaptureError> CaptureWriter::new_section(std::string_view comment) {
    if (m_options.format != WriterFormat::pcapng) {
        return tl::unexpected(misuse(m_path, "sections exist only in pcapng"));
    }
    write_shb(comment);
    m_header_written = true;
    return emit();
}

std::uint64_t CaptureWriter::ticks(const Iface& iface, std::int64_t time_ns) const {
    Int128 ns =
        static_cast<Int128>(time_ns) - static_cast<Int128>(iface.info.tsoffset) * 1'000'000'000;
    if (ns < 0) {
        ns = 0; // pcapng timestamps are unsigned
    }
    const unsigned n = iface.info.tsresol & 0x7f;
    if (iface.info.tsresol & 0x80) {
        return static_cast<std::uint64_t>((ns << n) / 1'000'000'000);
    }
    Int128 scale = 1;
    if (n <= 9) {
        for (unsigned i = n; i < 9; ++i) {
            scale *= 10;
        }
        return static_cast<std::uint64_t>(ns / scale);
    }
    for (unsigned i = 9; i < n; ++i) {
        scale *= 10;
    }
    return static_cast<std::uint64_t>(ns * scale);
}

void CaptureWriter::put_packet_body(std::uint64_t time_ticks, std::uint32_t caplen,
                                    std::uint32_t origlen, const WriterPacket& packet) {
    put32(static_cast<std::uint32_t>(time_ticks >> 32));
    put32(static_cast<std::uint32_t>(time_ticks));
    put32(caplen);
    put32(origlen);
    put_bytes(packet.data);
    if (!packet.comment.empty()) {
        put_option(1, bytes_of(packet.comment)); // opt_comment
        put32(0);                                // opt_endofopt
    }
}

tl::expected<void, CaptureError> CaptureWriter::write(const WriterPacket& packet) {
    if (packet.interface_id >= m_interfaces.size()) {
        return tl::unexpected(
            misuse(m_path, fmt::format("no interface {} was added", packet.interface_id)));
    }
    const auto& iface = m_interfaces[packet.interface_id];
    const auto caplen = static_cast<std::uint32_t>(packet.data.size());
    const std::uint32_t origlen = packet.original_length != 0 ? packet.original_length : caplen;
    if (m_options.format != WriterFormat::pcapng) {
        const std::int64_t sec = packet.time_ns >= 0 ? packet.time_ns / 1'000'000'000 : 0;
        const std::int64_t ns = packet.time_ns >= 0 ? packet.time_ns % 1'000'000'000 : 0;
        put32(static_cast<std::uint32_t>(sec));
        put32(
            static_cast<std::uint32_t>(m_options.format == WriterFormat::pcap_ns ? ns : ns / 1000));
        put32(caplen);
        put32(origlen);
        put_bytes(packet.data);
    } else {
        const std::uint64_t t = ticks(iface, packet.time_ns);
        begin_block(block_epb);
        put32(packet.interface_id);
        put_packet_body(t, caplen, origlen, packet);
        end_block();
    }
    ++m_packets;
    // Stream in chunks so a long capture does not sit in memory.
    return m_buffer.size() >= 1024 * 1024 ? emit() : tl::expected<void, CaptureError>{};
}

tl::expected<void, CaptureError> CaptureWriter::write_simple(std::span<const std::uint8_t> data,
                                                             std::uint32_t original_length) {
    if (m_options.format != WriterFormat::pcapng || m_interfaces.empty()) {
        return tl::unexpected(misuse(m_path, "a simple packet block needs pcapng and interface 0"));
    }
    begin_block(block_spb);
    put32(original_length != 0 ? original_length : static_cast<std::uint32_t>(data.size()));
    put_bytes(data);
    end_block();
    ++m_packets;
    return {};
}

tl::expected<void, CaptureError> CaptureWriter::write_obsolete(const WriterPacket& packet) {
    if (m_options.format != WriterFormat::pcapng || packet.interface_id >= m_interfaces.size()) {
        return tl::unexpected(misuse(m_path, "a packet block needs pcapng and a known interface"));
    }
    const std::uint64_t t = ticks(m_interfaces[packet.interface_id], packet.time_ns);
    const auto caplen = static_cast<std::uint32_t>(packet.data.size());
    begin_block(block_opb);
    put16(static_cast<std::uint16_t>(packet.interface_id));
    put16(0); // drops count
    put_packet_body(t, caplen, packet.original_length != 0 ? packet.original_length : caplen,
                    packet);
    end_block();
    ++m_packets;
    return {};
}

tl::expected<void, CaptureError> CaptureWriter::write_block(std::uint32_t type,
                                                            std::span<const std::uint8_t> body) {
    if (m_options.format != WriterFormat::pcapng) {
        return tl::unexpected(misuse(m_path, "blocks exist only in pcapng"));
    }
    begin_block(type);
    put_bytes(body);
    end_block();
    return {};
}

tl::expected<void, CaptureError> CaptureWriter::write_raw(std::span<const std::uint8_t> bytes) {
    m_buffer.insert(m_buffer.end(), bytes.begin(), bytes.end());
    return {};
}

tl::expected<void, CaptureError> CaptureWriter::flush() {
    auto ok = emit();
    if (ok && m_file != nullptr && std::fflush(m_file) != 0) {
        return tl::unexpected(
            CaptureError{CaptureErrorCode::write_failed, m_path, 0, std::strerror(errno)});
    }
    return ok;
}

} // namespace sipdx::capture
