#include "report/detail/spool.h"

#include <libdeflate.h>

#include <algorithm>

namespace sipdx::report::detail {

void append_base64(std::string& out, const unsigned char* data, std::size_t size) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const std::size_t start = out.size();
    out.resize(start + (size + 2) / 3 * 4);
    char* p = out.data() + start;
    std::size_t i = 0;
    for (; i + 3 <= size; i += 3) {
        const std::uint32_t v =
            (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
        *p++ = alphabet[(v >> 18) & 63];
        *p++ = alphabet[(v >> 12) & 63];
        *p++ = alphabet[(v >> 6) & 63];
        *p++ = alphabet[v & 63];
    }
    if (i < size) {
        std::uint32_t v = std::uint32_t{data[i]} << 16;
        if (i + 1 < size) v |= std::uint32_t{data[i + 1]} << 8;
        *p++ = alphabet[(v >> 18) & 63];
        *p++ = alphabet[(v >> 12) & 63];
        *p++ = i + 1 < size ? alphabet[(v >> 6) & 63] : '=';
        *p++ = '=';
    }
}

Spool::Spool(std::size_t chunk_bytes, int level)
    : m_chunk_bytes(std::max<std::size_t>(chunk_bytes, 1024)),
      m_compressor(libdeflate_alloc_compressor(std::clamp(level, 1, 12))), m_file(std::tmpfile()) {
    m_failed = m_compressor == nullptr || m_file == nullptr;
    m_buffer.reserve(m_chunk_bytes + 4096);
    m_worker = std::thread([this] { work(); });
}

Spool::~Spool() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_changed.notify_all();
    m_worker.join();
    if (m_compressor != nullptr) libdeflate_free_compressor(m_compressor);
    if (m_file != nullptr) std::fclose(m_file);
}

std::pair<std::uint32_t, std::uint32_t> Spool::add(std::string_view json, std::uint32_t per_chunk) {
    m_buffer += m_in_chunk == 0 ? '[' : ',';
    m_buffer.append(json);
    const std::pair<std::uint32_t, std::uint32_t> where{chunks(), m_in_chunk++};
    if (per_chunk != 0 ? m_in_chunk >= per_chunk : m_buffer.size() >= m_chunk_bytes) flush();
    return where;
}

void Spool::finish() {
    if (m_in_chunk != 0) flush();
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return m_queue.empty() && !m_busy; });
}

void Spool::flush() {
    m_buffer += ']';
    m_raw_bytes += m_buffer.size();
    ++m_flushed;
    std::string full;
    full.reserve(m_chunk_bytes + 4096);
    full.swap(m_buffer);
    m_in_chunk = 0;
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return m_queue.size() < 4; });
    m_queue.push_back(std::move(full));
    lock.unlock();
    m_changed.notify_all();
}

void Spool::work() {
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_changed.wait(lock, [this] { return m_stop || !m_queue.empty(); });
        if (m_queue.empty()) return; // stopping with nothing left
        std::string chunk = std::move(m_queue.front());
        m_queue.pop_front();
        m_busy = true;
        lock.unlock();
        m_changed.notify_all();
        compress(chunk);
        lock.lock();
        m_busy = false;
        m_changed.notify_all();
    }
}

// On the worker: the chunk's compressed, base64 form appended to the file.
void Spool::compress(const std::string& chunk) {
    if (!m_failed) {
        m_compressed.resize(libdeflate_zlib_compress_bound(m_compressor, chunk.size()));
        const std::size_t size = libdeflate_zlib_compress(m_compressor, chunk.data(), chunk.size(),
                                                          m_compressed.data(), m_compressed.size());
        m_base64.clear();
        append_base64(m_base64, m_compressed.data(), size);
        const auto offset = static_cast<std::uint64_t>(std::ftell(m_file));
        if (size == 0 ||
            std::fwrite(m_base64.data(), 1, m_base64.size(), m_file) != m_base64.size())
            m_failed = true;
        m_chunks.emplace_back(offset, m_base64.size());
        m_stored_bytes += m_base64.size();
    } else {
        m_chunks.emplace_back(0, 0);
    }
}

bool Spool::copy_out(std::FILE* out, std::string_view id_prefix) const {
    if (m_failed || std::fflush(m_file) != 0) return false;
    std::vector<char> buffer(1 << 20);
    for (std::size_t c = 0; c < m_chunks.size(); ++c) {
        std::fprintf(out, "<script type=\"application/x-sipdx-deflate\" id=\"%.*s%zu\">",
                     static_cast<int>(id_prefix.size()), id_prefix.data(), c);
        if (std::fseek(m_file, static_cast<long>(m_chunks[c].first), SEEK_SET) != 0) return false;
        std::uint64_t left = m_chunks[c].second;
        while (left > 0) {
            const std::size_t want =
                static_cast<std::size_t>(std::min<std::uint64_t>(left, buffer.size()));
            const std::size_t got = std::fread(buffer.data(), 1, want, m_file);
            if (got != want) return false;
            if (std::fwrite(buffer.data(), 1, got, out) != got) return false;
            left -= got;
        }
        std::fputs("</script>\n", out);
    }
    return !std::ferror(out);
}

} // namespace sipdx::report::detail
