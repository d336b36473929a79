// Reading captures: one front door, open(), that recognises classic pcap (either byte order,
// micro- or nanosecond), pcapng (any number of sections and interfaces), either of them
// gzip-compressed, and SIP text logs, from a file or from stdin ("-"), and yields Frames in
// file order. Live capture (libpcap) yields the same Frames, see live.h.
//
// Bad input is data, not an exception: a reader keeps going where it can and records each
// problem once (file, frame number, byte offset, what was wrong). The caller decides what that
// means for its exit code: see FrameSource::outcome().
#pragma once

#include <sipdx/capture/frame.h>

#include <tl/expected.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sipdx::capture {

// Why open() could not produce a source at all (the CLI exits 2 on any of these).
enum class CaptureErrorCode {
    cannot_open,   // open/stat/mmap/read failed (errno text in message)
    empty,         // zero bytes
    not_a_capture, // neither pcap, pcapng, gzip of those, nor SIP text
    unsupported,   // a recognised but unsupported variant (e.g. a modified-pcap magic)
    bad_header,    // the file header itself is unusable (e.g. truncated pcap header)
    write_failed,  // writer only: the output could not be written
};

struct CaptureError {
    CaptureErrorCode code = CaptureErrorCode::cannot_open;
    std::string file; // as given to open(); "-" for stdin
    std::uint64_t offset = 0;
    std::string detail;
    // One line: "<file>: offset <n>: <detail>" ("<file>: <detail>" when offset is 0).
    [[nodiscard]] std::string message() const;
};

// What went wrong while reading; each kind is reported once per file (repeats are counted).
enum class ProblemCode {
    truncated,              // the input ends in the middle of a header or record
    bad_record_length,      // a record/block length is impossible (> 256 KiB caplen, < 12, ...)
    caplen_exceeds_snaplen, // kept: libpcap and Wireshark read such records too
    garbage_skipped,        // bytes skipped while resynchronising after a bad record
    bad_block,              // a pcapng block is malformed (trailer length, options)
    unknown_interface,      // a pcapng packet names an interface that was never described
    bad_gzip,               // the compressed stream is corrupt (the rest is lost)
    read_error,             // I/O error after opening
    bad_text,               // SIP text: something between messages that is not a message
    too_many_interfaces,    // pcapng: past the bound on described interfaces (the rest ignored)
    too_many_comments,      // pcapng: past the bound on kept comments (the rest not kept)
};

std::string_view to_string(ProblemCode code);

struct Problem {
    ProblemCode code = ProblemCode::truncated;
    std::string file;
    std::uint64_t frame = 0;  // frame number being read when it happened (last good + 1)
    std::uint64_t offset = 0; // byte offset in the (decompressed) input
    std::string detail;
    std::uint64_t count = 1; // further occurrences of the same code are counted, not listed
    // One line for stderr: "<file>: frame <n>, offset <o>: <detail>[ (and N more)]".
    [[nodiscard]] std::string message() const;
};

enum class Format { pcap, pcapng, sip_text, live };

// One pcapng Interface Description Block (pcap and text inputs have a single interface 0).
struct InterfaceInfo {
    LinkType link_type = LinkType::ethernet;
    std::uint32_t snaplen = 0;
    std::string name;          // if_name (empty when absent)
    std::string description;   // if_description
    std::uint8_t tsresol = 6;  // raw if_tsresol: MSB clear 10^-n, MSB set 2^-n seconds
    std::int64_t tsoffset = 0; // if_tsoffset, seconds added to every timestamp
    std::uint32_t section = 0; // 0-based section (SHB) it belongs to
    std::uint64_t frames = 0;  // frames read on it so far
};

// A comment kept from the input: section (shb_comment) and interface comments have frame 0,
// packet comments (opt_comment) name their frame.
struct Comment {
    std::uint64_t frame = 0;
    std::uint32_t section = 0;
    std::string text;
};

struct Counters {
    std::uint64_t frames = 0;          // frames delivered by next()
    std::uint64_t captured_bytes = 0;  // sum of Frame::data sizes
    std::uint64_t input_bytes = 0;     // bytes of (decompressed) input consumed so far
    std::uint64_t skipped_bytes = 0;   // bytes skipped while resynchronising
    std::uint64_t skipped_records = 0; // records/blocks dropped (corrupt, unknown interface)
};

// How a read went, for the caller's exit code.
enum class Outcome {
    clean,        // no problem at all
    some_skipped, // frames were read but something was skipped or cut (exit 1)
    nothing_read, // problems and not a single frame (exit 2)
};

enum class ReadStatus {
    frame, // `frame` was filled
    end,   // no more frames: end of input, an unrecoverable problem, or a live limit reached
};

class FrameSource {
public:
    virtual ~FrameSource() = default;
    FrameSource(const FrameSource&) = delete;
    FrameSource& operator=(const FrameSource&) = delete;

    // Reads the next frame. The views in `frame` (data, comment, text) stay valid until the
    // next call to next() or the source's destruction, whichever comes first. On a pipe or a
    // live interface it blocks only until one more frame is available (never until EOF).
    // After ReadStatus::end every later call returns end again.
    [[nodiscard]] virtual ReadStatus next(Frame& frame) = 0;

    [[nodiscard]] const std::string& name() const { return m_name; }
    [[nodiscard]] Format format() const { return m_format; }
    [[nodiscard]] bool gzip() const { return m_gzip; }
    [[nodiscard]] bool nanosecond() const { return m_nanosecond; } // pcap: the ns magic
    [[nodiscard]] bool big_endian() const { return m_big_endian; } // pcap / first SHB
    [[nodiscard]] const std::vector<InterfaceInfo>& interfaces() const { return m_interfaces; }
    [[nodiscard]] const std::vector<Comment>& comments() const { return m_comments; }
    [[nodiscard]] const std::vector<Problem>& problems() const { return m_problems; }
    [[nodiscard]] const Counters& counters() const { return m_counters; }
    [[nodiscard]] Outcome outcome() const;

protected:
    FrameSource(std::string name, Format format) : m_name(std::move(name)), m_format(format) {}
    // Records a problem once per code; repeats only bump the first one's count.
    void report(ProblemCode code, std::uint64_t frame, std::uint64_t offset, std::string detail);

    std::string m_name;
    Format m_format;
    bool m_gzip = false;
    bool m_nanosecond = false;
    bool m_big_endian = false;
    std::vector<InterfaceInfo> m_interfaces;
    std::vector<Comment> m_comments;
    std::vector<Problem> m_problems;
    Counters m_counters;
};

struct OpenOptions {
    // Refuse SIP text input (e.g. a command that wants packets only).
    bool allow_sip_text = true;
};

// Opens `path` ("-" is stdin). Regular files are memory-mapped and frames point into the map
// (zero copy); stdin, pipes and gzip input are read incrementally through one reusable buffer
// whose size is bounded by the largest record (at most 16 MiB for a pcapng block).
[[nodiscard]] tl::expected<std::unique_ptr<FrameSource>, CaptureError>
open(const std::string& path, const OpenOptions& options = {});

// Reads from an already open descriptor (a pipe, a socket, a file); `name` is used in
// messages. The source takes ownership of `fd` when `owns_fd` is true.
[[nodiscard]] tl::expected<std::unique_ptr<FrameSource>, CaptureError>
open_fd(int fd, std::string name, bool owns_fd, const OpenOptions& options = {});

// Reads from memory that the caller keeps alive and unchanged for the source's lifetime
// (fuzzing, tests, embedded captures). Zero copy unless the bytes are gzip.
[[nodiscard]] tl::expected<std::unique_ptr<FrameSource>, CaptureError>
open_memory(std::span<const std::uint8_t> bytes, std::string name, const OpenOptions& options = {});

// Expands directories into the regular files they hold (sorted, not recursive); keeps files
// and "-" as they are. What a reader of "captures" given on a command line opens.
[[nodiscard]] std::vector<std::string> expand_inputs(const std::vector<std::string>& paths);

// The maximum caplen a record may declare before it is treated as corrupt (as in libpcap and
// Wireshark: 256 KiB).
inline constexpr std::uint32_t max_caplen = 262144;

} // namespace sipdx::capture
