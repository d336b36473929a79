// Helpers shared by the capture tests: read a whole source into plain values.
#pragma once

#include <sipdx/capture/source.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace sipdx::capture::test {

struct FrameCopy {
    std::uint64_t number = 0;
    std::int64_t time_ns = 0;
    LinkType link_type = LinkType::ethernet;
    std::uint32_t interface_id = 0;
    std::uint32_t original_length = 0;
    std::uint64_t file_offset = 0;
    std::vector<std::uint8_t> data;
    std::string comment;
    bool operator==(const FrameCopy&) const = default;
};

inline std::vector<FrameCopy> read_all(FrameSource& source, std::size_t limit = 1'000'000) {
    std::vector<FrameCopy> out;
    Frame frame;
    while (out.size() < limit && source.next(frame) == ReadStatus::frame) {
        out.push_back({frame.number, frame.time_ns, frame.link_type, frame.interface_id,
                       frame.original_length, frame.file_offset,
                       std::vector<std::uint8_t>(frame.data.begin(), frame.data.end()),
                       std::string(frame.comment)});
    }
    return out;
}

inline std::filesystem::path data_dir() {
    return std::filesystem::path(SIPDX_TEST_DATA_DIR) / "pcaps";
}
inline std::filesystem::path corpus_dir() {
    return std::filesystem::path(SIPDX_SHARED_DIR) / "corpus";
}

// The capture files of the shared corpus (empty when it is absent).
inline std::vector<std::filesystem::path> corpus_files() {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(corpus_dir(), ec)) {
        const auto ext = entry.path().extension();
        if (entry.is_regular_file() && (ext == ".pcap" || ext == ".pcapng")) {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

// "seconds.nanoseconds" as tshark prints frame.time_epoch.
inline std::string epoch_text(std::int64_t ns) {
    const std::int64_t sec = ns >= 0 ? ns / 1'000'000'000 : -((-ns + 999'999'999) / 1'000'000'000);
    const std::int64_t frac = ns - sec * 1'000'000'000;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%lld.%09lld", static_cast<long long>(sec),
                  static_cast<long long>(frac));
    return buf;
}

} // namespace sipdx::capture::test
