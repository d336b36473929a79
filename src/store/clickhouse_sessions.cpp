// A capture's sessions as ClickHouse TabSeparated rows (the four session tables of
// clickhouse_schema.cpp, column by column in table order).
#include "store/detail/clickhouse_rows.h"
#include "store/detail/session_rows.h"

#include <sipdx/session/record.h>

namespace sipdx::store::detail {

using analysis::Session;
using ch::num;
using ch::seconds;
using ch::tsv;

namespace {

// The columns every session table begins with: capture, session name.
void head(std::string& o, std::string_view sha256, const Session& s) {
    tsv(o, sha256);
    o += '\t';
    tsv(o, s.id);
    o += '\t';
}

void text(std::string& o, std::string_view v, char end = '\t') {
    tsv(o, v);
    o += end;
}

template <typename T>
void number(std::string& o, T v, char end = '\t') {
    num(o, v);
    o += end;
}

} // namespace

std::uint64_t append_ch_session_rows(std::string& o, std::string_view table,
                                     std::string_view sha256,
                                     const std::vector<Session>& sessions) {
    std::uint64_t rows = 0;
    for (const Session& s : sessions) {
        if (table == "sessions") {
            head(o, sha256, s);
            text(o, s.key);
            number(o, seconds(s.start_ns));
            number(o, s.start_ns);
            number(o, s.end_ns);
            number(o, s.legs.size());
            text(o, session::to_string(s.outcome));
            number(o, s.final_code);
            number(o, s.legs_ok);
            number(o, s.legs_failed);
            text(o, analysis::to_string(s.strength));
            text(o, s.failed_leg);
            text(o, s.origin_node);
            text(o, s.failed_leg.empty() ? std::string_view() : analysis::role_name(s.origin_role));
            text(o, s.verdict, '\n');
            ++rows;
        } else if (table == "session_legs") {
            for (std::size_t i = 0; i < s.legs.size(); ++i) {
                const auto& leg = s.legs[i];
                head(o, sha256, s);
                number(o, i + 1);
                number(o, seconds(s.start_ns));
                text(o, leg.call_id);
                text(o, leg.from);
                text(o, leg.to);
                number(o, leg.start_ns);
                number(o, leg.end_ns);
                text(o, session::to_string(leg.outcome));
                number(o, leg.final_code);
                text(o, leg.icid);
                text(o, leg.caller_node);
                text(o, node_role(s, leg.caller_node));
                text(o, leg.callee_node);
                text(o, node_role(s, leg.callee_node));
                text(o, leg.failed_by, '\n');
                ++rows;
            }
        } else if (table == "session_links") {
            for (std::size_t i = 0; i < s.links.size(); ++i) {
                const auto& link = s.links[i];
                head(o, sha256, s);
                number(o, i + 1);
                number(o, seconds(s.start_ns));
                text(o, link.a);
                text(o, link.b);
                text(o, analysis::to_string(link.kind));
                text(o, analysis::to_string(link.strength));
                text(o, link.evidence, '\n');
                ++rows;
            }
        } else if (table == "session_nodes") {
            for (std::size_t i = 0; i < s.nodes.size(); ++i) {
                const auto& node = s.nodes[i];
                head(o, sha256, s);
                number(o, i + 1);
                number(o, seconds(s.start_ns));
                text(o, node.node);
                text(o, analysis::role_name(node.role));
                text(o, node.role == analysis::Role::unknown
                            ? std::string_view()
                            : analysis::to_string(node.confidence));
                text(o, node.evidence);
                text(o, node.product, '\n');
                ++rows;
            }
        }
    }
    return rows;
}

} // namespace sipdx::store::detail
