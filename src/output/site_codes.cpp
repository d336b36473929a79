// The response pages of the reference site: index.html, which lists every registered code with
// a filter, and codes/<code>.html, one page per code.
#include <sipdx/knowledge/q850.h>
#include <sipdx/knowledge/response_codes.h>
#include <sipdx/output/site.h>
#include <sipdx/text/text.h>

#include "output/detail/site_html.h"
#include "output/detail/site_page.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>
#include <vector>

namespace sipdx::output::detail {

namespace {

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

} // namespace

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

namespace {

// --- codes/<code>.html ----------------------------------------------------------------------

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

} // namespace

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

} // namespace sipdx::output::detail
