// A small XML 1.0 well-formedness check for the SVG the output stage writes: one root element,
// tags closed in order, attribute values quoted, '&' only in the five predefined entities or
// numeric references, '<' only to start markup, every character allowed by XML 1.0 and the
// text well-formed UTF-8. Returns "" when well-formed, otherwise what is wrong and where.
#pragma once

#include <sipdx/text/escape.h>

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace sipdx::output::test {

inline std::string check_xml(std::string_view xml) {
    if (!text::is_valid_utf8(xml)) return "not well-formed UTF-8";
    auto where = [](std::size_t i) { return " at offset " + std::to_string(i); };
    auto name_char = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' ||
               c == ':' || c == '.';
    };
    auto entity_ok = [&](std::size_t i) {
        const auto end = xml.find(';', i);
        if (end == std::string_view::npos || end - i > 10) return false;
        const auto name = xml.substr(i + 1, end - i - 1);
        if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos")
            return true;
        if (name.size() >= 2 && name[0] == '#') {
            for (std::size_t k = 1; k < name.size(); ++k)
                if (std::isxdigit(static_cast<unsigned char>(name[k])) == 0 && name[k] != 'x')
                    return false;
            return true;
        }
        return false;
    };
    std::vector<std::string> open;
    bool root_seen = false;
    for (std::size_t i = 0; i < xml.size();) {
        const auto c = static_cast<unsigned char>(xml[i]);
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return "control byte" + where(i);
        if (c == 0xEF && i + 2 < xml.size() && static_cast<unsigned char>(xml[i + 1]) == 0xBF &&
            static_cast<unsigned char>(xml[i + 2]) >= 0xBE)
            return "U+FFFE/U+FFFF" + where(i);
        if (c == '&') {
            if (!entity_ok(i)) return "bare '&'" + where(i);
            ++i;
            continue;
        }
        if (c != '<') {
            if (open.empty() && std::isspace(c) == 0) return "text outside the root" + where(i);
            ++i;
            continue;
        }
        if (xml.substr(i, 2) == "<?") {
            const auto end = xml.find("?>", i);
            if (end == std::string_view::npos) return "unclosed <?" + where(i);
            i = end + 2;
            continue;
        }
        if (xml.substr(i, 4) == "<!--") {
            const auto end = xml.find("-->", i);
            if (end == std::string_view::npos) return "unclosed comment" + where(i);
            i = end + 3;
            continue;
        }
        const bool closing = i + 1 < xml.size() && xml[i + 1] == '/';
        std::size_t k = i + (closing ? 2 : 1);
        const std::size_t name_start = k;
        while (k < xml.size() && name_char(xml[k]))
            ++k;
        const std::string name(xml.substr(name_start, k - name_start));
        if (name.empty()) return "'<' without a name" + where(i);
        if (closing) {
            if (open.empty() || open.back() != name) return "mismatched </" + name + ">" + where(i);
            open.pop_back();
            if (k >= xml.size() || xml[k] != '>') return "bad end tag" + where(i);
            i = k + 1;
            continue;
        }
        if (open.empty() && root_seen) return "second root element" + where(i);
        // Attributes: name="value" or name='value', no '<' inside values.
        for (;;) {
            while (k < xml.size() && std::isspace(static_cast<unsigned char>(xml[k])) != 0)
                ++k;
            if (k >= xml.size()) return "unclosed tag" + where(i);
            if (xml[k] == '>' || xml.substr(k, 2) == "/>") break;
            const std::size_t attr = k;
            while (k < xml.size() && name_char(xml[k]))
                ++k;
            if (k == attr || k >= xml.size() || xml[k] != '=') return "bad attribute" + where(k);
            ++k;
            if (k >= xml.size() || (xml[k] != '"' && xml[k] != '\'')) return "unquoted" + where(k);
            const char quote = xml[k];
            const auto end = xml.find(quote, k + 1);
            if (end == std::string_view::npos) return "unclosed value" + where(k);
            const auto value = xml.substr(k + 1, end - k - 1);
            if (value.find('<') != std::string_view::npos) return "'<' in a value" + where(k);
            for (std::size_t v = 0; v < value.size(); ++v)
                if (value[v] == '&' && !entity_ok(k + 1 + v)) return "bare '&'" + where(k + 1 + v);
            k = end + 1;
        }
        root_seen = true;
        if (xml[k] == '/') {
            i = k + 2;
        } else {
            open.push_back(name);
            i = k + 1;
        }
    }
    if (!open.empty()) return "unclosed <" + open.back() + ">";
    if (!root_seen) return "no root element";
    return "";
}

} // namespace sipdx::output::test
