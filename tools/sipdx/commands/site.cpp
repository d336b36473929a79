// `sipdx site OUTDIR`: writes the response reference as a static website (docs/site.md).
#include "command.h"

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
        std::fprintf(stdout,
                     "Wrote %zu files (%zu code pages, %zu Q.850 causes, %zu Warning codes, %zu "
                     "3GPP cause tables, %ju bytes) to %s\nOpen %s in a browser.\n",
                     written->files, written->code_pages, written->q850_pages,
                     written->warning_pages, written->cause_pages, written->bytes,
                     args.out_dir.c_str(), index.string().c_str());
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

SIPDX_REGISTER_COMMAND(90, setup_site);

} // namespace sipdx::cli
