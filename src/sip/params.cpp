// Parameter lists and comma-separated list splitting.
#include <sipdx/sip/params.h>

#include "sip/detail/text.h"

namespace sipdx::sip {
using namespace detail;

std::string_view trim_lws(std::string_view text) {
    return trim(text);
}

std::string_view unquote(std::string_view text) {
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
        return text.substr(1, text.size() - 2);
    return text;
}

void ParamList::Iterator::advance() {
    std::string_view s = skip_lws(m_rest);
    if (s.empty()) {
        m_done = true;
        m_rest = {};
        return;
    }
    // A leading ';' is optional, so a value that is only parameters (P-Charging-Vector) can be
    // iterated directly; every step consumes at least one character.
    bool separated = s.front() == ';';
    if (separated) s = skip_lws(s.substr(1));
    std::size_t i = 0;
    while (i < s.size() && !has_class(s[i], param_name_end))
        ++i;
    Param p;
    p.name = s.substr(0, i);
    p.missing_separator = !separated && !m_first;
    m_first = false;
    std::string_view rest = skip_lws(s.substr(i));
    if (!rest.empty() && rest.front() == '=') {
        p.has_value = true;
        rest = skip_lws(rest.substr(1));
        std::size_t end = 0;
        if (!rest.empty() && rest.front() == '"') {
            end = end_of_quoted(rest, 0);
            if (end == std::string_view::npos) end = rest.size();
        } else {
            while (end < rest.size() && !has_class(rest[end], param_value_end))
                ++end;
        }
        p.value = rest.substr(0, end);
        rest = rest.substr(end);
    }
    m_current = p;
    m_rest = rest;
    m_done = false;
}

std::optional<Param> ParamList::find(std::string_view name) const {
    for (const Param& p : *this)
        if (iequals(p.name, name)) return p;
    return std::nullopt;
}

std::optional<std::string_view> ParamList::value(std::string_view name) const {
    auto p = find(name);
    if (!p) return std::nullopt;
    return unquote(p->value);
}

std::optional<std::string_view> ListSplitter::next() {
    if (m_done) return std::nullopt;
    int angle = 0;
    int paren = 0;
    std::size_t i = 0;
    const std::string_view s = m_rest;
    while (i < s.size()) {
        while (i < s.size() && !has_class(s[i], list_special))
            ++i;
        if (i == s.size()) break;
        char c = s[i];
        if (c == '"') {
            std::size_t e = end_of_quoted(s, i);
            i = (e == std::string_view::npos) ? s.size() : e;
            continue;
        }
        if (c == '<') {
            ++angle;
        } else if (c == '>' && angle > 0) {
            --angle;
        } else if (c == '(') {
            ++paren;
        } else if (c == ')' && paren > 0) {
            --paren;
        } else if (c == ',' && angle == 0 && paren == 0) {
            m_rest = s.substr(i + 1);
            return trim(s.substr(0, i));
        }
        ++i;
    }
    m_done = true;
    return trim(s);
}

} // namespace sipdx::sip
