// open(): finds out what the input is from its first bytes, never from its name.
#include <capture/detail/byte_input.h>
#include <capture/detail/readers.h>
#include <sipdx/capture/mapped_file.h>
#include <sipdx/capture/source.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sipdx::capture {

std::string CaptureError::message() const {
    if (offset == 0) { // the input as a whole (cannot open, empty, not a capture)
        return fmt::format("{}: {}", file, detail);
    }
    return fmt::format("{}: offset {}: {}", file, offset, detail);
}

std::string_view to_string(ProblemCode code) {
    switch (code) {
    case ProblemCode::truncated:
        return "truncated";
    case ProblemCode::bad_record_length:
        return "bad_record_length";
    case ProblemCode::caplen_exceeds_snaplen:
        return "caplen_exceeds_snaplen";
    case ProblemCode::garbage_skipped:
        return "garbage_skipped";
    case ProblemCode::bad_block:
        return "bad_block";
    case ProblemCode::too_many_interfaces:
        return "too_many_interfaces";
    case ProblemCode::too_many_comments:
        return "too_many_comments";
    case ProblemCode::unknown_interface:
        return "unknown_interface";
    case ProblemCode::bad_gzip:
        return "bad_gzip";
    case ProblemCode::read_error:
        return "read_error";
    case ProblemCode::bad_text:
        return "bad_text";
    }
    return "unknown";
}

std::string Problem::message() const {
    std::string out = fmt::format("{}: frame {}, offset {}: {}", file, frame, offset, detail);
    if (count > 1) {
        out += fmt::format(" (and {} more like it)", count - 1);
    }
    return out;
}

Outcome FrameSource::outcome() const {
    bool lost = false;
    for (const auto& p : m_problems) {
        // A record longer than the snaplen is still read whole: nothing was lost.
        lost = lost || p.code != ProblemCode::caplen_exceeds_snaplen;
    }
    if (!lost) {
        return Outcome::clean;
    }
    return m_counters.frames == 0 ? Outcome::nothing_read : Outcome::some_skipped;
}

void FrameSource::report(ProblemCode code, std::uint64_t frame, std::uint64_t offset,
                         std::string detail) {
    for (auto& p : m_problems) {
        if (p.code == code) {
            ++p.count;
            return;
        }
    }
    m_problems.push_back({code, m_name, frame, offset, std::move(detail), 1});
}

namespace {

using detail::ByteInput;
using detail::SourceResult;

constexpr std::uint32_t pcap_magics[] = {0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1};
constexpr std::uint32_t modified_pcap_magics[] = {0xa1b2cd34, 0x34cdb2a1};
constexpr std::uint32_t pcapng_magic = 0x0A0D0D0A;

CaptureError error(CaptureErrorCode code, const std::string& name, std::string detail) {
    return CaptureError{code, name, 0, std::move(detail)};
}

SourceResult detect(std::unique_ptr<ByteInput> input, std::string name, const OpenOptions& options,
                    bool gzip) {
    auto head = input->peek(4);
    if (head.empty()) {
        if (input->failed()) {
            return tl::unexpected(
                error(gzip ? CaptureErrorCode::not_a_capture : CaptureErrorCode::cannot_open, name,
                      input->error()));
        }
        return tl::unexpected(
            error(CaptureErrorCode::empty, name,
                  gzip ? "the gzip data decompresses to nothing" : "empty input"));
    }
    if (!gzip && head.size() >= 2 && head[0] == 0x1f && head[1] == 0x8b) {
        auto inflated = std::make_unique<detail::GzipInput>(std::move(input));
        return detect(std::move(inflated), std::move(name), options, true);
    }
    if (head.size() >= 4) {
        const std::uint32_t magic = detail::load32(head.data(), false);
        for (const auto m : pcap_magics) {
            if (magic == m) {
                return detail::make_pcap_reader(std::move(input), std::move(name), gzip);
            }
        }
        if (magic == pcapng_magic) {
            return detail::make_pcapng_reader(std::move(input), std::move(name), gzip);
        }
        for (const auto m : modified_pcap_magics) {
            if (magic == m) {
                return tl::unexpected(error(CaptureErrorCode::unsupported, name,
                                            "modified (Kuznetzov) pcap format is not supported; "
                                            "convert it with editcap"));
            }
        }
    }
    if (options.allow_sip_text) {
        // Grow the look-ahead only as long as no line was complete, so a pipe is not drained.
        for (std::size_t want = 256; want <= 64 * 1024; want *= 2) {
            auto text = input->peek(want);
            text = text.first(std::min(text.size(), want)); // same verdict mapped or piped
            const bool complete = text.size() < want;
            if (detail::looks_like_sip_text(text, complete)) {
                return detail::make_sip_text_reader(std::move(input), std::move(name), gzip);
            }
            if (complete) {
                break;
            }
        }
    }
    head = input->peek(4);
    std::string first;
    for (const auto b : head.first(std::min<std::size_t>(head.size(), 4))) {
        first += fmt::format(" {:02x}", b);
    }
    return tl::unexpected(
        error(CaptureErrorCode::not_a_capture, name,
              fmt::format("not a pcap, pcapng{} or SIP text input (first bytes:{})",
                          gzip ? "" : ", gzip", first)));
}

} // namespace

namespace detail {
SourceResult open_input(std::unique_ptr<ByteInput> input, std::string name,
                        const OpenOptions& options) {
    return detect(std::move(input), std::move(name), options, false);
}
} // namespace detail

tl::expected<std::unique_ptr<FrameSource>, CaptureError> open(const std::string& path,
                                                              const OpenOptions& options) {
    if (path == "-") {
        return open_fd(STDIN_FILENO, "-", false, options);
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return tl::unexpected(error(CaptureErrorCode::cannot_open, path, std::strerror(errno)));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int saved = errno;
        ::close(fd);
        return tl::unexpected(error(CaptureErrorCode::cannot_open, path, std::strerror(saved)));
    }
    if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        return tl::unexpected(error(CaptureErrorCode::cannot_open, path, "is a directory"));
    }
    if (S_ISREG(st.st_mode)) {
        if (st.st_size == 0) {
            ::close(fd);
            return tl::unexpected(error(CaptureErrorCode::empty, path, "empty file"));
        }
        // The mapping is guarded: if the file shrinks while it is read (a probe rewriting it),
        // the reader stops at the new end with an error instead of dying of SIGBUS.
        MapOptions sequential;
        sequential.sequential = true;
        auto mapped = MappedFile::map(fd, 0, static_cast<std::size_t>(st.st_size), sequential);
        if (mapped) {
            ::close(fd);
            auto mapping = std::make_shared<MappedFile>(std::move(*mapped));
            const MappedFile* guard = mapping.get();
            auto input = std::make_unique<detail::MemoryInput>(guard->bytes(), std::move(mapping),
                                                               /*release_behind=*/true, guard);
            return detect(std::move(input), path, options, false);
        }
        // Not mappable (some file systems), or no guard slot left: read it like a stream.
    }
    return detect(std::make_unique<detail::FdInput>(fd, true), path, options, false);
}

tl::expected<std::unique_ptr<FrameSource>, CaptureError>
open_fd(int fd, std::string name, bool owns_fd, const OpenOptions& options) {
    return detect(std::make_unique<detail::FdInput>(fd, owns_fd), std::move(name), options, false);
}

tl::expected<std::unique_ptr<FrameSource>, CaptureError>
open_memory(std::span<const std::uint8_t> bytes, std::string name, const OpenOptions& options) {
    if (bytes.empty()) {
        return tl::unexpected(error(CaptureErrorCode::empty, name, "empty input"));
    }
    return detect(std::make_unique<detail::MemoryInput>(bytes, nullptr), std::move(name), options,
                  false);
}

std::vector<std::string> expand_inputs(const std::vector<std::string>& paths) {
    std::vector<std::string> out;
    for (const auto& path : paths) {
        std::error_code ec;
        if (path != "-" && std::filesystem::is_directory(path, ec)) {
            std::vector<std::string> files;
            for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
                if (entry.is_regular_file(ec)) files.push_back(entry.path().string());
            }
            std::sort(files.begin(), files.end());
            out.insert(out.end(), files.begin(), files.end());
        } else {
            out.push_back(path);
        }
    }
    return out;
}

} // namespace sipdx::capture
