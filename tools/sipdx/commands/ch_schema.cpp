// sipdx ch-schema: the ClickHouse DDL of the store (docs/store.md "ClickHouse").
#include "command.h"

#include <sipdx/store/clickhouse.h>

#include <cstdio>
#include <memory>
#include <string>

namespace sipdx::cli {
namespace {

void setup(CLI::App& root, CliContext& context) {
    auto options = std::make_shared<store::ChSchemaOptions>();
    CLI::App* cmd = root.add_subcommand(
        "ch-schema", "Print the ClickHouse DDL: MergeTree tables partitioned by day, or with "
                     "--cluster the per-shard tables behind Distributed tables");
    cmd->add_option("--database", options->database, "Database name (default sipdx)");
    cmd->add_option("--cluster", options->cluster,
                    "Cluster name from the servers' remote_servers configuration");
    cmd->add_option("--upgrade-from", options->upgrade_from,
                    "Print instead the statements that bring tables of this schema version to "
                    "the next (1: the version 2 message columns; 2: captures.message_rows and "
                    "the code_counts table; 3: the ingests table; 4: the media_streams table; 5: "
                    "the session tables); run once on every node, one version at a time")
        ->check(CLI::Range(1, 5));
    cmd->callback([options, &context] {
        const auto text = store::clickhouse_schema(*options);
        if (!text) throw UsageError("ch-schema: " + text.error().message);
        std::fwrite(text->data(), 1, text->size(), stdout);
        context.exit_code = exit_ok;
    });
}

} // namespace

SIPDX_REGISTER_COMMAND(120, setup, "ch-schema");

} // namespace sipdx::cli
