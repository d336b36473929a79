// `query --sql` on SQLite: one read-only statement under an authorizer, a time limit, a memory
// limit and a bound on the answer (docs/store.md "Free SQL and its limits").
#include <sipdx/store/query.h>
#include <sipdx/text/text.h>

#include <fmt/format.h>

#include <sqlite3.h>

#include <array>
#include <cctype>
#include <chrono>
#include <string_view>

namespace sipdx::store {
namespace {

// Functions that hand out what a query must not have: fts3_tokenizer() returns the address of
// a tokenizer module (and with two arguments installs one from an address), load_extension()
// runs a library's code.
constexpr std::array<std::string_view, 2> k_denied_functions = {"fts3_tokenizer", "load_extension"};

// Pragmas that only describe the database. Any other (hard_heap_limit, which would lift the
// memory limit, mmap_size, cache_size, journal_mode ...) is refused; the ones that can also
// set a value are refused with an argument.
constexpr std::array<std::string_view, 18> k_describing_pragmas = {
    "table_info",   "table_xinfo",      "table_list",      "index_list",      "index_info",
    "index_xinfo",  "foreign_key_list", "database_list",   "collation_list",  "function_list",
    "module_list",  "pragma_list",      "compile_options", "integrity_check", "quick_check",
    "user_version", "schema_version",   "application_id"};
constexpr std::array<std::string_view, 3> k_settable_pragmas = {"user_version", "schema_version",
                                                                "application_id"};

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& list, const char* name) {
    if (name == nullptr) return false;
    // The list is lower case; SQLite hands the pragma name over as the statement spelled it.
    for (auto entry : list)
        if (text::iequals(entry, name)) return true;
    return false;
}

// Belt and braces over the read-only connection: ATTACH (which could create a file), every
// write, the denied functions and the pragmas that are not descriptions are refused when the
// statement is compiled.
int read_only_authorizer(void*, int action, const char* arg1, const char* arg2, const char*,
                         const char*) {
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
        return SQLITE_OK;
    case SQLITE_FUNCTION: // arg2: the function's name
        return listed(k_denied_functions, arg2) ? SQLITE_DENY : SQLITE_OK;
    case SQLITE_PRAGMA: // arg1: the pragma, arg2: its argument or NULL
        if (!listed(k_describing_pragmas, arg1)) return SQLITE_DENY;
        return arg2 != nullptr && listed(k_settable_pragmas, arg1) ? SQLITE_DENY : SQLITE_OK;
    default:
        return SQLITE_DENY;
    }
}

struct Deadline {
    std::chrono::steady_clock::time_point at;
    bool passed = false;
};

// Called by SQLite every few thousand virtual-machine steps: a non-zero answer interrupts the
// statement, which then fails with SQLITE_INTERRUPT.
int past_deadline(void* data) {
    auto* d = static_cast<Deadline*>(data);
    if (std::chrono::steady_clock::now() < d->at) return 0;
    d->passed = true;
    return 1;
}

// Sets the connection's limits for one statement and puts back the earlier values after it.
class Limited {
public:
    Limited(sqlite3* db, const SqlLimits& limits) : m_db(db) {
        sqlite3_set_authorizer(db, read_only_authorizer, nullptr);
        m_deadline.at = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(std::max(limits.time_limit_ms, 1));
        sqlite3_progress_handler(db, 1000, past_deadline, &m_deadline);
        const auto value_bytes =
            std::clamp<std::int64_t>(limits.memory_limit_bytes / 4, 1, 1'000'000'000);
        m_length = sqlite3_limit(db, SQLITE_LIMIT_LENGTH, static_cast<int>(value_bytes));
        // The hard heap limit is the process's (SQLite has no per-connection one): set for the
        // statement only, and never raised above a stricter one already in force.
        m_heap = sqlite3_hard_heap_limit64(-1);
        if (m_heap == 0 || limits.memory_limit_bytes < m_heap)
            sqlite3_hard_heap_limit64(std::max<std::int64_t>(limits.memory_limit_bytes, 1));
    }
    ~Limited() {
        sqlite3_hard_heap_limit64(m_heap);
        sqlite3_limit(m_db, SQLITE_LIMIT_LENGTH, m_length);
        sqlite3_progress_handler(m_db, 0, nullptr, nullptr);
        sqlite3_set_authorizer(m_db, nullptr, nullptr);
    }
    Limited(const Limited&) = delete;
    Limited& operator=(const Limited&) = delete;
    bool timed_out() const { return m_deadline.passed; }

private:
    sqlite3* m_db;
    Deadline m_deadline;
    int m_length = 0;
    sqlite3_int64 m_heap = 0;
};

} // namespace

tl::expected<ResultSet, StoreError> run_sql(Database& db, std::string_view sql,
                                            const SqlLimits& limits) {
    Limited limited(db.handle(), limits);
    auto rejected = [&](std::string what) {
        return tl::unexpected(StoreError{ErrorKind::rejected, std::move(what)});
    };
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    const int rc =
        sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &raw, &tail);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(raw);
        auto e = db.error(rc, "--sql");
        e.kind = ErrorKind::rejected;
        return tl::unexpected(e);
    }
    // Adopt the statement so it is finalised on every path.
    struct Adopt {
        sqlite3_stmt* s;
        ~Adopt() { sqlite3_finalize(s); }
    } adopt{raw};
    if (raw == nullptr) return rejected("--sql: no statement given");
    std::string_view rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
    while (!rest.empty() &&
           (std::isspace(static_cast<unsigned char>(rest.front())) || rest.front() == ';'))
        rest.remove_prefix(1);
    if (!rest.empty()) return rejected("--sql: one statement only");
    if (!sqlite3_stmt_readonly(raw))
        return rejected(fmt::format(
            "{}: --sql is read-only: the statement would change the database", db.path()));
    ResultSet set;
    const int n = sqlite3_column_count(raw);
    for (int i = 0; i < n; ++i)
        set.columns.emplace_back(sqlite3_column_name(raw, i));
    std::size_t held = 0; // bytes of the answer so far
    for (;;) {
        const int step = sqlite3_step(raw);
        if (step == SQLITE_DONE) break;
        if (step == SQLITE_INTERRUPT && limited.timed_out())
            return rejected(fmt::format("{}: --sql stopped at its time limit ({} ms)", db.path(),
                                        limits.time_limit_ms));
        if (step == SQLITE_NOMEM || step == SQLITE_TOOBIG)
            return rejected(fmt::format("{}: --sql stopped at its memory limit ({} bytes; values "
                                        "at most a quarter of it): {}",
                                        db.path(), limits.memory_limit_bytes,
                                        sqlite3_errmsg(db.handle())));
        if (step != SQLITE_ROW) return tl::unexpected(db.error(step, "--sql"));
        auto& row = set.rows.emplace_back();
        held += sizeof(Cell) * static_cast<std::size_t>(n);
        for (int i = 0; i < n; ++i) {
            Cell c;
            switch (sqlite3_column_type(raw, i)) {
            case SQLITE_INTEGER:
                c.type = Cell::Type::integer;
                c.integer = sqlite3_column_int64(raw, i);
                break;
            case SQLITE_FLOAT:
                c.type = Cell::Type::real;
                c.real = sqlite3_column_double(raw, i);
                break;
            case SQLITE_NULL:
                break;
            default: {
                c.type = Cell::Type::text;
                const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(raw, i));
                c.text.assign(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(raw, i)));
                held += c.text.size();
            }
            }
            row.push_back(std::move(c));
        }
        // The rows are held until they are printed: the answer is bounded like SQLite's heap.
        if (held > static_cast<std::size_t>(limits.memory_limit_bytes))
            return rejected(fmt::format("{}: --sql stopped at its memory limit ({} bytes): the "
                                        "answer is larger; select fewer rows or columns",
                                        db.path(), limits.memory_limit_bytes));
    }
    return set;
}

} // namespace sipdx::store
