// The ClickHouse sink: rows as TabSeparated INSERT batches per capture and table, each batch
// numbered by its rows' seq so that a rerun writes only the missing ones, and the captures row
// last (what makes a capture visible).
#include <sipdx/store/clickhouse.h>

#include "store/detail/clickhouse.h"
#include "store/detail/clickhouse_rows.h"
#include "store/detail/session_rows.h"
#include "store/detail/sinks.h"
#include "store/detail/sql.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>
#include <map>
#include <optional>

namespace sipdx::store {

namespace detail {
namespace {

using ch::num;
using ch::seconds;
using ch::tsv;

enum Table : std::size_t { t_calls, t_finals, t_findings, t_messages, t_count };
constexpr std::string_view k_table_names[t_count] = {"calls", "call_finals", "findings",
                                                     "messages"};

struct Buffer {
    std::string rows;
    std::uint64_t count = 0;    // rows in `rows`
    std::uint64_t next_seq = 0; // seq of the next row of this table in the capture
};

struct CaptureState {
    bool active = false;
    CaptureMeta meta;
    std::array<Buffer, t_count> buffers;
    std::array<std::map<std::uint64_t, std::uint64_t>, t_count> present; // batch -> rows stored
    std::uint64_t failed = 0;
    std::uint64_t calls = 0;
};

class ClickHouseSink final : public RecordSink {
public:
    ClickHouseSink(ClickHouse ch, const StoreOptions& options, bool has_ingests, std::string note)
        : m_ch(std::move(ch)), m_has_ingests(has_ingests), m_note(std::move(note)),
          m_batch_rows(std::max<std::size_t>(options.batch_rows, 1)),
          m_message_rows(options.message_rows) {}

    tl::expected<BeginResult, StoreError> begin_capture(std::uint32_t source,
                                                        const CaptureMeta& meta) override {
        if (m_captures.size() <= source) m_captures.resize(source + 1);
        for (const auto& other : m_captures)
            if (other.active && other.meta.sha256 == meta.sha256) return BeginResult::skip;
        const std::string sha = quote(meta.sha256, Dialect::clickhouse);
        auto done = count(fmt::format("SELECT count() FROM captures WHERE sha256 = {}", sha));
        if (!done) return tl::unexpected(done.error());
        if (*done > 0) return BeginResult::skip;
        auto& state = m_captures[source];
        state.active = true;
        state.meta = meta;
        if (m_has_ingests) {
            // No marker: no earlier run wrote anything of it. Mark it before its first batch.
            const std::string check =
                fmt::format("SELECT count() FROM ingests WHERE capture_sha256 = {}", sha);
            auto marked = count(check);
            if (!marked) return tl::unexpected(marked.error());
            if (*marked == 0) {
                std::string row;
                tsv(row, meta.sha256);
                row += fmt::format("\t{}\n", std::time(nullptr));
                if (!insert_once(fmt::format("INSERT INTO ingests ({}) FORMAT TabSeparated",
                                             clickhouse_columns("ingests")),
                                 row, check, 1))
                    return tl::unexpected(*m_last_error);
                return BeginResult::write;
            }
        }
        bool resume = false;
        for (std::size_t t = 0; t < t_count; ++t) {
            auto present =
                m_ch.select(fmt::format("SELECT intDiv(seq, {}) AS batch, count() FROM {} WHERE "
                                        "capture_sha256 = {} GROUP BY batch",
                                        m_batch_rows, k_table_names[t], sha),
                            false);
            if (!present) return tl::unexpected(present.error());
            for (const auto& row : present->rows) {
                state.present[t][static_cast<std::uint64_t>(row[0].integer)] =
                    static_cast<std::uint64_t>(row[1].integer);
                resume = true;
            }
        }
        return resume ? BeginResult::resume : BeginResult::write;
    }

    void message(const RowBatch& batch, const MessageRow& m) override {
        CaptureState* c = active(m.source);
        if (!c) return;
        Buffer& b = c->buffers[t_messages];
        ch::append_message_row(b.rows, c->meta.sha256, b.next_seq + b.count, batch, m);
        added(*c, t_messages);
    }

    void call(const session::CallRecord& r) override {
        CaptureState* c = active(r.source);
        if (!c) return;
        ++c->calls;
        Buffer& b = c->buffers[t_calls];
        const std::uint64_t call_seq = b.next_seq + b.count;
        ch::append_call_row(b.rows, c->meta.sha256, c->meta.name, call_seq, r);
        for (const auto& [code, count] : r.transaction_finals) {
            Buffer& f = c->buffers[t_finals];
            ch::append_final_row(f.rows, c->meta.sha256, f.next_seq + f.count, call_seq, r.start_ns,
                                 code, count);
            added(*c, t_finals);
        }
        for (const auto& hit : r.findings) {
            Buffer& f = c->buffers[t_findings];
            ch::append_finding_row(f.rows, c->meta.sha256, f.next_seq + f.count, call_seq, r, hit);
            added(*c, t_findings);
        }
        added(*c, t_calls);
    }

    tl::expected<void, StoreError> complete(std::uint32_t source,
                                            const CaptureTotals& tot) override {
        if (m_fatal) return tl::unexpected(*m_fatal);
        if (source >= m_captures.size() || !m_captures[source].active) return {};
        auto& c = m_captures[source];
        for (std::size_t t = 0; t < t_count; ++t)
            flush(c, static_cast<Table>(t));
        if (m_fatal) return tl::unexpected(*m_fatal);
        c.active = false; // done: its buffers are not needed any more
        c.buffers = {};
        c.present = {};
        if (c.failed > 0 || m_failed > 0) {
            // Not complete: a rerun writes the missing batches and then this row.
            if (c.failed == 0) {
                ++c.failed;
                ++m_failed;
            }
            return {};
        }
        if (tot.sessions && !write_sessions(c, *tot.sessions)) return {};
        if (!write_code_counts(c, tot)) return {};
        std::string row;
        tsv(row, c.meta.sha256);
        row += '\t';
        tsv(row, c.meta.name);
        row += fmt::format("\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", c.meta.size,
                           seconds(tot.first_ns), tot.first_ns, tot.last_ns, tot.frames,
                           tot.sip_messages, c.calls, tot.clean ? 1 : 0, std::time(nullptr),
                           to_string(m_message_rows));
        const std::string check = fmt::format("SELECT count() FROM captures WHERE sha256 = {}",
                                              quote(c.meta.sha256, Dialect::clickhouse));
        if (!insert_once(fmt::format("INSERT INTO captures ({}) FORMAT TabSeparated",
                                     clickhouse_columns("captures")),
                         row, check, 1)) {
            ++c.failed;
            ++m_failed;
        }
        return {};
    }

    tl::expected<void, StoreError> finish() override {
        if (m_fatal) return tl::unexpected(*m_fatal);
        return {};
    }

    std::uint64_t failed_batches(std::uint32_t source) const override {
        return source < m_captures.size() ? m_captures[source].failed : 0;
    }
    std::string last_failure() const override {
        return m_last_error && m_failed > 0 ? m_last_error->message : std::string();
    }
    std::string note() const override { return m_note; }

private:
    // The capture's session rows, before its captures row, one INSERT per table: a table
    // that already holds the capture's rows (a rerun after a failed captures insert) is left
    // as it is.
    bool write_sessions(CaptureState& c, const std::vector<analysis::Session>& sessions) {
        for (const std::string_view table :
             {"sessions", "session_legs", "session_links", "session_nodes"}) {
            std::string rows;
            const std::uint64_t n = append_ch_session_rows(rows, table, c.meta.sha256, sessions);
            if (n == 0) continue;
            const std::string check =
                fmt::format("SELECT count() FROM {} WHERE capture_sha256 = {}", table,
                            quote(c.meta.sha256, Dialect::clickhouse));
            if (auto seen = count(check); seen && *seen == n) continue;
            if (!insert_once(fmt::format("INSERT INTO {} ({}) FORMAT TabSeparated", table,
                                         clickhouse_columns(table)),
                             rows, check, n)) {
                ++c.failed;
                ++m_failed;
                return false;
            }
        }
        return true;
    }

    // The capture's responses per code, before its captures row: written once (a rerun after
    // a failed captures insert finds them and does not write them again).
    bool write_code_counts(CaptureState& c, const CaptureTotals& tot) {
        std::string rows;
        std::uint64_t n = 0;
        for (std::size_t i = 0; i < tot.responses.size(); ++i) {
            if (tot.responses[i] == 0) continue;
            tsv(rows, c.meta.sha256);
            rows += fmt::format("\t{}\t{}\t{}\n", seconds(tot.first_ns), 100 + i, tot.responses[i]);
            ++n;
        }
        if (n == 0) return true;
        const std::string check =
            fmt::format("SELECT count() FROM code_counts WHERE capture_sha256 = {}",
                        quote(c.meta.sha256, Dialect::clickhouse));
        if (auto seen = count(check); seen && *seen == n) return true;
        if (insert_once(fmt::format("INSERT INTO code_counts ({}) FORMAT TabSeparated",
                                    clickhouse_columns("code_counts")),
                        rows, check, n))
            return true;
        ++c.failed;
        ++m_failed;
        return false;
    }

    // Sends one INSERT with request_with_retry(). Before a retry, `check` (a `SELECT count()`
    // of exactly the rows this INSERT writes) tells whether the failed attempt landed after
    // all. False when the rows were not written (m_last_error says why).
    bool insert_once(const std::string& insert, std::string_view data, const std::string& check,
                     std::uint64_t rows) {
        auto r = m_ch.request_with_retry(insert, data, false, [&] {
            auto seen = count(check);
            return seen && *seen == rows;
        });
        if (r) return true;
        m_last_error = r.error();
        return false;
    }

    // The answer of a `SELECT count() ...`.
    tl::expected<std::uint64_t, StoreError> count(const std::string& sql) const {
        auto r = m_ch.select(sql, false);
        if (!r) return tl::unexpected(r.error());
        if (r->rows.empty() || r->rows[0].empty()) return 0;
        return static_cast<std::uint64_t>(r->rows[0][0].integer);
    }

    CaptureState* active(std::uint32_t source) {
        if (m_fatal || source >= m_captures.size() || !m_captures[source].active) return nullptr;
        return &m_captures[source];
    }

    void added(CaptureState& c, Table t) {
        if (++c.buffers[t].count >= m_batch_rows) flush(c, t);
    }

    void flush(CaptureState& c, Table t) {
        Buffer& b = c.buffers[t];
        if (b.count == 0) return;
        const std::uint64_t batch = b.next_seq / m_batch_rows;
        const std::uint64_t rows = b.count;
        b.next_seq += b.count;
        b.count = 0;
        std::string data;
        data.swap(b.rows);
        const auto it = c.present[t].find(batch);
        const std::uint64_t stored = it == c.present[t].end() ? 0 : it->second;
        if (stored == rows) return; // written by an earlier run
        if (stored != 0) {
            m_fatal = StoreError{
                ErrorKind::server,
                fmt::format("clickhouse {}:{}: {} of capture {} holds {} rows in batch {} where "
                            "{} were expected; was it ingested with another --batch-rows?",
                            m_ch.url().host, m_ch.url().port, k_table_names[t], c.meta.name, stored,
                            batch, rows)};
            return;
        }
        if (m_failed > 0) {
            // The server stayed unreachable through a whole retry cycle: count the rest as
            // not written instead of spending the back-off on every batch.
            ++c.failed;
            ++m_failed;
            return;
        }
        const std::string insert =
            fmt::format("INSERT INTO {} ({}) FORMAT TabSeparated", k_table_names[t],
                        clickhouse_columns(k_table_names[t]));
        const std::string check = fmt::format(
            "SELECT count() FROM {} WHERE capture_sha256 = {} AND intDiv(seq, {}) = {}",
            k_table_names[t], quote(c.meta.sha256, Dialect::clickhouse), m_batch_rows, batch);
        if (!insert_once(insert, data, check, rows)) {
            ++c.failed;
            ++m_failed;
        }
        test_batch_committed(++m_batches);
    }

    ClickHouse m_ch;
    bool m_has_ingests = false; // schema 4: the ingests table of begun captures
    std::string m_note;
    std::size_t m_batch_rows;
    MessageRows m_message_rows;
    std::vector<CaptureState> m_captures;
    std::uint64_t m_failed = 0;
    std::uint64_t m_batches = 0;
    std::optional<StoreError> m_fatal;
    std::optional<StoreError> m_last_error;
};

} // namespace

tl::expected<std::unique_ptr<RecordSink>, StoreError>
make_clickhouse_sink(const StoreOptions& options) {
    auto ch = ClickHouse::connect(options.clickhouse,
                                  {options.timeout_ms, options.retries, options.retry_base_ms});
    if (!ch) return tl::unexpected(ch.error());
    auto schema = check_sink_schema(*ch);
    if (!schema) return tl::unexpected(schema.error());
    if (options.sessions && !schema->has_sessions)
        return tl::unexpected(server_error(
            ch->url(), "no session tables (made by an older sipdx) for --sessions: add them on "
                       "every node with `sipdx ch-schema --upgrade-from 5 [--cluster NAME] | "
                       "clickhouse-client --multiquery`"));
    return std::make_unique<ClickHouseSink>(std::move(*ch), options, schema->has_ingests,
                                            std::move(schema->note));
}

} // namespace detail
} // namespace sipdx::store
