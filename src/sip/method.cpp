// Method names and token characters.
#include <sipdx/sip/method.h>

#include "sip/detail/text.h"

#include <array>

namespace sipdx::sip {
namespace {
constexpr std::array<std::string_view, 15> names{
    "",       "INVITE", "ACK",       "BYE",    "CANCEL", "REGISTER", "OPTIONS", "PRACK",
    "UPDATE", "INFO",   "SUBSCRIBE", "NOTIFY", "REFER",  "MESSAGE",  "PUBLISH"};

} // namespace

Method parse_method(std::string_view token) {
    // Switch on length first: most lengths have one or two candidates.
    switch (token.size()) {
    case 3:
        if (token == "ACK") return Method::ack;
        if (token == "BYE") return Method::bye;
        break;
    case 4:
        if (token == "INFO") return Method::info;
        break;
    case 5:
        if (token == "PRACK") return Method::prack;
        if (token == "REFER") return Method::refer;
        break;
    case 6:
        if (token == "INVITE") return Method::invite;
        if (token == "CANCEL") return Method::cancel;
        if (token == "UPDATE") return Method::update;
        if (token == "NOTIFY") return Method::notify;
        break;
    case 7:
        if (token == "OPTIONS") return Method::options;
        if (token == "MESSAGE") return Method::message;
        if (token == "PUBLISH") return Method::publish;
        break;
    case 8:
        if (token == "REGISTER") return Method::register_;
        break;
    case 9:
        if (token == "SUBSCRIBE") return Method::subscribe;
        break;
    default:
        break;
    }
    return Method::unknown;
}

std::string_view to_string(Method method) {
    auto i = static_cast<std::size_t>(method);
    return i < names.size() ? names[i] : std::string_view{};
}

bool is_token_char(char c) {
    return detail::has_class(c, detail::token);
}

bool is_token(std::string_view text) {
    if (text.empty()) return false;
    for (char c : text)
        if (!detail::has_class(c, detail::token)) return false;
    return true;
}

} // namespace sipdx::sip
