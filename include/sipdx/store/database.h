// The embedded store: one SQLite file (docs/store.md lists every table and column).
//
//   auto db = store::Database::open("sipdx.db");                  // creates or migrates
//   auto ro = store::Database::open("sipdx.db", {.mode = store::OpenMode::read_only});
//
// A read-write open creates the file when missing, refuses a file written by a newer schema
// version before changing anything, applies the pending migrations (one transaction each, the
// version kept in PRAGMA user_version) and switches the journal to WAL. A read-only open uses
// SQLITE_OPEN_READONLY and PRAGMA query_only, so no statement can change the file.
// Not thread-safe: one Database per thread.
#pragma once

#include <sipdx/store/error.h>

#include <tl/expected.hpp>

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;

namespace sipdx::store {

// The schema version this build writes and reads (PRAGMA user_version).
inline constexpr int schema_version = 6;

enum class OpenMode : std::uint8_t { read_write, read_only };

struct OpenOptions {
    OpenMode mode = OpenMode::read_write;
    int busy_timeout_ms = 5000;      // how long to wait for another writer's lock
    std::int64_t max_page_count = 0; // > 0: PRAGMA max_page_count (a size quota; tests use it)
};

class Database {
public:
    [[nodiscard]] static tl::expected<Database, StoreError> open(const std::string& path,
                                                                 OpenOptions options = {});
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    sqlite3* handle() const { return m_db; }
    const std::string& path() const { return m_path; }
    bool read_only() const { return m_read_only; }

    // Runs one or more statements that return no rows.
    [[nodiscard]] tl::expected<void, StoreError> exec(std::string_view sql);
    // The last error of the connection as a StoreError naming the file and `what` was done.
    StoreError error(std::string_view what) const;
    StoreError error(int sqlite_code, std::string_view what) const;

private:
    Database(sqlite3* db, std::string path, bool read_only)
        : m_db(db), m_path(std::move(path)), m_read_only(read_only) {}
    sqlite3* m_db = nullptr;
    std::string m_path;
    bool m_read_only = false;
};

} // namespace sipdx::store
