// Byte inputs under the readers: one contiguous window over the input, either the whole of a
// memory-mapped file (zero copy) or a reusable buffer refilled from a descriptor or from zlib.
#pragma once

#include <sipdx/capture/mapped_file.h>
#include <sipdx/capture/source.h>

#include <zlib.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace sipdx::capture::detail {

class ByteInput {
public:
    virtual ~ByteInput() = default;
    ByteInput() = default;
    ByteInput(const ByteInput&) = delete;
    ByteInput& operator=(const ByteInput&) = delete;

    // Returns the bytes available at the current position: at least `n` of them unless the
    // input ends (or fails) first. The span is valid until the next peek() or destruction.
    [[nodiscard]] virtual std::span<const std::uint8_t> peek(std::size_t n) = 0;
    // Moves the position on by `n` bytes, which the last peek() must have returned.
    virtual void consume(std::size_t n) = 0;

    [[nodiscard]] std::uint64_t position() const { return m_position; }
    // Set when the input stopped early because of an error rather than a clean end.
    [[nodiscard]] bool failed() const { return !m_error.empty(); }
    [[nodiscard]] const std::string& error() const { return m_error; }
    [[nodiscard]] ProblemCode error_code() const { return m_error_code; }
    // Bytes of the underlying (compressed) input, for counters; equals position() if plain.
    [[nodiscard]] virtual bool compressed() const { return false; }

protected:
    std::uint64_t m_position = 0;
    std::string m_error;
    ProblemCode m_error_code = ProblemCode::read_error;
};

// Bytes owned elsewhere (a mapping or the caller's memory).
class MemoryInput final : public ByteInput {
public:
    // `keep_alive` (may be null) owns the memory, e.g. an munmap-ing holder.
    // `release_behind` is for a read-only file mapping only: pages well behind the position are
    // handed back with MADV_DONTNEED, so resident memory stays flat whatever the file size (a
    // later access to them still reads the file). Never set it for anonymous memory.
    // `guard` (may be null; kept alive by `keep_alive`) is the mapping of a file that may
    // shrink while it is read: peek() then never hands out bytes past the file's new end, and
    // the input fails with "the file shrank while being read" (see check_mapping()).
    MemoryInput(std::span<const std::uint8_t> bytes, std::shared_ptr<void> keep_alive,
                bool release_behind = false, const MappedFile* guard = nullptr);
    ~MemoryInput() override;
    std::span<const std::uint8_t> peek(std::size_t n) override;
    void consume(std::size_t n) override;

private:
    void release_consumed_pages();
    void check_mapping(std::size_t n);
    void stop_at_file_end();

    std::span<const std::uint8_t> m_bytes;
    std::shared_ptr<void> m_keep_alive;
    std::size_t m_offset = 0;
    std::size_t m_release_at;   // position from which to release more (max: never)
    std::size_t m_released = 0; // bytes from the start already handed back
    bool m_stopped = false;     // the file shrank and m_bytes was cut at its new end
    const MappedFile* m_guard = nullptr;
    // Bytes [0, m_checked_end) were inside the file when last checked; peek() beyond it
    // checks again. The SIGBUS handler resets it to 0 on a fault in the mapping (from any
    // thread), so the next peek() notices at once. Unguarded inputs never check.
    std::atomic<std::size_t> m_checked_end{std::numeric_limits<std::size_t>::max()};
};

// A buffer that a subclass fills on demand; compacts only when the consumed prefix is large,
// so that advancing byte by byte (resynchronising) stays linear.
class BufferedInput : public ByteInput {
public:
    std::span<const std::uint8_t> peek(std::size_t n) override;
    void consume(std::size_t n) override;

protected:
    // Appends up to `room` bytes at `out`; returns the count, 0 at the end (sets m_error on
    // failure). Blocks only until some bytes are available.
    virtual std::size_t fill(std::uint8_t* out, std::size_t room) = 0;

private:
    std::vector<std::uint8_t> m_buffer;
    std::size_t m_begin = 0;
    std::size_t m_end = 0;
    bool m_eof = false;
};

class FdInput final : public BufferedInput {
public:
    FdInput(int fd, bool owns_fd) : m_fd(fd), m_owns_fd(owns_fd) {}
    ~FdInput() override;

protected:
    std::size_t fill(std::uint8_t* out, std::size_t room) override;

private:
    int m_fd;
    bool m_owns_fd;
};

// Memory handed out a few bytes per fill(), as a slow pipe would (tests and fuzzing use it
// to drive the buffered path deterministically).
class ChunkedMemoryInput final : public BufferedInput {
public:
    ChunkedMemoryInput(std::span<const std::uint8_t> bytes, std::size_t chunk)
        : m_bytes(bytes), m_chunk(chunk == 0 ? 1 : chunk) {}

protected:
    std::size_t fill(std::uint8_t* out, std::size_t room) override;

private:
    std::span<const std::uint8_t> m_bytes;
    std::size_t m_chunk;
    std::size_t m_offset = 0;
};

// Streaming inflate of gzip (several members allowed) or zlib data read from `inner`.
class GzipInput final : public BufferedInput {
public:
    explicit GzipInput(std::unique_ptr<ByteInput> inner);
    ~GzipInput() override;
    bool compressed() const override { return true; }

protected:
    std::size_t fill(std::uint8_t* out, std::size_t room) override;

private:
    std::unique_ptr<ByteInput> m_inner;
    z_stream m_zs{};
    bool m_ready = false;
    bool m_done = false;
};

// Largest window a reader may ask for (a pcapng block); larger lengths are corrupt.
inline constexpr std::size_t max_block_size = 16u * 1024u * 1024u;

} // namespace sipdx::capture::detail
