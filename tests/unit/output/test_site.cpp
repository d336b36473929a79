// The response reference site (sipdx::output::render_site / write_site): every page there,
// every local link resolving, index order, well-formed HTML, escaping, no external resources.
#include <sipdx/knowledge/causes.h>
#include <sipdx/knowledge/q850.h>
#include <sipdx/knowledge/response_codes.h>
#include <sipdx/output/site.h>
#include <sipdx/text/escape.h>

#include "output/detail/site_html.h"
#include "unit/output/site_html_check.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace k = sipdx::knowledge;
namespace output = sipdx::output;
using output::test::check_html;
using output::test::resolve_link;
using output::test::Tag;

// The rendered site as path -> content, rendered once for the whole suite.
const std::map<std::string, std::string>& site() {
    static const auto files = [] {
        std::map<std::string, std::string> map;
        for (auto& file : output::render_site({"9.9.9"})) {
            map.emplace(file.path, std::move(file.content));
        }
        return map;
    }();
    return files;
}

const std::string& page(const std::string& path) {
    static const std::string missing;
    const auto it = site().find(path);
    return it == site().end() ? missing : it->second;
}

std::vector<Tag> tags_of(const std::string& path) {
    std::vector<Tag> tags;
    const auto problem = check_html(page(path), &tags);
    EXPECT_FALSE(problem) << path << " at " << problem->offset << ": " << problem->what;
    return tags;
}

std::vector<int> index_codes_in_order() {
    std::vector<int> codes;
    for (const auto& tag : tags_of("index.html")) {
        if (const auto it = tag.attributes.find("data-code"); it != tag.attributes.end()) {
            codes.push_back(std::stoi(it->second));
        }
    }
    return codes;
}

bool is_html(const std::string& path) {
    return path.ends_with(".html");
}

TEST(Site, HasTheFixedPagesAndAssets) {
    for (const char* path : {"index.html", "assets/site.css", "assets/site.js", "q850/index.html",
                             "warning/index.html"}) {
        EXPECT_TRUE(site().count(path)) << path;
        EXPECT_FALSE(page(path).empty()) << path;
    }
}

TEST(Site, EveryRegisteredCodeHasAPageWithItsFacts) {
    ASSERT_FALSE(k::registered_codes().empty());
    std::size_t code_pages = 0;
    for (const auto& [path, content] : site()) {
        code_pages += path.starts_with("codes/") ? 1 : 0;
    }
    EXPECT_EQ(code_pages, k::registered_codes().size());
    for (const auto& code : k::registered_codes()) {
        const auto path = output::site_code_path(code.code);
        ASSERT_TRUE(site().count(path)) << path;
        const auto& html = page(path);
        const auto heading =
            "<h1><span class=\"num\">" + std::to_string(code.code) + "</span> " +
            sipdx::text::html_escape(code.reason) +
            (code.deprecated ? " <span class=\"flag\">Deprecated</span></h1>" : "</h1>");
        EXPECT_NE(html.find(heading), std::string::npos) << path;
        EXPECT_NE(html.find(sipdx::text::html_escape(code.meaning)), std::string::npos)
            << path << ": meaning";
        EXPECT_NE(html.find(sipdx::text::html_escape(k::category_label(code.category))),
                  std::string::npos)
            << path << ": category";
        for (const auto check : code.next_checks) {
            EXPECT_NE(html.find(sipdx::text::html_escape(check)), std::string::npos)
                << path << ": next check " << check;
        }
        if (!code.ims_context.empty()) {
            EXPECT_NE(html.find(sipdx::text::html_escape(code.ims_context)), std::string::npos)
                << path << ": IMS context";
        }
        if (!code.retry.empty()) {
            EXPECT_NE(html.find(sipdx::text::html_escape(code.retry)), std::string::npos)
                << path << ": retry";
        }
        EXPECT_NE(html.find("sipdx explain " + std::to_string(code.code)), std::string::npos)
            << path << ": capture commands";
        if (code.code >= 200) {
            EXPECT_NE(html.find("sipdx calls trace.pcap --code " + std::to_string(code.code)),
                      std::string::npos)
                << path;
        }
    }
}

TEST(Site, EveryHtmlFileIsWellFormed) {
    std::size_t checked = 0;
    for (const auto& [path, content] : site()) {
        if (!is_html(path)) {
            continue;
        }
        const auto problem = check_html(content);
        EXPECT_FALSE(problem) << path << " at byte " << problem->offset << ": " << problem->what;
        ++checked;
    }
    EXPECT_GE(checked, k::registered_codes().size() + 3);
}

TEST(Site, EveryLocalLinkResolvesToAFileAndFragmentsToAnId) {
    // ids per page, for "#fragment" checks.
    std::map<std::string, std::set<std::string>> ids;
    std::map<std::string, std::vector<Tag>> tags;
    for (const auto& [path, content] : site()) {
        if (is_html(path)) {
            tags[path] = tags_of(path);
            for (const auto& tag : tags[path]) {
                if (const auto id = tag.attributes.find("id"); id != tag.attributes.end()) {
                    ids[path].insert(id->second);
                }
            }
        }
    }
    std::size_t local_links = 0;
    for (const auto& [path, page_tags] : tags) {
        for (const auto& tag : page_tags) {
            for (const char* attribute : {"href", "src"}) {
                const auto it = tag.attributes.find(attribute);
                if (it == tag.attributes.end() || output::test::is_external(it->second) ||
                    output::test::is_inline(it->second)) {
                    continue;
                }
                ++local_links;
                const auto& url = it->second;
                ASSERT_FALSE(url.empty()) << path << ": empty " << attribute;
                EXPECT_EQ(url.find('?'), std::string::npos) << path << ": " << url;
                const auto hash = url.find('#');
                const auto file_part = url.substr(0, hash);
                const auto target = file_part.empty() ? std::optional<std::string>(path)
                                                      : resolve_link(path, file_part);
                ASSERT_TRUE(target) << path << ": " << url << " leaves the site";
                EXPECT_TRUE(site().count(*target)) << path << ": " << url << " -> " << *target;
                if (hash != std::string::npos && site().count(*target)) {
                    EXPECT_TRUE(ids[*target].count(url.substr(hash + 1)))
                        << path << ": " << url << " names no id";
                }
            }
        }
    }
    EXPECT_GT(local_links, k::registered_codes().size() * 4);
}

TEST(Site, NoExternalResources) {
    for (const auto& [path, content] : site()) {
        if (!is_html(path)) {
            continue;
        }
        for (const auto& tag : tags_of(path)) {
            if (tag.name == "script" || tag.name == "link" || tag.name == "img") {
                for (const char* attribute : {"href", "src"}) {
                    const auto it = tag.attributes.find(attribute);
                    if (it != tag.attributes.end()) {
                        EXPECT_FALSE(output::test::is_external(it->second))
                            << path << ": <" << tag.name << "> loads " << it->second;
                    }
                }
            }
        }
    }
    const auto& css = page("assets/site.css");
    EXPECT_EQ(css.find("@import"), std::string::npos);
    EXPECT_EQ(css.find("url("), std::string::npos);
    EXPECT_EQ(css.find("@font-face"), std::string::npos);
    const auto& js = page("assets/site.js");
    for (const char* call : {"fetch(", "XMLHttpRequest", "import(", "http://", "https://"}) {
        EXPECT_EQ(js.find(call), std::string::npos) << call;
    }
    EXPECT_NE(css.find("prefers-color-scheme: dark"), std::string::npos);
}

TEST(Site, IndexListsEveryCodeByClassThenCode) {
    const auto codes = index_codes_in_order();
    std::vector<int> expected;
    for (const auto& code : k::registered_codes()) {
        expected.push_back(code.code);
    }
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(codes, expected);

    // Each class section comes in order and holds exactly its own codes.
    const auto& html = page("index.html");
    std::size_t previous = 0;
    for (int number = 1; number <= 6; ++number) {
        const auto start = html.find("<section class=\"class-section\" id=\"class-" +
                                     std::to_string(number) + "\"");
        ASSERT_NE(start, std::string::npos) << number;
        EXPECT_GT(start, previous);
        previous = start;
        const auto end = html.find("</section>", start);
        const auto section = html.substr(start, end - start);
        const auto status = k::status_class(number);
        ASSERT_TRUE(status);
        EXPECT_NE(section.find(sipdx::text::html_escape(status->fast_answer)), std::string::npos)
            << "fast answer of class " << number;
        for (const auto& code : k::registered_codes()) {
            const bool inside = section.find("data-code=\"" + std::to_string(code.code) + "\"") !=
                                std::string::npos;
            EXPECT_EQ(inside, code.status_class() == number) << code.code;
        }
    }
}

TEST(Site, IndexHasALegendWithATextLabelPerCategory) {
    const auto& html = page("index.html");
    const auto legend = html.substr(html.find("<details class=\"legend\""));
    for (int i = 0; i < k::category_count; ++i) {
        const auto category = static_cast<k::Category>(i);
        const auto badge = "<span class=\"badge cat-" + std::string(k::category_id(category)) +
                           "\">" + sipdx::text::html_escape(k::category_label(category)) +
                           "</span>";
        EXPECT_NE(legend.find(badge), std::string::npos) << k::category_id(category);
    }
}

TEST(Site, FilterBoxIsHiddenUntilTheScriptRuns) {
    const auto& html = page("index.html");
    EXPECT_NE(html.find("data-filter hidden"), std::string::npos);
    EXPECT_NE(html.find("<label for=\"filter-input\">"), std::string::npos);
    // Without the script every entry is visible: no entry starts hidden.
    for (const auto& tag : tags_of("index.html")) {
        if (tag.attributes.count("data-code")) {
            EXPECT_FALSE(tag.attributes.count("hidden")) << tag.attributes.at("data-code");
        }
    }
}

TEST(Site, RelatedCodesAreLinkedBothWays) {
    for (const auto& code : k::registered_codes()) {
        for (const int other : code.related) {
            if (other == code.code || k::find_registered(other) == nullptr) {
                continue;
            }
            const auto there = "href=\"" + std::to_string(other) + ".html\"";
            const auto back = "href=\"" + std::to_string(code.code) + ".html\"";
            EXPECT_NE(page(output::site_code_path(code.code)).find(there), std::string::npos)
                << code.code << " -> " << other;
            EXPECT_NE(page(output::site_code_path(other)).find(back), std::string::npos)
                << other << " -> " << code.code;
        }
    }
}

// Every 3GPP cause table has a page listed on causes/index.html, and every value of the table
// an anchor on it.
TEST(Site, ThreeGppCauseTablesHavePagesWithEveryValue) {
    const auto& index = page("causes/index.html");
    for (const auto& table : k::cause_tables()) {
        const auto path = output::site_cause_table_path(table.id);
        ASSERT_TRUE(site().count(path)) << path;
        EXPECT_NE(index.find("href=\"" + std::string(table.id) + ".html\""), std::string::npos)
            << table.id;
        const auto& html = page(path);
        EXPECT_NE(html.find(std::string(table.source)), std::string::npos) << path;
        for (const auto& cause : k::causes(table.table))
            EXPECT_NE(html.find("id=\"c" + std::to_string(cause.value) + "\""), std::string::npos)
                << path << " " << cause.value;
    }
    EXPECT_NE(page("index.html").find("href=\"causes/index.html\""), std::string::npos);
}

TEST(Site, Q850CausesAndWarningCodesHavePagesLinkedFromCodePages) {
    for (const auto& cause : k::q850_causes()) {
        EXPECT_TRUE(site().count(output::site_q850_path(cause.cause))) << cause.cause;
        EXPECT_NE(page("q850/index.html").find("href=\"" + std::to_string(cause.cause) + ".html\""),
                  std::string::npos);
    }
    for (const auto& warning : k::warning_codes()) {
        EXPECT_TRUE(site().count(output::site_warning_path(warning.code))) << warning.code;
    }
    for (const auto& code : k::registered_codes()) {
        const auto& html = page(output::site_code_path(code.code));
        for (const int cause : k::q850_causes_mapping_to(code.code)) {
            if (k::find_q850(cause) != nullptr) {
                EXPECT_NE(html.find("href=\"../q850/" + std::to_string(cause) + ".html\""),
                          std::string::npos)
                    << code.code << " should link cause " << cause;
            }
        }
        if (const auto cause = k::q850_for_sip(code.code); cause && k::find_q850(*cause)) {
            EXPECT_NE(html.find("href=\"../q850/" + std::to_string(*cause) + ".html\""),
                      std::string::npos)
                << code.code << " should link cause " << *cause;
        }
    }
    if (k::find_registered(488) != nullptr && !k::warning_codes().empty()) {
        const auto first = k::warning_codes().front().code;
        EXPECT_NE(page("codes/488.html").find("href=\"../warning/" + std::to_string(first)),
                  std::string::npos);
    }
}

TEST(Site, PagesHaveLandmarksAndOneH1) {
    for (const auto& [path, content] : site()) {
        if (!is_html(path)) {
            continue;
        }
        const auto tags = tags_of(path);
        const auto count = [&](std::string_view name) {
            return std::count_if(tags.begin(), tags.end(),
                                 [&](const Tag& t) { return t.name == name; });
        };
        EXPECT_EQ(count("h1"), 1) << path;
        EXPECT_EQ(count("main"), 1) << path;
        EXPECT_GE(count("header"), 1) << path;
        EXPECT_GE(count("nav"), 1) << path;
        EXPECT_EQ(count("footer"), 1) << path;
        EXPECT_NE(content.find("<html lang=\"en\">"), std::string::npos) << path;
        EXPECT_NE(content.find("name=\"viewport\""), std::string::npos) << path;
        // Link text says where the link goes: no "click here" style links.
        EXPECT_EQ(content.find(">here</a>"), std::string::npos) << path;
        EXPECT_EQ(content.find(">click"), std::string::npos) << path;
    }
}

TEST(Site, RenderingIsDeterministicAndCarriesTheVersion) {
    const auto again = output::render_site({"9.9.9"});
    ASSERT_EQ(again.size(), site().size());
    for (const auto& file : again) {
        EXPECT_EQ(file.content, page(file.path)) << file.path;
    }
    EXPECT_NE(page("index.html").find("Generated by sipdx 9.9.9"), std::string::npos);
    const auto unversioned = output::render_site({});
    EXPECT_NE(unversioned.front().content.find("Generated by sipdx from"), std::string::npos);
}

TEST(SiteHtml, EscapesEveryMarkupCharacter) {
    const auto escape = [](std::string_view s) { return sipdx::text::html_escape(s); };
    EXPECT_EQ(escape("<b>\"A&B\" 'c'</b>"), "&lt;b&gt;&quot;A&amp;B&quot; &#39;c&#39;&lt;/b&gt;");
    EXPECT_EQ(escape("plain text"), "plain text");
    EXPECT_EQ(escape(""), "");
    EXPECT_FALSE(check_html("<!DOCTYPE html>\n<p>" + escape("a < b && c > \"d\"") + "</p>"));
}

TEST(SiteHtml, FirstSentenceStopsAtTheFirstFullStop) {
    using sipdx::output::detail::first_sentence;
    EXPECT_EQ(first_sentence("One. Two."), "One.");
    EXPECT_EQ(first_sentence("No stop at all"), "No stop at all");
    EXPECT_EQ(first_sentence("Uses e.g. Retry-After. Then more."), "Uses e.g. Retry-After.");
    EXPECT_EQ(first_sentence("See RFC 3261 section 8.1.3.2. Then more."),
              "See RFC 3261 section 8.1.3.2.");
    EXPECT_EQ(first_sentence("Ends with a stop."), "Ends with a stop.");
    EXPECT_EQ(first_sentence(""), "");
}

TEST(SiteHtml, ReferenceUrls) {
    using sipdx::output::detail::reference_url;
    EXPECT_EQ(reference_url("RFC 3261"), "https://www.rfc-editor.org/rfc/rfc3261");
    EXPECT_EQ(reference_url("RFC 3261 section 21.4.7"), "https://www.rfc-editor.org/rfc/rfc3261");
    EXPECT_EQ(reference_url("3GPP TS 24.229"), "https://www.3gpp.org/DynaReport/24229.htm");
    EXPECT_EQ(reference_url("3GPP TS 24.229 section 5.4."),
              "https://www.3gpp.org/DynaReport/24229.htm");
    EXPECT_EQ(reference_url("ITU-T Q.850"), "");
    EXPECT_EQ(reference_url("RFC"), "");
}

TEST(SiteHtml, CheckerRejectsBrokenMarkup) {
    const std::string head = "<!DOCTYPE html>\n";
    EXPECT_TRUE(check_html(head + "<p><b></p></b>"));
    EXPECT_TRUE(check_html(head + "<p>"));
    EXPECT_TRUE(check_html(head + "<p class=x></p>"));
    EXPECT_TRUE(check_html(head + "<p>a < b</p>"));
    EXPECT_TRUE(check_html(head + "<p>a & b</p>"));
    EXPECT_TRUE(check_html(head + "<p id=\"a\"></p><p id=\"a\"></p>"));
    EXPECT_TRUE(check_html("<p></p>"));
    EXPECT_FALSE(check_html(head + "<p class=\"x\">a &amp; b<br></p><input hidden>"));
}

TEST(SiteHtml, ResolvesRelativeLinks) {
    EXPECT_EQ(resolve_link("codes/486.html", "../q850/17.html"), "q850/17.html");
    EXPECT_EQ(resolve_link("codes/486.html", "600.html"), "codes/600.html");
    EXPECT_EQ(resolve_link("index.html", "codes/486.html"), "codes/486.html");
    EXPECT_EQ(resolve_link("index.html", "../etc/passwd"), std::nullopt);
}

TEST(SiteWrite, WritesTheRenderedFilesToDisk) {
    namespace fs = std::filesystem;
    const auto dir = fs::path(::testing::TempDir()) / "sipdx-site-write";
    fs::remove_all(dir);
    const auto written = output::write_site(dir, {"9.9.9"});
    ASSERT_TRUE(written) << written.error().message;
    EXPECT_EQ(written->files, site().size());
    EXPECT_EQ(written->code_pages, k::registered_codes().size());
    EXPECT_EQ(written->q850_pages, k::q850_causes().size());
    EXPECT_EQ(written->warning_pages, k::warning_codes().size());
    EXPECT_EQ(written->cause_pages, k::cause_tables().size());
    for (const auto& [path, content] : site()) {
        std::ifstream in(dir / path, std::ios::binary);
        ASSERT_TRUE(in) << path;
        std::stringstream bytes;
        bytes << in.rdbuf();
        EXPECT_EQ(bytes.str(), content) << path;
    }
    // Writing again over an existing site replaces it and keeps foreign files.
    std::ofstream(dir / "notes.txt") << "mine";
    ASSERT_TRUE(output::write_site(dir, {"9.9.9"}));
    EXPECT_TRUE(fs::exists(dir / "notes.txt"));
    fs::remove_all(dir);
}

TEST(SiteWrite, RefusesAFileAsTheOutputFolder) {
    namespace fs = std::filesystem;
    const auto file = fs::path(::testing::TempDir()) / "sipdx-site-not-a-dir";
    std::ofstream(file) << "x";
    const auto written = output::write_site(file);
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().path, file);
    EXPECT_FALSE(written.error().message.empty());
    fs::remove(file);
}

} // namespace
