// Test helpers for the generated site: a strict tag-balance checker and link extraction.
// Deliberately small and strict: the site's HTML is ours, so anything unusual is a bug.
#pragma once

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sipdx::output::test {

struct HtmlProblem {
    std::size_t offset = 0;
    std::string what;
};

inline bool is_void_element(std::string_view name) {
    static const std::set<std::string_view> void_elements{
        "area",  "base", "br",   "col",    "embed", "hr", "img",
        "input", "link", "meta", "source", "track", "wbr"};
    return void_elements.count(name) != 0;
}

// One start tag with its attributes, as the checker saw it.
struct Tag {
    std::string name;
    std::map<std::string, std::string> attributes; // values with entities left as written
    std::size_t offset = 0;
};

// Checks that `html` is well-formed in the strict sense we generate: every non-void element is
// closed in order, attribute values are double-quoted, names are lower case, '<' and '&' in text
// start a tag or a known entity, ids are unique. Returns the first problem, or nullopt.
// Collects the start tags in `tags` when given.
inline std::optional<HtmlProblem> check_html(std::string_view html,
                                             std::vector<Tag>* tags = nullptr) {
    std::vector<std::pair<std::string, std::size_t>> open;
    std::set<std::string> ids;
    const auto check_entity = [&](std::size_t at) -> std::optional<HtmlProblem> {
        const auto end = html.find(';', at);
        if (end == std::string_view::npos || end - at > 8) {
            return HtmlProblem{at, "bare '&'"};
        }
        const auto entity = html.substr(at, end - at + 1);
        static const std::set<std::string_view> known{"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
        const bool numeric = entity.size() > 3 && entity[1] == '#' &&
                             std::all_of(entity.begin() + 2, entity.end() - 1, [](char d) {
                                 return std::isdigit(static_cast<unsigned char>(d)) != 0;
                             });
        if (known.count(entity) == 0 && !numeric) {
            return HtmlProblem{at, "unknown entity " + std::string(entity)};
        }
        return std::nullopt;
    };
    std::size_t i = 0;
    if (!html.starts_with("<!DOCTYPE html>\n")) {
        return HtmlProblem{0, "missing <!DOCTYPE html>"};
    }
    i = html.find('\n') + 1;
    while (i < html.size()) {
        const char c = html[i];
        if (c == '&') {
            if (auto problem = check_entity(i)) {
                return problem;
            }
            ++i;
            continue;
        }
        if (c != '<') {
            ++i;
            continue;
        }
        const std::size_t start = i;
        const bool closing = i + 1 < html.size() && html[i + 1] == '/';
        std::size_t j = i + (closing ? 2 : 1);
        std::string name;
        while (j < html.size() && (std::islower(static_cast<unsigned char>(html[j])) != 0 ||
                                   std::isdigit(static_cast<unsigned char>(html[j])) != 0)) {
            name += html[j++];
        }
        if (name.empty()) {
            return HtmlProblem{start, "'<' that does not start a tag"};
        }
        Tag tag{name, {}, start};
        // Attributes: name or name="value", separated by spaces.
        while (j < html.size() && html[j] != '>') {
            if (html[j] == ' ' || html[j] == '\n') {
                ++j;
                continue;
            }
            if (closing) {
                return HtmlProblem{j, "attribute on a closing tag"};
            }
            std::string attribute;
            while (j < html.size() &&
                   (std::islower(static_cast<unsigned char>(html[j])) != 0 || html[j] == '-')) {
                attribute += html[j++];
            }
            if (attribute.empty()) {
                return HtmlProblem{j, "bad attribute name in <" + name + ">"};
            }
            std::string value;
            if (j < html.size() && html[j] == '=') {
                if (j + 1 >= html.size() || html[j + 1] != '"') {
                    return HtmlProblem{j, "unquoted attribute value in <" + name + ">"};
                }
                const auto end = html.find('"', j + 2);
                if (end == std::string_view::npos) {
                    return HtmlProblem{j, "unterminated attribute value"};
                }
                value = std::string(html.substr(j + 2, end - j - 2));
                if (value.find('<') != std::string::npos) {
                    return HtmlProblem{j, "'<' in an attribute value"};
                }
                for (std::size_t k = 0; k < value.size(); ++k) {
                    if (value[k] == '&') {
                        if (auto problem = check_entity(j + 2 + k)) {
                            return problem;
                        }
                    }
                }
                j = end + 1;
            }
            if (tag.attributes.count(attribute) != 0) {
                return HtmlProblem{j, "duplicate attribute " + attribute};
            }
            tag.attributes[attribute] = value;
        }
        if (j >= html.size()) {
            return HtmlProblem{start, "unterminated tag <" + name};
        }
        i = j + 1;
        if (closing) {
            if (open.empty() || open.back().first != name) {
                return HtmlProblem{start, "</" + name + "> closes " +
                                              (open.empty() ? std::string("nothing")
                                                            : "<" + open.back().first + ">")};
            }
            open.pop_back();
            continue;
        }
        if (const auto id = tag.attributes.find("id"); id != tag.attributes.end()) {
            if (!ids.insert(id->second).second) {
                return HtmlProblem{start, "duplicate id " + id->second};
            }
        }
        if (!is_void_element(name)) {
            open.emplace_back(name, start);
        }
        if (tags != nullptr) {
            tags->push_back(tag);
        }
        // Script and style contents are not HTML: skip to their end tag.
        if (name == "script" || name == "style") {
            const auto end = html.find("</" + name + ">", i);
            if (end == std::string_view::npos) {
                return HtmlProblem{start, "unterminated <" + name + ">"};
            }
            i = end;
        }
    }
    if (!open.empty()) {
        return HtmlProblem{open.back().second, "<" + open.back().first + "> is never closed"};
    }
    return std::nullopt;
}

// Resolves `href` (relative, '/' separated) against the folder of `from`, e.g. ("codes/486.html",
// "../q850/17.html") -> "q850/17.html". Returns nullopt when it climbs above the site root.
inline std::optional<std::string> resolve_link(std::string_view from, std::string_view href) {
    std::vector<std::string> parts;
    const auto slash = from.rfind('/');
    std::string path = slash == std::string_view::npos
                           ? std::string(href)
                           : std::string(from.substr(0, slash + 1)) + std::string(href);
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string::npos) {
            end = path.size();
        }
        const auto part = path.substr(start, end - start);
        if (part == "..") {
            if (parts.empty()) {
                return std::nullopt;
            }
            parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        start = end + 1;
    }
    std::string joined;
    for (const auto& part : parts) {
        if (!joined.empty()) {
            joined += '/';
        }
        joined += part;
    }
    return joined;
}

inline bool is_external(std::string_view url) {
    return url.starts_with("https://") || url.starts_with("http://") ||
           url.starts_with("mailto:") || url.starts_with("//");
}

// Inline content (data: URLs) is neither a file of the site nor an outside resource.
inline bool is_inline(std::string_view url) {
    return url.starts_with("data:");
}

} // namespace sipdx::output::test
