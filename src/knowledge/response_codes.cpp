// Builds the constexpr response-code tables from response_codes.inc and taxonomy.inc. Nothing
// here runs at static-initialisation time: every table is a constant expression.
#include <sipdx/knowledge/response_codes.h>

#include <algorithm>
#include <array>
#include <cstddef>

namespace sipdx::knowledge {
namespace detail {
namespace {

#define SIPDX_UNPAREN(...) __VA_ARGS__

// Pass 1: the variable-length lists of each entry, as named arrays the table can point into.
#define SIPDX_CODE(code, reason, category, refs, meaning, ims, retry, checks, related)             \
    constexpr std::string_view refs_##code[] = {SIPDX_UNPAREN refs};                               \
    constexpr std::string_view checks_##code[] = {SIPDX_UNPAREN checks};                           \
    constexpr int related_##code[] = {SIPDX_UNPAREN related};
#define SIPDX_SEEN_PHRASES(code, phrases)                                                          \
    constexpr std::string_view seen_##code[] = {SIPDX_UNPAREN phrases};
#define SIPDX_DEPRECATED(code)
#include "response_codes.inc"
#undef SIPDX_CODE
#undef SIPDX_SEEN_PHRASES
#undef SIPDX_DEPRECATED

// Pass 2: count the entries.
#define SIPDX_CODE(code, ...) +1
#define SIPDX_SEEN_PHRASES(code, phrases)
#define SIPDX_DEPRECATED(code)
constexpr std::size_t code_count = 0
#include "response_codes.inc"
    ;
#undef SIPDX_CODE

// Pass 3: the table itself, then the per-code annotations applied to it.
constexpr std::array<ResponseCode, code_count> build_table() {
    std::array<ResponseCode, code_count> table{{
#define SIPDX_CODE(code_, reason_, category_, refs, meaning_, ims, retry_, checks, rel)            \
    ResponseCode{.code = code_,                                                                    \
                 .reason = reason_,                                                                \
                 .category = Category::category_,                                                  \
                 .registered = true,                                                               \
                 .references = refs_##code_,                                                       \
                 .meaning = meaning_,                                                              \
                 .ims_context = ims,                                                               \
                 .retry = retry_,                                                                  \
                 .next_checks = checks_##code_,                                                    \
                 .related = related_##code_,                                                       \
                 .seen_phrases = {},                                                               \
                 .deprecated = false,                                                              \
                 .treated_as = code_},
#include "response_codes.inc"
#undef SIPDX_CODE
    }};
    auto entry = [&table](int code) -> ResponseCode& {
        for (auto& e : table) {
            if (e.code == code) return e;
        }
        throw "annotation for a code that is not in the table"; // fails constant evaluation
    };
#undef SIPDX_SEEN_PHRASES
#undef SIPDX_DEPRECATED
#define SIPDX_CODE(...)
#define SIPDX_SEEN_PHRASES(code, phrases) entry(code).seen_phrases = seen_##code;
#define SIPDX_DEPRECATED(code) entry(code).deprecated = true;
#include "response_codes.inc"
#undef SIPDX_CODE
#undef SIPDX_SEEN_PHRASES
#undef SIPDX_DEPRECATED
    return table;
}

constexpr auto code_table = build_table();

constexpr bool table_is_valid() {
    for (std::size_t i = 0; i < code_table.size(); ++i) {
        const auto& e = code_table[i];
        if (e.code < 100 || e.code > 699) return false;
        if (i > 0 && code_table[i - 1].code >= e.code) return false; // ascending, unique
        if (e.reason.empty() || e.meaning.empty() || e.ims_context.empty() || e.retry.empty())
            return false;
        if (e.references.empty() || e.related.empty()) return false;
        if (e.next_checks.size() < 2 || e.next_checks.size() > 5) return false;
    }
    return true;
}
static_assert(table_is_valid(), "response_codes.inc: codes must ascend, every field filled, "
                                "2-5 next checks, at least one reference and related code");

constexpr StatusClass class_table[] = {
#define SIPDX_CLASS(number_, name_, fast_) StatusClass{number_, name_, fast_},
#define SIPDX_CATEGORY(...)
#include "taxonomy.inc"
#undef SIPDX_CLASS
#undef SIPDX_CATEGORY
};
static_assert(std::size(class_table) == 6);

struct CategoryInfo {
    Category category;
    std::string_view id;
    std::string_view label;
    std::string_view description;
};

constexpr CategoryInfo category_table[] = {
#define SIPDX_CLASS(...)
#define SIPDX_CATEGORY(enumerator, id_, label_, description_)                                      \
    CategoryInfo{Category::enumerator, id_, label_, description_},
#include "taxonomy.inc"
#undef SIPDX_CLASS
#undef SIPDX_CATEGORY
};
static_assert(std::size(category_table) == category_count);

constexpr bool categories_in_enum_order() {
    for (std::size_t i = 0; i < std::size(category_table); ++i) {
        if (static_cast<std::size_t>(category_table[i].category) != i) return false;
    }
    return true;
}
static_assert(categories_in_enum_order(), "taxonomy.inc must list categories in enum order");

constexpr std::array<Category, category_count> category_list = [] {
    std::array<Category, category_count> out{};
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = category_table[i].category;
    return out;
}();

const CategoryInfo& info(Category category) {
    const auto index = static_cast<std::size_t>(category);
    // An out-of-range enum value (only possible by casting) reads as the first category.
    return category_table[index < std::size(category_table) ? index : 0];
}

} // namespace
} // namespace detail

std::string_view category_id(Category category) {
    return detail::info(category).id;
}
std::string_view category_label(Category category) {
    return detail::info(category).label;
}
std::string_view category_description(Category category) {
    return detail::info(category).description;
}

std::optional<Category> parse_category(std::string_view id) {
    for (const auto& c : detail::category_table) {
        if (c.id == id) return c.category;
    }
    return std::nullopt;
}

std::span<const Category> all_categories() {
    return detail::category_list;
}

std::optional<StatusClass> status_class(int number) {
    if (number < 1 || number > 6) return std::nullopt;
    return detail::class_table[number - 1];
}

std::span<const StatusClass> status_classes() {
    return detail::class_table;
}

std::span<const ResponseCode> registered_codes() {
    return detail::code_table;
}

const ResponseCode* find_registered(int code) {
    const auto& table = detail::code_table;
    const auto* it = std::lower_bound(table.begin(), table.end(), code,
                                      [](const ResponseCode& e, int c) { return e.code < c; });
    if (it == table.end() || it->code != code) return nullptr;
    return &*it;
}

std::optional<ResponseCode> explain_code(int code) {
    if (code < 100 || code > 699) return std::nullopt;
    if (const auto* e = find_registered(code)) return *e;
    const auto* base = find_registered(code / 100 * 100);
    if (base == nullptr) return std::nullopt; // every x00 is registered; kept for safety
    ResponseCode out = *base;
    out.code = code;
    out.reason = {};
    out.registered = false;
    out.seen_phrases = {};
    out.deprecated = false;
    out.treated_as = base->code;
    return out;
}

} // namespace sipdx::knowledge
