// The analysis side of the issue 17 diagnosis classes: KPIs leave calls seen mid-dialog out,
// the Call-ID count counts Call-IDs (not records), findings rank by severity, clock jumps are
// counted, and the explanations name what really happened.
#include <sipdx/analysis/explain.h>
#include <sipdx/analysis/summary.h>
#include <sipdx/output/analysis.h>

#include <gtest/gtest.h>

using namespace sipdx;
using namespace sipdx::analysis;
using session::CallRecord;
using session::FindingCode;
using session::Kind;
using session::Outcome;

namespace {

CallRecord call(const std::string& id, Outcome outcome, int code) {
    CallRecord r;
    r.call_id = id;
    r.kind = Kind::call;
    r.first_method = "INVITE";
    r.from = "alice@example.com";
    r.to = "bob@example.com";
    r.outcome = outcome;
    r.final_code = code;
    return r;
}

bool has(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST(DiagnosisSummary, CallsSeenMidDialogAreNoAttempts) {
    Summary s;
    s.add_record(call("a", Outcome::answered, 200));
    s.add_record(call("b", Outcome::failed, 503));
    auto mid = call("c", Outcome::ended, 200);
    mid.first_method = "BYE";
    mid.mid_dialog = true;
    s.add_record(mid);
    const auto k = s.kpis();
    EXPECT_EQ(k.call_attempts, 2u);
    EXPECT_EQ(k.calls_mid_dialog, 1u);
    EXPECT_DOUBLE_EQ(*k.asr, 0.5);
}

TEST(DiagnosisSummary, CallIdCountIgnoresContinuedRecords) {
    Summary s;
    auto first = call("reg", Outcome::registered, 200);
    first.kind = Kind::registration;
    auto again = first;
    again.part = 2;
    s.add_record(first);
    s.add_record(again);
    s.add_record(call("c", Outcome::answered, 200));
    EXPECT_EQ(s.records(), 3u);
    EXPECT_EQ(s.call_ids(), 2u);
}

TEST(DiagnosisSummary, FindingsRankBySeverityBeforeCount) {
    Summary s;
    for (int i = 0; i < 5; ++i) {
        auto r = call("r" + std::to_string(i), Outcome::answered, 200);
        r.findings.push_back({FindingCode::request_retransmitted, 1, 3}); // info, frequent
        s.add_record(r);
    }
    auto r = call("t", Outcome::timeout, 0);
    r.findings.push_back({FindingCode::transaction_timeout, 1, 1}); // error, once
    s.add_record(r);
    const auto rows = s.findings();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].code, FindingCode::transaction_timeout);
}

TEST(DiagnosisSummary, ClockJumpsAreCountedAndShownInTheHeader) {
    Summary s;
    session::FeedResult step;
    session::SipEvent e;
    e.call_id = "x";
    e.method = sip::Method::options;
    e.frame = 1;
    e.time_ns = 1'000'000'000'000'000'000;
    s.add_message(e, step);
    e.frame = 2;
    e.time_ns += 2'000'000'000; // ordinary
    s.add_message(e, step);
    e.frame = 3;
    e.time_ns -= 600'000'000'000; // ten minutes back
    s.add_message(e, step);
    EXPECT_EQ(s.clock_jumps(), 1u);
    EXPECT_EQ(s.first_clock_jump_frame(), 3u);
    const std::string text = output::render_summary_text(s, RunResult{});
    EXPECT_TRUE(has(text, "Capture time jumps 1 time (first at frame 3)")) << text;
}

TEST(DiagnosisWords, MidDialogByeSaysTheStartWasNotCaptured) {
    auto r = call("c", Outcome::ended, 200);
    r.first_method = "BYE";
    r.mid_dialog = true;
    r.bye_by = "callee";
    const std::string text = explain(r);
    EXPECT_TRUE(has(text, "started before the capture")) << text;
    EXPECT_TRUE(has(text, "ended by a BYE from the callee")) << text;
    EXPECT_FALSE(has(text, "no final response")) << text;
}

TEST(DiagnosisWords, MidDialog481SaysTheFarEndDidNotKnowTheDialog) {
    auto r = call("c", Outcome::failed, 481);
    r.first_method = "BYE";
    r.mid_dialog = true;
    const std::string text = explain(r);
    EXPECT_TRUE(has(text, "did not know the dialog")) << text;
}

TEST(DiagnosisWords, EarlyByeIsNamedAndNoCancelIsInvented) {
    auto r = call("c", Outcome::cancelled, 487);
    r.abandon_method = "BYE";
    r.abandon_frame = 42;
    r.pdd_ms = 800.0;
    r.progress_code = 183;
    const std::string text = explain(r);
    EXPECT_TRUE(has(text, "BYE in the early dialog (frame 42)")) << text;
    EXPECT_FALSE(has(text, "CANCEL")) << text;
    EXPECT_FALSE(has(text, "ringing")) << text;
    EXPECT_TRUE(has(text, "session progress (183)")) << text;
}

TEST(DiagnosisWords, UnansweredCancelAndTheFinalThatFollowedAreNamed) {
    auto r = call("c", Outcome::cancelled, 408);
    r.abandon_method = "CANCEL";
    r.abandon_frame = 7;
    r.findings.push_back({FindingCode::cancel_unanswered, 7, 1});
    const std::string text = explain(r);
    EXPECT_TRUE(has(text, "CANCEL (frame 7)")) << text;
    EXPECT_TRUE(has(text, "ended with 408")) << text;
    EXPECT_TRUE(has(text, "CANCEL itself was never answered")) << text;
}

TEST(DiagnosisWords, RejectedCredentialsAreExplainedAsSuch) {
    auto r = call("c", Outcome::failed, 403);
    r.findings.push_back({FindingCode::credentials_rejected, 5, 1});
    const std::string text = explain(r);
    EXPECT_TRUE(has(text, "credentials were sent after the challenge and rejected")) << text;
    EXPECT_TRUE(has(text, "password")) << text;
    EXPECT_FALSE(has(text, "authenticating again will not help")) << text;
}

TEST(DiagnosisWords, TheEarlierFailureBehindTheFinalIsNamed) {
    auto r = call("c", Outcome::failed, 500);
    r.has_failed_by = true;
    const std::uint8_t icscf[4] = {10, 0, 0, 3};
    const std::uint8_t fork[4] = {10, 0, 0, 4};
    r.failed_by = {decode::Address::v4(icscf), 5060};
    r.has_root_cause = true;
    r.root_cause_code = 408;
    r.root_cause_by = {decode::Address::v4(fork), 5060};
    const std::string text = explain(r);
    EXPECT_TRUE(has(text, "first sent by 10.0.0.3:5060")) << text;
    EXPECT_TRUE(has(text, "earlier 408 Request Timeout from 10.0.0.4:5060")) << text;
}

TEST(DiagnosisWords, RecordJsonCarriesTheNewFieldsOnlyWhenTheyApply) {
    auto tidy = call("c", Outcome::answered, 200);
    const auto j = output::record_json(tidy);
    EXPECT_FALSE(j.contains("mid_dialog"));
    EXPECT_FALSE(j.contains("record_part"));
    auto r = call("c", Outcome::cancelled, 0);
    r.mid_dialog = true;
    r.part = 2;
    r.abandon_method = "BYE";
    r.abandon_frame = 9;
    const auto k = output::record_json(r);
    EXPECT_EQ(k["mid_dialog"], true);
    EXPECT_EQ(k["record_part"], 2);
    EXPECT_EQ(k["abandoned_by"]["method"], "BYE");
    EXPECT_EQ(k["abandoned_by"]["frame"], 9);
}

// P-Access-Network-Info and the last SDP's preconditions: decoded in the record's JSON, absent
// when the Call-ID had none.
TEST(DiagnosisWords, RecordJsonCarriesAccessNetworkAndPreconditions) {
    auto tidy = call("c", Outcome::answered, 200);
    const auto j = output::record_json(tidy);
    EXPECT_FALSE(j.contains("access_network"));
    EXPECT_FALSE(j.contains("preconditions"));
    auto r = call("c", Outcome::failed, 580);
    r.access_network = "3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=310410910D67BBF16;network-provided";
    r.preconditions = "m=audio\na=curr:qos local none\na=des:qos mandatory local sendrecv\n";
    const auto k = output::record_json(r);
    EXPECT_EQ(k["access_network"]["header"], r.access_network);
    EXPECT_EQ(k["access_network"]["family"], "3gpp");
    EXPECT_EQ(k["access_network"]["is_3gpp"], true);
    EXPECT_EQ(k["access_network"]["mcc"], "310");
    EXPECT_EQ(k["access_network"]["mnc"], "410");
    EXPECT_EQ(k["access_network"]["area"], "TAC 910D");
    EXPECT_EQ(k["access_network"]["cell"], "ECI 67BBF16");
    EXPECT_EQ(k["access_network"]["network_provided"], true);
    ASSERT_EQ(k["preconditions"]["lines"].size(), 2u);
    EXPECT_EQ(k["preconditions"]["lines"][1]["kind"], "des");
    EXPECT_EQ(k["preconditions"]["lines"][1]["strength"], "mandatory");
    ASSERT_EQ(k["preconditions"]["unmet"].size(), 1u);
    EXPECT_EQ(k["preconditions"]["unmet"][0],
              "audio (stream 1): qos local sendrecv is mandatory, current local is none");
}
