#include <capture/detail/byte_input.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <sys/mman.h>
#include <unistd.h>

namespace sipdx::capture::detail {
namespace {

// Measured need for releasing pages behind: without it, `analyze` on a 538 MB capture peaked
// at 533 MB RSS (all of the mapping); the readers only ever go forwards, so what lies well
// behind is done with.
constexpr std::size_t release_step = 32u << 20; // hand back in 32 MiB runs
constexpr std::size_t keep_behind = 8u << 20;   // never the bytes just read

} // namespace

MemoryInput::MemoryInput(std::span<const std::uint8_t> bytes, std::shared_ptr<void> keep_alive,
                         bool release_behind, const MappedFile* guard)
    : m_bytes(bytes), m_keep_alive(std::move(keep_alive)),
      m_release_at(release_behind ? release_step + keep_behind
                                  : std::numeric_limits<std::size_t>::max()),
      m_guard(guard) {
    if (m_guard != nullptr) {
        m_checked_end.store(0, std::memory_order_relaxed);
        m_guard->notify_on_fault(&m_checked_end);
    }
}

MemoryInput::~MemoryInput() {
    if (m_guard != nullptr) {
        m_guard->notify_on_fault(nullptr); // before m_checked_end goes away
    }
}

std::span<const std::uint8_t> MemoryInput::peek(std::size_t n) {
    // The only cost of the guard on the hot path: one load and compare per peek (n is a
    // record or block length, at most max_block_size, so the sum cannot wrap).
    if (m_offset + n > m_checked_end.load(std::memory_order_relaxed)) [[unlikely]] {
        check_mapping(n);
    }
    return m_bytes.subspan(m_offset);
}

void MemoryInput::check_mapping(std::size_t n) {
    if (m_stopped) {
        m_checked_end.store(std::numeric_limits<std::size_t>::max(), std::memory_order_relaxed);
        return;
    }
    // Checked a region at a time (a few hundred records), ahead of the position.
    constexpr std::size_t region = 64u << 10;
    const std::size_t size = m_bytes.size();
    const std::size_t want = m_offset + std::min(n, size - m_offset);
    const std::size_t end = std::min(size, (want + region - 1) / region * region);
    bool shrank = false;
    std::size_t checked = end;
    if (end < size) {
        // A file loses pages from its end only, so if the page at `end` (page-aligned: the
        // mapping is, and so is `region`) is still in the file, every byte before it is. If it
        // is not, this read faults, and the handler sets shrank() before we test it below.
        static_cast<void>(*static_cast<const volatile std::uint8_t*>(m_bytes.data() + end));
    } else {
        // The last region has no page after it to probe, and a file that lost less than a
        // page reads zeros there without a fault: ask the file itself, for each peek that
        // reaches further (at most a region's worth of records per input).
        const auto now = m_guard->file_size();
        shrank = now && *now < m_guard->file_offset() + size;
        checked = want < size ? want : std::numeric_limits<std::size_t>::max();
    }
    // Stored before the flag is read (both seq_cst, as in the handler): a reset to 0 by a
    // handler that this store overwrote has then set the flag where the test below sees it.
    m_checked_end.store(checked, std::memory_order_seq_cst);
    if (shrank || m_guard->shrank()) {
        stop_at_file_end();
    }
}

void MemoryInput::stop_at_file_end() {
    const auto now = m_guard->file_size();
    const std::uint64_t start = m_guard->file_offset();
    std::uint64_t keep = m_bytes.size();
    if (now) {
        keep = std::min<std::uint64_t>(keep, *now > start ? *now - start : 0);
    }
    if (const auto fault = m_guard->first_fault()) {
        keep = std::min<std::uint64_t>(keep, *fault - start); // zeros from there on
    }
    // Bytes already handed out are not taken back; the next ones are withheld.
    keep = std::max<std::uint64_t>(keep, m_offset);
    m_bytes = m_bytes.first(static_cast<std::size_t>(keep));
    m_stopped = true;
    m_error =
        now ? fmt::format("the file shrank while being read (now {} bytes); stopped there", *now)
            : "the file shrank while being read; stopped there";
    m_error_code = ProblemCode::read_error;
    m_checked_end.store(std::numeric_limits<std::size_t>::max(), std::memory_order_relaxed);
}

void MemoryInput::consume(std::size_t n) {
    n = std::min(n, m_bytes.size() - m_offset);
    m_offset += n;
    m_position += n;
    // One compare per record: the threshold is precomputed (max when nothing is released).
    if (m_offset >= m_release_at) [[unlikely]] {
        release_consumed_pages();
    }
}

void MemoryInput::release_consumed_pages() {
    static const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t end = (m_offset - keep_behind) / page * page;
    if (end <= m_released) {
        return;
    }
    // The mapping starts on a page boundary, so offsets that are page multiples are too.
    auto* start = const_cast<std::uint8_t*>(m_bytes.data() + m_released);
    ::madvise(start, end - m_released, MADV_DONTNEED);
    m_released = end;
    m_release_at = m_released + release_step + keep_behind;
}

std::span<const std::uint8_t> BufferedInput::peek(std::size_t n) {
    while (m_end - m_begin < n && !m_eof) {
        // Make room: compact when the consumed prefix dominates, grow when the request does
        // not fit. Capacity stays at about twice the largest request (bounded memory).
        const std::size_t want_capacity = std::max<std::size_t>(2 * n, 256 * 1024);
        if (m_buffer.size() < want_capacity) {
            if (m_begin > 0) {
                std::memmove(m_buffer.data(), m_buffer.data() + m_begin, m_end - m_begin);
                m_end -= m_begin;
                m_begin = 0;
            }
            m_buffer.resize(want_capacity);
        } else if (m_buffer.size() - m_begin < n || m_end == m_buffer.size()) {
            std::memmove(m_buffer.data(), m_buffer.data() + m_begin, m_end - m_begin);
            m_end -= m_begin;
            m_begin = 0;
        }
        const std::size_t got = fill(m_buffer.data() + m_end, m_buffer.size() - m_end);
        if (got == 0) {
            m_eof = true;
            break;
        }
        m_end += got;
    }
    return {m_buffer.data() + m_begin, m_end - m_begin};
}

void BufferedInput::consume(std::size_t n) {
    n = std::min(n, m_end - m_begin);
    m_begin += n;
    m_position += n;
    if (m_begin == m_end) {
        m_begin = m_end = 0;
    }
}

FdInput::~FdInput() {
    if (m_owns_fd && m_fd >= 0) {
        ::close(m_fd);
    }
}

std::size_t FdInput::fill(std::uint8_t* out, std::size_t room) {
    for (;;) {
        const ssize_t got = ::read(m_fd, out, room);
        if (got >= 0) {
            return static_cast<std::size_t>(got);
        }
        if (errno == EINTR) {
            continue;
        }
        m_error = std::string("read failed: ") + std::strerror(errno);
        m_error_code = ProblemCode::read_error;
        return 0;
    }
}

std::size_t ChunkedMemoryInput::fill(std::uint8_t* out, std::size_t room) {
    const std::size_t n = std::min({room, m_chunk, m_bytes.size() - m_offset});
    if (n == 0) {
        return 0; // also keeps a null data() of empty input away from memcpy
    }
    std::memcpy(out, m_bytes.data() + m_offset, n);
    m_offset += n;
    return n;
}

GzipInput::GzipInput(std::unique_ptr<ByteInput> inner) : m_inner(std::move(inner)) {
    // 15 + 32: a window of 32 KiB, accept gzip or zlib headers.
    m_ready = inflateInit2(&m_zs, 15 + 32) == Z_OK;
    if (!m_ready) {
        m_error = "zlib initialisation failed";
        m_error_code = ProblemCode::bad_gzip;
    }
}

GzipInput::~GzipInput() {
    if (m_ready) {
        inflateEnd(&m_zs);
    }
}

std::size_t GzipInput::fill(std::uint8_t* out, std::size_t room) {
    if (!m_ready || m_done) {
        return 0;
    }
    m_zs.next_out = out;
    m_zs.avail_out = static_cast<uInt>(std::min<std::size_t>(room, 1u << 30));
    // Stop as soon as something was produced: on a pipe, waiting to fill `room` could block
    // on input that is not needed yet.
    while (m_zs.next_out == out && m_zs.avail_out > 0) {
        auto in = m_inner->peek(1);
        if (in.empty()) {
            if (m_inner->failed()) {
                m_error = m_inner->error();
                m_error_code = m_inner->error_code();
            } else if (m_zs.total_in > 0 || m_zs.total_out > 0) {
                m_error = "gzip stream ends before its end marker (cut short)";
                m_error_code = ProblemCode::truncated;
            }
            m_done = true;
            break;
        }
        // At most one run of compressed bytes per inflate() call, asked for as such: a
        // mapped inner input then checks that the file still holds all of what zlib reads
        // (MemoryInput::check_mapping); the bytes are there already, so this never blocks.
        constexpr std::size_t inflate_run = 64u << 10;
        if (in.size() > inflate_run) {
            in = m_inner->peek(inflate_run);
        }
        const std::size_t chunk = std::min(in.size(), inflate_run);
        m_zs.next_in = const_cast<Bytef*>(in.data()); // zlib's API is not const-correct
        m_zs.avail_in = static_cast<uInt>(chunk);
        const int rc = inflate(&m_zs, Z_NO_FLUSH);
        m_inner->consume(chunk - m_zs.avail_in);
        if (rc == Z_STREAM_END) {
            // Another gzip member may follow (cat a.gz b.gz); anything else ends the data.
            auto rest = m_inner->peek(2);
            if (rest.size() >= 2 && rest[0] == 0x1f && rest[1] == 0x8b) {
                inflateReset(&m_zs);
                continue;
            }
            if (!rest.empty()) {
                m_error = "bytes after the end of the gzip stream ignored";
                m_error_code = ProblemCode::garbage_skipped;
            }
            m_done = true;
            break;
        }
        if (rc == Z_BUF_ERROR) {
            continue; // needs more input; the next peek() supplies it or ends
        }
        if (rc != Z_OK) {
            m_error = std::string("corrupt gzip data: ") + (m_zs.msg ? m_zs.msg : "inflate failed");
            m_error_code = ProblemCode::bad_gzip;
            m_done = true;
            break;
        }
    }
    return static_cast<std::size_t>(m_zs.next_out - out);
}

} // namespace sipdx::capture::detail
