// Reason and Warning accessors, decoded by the knowledge stage (sipdx_knowledge). Kept in their
// own translation unit so that programs that never ask for them do not pull in that code.
#include <sipdx/knowledge/reason.h>
#include <sipdx/sip/message.h>

namespace sipdx::sip {

std::vector<knowledge::ReasonValue> Message::reasons() const {
    std::vector<knowledge::ReasonValue> out;
    for_each(HeaderId::reason, [&](const Header& h) {
        auto values = knowledge::parse_reason(h.value);
        for (auto& v : values)
            out.push_back(std::move(v));
    });
    return out;
}

std::vector<knowledge::WarningValue> Message::warnings() const {
    std::vector<knowledge::WarningValue> out;
    for_each(HeaderId::warning, [&](const Header& h) {
        auto values = knowledge::parse_warning(h.value);
        for (auto& v : values)
            out.push_back(std::move(v));
    });
    return out;
}

} // namespace sipdx::sip
