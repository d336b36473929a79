// The 3GPP cause pages of the reference site: causes/index.html lists the tables, and
// causes/<table>.html lists one table's values, each with an anchor (#c<value>).
#include <sipdx/knowledge/causes.h>
#include <sipdx/output/site.h>

#include "output/detail/site_html.h"
#include "output/detail/site_page.h"

#include <fmt/format.h>

namespace sipdx::output::detail {

std::string render_causes_index(const SiteOptions& options) {
    std::string out;
    open_page(out, {"3GPP cause values · sipdx reference",
                    "The 3GPP cause values that reach SIP in a Reason header: IMS release and "
                    "failure causes, NAS (EMM, ESM, 5GMM, 5GSM) and S1AP/NGAP causes.",
                    "../", Section::causes, true});
    add(out, "<main id=\"main\" class=\"wrap narrow\" tabindex=\"-1\">\n<div class=\"hero\">\n"
             "<h1>3GPP cause values</h1>\n<p class=\"lede\">Besides <code>Q.850</code> and "
             "<code>SIP</code>, a Reason header in IMS may carry a cause of the access or of the "
             "IMS itself: <code>Reason: RELEASE_CAUSE;cause=1</code> from a UE that hung up, "
             "<code>Reason: S1AP-RNL;cause=21</code> from a P-CSCF told that the radio link was "
             "lost. The protocol token names the table; the number is read in it.</p>\n</div>\n");
    add(out, "<div class=\"table-wrap\"><table class=\"data-table\">\n<caption>Every table sipdx "
             "knows, with the specification and version its values come from</caption>\n<thead>"
             "<tr><th scope=\"col\">Reason protocol</th><th scope=\"col\">Table</th><th "
             "scope=\"col\">Values</th><th scope=\"col\">Source</th></tr></thead>\n<tbody>\n");
    for (const auto& table : k::cause_tables()) {
        add(out, "<tr><td class=\"num-cell\"><a href=\"");
        add_text(out, table.id);
        add(out, ".html\">");
        add_text(out, table.protocol);
        add(out, "</a></td><td><a href=\"");
        add_text(out, table.id);
        add(out, ".html\">");
        add_text(out, table.title);
        addf(out, "</a></td><td class=\"num-cell\">{}</td><td>", k::causes(table.table).size());
        add_text(out, table.source);
        add(out, "</td></tr>\n");
    }
    add(out, "</tbody>\n</table></div>\n</main>\n");
    close_page(out, options);
    return out;
}

std::string render_cause_table_page(const k::CauseTableInfo& table, const SiteOptions& options) {
    std::string out;
    const auto title = fmt::format("{} ({})", table.title, table.protocol);
    open_page(out, {fmt::format("{} · 3GPP causes · sipdx reference", table.title),
                    fmt::format("The {} values of {}, as they appear in a SIP Reason header.",
                                table.protocol, table.source),
                    "../", Section::causes, false});
    add(out, "<main id=\"main\" class=\"wrap narrow\" tabindex=\"-1\">\n");
    add_breadcrumb(out, {{"index.html", "3GPP causes"}, {"", title}});
    add(out, "<article class=\"entry\">\n<header class=\"entry-head\">\n<p class=\"eyebrow\">");
    add_text(out, table.source);
    add(out, "</p>\n<h1>");
    add_text(out, table.title);
    add(out, "</h1>\n<dl class=\"facts\">\n");
    std::string value;
    add(value, "<code>Reason: ");
    add_text(value, table.protocol);
    add(value, ";cause=N</code>");
    add_fact(out, "In SIP", value);
    value.clear();
    add_text(value, table.numbering);
    add_fact(out, "How N is numbered", value);
    add(out, "</dl>\n</header>\n");
    add(out, "<div class=\"table-wrap\"><table class=\"data-table\">\n<caption>Every value the "
             "table lists</caption>\n<thead><tr><th scope=\"col\">Cause</th><th "
             "scope=\"col\">Name</th><th scope=\"col\">What it tells</th></tr></thead>\n"
             "<tbody>\n");
    for (const auto& cause : k::causes(table.table)) {
        addf(out, "<tr id=\"c{0}\"><td class=\"num-cell\">{0}</td><td>", cause.value);
        add_text(out, cause.name);
        add(out, "</td><td>");
        if (cause.meaning.empty()) {
            add(out, "<span class=\"muted\">as named</span>");
        } else {
            add_text(out, cause.meaning);
        }
        add(out, "</td></tr>\n");
    }
    add(out, "</tbody>\n</table></div>\n");
    add(out, "<section class=\"block\" aria-labelledby=\"capture\">\n<h2 id=\"capture\">Find it "
             "in a capture</h2>\n<ul class=\"command-list\">\n");
    const auto first = k::causes(table.table).front().value;
    add_command(out, "One value explained, in the terminal",
                fmt::format("sipdx explain --cause {}:{}", table.id, first));
    add_command(out, "A Reason header as it appears in a trace, decoded",
                fmt::format("sipdx explain 'Reason: {};cause={}'", table.protocol, first));
    add_command(out, "Every call with its Reason header and explanation",
                "sipdx calls trace.pcap --format csv");
    add(out, "</ul>\n</section>\n</article>\n</main>\n");
    close_page(out, options);
    return out;
}

} // namespace sipdx::output::detail
