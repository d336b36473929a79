// Body access: SDP, directly or inside multipart/mixed.
#include <sipdx/sip/message.h>
#include <sipdx/sip/multipart.h>

namespace sipdx::sip {

std::optional<Sdp> Message::sdp() const {
    auto type = content_type();
    if (!type || body.empty()) return std::nullopt;
    if (type->is("application", "sdp")) return parse_sdp(body);
    if (iequals(type->type, "multipart")) {
        for (const BodyPart& part : split_multipart(body, type->boundary())) {
            auto part_type = parse_media_type(part.content_type);
            if (part_type && part_type->is("application", "sdp")) return parse_sdp(part.body);
        }
    }
    return std::nullopt;
}

} // namespace sipdx::sip
