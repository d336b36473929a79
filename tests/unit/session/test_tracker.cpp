#include "unit/session/event_builder.h"

#include <sipdx/session/tracker.h>

#include <gtest/gtest.h>

#include <map>
#include <vector>

using namespace sipdx;
using namespace sipdx::session;
using namespace sipdx::session::test;

TEST(Tracker, AnsweredCallWithTimings) {
    Builder b;
    Harness h;
    const auto inv = b.request(sip::Method::invite, 1, "z9hG4bK1", ep(1), ep(2), 0);
    h.feed(inv);
    h.feed(b.response(inv, 100, 20 * ms));
    h.feed(b.response(inv, 180, 1500 * ms, "callee"));
    h.feed(b.response(inv, 200, 4 * sec, "callee"));
    h.feed(b.request(sip::Method::ack, 1, "z9hG4bK2", ep(1), ep(2), 4100 * ms, "callee"));
    const auto bye = b.request(sip::Method::bye, 2, "z9hG4bK3", ep(1), ep(2), 64 * sec, "callee");
    h.feed(bye);
    h.feed(b.response(bye, 200, 64 * sec + 5 * ms, "callee"));
    const auto& r = h.only();
    EXPECT_EQ(r.kind, Kind::call);
    EXPECT_EQ(r.outcome, Outcome::answered);
    EXPECT_EQ(r.final_code, 200);
    ASSERT_TRUE(r.pdd_ms);
    EXPECT_DOUBLE_EQ(*r.pdd_ms, 1500.0);
    ASSERT_TRUE(r.setup_ms);
    EXPECT_DOUBLE_EQ(*r.setup_ms, 4000.0);
    ASSERT_TRUE(r.duration_s);
    EXPECT_DOUBLE_EQ(*r.duration_s, 60.0);
    EXPECT_EQ(r.bye_by, "caller");
    EXPECT_EQ(r.messages, 7u);
    EXPECT_EQ(r.retransmissions, 0u);
    EXPECT_FALSE(r.has_finding(FindingCode::ack_missing));
}

TEST(Tracker, BusyIsFailedWithFailedBy) {
    Builder b;
    Harness h;
    const auto inv = b.request(sip::Method::invite, 1, "z9hG4bK1", ep(1), ep(2), 0);
    h.feed(inv);
    auto busy = b.response(inv, 486, 2 * sec, "t");
    busy.server = "Acme SBC 1.0";
    busy.reason = "Q.850;cause=17;text=\"User busy\"";
    h.feed(busy);
    h.feed(b.request(sip::Method::ack, 1, "z9hG4bK1", ep(1), ep(2), 2 * sec + ms, "t"));
    const auto& r = h.only();
    EXPECT_EQ(r.outcome, Outcome::failed);
    EXPECT_EQ(r.final_code, 486);
    ASSERT_TRUE(r.has_failed_by);
    EXPECT_EQ(r.failed_by, ep(2));
    EXPECT_EQ(r.failed_by_product, "Acme SBC 1.0");
    EXPECT_EQ(r.reason_header, "Q.850;cause=17;text=\"User busy\"");
    EXPECT_FALSE(r.has_finding(FindingCode::ack_missing));
    EXPECT_FALSE(r.pdd_ms);
}

TEST(Tracker, UnansweredRetransmittedInviteTimesOut) {
    Builder b;
    Harness h;
    const auto inv = b.request(sip::Method::invite, 1, "z9hG4bK1", ep(1), ep(2), 0);
    auto r1 = h.feed(inv);
    auto r2 = h.feed(at(inv, 500 * ms));
    auto r3 = h.feed(at(inv, 1500 * ms));
    EXPECT_FALSE(r1.retransmission());
    EXPECT_TRUE(r2.retransmission());
    EXPECT_TRUE(r3.retransmission());
    const auto& r = h.only();
    EXPECT_EQ(r.outcome, Outcome::timeout);
    EXPECT_EQ(r.retransmissions, 2u);
    EXPECT_EQ(r.final_code, 0);
    EXPECT_TRUE(r.has_finding(FindingCode::transaction_timeout));
    EXPECT_TRUE(r.has_finding(FindingCode::request_retransmitted));
}

TEST(Tracker, RingingAtCaptureEndIsInProgress) {
    Builder b;
    Harness h;
    const auto inv = b.request(sip::Method::invite, 1, "z9hG4bK1", ep(1), ep(2), 0);
    h.feed(inv);
    h.feed(b.response(inv, 180, 100 * ms, "t"));
    EXPECT_EQ(h.only().outcome, Outcome::in_progress);
}

TEST(Tracker, DuplicateCopiesAreNotCounted) {
    Builder b;
    Harness h;
    const auto inv = b.request(sip::Method::invite, 1, "z9hG4bK1", ep(1), ep(2), 0);
    h.feed(inv);
    auto dup = h.feed(at(inv, 400'000)); // 0.4 ms later: a second capture point
    EXPECT_TRUE(dup.duplicate());
    const auto ok = b.response(inv, 200, 1 * sec, "t");
    h.feed(ok);
    EXPECT_TRUE(h.feed(at(ok, 1 * sec + 300'000)).duplicate());
    const auto& r = h.only();
    EXPECT_EQ(r.messages, 2u);
    EXPECT_EQ(r.duplicates, 2u);
    EXPECT_EQ(r.retransmissions, 0u);
    EXPECT_TRUE(r.has_finding(FindingCode::duplicate_copy));
}

TEST(Tracker, CancelledCall) {
    Builder b;
    Harness h;
    const auto inv = b.request(sip::Method::invite, 1, "z9hG4bK1", ep(1), ep(2), 0);
    h.feed(inv);
    h.feed(b.response(inv, 180, 1 * sec, "t"));
    auto cancel = b.request(sip::Method::cancel, 1, "z9hG4bK1", ep(1), ep(2), 5 * sec);
    cancel.reason = "SIP;cause=487";
    h.feed(cancel);
    h.feed(b.response(cancel, 200, 5 * sec + ms, "t"));
    h.feed(b.response(inv, 487, 5 * sec + 2 * ms, "t"));
    h.feed(b.request(sip::Method::ack, 1, "z9hG4bK1", ep(1), ep(2), 5 * sec + 3 * ms, "t"));
    const auto& r = h.only();
    EXPECT_EQ(r.outcome, Outcome::cancelled);
    EXPECT_EQ(r.final_code, 487);
    EXPECT_TRUE(r.cancel_seen);
    EXPECT_FALSE(r.has_finding(FindingCode::cancel_unmatched));
    EXPECT_EQ(r.reason_header, "SIP;cause=487"); // from the CANCEL: the 487 had none
}

TEST(Tracker, UnmatchedCancel) {
    Builder b;
    Harness h;
    h.feed(b.request(sip::Method::cancel, 1, "z9hG4bK9", ep(1), ep(2), 0));
    EXPECT_TRUE(h.only().has_finding(FindingCode::cancel_unmatched));
}

TEST(Tracker, RedirectedCall) {
    Builder b;
    Harness h;
    const auto inv = b.request(sip::Method::invite, 1, "z9hG4bK1", ep(1), ep(2), 0);
    h.feed(inv);
    h.feed(b.response(inv, 302, 10 * ms, "t"));
    EXPECT_EQ(h.only().outcome, Outcome::redirected);
}

TEST(Tracker, RegistrationWithChallengeIsOneSuccess) {
    Builder b;
    Harness h;
    auto reg1 = b.request(sip::Method::register_, 1, "z9hG4bKr1", ep(1), ep(2), 0);
    reg1.has_contact = true;
    reg1.expires = 600;
    h.feed(reg1);
    h.feed(b.response(reg1, 401, 10 * ms, "s"));
    auto reg2 = b.request(sip::Method::register_, 2, "z9hG4bKr2", ep(1), ep(2), 20 * ms);
    reg2.has_contact = true;
    reg2.has_credentials = true;
    reg2.expires = 600;
    h.feed(reg2);
    h.feed(b.response(reg2, 200, 30 * ms, "s"));
    const auto& r = h.only();
    EXPECT_EQ(r.kind, Kind::registration);
    EXPECT_EQ(r.outcome, Outcome::registered);
    EXPECT_EQ(r.registrations, 1u);
    EXPECT_EQ(r.registrations_ok, 1u);
    EXPECT_EQ(r.challenges, 1u);
    EXPECT_EQ(r.final_code, 200);
    EXPECT_FALSE(r.has_finding(FindingCode::credentials_rejected));
}

TEST(Tracker, DeregistrationAndChallengeLeftUnanswered) {
    {
        Builder b;
        Harness h;
        auto reg = b.request(sip::Method::register_, 5, "z9hG4bKd", ep(1), ep(2), 0);
        reg.has_contact = true;
        reg.contact_expires = 0;
        h.feed(reg);
        h.feed(b.response(reg, 200, 10 * ms, "s"));
        const auto& r = h.only();
        EXPECT_EQ(r.outcome, Outcome::unregistered);
        EXPECT_EQ(r.deregistrations, 1u);
    }
    {
        Builder b;
        Harness h;
        auto reg = b.request(sip::Method::register_, 1, "z9hG4bKc", ep(1), ep(2), 0);
        reg.has_contact = true;
        h.feed(reg);
        h.feed(b.response(reg, 407, 10 * ms, "s"));
        const auto& r = h.only();
        EXPECT_EQ(r.outcome, Outcome::challenged);
        EXPECT_EQ(r.registrations, 1u);
        EXPECT_EQ(r.registrations_ok, 0u);
    }
}

TEST(Tracker, RejectedCredentials) {
    Builder b;
    Harness h;
    for (std::uint32_t i = 1; i <= 3; ++i) {
        auto reg = b.request(sip::Method::register_, i, "z9hG4bK" + std::to_string(i), ep(1), ep(2),
                             i * 100 * ms);
        reg.has_contact = true;
        h.feed(reg);
        h.feed(b.response(reg, i < 3 ? 401 : 403, i * 100 * ms + ms, "s"));
    }
    const auto& r = h.only();
    EXPECT_EQ(r.outcome, Outcome::failed);
    EXPECT_EQ(r.final_code, 403);
    EXPECT_TRUE(r.has_finding(FindingCode::credentials_rejected));
    EXPECT_EQ(r.registrations, 1u);
}

TEST(Tracker, ForkingCountsDialogs) {
    Builder b;
    Harness h;
    const auto inv = b.request(sip::Method::invite, 1, "z9hG4bK1", ep(1), ep(2), 0);
    h.feed(inv);
    h.feed(b.response(inv, 180, 1 * sec, "a"));
    h.feed(b.response(inv, 180, 1 * sec + ms, "b"));
    h.feed(b.response(inv, 200, 2 * sec, "b"));
    h.feed(b.request(sip::Method::ack, 1, "z9hG4bK5", ep(1), ep(2), 2 * sec + ms, "b"));
    const auto& r = h.only();
    EXPECT_EQ(r.dialogs, 2u);
    EXPECT_TRUE(r.has_finding(FindingCode::forked));
    EXPECT_EQ(r.outcome, Outcome::answered);
}

TEST(Tracker, TwoHopsFailureOriginIsDeepestHop) {
    Builder b;
    Harness h;
    // UE (1) -> proxy (2) -> callee (3); the callee's 486 travels back through the proxy.
    const auto inv1 = b.request(sip::Method::invite, 1, "z9hG4bKue", ep(1), ep(2), 0);
    const auto inv2 = b.request(sip::Method::invite, 1, "z9hG4bKpx", ep(2), ep(3), 5 * ms);
    h.feed(inv1);
    h.feed(inv2);
    auto busy2 = b.response(inv2, 486, 1 * sec, "t");
    busy2.user_agent = "Callee Phone";
    h.feed(busy2);
    h.feed(b.response(inv1, 486, 1 * sec + 2 * ms, "t"));
    const auto& r = h.only();
    EXPECT_EQ(r.outcome, Outcome::failed);
    EXPECT_EQ(r.final_code, 486);
    EXPECT_EQ(r.hops, 2u);
    EXPECT_EQ(r.failed_by, ep(3));
    EXPECT_EQ(r.failed_by_product, "Callee Phone");
    EXPECT_EQ(r.attempts, 2u); // one per hop
}

TEST(Tracker, ChallengedInviteRetriedAndAnswered) {
    Builder b;
    Harness h;
    const auto inv = b.request(sip::Method::invite, 1, "z9hG4bK1", ep(1), ep(2), 0);
    h.feed(inv);
    h.feed(b.response(inv, 407, 10 * ms, "p"));
    h.feed(b.request(sip::Method::ack, 1, "z9hG4bK1", ep(1), ep(2), 11 * ms, "p"));
    const auto inv2 = b.request(sip::Method::invite, 2, "z9hG4bK2", ep(1), ep(2), 20 * ms);
    h.feed(inv2);
    h.feed(b.response(inv2, 180, 520 * ms, "t"));
    h.feed(b.response(inv2, 200, 1020 * ms, "t"));
    const auto& r = h.only();
    EXPECT_EQ(r.outcome, Outcome::answered);
    EXPECT_EQ(r.challenges, 1u);
    ASSERT_TRUE(r.pdd_ms);
    EXPECT_DOUBLE_EQ(*r.pdd_ms, 520.0); // from the first INVITE
}

TEST(Tracker, OtherKinds) {
    struct Case {
        sip::Method method;
        int status;
        Kind kind;
        Outcome outcome;
    };
    const Case cases[] = {
        {sip::Method::options, 200, Kind::options, Outcome::completed},
        {sip::Method::message, 404, Kind::message, Outcome::failed},
        {sip::Method::subscribe, 202, Kind::subscription, Outcome::completed},
        {sip::Method::publish, 412, Kind::other, Outcome::failed},
        {sip::Method::info, 407, Kind::other, Outcome::challenged},
    };
    for (const auto& c : cases) {
        Builder b;
        Harness h;
        const auto req = b.request(c.method, 1, "z9hG4bKx", ep(1), ep(2), 0);
        h.feed(req);
        h.feed(b.response(req, c.status, 5 * ms, "t"));
        const auto& r = h.only();
        EXPECT_EQ(r.kind, c.kind) << sip::to_string(c.method);
        EXPECT_EQ(r.outcome, c.outcome) << sip::to_string(c.method);
        EXPECT_EQ(r.final_code, c.status);
    }
}

TEST(Tracker, ReinviteGlareAndPrack) {
    Builder b;
    Harness h;
    const auto inv = b.request(sip::Method::invite, 1, "z9hG4bK1", ep(1), ep(2), 0);
    h.feed(inv);
    auto rel = b.response(inv, 183, 100 * ms, "t");
    rel.rseq = 1;
    h.feed(rel);
    const auto prack = b.request(sip::Method::prack, 2, "z9hG4bKp", ep(1), ep(2), 150 * ms, "t");
    h.feed(prack);
    h.feed(b.response(prack, 200, 160 * ms, "t"));
    h.feed(b.response(inv, 200, 1 * sec, "t"));
    h.feed(b.request(sip::Method::ack, 1, "z9hG4bKa", ep(1), ep(2), 1 * sec + ms, "t"));
    const auto re = b.request(sip::Method::invite, 3, "z9hG4bKre", ep(1), ep(2), 5 * sec, "t");
    h.feed(re);
    h.feed(b.response(re, 491, 5 * sec + ms, "t"));
    h.feed(b.request(sip::Method::ack, 3, "z9hG4bKre", ep(1), ep(2), 5 * sec + 2 * ms, "t"));
    const auto& r = h.only();
    EXPECT_EQ(r.outcome, Outcome::answered); // the re-INVITE failure does not undo the answer
    EXPECT_EQ(r.pracks, 1u);
    EXPECT_EQ(r.reinvites, 1u);
    EXPECT_EQ(r.attempts, 1u);
    EXPECT_TRUE(r.has_finding(FindingCode::glare));
    EXPECT_TRUE(r.has_finding(FindingCode::reinvite_failed));
    EXPECT_DOUBLE_EQ(*r.pdd_ms, 100.0);
}

TEST(Tracker, ByeFromCallee) {
    Builder b;
    Harness h;
    const auto inv = b.request(sip::Method::invite, 1, "z9hG4bK1", ep(1), ep(2), 0);
    h.feed(inv);
    h.feed(b.response(inv, 200, 1 * sec, "t"));
    h.feed(b.request(sip::Method::ack, 1, "z9hG4bKa", ep(1), ep(2), 1 * sec + ms, "t"));
    b.from_tag = "t"; // the callee's BYE carries its own tag in From
    const auto bye = b.request(sip::Method::bye, 1, "z9hG4bKb", ep(2), ep(1), 3 * sec, "ftag");
    h.feed(bye);
    h.feed(b.response(bye, 200, 3 * sec + ms, "ftag"));
    const auto& r = h.only();
    EXPECT_EQ(r.bye_by, "callee");
    EXPECT_DOUBLE_EQ(*r.duration_s, 2.0);
}

TEST(Tracker, FinishedCallsAreForgottenAfterTheLinger) {
    TrackerOptions options;
    options.linger_ns = 2 * sec;
    std::size_t emitted = 0;
    Tracker tracker([&](CallRecord&&) { ++emitted; }, options);
    Builder b;
    std::size_t peak = 0;
    // 20000 short OPTIONS exchanges, 10 per second of capture time.
    for (int i = 0; i < 20000; ++i) {
        b.call_id = "opt-" + std::to_string(i);
        const std::int64_t t = i * 100 * ms;
        const auto req =
            b.request(sip::Method::options, 1, "z9hG4bK" + std::to_string(i), ep(1), ep(2), t);
        tracker.feed(req);
        tracker.feed(b.response(req, 200, t + ms, "x"));
        peak = std::max(peak, tracker.active());
    }
    EXPECT_LT(peak, 200u); // about (linger + sweep interval) x rate, not 20000
    tracker.finish();
    EXPECT_EQ(emitted, 20000u);
    EXPECT_EQ(tracker.active(), 0u);
}

TEST(Tracker, EventsWithoutCallIdAreIgnored) {
    Harness h;
    SipEvent e;
    h.feed(e);
    h.tracker.finish();
    EXPECT_TRUE(h.records.empty());
    EXPECT_EQ(h.tracker.stats().ignored, 1u);
}

// Records are numbered 1, 2, ... in the order of their first message, and every tracked message
// carries its record's number; a message without a Call-ID carries 0.
TEST(Tracker, RecordsAreNumberedInTheOrderOfTheirFirstMessage) {
    Builder b;
    Harness h;
    b.call_id = "second-seen@test";
    const auto late = b.request(sip::Method::options, 1, "z9hG4bKb", ep(1), ep(2), 5 * ms);
    b.call_id = "first-seen@test";
    const auto early = b.request(sip::Method::options, 1, "z9hG4bKa", ep(1), ep(2), 0);
    EXPECT_EQ(h.feed(early).call, 1u);
    EXPECT_EQ(h.feed(late).call, 2u);
    EXPECT_EQ(h.feed(b.response(early, 200, 10 * ms)).call, 1u);
    SipEvent orphan = early;
    orphan.call_id = {};
    EXPECT_EQ(h.feed(orphan).call, 0u);
    h.tracker.finish();
    ASSERT_EQ(h.records.size(), 2u);
    std::map<std::string, std::uint64_t> numbers;
    for (const auto& r : h.records)
        numbers[r.call_id] = r.number;
    EXPECT_EQ(numbers["first-seen@test"], 1u);
    EXPECT_EQ(numbers["second-seen@test"], 2u);
}

// The IMS evidence of a call: the first P-Access-Network-Info, and the precondition lines of the
// last SDP that had any (an SDP without them does not erase them).
TEST(Tracker, AccessNetworkAndLastPreconditions) {
    Builder b;
    Harness h;
    auto inv = b.request(sip::Method::invite, 1, "z9hG4bK1", ep(1), ep(2), 0);
    inv.access_network = "3GPP-NR-TDD;utran-cell-id-3gpp=00101000001000000001";
    inv.has_sdp = true;
    inv.sdp =
        "m=audio 1 RTP/AVP 0\r\na=curr:qos local none\r\na=des:qos mandatory local sendrecv\r\n";
    h.feed(inv);
    auto progress = b.response(inv, 183, 1 * sec, "t");
    progress.has_sdp = true;
    progress.sdp = "m=audio 2 RTP/AVP 0\r\na=curr:qos local sendrecv\r\na=curr:qos remote none\r\n"
                   "a=des:qos mandatory remote sendrecv\r\n";
    progress.access_network =
        "3GPP-NR-TDD;utran-cell-id-3gpp=00101000002000000002;network-provided";
    h.feed(progress);
    auto plain = b.response(inv, 183, 1 * sec + 10 * ms, "t");
    plain.has_sdp = true;
    plain.sdp = "m=audio 2 RTP/AVP 0\r\n";
    h.feed(plain);
    h.feed(b.response(inv, 580, 2 * sec, "t"));
    h.feed(b.request(sip::Method::ack, 1, "z9hG4bK1", ep(1), ep(2), 2 * sec + ms, "t"));
    const auto& r = h.only();
    EXPECT_EQ(r.final_code, 580);
    EXPECT_EQ(r.access_network, "3GPP-NR-TDD;utran-cell-id-3gpp=00101000001000000001");
    EXPECT_EQ(r.preconditions, "m=audio\na=curr:qos local sendrecv\na=curr:qos remote none\n"
                               "a=des:qos mandatory remote sendrecv\n");
}
