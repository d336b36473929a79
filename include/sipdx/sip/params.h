// Generic parameter lists: ";name=value;name" after a URI or a header value (RFC 3261
// sections 19.1.1 and 25.1, generic-param). Views only, nothing is copied or unescaped.
#pragma once

#include <sipdx/text/text.h>

#include <optional>
#include <string_view>

namespace sipdx::sip {

struct Param {
    std::string_view name;  // as written (compare case-insensitively)
    std::string_view value; // as written, quotes kept; empty when the parameter has no '='
    bool has_value = false;
    bool missing_separator = false; // not the first parameter, yet no ';' before it ("a=1 b=2")
};

// Iterates over the parameters in `text`, which starts at the first ';' (or is empty; the
// leading ';' may also be absent, for values that are only parameters).
// Whitespace (including folded CRLF) around names, '=' and values is skipped. Quoted values may
// contain ';'. Empty elements (";;") are yielded as a parameter with an empty name.
class ParamList {
public:
    ParamList() = default;
    explicit ParamList(std::string_view text) : m_text(text) {}

    std::string_view text() const { return m_text; }
    bool empty() const { return m_text.empty(); }

    // The first parameter named `name` (case-insensitive), if any.
    std::optional<Param> find(std::string_view name) const;
    bool has(std::string_view name) const { return find(name).has_value(); }
    // The value of `name` without surrounding quotes; nullopt when absent.
    std::optional<std::string_view> value(std::string_view name) const;

    class Iterator {
    public:
        using value_type = Param;
        Iterator() = default;
        Iterator(std::string_view rest) : m_rest(rest) { advance(); }
        const Param& operator*() const { return m_current; }
        const Param* operator->() const { return &m_current; }
        Iterator& operator++() {
            advance();
            return *this;
        }
        bool operator==(const Iterator& other) const {
            return m_done == other.m_done &&
                   (m_done || m_current.name.data() == other.m_current.name.data());
        }

    private:
        void advance();
        std::string_view m_rest;
        Param m_current;
        bool m_done = true;
        bool m_first = true;
    };
    Iterator begin() const { return Iterator(m_text); }
    Iterator end() const { return Iterator(); }

private:
    std::string_view m_text;
};

// Removes surrounding double quotes (no unescaping: the view stays in the message).
std::string_view unquote(std::string_view text);
// Trims SP, HTAB, CR and LF (LWS, including folds) from both ends.
std::string_view trim_lws(std::string_view text);
// ASCII case-insensitive equality (the text module's, named here for the parser's callers).
using text::iequals;

// Splits a header value at top-level commas: commas inside quoted strings, <...> and
// parentheses (comments) do not split. Yields each element trimmed; empty elements are yielded
// as empty views so callers can report them.
class ListSplitter {
public:
    explicit ListSplitter(std::string_view value) : m_rest(value), m_done(false) {}
    // Next element, or nullopt at the end.
    std::optional<std::string_view> next();

private:
    std::string_view m_rest;
    bool m_done;
};

} // namespace sipdx::sip
