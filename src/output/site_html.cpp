#include "output/detail/site_html.h"

#include <array>
#include <cctype>

namespace sipdx::output::detail {

namespace {
bool is_upper_or_digit(char c) {
    return std::isupper(static_cast<unsigned char>(c)) != 0 ||
           std::isdigit(static_cast<unsigned char>(c)) != 0;
}

// Words after which a full stop does not end a sentence.
bool is_abbreviation(std::string_view before_dot) {
    constexpr std::array<std::string_view, 8> abbreviations{"e.g", "i.e",    "etc", "cf",
                                                            "vs",  "approx", "Sec", "No"};
    const auto space = before_dot.find_last_of(" (");
    const auto word = space == std::string_view::npos ? before_dot : before_dot.substr(space + 1);
    for (const auto a : abbreviations) {
        if (word == a) {
            return true;
        }
    }
    return false;
}
} // namespace

std::string_view first_sentence(std::string_view text) {
    for (std::size_t i = 0; i + 2 < text.size(); ++i) {
        if ((text[i] == '.' || text[i] == '!' || text[i] == '?') && text[i + 1] == ' ' &&
            is_upper_or_digit(text[i + 2]) && !is_abbreviation(text.substr(0, i))) {
            return text.substr(0, i + 1);
        }
    }
    return text;
}

namespace {
// Digits (and dots, for 3GPP spec numbers) starting at text[pos].
std::string_view number_at(std::string_view text, std::size_t pos, bool allow_dot) {
    std::size_t end = pos;
    while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) != 0 ||
                                 (allow_dot && text[end] == '.'))) {
        ++end;
    }
    auto number = text.substr(pos, end - pos);
    while (!number.empty() && number.back() == '.') {
        number.remove_suffix(1);
    }
    return number;
}
} // namespace

std::string reference_url(std::string_view reference) {
    if (reference.starts_with("RFC ")) {
        const auto number = number_at(reference, 4, false);
        if (!number.empty()) {
            return "https://www.rfc-editor.org/rfc/rfc" + std::string(number);
        }
    }
    if (reference.starts_with("3GPP TS ")) {
        const auto number = number_at(reference, 8, true);
        // The 3GPP specification page is named by the number without its dot: 24.229 -> 24229.
        std::string compact;
        for (const char c : number) {
            if (c != '.') {
                compact += c;
            }
        }
        if (compact.size() >= 4) {
            return "https://www.3gpp.org/DynaReport/" + compact + ".htm";
        }
    }
    return {};
}

} // namespace sipdx::output::detail
