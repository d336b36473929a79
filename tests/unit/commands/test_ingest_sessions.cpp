// `sipdx ingest --sessions`: the stored sessions, legs, links and nodes are what `sipdx sessions
// --format ndjson` prints for the same capture (rebuilt here from the rows, field by field),
// every call row names its session, and the store is the same with one or two analysis
// threads.
#include "unit/store/store_test_util.h"

#include <sipdx/text/time.h>

#include <nlohmann/json.hpp>

#include <map>
#include <sstream>

using namespace sipdx::store::test;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// Captures named by the session goldens (tests/golden/sessions): three legs joined by a
// transfer and a B2BUA's media hand-over; seven one-leg VoLTE sessions; a refused SIP-I call.
const std::vector<std::string>& session_captures() {
    static const std::vector<std::string> names{
        "sip-gre-teb-mirror-subscribe-notify-refer.pcapng",
        "sip-esp-null-gtpu-volte-nanosec.pcapng",
        "sip-sctp-sll-invite-403-pcv.pcap",
    };
    return names;
}

std::vector<json> ndjson(const std::string& text) {
    std::vector<json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(json::parse(line));
    return out;
}

// Rows of one SQL statement, as NDJSON objects.
std::vector<json> rows(const fs::path& db, const std::string& sql, const fs::path& dir) {
    auto r = cli("query --db " + q(db.string()) + " --format ndjson --sql " + q(sql), dir);
    EXPECT_EQ(r.code, 0) << sql << "\n" << r.err;
    return ndjson(r.out);
}

std::string iso(const json& ns) {
    return sipdx::text::iso_time(ns.get<std::int64_t>());
}

// The `sipdx sessions --format ndjson` records of one stored capture, rebuilt from the rows.
std::vector<json> stored_sessions(const fs::path& db, const std::string& capture,
                                  const fs::path& dir) {
    const std::string where =
        "WHERE s.capture_id = (SELECT id FROM captures WHERE name = '" + capture + "')";
    std::map<std::int64_t, json> legs;
    for (auto& l : rows(db,
                        "SELECT l.* FROM session_legs l JOIN sessions s ON s.id = l.session_id " +
                            where + " ORDER BY l.session_id, l.leg",
                        dir)) {
        auto& list = legs[l["session_id"].get<std::int64_t>()];
        if (list.is_null()) list = json::array();
        list.push_back({{"leg", l["leg"]},
                        {"call_id", l["call_id"]},
                        {"from", l["from_uri"]},
                        {"to", l["to_uri"]},
                        {"start", iso(l["start_ns"])},
                        {"outcome", l["outcome"]},
                        {"final_code", l["final_code"]},
                        {"icid", l["icid"]},
                        {"caller_node", l["caller_node"]},
                        {"callee_node", l["callee_node"]},
                        {"failed_by", l["failed_by"]}});
    }
    std::map<std::int64_t, json> links;
    for (auto& l : rows(db,
                        "SELECT l.* FROM session_links l JOIN sessions s ON s.id = l.session_id " +
                            where + " ORDER BY l.session_id, l.seq",
                        dir))
        links[l["session_id"].get<std::int64_t>()].push_back({{"a", l["a"]},
                                                              {"b", l["b"]},
                                                              {"kind", l["kind"]},
                                                              {"strength", l["strength"]},
                                                              {"evidence", l["evidence"]}});
    std::map<std::int64_t, json> nodes;
    for (auto& n : rows(db,
                        "SELECT n.* FROM session_nodes n JOIN sessions s ON s.id = n.session_id " +
                            where + " ORDER BY n.session_id, n.seq",
                        dir))
        nodes[n["session_id"].get<std::int64_t>()].push_back({{"node", n["node"]},
                                                              {"role", n["role"]},
                                                              {"confidence", n["confidence"]},
                                                              {"evidence", n["evidence"]},
                                                              {"product", n["product"]}});
    std::vector<json> out;
    for (auto& s : rows(db, "SELECT s.* FROM sessions s " + where + " ORDER BY s.id", dir)) {
        const auto id = s["id"].get<std::int64_t>();
        json j = {{"session_id", s["name"]},
                  {"key", s["key"]},
                  {"start", iso(s["start_ns"])},
                  {"end", iso(s["end_ns"])},
                  {"legs", s["legs"]},
                  {"outcome", s["outcome"]},
                  {"final_code", s["final_code"]},
                  {"legs_ok", s["legs_ok"]},
                  {"legs_failed", s["legs_failed"]},
                  {"strength", s["strength"]},
                  {"failed_leg", s["failed_leg"]},
                  {"origin_node", s["origin_node"]},
                  {"origin_role", s["origin_role"]},
                  {"verdict", s["verdict"]},
                  {"leg_list", legs.count(id) ? legs[id] : json::array()},
                  {"links", links.count(id) ? links[id] : json::array()},
                  {"nodes", nodes.count(id) ? nodes[id] : json::array()}};
        out.push_back(std::move(j));
    }
    return out;
}

std::string captures_args() {
    std::string out;
    for (const auto& name : session_captures())
        out += " " + q(corpus(name));
    return out;
}

// Every table's rows in a fixed order (ingest times left out): two stores written alike.
std::string dump(const fs::path& db, const fs::path& dir) {
    std::string out;
    for (const std::string sql :
         {"SELECT id, sha256, name, size, state, first_ns, last_ns, frames, sip_messages, calls, "
          "clean, message_rows, sessions FROM captures ORDER BY id",
          "SELECT * FROM calls ORDER BY id", "SELECT * FROM messages ORDER BY capture_id, seq",
          "SELECT * FROM call_finals ORDER BY call, code",
          "SELECT * FROM findings ORDER BY call, code", "SELECT * FROM code_counts",
          "SELECT * FROM sessions ORDER BY id", "SELECT * FROM session_legs",
          "SELECT * FROM session_links", "SELECT * FROM session_nodes"}) {
        auto r = cli("query --db " + q(db.string()) + " --format tsv --sql " + q(sql), dir);
        EXPECT_EQ(r.code, 0) << sql << "\n" << r.err;
        out += r.out;
    }
    return out;
}

} // namespace

TEST(IngestSessions, StoredSessionsAreThoseOfSipdxSessions) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = temp_dir("ingest-sessions");
    const auto db = dir / "s.db";
    auto ingest = cli("ingest -q --sessions --db " + q(db.string()) + captures_args(), dir);
    ASSERT_EQ(ingest.code, 0) << ingest.err;
    std::size_t multi_leg = 0;
    for (const auto& name : session_captures()) {
        const std::string capture = corpus(name);
        auto printed = cli("sessions -q --format ndjson " + q(capture), dir);
        ASSERT_EQ(printed.code, 0) << printed.err;
        const auto expected = ndjson(printed.out);
        const auto stored = stored_sessions(db, capture, dir);
        ASSERT_FALSE(expected.empty()) << name;
        ASSERT_EQ(stored.size(), expected.size()) << name;
        for (std::size_t i = 0; i < expected.size(); ++i) {
            EXPECT_EQ(stored[i], expected[i]) << name << " session " << i + 1;
            multi_leg += expected[i]["legs"].get<int>() > 1 ? 1 : 0;
        }
        auto count = rows(db, "SELECT sessions FROM captures WHERE name = '" + capture + "'", dir);
        ASSERT_EQ(count.size(), 1u);
        EXPECT_EQ(count[0]["sessions"], expected.size()) << name;
    }
    EXPECT_GE(multi_leg, 1u); // the transfer through the PBX
    // Every call row names the session holding its Call-ID; other kinds name none.
    auto mismatched = rows(db,
                           "SELECT c.call_id, c.kind, c.session_id FROM calls c WHERE (c.kind = "
                           "'call') != (c.session_id IS NOT NULL) OR (c.session_id IS NOT NULL "
                           "AND NOT EXISTS (SELECT 1 FROM session_legs l WHERE l.session_id = "
                           "c.session_id AND l.call_id = c.call_id AND l.capture_id = "
                           "c.capture_id))",
                           dir);
    EXPECT_TRUE(mismatched.empty()) << mismatched.size() << " call rows";
    // The query of docs/store.md: sessions that failed, with their legs.
    auto failed = rows(db,
                       "SELECT s.name, s.final_code, s.origin_role, l.leg, l.call_id, "
                       "l.final_code AS leg_code FROM sessions s JOIN session_legs l ON "
                       "l.session_id = s.id WHERE s.outcome = 'failed' ORDER BY s.id, l.leg",
                       dir);
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0]["final_code"], 403);
    EXPECT_EQ(failed[0]["origin_role"], "unknown");
    fs::remove_all(dir);
}

TEST(IngestSessions, WithoutTheFlagNoSessionsAreBuilt) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = temp_dir("ingest-no-sessions");
    const auto db = dir / "n.db";
    auto ingest = cli("ingest -q --db " + q(db.string()) + captures_args(), dir);
    ASSERT_EQ(ingest.code, 0) << ingest.err;
    auto r = rows(db,
                  "SELECT (SELECT count(*) FROM sessions) AS sessions, (SELECT count(*) FROM "
                  "captures WHERE sessions IS NOT NULL) AS built, (SELECT count(*) FROM calls "
                  "WHERE session_id IS NOT NULL) AS linked",
                  dir);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0]["sessions"], 0);
    EXPECT_EQ(r[0]["built"], 0);
    EXPECT_EQ(r[0]["linked"], 0);
    auto usage = cli("ingest -q --no-heuristics --db " + q(db.string()) + captures_args(), dir);
    EXPECT_EQ(usage.code, 2);
    EXPECT_NE(usage.err.find("need --sessions"), std::string::npos) << usage.err;
    fs::remove_all(dir);
}

TEST(IngestSessions, OneOrTwoThreadsStoreTheSame) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = temp_dir("ingest-sessions-threads");
    std::string dumps[2];
    std::string lines[2];
    for (int threads = 1; threads <= 2; ++threads) {
        const auto db = dir / ("t" + std::to_string(threads) + ".db");
        auto ingest = cli("ingest --sessions --media --threads " + std::to_string(threads) +
                              " --db " + q(db.string()) + captures_args() + " " +
                              q(corpus("sip-udp-register-call-rtp-rtcp.pcap")),
                          dir);
        ASSERT_EQ(ingest.code, 0) << ingest.err;
        lines[threads - 1] = ingest.err;
        dumps[threads - 1] =
            dump(db, dir) + rows(db, "SELECT count(*) AS n FROM media_streams", dir)[0].dump();
    }
    EXPECT_FALSE(lines[0].empty());
    EXPECT_EQ(lines[0], lines[1]);
    EXPECT_GT(dumps[0].size(), 1000u);
    EXPECT_EQ(dumps[0], dumps[1]);
    fs::remove_all(dir);
}
