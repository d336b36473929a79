// One IMS session across legs and hops (docs/sessions.md): Call-IDs grouped into sessions by
// evidence of several strengths, each node named with its IMS role, and one verdict per
// session saying where a failure began and how it travelled.
//
//   analysis::SessionBuilder sessions;                      // options: correlation headers...
//   options.on_message = [&](const MessageContext& m) { sessions.observe(m); };
//   analyzer.on_record([&](session::CallRecord&& r) { sessions.add(r); ... });
//   analyzer.run(paths);
//   for (const analysis::Session& s : sessions.finish()) ...
//
// The builder keeps a few compact keys per Call-ID (correlation values, parties, media
// addresses, the first INVITE's hop) and a bounded table of nodes, never the messages.
#pragma once

#include <sipdx/analysis/analyzer.h>
#include <sipdx/session/record.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sipdx::analysis {

// How sure a link between two Call-IDs is. A weak link is a guess and is always shown as one.
enum class LinkStrength : std::uint8_t { weak, medium, strong };
std::string_view to_string(LinkStrength strength);

// Why two Call-IDs are one session, strongest first.
enum class LinkKind : std::uint8_t {
    icid,               // same P-Charging-Vector icid-value (RFC 7315)
    related_icid,       // related-icid of one names the icid-value of the other
    session_id,         // same Session-ID UUID (RFC 7989)
    correlation_header, // same value of a configured header (X-CID, ...)
    replaces,           // Replaces / Refer-To ?Replaces= names the other Call-ID (RFC 3891)
    referred,           // a REFER's Refer-To target called with Referred-By (RFC 3515, 3892)
    media_handover,     // a B2BUA handed the same SDP media address to the other leg
    parties,            // same calling and called user at overlapping times
};
std::string_view to_string(LinkKind kind);
LinkStrength strength_of(LinkKind kind);

// IMS functions (3GPP TS 23.228) a node can be recognised as.
enum class Role : std::uint8_t { unknown, ue, p_cscf, i_cscf, s_cscf, as, mgcf, bgcf, ibcf, mrf };
std::string_view to_string(Role role); // "UE", "P-CSCF", ... "unknown"
std::string_view role_name(Role role); // stable identifier: "ue", "p_cscf", ...
// The role an operator's host naming suggests ("pcscf01.ims...", "scscf-2...", "tas..."),
// unknown for addresses and other names.
Role role_from_host_name(std::string_view host);

struct SessionLink {
    std::string a; // Call-ID
    std::string b; // Call-ID
    LinkKind kind = LinkKind::icid;
    LinkStrength strength = LinkStrength::strong;
    std::string evidence; // "icid-value ab12", "X-CID 77", "media 10.0.0.5:4000 in both SDPs"
};

// A node (IP address and port as seen on the wire) and what it is.
struct NodeRole {
    std::string node; // "10.0.0.1:5060"
    Role role = Role::unknown;
    LinkStrength confidence = LinkStrength::weak;
    std::string evidence; // "Via host pcscf.ims.example", "sends P-Served-User sescase=orig"
    std::string product;  // Server / User-Agent it sent, when any
};

struct SessionLeg {
    std::string call_id;
    std::uint32_t part = 1;
    session::Kind kind = session::Kind::call;
    session::Outcome outcome = session::Outcome::in_progress;
    int final_code = 0;
    std::string final_reason;
    std::string from;
    std::string to;
    std::int64_t start_ns = 0;
    std::int64_t end_ns = 0;
    std::string icid;
    // The first initial request: who sent it and to whom ("" when not seen).
    std::string caller_node;
    std::string callee_node;
    std::string failed_by; // node that sent the deciding failure ("" when none)
    int root_cause_code = 0;
    std::string root_cause_by;
    std::string reason_header;
    // Every node the initial INVITE reached, hop by hop (proxies keep the Call-ID): a B2BUA
    // among them originates the next leg.
    std::vector<std::string> hops;
    std::int64_t final_ns = 0; // when the first final answer to its INVITE was seen (0: none)
    bool reached(const std::string& node) const;
};

struct Session {
    std::string id;  // "S1", "S2" ... in order of first message
    std::string key; // the icid-value when one links the legs, else the first leg's Call-ID
    std::vector<SessionLeg> legs; // in order of start
    std::vector<SessionLink> links;
    std::vector<NodeRole> nodes; // every node that sent or received a first request of a leg
    // The weakest link that holds the session together (strong for a single leg).
    LinkStrength strength = LinkStrength::strong;
    // The outcome of the originating leg (the first), what the caller saw.
    session::Outcome outcome = session::Outcome::in_progress;
    int final_code = 0;
    std::size_t legs_ok = 0;     // answered / completed / registered / ended
    std::size_t legs_failed = 0; // failed, timeout, cancelled, challenged, redirected
    // The leg where the failure began ("" when no leg failed), the node and its role.
    std::string failed_leg;
    std::string origin_node;
    Role origin_role = Role::unknown;
    std::string verdict; // one sentence (docs/sessions.md "Verdicts")
    std::int64_t start_ns = 0;
    std::int64_t end_ns = 0;

    bool multi_leg() const { return legs.size() > 1; }
};

struct SessionOptions {
    // Header names whose equal values tie Call-IDs together (X-CID, X-Correlation-ID...).
    std::vector<std::string> correlate_headers;
    bool heuristics = true; // the B2BUA guesses (media hand-over, parties)
    // Two legs of one B2BUA overlap in time; this much slack covers a leg set up just after
    // the other ended (a redial is not the same session).
    std::int64_t overlap_slack_ns = 2'000'000'000;
    // A B2BUA sets up its outgoing leg within this time of its incoming one (parties guess).
    std::int64_t b2bua_setup_ns = 10'000'000'000;
    // Bounds: nodes remembered, keys kept per Call-ID (values past these are ignored).
    std::size_t max_nodes = 4096;
    std::size_t max_keys_per_call = 8;
};

// Counts over sessions, for `analyze`.
struct SessionSummary {
    std::uint64_t sessions = 0;
    std::uint64_t multi_leg = 0;
    std::uint64_t weak = 0; // sessions held together by a weak link somewhere
    std::map<std::string, std::uint64_t> outcomes; // outcome of the originating leg -> count
};
SessionSummary summarize(const std::vector<Session>& sessions);

class SessionBuilder {
public:
    explicit SessionBuilder(SessionOptions options = {});
    ~SessionBuilder();
    SessionBuilder(SessionBuilder&&) noexcept;
    SessionBuilder& operator=(SessionBuilder&&) noexcept;

    // Every message, in capture order (AnalyzeOptions::on_message).
    void observe(const MessageContext& context);
    // Every record the analyzer emits (kinds other than calls are kept as single legs only
    // when they carry a correlation key; registrations teach roles but form no session).
    void add(const session::CallRecord& record);
    // Links, groups, names roles and writes verdicts. Call once, after the run.
    std::vector<Session> finish();

    // The role learned for a node ("ip:port"), unknown when none.
    NodeRole role_of(const std::string& node) const;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

// The session a text names: its id ("S3"), its key (an icid-value) or one of its Call-IDs.
const Session* find_session(const std::vector<Session>& sessions, std::string_view text);

} // namespace sipdx::analysis
