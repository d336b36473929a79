// SQLite sink: prepared statements, one transaction per batch, completion marks visibility.
// The rows' statements and binding are in sqlite_rows.cpp, the writer lock in writer_lock.cpp.
#include "store/detail/session_rows.h"
#include "store/detail/sinks.h"
#include "store/detail/sqlite_rows.h"
#include "store/detail/statement.h"
#include "store/detail/writer_lock.h"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <ctime>
#include <map>
#include <optional>

#include <unistd.h>

namespace sipdx::store::detail {
namespace {

std::string now_iso() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

class SqliteSink final : public RecordSink {
public:
    SqliteSink(Database db, WriterLock lock, const StoreOptions& options)
        : m_lock(std::move(lock)), m_db(std::move(db)),
          m_batch_rows(std::max<std::size_t>(options.batch_rows, 1)),
          m_message_rows(options.message_rows) {}

    ~SqliteSink() override {
        if (m_in_txn) (void)m_db.exec("ROLLBACK");
    }

    tl::expected<void, StoreError> prepare() {
        auto m = Statement::prepare(m_db, insert_messages_sql(1));
        if (!m) return tl::unexpected(m.error());
        m_message = CachedStatement(std::move(*m), k_message_columns);
        auto g = Statement::prepare(m_db, insert_messages_sql(k_group_rows));
        if (!g) return tl::unexpected(g.error());
        m_message_group =
            CachedStatement(std::move(*g), static_cast<int>(k_group_rows) * k_message_columns);
        if (auto r = m_calls.prepare(m_db, "calls", k_call_columns, 39); !r) return r;
        if (auto r = m_finals.prepare(m_db, "call_finals", "call, capture_id, code, count", 4); !r)
            return r;
        if (auto r = m_findings.prepare(m_db, "findings",
                                        "call, capture_id, code, severity, frame, count", 6);
            !r)
            return r;
        // calls.id = this base + CallRecord::number: the tracker numbers the records as their
        // first message arrives, so each message row names its record without a Call-ID
        // look-up, and messages_by_call grows at its end instead of at random places.
        return read_call_base();
    }

    tl::expected<BeginResult, StoreError> begin_capture(std::uint32_t source,
                                                        const CaptureMeta& meta) override {
        if (m_captures.size() <= source) m_captures.resize(source + 1, -1);
        auto find = Statement::prepare(m_db, "SELECT id, state FROM captures WHERE sha256 = ?1");
        if (!find) return tl::unexpected(find.error());
        find->bind(1, std::string_view(meta.sha256));
        std::int64_t id = -1;
        std::string state;
        const int rc = find->step();
        if (rc == SQLITE_ROW) {
            id = find->column_int(0);
            state = std::string(find->column_text(1));
        } else if (rc != SQLITE_DONE) {
            return tl::unexpected(m_db.error(rc, "read captures"));
        }
        if (state == "complete") return BeginResult::skip;
        for (std::size_t i = 0; i < m_captures.size(); ++i)
            if (m_captures[i] == id && id >= 0) return BeginResult::skip; // same bytes twice

        // Earlier captures' rows may be in an open batch transaction: commit them first (a
        // capture's rows are invisible until it is complete, whatever the batches).
        flush_all();
        if (m_error) return tl::unexpected(*m_error);
        if (m_in_txn) {
            if (auto r = m_db.exec("COMMIT"); !r) return fail(r.error());
            m_in_txn = false;
        }
        if (auto r = m_db.exec("BEGIN IMMEDIATE"); !r) return tl::unexpected(r.error());
        auto rollback = [&](StoreError e) {
            (void)m_db.exec("ROLLBACK");
            return tl::unexpected(std::move(e));
        };
        BeginResult result = BeginResult::write;
        if (id >= 0) {
            // An earlier run died before completing this capture: drop its partial rows.
            result = BeginResult::resume;
            if (auto r = delete_rows(id); !r) return rollback(r.error());
        } else {
            auto insert = Statement::prepare(
                m_db, "INSERT INTO captures (sha256, name, size, state, ingested_at, "
                      "schema, message_rows) VALUES (?1, ?2, ?3, 'ingesting', ?4, ?5, ?6)");
            if (!insert) return rollback(insert.error());
            insert->bind(1, std::string_view(meta.sha256));
            insert->bind(2, std::string_view(meta.name));
            insert->bind(3, meta.size);
            insert->bind(4, std::string_view(now_iso()));
            insert->bind(5, schema_version);
            insert->bind(6, to_string(m_message_rows));
            if (int irc = insert->step(); irc != SQLITE_DONE)
                return rollback(m_db.error(irc, "insert capture"));
            id = sqlite3_last_insert_rowid(m_db.handle());
        }
        if (auto r = m_db.exec("COMMIT"); !r) return rollback(r.error());
        m_captures[source] = id;
        return result;
    }

    // Rows of captures begun unhashed by a run that died: nobody can complete them (their
    // identity was never written), so they are removed. Called under the writer lock, so no
    // live run owns them. Remembers their name and size, to report the rerun as a resume.
    tl::expected<void, StoreError> collect_abandoned() {
        auto find = Statement::prepare(m_db, "SELECT id, name, size FROM captures WHERE state = "
                                             "'ingesting' AND sha256 LIKE 'pending:%'");
        if (!find) return tl::unexpected(find.error());
        std::vector<std::int64_t> ids;
        for (int rc = find->step(); rc != SQLITE_DONE; rc = find->step()) {
            if (rc != SQLITE_ROW) return tl::unexpected(m_db.error(rc, "read captures"));
            ids.push_back(find->column_int(0));
            m_abandoned.emplace_back(std::string(find->column_text(1)),
                                     static_cast<std::uint64_t>(find->column_int(2)));
        }
        if (ids.empty()) return {};
        if (auto r = m_db.exec("BEGIN IMMEDIATE"); !r) return tl::unexpected(r.error());
        for (const std::int64_t id : ids) {
            if (auto r = delete_capture(id); !r) {
                (void)m_db.exec("ROLLBACK");
                return tl::unexpected(r.error());
            }
        }
        if (auto r = m_db.exec("COMMIT"); !r) {
            (void)m_db.exec("ROLLBACK");
            return tl::unexpected(r.error());
        }
        return {};
    }

    tl::expected<BeginResult, StoreError> begin_unhashed(std::uint32_t source,
                                                         const CaptureMeta& meta) override {
        // A provisional identity, unique to this run and source, replaced on completion.
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        CaptureMeta provisional = meta;
        provisional.sha256 =
            fmt::format("pending:{}:{}:{}", ::getpid(),
                        std::chrono::duration_cast<std::chrono::nanoseconds>(now).count(), source);
        auto begun = begin_capture(source, provisional);
        if (!begun || *begun != BeginResult::write) return begun;
        for (const auto& [name, size] : m_abandoned)
            if (name == meta.name && size == meta.size) return BeginResult::resume;
        return begun;
    }

    bool may_hold_size(std::uint64_t size) override {
        auto find = Statement::prepare(m_db, "SELECT 1 FROM captures WHERE size = ?1 LIMIT 1");
        if (!find) return true; // cannot tell: hash first
        find->bind(1, size);
        return find->step() != SQLITE_DONE;
    }

    void message(const RowBatch& batch, const MessageRow& m) override {
        if (capture_of(m.source) < 0 || !begin_row()) return;
        // Rows are inserted k_group_rows at a time (the rows stay in `batch` until
        // end_batch()); the remainder goes one row per statement.
        if (m.call != 0)
            m_last_call = std::max(m_last_call, m_call_base + static_cast<std::int64_t>(m.call));
        m_group_batch = &batch;
        m_group[m_group_size++] = &m;
        if (m_group_size == k_group_rows) flush_group();
    }

    void end_batch() override { flush_all(); }

    void call(const session::CallRecord& r) override {
        const std::int64_t capture = capture_of(r.source);
        if (capture < 0 || !begin_row()) return;
        const std::int64_t call = m_call_base + static_cast<std::int64_t>(r.number);
        m_last_call = std::max(m_last_call, call);
        // The record lives in the writer's batch until end_batch(): its text is bound in place
        // when the group is written.
        auto& row = m_calls.rows[m_calls.size++];
        row.record = &r;
        row.id = call;
        row.capture = capture;
        if (m_calls.size == k_group_calls) flush_calls();
        auto& counts = m_counts[r.source];
        if (counted_code(r.final_code)) ++counts[r.final_code][2];
        for (const auto& [code, count] : r.transaction_finals)
            if (counted_code(code)) counts[code][1] += count;
        for (const auto& [code, count] : r.transaction_finals) {
            m_finals.rows[m_finals.size++] = {call, capture, code, count};
            if (m_finals.size == k_group_small) flush_finals();
        }
        for (const auto& hit : r.findings) {
            m_findings.rows[m_findings.size++] = {call, capture, hit};
            if (m_findings.size == k_group_small) flush_findings();
        }
    }

    tl::expected<void, StoreError> complete(std::uint32_t source, const CaptureTotals& t) override {
        const auto begun = last_transaction_of(source);
        if (!begun) return tl::unexpected(begun.error());
        const std::int64_t id = *begun;
        if (id < 0) return {};
        if (!m_count_codes) {
            auto counts = Statement::prepare(
                m_db, "INSERT INTO code_counts (capture_id, code, messages, final_transactions, "
                      "final_calls) VALUES (?1, ?2, ?3, ?4, ?5)");
            if (!counts) return fail(counts.error());
            auto done = Statement::prepare(
                m_db,
                "UPDATE captures SET state = 'complete', first_ns = ?2, last_ns = ?3, frames = "
                "?4, sip_messages = ?5, calls = ?6, clean = ?7, ingested_at = ?8, sha256 = "
                "coalesce(nullif(?9, ''), sha256), message_rows = ?10 WHERE id = ?1");
            if (!done) return fail(done.error());
            m_count_codes = std::move(*counts);
            m_complete = std::move(*done);
        }
        auto& counts = *m_count_codes;
        auto& done = *m_complete;
        auto& codes = m_counts[source];
        for (std::size_t i = 0; i < t.responses.size(); ++i)
            if (t.responses[i] > 0) codes[static_cast<int>(100 + i)][0] = t.responses[i];
        for (const auto& [code, n] : codes) {
            counts.bind(1, id);
            counts.bind(2, code);
            counts.bind(3, n[0]);
            counts.bind(4, n[1]);
            counts.bind(5, n[2]);
            if (!step(counts, "count codes")) return fail(*m_error);
        }
        if (t.sessions)
            if (auto r = write_sqlite_sessions(m_db, id, *t.sessions); !r) return fail(r.error());
        done.bind(1, id);
        done.bind(2, t.first_ns);
        done.bind(3, t.last_ns);
        done.bind(4, t.frames);
        done.bind(5, t.sip_messages);
        done.bind(6, t.calls);
        done.bind(7, t.clean);
        done.bind(8, std::string_view(now_iso()));
        done.bind(9, std::string_view(t.sha256));
        done.bind(10, to_string(m_message_rows));
        if (!step(done, "complete capture")) return fail(*m_error);
        return commit_last(source);
    }

    tl::expected<void, StoreError> abandon(std::uint32_t source) override {
        const auto begun = last_transaction_of(source);
        if (!begun) return tl::unexpected(begun.error());
        if (*begun < 0) return {};
        if (auto r = delete_capture(*begun); !r) return fail(r.error());
        return commit_last(source);
    }

    void end_run() override { m_call_base = std::max(m_call_base, m_last_call); }

    tl::expected<void, StoreError> finish() override {
        flush_all();
        if (m_error) return tl::unexpected(*m_error);
        if (m_in_txn) {
            if (auto r = m_db.exec("COMMIT"); !r) return fail(r.error());
            m_in_txn = false;
        }
        return {};
    }

private:
    // Before a capture's last transaction (its completion or removal): its pending rows are
    // written and a transaction is open. Its captures.id, or -1 when it is not being written
    // (skipped, or done).
    tl::expected<std::int64_t, StoreError> last_transaction_of(std::uint32_t source) {
        flush_all();
        if (m_error) return tl::unexpected(*m_error);
        const std::int64_t id = capture_of(source);
        if (id < 0 || m_in_txn) return id;
        if (auto r = m_db.exec("BEGIN IMMEDIATE"); !r) return fail(r.error());
        m_in_txn = true;
        return id;
    }

    // Commits that transaction; nothing more of the capture is written.
    tl::expected<void, StoreError> commit_last(std::uint32_t source) {
        if (auto r = m_db.exec("COMMIT"); !r) return fail(r.error());
        m_in_txn = false;
        m_captures[source] = -1;
        m_counts.erase(source);
        return {};
    }

    // Within the caller's transaction: the rows of capture `id` in every table but captures.
    tl::expected<void, StoreError> delete_rows(std::int64_t id) {
        for (std::string_view table : k_session_tables)
            if (auto r = m_db.exec(fmt::format("DELETE FROM {} WHERE session_id IN (SELECT id "
                                               "FROM sessions WHERE capture_id = {})",
                                               table, id));
                !r)
                return r;
        for (std::string_view table :
             {"messages", "call_finals", "findings", "calls", "code_counts", "sessions"})
            if (auto r = m_db.exec(fmt::format("DELETE FROM {} WHERE capture_id = {}", table, id));
                !r)
                return r;
        return {};
    }

    // Within the caller's transaction: capture `id` and all its rows.
    tl::expected<void, StoreError> delete_capture(std::int64_t id) {
        if (auto r = delete_rows(id); !r) return r;
        return m_db.exec(fmt::format("DELETE FROM captures WHERE id = {}", id));
    }

    // The next run's records follow every calls row written so far.
    tl::expected<void, StoreError> read_call_base() {
        auto base = Statement::prepare(m_db, "SELECT coalesce(max(id), 0) FROM calls");
        if (!base) return tl::unexpected(base.error());
        if (const int rc = base->step(); rc != SQLITE_ROW)
            return tl::unexpected(m_db.error(rc, "read calls"));
        m_call_base = base->column_int(0);
        m_last_call = m_call_base;
        return {};
    }

    std::int64_t capture_of(std::uint32_t source) const {
        if (m_error || source >= m_captures.size()) return -1;
        return m_captures[source];
    }

    tl::unexpected<StoreError> fail(StoreError e) {
        if (m_in_txn) (void)m_db.exec("ROLLBACK");
        m_in_txn = false;
        if (!m_error) m_error = e;
        return tl::unexpected(std::move(e));
    }

    // Writes the message rows collected since the last flush: one multi-row INSERT for a full
    // group (the per-statement work -- opening cursors on the table and its index, halting --
    // was about a third of the writer's instructions with one row per statement).
    void flush_group() {
        const std::size_t n = std::exchange(m_group_size, 0);
        if (n == 0 || m_error) return;
        if (n == k_group_rows) {
            for (std::size_t i = 0; i < n; ++i)
                m_binder.bind(m_message_group, static_cast<int>(i), *m_group_batch, *m_group[i],
                              capture_of(m_group[i]->source), m_call_base);
            (void)step(m_message_group.statement(), "insert messages", false);
            return;
        }
        for (std::size_t i = 0; i < n && !m_error; ++i) {
            m_binder.bind(m_message, 0, *m_group_batch, *m_group[i], capture_of(m_group[i]->source),
                          m_call_base);
            (void)step(m_message.statement(), "insert message", false);
        }
    }

    // Writes the rows collected in `g`: a full group as one multi-row INSERT, fewer one by
    // one. `bind(statement, first parameter - 1, row)` binds every column of a row.
    template <typename Group, typename Bind>
    void flush_rows(Group& g, Bind bind, std::string_view what) {
        const std::size_t n = std::exchange(g.size, 0);
        if (n == 0 || m_error) return;
        if (n == g.rows.size()) {
            for (std::size_t i = 0; i < n; ++i)
                bind(g.many, static_cast<int>(i) * g.columns, g.rows[i]);
            (void)step(g.many.statement(), what, false);
            return;
        }
        for (std::size_t i = 0; i < n && !m_error; ++i) {
            bind(g.one, 0, g.rows[i]);
            (void)step(g.one.statement(), what, false);
        }
    }

    void flush_calls() { flush_rows(m_calls, bind_call_row, "insert calls"); }
    void flush_finals() { flush_rows(m_finals, bind_final_row, "insert call_finals"); }
    void flush_findings() { flush_rows(m_findings, bind_finding_row, "insert findings"); }

    // Everything that still points into the current batch.
    void flush_all() {
        flush_group();
        flush_calls();
        flush_finals();
        flush_findings();
    }

    // Opens the batch transaction if needed; commits it when full.
    bool begin_row() {
        if (m_in_txn && m_rows >= m_batch_rows) {
            flush_all();
            if (m_error) return false;
            if (auto r = m_db.exec("COMMIT"); !r) {
                (void)fail(r.error());
                return false;
            }
            m_in_txn = false;
            test_batch_committed(++m_batches);
        }
        if (!m_in_txn) {
            if (auto r = m_db.exec("BEGIN IMMEDIATE"); !r) {
                (void)fail(r.error());
                return false;
            }
            m_in_txn = true;
            m_rows = 0;
        }
        ++m_rows;
        return true;
    }

    bool step(Statement& s, std::string_view what, bool clear = true) {
        const int rc = s.step();
        if (clear) {
            s.reset();
        } else {
            s.reset_keep_bindings();
        }
        if (rc == SQLITE_DONE || rc == SQLITE_ROW) return true;
        (void)fail(m_db.error(rc, what));
        return false;
    }

    WriterLock m_lock;
    Database m_db;
    std::size_t m_batch_rows;
    MessageRows m_message_rows;
    std::int64_t m_call_base = 0; // calls.id = base + CallRecord::number within a run
    std::int64_t m_last_call = 0; // the largest calls.id given so far
    std::optional<Statement> m_count_codes;
    std::optional<Statement> m_complete;
    CachedStatement m_message;       // one row
    CachedStatement m_message_group; // k_group_rows rows
    RowGroup<CallRow, k_group_calls> m_calls;
    RowGroup<FinalRow, k_group_small> m_finals;
    RowGroup<FindingRow, k_group_small> m_findings;
    std::vector<std::int64_t> m_captures; // source -> captures.id, -1 when skipped
    std::vector<std::pair<std::string, std::uint64_t>> m_abandoned; // name, size
    // Per source: code -> responses, final transactions, final Call-IDs (code_counts).
    std::map<std::uint32_t, std::map<int, std::array<std::uint64_t, 3>>> m_counts;
    MessageRowBinder m_binder;
    // The message rows waiting for flush_group(), all of one batch.
    const RowBatch* m_group_batch = nullptr;
    std::array<const MessageRow*, k_group_rows> m_group{};
    std::size_t m_group_size = 0;
    std::size_t m_rows = 0;
    std::uint64_t m_batches = 0;
    bool m_in_txn = false;
    std::optional<StoreError> m_error;
};

} // namespace

tl::expected<std::unique_ptr<RecordSink>, StoreError>
make_sqlite_sink(const StoreOptions& options) {
    auto db = Database::open(options.db, {.mode = OpenMode::read_write,
                                          .busy_timeout_ms = options.busy_timeout_ms,
                                          .max_page_count = options.max_page_count});
    if (!db) return tl::unexpected(db.error());
    // A cache large enough for the index pages that a long ingest keeps touching (the
    // default 2 MiB makes SQLite re-read them from the OS once the file has grown; 4 MiB
    // still does). Not larger: every cached page is fresh memory that the kernel faults in
    // and zeroes, and 32 MiB read nothing less than 8 MiB while costing 6,700 more faults.
    if (auto r = db->exec("PRAGMA cache_size = -8192"); !r) return tl::unexpected(r.error());
    auto lock = WriterLock::acquire(options.db, options.busy_timeout_ms);
    if (!lock) return tl::unexpected(lock.error());
    auto sink = std::make_unique<SqliteSink>(std::move(*db), std::move(*lock), options);
    if (auto r = sink->prepare(); !r) return tl::unexpected(r.error());
    if (auto r = sink->collect_abandoned(); !r) return tl::unexpected(r.error());
    return sink;
}

} // namespace sipdx::store::detail