// One test per diagnosis class of issue 17: traces that start mid-dialog, callers giving up
// other ways than CANCEL/487, tag-rewriting B2BUAs, the failure chain across hops, rejected
// credentials, records continued after emission, clock jumps and capture holes.
#include "unit/session/event_builder.h"

#include <sipdx/session/tracker.h>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

using namespace sipdx;
using namespace sipdx::session;
using namespace sipdx::session::test;

namespace {

const CallRecord& record_of(const std::vector<CallRecord>& records, const std::string& id) {
    for (const auto& r : records)
        if (r.call_id == id) return r;
    throw std::runtime_error("no record for " + id);
}

std::uint32_t hits(const CallRecord& r, FindingCode code) {
    for (const auto& f : r.findings)
        if (f.code == code) return f.count;
    return 0;
}

} // namespace

TEST(Diagnosis, ByeFirstAndAnsweredIsACallSeenMidDialogThatEnded) {
    Builder b;
    Harness h;
    const auto bye = b.request(sip::Method::bye, 7, "z9hG4bKb", ep(1), ep(2), 0, "callee");
    h.feed(bye);
    h.feed(b.response(bye, 200, 10 * ms, "callee"));
    const auto& r = h.only();
    EXPECT_EQ(r.kind, Kind::call);
    EXPECT_TRUE(r.mid_dialog);
    EXPECT_EQ(r.outcome, Outcome::ended);
    EXPECT_EQ(r.final_code, 200);
    EXPECT_FALSE(r.has_finding(FindingCode::bye_without_answer));
}

TEST(Diagnosis, ByeFirstAnswered481MeansTheFarEndDidNotKnowTheDialog) {
    Builder b;
    Harness h;
    const auto bye = b.request(sip::Method::bye, 7, "z9hG4bKb", ep(1), ep(2), 0, "callee");
    h.feed(bye);
    h.feed(b.response(bye, 481, 10 * ms, "callee"));
    const auto& r = h.only();
    EXPECT_EQ(r.kind, Kind::call);
    EXPECT_TRUE(r.mid_dialog);
    EXPECT_EQ(r.outcome, Outcome::failed);
    EXPECT_EQ(r.final_code, 481);
    ASSERT_TRUE(r.has_failed_by);
    EXPECT_EQ(r.failed_by, ep(2));
    EXPECT_TRUE(r.has_finding(FindingCode::dialog_gone));
}

TEST(Diagnosis, ReInviteFirstAnsweredIsAnUpCallSeenMidDialog) {
    Builder b;
    Harness h;
    const auto re = b.request(sip::Method::invite, 3, "z9hG4bKr", ep(1), ep(2), 0, "callee");
    h.feed(re);
    h.feed(b.response(re, 200, 10 * ms, "callee"));
    h.feed(b.request(sip::Method::ack, 3, "z9hG4bKa", ep(1), ep(2), 20 * ms, "callee"));
    const auto& r = h.only();
    EXPECT_EQ(r.kind, Kind::call);
    EXPECT_TRUE(r.mid_dialog);
    EXPECT_EQ(r.outcome, Outcome::answered);
    EXPECT_EQ(r.attempts, 0u);
}

TEST(Diagnosis, EarlyByeWithoutTerminationIsTheCallerGivingUp) {
    Builder b;
    Harness h;
    const auto inv = b.request(sip::Method::invite, 1, "z9hG4bK1", ep(1), ep(2), 0);
    h.feed(inv);
    h.feed(b.response(inv, 180, 1 * sec, "callee"));
    const auto bye = b.request(sip::Method::bye, 2, "z9hG4bK2", ep(1), ep(2), 5 * sec, "callee");
    h.feed(bye);
    h.feed(b.response(bye, 200, 5 * sec + 10 * ms, "callee"));
    // The capture goes on for minutes with other traffic; the INVITE never gets its 487.
    Builder other;
    other.call_id = "other@test";
    h.feed(other.request(sip::Method::options, 1, "z9hG4bKo", ep(3), ep(4), 180 * sec));
    h.tracker.finish();
    ASSERT_EQ(h.records.size(), 2u);
    const auto& r = record_of(h.records, b.call_id);
    EXPECT_EQ(r.outcome, Outcome::cancelled);
    EXPECT_EQ(r.abandon_method, "BYE");
    EXPECT_EQ(r.abandon_frame, bye.frame);
    EXPECT_TRUE(r.has_finding(FindingCode::termination_missing));
    EXPECT_FALSE(r.has_finding(FindingCode::bye_without_answer));
}

TEST(Diagnosis, UnansweredCancelThen408IsStillTheCallerGivingUp) {
    Builder b;
    Harness h;
    const auto inv = b.request(sip::Method::invite, 1, "z9hG4bK1", ep(1), ep(2), 0);
    h.feed(inv);
    h.feed(b.response(inv, 180, 1 * sec, "callee"));
    const auto cancel = b.request(sip::Method::cancel, 1, "z9hG4bK1", ep(1), ep(2), 3 * sec);
    for (int i = 0; i < 11; ++i)
        h.feed(at(cancel, 3 * sec + i * 500 * ms));
    h.feed(b.response(inv, 408, 35 * sec, "callee"));
    const auto& r = h.only();
    EXPECT_EQ(r.outcome, Outcome::cancelled);
    EXPECT_EQ(r.final_code, 408);
    EXPECT_EQ(r.abandon_method, "CANCEL");
    EXPECT_EQ(r.abandon_frame, cancel.frame);
    EXPECT_TRUE(r.has_finding(FindingCode::cancel_unanswered));
}

TEST(Diagnosis, EarlyByeAnswered487NamesTheByeAndTheProgressCode) {
    Builder b;
    Harness h;
    const auto inv = b.request(sip::Method::invite, 1, "z9hG4bK1", ep(1), ep(2), 0);
    h.feed(inv);
    h.feed(b.response(inv, 183, 800 * ms, "callee"));
    const auto bye = b.request(sip::Method::bye, 2, "z9hG4bK2", ep(1), ep(2), 4 * sec, "callee");
    h.feed(bye);
    h.feed(b.response(bye, 200, 4 * sec + 5 * ms, "callee"));
    h.feed(b.response(inv, 487, 4 * sec + 6 * ms, "callee"));
    const auto& r = h.only();
    EXPECT_EQ(r.outcome, Outcome::cancelled);
    EXPECT_EQ(r.final_code, 487);
    EXPECT_EQ(r.abandon_method, "BYE");
    EXPECT_FALSE(r.cancel_seen);
    EXPECT_EQ(r.progress_code, 183);
    EXPECT_FALSE(r.has_finding(FindingCode::termination_missing));
}

TEST(Diagnosis, TagRewrittenByAB2buaIsNotForking) {
    Builder b;
    Harness h;
    // Caller -> SBC (hop 1), SBC -> callee (hop 2): one dialog, a tag on each side.
    const auto inv1 = b.request(sip::Method::invite, 1, "z9hG4bKh1", ep(1), ep(2), 0);
    const auto inv2 = b.request(sip::Method::invite, 1, "z9hG4bKh2", ep(2), ep(3), 5 * ms);
    h.feed(inv1);
    h.feed(inv2);
    h.feed(b.response(inv2, 180, 1 * sec, "tag-inside"));
    h.feed(b.response(inv1, 180, 1 * sec + 2 * ms, "tag-outside"));
    h.feed(b.response(inv2, 200, 2 * sec, "tag-inside"));
    h.feed(b.response(inv1, 200, 2 * sec + 2 * ms, "tag-outside"));
    const auto& r = h.only();
    EXPECT_FALSE(r.has_finding(FindingCode::forked));
    EXPECT_EQ(r.dialogs, 1u);
    EXPECT_EQ(r.hops, 2u);
}

TEST(Diagnosis, TwoTagsOnOneHopAreForking) {
    Builder b;
    Harness h;
    const auto inv = b.request(sip::Method::invite, 1, "z9hG4bK1", ep(1), ep(2), 0);
    h.feed(inv);
    h.feed(b.response(inv, 180, 1 * sec, "fork-a"));
    h.feed(b.response(inv, 180, 1 * sec + 5 * ms, "fork-b"));
    h.feed(b.response(inv, 200, 2 * sec, "fork-a"));
    const auto& r = h.only();
    EXPECT_TRUE(r.has_finding(FindingCode::forked));
    EXPECT_EQ(r.dialogs, 2u);
}

TEST(Diagnosis, FailureChainNamesTheOriginAndTheEarlierCause) {
    Builder b;
    Harness h;
    // UE(1) -> P-CSCF(2) -> I-CSCF(3) -> forks to 4 and 5, both answering 408; the I-CSCF
    // then answers 500, relayed by the P-CSCF to the UE.
    const auto hop1 = b.request(sip::Method::invite, 1, "z9hG4bKh1", ep(1), ep(2), 0);
    const auto hop2 = b.request(sip::Method::invite, 1, "z9hG4bKh2", ep(2), ep(3), 1 * ms);
    const auto fork1 = b.request(sip::Method::invite, 1, "z9hG4bKf1", ep(3), ep(4), 2 * ms);
    const auto fork2 = b.request(sip::Method::invite, 1, "z9hG4bKf2", ep(3), ep(5), 2 * ms);
    for (const auto& e : {hop1, hop2, fork1, fork2})
        h.feed(e);
    h.feed(b.response(fork1, 408, 10 * sec, "f1"));
    h.feed(b.response(fork2, 408, 10 * sec + 1 * ms, "f2"));
    h.feed(b.response(hop2, 500, 10 * sec + 5 * ms, "i"));
    h.feed(b.response(hop1, 500, 10 * sec + 6 * ms, "i"));
    const auto& r = h.only();
    EXPECT_EQ(r.outcome, Outcome::failed);
    EXPECT_EQ(r.final_code, 500);
    ASSERT_TRUE(r.has_failed_by);
    EXPECT_EQ(r.failed_by, ep(3)); // the I-CSCF originated the 500, not a fork's 408
    ASSERT_TRUE(r.has_root_cause);
    EXPECT_EQ(r.root_cause_code, 408);
    EXPECT_EQ(r.root_cause_by, ep(4));
    EXPECT_EQ(r.hops, 2u); // the 500's path; the forks are not hops of it
}

TEST(Diagnosis, CredentialsAnswered403AreRejected) {
    Builder b;
    Harness h;
    const auto inv = b.request(sip::Method::invite, 1, "z9hG4bK1", ep(1), ep(2), 0);
    h.feed(inv);
    h.feed(b.response(inv, 407, 10 * ms, "t1"));
    h.feed(b.request(sip::Method::ack, 1, "z9hG4bK1", ep(1), ep(2), 11 * ms, "t1"));
    auto again = b.request(sip::Method::invite, 2, "z9hG4bK2", ep(1), ep(2), 20 * ms);
    again.has_credentials = true;
    h.feed(again);
    h.feed(b.response(again, 403, 30 * ms, "t2"));
    h.feed(b.request(sip::Method::ack, 2, "z9hG4bK2", ep(1), ep(2), 31 * ms, "t2"));
    const auto& r = h.only();
    EXPECT_EQ(r.outcome, Outcome::failed);
    EXPECT_EQ(r.final_code, 403);
    EXPECT_TRUE(r.has_finding(FindingCode::credentials_rejected));
}

TEST(Diagnosis, A403WithoutCredentialsIsNoRejectedPassword) {
    Builder b;
    Harness h;
    const auto inv = b.request(sip::Method::invite, 1, "z9hG4bK1", ep(1), ep(2), 0);
    h.feed(inv);
    h.feed(b.response(inv, 403, 10 * ms, "t1"));
    const auto& r = h.only();
    EXPECT_FALSE(r.has_finding(FindingCode::credentials_rejected));
}

TEST(Diagnosis, ARefreshAfterEmissionIsRecordPartTwo) {
    Builder b;
    Harness h;
    const auto reg1 = b.request(sip::Method::register_, 1, "z9hG4bK1", ep(1), ep(2), 0);
    h.feed(reg1);
    h.feed(b.response(reg1, 200, 10 * ms));
    // Another Call-ID keeps the clock running past the linger time, so the first is emitted.
    Builder other;
    other.call_id = "other@test";
    h.feed(other.request(sip::Method::options, 1, "z9hG4bKo", ep(3), ep(4), 40 * sec));
    const auto reg2 = b.request(sip::Method::register_, 2, "z9hG4bK2", ep(1), ep(2), 60 * sec);
    h.feed(reg2);
    h.feed(b.response(reg2, 200, 60 * sec + 10 * ms));
    h.tracker.finish();
    std::vector<std::uint32_t> parts;
    for (const auto& r : h.records)
        if (r.call_id == b.call_id) parts.push_back(r.part);
    EXPECT_EQ(parts, (std::vector<std::uint32_t>{1, 2}));
    EXPECT_EQ(h.tracker.stats().records_continued, 1u);
}

TEST(Diagnosis, ClockJumpIsReportedAndNoDurationSpansIt) {
    Builder b;
    Harness h;
    const std::int64_t t0 = 1'100'000'000 * sec;
    const auto inv = b.request(sip::Method::invite, 1, "z9hG4bK1", ep(1), ep(2), t0);
    h.feed(inv);
    h.feed(b.response(inv, 200, t0 + 1 * sec, "callee"));
    h.feed(b.request(sip::Method::ack, 1, "z9hG4bKa", ep(1), ep(2), t0 + 1 * sec, "callee"));
    const std::int64_t later = t0 + 53LL * 365 * 86400 * sec; // the clock jumps 53 years
    const auto bye = b.request(sip::Method::bye, 2, "z9hG4bKb", ep(1), ep(2), later, "callee");
    h.feed(bye);
    h.feed(b.response(bye, 200, later + 5 * ms, "callee"));
    const auto& r = h.only();
    EXPECT_EQ(r.outcome, Outcome::answered);
    EXPECT_TRUE(r.has_finding(FindingCode::clock_jump));
    EXPECT_FALSE(r.duration_s); // answer before the jump, BYE after it: spans it
    ASSERT_TRUE(r.setup_ms);    // INVITE and 200 OK both before the jump: kept
    EXPECT_DOUBLE_EQ(*r.setup_ms, 1000.0);
    EXPECT_EQ(h.tracker.stats().clock_jumps, 1u);
    EXPECT_EQ(h.tracker.stats().first_clock_jump_frame, bye.frame);
}

TEST(Diagnosis, ClockGoingBackwardsDoesNotTimeOutWhatFollows) {
    Builder b;
    Harness h;
    const std::int64_t t0 = 1'500'000'000 * sec;
    const auto inv = b.request(sip::Method::invite, 1, "z9hG4bK1", ep(1), ep(2), t0);
    h.feed(inv);
    h.feed(b.response(inv, 180, t0 + 1 * sec, "callee"));
    Builder second;
    second.call_id = "second@test";
    const std::int64_t back = t0 - 3600 * sec; // an hour earlier
    const auto opt = second.request(sip::Method::options, 1, "z9hG4bKo", ep(3), ep(4), back);
    h.feed(opt);
    h.feed(second.response(opt, 200, back + 5 * ms));
    h.tracker.finish();
    ASSERT_EQ(h.records.size(), 2u);
    EXPECT_EQ(h.tracker.stats().clock_jumps, 1u);
    for (const auto& r : h.records) {
        if (r.call_id == "second@test") {
            EXPECT_EQ(r.outcome, Outcome::completed);
        }
        EXPECT_FALSE(r.has_finding(FindingCode::transaction_timeout)) << r.call_id;
        EXPECT_FALSE(r.has_finding(FindingCode::clock_jump)) << r.call_id; // neither spans it
    }
    EXPECT_FALSE(is_clock_jump(t0, t0 - 5 * sec)); // small reordering is no jump
}

TEST(Diagnosis, MessageAfterACaptureHoleRaisesCaptureGap) {
    Builder b;
    Harness h;
    const auto inv = b.request(sip::Method::invite, 1, "z9hG4bK1", ep(1), ep(2), 0);
    h.feed(inv);
    auto ok = b.response(inv, 200, 1 * sec, "callee");
    ok.after_gap = true;
    h.feed(ok);
    const auto& r = h.only();
    EXPECT_EQ(hits(r, FindingCode::capture_gap), 1u);
}

TEST(Diagnosis, RecordFindingsAreSortedBySeverityThenCount) {
    Builder b;
    Harness h;
    const auto inv = b.request(sip::Method::invite, 1, "z9hG4bK1", ep(1), ep(2), 0);
    for (int i = 0; i < 7; ++i)
        h.feed(at(inv, i * sec)); // request-retransmitted (info) many times
    Builder other;
    other.call_id = "clock@test";
    h.feed(other.request(sip::Method::options, 1, "z9hG4bKo", ep(3), ep(4), 100 * sec));
    h.tracker.finish();
    const auto& r = record_of(h.records, b.call_id);
    ASSERT_GE(r.findings.size(), 2u);
    EXPECT_EQ(r.findings.front().code, FindingCode::transaction_timeout); // error first
    for (std::size_t i = 1; i < r.findings.size(); ++i)
        EXPECT_GE(severity_of(r.findings[i - 1].code), severity_of(r.findings[i].code));
}

TEST(Diagnosis, ViaChainNamesTheOriginAndTheFailureBelowIt) {
    Builder b;
    Harness h;
    // The case with Via links: UE(1) -> P-CSCF(2) -> I-CSCF(3) -> forks to 4 and 5.
    const auto hop1 = b.request(sip::Method::invite, 1, "z9hG4bKh1", ep(1), ep(2), 1 * ms);
    auto hop2 = b.request(sip::Method::invite, 1, "z9hG4bKh2", ep(2), ep(3), 2 * ms);
    hop2.previous_branch = "z9hG4bKh1";
    auto fork1 = b.request(sip::Method::invite, 1, "z9hG4bKf1", ep(3), ep(4), 3 * ms);
    auto fork2 = b.request(sip::Method::invite, 1, "z9hG4bKf2", ep(3), ep(5), 3 * ms);
    fork1.previous_branch = fork2.previous_branch = "z9hG4bKh2";
    for (const auto& e : {hop1, hop2, fork1, fork2})
        h.feed(e);
    h.feed(b.response(fork1, 408, 10 * sec, "f1"));
    h.feed(b.response(fork2, 408, 10 * sec + 1 * ms, "f2"));
    h.feed(b.response(hop2, 500, 10 * sec + 5 * ms, "i"));
    h.feed(b.response(hop1, 500, 10 * sec + 6 * ms, "i"));
    const auto& r = h.only();
    EXPECT_EQ(r.final_code, 500);
    EXPECT_EQ(r.failed_by, ep(3));
    ASSERT_TRUE(r.has_root_cause);
    EXPECT_EQ(r.root_cause_code, 408);
    EXPECT_EQ(r.root_cause_by, ep(4));
    EXPECT_EQ(r.hops, 2u);
}

TEST(Diagnosis, ViaChainDoesNotBlameAParallelForkThatLost) {
    Builder b;
    Harness h;
    // UE(1) -> P(2) -> S(3), S forks to 4 (answers 500 first) and 5 (answers 480); S relays
    // the best answer, 480 (RFC 3261 section 16.7), which is what the caller gets. The 500 of
    // the other fork did not cause it.
    const auto hop1 = b.request(sip::Method::invite, 1, "z9hG4bKh1", ep(1), ep(2), 1 * ms);
    auto hop2 = b.request(sip::Method::invite, 1, "z9hG4bKh2", ep(2), ep(3), 2 * ms);
    hop2.previous_branch = "z9hG4bKh1";
    auto fork1 = b.request(sip::Method::invite, 1, "z9hG4bKf1", ep(3), ep(4), 3 * ms);
    auto fork2 = b.request(sip::Method::invite, 1, "z9hG4bKf2", ep(3), ep(5), 3 * ms);
    fork1.previous_branch = fork2.previous_branch = "z9hG4bKh2";
    for (const auto& e : {hop1, hop2, fork1, fork2})
        h.feed(e);
    h.feed(b.response(fork1, 500, 1 * sec, "f1"));
    h.feed(b.response(fork2, 480, 2 * sec, "f2"));
    h.feed(b.response(hop2, 480, 2 * sec + 1 * ms, "f2"));
    h.feed(b.response(hop1, 480, 2 * sec + 2 * ms, "f2"));
    const auto& r = h.only();
    EXPECT_EQ(r.final_code, 480);
    EXPECT_EQ(r.failed_by, ep(5));
    EXPECT_FALSE(r.has_root_cause);
    EXPECT_EQ(r.hops, 3u);
}

TEST(Diagnosis, AHopMissingFromTheCaptureFallsBackToTheEarliestSameAnswer) {
    Builder b;
    Harness h;
    // UE(1) -> P(2) -> S(3) -> AS(4) -> UAS(5); the S -> AS hop is not in the capture, so
    // the chain from the UE stops at S, but the 486 came from the UAS.
    const auto hop1 = b.request(sip::Method::invite, 1, "z9hG4bKh1", ep(1), ep(2), 1 * ms);
    auto hop2 = b.request(sip::Method::invite, 1, "z9hG4bKh2", ep(2), ep(3), 2 * ms);
    hop2.previous_branch = "z9hG4bKh1";
    auto hop4 = b.request(sip::Method::invite, 1, "z9hG4bKh4", ep(4), ep(5), 4 * ms);
    hop4.previous_branch = "z9hG4bKh3";
    for (const auto& e : {hop1, hop2, hop4})
        h.feed(e);
    h.feed(b.response(hop4, 486, 1 * sec, "u"));
    h.feed(b.response(hop2, 486, 1 * sec + 2 * ms, "u"));
    h.feed(b.response(hop1, 486, 1 * sec + 3 * ms, "u"));
    const auto& r = h.only();
    EXPECT_EQ(r.final_code, 486);
    EXPECT_EQ(r.failed_by, ep(5));
}
