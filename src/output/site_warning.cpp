// The Warning-code pages of the reference site: warning/index.html and warning/<code>.html.
#include <sipdx/knowledge/response_codes.h>
#include <sipdx/output/site.h>

#include "output/detail/site_html.h"
#include "output/detail/site_page.h"

#include <fmt/format.h>

namespace sipdx::output::detail {

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

} // namespace sipdx::output::detail
