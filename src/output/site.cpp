// Renders the response reference site from the knowledge base. Pages are built as strings with
// every piece of data escaped on the way in; the layout and the wording around the data live
// here, the look in site_assets.cpp.
#include <sipdx/knowledge/q850.h>
#include <sipdx/knowledge/response_codes.h>
#include <sipdx/output/site.h>
#include <sipdx/text/escape.h>
#include <sipdx/text/text.h>

#include "output/detail/site_assets.h"
#include "output/detail/site_html.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <string_view>
#include <system_error>
#include <vector>

namespace sipdx::output {

std::string site_code_path(int code) {
    return fmt::format("codes/{}.html", code);
}
std::string site_q850_path(int cause) {
    return fmt::format("q850/{}.html", cause);
}
std::string site_warning_path(int code) {
    return fmt::format("warning/{}.html", code);
}

namespace {

namespace k = sipdx::knowledge;

// Which part of the site a page belongs to, for the navigation bar.
enum class Section { responses, q850, warnings };

struct PageMeta {
    std::string title;       // plain text; escaped when written
    std::string description; // plain text; escaped when written
    std::string_view root;   // "" for pages at the top, "../" for pages one folder down
    Section section = Section::responses;
    bool section_home = false; // the page is the section's index (aria-current="page")
};

// Codes whose responses carry Warning header 3xx codes by design: RFC 3261 section 21.4.26 (488)
// and 21.6.4 (606) say the response should say in a Warning header why the offer failed.
constexpr std::array<int, 2> warning_bearing_codes{488, 606};

// RFC 3261 section 20.43 gives 300-379 to session-description problems (keywords, network
// services, QoS) and 390-399 to miscellaneous warnings; 380 and 381 (RFC 5630) are about SIPS.
bool is_session_warning(int warn_code) {
    return warn_code < 380;
}
bool fits_offer_rejection(int warn_code) {
    return is_session_warning(warn_code) || warn_code >= 390;
}

void add(std::string& out, std::string_view raw) {
    out += raw;
}
void add_text(std::string& out, std::string_view text) {
    text::append_html(out, text);
}

template <typename... Args>
void addf(std::string& out, fmt::format_string<Args...> format, Args&&... args) {
    fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
}

std::string class_label(int number) {
    return fmt::format("{}xx", number);
}

std::string class_name(int number) {
    const auto status = k::status_class(number);
    return status ? std::string(status->name) : std::string();
}

std::string category_class(k::Category category) {
    return fmt::format("cat-{}", k::category_id(category));
}

void add_badge(std::string& out, k::Category category) {
    addf(out, "<span class=\"badge {}\">", category_class(category));
    add_text(out, k::category_label(category));
    add(out, "</span>");
}

void add_nav_item(std::string& out, const PageMeta& meta, Section section, std::string_view href,
                  std::string_view label) {
    add(out, "<li><a href=\"");
    add_text(out, meta.root);
    add(out, href);
    add(out, "\"");
    if (meta.section == section) {
        add(out, meta.section_home ? " aria-current=\"page\"" : " class=\"is-active\"");
    }
    add(out, ">");
    add_text(out, label);
    add(out, "</a></li>");
}

void open_page(std::string& out, const PageMeta& meta) {
    add(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    add(out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    add(out, "<meta name=\"color-scheme\" content=\"light dark\">\n<title>");
    add_text(out, meta.title);
    add(out, "</title>\n<meta name=\"description\" content=\"");
    add_text(out, meta.description);
    add(out, "\">\n");
    // An inline icon, so that browsers do not ask a web server for /favicon.ico.
    add(out, "<link rel=\"icon\" href=\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/"
             "svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='7' fill='%231a5bc4'/"
             "%3E%3Ctext x='16' y='20.5' font-family='monospace' font-size='11' font-weight='700' "
             "fill='white' text-anchor='middle'%3ESIP%3C/text%3E%3C/svg%3E\">\n");
    add(out, "<link rel=\"stylesheet\" href=\"");
    add_text(out, meta.root);
    add(out, "assets/site.css\">\n<script src=\"");
    add_text(out, meta.root);
    add(out, "assets/site.js\" defer></script>\n</head>\n<body>\n");
    add(out, "<a class=\"skip-link\" href=\"#main\">Skip to content</a>\n");
    add(out, "<header class=\"site-header\">\n<div class=\"wrap header-inner\">\n");
    add(out, "<a class=\"brand\" href=\"");
    add_text(out, meta.root);
    add(out, "index.html\"><span class=\"brand-mark\" aria-hidden=\"true\">SIP</span>"
             "<span class=\"brand-text\"><span class=\"brand-name\">sipdx</span> "
             "<span class=\"brand-sub\">response reference</span></span></a>\n");
    add(out, "<nav class=\"site-nav\" aria-label=\"Reference sections\"><ul>");
    add_nav_item(out, meta, Section::responses, "index.html", "Responses");
    add_nav_item(out, meta, Section::q850, "q850/index.html", "Q.850 causes");
    add_nav_item(out, meta, Section::warnings, "warning/index.html", "Warning codes");
    add(out, "</ul></nav>\n</div>\n</header>\n");
}

void close_page(std::string& out, const SiteOptions& options) {
    add(out, "<footer class=\"site-footer\">\n<div class=\"wrap\">\n<p>Generated by sipdx");
    if (!options.generator_version.empty()) {
        add(out, " ");
        add_text(out, options.generator_version);
    }
    add(out, " from its built-in knowledge base, the same data <code>sipdx explain</code> "
             "prints. Reason phrases are the registered ones (IANA SIP Response Codes "
             "registry); meanings and advice are written for sipdx.</p>\n"
             "</div>\n</footer>\n</body>\n</html>\n");
}

// A breadcrumb trail; the last crumb is the current page and has no link.
struct Crumb {
    std::string href; // relative to the page; empty for the current page
    std::string label;
};

void add_breadcrumb(std::string& out, const std::vector<Crumb>& crumbs) {
    add(out, "<nav class=\"breadcrumb\" aria-label=\"Breadcrumb\"><ol>");
    for (const auto& crumb : crumbs) {
        if (crumb.href.empty()) {
            add(out, "<li aria-current=\"page\">");
            add_text(out, crumb.label);
            add(out, "</li>");
        } else {
            add(out, "<li><a href=\"");
            add_text(out, crumb.href);
            add(out, "\">");
            add_text(out, crumb.label);
            add(out, "</a></li>");
        }
    }
    add(out, "</ol></nav>\n");
}

// "486 Busy Here" as a link, with the code set apart for the eye.
void add_code_link(std::string& out, const k::ResponseCode& code, std::string_view href_prefix) {
    add(out, "<a class=\"code-ref\" href=\"");
    add_text(out, href_prefix);
    addf(out, "{}.html\"><span class=\"num\">{}</span> ", code.code, code.code);
    add_text(out, code.reason);
    add(out, "</a>");
}

void add_cause_link(std::string& out, int cause, std::string_view href_prefix) {
    const auto* entry = k::find_q850(cause);
    if (entry == nullptr) {
        addf(out, "cause {}", cause);
        return;
    }
    add(out, "<a class=\"code-ref\" href=\"");
    add_text(out, href_prefix);
    addf(out, "{}.html\"><span class=\"num\">{}</span> ", cause, cause);
    add_text(out, entry->name);
    add(out, "</a>");
}

void add_command(std::string& out, std::string_view what, const std::string& command) {
    add(out, "<li class=\"command\"><p class=\"command-what\">");
    add_text(out, what);
    add(out, "</p><pre><code>");
    add_text(out, command);
    add(out, "</code></pre></li>\n");
}

void add_references(std::string& out, std::span<const std::string_view> references) {
    add(out, "<ul class=\"reference-list\">");
    for (const auto reference : references) {
        const auto url = detail::reference_url(reference);
        add(out, "<li>");
        if (url.empty()) {
            add_text(out, reference);
        } else {
            add(out, "<a class=\"external\" href=\"");
            add_text(out, url);
            add(out, "\">");
            add_text(out, reference);
            add(out, "</a>");
        }
        add(out, "</li>");
    }
    add(out, "</ul>\n");
}

// The "On this page" list of a code page, filled as its sections are written.
struct TocEntry {
    std::string id;
    std::string title;
};
using Toc = std::vector<TocEntry>;

void open_block(std::string& out, Toc& toc, std::string_view id, std::string_view title) {
    addf(out, "<section class=\"block\" aria-labelledby=\"{0}\">\n<h2 id=\"{0}\">", id);
    add_text(out, title);
    add(out, "</h2>\n");
    toc.push_back({std::string(id), std::string(title)});
}

void add_toc(std::string& out, const Toc& toc) {
    add(out, "<nav class=\"toc\" aria-label=\"On this page\">\n<h2 class=\"sidebar-title\">On "
             "this page</h2>\n<ol>\n");
    for (const auto& entry : toc) {
        addf(out, "<li><a href=\"#{}\">", entry.id);
        add_text(out, entry.title);
        add(out, "</a></li>\n");
    }
    add(out, "</ol>\n</nav>\n");
}

// Related codes in both directions: the ones this code names and the ones that name it, so
// that 486 -> 600 also gives 600 -> 486 even when the data lists only one side.
std::vector<int> related_codes(const k::ResponseCode& code) {
    std::set<int> related(code.related.begin(), code.related.end());
    for (const auto& other : k::registered_codes()) {
        if (std::find(other.related.begin(), other.related.end(), code.code) !=
            other.related.end()) {
            related.insert(other.code);
        }
    }
    related.erase(code.code);
    return {related.begin(), related.end()};
}

// The SIP codes whose SIP-to-ISUP mapping (RFC 3398 section 8.2.6.2) yields `cause`.
std::vector<int> codes_sending_cause(int cause) {
    std::vector<int> codes;
    for (const auto& code : k::registered_codes()) {
        if (k::q850_for_sip(code.code) == cause) {
            codes.push_back(code.code);
        }
    }
    return codes;
}

bool carries_warnings(int code) {
    return std::find(warning_bearing_codes.begin(), warning_bearing_codes.end(), code) !=
           warning_bearing_codes.end();
}

// --- index.html -----------------------------------------------------------------------------

void add_code_item(std::string& out, const k::ResponseCode& code) {
    const auto summary = detail::first_sentence(code.meaning);
    // What the filter searches besides the number: the words a reader sees on the entry.
    std::string search;
    search += code.reason;
    search += ' ';
    search += k::category_label(code.category);
    search += ' ';
    search += k::category_id(code.category);
    search += ' ';
    search += summary;
    for (const auto phrase : code.seen_phrases) {
        search += ' ';
        search += phrase;
    }
    addf(out, "<li class=\"code-item {}\" data-code=\"{}\" data-search=\"",
         category_class(code.category), code.code);
    add_text(out, text::lower(search));
    addf(out,
         "\">\n<a class=\"code-link\" href=\"codes/{}.html\"><span class=\"num\">{}</span> "
         "<span class=\"reason\">",
         code.code, code.code);
    add_text(out, code.reason);
    add(out, "</span>");
    if (code.deprecated) {
        add(out, " <span class=\"flag\">Deprecated</span>");
    }
    add(out, "</a>\n");
    add_badge(out, code.category);
    add(out, "\n<p class=\"summary\">");
    add_text(out, summary);
    add(out, "</p>\n</li>\n");
}

std::string render_index(const SiteOptions& options) {
    const auto codes = k::registered_codes();
    std::string out;
    out.reserve(64 * 1024);
    open_page(out, {"SIP and IMS response codes · sipdx reference",
                    "Every registered SIP response code, grouped by class then code, with what "
                    "it means in IMS and what to check next.",
                    "", Section::responses, true});

    add(out, "<main id=\"main\" class=\"wrap\" tabindex=\"-1\">\n<div class=\"hero\">\n"
             "<h1>SIP and IMS response codes</h1>\n<p class=\"lede\">Read a response the way "
             "it is read in IMS traces: the first digit gives the fast answer; the exact code "
             "then tells you whether the trouble is policy, authentication, a capability "
             "mismatch, temporary reachability, server trouble or a final global stop.</p>\n");
    addf(out,
         "<p class=\"stats\"><span><strong>{}</strong> registered codes</span> "
         "<span><strong>6</strong> classes</span> <span><a href=\"q850/index.html\"><strong>{}"
         "</strong> Q.850 causes</a></span> <span><a href=\"warning/index.html\"><strong>{}"
         "</strong> Warning codes</a></span></p>\n</div>\n",
         codes.size(), k::q850_causes().size(), k::warning_codes().size());

    add(out, "<div class=\"index-layout\">\n<aside class=\"sidebar\" aria-label=\"Find a "
             "code\">\n");
    // Hidden until the script runs, so that a reader without JavaScript never sees a dead box.
    add(out, "<div class=\"filter\" role=\"search\" data-filter hidden>\n"
             "<label for=\"filter-input\">Filter the codes</label>\n"
             "<input id=\"filter-input\" type=\"search\" autocomplete=\"off\" "
             "spellcheck=\"false\" placeholder=\"48, busy, auth\" "
             "aria-describedby=\"filter-hint\" aria-controls=\"code-sections\">\n"
             "<p id=\"filter-hint\" class=\"hint\">A code or its first digits, a word, or a "
             "category.<span class=\"keys-hint\"> Press <kbd>/</kbd> to come back here, "
             "<kbd>Esc</kbd> to clear.</span></p>\n"
             "<p id=\"filter-status\" class=\"filter-status\" role=\"status\" "
             "aria-live=\"polite\"></p>\n</div>\n");

    add(out, "<nav class=\"class-nav\" aria-label=\"Response classes\">\n<h2 "
             "class=\"sidebar-title\">Classes</h2>\n<ul>\n");
    for (int number = 1; number <= 6; ++number) {
        const auto count = std::count_if(codes.begin(), codes.end(), [number](const auto& c) {
            return c.status_class() == number;
        });
        addf(out,
             "<li><a href=\"#class-{0}\" data-class-link=\"{0}\"><span class=\"class-chip "
             "class-{0}\">{1}</span> <span class=\"class-name\">",
             number, class_label(number));
        add_text(out, class_name(number));
        addf(out,
             "</span> <span class=\"count\"><span data-count>{}</span><span "
             "class=\"visually-hidden\"> codes</span></span></a></li>\n",
             count);
    }
    add(out, "</ul>\n</nav>\n");

    add(out, "<details class=\"legend\" open data-legend>\n<summary><h2 class=\"sidebar-title\">"
             "Categories</h2></summary>\n<ul class=\"legend-list\">\n");
    for (int i = 0; i < k::category_count; ++i) {
        const auto category = static_cast<k::Category>(i);
        add(out, "<li>");
        add_badge(out, category);
        add(out, " <span class=\"legend-description\">");
        add_text(out, k::category_description(category));
        add(out, "</span></li>\n");
    }
    add(out, "</ul>\n</details>\n</aside>\n");

    add(out, "<div class=\"code-sections\" id=\"code-sections\">\n");
    add(out, "<p class=\"no-results\" id=\"no-results\" hidden>No code matches this filter. "
             "Try a code such as <kbd>486</kbd>, a word such as <kbd>busy</kbd>, or clear the "
             "box.</p>\n");
    for (int number = 1; number <= 6; ++number) {
        const auto status = k::status_class(number);
        addf(out,
             "<section class=\"class-section\" id=\"class-{0}\" data-class=\"{0}\" "
             "aria-labelledby=\"class-{0}-title\">\n<header class=\"class-head\">\n"
             "<h2 id=\"class-{0}-title\"><span class=\"class-chip class-{0}\">{1}</span> ",
             number, class_label(number));
        add_text(out, status ? status->name : std::string_view());
        add(out, "</h2>\n<p class=\"fast-answer\">");
        add_text(out, status ? status->fast_answer : std::string_view());
        add(out, "</p>\n</header>\n<ul class=\"code-list\">\n");
        for (const auto& code : codes) {
            if (code.status_class() == number) {
                add_code_item(out, code);
            }
        }
        add(out, "</ul>\n</section>\n");
    }
    add(out, "</div>\n</div>\n</main>\n");
    close_page(out, options);
    return out;
}

// --- codes/<code>.html ----------------------------------------------------------------------

void add_fact(std::string& out, std::string_view term, const std::string& html_value) {
    add(out, "<div class=\"fact\"><dt>");
    add_text(out, term);
    add(out, "</dt><dd>");
    add(out, html_value);
    add(out, "</dd></div>\n");
}

void add_pager(std::string& out, std::string_view label, const std::string& prev_html,
               const std::string& next_html) {
    add(out, "<nav class=\"pager\" aria-label=\"");
    add_text(out, label);
    add(out, "\">\n");
    if (!prev_html.empty()) {
        add(out, prev_html);
    }
    if (!next_html.empty()) {
        add(out, next_html);
    }
    add(out, "</nav>\n");
}

std::string pager_link(std::string_view rel, std::string_view href, std::string_view num,
                       std::string_view name) {
    std::string out;
    addf(out, "<a class=\"pager-{0}\" rel=\"{0}\" href=\"", rel);
    add_text(out, href);
    add(out, "\"><span class=\"pager-dir\">");
    add(out, rel == "prev" ? "Previous" : "Next");
    add(out, "</span> <span class=\"pager-title\"><span class=\"num\">");
    add_text(out, num);
    add(out, "</span> ");
    add_text(out, name);
    add(out, "</span></a>\n");
    return out;
}

void add_q850_section(std::string& out, Toc& toc, const k::ResponseCode& code) {
    const auto incoming = k::q850_causes_mapping_to(code.code);
    const auto outgoing = k::q850_for_sip(code.code);
    open_block(out, toc, "q850", "Q.850 causes");
    if (incoming.empty() && !outgoing) {
        addf(out,
             "<p>No Q.850 cause maps to or from {} in the RFC 3398 interworking tables. A "
             "<code>Reason: Q.850;cause=…</code> header on this response still tells you what "
             "the circuit-switched side reported: see <a href=\"../q850/index.html\">all Q.850 "
             "causes</a>.</p>\n",
             code.code);
        add(out, "</section>\n");
        return;
    }
    add(out, "<dl class=\"mapping\">\n");
    if (!incoming.empty()) {
        addf(out,
             "<div><dt>From ISUP to SIP <span class=\"muted\">(RFC 3398 §8.2.6.1)</span></dt>"
             "<dd><p>A gateway (MGCF) answers with {} when the circuit-switched side clears "
             "the call with:</p><ul class=\"link-list\">",
             code.code);
        for (const int cause : incoming) {
            add(out, "<li>");
            add_cause_link(out, cause, "../q850/");
            add(out, "</li>");
        }
        add(out, "</ul></dd></div>\n");
    }
    if (outgoing) {
        addf(out,
             "<div><dt>From SIP to ISUP <span class=\"muted\">(RFC 3398 §8.2.6.2)</span></dt>"
             "<dd><p>A gateway that receives {} releases the circuit-switched leg with ",
             code.code);
        add_cause_link(out, *outgoing, "../q850/");
        add(out, ".</p></dd></div>\n");
    }
    add(out, "</dl>\n</section>\n");
}

void add_warning_section(std::string& out, Toc& toc, const k::ResponseCode& code) {
    if (!carries_warnings(code.code)) {
        return;
    }
    open_block(out, toc, "warnings", "Warning header");
    addf(out,
         "<p>A {} should carry a <code>Warning</code> header whose 3xx code says which part of "
         "the session description could not be accepted (RFC 3261 §20.43):</p>\n"
         "<ul class=\"link-list columns\">",
         code.code);
    for (const auto& warning : k::warning_codes()) {
        if (!fits_offer_rejection(warning.code)) {
            continue;
        }
        addf(out,
             "<li><a class=\"code-ref\" href=\"../warning/{0}.html\"><span class=\"num\">"
             "{0}</span> ",
             warning.code);
        add_text(out, warning.text);
        add(out, "</a></li>");
    }
    add(out, "</ul>\n</section>\n");
}

void add_capture_section(std::string& out, Toc& toc, int code) {
    open_block(out, toc, "capture", "Find it in a capture");
    add(out, "<ul class=\"command-list\">\n");
    if (code >= 200) {
        add_command(out, fmt::format("Calls and registrations whose final answer was {}", code),
                    fmt::format("sipdx calls trace.pcap --code {}", code));
        add_command(out, "Their frames, written to a new capture that Wireshark opens",
                    fmt::format("sipdx filter trace.pcap --code {} -w code-{}.pcapng", code, code));
    }
    add_command(out, "Every response counted by class and code, with the findings",
                "sipdx analyze trace.pcap");
    add_command(out, "The ladder diagram of one call", "sipdx flow trace.pcap --call CALL_ID");
    add_command(out, "This explanation, in the terminal", fmt::format("sipdx explain {}", code));
    add_command(out, "The same responses in Wireshark (display filter)",
                fmt::format("sip.Status-Code == {}", code));
    add(out, "</ul>\n</section>\n");
}

std::string render_code_page(const k::ResponseCode& code, const k::ResponseCode* prev,
                             const k::ResponseCode* next, const SiteOptions& options) {
    const int number = code.status_class();
    const auto title = fmt::format("{} {}", code.code, code.reason);
    std::string out;
    out.reserve(16 * 1024);
    open_page(out, {title + " · SIP response · sipdx reference",
                    std::string(detail::first_sentence(code.meaning)), "../", Section::responses,
                    false});
    add(out, "<main id=\"main\" class=\"wrap entry-wrap\" tabindex=\"-1\">\n");
    add_breadcrumb(out, {{"../index.html", "SIP responses"},
                         {fmt::format("../index.html#class-{}", number),
                          fmt::format("{} {}", class_label(number), class_name(number))},
                         {"", title}});
    addf(out,
         "<div class=\"entry-layout\">\n<article class=\"entry {}\">\n"
         "<header class=\"entry-head\">\n",
         category_class(code.category));
    add(out, "<p class=\"eyebrow\">SIP response · ");
    add_text(out, class_label(number) + " " + class_name(number));
    addf(out, "</p>\n<h1><span class=\"num\">{}</span> ", code.code);
    add_text(out, code.reason);
    if (code.deprecated) {
        add(out, " <span class=\"flag\">Deprecated</span>");
    }
    add(out, "</h1>\n<p class=\"lede\">");
    add_text(out, code.meaning);
    add(out, "</p>\n<dl class=\"facts\">\n");

    std::string value;
    addf(value, "<a href=\"../index.html#class-{}\">{}</a> ", number, class_label(number));
    add_text(value, class_name(number));
    if (code.deprecated) {
        add(value, "<span class=\"fact-note\">Registered, but deprecated: a later RFC says not "
                   "to send it.</span>");
    }
    add_fact(out, "Class", value);

    value.clear();
    add_badge(value, code.category);
    add(value, "<span class=\"fact-note\">");
    add_text(value, k::category_description(code.category));
    add(value, "</span>");
    add_fact(out, "Category", value);

    value.clear();
    for (std::size_t i = 0; i < code.references.size(); ++i) {
        if (i > 0) {
            add(value, ", ");
        }
        add_text(value, code.references[i]);
    }
    add_fact(out, "Defined in", value.empty() ? std::string("RFC 3261") : value);

    if (!code.seen_phrases.empty()) {
        value.clear();
        for (std::size_t i = 0; i < code.seen_phrases.size(); ++i) {
            add(value, i > 0 ? ", &#8220;" : "&#8220;");
            add_text(value, code.seen_phrases[i]);
            add(value, "&#8221;");
        }
        add(value, "<span class=\"fact-note\">The phrase on the wire is free text (RFC 3261 "
                   "§7.2): the code is what counts.</span>");
        add_fact(out, "Also seen as", value);
    }
    add(out, "</dl>\n</header>\n");

    Toc toc;
    if (!code.ims_context.empty()) {
        open_block(out, toc, "ims", "In IMS");
        add(out, "<p>");
        add_text(out, code.ims_context);
        add(out, "</p>\n</section>\n");
    }
    if (!code.retry.empty()) {
        open_block(out, toc, "retry", "Retry");
        add(out, "<p>");
        add_text(out, code.retry);
        add(out, "</p>\n</section>\n");
    }
    if (!code.next_checks.empty()) {
        open_block(out, toc, "next", "What to check next");
        add(out, "<ol class=\"checklist\">\n");
        for (const auto check : code.next_checks) {
            add(out, "<li>");
            add_text(out, check);
            add(out, "</li>\n");
        }
        add(out, "</ol>\n</section>\n");
    }

    const auto related = related_codes(code);
    if (!related.empty()) {
        open_block(out, toc, "related", "Related codes");
        add(out, "<ul class=\"related-list\">\n");
        for (const int other : related) {
            const auto* entry = k::find_registered(other);
            if (entry == nullptr) {
                continue;
            }
            addf(out, "<li class=\"{}\">", category_class(entry->category));
            add_code_link(out, *entry, "");
            add(out, " ");
            add_badge(out, entry->category);
            add(out, "<p class=\"summary\">");
            add_text(out, detail::first_sentence(entry->meaning));
            add(out, "</p></li>\n");
        }
        add(out, "</ul>\n</section>\n");
    }

    add_q850_section(out, toc, code);
    add_warning_section(out, toc, code);
    add_capture_section(out, toc, code.code);

    if (!code.references.empty()) {
        open_block(out, toc, "references", "References");
        add_references(out, code.references);
        add(out, "</section>\n");
    }
    add(out, "</article>\n");
    add_toc(out, toc);
    add(out, "</div>\n");
    add_pager(out, "Neighbouring codes",
              prev ? pager_link("prev", fmt::format("{}.html", prev->code),
                                fmt::to_string(prev->code), prev->reason)
                   : std::string(),
              next ? pager_link("next", fmt::format("{}.html", next->code),
                                fmt::to_string(next->code), next->reason)
                   : std::string());
    add(out, "</main>\n");
    close_page(out, options);
    return out;
}

// --- q850/ ----------------------------------------------------------------------------------

std::string render_q850_index(const SiteOptions& options) {
    std::string out;
    open_page(out, {"Q.850 cause values · sipdx reference",
                    "ITU-T Q.850 cause values and how they map to SIP response codes "
                    "(RFC 3398).",
                    "../", Section::q850, true});
    add(out, "<main id=\"main\" class=\"wrap narrow\" tabindex=\"-1\">\n<div class=\"hero\">\n"
             "<h1>Q.850 cause values</h1>\n<p class=\"lede\">The release causes of the "
             "circuit-switched network. In IMS they reach SIP in a <code>Reason: "
             "Q.850;cause=N</code> header, and a gateway (MGCF) turns them into SIP responses "
             "and back following RFC 3398.</p>\n</div>\n");
    add(out, "<div class=\"table-wrap\"><table class=\"data-table\">\n<caption>Every cause "
             "sipdx knows, with the SIP response a gateway sends for it</caption>\n<thead><tr>"
             "<th scope=\"col\">Cause</th><th scope=\"col\">Name</th><th scope=\"col\">Q.850 "
             "class</th><th scope=\"col\">SIP response</th></tr></thead>\n<tbody>\n");
    for (const auto& cause : k::q850_causes()) {
        addf(out,
             "<tr><td class=\"num-cell\"><a href=\"{0}.html\" aria-label=\"Cause {0}\">"
             "{0}</a></td><td><a href=\"{0}.html\">",
             cause.cause);
        add_text(out, cause.name);
        add(out, "</a></td><td>");
        add_text(out, cause.cause_class);
        add(out, "</td><td>");
        if (cause.sip_code) {
            if (const auto* code = k::find_registered(*cause.sip_code)) {
                add_code_link(out, *code, "../codes/");
            } else {
                addf(out, "{}", *cause.sip_code);
            }
            if (cause.alt_sip_code) {
                add(out, " or ");
                if (const auto* code = k::find_registered(*cause.alt_sip_code)) {
                    add_code_link(out, *code, "../codes/");
                } else {
                    addf(out, "{}", *cause.alt_sip_code);
                }
            }
        } else {
            add(out, "<span class=\"muted\">none</span>");
        }
        add(out, "</td></tr>\n");
    }
    add(out, "</tbody>\n</table></div>\n</main>\n");
    close_page(out, options);
    return out;
}

std::string render_q850_page(const k::Q850Cause& cause, const k::Q850Cause* prev,
                             const k::Q850Cause* next, const SiteOptions& options) {
    std::string out;
    const auto title = fmt::format("Cause {} {}", cause.cause, cause.name);
    open_page(out,
              {title + " · Q.850 · sipdx reference",
               std::string(detail::first_sentence(cause.meaning)), "../", Section::q850, false});
    add(out, "<main id=\"main\" class=\"wrap narrow\" tabindex=\"-1\">\n");
    add_breadcrumb(out, {{"index.html", "Q.850 causes"}, {"", title}});
    add(out, "<article class=\"entry\">\n<header class=\"entry-head\">\n<p class=\"eyebrow\">"
             "ITU-T Q.850 cause");
    if (!cause.cause_class.empty()) {
        add(out, " · ");
        add_text(out, cause.cause_class);
    }
    addf(out, "</p>\n<h1><span class=\"num\">{}</span> ", cause.cause);
    add_text(out, cause.name);
    add(out, "</h1>\n");
    if (!cause.meaning.empty()) {
        add(out, "<p class=\"lede\">");
        add_text(out, cause.meaning);
        add(out, "</p>\n");
    }
    add(out, "<dl class=\"facts\">\n");
    std::string value;
    if (cause.sip_code) {
        if (const auto* code = k::find_registered(*cause.sip_code)) {
            add_code_link(value, *code, "../codes/");
        } else {
            addf(value, "{}", *cause.sip_code);
        }
    } else {
        add(value, "None in RFC 3398 §8.2.6.1");
    }
    if (cause.alt_sip_code) {
        add(value, " or ");
        if (const auto* code = k::find_registered(*cause.alt_sip_code)) {
            add_code_link(value, *code, "../codes/");
        } else {
            addf(value, "{}", *cause.alt_sip_code);
        }
    }
    if (!cause.mapping_note.empty()) {
        add(value, "<span class=\"fact-note\">");
        add_text(value, cause.mapping_note);
        add(value, "</span>");
    }
    add_fact(out, "SIP response for it (RFC 3398 §8.2.6.1)", value);
    add(out, "</dl>\n</header>\n");

    const auto senders = codes_sending_cause(cause.cause);
    add(out, "<section class=\"block\" aria-labelledby=\"from-sip\">\n<h2 id=\"from-sip\">SIP "
             "responses that become this cause</h2>\n");
    if (senders.empty()) {
        add(out, "<p>No SIP response maps to this cause in RFC 3398 §8.2.6.2.</p>\n");
    } else {
        addf(out,
             "<p>A gateway releases the circuit-switched leg with cause {} when it receives "
             "(RFC 3398 §8.2.6.2):</p>\n<ul class=\"link-list\">",
             cause.cause);
        for (const int sender : senders) {
            add(out, "<li>");
            add_code_link(out, *k::find_registered(sender), "../codes/");
            add(out, "</li>");
        }
        add(out, "</ul>\n");
    }
    add(out, "</section>\n");

    add(out, "<section class=\"block\" aria-labelledby=\"capture\">\n<h2 id=\"capture\">Find it "
             "in a capture</h2>\n<ul class=\"command-list\">\n");
    add_command(out, "This cause explained, in the terminal",
                fmt::format("sipdx explain --q850 {}", cause.cause));
    add_command(out, "A Reason header as it appears in a trace, decoded",
                fmt::format("sipdx explain 'Reason: Q.850;cause={}'", cause.cause));
    add_command(out, "Every call with its Reason header and explanation",
                "sipdx calls trace.pcap --format csv");
    add_command(out, "The same in Wireshark (display filter)",
                fmt::format("sip.Reason matches \"cause={}([^0-9]|$)\"", cause.cause));
    add(out, "</ul>\n</section>\n</article>\n");
    add_pager(out, "Neighbouring causes",
              prev ? pager_link("prev", fmt::format("{}.html", prev->cause),
                                fmt::to_string(prev->cause), prev->name)
                   : std::string(),
              next ? pager_link("next", fmt::format("{}.html", next->cause),
                                fmt::to_string(next->cause), next->name)
                   : std::string());
    add(out, "</main>\n");
    close_page(out, options);
    return out;
}

// --- warning/ -------------------------------------------------------------------------------

std::string render_warning_index(const SiteOptions& options) {
    std::string out;
    open_page(out, {"Warning codes · sipdx reference",
                    "SIP Warning header warn-codes (RFC 3261 section 20.43) and what they mean.",
                    "../", Section::warnings, true});
    add(out, "<main id=\"main\" class=\"wrap narrow\" tabindex=\"-1\">\n<div class=\"hero\">\n"
             "<h1>Warning codes</h1>\n<p class=\"lede\">The three-digit codes of the SIP "
             "<code>Warning</code> header (RFC 3261 §20.43). They add detail to a response, most "
             "often to a <a href=\"../codes/488.html\">488 Not Acceptable Here</a> or a "
             "<a href=\"../codes/606.html\">606 Not Acceptable</a> that rejects a session "
             "description.</p>\n</div>\n");
    add(out, "<div class=\"table-wrap\"><table class=\"data-table\">\n<caption>Registered "
             "warn-codes</caption>\n<thead><tr><th scope=\"col\">Code</th><th scope=\"col\">"
             "Warn-text</th><th scope=\"col\">What it tells you</th></tr></thead>\n<tbody>\n");
    for (const auto& warning : k::warning_codes()) {
        addf(out,
             "<tr><td class=\"num-cell\"><a href=\"{0}.html\" aria-label=\"Warning {0}\">"
             "{0}</a></td><td><a href=\"{0}.html\">",
             warning.code);
        add_text(out, warning.text);
        add(out, "</a></td><td>");
        add_text(out, detail::first_sentence(warning.meaning));
        add(out, "</td></tr>\n");
    }
    add(out, "</tbody>\n</table></div>\n</main>\n");
    close_page(out, options);
    return out;
}

std::string render_warning_page(const k::WarningCode& warning, const k::WarningCode* prev,
                                const k::WarningCode* next, const SiteOptions& options) {
    std::string out;
    const auto title = fmt::format("Warning {} {}", warning.code, warning.text);
    open_page(out,
              {title + " · sipdx reference", std::string(detail::first_sentence(warning.meaning)),
               "../", Section::warnings, false});
    add(out, "<main id=\"main\" class=\"wrap narrow\" tabindex=\"-1\">\n");
    add_breadcrumb(out, {{"index.html", "Warning codes"}, {"", title}});
    add(out, "<article class=\"entry\">\n<header class=\"entry-head\">\n<p class=\"eyebrow\">"
             "SIP Warning header · ");
    add_text(out,
             warning.reference.empty() ? std::string_view("RFC 3261 §20.43") : warning.reference);
    add(out, "</p>\n");
    addf(out, "<h1><span class=\"num\">{}</span> ", warning.code);
    add_text(out, warning.text);
    add(out, "</h1>\n");
    if (!warning.meaning.empty()) {
        add(out, "<p class=\"lede\">");
        add_text(out, warning.meaning);
        add(out, "</p>\n");
    }
    add(out, "</header>\n<section class=\"block\" aria-labelledby=\"seen-with\">\n<h2 "
             "id=\"seen-with\">Seen with</h2>\n");
    if (is_session_warning(warning.code)) {
        add(out, "<p>Warn-codes 300 to 379 say which part of a session description could not be "
                 "accepted (RFC 3261 §20.43). They are expected on:</p>\n<ul class=\"link-list\">");
        for (const int code : warning_bearing_codes) {
            if (const auto* entry = k::find_registered(code)) {
                add(out, "<li>");
                add_code_link(out, *entry, "../codes/");
                add(out, "</li>");
            }
        }
        add(out, "</ul>\n<p>Other responses may carry one too; the warn-code then qualifies "
                 "that response.</p>\n");
    } else {
        add(out, "<p>This warn-code is not about a session description, so it is not tied to "
                 "one response: it qualifies whichever response carries it. See <a "
                 "href=\"index.html\">all Warning codes</a>.</p>\n");
    }
    add(out, "</section>\n");
    add(out, "<section class=\"block\" aria-labelledby=\"capture\">\n<h2 id=\"capture\">Find it "
             "in a capture</h2>\n<ul class=\"command-list\">\n");
    add_command(out, "This warn-code explained, in the terminal",
                fmt::format("sipdx explain --warning {}", warning.code));
    add_command(out, "Every call with its Warning header and explanation",
                "sipdx calls trace.pcap --format csv");
    add_command(out, "The same in Wireshark (display filter)",
                fmt::format("sip.Warning matches \"(^|, *){} \"", warning.code));
    add(out, "</ul>\n</section>\n</article>\n");
    add_pager(out, "Neighbouring warning codes",
              prev ? pager_link("prev", fmt::format("{}.html", prev->code),
                                fmt::to_string(prev->code), prev->text)
                   : std::string(),
              next ? pager_link("next", fmt::format("{}.html", next->code),
                                fmt::to_string(next->code), next->text)
                   : std::string());
    add(out, "</main>\n");
    close_page(out, options);
    return out;
}

template <typename T>
const T* element_or_null(std::span<const T> items, std::size_t index) {
    return index < items.size() ? &items[index] : nullptr;
}

} // namespace

std::vector<SiteFile> render_site(const SiteOptions& options) {
    std::vector<SiteFile> files;
    files.push_back({"index.html", render_index(options)});
    files.push_back({"assets/site.css", std::string(detail::site_stylesheet())});
    files.push_back({"assets/site.js", std::string(detail::site_script())});

    const auto codes = k::registered_codes();
    for (std::size_t i = 0; i < codes.size(); ++i) {
        files.push_back({site_code_path(codes[i].code),
                         render_code_page(codes[i], i > 0 ? &codes[i - 1] : nullptr,
                                          element_or_null(codes, i + 1), options)});
    }

    files.push_back({"q850/index.html", render_q850_index(options)});
    const auto causes = k::q850_causes();
    for (std::size_t i = 0; i < causes.size(); ++i) {
        files.push_back({site_q850_path(causes[i].cause),
                         render_q850_page(causes[i], i > 0 ? &causes[i - 1] : nullptr,
                                          element_or_null(causes, i + 1), options)});
    }

    files.push_back({"warning/index.html", render_warning_index(options)});
    const auto warnings = k::warning_codes();
    for (std::size_t i = 0; i < warnings.size(); ++i) {
        files.push_back({site_warning_path(warnings[i].code),
                         render_warning_page(warnings[i], i > 0 ? &warnings[i - 1] : nullptr,
                                             element_or_null(warnings, i + 1), options)});
    }
    return files;
}

tl::expected<SiteSummary, SiteWriteError> write_site(const std::filesystem::path& out_dir,
                                                     const SiteOptions& options) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(out_dir, ec) && !fs::is_directory(out_dir, ec)) {
        return tl::unexpected(SiteWriteError{out_dir, "exists and is not a directory"});
    }
    SiteSummary summary;
    for (const auto& file : render_site(options)) {
        const fs::path path = out_dir / fs::path(file.path);
        fs::create_directories(path.parent_path(), ec);
        if (ec) {
            return tl::unexpected(SiteWriteError{path.parent_path(), ec.message()});
        }
        std::ofstream stream(path, std::ios::binary | std::ios::trunc);
        stream.write(file.content.data(), static_cast<std::streamsize>(file.content.size()));
        stream.close();
        if (!stream) {
            return tl::unexpected(SiteWriteError{path, "cannot write the file"});
        }
        ++summary.files;
        summary.bytes += file.content.size();
        if (file.path.starts_with("codes/")) {
            ++summary.code_pages;
        } else if (file.path.starts_with("q850/") && file.path != "q850/index.html") {
            ++summary.q850_pages;
        } else if (file.path.starts_with("warning/") && file.path != "warning/index.html") {
            ++summary.warning_pages;
        }
    }
    return summary;
}

} // namespace sipdx::output
