#include "store/detail/writer_lock.h"

#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sipdx::store::detail {

tl::expected<WriterLock, StoreError> WriterLock::acquire(const std::string& db, int timeout_ms) {
    const std::string path = db + "-ingest.lock";
    // Each pass waits 20 ms at most, so the loop ends once timeout_ms has passed.
    for (int waited = 0;; waited += 20) {
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
            return tl::unexpected(
                StoreError{ErrorKind::read_only, fmt::format("{}: cannot create {}: {}", db, path,
                                                             std::strerror(errno))});
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
            // Locked: valid only if the file is still the one the name leads to (the last
            // holder removes it as it ends).
            struct stat held {};
            struct stat named {};
            if (::fstat(fd, &held) == 0 && ::stat(path.c_str(), &named) == 0 &&
                held.st_dev == named.st_dev && held.st_ino == named.st_ino)
                return WriterLock(fd, path);
            ::close(fd);
            continue; // removed meanwhile: lock the new file at once
        }
        ::close(fd);
        if (waited >= timeout_ms) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return tl::unexpected(
        StoreError{ErrorKind::locked,
                   fmt::format("{}: locked: another sipdx ingest is writing it (waited {} ms)", db,
                               timeout_ms)});
}

WriterLock::~WriterLock() {
    if (m_fd < 0) return;
    // Removed while still held, so no other process can lock this file and believe it valid.
    ::unlink(m_path.c_str());
    ::close(m_fd); // releases the lock
}

} // namespace sipdx::store::detail
