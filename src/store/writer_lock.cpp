#include "store/detail/writer_lock.h"

#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace sipdx::store::detail {

tl::expected<WriterLock, StoreError> WriterLock::acquire(const std::string& db, int timeout_ms) {
    const std::string path = db + "-ingest.lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return tl::unexpected(
            StoreError{ErrorKind::read_only,
                       fmt::format("{}: cannot create {}: {}", db, path, std::strerror(errno))});
    for (int waited = 0;; waited += 20) {
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return WriterLock(fd);
        if (waited >= timeout_ms) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::close(fd);
    return tl::unexpected(
        StoreError{ErrorKind::locked,
                   fmt::format("{}: locked: another sipdx ingest is writing it (waited {} ms)", db,
                               timeout_ms)});
}

WriterLock::~WriterLock() {
    if (m_fd >= 0) ::close(m_fd); // releases the lock
}

} // namespace sipdx::store::detail
