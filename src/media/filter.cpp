#include <sipdx/media/filter.h>

#include <sipdx/media/analyzer.h>

namespace sipdx::media {

tl::expected<analysis::FilterResult, capture::CaptureError>
filter_capture_with_media(const std::vector<std::string>& paths,
                          const analysis::RecordFilter& filter, const std::string& output,
                          std::function<void(std::uint64_t, std::uint64_t)> progress) {
    MediaOptions options;
    options.keep_frames = true;
    MediaAnalyzer media(options);
    analysis::FilterExtras extras;
    extras.prepare = [&](analysis::AnalyzeOptions& o) { media.attach(o); };
    extras.frames_of = [&](const std::vector<std::string>& call_ids) {
        media.finish();
        return media.frames_of(call_ids);
    };
    return analysis::filter_capture(paths, filter, output, std::move(progress), extras);
}

} // namespace sipdx::media
