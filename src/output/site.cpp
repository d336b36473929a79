// Renders the response reference site from the knowledge base and writes it to disk. The pages
// are built in site_codes.cpp, site_q850.cpp and site_warning.cpp on the frame in site_page.cpp;
// the look lives in site_assets.cpp.
#include <sipdx/knowledge/causes.h>
#include <sipdx/knowledge/q850.h>
#include <sipdx/knowledge/response_codes.h>
#include <sipdx/output/site.h>
#include <sipdx/text/safe_file.h>

#include "output/detail/site_assets.h"
#include "output/detail/site_page.h"

#include <fmt/format.h>

#include <span>
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
std::string site_cause_table_path(std::string_view table_id) {
    return fmt::format("causes/{}.html", table_id);
}

namespace {

namespace k = sipdx::knowledge;

template <typename T>
const T* element_or_null(std::span<const T> items, std::size_t index) {
    return index < items.size() ? &items[index] : nullptr;
}

} // namespace

std::vector<SiteFile> render_site(const SiteOptions& options) {
    std::vector<SiteFile> files;
    files.push_back({"index.html", detail::render_index(options)});
    files.push_back({"assets/site.css", std::string(detail::site_stylesheet())});
    files.push_back({"assets/site.js", std::string(detail::site_script())});

    const auto codes = k::registered_codes();
    for (std::size_t i = 0; i < codes.size(); ++i) {
        files.push_back({site_code_path(codes[i].code),
                         detail::render_code_page(codes[i], i > 0 ? &codes[i - 1] : nullptr,
                                                  element_or_null(codes, i + 1), options)});
    }

    files.push_back({"q850/index.html", detail::render_q850_index(options)});
    const auto causes = k::q850_causes();
    for (std::size_t i = 0; i < causes.size(); ++i) {
        files.push_back({site_q850_path(causes[i].cause),
                         detail::render_q850_page(causes[i], i > 0 ? &causes[i - 1] : nullptr,
                                                  element_or_null(causes, i + 1), options)});
    }

    files.push_back({"warning/index.html", detail::render_warning_index(options)});
    const auto warnings = k::warning_codes();
    for (std::size_t i = 0; i < warnings.size(); ++i) {
        files.push_back(
            {site_warning_path(warnings[i].code),
             detail::render_warning_page(warnings[i], i > 0 ? &warnings[i - 1] : nullptr,
                                         element_or_null(warnings, i + 1), options)});
    }

    files.push_back({"causes/index.html", detail::render_causes_index(options)});
    for (const auto& table : k::cause_tables())
        files.push_back(
            {site_cause_table_path(table.id), detail::render_cause_table_page(table, options)});
    return files;
}

tl::expected<SiteSummary, SiteWriteError> write_site(const std::filesystem::path& out_dir,
                                                     const SiteOptions& options) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(out_dir, ec) && !fs::is_directory(out_dir, ec)) {
        return tl::unexpected(SiteWriteError{out_dir, "exists and is not a directory"});
    }
    fs::create_directories(out_dir, ec);
    if (ec) return tl::unexpected(SiteWriteError{out_dir, ec.message()});
    SiteSummary summary;
    for (const auto& file : render_site(options)) {
        // Below OUTDIR nothing is followed: a planted link is refused, never written through.
        if (const auto error = text::write_file_under(out_dir.string(), file.path, file.content))
            return tl::unexpected(SiteWriteError{error.path, error.message});
        ++summary.files;
        summary.bytes += file.content.size();
        if (file.path.starts_with("codes/")) {
            ++summary.code_pages;
        } else if (file.path.starts_with("q850/") && file.path != "q850/index.html") {
            ++summary.q850_pages;
        } else if (file.path.starts_with("warning/") && file.path != "warning/index.html") {
            ++summary.warning_pages;
        } else if (file.path.starts_with("causes/") && file.path != "causes/index.html") {
            ++summary.cause_pages;
        }
    }
    return summary;
}

} // namespace sipdx::output
