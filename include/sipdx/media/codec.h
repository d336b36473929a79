// Codecs by RTP payload type (RFC 3551 section 6 for the static ones) and their impairment
// values for the E-model (ITU-T G.113 Appendix I), where G.113 publishes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sipdx::media {

struct StaticPayload {
    std::string_view name; // as an rtpmap would spell it: "PCMU", "G729"...
    std::uint32_t clock_rate = 0;
    bool audio = true;
};
// RFC 3551 table 4 and 5; nothing for dynamic (96-127) or unassigned types.
std::optional<StaticPayload> static_payload(int payload_type);

// Ie and Bpl of ITU-T G.113 Appendix I for a narrowband codec, with where they come from.
struct Impairment {
    double ie = 0;
    double bpl = 1;
    std::string_view basis; // "G.113 App. I: G.711 with PLC"
};
// By encoding name (case-insensitive, as in rtpmap). When G.113 has no value for it the
// result is empty and `why_not` (when given) says why no MOS is given.
std::optional<Impairment> impairment_for(std::string_view encoding,
                                         std::string_view* why_not = nullptr);

// True for RFC 4733 events ("telephone-event") and comfort noise ("CN"): packets that are not
// the voice codec.
bool is_signalling_payload(std::string_view encoding);

} // namespace sipdx::media
