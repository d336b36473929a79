// A capture's sessions into SQLite, in the transaction that completes the capture: one row per
// session, leg, link and node, then each call row's session_id (the calls rows were written
// batch by batch before the sessions were known).
#include "store/detail/session_rows.h"
#include "store/detail/statement.h"

#include <sipdx/session/record.h>

namespace sipdx::store::detail {

using analysis::Session;

std::string_view node_role(const Session& session, const std::string& node) {
    if (node.empty()) return {};
    for (const auto& n : session.nodes)
        if (n.node == node) return analysis::role_name(n.role);
    return analysis::role_name(analysis::Role::unknown);
}

namespace {

struct SessionStatements {
    Statement session;
    Statement leg;
    Statement link;
    Statement node;
    Statement call;
    Statement count;
};

tl::expected<SessionStatements, StoreError> prepare(Database& db) {
    SessionStatements s;
    const std::pair<Statement*, std::string_view> all[] = {
        {&s.session,
         "INSERT OR ROLLBACK INTO sessions (capture_id, name, key, start_ns, end_ns, legs, "
         "outcome, final_code, legs_ok, legs_failed, strength, failed_leg, origin_node, "
         "origin_role, verdict) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
         "?14, ?15)"},
        {&s.leg, "INSERT OR ROLLBACK INTO session_legs (session_id, leg, capture_id, call_id, "
                 "from_uri, to_uri, start_ns, end_ns, outcome, final_code, icid, caller_node, "
                 "caller_role, callee_node, callee_role, failed_by) VALUES (?1, ?2, ?3, ?4, ?5, "
                 "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"},
        {&s.link, "INSERT OR ROLLBACK INTO session_links (session_id, seq, a, b, kind, strength, "
                  "evidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
        {&s.node, "INSERT OR ROLLBACK INTO session_nodes (session_id, seq, node, role, "
                  "confidence, evidence, product) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
        // Every record of the Call-ID (a Call-ID reused later is several records, one leg).
        {&s.call, "UPDATE calls SET session_id = ?1 WHERE capture_id = ?2 AND call_id = ?3"},
        {&s.count, "UPDATE captures SET sessions = ?2 WHERE id = ?1"},
    };
    for (const auto& [statement, sql] : all) {
        auto prepared = Statement::prepare(db, sql);
        if (!prepared) return tl::unexpected(prepared.error());
        *statement = std::move(*prepared);
    }
    return s;
}

void bind_code(Statement& s, int i, int code) {
    if (code) {
        s.bind(i, code);
    } else {
        s.bind_null(i);
    }
}

} // namespace

tl::expected<void, StoreError> write_sqlite_sessions(Database& db, std::int64_t capture_id,
                                                     const std::vector<Session>& sessions) {
    auto prepared = prepare(db);
    if (!prepared) return tl::unexpected(prepared.error());
    auto& st = *prepared;
    auto step = [&](Statement& s, std::string_view what) -> tl::expected<void, StoreError> {
        const int rc = s.step();
        s.reset();
        if (rc == SQLITE_DONE) return {};
        return tl::unexpected(db.error(rc, what));
    };
    for (const Session& session : sessions) {
        auto& s = st.session;
        s.bind(1, capture_id);
        s.bind(2, std::string_view(session.id));
        s.bind(3, std::string_view(session.key));
        s.bind(4, session.start_ns);
        s.bind(5, session.end_ns);
        s.bind(6, static_cast<std::uint64_t>(session.legs.size()));
        s.bind(7, session::to_string(session.outcome));
        bind_code(s, 8, session.final_code);
        s.bind(9, static_cast<std::uint64_t>(session.legs_ok));
        s.bind(10, static_cast<std::uint64_t>(session.legs_failed));
        s.bind(11, analysis::to_string(session.strength));
        s.bind(12, std::string_view(session.failed_leg));
        s.bind(13, std::string_view(session.origin_node));
        // As `sipdx sessions` prints it: a role only where a leg failed.
        s.bind(14, session.failed_leg.empty() ? std::string_view()
                                              : analysis::role_name(session.origin_role));
        s.bind(15, std::string_view(session.verdict));
        if (auto r = step(s, "insert session"); !r) return r;
        const std::int64_t id = sqlite3_last_insert_rowid(db.handle());
        for (std::size_t i = 0; i < session.legs.size(); ++i) {
            const auto& leg = session.legs[i];
            auto& l = st.leg;
            l.bind(1, id);
            l.bind(2, static_cast<std::uint64_t>(i + 1));
            l.bind(3, capture_id);
            l.bind(4, std::string_view(leg.call_id));
            l.bind(5, std::string_view(leg.from));
            l.bind(6, std::string_view(leg.to));
            l.bind(7, leg.start_ns);
            l.bind(8, leg.end_ns);
            l.bind(9, session::to_string(leg.outcome));
            bind_code(l, 10, leg.final_code);
            l.bind(11, std::string_view(leg.icid));
            l.bind(12, std::string_view(leg.caller_node));
            l.bind(13, node_role(session, leg.caller_node));
            l.bind(14, std::string_view(leg.callee_node));
            l.bind(15, node_role(session, leg.callee_node));
            l.bind(16, std::string_view(leg.failed_by));
            if (auto r = step(l, "insert session leg"); !r) return r;
            auto& c = st.call;
            c.bind(1, id);
            c.bind(2, capture_id);
            c.bind(3, std::string_view(leg.call_id));
            if (auto r = step(c, "set calls.session_id"); !r) return r;
        }
        for (std::size_t i = 0; i < session.links.size(); ++i) {
            const auto& link = session.links[i];
            auto& l = st.link;
            l.bind(1, id);
            l.bind(2, static_cast<std::uint64_t>(i + 1));
            l.bind(3, std::string_view(link.a));
            l.bind(4, std::string_view(link.b));
            l.bind(5, analysis::to_string(link.kind));
            l.bind(6, analysis::to_string(link.strength));
            l.bind(7, std::string_view(link.evidence));
            if (auto r = step(l, "insert session link"); !r) return r;
        }
        for (std::size_t i = 0; i < session.nodes.size(); ++i) {
            const auto& node = session.nodes[i];
            auto& n = st.node;
            n.bind(1, id);
            n.bind(2, static_cast<std::uint64_t>(i + 1));
            n.bind(3, std::string_view(node.node));
            n.bind(4, analysis::role_name(node.role));
            // As `sipdx sessions` prints it: no confidence for an unknown role.
            n.bind(5, node.role == analysis::Role::unknown ? std::string_view()
                                                           : analysis::to_string(node.confidence));
            n.bind(6, std::string_view(node.evidence));
            n.bind(7, std::string_view(node.product));
            if (auto r = step(n, "insert session node"); !r) return r;
        }
    }
    st.count.bind(1, capture_id);
    st.count.bind(2, static_cast<std::uint64_t>(sessions.size()));
    return step(st.count, "count sessions");
}

} // namespace sipdx::store::detail
