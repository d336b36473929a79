// Sessions: grouping Call-IDs by each kind of evidence, the strength each link carries, roles
// from the IMS headers, and the verdict. Messages are parsed for real and fed the way the
// analyzer feeds them (MessageContext); records are built by hand.
#include <sipdx/analysis/sessions.h>
#include <sipdx/session/adapter.h>
#include <sipdx/sip/message.h>

#include <gtest/gtest.h>

#include <array>
#include <deque>
#include <string>

namespace sipdx::analysis {
namespace {

decode::Address v4(std::uint8_t last) {
    const std::array<std::uint8_t, 4> bytes{10, 0, 0, last};
    return decode::Address::v4(bytes.data());
}

class Feeder {
public:
    explicit Feeder(SessionOptions options = {}) : builder(std::move(options)) {}

    // One message from 10.0.0.<from>:5060 to 10.0.0.<to>:5060 at `ms`.
    void feed(std::uint8_t from, std::uint8_t to, double ms, std::string text) {
        m_texts.push_back(std::move(text));
        const std::string& bytes = m_texts.back();
        sip::Message message = sip::parse_message(std::string_view(bytes));
        decode::SipPayload payload;
        payload.src = v4(from);
        payload.dst = v4(to);
        payload.sport = 5060;
        payload.dport = 5060;
        payload.time_ns = static_cast<std::int64_t>(ms * 1e6);
        payload.frame = m_texts.size(); // frames numbered in feeding order, from 1
        payload.bytes = bytes;
        const session::SipEvent event = session::make_event(payload, message);
        const session::FeedResult step;
        builder.observe(MessageContext{payload, message, event, step});
    }

    void record(const std::string& call_id, double start_ms, double end_ms,
                session::Outcome outcome, int code, std::uint8_t failed_by = 0,
                const std::string& icid = "", const std::string& from = "alice@x",
                const std::string& to = "bob@x") {
        session::CallRecord r;
        r.call_id = call_id;
        r.kind = session::Kind::call;
        r.start_ns = static_cast<std::int64_t>(start_ms * 1e6);
        r.end_ns = static_cast<std::int64_t>(end_ms * 1e6);
        r.outcome = outcome;
        r.final_code = code;
        r.final_reason = code == 503 ? "Service Unavailable" : (code == 500 ? "Server Error" : "");
        r.from = from;
        r.to = to;
        r.icid = icid;
        if (failed_by) {
            r.has_failed_by = true;
            r.failed_by.address = v4(failed_by);
            r.failed_by.port = 5060;
        }
        builder.add(r);
    }

    SessionBuilder builder;

private:
    std::deque<std::string> m_texts; // the messages' bytes outlive observe() here
};

std::string invite(const std::string& call_id, const std::string& via_host,
                   const std::string& extra = "", const std::string& sdp_address = "") {
    std::string body;
    if (!sdp_address.empty())
        body = "v=0\r\no=- 1 1 IN IP4 " + sdp_address + "\r\ns=-\r\nc=IN IP4 " + sdp_address +
               "\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n";
    std::string m = "INVITE sip:bob@x SIP/2.0\r\n";
    m += "Via: SIP/2.0/UDP " + via_host + ";branch=z9hG4bK-" + call_id + "\r\n";
    m += "From: <sip:alice@x>;tag=a\r\nTo: <sip:bob@x>\r\n";
    m += "Call-ID: " + call_id + "\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n" + extra;
    if (!body.empty()) m += "Content-Type: application/sdp\r\n";
    m += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return m;
}

const SessionLink* link_of(const Session& s, LinkKind kind) {
    for (const auto& l : s.links)
        if (l.kind == kind) return &l;
    return nullptr;
}

TEST(Sessions, IcidLinksLegsStronglyAndTheVerdictFollowsTheFailureUp) {
    Feeder f;
    // UE -> P-CSCF (leg A), AS -> callee (leg B), sharing the icid.
    f.feed(1, 2, 0, invite("A", "10.0.0.1:5060", "P-Preferred-Identity: <sip:alice@x>\r\n"));
    f.feed(3, 4, 10,
           invite("B", "tas1.ims.example.net:5060",
                  "P-Charging-Vector: icid-value=ic1;icid-generated-at=10.0.0.2\r\n"
                  "P-Asserted-Identity: <sip:alice@x>\r\n"));
    f.record("A", 0, 500, session::Outcome::failed, 500, 3, "ic1");
    f.record("B", 10, 400, session::Outcome::failed, 503, 4, "ic1");
    const auto sessions = f.builder.finish();
    ASSERT_EQ(sessions.size(), 1u);
    const Session& s = sessions[0];
    EXPECT_EQ(s.id, "S1");
    EXPECT_EQ(s.key, "ic1");
    ASSERT_EQ(s.legs.size(), 2u);
    EXPECT_EQ(s.strength, LinkStrength::strong);
    const SessionLink* l = link_of(s, LinkKind::icid);
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(l->evidence, "icid-value ic1");
    EXPECT_EQ(s.outcome, session::Outcome::failed);
    EXPECT_EQ(s.failed_leg, "B");
    EXPECT_EQ(s.origin_node, "10.0.0.4:5060");
    EXPECT_EQ(s.legs_failed, 2u);
    // Roles: the UE by P-Preferred-Identity (and its P-CSCF), the AS by host naming.
    EXPECT_EQ(f.builder.role_of("10.0.0.1:5060").role, Role::ue);
    EXPECT_EQ(f.builder.role_of("10.0.0.2:5060").role, Role::p_cscf);
    EXPECT_EQ(f.builder.role_of("10.0.0.3:5060").role, Role::as);
    EXPECT_EQ(f.builder.role_of("10.0.0.3:5060").confidence, LinkStrength::medium);
    EXPECT_EQ(s.verdict, "503 Service Unavailable from 10.0.0.4:5060 on leg 2 (B); the AS "
                         "10.0.0.3:5060 relayed it as 500 Server Error to the UE 10.0.0.1:5060 "
                         "via the P-CSCF 10.0.0.2:5060 on leg 1 (A).");
}

TEST(Sessions, SessionIdCorrelationHeaderAndRelatedIcid) {
    SessionOptions options;
    options.correlate_headers = {"X-CID"};
    Feeder f(options);
    f.feed(1, 2, 0, invite("A", "10.0.0.1", "Session-ID: ab12cd34ab12cd34ab12cd34ab12cd34\r\n"));
    f.feed(2, 3, 5,
           invite("B", "10.0.0.2",
                  "Session-ID: "
                  "AB12CD34AB12CD34AB12CD34AB12CD34;remote=00000000000000000000000000000000\r\n"));
    f.feed(4, 5, 1000, invite("C", "10.0.0.4", "X-CID: 77\r\n"));
    f.feed(5, 6, 1005, invite("D", "10.0.0.5", "x-cid: 77\r\n"));
    f.feed(7, 8, 2000, invite("E", "10.0.0.7", "P-Charging-Vector: icid-value=e1\r\n"));
    f.feed(8, 9, 2005,
           invite("F", "10.0.0.8", "P-Charging-Vector: icid-value=f1;related-icid=e1\r\n"));
    for (const char* id : {"A", "B"})
        f.record(id, 0, 100, session::Outcome::answered, 200);
    for (const char* id : {"C", "D"})
        f.record(id, 1000, 1100, session::Outcome::answered, 200);
    f.record("E", 2000, 2100, session::Outcome::answered, 200, 0, "e1");
    f.record("F", 2005, 2100, session::Outcome::answered, 200, 0, "f1");
    const auto sessions = f.builder.finish();
    ASSERT_EQ(sessions.size(), 3u);
    ASSERT_NE(link_of(sessions[0], LinkKind::session_id), nullptr);
    ASSERT_NE(link_of(sessions[1], LinkKind::correlation_header), nullptr);
    EXPECT_EQ(link_of(sessions[1], LinkKind::correlation_header)->evidence, "x-cid 77");
    ASSERT_NE(link_of(sessions[2], LinkKind::related_icid), nullptr);
    for (const auto& s : sessions)
        EXPECT_EQ(s.strength, LinkStrength::strong);
    EXPECT_EQ(sessions[0].verdict, "Answered for the caller (2 legs, all succeeded).");
    EXPECT_EQ(find_session(sessions, "D"), &sessions[1]);
    EXPECT_EQ(find_session(sessions, "S3"), &sessions[2]);
    EXPECT_EQ(find_session(sessions, "e1"), &sessions[2]);
    EXPECT_EQ(find_session(sessions, "nope"), nullptr);
}

TEST(Sessions, ReplacesInReferToIsStrong) {
    Feeder f;
    f.feed(1, 2, 0, invite("A", "10.0.0.1"));
    f.feed(3, 2, 50, invite("B", "10.0.0.3"));
    f.feed(1, 2, 100,
           "REFER sip:bob@x SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-r\r\n"
           "From: <sip:alice@x>;tag=a\r\nTo: <sip:bob@x>;tag=b\r\nCall-ID: A\r\n"
           "CSeq: 2 REFER\r\nRefer-To: <sip:carol@x?Replaces=B%3Bto-tag%3D1%3Bfrom-tag%3D2>\r\n"
           "Content-Length: 0\r\n\r\n");
    f.record("A", 0, 200, session::Outcome::answered, 200);
    f.record("B", 50, 200, session::Outcome::answered, 200, 0, "", "carol@x", "bob@x");
    const auto sessions = f.builder.finish();
    ASSERT_EQ(sessions.size(), 1u);
    const SessionLink* l = link_of(sessions[0], LinkKind::replaces);
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(l->strength, LinkStrength::strong);
}

TEST(Sessions, B2buaGuessesNeedTheNodeInTheMiddleAndStayWeakOrMedium) {
    Feeder f;
    // Leg A: 1 -> 2 (the B2BUA); leg B: 2 -> 3 with the same parties and no SDP: weak.
    f.feed(1, 2, 0, invite("A", "10.0.0.1"));
    f.feed(2, 3, 20, invite("B", "10.0.0.2"));
    // Leg C: 4 -> 5 offering 10.0.0.4's media; leg D: 5 -> 6 handing it on: medium.
    f.feed(4, 5, 1000, invite("C", "10.0.0.4", "", "10.0.0.4"));
    f.feed(5, 6, 1010, invite("D", "10.0.0.5", "", "10.0.0.4"));
    // Legs E and F: same parties, same time, but two callers through one proxy: no link.
    f.feed(7, 9, 3000, invite("E", "10.0.0.7"));
    f.feed(8, 9, 3001, invite("F", "10.0.0.8"));
    f.record("A", 0, 300, session::Outcome::failed, 503, 2);
    f.record("B", 20, 280, session::Outcome::failed, 503, 3);
    f.record("C", 1000, 1300, session::Outcome::answered, 200, 0, "", "c@x", "d@x");
    f.record("D", 1010, 1300, session::Outcome::answered, 200, 0, "", "other@x", "d@x");
    f.record("E", 3000, 3100, session::Outcome::answered, 200);
    f.record("F", 3001, 3100, session::Outcome::answered, 200);
    const auto sessions = f.builder.finish();
    ASSERT_EQ(sessions.size(), 4u);
    EXPECT_EQ(sessions[0].strength, LinkStrength::weak);
    ASSERT_NE(link_of(sessions[0], LinkKind::parties), nullptr);
    EXPECT_EQ(sessions[1].strength, LinkStrength::medium);
    ASSERT_NE(link_of(sessions[1], LinkKind::media_handover), nullptr);
    EXPECT_EQ(sessions[2].legs.size(), 1u);
    EXPECT_EQ(sessions[3].legs.size(), 1u);
    // The B2BUA of legs A/B looked like a UE by its single Via; the session says what it is.
    bool b2bua = false;
    for (const auto& n : sessions[0].nodes)
        if (n.node == "10.0.0.2:5060") {
            b2bua = true;
            EXPECT_EQ(n.role, Role::unknown);
            EXPECT_NE(n.evidence.find("B2BUA"), std::string::npos);
        }
    EXPECT_TRUE(b2bua);
    const SessionSummary k = summarize(sessions);
    EXPECT_EQ(k.sessions, 4u);
    EXPECT_EQ(k.multi_leg, 2u);
    EXPECT_EQ(k.weak, 1u);
    EXPECT_EQ(k.outcomes.at("answered"), 3u);
    // Without heuristics nothing links.
    Feeder strict([] {
        SessionOptions o;
        o.heuristics = false;
        return o;
    }());
    strict.feed(1, 2, 0, invite("A", "10.0.0.1"));
    strict.feed(2, 3, 20, invite("B", "10.0.0.2"));
    strict.record("A", 0, 300, session::Outcome::failed, 503, 2);
    strict.record("B", 20, 280, session::Outcome::failed, 503, 3);
    EXPECT_EQ(strict.builder.finish().size(), 2u);
}

TEST(Sessions, RolesFromTheImsHeaders) {
    Feeder f;
    // Registration: the P-CSCF (2nd Via, Path) and the S-CSCF it learns from Service-Route.
    f.feed(2, 3, 0,
           "REGISTER sip:ims.example SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK-2\r\n"
           "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-1\r\nFrom: <sip:alice@x>;tag=a\r\n"
           "To: <sip:alice@x>\r\nCall-ID: R\r\nCSeq: 1 REGISTER\r\n"
           "Path: <sip:term@pcscf.visited.example;lr>\r\nContent-Length: 0\r\n\r\n");
    f.feed(3, 2, 5,
           "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK-2\r\n"
           "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-1\r\nFrom: <sip:alice@x>;tag=a\r\n"
           "To: <sip:alice@x>;tag=s\r\nCall-ID: R\r\nCSeq: 1 REGISTER\r\n"
           "Service-Route: <sip:orig@node7.home.example;lr;orig>\r\nContent-Length: 0\r\n\r\n");
    // A request whose Via names the learned S-CSCF host, and P-Served-User towards an AS.
    f.feed(5, 6, 10,
           invite("X", "node7.home.example",
                  "P-Served-User: <sip:alice@x>;sescase=orig;regstate=reg\r\n"));
    // Routed with ;orig: the receiver is the S-CSCF.
    f.feed(6, 7, 20, invite("Y", "10.0.0.6", "Route: <sip:10.0.0.7;lr;orig>\r\n"));
    // SIP-I: ISUP in the body.
    f.feed(8, 9, 30,
           invite("Z", "10.0.0.8",
                  "Content-Type: application/isup;version=itu-t92+\r\n"
                  "P-Asserted-Identity: <tel:+1>\r\n"));
    EXPECT_EQ(f.builder.role_of("10.0.0.2:5060").role, Role::p_cscf);
    EXPECT_EQ(f.builder.role_of("10.0.0.2:5060").confidence, LinkStrength::strong);
    EXPECT_EQ(f.builder.role_of("10.0.0.5:5060").role, Role::s_cscf);
    EXPECT_EQ(f.builder.role_of("10.0.0.6:5060").role, Role::as);
    EXPECT_EQ(f.builder.role_of("10.0.0.7:5060").role, Role::s_cscf);
    EXPECT_EQ(f.builder.role_of("10.0.0.8:5060").role, Role::mgcf);
    EXPECT_EQ(f.builder.role_of("10.0.0.8:5060").confidence, LinkStrength::weak);
    EXPECT_EQ(f.builder.role_of("10.0.0.99:5060").role, Role::unknown);
    EXPECT_EQ(role_from_host_name("scscf-2.ims.mnc001.mcc001.3gppnetwork.org"), Role::s_cscf);
}

TEST(Sessions, RolesFromARegistrationApplyToTheUesCalls) {
    Feeder f;
    // UE 10.0.0.1 -> P-CSCF 10.0.0.2 (adds Path, an address) -> S-CSCF 10.0.0.3, whose 200 OK
    // carries Service-Route back to the UE. No Security-* header, no host naming.
    const std::string vias2 = "Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK-p\r\n"
                              "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-u\r\n";
    const std::string reg = "From: <sip:alice@ims.example>;tag=a\r\nTo: <sip:alice@ims.example>";
    f.feed(1, 2, 0,
           "REGISTER sip:ims.example SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-u\r\n" +
               reg +
               "\r\nCall-ID: R\r\nCSeq: 1 REGISTER\r\nContact: <sip:alice@10.0.0.1:5060>\r\n"
               "Content-Length: 0\r\n\r\n");
    f.feed(2, 3, 1,
           "REGISTER sip:ims.example SIP/2.0\r\n" + vias2 + reg +
               "\r\nCall-ID: R\r\nCSeq: 1 REGISTER\r\nContact: <sip:alice@10.0.0.1:5060>\r\n"
               "Path: <sip:10.0.0.2;lr>\r\nContent-Length: 0\r\n\r\n");
    f.feed(
        3, 2, 5,
        "SIP/2.0 200 OK\r\n" + vias2 + reg +
            ";tag=s\r\nCall-ID: R\r\nCSeq: 1 REGISTER\r\nService-Route: <sip:10.0.0.3;lr;orig>\r\n"
            "Content-Length: 0\r\n\r\n");
    f.feed(
        2, 1, 6,
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-u\r\n" + reg +
            ";tag=s\r\nCall-ID: R\r\nCSeq: 1 REGISTER\r\nService-Route: <sip:10.0.0.3;lr;orig>\r\n"
            "Content-Length: 0\r\n\r\n");
    // The UE's call: nothing in it names a role by itself (P-Asserted-Identity present).
    f.feed(1, 2, 100, invite("C", "10.0.0.1", "P-Asserted-Identity: <sip:alice@ims.example>\r\n"));
    const auto pcscf = f.builder.role_of("10.0.0.2:5060");
    EXPECT_EQ(pcscf.role, Role::p_cscf);
    EXPECT_EQ(pcscf.confidence, LinkStrength::strong);
    EXPECT_NE(pcscf.evidence.find("Path of REGISTER frame 2 for sip:alice@ims.example"),
              std::string::npos)
        << pcscf.evidence;
    const auto scscf = f.builder.role_of("10.0.0.3:5060");
    EXPECT_EQ(scscf.role, Role::s_cscf);
    EXPECT_NE(scscf.evidence.find("to REGISTER frame 2"), std::string::npos) << scscf.evidence;
    const auto ue = f.builder.role_of("10.0.0.1:5060");
    EXPECT_EQ(ue.role, Role::ue);
    EXPECT_NE(ue.evidence.find("REGISTER frame 2"), std::string::npos) << ue.evidence;
    EXPECT_EQ(f.builder.role_of("10.0.0.9:5060").role, Role::unknown);
}

} // namespace
} // namespace sipdx::analysis
