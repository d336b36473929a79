// Writing captures: classic pcap (micro- or nanosecond, either byte order) and pcapng (several
// sections and interfaces, each with its own link type, if_tsresol and if_tsoffset). Used by
// `sipdx live -w`, `sipdx filter`, the synthetic-capture generators and tests.
#pragma once

#include <sipdx/capture/frame.h>
#include <sipdx/capture/source.h>

#include <tl/expected.hpp>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sipdx::capture {

enum class WriterFormat { pcap_us, pcap_ns, pcapng };

// The option structs have constructors (rather than being aggregates) so that short brace
// lists such as {WriterFormat::pcap_ns} or {LinkType::raw} leave the rest at its default
// without tripping -Wmissing-field-initializers.
struct WriterOptions {
    WriterOptions(WriterFormat format_ = WriterFormat::pcapng, bool big_endian_ = false,
                  std::string section_comment_ = {}, std::string application_ = "sipdx")
        : format(format_), big_endian(big_endian_), section_comment(std::move(section_comment_)),
          application(std::move(application_)) {}
    WriterFormat format;
    bool big_endian;             // default: little endian (what x86 tools write)
    std::string section_comment; // pcapng shb_comment (empty: none)
    std::string application;     // pcapng shb_userappl (empty: none)
};

struct WriterInterface {
    WriterInterface(LinkType link_type_ = LinkType::ethernet, std::uint32_t snaplen_ = max_caplen,
                    std::string name_ = {}, std::uint8_t tsresol_ = 6, std::int64_t tsoffset_ = 0)
        : link_type(link_type_), snaplen(snaplen_), name(std::move(name_)), tsresol(tsresol_),
          tsoffset(tsoffset_) {}
    LinkType link_type;
    std::uint32_t snaplen;
    std::string name;      // if_name (pcapng only)
    std::uint8_t tsresol;  // raw if_tsresol byte (pcapng; 6 is the default, 10^-6)
    std::int64_t tsoffset; // if_tsoffset seconds (pcapng; subtracted when writing)
};

// A packet record to write. `original_length` 0 means data.size(). `data` and `comment` are
// only read during the write call.
struct WriterPacket {
    WriterPacket(std::uint32_t interface_id_ = 0, std::int64_t time_ns_ = 0,
                 std::span<const std::uint8_t> data_ = {}, std::uint32_t original_length_ = 0,
                 std::string_view comment_ = {})
        : interface_id(interface_id_), time_ns(time_ns_), data(data_),
          original_length(original_length_), comment(comment_) {}
    std::uint32_t interface_id;
    std::int64_t time_ns;
    std::span<const std::uint8_t> data;
    std::uint32_t original_length;
    std::string_view comment; // pcapng opt_comment (ignored for pcap)
};

// Accumulates the output in memory or streams it to a FILE. Not thread safe. Every write
// returns an error only for I/O failures or misuse (a second interface in pcap, a packet on an
// unknown interface); the object stays usable for the bytes already written.
class CaptureWriter {
public:
    // Writes into memory; bytes() returns the result.
    explicit CaptureWriter(WriterOptions options);
    // Shorthand for the defaults of everything but the format (also keeps CaptureWriter({fmt})
    // unambiguous).
    explicit CaptureWriter(WriterFormat format) : CaptureWriter(WriterOptions(format)) {}
    // Writes to `path` ("-" for stdout), created or truncated.
    [[nodiscard]] static tl::expected<std::unique_ptr<CaptureWriter>, CaptureError>
    create(const std::string& path, WriterOptions options);
    ~CaptureWriter();
    CaptureWriter(const CaptureWriter&) = delete;
    CaptureWriter& operator=(const CaptureWriter&) = delete;

    // pcap: the first call writes the file header (one interface only). pcapng: writes an
    // IDB in the current section; returns the interface id.
    [[nodiscard]] tl::expected<std::uint32_t, CaptureError>
    add_interface(const WriterInterface& iface);
    // pcapng: starts a new section (SHB); interfaces must be added again.
    [[nodiscard]] tl::expected<void, CaptureError> new_section(std::string_view comment = {});
    // Enhanced Packet Block (pcapng) or a pcap record. Timestamps are converted to the
    // interface's resolution (truncated towards minus infinity).
    [[nodiscard]] tl::expected<void, CaptureError> write(const WriterPacket& packet);
    // pcapng only: a Simple Packet Block (interface 0, no timestamp).
    [[nodiscard]] tl::expected<void, CaptureError> write_simple(std::span<const std::uint8_t> data,
                                                                std::uint32_t original_length = 0);
    // pcapng only: an obsolete Packet Block (type 2) as old Wireshark wrote them.
    [[nodiscard]] tl::expected<void, CaptureError> write_obsolete(const WriterPacket& packet);
    // pcapng only: any block, `body` padded to 32 bits (for tests: unknown or custom blocks).
    [[nodiscard]] tl::expected<void, CaptureError> write_block(std::uint32_t type,
                                                               std::span<const std::uint8_t> body);
    // Appends raw bytes (tests: garbage, cut records).
    [[nodiscard]] tl::expected<void, CaptureError> write_raw(std::span<const std::uint8_t> bytes);
    // Flushes a FILE sink. Called by the destructor too (errors there are lost).
    [[nodiscard]] tl::expected<void, CaptureError> flush();

    [[nodiscard]] const std::vector<std::uint8_t>& bytes() const { return m_buffer; }
    [[nodiscard]] std::uint64_t packets_written() const { return m_packets; }

private:
    struct Iface {
        WriterInterface info;
    };
    tl::expected<void, CaptureError> emit();
    void put16(std::uint16_t v);
    void put32(std::uint32_t v);
    void put_bytes(std::span<const std::uint8_t> bytes);
    void put_option(std::uint16_t code, std::span<const std::uint8_t> value);
    void begin_block(std::uint32_t type);
    void end_block();
    // The fields an enhanced and an obsolete packet block share, from the timestamp on.
    void put_packet_body(std::uint64_t time_ticks, std::uint32_t caplen, std::uint32_t origlen,
                         const WriterPacket& packet);
    void write_shb(std::string_view comment);
    std::uint64_t ticks(const Iface& iface, std::int64_t time_ns) const;

    WriterOptions m_options;
    std::string m_path;
    std::FILE* m_file = nullptr;
    bool m_owns_file = false;
    std::vector<std::uint8_t> m_buffer; // whole output (memory) or pending bytes (FILE)
    std::size_t m_block_start = 0;
    bool m_header_written = false;
    std::vector<Iface> m_interfaces;
    std::uint64_t m_packets = 0;
};

} // namespace sipdx::capture
