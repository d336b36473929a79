// Q.850 causes, the RFC 3398 mappings and the warn-codes, built as constant tables from
// q850.inc.
#include <sipdx/knowledge/q850.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>

namespace sipdx::knowledge {
namespace detail {
namespace {

constexpr std::optional<int> mapped(int code) {
    return code == 0 ? std::nullopt : std::optional<int>{code};
}

constexpr Q850Cause cause_table[] = {
#define SIPDX_Q850(cause_, name_, class_, meaning_, sip_, alt_, note_)                             \
    Q850Cause{.cause = cause_,                                                                     \
              .name = name_,                                                                       \
              .cause_class = class_,                                                               \
              .meaning = meaning_,                                                                 \
              .sip_code = mapped(sip_),                                                            \
              .mapping_note = note_,                                                               \
              .alt_sip_code = mapped(alt_)},
#define SIPDX_SIP_TO_Q850(sip, cause)
#define SIPDX_WARNING(code, text, reference, meaning)
#include "q850.inc"
#undef SIPDX_Q850
#undef SIPDX_SIP_TO_Q850
#undef SIPDX_WARNING
};

struct SipToQ850 {
    int sip_code;
    int cause;
};

constexpr SipToQ850 sip_to_q850_table[] = {
#define SIPDX_Q850(...)
#define SIPDX_SIP_TO_Q850(sip, cause) SipToQ850{sip, cause},
#define SIPDX_WARNING(code, text, reference, meaning)
#include "q850.inc"
#undef SIPDX_Q850
#undef SIPDX_SIP_TO_Q850
#undef SIPDX_WARNING
};

constexpr WarningCode warning_table[] = {
#define SIPDX_Q850(...)
#define SIPDX_SIP_TO_Q850(sip, cause)
#define SIPDX_WARNING(code_, text_, reference_, meaning_)                                          \
    WarningCode{.code = code_, .text = text_, .meaning = meaning_, .reference = reference_},
#include "q850.inc"
#undef SIPDX_Q850
#undef SIPDX_SIP_TO_Q850
#undef SIPDX_WARNING
};

template <typename T, std::size_t N, typename Key>
constexpr bool ascending(const T (&table)[N], Key key) {
    for (std::size_t i = 1; i < N; ++i) {
        if (key(table[i - 1]) >= key(table[i])) return false;
    }
    return true;
}
static_assert(ascending(cause_table, [](const Q850Cause& c) { return c.cause; }));
static_assert(ascending(sip_to_q850_table, [](const SipToQ850& m) { return m.sip_code; }));
static_assert(ascending(warning_table, [](const WarningCode& w) { return w.code; }));

// Every (sip_code, cause) pair of the ISUP-to-SIP direction, sorted by SIP code then cause, so
// that the causes mapping to one SIP code form a contiguous run for a span.
constexpr std::size_t mapping_count = [] {
    std::size_t n = 0;
    for (const auto& c : cause_table)
        n += (c.sip_code ? 1 : 0) + (c.alt_sip_code ? 1 : 0);
    return n;
}();

struct ReverseIndex {
    std::array<int, mapping_count> sip_codes{};
    std::array<int, mapping_count> causes{};
};

constexpr ReverseIndex build_reverse_index() {
    std::array<std::pair<int, int>, mapping_count> pairs{};
    std::size_t n = 0;
    for (const auto& c : cause_table) {
        if (c.sip_code) pairs[n++] = {*c.sip_code, c.cause};
        if (c.alt_sip_code) pairs[n++] = {*c.alt_sip_code, c.cause};
    }
    std::sort(pairs.begin(), pairs.end());
    ReverseIndex index;
    for (std::size_t i = 0; i < n; ++i) {
        index.sip_codes[i] = pairs[i].first;
        index.causes[i] = pairs[i].second;
    }
    return index;
}

constexpr ReverseIndex reverse_index = build_reverse_index();

} // namespace
} // namespace detail

std::span<const Q850Cause> q850_causes() {
    return detail::cause_table;
}

const Q850Cause* find_q850(int cause) {
    const auto& table = detail::cause_table;
    const auto* it = std::lower_bound(std::begin(table), std::end(table), cause,
                                      [](const Q850Cause& c, int v) { return c.cause < v; });
    if (it == std::end(table) || it->cause != cause) return nullptr;
    return it;
}

std::string_view q850_class_of(int cause) {
    // Q.850 section 2.2.5: the upper three bits of the 7-bit cause value give the class.
    if (cause < 0 || cause > 127) return {};
    switch (cause >> 4) {
    case 0:
    case 1:
        return "normal event";
    case 2:
        return "resource unavailable";
    case 3:
        return "service or option not available";
    case 4:
        return "service or option not implemented";
    case 5:
        return "invalid message";
    case 6:
        return "protocol error";
    default:
        return "interworking";
    }
}

std::optional<int> q850_for_sip(int sip_code) {
    for (const auto& m : detail::sip_to_q850_table) {
        if (m.sip_code == sip_code) return m.cause;
    }
    return std::nullopt;
}

std::span<const int> q850_causes_mapping_to(int sip_code) {
    const auto& codes = detail::reverse_index.sip_codes;
    const auto range = std::equal_range(codes.begin(), codes.end(), sip_code);
    const auto first = static_cast<std::size_t>(range.first - codes.begin());
    const auto count = static_cast<std::size_t>(range.second - range.first);
    return std::span<const int>(detail::reverse_index.causes).subspan(first, count);
}

std::span<const WarningCode> warning_codes() {
    return detail::warning_table;
}

const WarningCode* find_warning(int code) {
    for (const auto& w : detail::warning_table) {
        if (w.code == code) return &w;
    }
    return nullptr;
}

} // namespace sipdx::knowledge
