// A read-only file mapping that survives the file shrinking underneath it.
//
// Reading a mapped page that lies wholly beyond the end of its file raises SIGBUS, which
// kills the process: it happens whenever another process truncates or rewrites a capture
// that sipdx is reading (a probe rotating its file, `> file`, `truncate -s`). Every
// MappedFile therefore registers its address range in a fixed-size, lock-free, process-wide
// registry, and a SIGBUS handler (installed once, chained to the previous one) turns a fault
// inside a registered range into zeros: the pages from the faulting one to the end of the
// mapping are replaced by anonymous zero pages, shrank() becomes true, and the faulting read
// is retried and reads zeros. A SIGBUS anywhere else still kills the process as before.
//
// Contract for readers: bytes read after shrank() became true may be zeros rather than the
// file's; bytes read before it were the file's. Because a file only loses pages from its
// end, one read that did not fault proves that every earlier page was still in the file at
// that moment (see MemoryInput in the capture reader, which relies on this).
#pragma once

#include <tl/expected.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace sipdx::capture {

enum class MapErrorCode {
    map_failed,  // dup/mmap refused (errno says why); the caller may read() the file instead
    no_guard,    // every registry slot is taken, or the handler could not be installed
    empty_range, // length 0 (nothing to map)
};

struct MapError {
    MapErrorCode code = MapErrorCode::map_failed;
    int sys_errno = 0; // for map_failed
    // A short phrase without file name ("mmap failed: Cannot allocate memory").
    [[nodiscard]] std::string message() const;
};

struct MapOptions {
    bool populate = false;   // MAP_POPULATE: read the pages in now (hashing)
    bool sequential = false; // MADV_SEQUENTIAL: aggressive read-ahead (capture reading)
};

class MappedFile {
public:
    // Maps `length` bytes of `fd` from `offset` (a multiple of the page size) read-only and
    // private. `fd` stays the caller's: the mapping keeps a duplicate of it so that
    // file_size() can ask the file how long it is now. Fails rather than hand out a mapping
    // that is not guarded.
    [[nodiscard]] static tl::expected<MappedFile, MapError>
    map(int fd, std::uint64_t offset, std::size_t length, MapOptions options = {});

    MappedFile() = default; // maps nothing
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    // Unregisters the range, then unmaps it: views into bytes() end here.
    ~MappedFile();

    // The mapped bytes; valid until destruction (a move keeps them valid).
    [[nodiscard]] std::span<const std::uint8_t> bytes() const { return m_bytes; }
    // Where bytes() starts in the file.
    [[nodiscard]] std::uint64_t file_offset() const { return m_offset; }

    // True once a read beyond the file's end was turned into zeros. Cheap (one relaxed load):
    // meant to be polled by readers.
    [[nodiscard]] bool shrank() const;
    // Offset in the file of the first page that was replaced by zeros (nullopt if none).
    [[nodiscard]] std::optional<std::uint64_t> first_fault() const;
    // The file's size now (fstat on the kept descriptor), or the errno of the failure.
    [[nodiscard]] tl::expected<std::uint64_t, int> file_size() const;

    // Asks the handler to store 0 into `*reset` (after setting shrank()) whenever it turns a
    // fault in this mapping into zeros, so that a reader can keep its "bytes checked so far"
    // bound in that atomic and test only the bound on its hot path. One watcher per mapping;
    // nullptr removes it and returns only when no handler can still be using the old one,
    // so `*reset` may then be destroyed.
    void notify_on_fault(std::atomic<std::size_t>* reset) const;

private:
    void release() noexcept;

    std::span<const std::uint8_t> m_bytes;
    std::size_t m_mapped_length = 0; // m_bytes.size() rounded up to whole pages
    std::uint64_t m_offset = 0;
    int m_fd = -1;
    int m_slot = -1;
};

// Number of mappings that can be guarded at once; MappedFile::map() fails beyond it.
inline constexpr std::size_t max_guarded_mappings = 256;

} // namespace sipdx::capture
