// The spool of a report's per-call data: JSON values gathered into chunks of about
// `chunk_bytes`, each chunk a JSON array compressed with zlib-wrapped DEFLATE (what the
// browser's DecompressionStream("deflate") reads) and base64-encoded into an anonymous temporary
// file as soon as it is full. A thread of its own compresses and writes the full chunks while
// the analysis goes on (at most a few chunks wait for it), so the tracking thread only formats.
// Memory holds a few chunks; the page copies the chunks out at the end.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

struct libdeflate_compressor;

namespace sipdx::report::detail {

class Spool {
public:
    Spool(std::size_t chunk_bytes, int level);
    ~Spool();
    Spool(const Spool&) = delete;
    Spool& operator=(const Spool&) = delete;

    // Appends one JSON value; returns (chunk, index in chunk). With `per_chunk` set, a chunk
    // ends after that many values instead of at chunk_bytes.
    std::pair<std::uint32_t, std::uint32_t> add(std::string_view json, std::uint32_t per_chunk = 0);
    // Ends the last chunk.
    void finish();
    // Writes every chunk as <script type="application/x-sipdx-deflate" id="PREFIXn">...</script>;
    // false when reading the spool or writing `out` fails.
    bool copy_out(std::FILE* out, std::string_view id_prefix) const;

    std::uint32_t chunks() const { return m_flushed; }
    std::uint64_t raw_bytes() const { return m_raw_bytes; }
    std::uint64_t stored_bytes() const { return m_stored_bytes; }
    bool failed() const { return m_failed; }

private:
    void flush();
    void compress(const std::string& chunk);
    void work();

    std::size_t m_chunk_bytes;
    libdeflate_compressor* m_compressor = nullptr;
    std::FILE* m_file = nullptr;
    std::string m_buffer;
    std::uint32_t m_in_chunk = 0;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> m_chunks; // (offset, length) in m_file
    std::vector<unsigned char> m_compressed;
    std::string m_base64;
    std::uint64_t m_raw_bytes = 0;
    std::uint64_t m_stored_bytes = 0;
    bool m_failed = false;
    std::uint32_t m_flushed = 0;

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<std::string> m_queue; // full chunks waiting for the worker
    bool m_busy = false;             // the worker holds a chunk
    bool m_stop = false;
    std::thread m_worker;
};

// Standard base64 (RFC 4648 section 4) with padding, appended to `out`.
void append_base64(std::string& out, const unsigned char* data, std::size_t size);

} // namespace sipdx::report::detail
