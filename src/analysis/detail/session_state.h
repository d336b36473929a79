// What SessionBuilder keeps between observe()/add() and finish(): compact keys per Call-ID and
// the node table. Shared by sessions.cpp (keys, linking), session_roles.cpp (roles) and
// session_verdict.cpp (verdicts).
#pragma once

#include <sipdx/analysis/sessions.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace sipdx::analysis::detail {

struct CallKeys {
    std::vector<std::string> icids;
    std::vector<std::string> related_icids;
    std::vector<std::string> session_uuids; // Session-ID local and remote UUIDs
    std::vector<std::string> correlations;  // "name\nvalue"
    std::vector<std::string> replaces;      // Call-IDs named by Replaces / Refer-To ?Replaces=
    std::vector<std::string> media;         // "address port" of SDP m= lines
    std::string refer_target;               // user of the Refer-To of a REFER in this Call-ID
    std::int64_t refer_ns = 0;
    std::string referred_by; // user of Referred-By on the first INVITE
    std::string caller_node; // first initial request: sender and receiver
    std::string callee_node;
    std::vector<std::string> hops; // every node an initial INVITE of this Call-ID reached
    std::int64_t final_ns = 0;     // first final answer to an INVITE
};

struct NodeState {
    Role role = Role::unknown;
    LinkStrength confidence = LinkStrength::weak;
    std::string evidence;
    std::string product;
};

struct SessionState {
    SessionOptions options;
    std::unordered_map<std::string, CallKeys> keys; // by Call-ID
    std::unordered_map<std::string, NodeState> nodes;
    // Hosts a registration named: Path -> P-CSCF, Service-Route -> S-CSCF, with where it was
    // learned ("Path of REGISTER frame 12 for sip:alice@x").
    struct NamedHost {
        Role role = Role::unknown;
        std::string source;
    };
    std::unordered_map<std::string, NamedHost> named_hosts;
    // REGISTER frames by Call-ID and CSeq, so that a 200 OK's Service-Route names its REGISTER.
    std::unordered_map<std::string, std::uint64_t> register_frames;
    std::vector<SessionLeg> legs;
    std::unordered_map<std::string, std::size_t> leg_of; // Call-ID -> index in legs
};

// Roles (session_roles.cpp).
// Learns what one message says about the nodes that sent and received it.
void learn_roles(SessionState& state, const MessageContext& context);
// Records evidence for a node when it is stronger than what the node has.
void learn(SessionState& state, const std::string& node, Role role, LinkStrength confidence,
           std::string evidence);

// Verdict (session_verdict.cpp): fills outcome, counts, origin and the verdict sentence.
void write_verdict(Session& session);

} // namespace sipdx::analysis::detail
