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
    // flock on DB-ingest.lock, waiting up to `timeout_ms`.
    static tl::expected<WriterLock, StoreError> acquire(const std::string& db, int timeout_ms);
    WriterLock(WriterLock&& o) noexcept : m_fd(std::exchange(o.m_fd, -1)) {}
    WriterLock& operator=(WriterLock&&) = delete;
    ~WriterLock();

private:
    explicit WriterLock(int fd) : m_fd(fd) {}
    int m_fd = -1;
};

} // namespace sipdx::store::detail
