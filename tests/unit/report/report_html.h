// Reading a report back in tests: the embedded JSON and the compressed call chunks.
#pragma once

#include "report/detail/spool.h"

#include <libdeflate.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace sipdx::test {

inline std::vector<unsigned char> base64_decode(const std::string& in) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    std::vector<unsigned char> out;
    std::uint32_t bits = 0;
    int count = 0;
    for (char c : in) {
        const int v = value(c);
        if (v < 0) continue;
        bits = (bits << 6) | static_cast<std::uint32_t>(v);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out.push_back(static_cast<unsigned char>((bits >> count) & 0xff));
        }
    }
    return out;
}

inline std::string inflate_zlib(const std::vector<unsigned char>& in) {
    libdeflate_decompressor* d = libdeflate_alloc_decompressor();
    std::string out(in.size() * 8 + 1024, '\0');
    for (int attempt = 0; attempt < 12; ++attempt) {
        std::size_t got = 0;
        const auto r =
            libdeflate_zlib_decompress(d, in.data(), in.size(), out.data(), out.size(), &got);
        if (r == LIBDEFLATE_SUCCESS) {
            out.resize(got);
            libdeflate_free_decompressor(d);
            return out;
        }
        if (r != LIBDEFLATE_INSUFFICIENT_SPACE) break;
        out.resize(out.size() * 4);
    }
    libdeflate_free_decompressor(d);
    throw std::runtime_error("cannot inflate");
}

// The text of the element with this id (script contents), or "" when absent.
inline std::string element_text(const std::string& html, const std::string& id) {
    const std::string key = "id=\"" + id + "\">";
    const auto at = html.find(key);
    if (at == std::string::npos) return {};
    const auto start = at + key.size();
    const auto end = html.find("</script>", start);
    return html.substr(start, end - start);
}

inline nlohmann::json chunk_json(const std::string& html, const std::string& id) {
    return nlohmann::json::parse(inflate_zlib(base64_decode(element_text(html, id))));
}

// Every row of the calls table.
inline std::vector<nlohmann::json> report_rows(const std::string& html) {
    const auto meta = nlohmann::json::parse(element_text(html, "meta"));
    std::vector<nlohmann::json> rows;
    for (int c = 0; c < meta["rows"].get<int>(); ++c)
        for (auto& row : chunk_json(html, "r" + std::to_string(c)))
            rows.push_back(row);
    return rows;
}

// A calls-table or detail value that may be an index into meta.dict (write.cpp, builder.cpp).
inline std::string dict_string(const nlohmann::json& meta, const nlohmann::json& value) {
    if (value.is_number()) return meta["dict"][value.get<std::size_t>()].get<std::string>();
    return value.get<std::string>();
}

// A detail's explanation put back together as the page does: [template, number...], each
// \x03 the next number, \x01 and \x02 the call's From and To.
inline std::string why_text(const nlohmann::json& meta, const nlohmann::json& detail) {
    const auto& w = detail[2];
    const std::string skeleton = dict_string(meta, w[0]);
    std::string out;
    std::size_t next = 1;
    for (const char c : skeleton) {
        if (c == '\x03') {
            const auto& n = w.at(next++);
            out += n.is_string() ? n.get<std::string>() : std::to_string(n.get<std::uint64_t>());
        } else if (c == '\x01') {
            out += detail[0].get<std::string>();
        } else if (c == '\x02') {
            out += detail[1].get<std::string>();
        } else {
            out += c;
        }
    }
    if (next != w.size()) throw std::runtime_error("numbers left over in the explanation");
    return out;
}

// Everything the report embeds, decompressed (for searching).
inline std::string decompressed_everything(const std::string& html) {
    std::string all = html;
    for (const char* prefix : {"r", "d"})
        for (int c = 0;; ++c) {
            const std::string text = element_text(html, prefix + std::to_string(c));
            if (text.empty()) break;
            all += inflate_zlib(base64_decode(text));
        }
    return all;
}

} // namespace sipdx::test
