// The pieces the pages of the reference site share: the page frame, the navigation, links,
// command boxes and pagers, and the page renderers site.cpp puts together. Everything that
// comes from data is escaped with text::append_html() on the way in.
#pragma once

#include <sipdx/knowledge/causes.h>
#include <sipdx/knowledge/q850.h>
#include <sipdx/knowledge/response_codes.h>
#include <sipdx/output/site.h>
#include <sipdx/text/escape.h>

#include <fmt/format.h>

#include <array>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sipdx::output::detail {

namespace k = sipdx::knowledge;

// Which part of the site a page belongs to, for the navigation bar.
enum class Section { responses, q850, warnings, causes };

struct PageMeta {
    std::string title;       // plain text; escaped when written
    std::string description; // plain text; escaped when written
    std::string_view root;   // "" for pages at the top, "../" for pages one folder down
    Section section = Section::responses;
    bool section_home = false; // the page is the section's index (aria-current="page")
};

// Codes whose responses carry Warning header 3xx codes by design: RFC 3261 section 21.4.26 (488)
// and 21.6.4 (606) say the response should say in a Warning header why the offer failed.
inline constexpr std::array<int, 2> warning_bearing_codes{488, 606};

// RFC 3261 section 20.43 gives 300-379 to session-description problems (keywords, network
// services, QoS) and 390-399 to miscellaneous warnings; 380 and 381 (RFC 5630) are about SIPS.
inline bool is_session_warning(int warn_code) {
    return warn_code < 380;
}
inline bool fits_offer_rejection(int warn_code) {
    return is_session_warning(warn_code) || warn_code >= 390;
}

inline void add(std::string& out, std::string_view raw) {
    out += raw;
}
inline void add_text(std::string& out, std::string_view text) {
    text::append_html(out, text);
}

template <typename... Args>
void addf(std::string& out, fmt::format_string<Args...> format, Args&&... args) {
    fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
}

std::string class_label(int number); // "4xx"
std::string class_name(int number);  // "Client Failure", or "" for no class
std::string category_class(k::Category category);
void add_badge(std::string& out, k::Category category);

void open_page(std::string& out, const PageMeta& meta);
void close_page(std::string& out, const SiteOptions& options);

// A breadcrumb trail; the last crumb is the current page and has no link.
struct Crumb {
    std::string href; // relative to the page; empty for the current page
    std::string label;
};
void add_breadcrumb(std::string& out, const std::vector<Crumb>& crumbs);

// "486 Busy Here" as a link, with the code set apart for the eye.
void add_code_link(std::string& out, const k::ResponseCode& code, std::string_view href_prefix);
// A Q.850 cause as a link, or "cause N" for a cause the knowledge base does not know.
void add_cause_link(std::string& out, int cause, std::string_view href_prefix);
void add_command(std::string& out, std::string_view what, const std::string& command);
void add_references(std::string& out, std::span<const std::string_view> references);

// The "On this page" list of a code page, filled as its sections are written.
struct TocEntry {
    std::string id;
    std::string title;
};
using Toc = std::vector<TocEntry>;
void open_block(std::string& out, Toc& toc, std::string_view id, std::string_view title);
void add_toc(std::string& out, const Toc& toc);

void add_fact(std::string& out, std::string_view term, const std::string& html_value);
void add_pager(std::string& out, std::string_view label, const std::string& prev_html,
               const std::string& next_html);
std::string pager_link(std::string_view rel, std::string_view href, std::string_view num,
                       std::string_view name);

// The pages; `prev` and `next` are the neighbours in the section's order, null at its ends.
std::string render_index(const SiteOptions& options);
std::string render_code_page(const k::ResponseCode& code, const k::ResponseCode* prev,
                             const k::ResponseCode* next, const SiteOptions& options);
std::string render_q850_index(const SiteOptions& options);
std::string render_q850_page(const k::Q850Cause& cause, const k::Q850Cause* prev,
                             const k::Q850Cause* next, const SiteOptions& options);
std::string render_warning_index(const SiteOptions& options);
std::string render_causes_index(const SiteOptions& options);
std::string render_cause_table_page(const k::CauseTableInfo& table, const SiteOptions& options);
std::string render_warning_page(const k::WarningCode& warning, const k::WarningCode* prev,
                                const k::WarningCode* next, const SiteOptions& options);

} // namespace sipdx::output::detail
