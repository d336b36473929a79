#include <sipdx/media/codec.h>

#include <sipdx/text/text.h>

#include <array>

namespace sipdx::media {

std::optional<StaticPayload> static_payload(int pt) {
    switch (pt) {
    case 0:
        return StaticPayload{"PCMU", 8000};
    case 3:
        return StaticPayload{"GSM", 8000};
    case 4:
        return StaticPayload{"G723", 8000};
    case 5:
        return StaticPayload{"DVI4", 8000};
    case 6:
        return StaticPayload{"DVI4", 16000};
    case 7:
        return StaticPayload{"LPC", 8000};
    case 8:
        return StaticPayload{"PCMA", 8000};
    case 9:
        return StaticPayload{"G722", 8000}; // RFC 3551: the clock stays 8000 for G.722
    case 10:
        return StaticPayload{"L16", 44100};
    case 11:
        return StaticPayload{"L16", 44100};
    case 12:
        return StaticPayload{"QCELP", 8000};
    case 13:
        return StaticPayload{"CN", 8000};
    case 14:
        return StaticPayload{"MPA", 90000};
    case 15:
        return StaticPayload{"G728", 8000};
    case 16:
        return StaticPayload{"DVI4", 11025};
    case 17:
        return StaticPayload{"DVI4", 22050};
    case 18:
        return StaticPayload{"G729", 8000};
    case 25:
        return StaticPayload{"CelB", 90000, false};
    case 26:
        return StaticPayload{"JPEG", 90000, false};
    case 28:
        return StaticPayload{"nv", 90000, false};
    case 31:
        return StaticPayload{"H261", 90000, false};
    case 32:
        return StaticPayload{"MPV", 90000, false};
    case 33:
        return StaticPayload{"MP2T", 90000, false};
    case 34:
        return StaticPayload{"H263", 90000, false};
    default:
        return std::nullopt;
    }
}

namespace {

struct Entry {
    std::string_view name;
    Impairment impairment;
};

// ITU-T G.113 (11/2007) Appendix I, Tables I.1 (Ie) and I.3 (Bpl under random loss). G.711
// is taken with packet loss concealment (Appendix I to G.711), which endpoints use today;
// without it G.113 gives Bpl 4.3.
constexpr std::array<Entry, 6> g113 = {{
    {"PCMU", {0, 25.1, "G.113 App. I: G.711 with PLC (Ie 0, Bpl 25.1)"}},
    {"PCMA", {0, 25.1, "G.113 App. I: G.711 with PLC (Ie 0, Bpl 25.1)"}},
    {"G729", {11, 19.0, "G.113 App. I: G.729A + VAD (Ie 11, Bpl 19.0)"}},
    {"G729A", {11, 19.0, "G.113 App. I: G.729A + VAD (Ie 11, Bpl 19.0)"}},
    {"G723", {15, 16.1, "G.113 App. I: G.723.1 6.3 kbit/s + VAD (Ie 15, Bpl 16.1)"}},
    {"GSM-EFR", {5, 10.0, "G.113 App. I: GSM-EFR (Ie 5, Bpl 10.0)"}},
}};

} // namespace

std::optional<Impairment> impairment_for(std::string_view encoding, std::string_view* why_not) {
    for (const auto& e : g113)
        if (text::iequals(e.name, encoding)) return e.impairment;
    if (why_not) {
        if (encoding.empty()) {
            *why_not = "codec unknown (dynamic payload type without SDP)";
        } else if (text::iequals(encoding, "AMR-WB") || text::iequals(encoding, "G722") ||
                   text::iequals(encoding, "opus") || text::iequals(encoding, "EVS") ||
                   text::iequals(encoding, "SILK")) {
            *why_not = "wideband codec: the narrowband E-model (G.107) does not apply and the "
                       "wideband one (G.107.1) is not implemented";
        } else if (text::iequals(encoding, "AMR")) {
            *why_not = "AMR changes mode per frame and G.113 gives no single Ie/Bpl for it";
        } else if (is_signalling_payload(encoding)) {
            *why_not = "not a voice codec";
        } else {
            *why_not = "G.113 Appendix I publishes no Ie/Bpl for this codec";
        }
    }
    return std::nullopt;
}

bool is_signalling_payload(std::string_view encoding) {
    return text::iequals(encoding, "telephone-event") || text::iequals(encoding, "CN");
}

} // namespace sipdx::media
