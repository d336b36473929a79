// `sipdx filter --media`: analysis::filter_capture with the RTP and RTCP frames of the selected
// calls written beside their SIP (streams matched to each call by its SDP, docs/media.md).
#pragma once

#include <sipdx/analysis/filter.h>

#include <cstdint>
#include <functional>

namespace sipdx::media {

tl::expected<analysis::FilterResult, capture::CaptureError> filter_capture_with_media(
    const std::vector<std::string>& paths, const analysis::RecordFilter& filter,
    const std::string& output,
    std::function<void(std::uint64_t done, std::uint64_t total)> progress = {});

} // namespace sipdx::media
