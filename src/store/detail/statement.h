// A prepared SQLite statement with RAII finalisation and typed binds.
#pragma once

#include <sipdx/store/database.h>

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace sipdx::store::detail {

class Statement {
public:
    Statement() = default;
    Statement(Statement&& o) noexcept : m_stmt(o.m_stmt) { o.m_stmt = nullptr; }
    Statement& operator=(Statement&& o) noexcept {
        std::swap(m_stmt, o.m_stmt);
        return *this;
    }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement() { sqlite3_finalize(m_stmt); }

    static tl::expected<Statement, StoreError> prepare(Database& db, std::string_view sql) {
        Statement s;
        const int rc = sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()),
                                          SQLITE_PREPARE_PERSISTENT, &s.m_stmt, nullptr);
        if (rc != SQLITE_OK) return tl::unexpected(db.error(rc, "prepare"));
        return s;
    }

    sqlite3_stmt* get() const { return m_stmt; }
    explicit operator bool() const { return m_stmt != nullptr; }

    void reset() {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
    // For statements whose every parameter is bound for every row.
    void reset_keep_bindings() { sqlite3_reset(m_stmt); }
    void bind(int i, std::int64_t v) { sqlite3_bind_int64(m_stmt, i, v); }
    void bind(int i, std::uint64_t v) {
        sqlite3_bind_int64(m_stmt, i, static_cast<std::int64_t>(v));
    }
    void bind(int i, std::uint32_t v) { sqlite3_bind_int64(m_stmt, i, v); }
    void bind(int i, int v) { sqlite3_bind_int(m_stmt, i, v); }
    void bind(int i, bool v) { sqlite3_bind_int(m_stmt, i, v ? 1 : 0); }
    void bind(int i, double v) { sqlite3_bind_double(m_stmt, i, v); }
    void bind(int i, std::optional<double> v) {
        if (v) {
            sqlite3_bind_double(m_stmt, i, *v);
        } else {
            sqlite3_bind_null(m_stmt, i);
        }
    }
    // Text is copied by SQLite (the views of an event die with the callback).
    void bind(int i, std::string_view v) {
        // A default-constructed view has no data pointer, which SQLite would store as NULL.
        sqlite3_bind_text(m_stmt, i, v.data() ? v.data() : "", static_cast<int>(v.size()),
                          SQLITE_TRANSIENT);
    }
    // Text that stays valid and unchanged until the statement is stepped and reset (the
    // writer's row batches): SQLite reads it in place instead of copying it.
    void bind_static(int i, std::string_view v) {
        sqlite3_bind_text(m_stmt, i, v.data() ? v.data() : "", static_cast<int>(v.size()),
                          SQLITE_STATIC);
    }
    void bind_static_or_null(int i, std::string_view v) {
        if (v.empty()) {
            sqlite3_bind_null(m_stmt, i);
        } else {
            bind_static(i, v);
        }
    }
    void bind_text_or_null(int i, std::string_view v) {
        if (v.empty()) {
            sqlite3_bind_null(m_stmt, i);
        } else {
            bind(i, v);
        }
    }
    void bind_null(int i) { sqlite3_bind_null(m_stmt, i); }

    int step() { return sqlite3_step(m_stmt); }
    std::int64_t column_int(int i) const { return sqlite3_column_int64(m_stmt, i); }
    std::string_view column_text(int i) const {
        const auto* p = sqlite3_column_text(m_stmt, i);
        return p ? std::string_view(reinterpret_cast<const char*>(p),
                                    static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, i)))
                 : std::string_view();
    }

private:
    sqlite3_stmt* m_stmt = nullptr;
};

} // namespace sipdx::store::detail
