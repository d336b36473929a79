// One writer per SQLite database at a time, held by the kernel for the life of the process: a
// second `ingest` must not mistake a live run's 'ingesting' capture for an interrupted one (it
// would clear rows that the live run goes on writing). A killed writer releases it at once.
#pragma once

#include <sipdx/store/error.h>

#include <tl/expected.hpp>

#include <string>
#include <utility>

namespace sipdx::store::detail {

class WriterLock {
public:
    // flock on DB-ingest.lock, waiting up to `timeout_ms`. The holder removes the file when it
    // lets go; a waiter that then gets the lock of the removed file sees that the name now
    // leads elsewhere (or nowhere) and locks afresh, so two writers never hold it at once.
    static tl::expected<WriterLock, StoreError> acquire(const std::string& db, int timeout_ms);
    WriterLock(WriterLock&& o) noexcept
        : m_fd(std::exchange(o.m_fd, -1)), m_path(std::move(o.m_path)) {}
    WriterLock& operator=(WriterLock&&) = delete;
    ~WriterLock();

private:
    WriterLock(int fd, std::string path) : m_fd(fd), m_path(std::move(path)) {}
    int m_fd = -1;
    std::string m_path;
};

} // namespace sipdx::store::detail
