// Method names and token characters.
#include <sipdx/sip/method.h>

#include <array>

namespace sipdx::sip {
namespace {
constexpr std::array<std::string_view, 15> names{
    "",       "INVITE", "ACK",       "BYE",    "CANCEL", "REGISTER", "OPTIONS", "PRACK",
    "UPDATE", "INFO",   "SUBSCRIBE", "NOTIFY", "REFER",  "MESSAGE",  "PUBLISH"};

// RFC 3261 section 25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" /
// "'" / "~").
constexpr std::array<bool, 256> make_token_table() {
    std::array<bool, 256> t{};
    for (int c = '0'; c <= '9'; ++c)
        t[static_cast<std::size_t>(c)] = true;
    for (int c = 'a'; c <= 'z'; ++c)
        t[static_cast<std::size_t>(c)] = true;
    for (int c = 'A'; c <= 'Z'; ++c)
        t[static_cast<std::size_t>(c)] = true;
    for (char c : std::string_view("-.!%*_+`'~"))
        t[static_cast<unsigned char>(c)] = true;
    return t;
}
constexpr auto token_table = make_token_table();
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

std::string_view method_name(Method method) {
    auto i = static_cast<std::size_t>(method);
    return i < names.size() ? names[i] : std::string_view{};
}

bool is_token_char(char c) {
    return token_table[static_cast<unsigned char>(c)];
}

bool is_token(std::string_view text) {
    if (text.empty()) return false;
    for (char c : text)
        if (!is_token_char(c)) return false;
    return true;
}

} // namespace sipdx::sip
