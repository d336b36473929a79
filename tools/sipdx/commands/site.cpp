// `sipdx site OUTDIR`: writes the response reference as a static website (docs/site.md).
#include "command.h"
#include "terminal.h"

#include <sipdx/output/site.h>

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

namespace sipdx::cli {
namespace {

struct SiteArgs {
    std::string out_dir;
    bool quiet = false;
};

void run_site(const SiteArgs& args) {
    output::SiteOptions options;
    options.generator_version = SIPDX_VERSION;
    const auto written = output::write_site(args.out_dir, options);
    if (!written) {
        throw UsageError(
            fmt::format("site: {}: {}", written.error().path.string(), written.error().message));
    }
    if (!args.quiet) {
        const auto index = std::filesystem::path(args.out_dir) / "index.html";
        // Wrapped at spaces to the terminal's width, as every text report is (docs/cli.md).
        const std::string text = fmt::format(
            "Wrote {} files ({} code pages, {} Q.850 causes, {} Warning codes, {} 3GPP cause "
            "tables, {} bytes) to {}\nOpen {} in a browser.\n",
            written->files, written->code_pages, written->q850_pages, written->warning_pages,
            written->cause_pages, written->bytes, args.out_dir, index.string());
        const std::string out = for_terminal(text, text_style("never"));
        std::fwrite(out.data(), 1, out.size(), stdout);
    }
}

void setup_site(CLI::App& root, CliContext& /*context*/) {
    auto args = std::make_shared<SiteArgs>();
    auto* command = root.add_subcommand(
        "site", "Write the SIP response reference as a static website (HTML, one stylesheet, a "
                "little JavaScript) that works offline, from file:// or any web server");
    command
        ->add_option("OUTDIR", args->out_dir, "Folder to write the site into (created if needed)")
        ->required();
    command->add_flag("-q,--quiet", args->quiet, "No progress note: print nothing on success");
    command->callback([args] { run_site(*args); });
}

} // namespace

SIPDX_REGISTER_COMMAND(90, setup_site, "site");

} // namespace sipdx::cli
