// sipdx query --db FILE | --clickhouse URL: the stored calls selected with the filters of
// `sipdx calls`, their class-then-code summary, or read-only SQL (docs/store.md).
#include "command.h"

#include <sipdx/store/clickhouse.h>
#include <sipdx/store/query.h>

#include <unistd.h>

#include <chrono>
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
    std::vector<int> codes;
    std::vector<std::string> outcomes;
    std::vector<std::string> classes;
    std::string from;
    std::string to;
    std::string since;
    std::string until;
    std::vector<std::string> captures;
    std::string sql;
    bool summary = false;
    std::string format;
    std::size_t limit = 0;
    int busy_timeout_ms = 5000;
    int retries = 5;
};

store::QueryFilter make_filter(const QueryCliOptions& o) {
    store::QueryFilter f;
    for (int code : o.codes) {
        if (code < 100 || code > 699) throw UsageError("--code must be 100..699");
        f.codes.push_back(code);
    }
    for (const auto& name : o.outcomes) {
        auto outcome = session::parse_outcome(name);
        if (!outcome) throw UsageError("unknown --outcome '" + name + "'");
        f.outcomes.push_back(*outcome);
    }
    for (const auto& text : o.classes) {
        if (text.empty() || text[0] < '1' || text[0] > '6' ||
            (text.size() != 1 &&
             (text.size() != 3 || (text.substr(1) != "xx" && text.substr(1) != "XX"))))
            throw UsageError("--class must be 1..6 or 1xx..6xx, not '" + text + "'");
        f.classes.push_back(text[0] - '0');
    }
    f.from = o.from;
    f.to = o.to;
    const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    if (!o.since.empty()) {
        auto t = store::parse_time(o.since, now);
        if (!t) throw UsageError("--since: " + t.error());
        f.since_ns = *t;
    }
    if (!o.until.empty()) {
        auto t = store::parse_time(o.until, now);
        if (!t) throw UsageError("--until: " + t.error());
        f.until_ns = *t;
    }
    f.captures = o.captures;
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

int run(const QueryCliOptions& options) {
    if (options.db.empty() == options.clickhouse.empty())
        throw UsageError("query: give exactly one of --db FILE or --clickhouse URL");
    if (!options.sql.empty() && options.summary)
        throw UsageError("query: --sql and --summary do not go together");
    const auto filter = make_filter(options);
    if (!options.sql.empty() && (filter.selects_calls() || !filter.captures.empty()))
        throw UsageError("query: --sql takes no filters (write them in the SQL)");

    static const std::map<std::string, store::OutputFormat> formats{
        {"table", store::OutputFormat::table},
        {"ndjson", store::OutputFormat::ndjson},
        {"csv", store::OutputFormat::csv},
        {"tsv", store::OutputFormat::tsv}};
    store::OutputFormat format = (options.summary || isatty(STDOUT_FILENO))
                                     ? store::OutputFormat::table
                                     : store::OutputFormat::ndjson;
    if (!options.format.empty()) format = formats.at(options.format);

    std::string text;
    if (!options.db.empty()) {
        auto db = value_or_throw(
            store::Database::open(options.db, {.mode = store::OpenMode::read_only,
                                               .busy_timeout_ms = options.busy_timeout_ms}));
        if (options.summary) {
            text = store::render_summary(value_or_throw(store::summary(db, filter)), format);
            if (filter.selects_calls())
                note_partial(value_or_throw(store::partial_message_captures(db, filter)));
        } else if (!options.sql.empty()) {
            text = store::render(value_or_throw(store::run_sql(db, options.sql)), format);
        } else {
            text = store::render(value_or_throw(store::select_calls(db, filter, options.limit)),
                                 format);
        }
    } else {
        auto ch = value_or_throw(store::ClickHouse::connect(
            options.clickhouse, store::ClickHouseOptions{30000, options.retries, 200}));
        if (options.summary) {
            text = store::render_summary(value_or_throw(ch.summary(filter)), format);
            if (filter.selects_calls())
                note_partial(value_or_throw(ch.partial_message_captures(filter)));
        } else if (!options.sql.empty()) {
            text = store::render(value_or_throw(ch.run_sql(options.sql)), format);
        } else {
            text = store::render(value_or_throw(ch.select_calls(filter, options.limit)), format);
        }
    }
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
    cmd->add_option("--outcome", o->outcomes,
                    "Only these outcomes (answered, failed, cancelled, redirected, timeout, "
                    "in-progress, registered, unregistered, challenged, completed, ended)")
        ->delimiter(',');
    cmd->add_option("--code", o->codes, "Only these final codes (e.g. 486,503)")->delimiter(',');
    cmd->add_option("--class", o->classes, "Only these final classes (e.g. 4xx or 4)")
        ->delimiter(',');
    cmd->add_option("--from", o->from, "From URI contains this text");
    cmd->add_option("--to", o->to, "To URI contains this text");
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
    cmd->add_option("--format", o->format,
                    "table (default on a terminal and for --summary), ndjson (default "
                    "otherwise), csv, tsv")
        ->check(CLI::IsMember({"table", "ndjson", "csv", "tsv"}));
    cmd->add_option("--limit", o->limit, "At most this many calls (0: all)");
    cmd->add_option("--busy-timeout", o->busy_timeout_ms,
                    "Milliseconds to wait for a writer's lock (default 5000)")
        ->check(CLI::Range(0, 3'600'000));
    cmd->add_option("--retries", o->retries,
                    "ClickHouse: retries of a failed request, with doubling back-off (default 5)")
        ->check(CLI::Range(0, 20));
    cmd->callback([o, &context] { context.exit_code = run(*o); });
}

} // namespace

SIPDX_REGISTER_COMMAND(110, setup);

} // namespace sipdx::cli
