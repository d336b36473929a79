// The RFC 6076 metrics of the summary, on message sequences fed through a real tracker: the
// delays are taken from the request that was answered (not the one a 401/407 challenged), the
// ratios from the records. Every expectation is worked out by hand in the comments.
#include <sipdx/analysis/summary.h>
#include <sipdx/session/tracker.h>

#include <gtest/gtest.h>

#include <string>

using namespace sipdx;
using namespace sipdx::analysis;
using session::CallRecord;
using session::Kind;
using session::Outcome;

namespace {

constexpr std::int64_t ms = 1'000'000;

struct Feeder {
    Summary summary;
    session::Tracker tracker{[this](CallRecord&& r) { summary.add_record(r); }};
    std::string via; // storage for the branch views

    void request(std::string_view call_id, sip::Method method, std::uint32_t cseq,
                 std::int64_t t_ms, std::string_view to_tag = {}) {
        session::SipEvent e;
        e.is_request = true;
        e.method = method;
        e.call_id = call_id;
        e.cseq = cseq;
        e.cseq_method = method;
        e.from_tag = "caller";
        e.to_tag = to_tag;
        via = "z9hG4bK-" + std::string(call_id) + "-" + std::to_string(cseq) + "-" +
              std::string(sip::to_string(method));
        e.branch = via;
        e.time_ns = t_ms * ms;
        summary.add_message(e, tracker.feed(e));
    }
    void response(std::string_view call_id, sip::Method method, std::uint32_t cseq, int status,
                  std::int64_t t_ms, std::string_view to_tag = "callee") {
        session::SipEvent e;
        e.is_request = false;
        e.status = status;
        e.call_id = call_id;
        e.cseq = cseq;
        e.cseq_method = method;
        e.from_tag = "caller";
        e.to_tag = status == 100 ? std::string_view{} : to_tag;
        via = "z9hG4bK-" + std::string(call_id) + "-" + std::to_string(cseq) + "-" +
              std::string(sip::to_string(method));
        e.branch = via;
        e.time_ns = t_ms * ms;
        summary.add_message(e, tracker.feed(e));
    }
};

CallRecord call(Outcome outcome, int code, bool bye = false) {
    CallRecord r;
    r.kind = Kind::call;
    r.outcome = outcome;
    r.final_code = code;
    if (bye) r.duration_s = 60.0;
    return r;
}

} // namespace

TEST(Rfc6076, SrdAndSddAreMeasuredOnTheAnsweredInvite) {
    using sip::Method;
    Feeder f;
    // INVITE at 0 challenged 407 at 50 ms; the user types a password for 17.75 s; the INVITE
    // with credentials leaves at 17800 ms, rings at 18300 and is answered at 20000. BYE at
    // 80000, its 200 at 80030.
    f.request("c1", Method::invite, 1, 0);
    f.response("c1", Method::invite, 1, 407, 50);
    f.request("c1", Method::invite, 2, 17'800);
    f.request("c1", Method::invite, 2, 18'000); // retransmission: does not restart the clock
    f.response("c1", Method::invite, 2, 100, 17'810);
    f.response("c1", Method::invite, 2, 180, 18'300);
    f.response("c1", Method::invite, 2, 200, 20'000);
    f.request("c1", Method::ack, 2, 20'010, "callee");
    f.request("c1", Method::bye, 3, 80'000, "callee");
    f.response("c1", Method::bye, 3, 200, 80'030);
    // A rejected call: SRD runs to the final answer when no 18x came (486 after 200 ms).
    f.request("c2", Method::invite, 1, 1'000);
    f.response("c2", Method::invite, 1, 100, 1'010);
    f.response("c2", Method::invite, 1, 486, 1'200);
    f.tracker.finish();

    const auto k = f.summary.kpis();
    const auto& m = k.rfc6076;
    ASSERT_EQ(m.srd_ms.samples, 2u);
    EXPECT_DOUBLE_EQ(*m.srd_ms.min, 200.0); // c2: 1200 - 1000
    EXPECT_DOUBLE_EQ(*m.srd_ms.max, 500.0); // c1: 18300 - 17800, not 18300 - 0
    ASSERT_EQ(m.sdd_ms.samples, 1u);
    EXPECT_DOUBLE_EQ(*m.sdd_ms.median, 30.0);
    ASSERT_EQ(m.sdt_s.samples, 1u);
    EXPECT_DOUBLE_EQ(*m.sdt_s.median, 60.0); // 80000 - 20000 ms
    // The legacy PDD keeps its stated definition: from the first INVITE, challenge included.
    ASSERT_EQ(k.pdd_ms.samples, 1u);
    EXPECT_DOUBLE_EQ(*k.pdd_ms.median, 18'300.0);
    // Two attempts, one established and completed (BYE), one busy (effective for SEER).
    EXPECT_EQ(m.session_attempts, 2u);
    EXPECT_DOUBLE_EQ(*m.ser, 0.5);
    EXPECT_DOUBLE_EQ(*m.seer, 1.0);
    EXPECT_DOUBLE_EQ(*m.isa, 0.0);
    EXPECT_DOUBLE_EQ(*m.scr, 0.5);
}

TEST(Rfc6076, RrdFromTheRegisterThatGotTheTwoHundred) {
    using sip::Method;
    Feeder f;
    // REGISTER at 0 challenged 401 at 10 ms; with credentials at 1000, 200 OK at 1040.
    f.request("r1", Method::register_, 1, 0);
    f.response("r1", Method::register_, 1, 401, 10);
    f.request("r1", Method::register_, 2, 1'000);
    f.response("r1", Method::register_, 2, 200, 1'040);
    // A refresh on the same Call-ID an hour later: a second sample (25 ms).
    f.request("r1", Method::register_, 3, 3'600'000);
    f.response("r1", Method::register_, 3, 200, 3'600'025);
    // A REGISTER refused 403: no RRD sample, one ineffective registration.
    f.request("r2", Method::register_, 1, 2'000);
    f.response("r2", Method::register_, 1, 403, 2'030);
    f.tracker.finish();

    const auto m = f.summary.kpis().rfc6076;
    ASSERT_EQ(m.rrd_ms.samples, 2u);
    EXPECT_DOUBLE_EQ(*m.rrd_ms.min, 25.0);
    EXPECT_DOUBLE_EQ(*m.rrd_ms.max, 40.0);
    // Procedures that ended: r1 twice (both 200), r2 once (403).
    EXPECT_EQ(m.registration_attempts, 3u);
    EXPECT_EQ(m.ineffective_registrations, 1u);
    EXPECT_DOUBLE_EQ(*m.ira, 1.0 / 3.0);
}

TEST(Rfc6076, RatiosFollowTheRfcSets) {
    Summary s;
    s.add_record(call(Outcome::answered, 200, true)); // established, completed
    s.add_record(call(Outcome::answered, 200));       // established, BYE not captured
    s.add_record(call(Outcome::failed, 486));         // effective (user busy)
    s.add_record(call(Outcome::failed, 603));         // effective (declined)
    s.add_record(call(Outcome::failed, 503));         // ineffective
    s.add_record(call(Outcome::timeout, 0));          // ineffective: nobody answered
    s.add_record(call(Outcome::redirected, 302));     // out of the SER/SEER base
    s.add_record(call(Outcome::cancelled, 487));      // neither
    s.add_record(call(Outcome::in_progress, 0));      // not an attempt yet
    const auto m = s.kpis().rfc6076;
    EXPECT_EQ(m.session_attempts, 8u);
    EXPECT_EQ(m.redirected, 1u);
    EXPECT_DOUBLE_EQ(*m.ser, 2.0 / 7.0);
    EXPECT_DOUBLE_EQ(*m.seer, 4.0 / 7.0);
    EXPECT_DOUBLE_EQ(*m.isa, 2.0 / 8.0);
    EXPECT_DOUBLE_EQ(*m.scr, 1.0 / 8.0);
    EXPECT_FALSE(m.ira); // no registration at all

    Summary empty;
    EXPECT_FALSE(empty.kpis().rfc6076.ser);
    EXPECT_FALSE(empty.kpis().rfc6076.isa);
}
