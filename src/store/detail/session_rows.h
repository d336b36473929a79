// Sessions (analysis::Session, docs/sessions.md) as store rows: the SQLite tables sessions,
// session_legs, session_links and session_nodes plus calls.session_id, and the same four
// tables in ClickHouse (docs/store.md "Sessions").
#pragma once

#include <sipdx/analysis/sessions.h>
#include <sipdx/store/database.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sipdx::store::detail {

// The role name (analysis::role_name) of `node` among the session's nodes; "" for no node.
std::string_view node_role(const analysis::Session& session, const std::string& node);

// Within the caller's open transaction: the capture's sessions, its calls' session_id, and
// captures.sessions = their number.
tl::expected<void, StoreError>
write_sqlite_sessions(Database& db, std::int64_t capture_id,
                      const std::vector<analysis::Session>& sessions);

// The tables written for sessions, children first (the order rows are deleted in).
inline constexpr std::string_view k_session_tables[] = {"session_legs", "session_links",
                                                        "session_nodes"};

// ClickHouse TabSeparated rows of the four tables for one capture, in the schema's column
// order; `table` is "sessions", "session_legs", "session_links" or "session_nodes".
// Returns the number of rows appended.
std::uint64_t append_ch_session_rows(std::string& out, std::string_view table,
                                     std::string_view sha256,
                                     const std::vector<analysis::Session>& sessions);

} // namespace sipdx::store::detail
