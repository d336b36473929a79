// The Q.850 pages of the reference site: q850/index.html and q850/<cause>.html, with the
// SIP-to-ISUP and ISUP-to-SIP mappings linked both ways.
#include <sipdx/knowledge/q850.h>
#include <sipdx/knowledge/response_codes.h>
#include <sipdx/output/site.h>

#include "output/detail/site_html.h"
#include "output/detail/site_page.h"

#include <fmt/format.h>

#include <vector>

namespace sipdx::output::detail {

namespace {

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

} // namespace

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

} // namespace sipdx::output::detail
