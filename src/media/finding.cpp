#include <sipdx/media/analyzer.h>

#include <fmt/format.h>

namespace sipdx::media {

namespace {

struct Info {
    std::string_view name;
    knowledge::Severity severity;
    std::string_view text;
};

constexpr Info info[] = {
    {"one_way_audio", knowledge::Severity::error, "one-way audio"},
    {"no_media_after_answer", knowledge::Severity::error, "no media after the answer"},
    {"early_media_without_sdp", knowledge::Severity::warning,
     "media before the answer without a 183/SDP"},
    {"codec_not_negotiated", knowledge::Severity::warning, "codec not the negotiated one"},
    {"private_address_nat", knowledge::Severity::warning, "private address across NAT"},
    {"long_silence", knowledge::Severity::warning, "long silence"},
    {"media_stopped_before_bye", knowledge::Severity::warning, "media stopped before the BYE"},
    {"high_loss", knowledge::Severity::warning, "high packet loss"},
    {"high_jitter", knowledge::Severity::warning, "high jitter"},
    {"t38", knowledge::Severity::info, "fax over T.38"},
    {"on_hold", knowledge::Severity::info, "media on hold"},
    {"rtp_without_sdp", knowledge::Severity::info, "RTP found without SDP"},
    {"ssrc_change", knowledge::Severity::info, "SSRC changed"},
    {"sequence_reset", knowledge::Severity::info, "RTP sequence restarted"},
    {"no_fax_media", knowledge::Severity::error, "no fax media after the T.38 answer"},
};
static_assert(std::size(info) == static_cast<std::size_t>(FindingCode::count_));

} // namespace

std::string findings_text(const std::vector<Finding>& findings) {
    std::string out;
    for (const auto& f : findings) {
        if (!out.empty()) out += "; ";
        out += fmt::format("{}: {}", to_string(f.code), f.detail);
    }
    return out;
}

std::string_view to_string(FindingCode code) {
    return info[static_cast<std::size_t>(code)].name;
}
knowledge::Severity severity_of(FindingCode code) {
    return info[static_cast<std::size_t>(code)].severity;
}
std::string_view describe(FindingCode code) {
    return info[static_cast<std::size_t>(code)].text;
}

} // namespace sipdx::media
