// The two read-side backends behind store::Backend: each forwards to its store's queries.
#include <sipdx/store/backend.h>

#include <sipdx/store/clickhouse.h>
#include <sipdx/store/database.h>

#include <cctype>
#include <memory>

namespace sipdx::store {
namespace {

class SqliteBackend final : public Backend {
public:
    explicit SqliteBackend(Database db) : m_db(std::move(db)) {}
    tl::expected<ResultSet, StoreError> select_calls(const QueryFilter& filter,
                                                     std::size_t limit) override {
        return store::select_calls(m_db, filter, limit);
    }
    tl::expected<std::vector<CodeCount>, StoreError> summary(const QueryFilter& filter) override {
        return store::summary(m_db, filter);
    }
    tl::expected<std::uint64_t, StoreError>
    partial_message_captures(const QueryFilter& filter) override {
        return store::partial_message_captures(m_db, filter);
    }
    tl::expected<ResultSet, StoreError> run_sql(std::string_view sql,
                                                const SqlLimits& limits) override {
        return store::run_sql(m_db, sql, limits);
    }

private:
    Database m_db;
};

class ClickHouseBackend final : public Backend {
public:
    explicit ClickHouseBackend(ClickHouse ch) : m_ch(std::move(ch)) {}
    tl::expected<ResultSet, StoreError> select_calls(const QueryFilter& filter,
                                                     std::size_t limit) override {
        return m_ch.select_calls(filter, limit);
    }
    tl::expected<std::vector<CodeCount>, StoreError> summary(const QueryFilter& filter) override {
        return m_ch.summary(filter);
    }
    tl::expected<std::uint64_t, StoreError>
    partial_message_captures(const QueryFilter& filter) override {
        return m_ch.partial_message_captures(filter);
    }
    tl::expected<ResultSet, StoreError> run_sql(std::string_view sql,
                                                const SqlLimits& limits) override {
        return m_ch.run_sql(sql, limits);
    }

private:
    ClickHouse m_ch;
};

// "scheme://..." (letters, digits, + - . after a letter): a URL rather than a file name.
bool has_scheme(std::string_view location) {
    const auto colon = location.find("://");
    if (colon == std::string_view::npos || colon == 0) return false;
    if (!std::isalpha(static_cast<unsigned char>(location[0]))) return false;
    for (char c : location.substr(0, colon))
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
            return false;
    return true;
}

} // namespace

tl::expected<std::unique_ptr<Backend>, StoreError> open_backend(std::string_view location,
                                                                const BackendOptions& options) {
    if (has_scheme(location)) {
        auto ch = ClickHouse::connect(location,
                                      ClickHouseOptions{options.timeout_ms, options.retries, 200});
        if (!ch) return tl::unexpected(ch.error());
        return std::make_unique<ClickHouseBackend>(std::move(*ch));
    }
    auto db = Database::open(std::string(location), {.mode = OpenMode::read_only,
                                                     .busy_timeout_ms = options.busy_timeout_ms});
    if (!db) return tl::unexpected(db.error());
    return std::make_unique<SqliteBackend>(std::move(*db));
}

} // namespace sipdx::store
