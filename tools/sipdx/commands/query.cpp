// sipdx query --db FILE | --clickhouse URL: the stored calls selected with the filters of
// `sipdx calls`, their class-then-code summary, or read-only SQL (docs/store.md).
#include "command.h"
#include "command_helpers.h"
#include "record_filter_options.h"
#include "terminal.h"

#include <sipdx/output/rows.h>
#include <sipdx/store/backend.h>
#include <sipdx/store/clickhouse.h>
#include <sipdx/store/query.h>

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sipdx::cli {
namespace {

struct QueryCliOptions {
    std::string db;
    std::string clickhouse;
    RecordFilterOptions filters;
    std::string since;
    std::string until;
    std::vector<std::string> captures;
    std::string sql;
    bool summary = false;
    std::string format;
    std::string color;
    std::size_t limit = 0;
    int busy_timeout_ms = 5000;
    int retries = 5;
    int sql_time_limit_s = 60;
    std::int64_t sql_memory_limit_mib = 1024;
};

store::QueryFilter make_filter(const QueryCliOptions& o) {
    store::QueryFilter f{make_record_filter(o.filters), o.captures};
    const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    if (!o.since.empty()) {
        auto t = store::parse_time(o.since, now);
        if (!t) throw UsageError("--since: " + t.error().message);
        f.since_ns = *t;
    }
    if (!o.until.empty()) {
        auto t = store::parse_time(o.until, now);
        if (!t) throw UsageError("--until: " + t.error().message);
        f.until_ns = *t;
    }
    return f;
}

template <typename T>
T value_or_throw(tl::expected<T, store::StoreError> v) {
    if (!v) throw UsageError(v.error().message);
    return std::move(*v);
}

// A filtered summary counts responses from the stored message rows; unfiltered ones come from
// code_counts, exact whatever rows were kept. Says when some selected captures kept fewer.
void note_partial(std::uint64_t partial) {
    if (partial == 0) return;
    std::fprintf(stderr,
                 "sipdx: note: %llu selected capture%s stored with --message-rows failed or "
                 "none: the messages column counts only the response rows kept\n",
                 static_cast<unsigned long long>(partial), partial == 1 ? " was" : "s were");
}

// Below this width the calls table keeps the columns a reader scans first, as `calls` does;
// every column is in the machine formats.
constexpr std::size_t all_columns_width = 160;

store::ResultSet narrow_calls(store::ResultSet result, std::size_t width) {
    if (width == 0 || width >= all_columns_width) return result;
    static const std::vector<std::string> kept{"start", "first_method", "final_code", "outcome",
                                               "call_id"};
    std::vector<std::size_t> index;
    for (const auto& name : kept)
        for (std::size_t i = 0; i < result.columns.size(); ++i)
            if (result.columns[i] == name) index.push_back(i);
    store::ResultSet out;
    for (const auto i : index)
        out.columns.push_back(result.columns[i]);
    for (auto& row : result.rows) {
        auto& kept_row = out.rows.emplace_back();
        for (const auto i : index)
            if (i < row.size()) kept_row.push_back(std::move(row[i]));
    }
    return out;
}

int run(const QueryCliOptions& options) {
    if (options.db.empty() == options.clickhouse.empty())
        throw UsageError("query: give exactly one of --db FILE or --clickhouse URL");
    if (!options.sql.empty() && options.summary)
        throw UsageError("query: --sql and --summary do not go together");
    const auto filter = make_filter(options);
    if (!options.sql.empty() && (filter.selects_calls() || !filter.captures.empty()))
        throw UsageError("query: --sql takes no filters (write them in the SQL)");

    output::Format format =
        (options.summary || isatty(STDOUT_FILENO)) ? output::Format::table : output::Format::ndjson;
    if (!options.format.empty()) format = output::parse_format(options.format).value();

    // --db names a file even when it looks like a URL ("./" keeps it a path); --clickhouse
    // must be a ClickHouse URL, whatever open_backend() would make of other text.
    if (!options.clickhouse.empty())
        (void)value_or_throw(store::parse_clickhouse_url(options.clickhouse));
    const bool url_like = options.db.find("://") != std::string::npos && options.db[0] != '/';
    const std::string location =
        options.db.empty() ? options.clickhouse : (url_like ? "./" : "") + options.db;
    auto store = value_or_throw(store::open_backend(
        location, {.busy_timeout_ms = options.busy_timeout_ms, .retries = options.retries}));
    const output::TextStyle style = text_style(options.color);
    const std::size_t width = format == output::Format::table ? style.width : 0;
    std::string text;
    if (options.summary) {
        text = output::render_code_summary(value_or_throw(store->summary(filter)), format);
        if (filter.selects_calls())
            note_partial(value_or_throw(store->partial_message_captures(filter)));
    } else if (!options.sql.empty()) {
        const store::SqlLimits limits{options.sql_time_limit_s * 1000,
                                      options.sql_memory_limit_mib << 20};
        text =
            output::render_rows(value_or_throw(store->run_sql(options.sql, limits)), format, width);
    } else {
        auto calls = value_or_throw(store->select_calls(filter, options.limit));
        if (format == output::Format::table) calls = narrow_calls(std::move(calls), width);
        text = output::render_rows(calls, format, width);
    }
    if (format == output::Format::table) text = output::highlight_report(text, style.color);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return exit_ok;
}

void setup(CLI::App& root, CliContext& context) {
    auto o = std::make_shared<QueryCliOptions>();
    CLI::App* cmd = root.add_subcommand(
        "query", "Stored calls selected like `sipdx calls`, their class-then-code summary "
                 "(--summary), or read-only SQL (--sql)");
    cmd->add_option("--db", o->db, "SQLite database written by `sipdx ingest`");
    cmd->add_option("--clickhouse", o->clickhouse,
                    "ClickHouse HTTP URL, e.g. http://127.0.0.1:8123/?database=sipdx");
    add_record_filters(cmd, o->filters);
    cmd->add_option("--since", o->since,
                    "Calls that started at or after (2026-05-30, 2026-05-30T12:00:00Z, epoch "
                    "seconds, or an age: 90m, 36h, 7d)");
    cmd->add_option("--until", o->until, "Calls that started before (same forms as --since)");
    cmd->add_option("--capture", o->captures,
                    "Only these captures (name as ingested, or sha256 / its first 8+ hex digits)")
        ->delimiter(',');
    cmd->add_flag("--summary", o->summary,
                  "Responses by class then code over the selection (the numbers of `analyze`)");
    cmd->add_option("--sql", o->sql, "One read-only SQL statement (docs/store.md has the tables)");
    cmd->add_option("--sql-time-limit", o->sql_time_limit_s,
                    "Seconds --sql may run before it is stopped (default 60)")
        ->check(CLI::Range(1, 86'400));
    cmd->add_option("--sql-memory-limit", o->sql_memory_limit_mib,
                    "MiB --sql may use: SQLite's heap and the answer, ClickHouse's "
                    "max_memory_usage (default 1024)")
        ->check(CLI::Range(std::int64_t{16}, std::int64_t{1} << 20));
    cmd->add_option("--format", o->format,
                    "table (default on a terminal and for --summary), ndjson (default "
                    "otherwise), csv, tsv")
        ->check(CLI::IsMember({"table", "ndjson", "csv", "tsv"}));
    add_color_option(cmd, o->color);
    add_csv_formulas_option(cmd);
    // Checked as a number: a size_t takes "-1" as the largest value, which SQLite refuses.
    cmd->add_option("--limit", o->limit, "At most this many calls (0: all)")
        ->check(CLI::Range(0.0, 1e12));
    cmd->add_option("--busy-timeout", o->busy_timeout_ms,
                    "Milliseconds to wait for a writer's lock (default 5000)")
        ->check(CLI::Range(0, 3'600'000));
    cmd->add_option("--retries", o->retries,
                    "ClickHouse: retries of a failed request, with doubling back-off (default 5)")
        ->check(CLI::Range(0, 20));
    cmd->callback([o, &context] { context.exit_code = run(*o); });
}

} // namespace

SIPDX_REGISTER_COMMAND(110, setup, "query");

} // namespace sipdx::cli
