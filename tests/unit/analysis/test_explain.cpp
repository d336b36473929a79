// analysis/explain.h: what the explanation of each key outcome says, the code helpers, and the
// explanations the analyzer attaches to the records of the bundled sample capture.
#include <sipdx/analysis/analyzer.h>
#include <sipdx/analysis/explain.h>

#include <gtest/gtest.h>

#include <map>
#include <string>

using namespace sipdx;
using namespace sipdx::analysis;
using session::CallRecord;
using session::FindingCode;
using session::Kind;
using session::Outcome;

namespace {

CallRecord record(Kind kind, Outcome outcome, int code) {
    CallRecord r;
    r.call_id = "x@example.com";
    r.kind = kind;
    r.from = "alice@example.com";
    r.to = "bob@example.com";
    r.outcome = outcome;
    r.final_code = code;
    return r;
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST(Explain, AnsweredCallGivesTimingsAndWhoHungUp) {
    auto r = record(Kind::call, Outcome::answered, 200);
    r.setup_ms = 1500;
    r.pdd_ms = 200;
    r.duration_s = 12.04;
    r.bye_by = "callee";
    const std::string text = explain(r);
    EXPECT_TRUE(has(text, "The call from alice@example.com to bob@example.com was answered "
                          "(200 OK) 1.500 s after the first INVITE, ringing after 0.200 s."))
        << text;
    EXPECT_TRUE(has(text, "It lasted 12.0 s and the callee hung up with BYE.")) << text;

    r.duration_s.reset();
    r.challenges = 1;
    const std::string unknown_length = explain(r);
    EXPECT_TRUE(has(unknown_length, "The callee hung up with BYE (how long the call lasted is "
                                    "not known)."))
        << unknown_length;
    EXPECT_TRUE(has(unknown_length, "challenged for credentials, which is normal"))
        << unknown_length;
    r.bye_by.clear();
    const std::string open = explain(r);
    EXPECT_TRUE(has(open, "No BYE was captured")) << open;
}

TEST(Explain, FailureNamesTheCodeItsCategoryAndWhatToCheck) {
    auto r = record(Kind::call, Outcome::failed, 503);
    const std::string text = explain(r);
    EXPECT_TRUE(has(text, "failed with 503 Service Unavailable.")) << text;
    EXPECT_TRUE(has(text, "(category: ")) << text;
    EXPECT_TRUE(has(text, " Check next: ")) << text;
    EXPECT_EQ(text.back(), '.');
    r.final_reason = "Overloaded Here"; // the phrase as sent wins over the standard one
    EXPECT_TRUE(has(explain(r), "failed with 503 Overloaded Here.")) << explain(r);
}

TEST(Explain, CancelledTimeoutAndChallenged) {
    auto cancelled = record(Kind::call, Outcome::cancelled, 487);
    cancelled.pdd_ms = 500;
    const std::string unseen = explain(cancelled);
    EXPECT_TRUE(has(unseen, "was cancelled before an answer, after ringing began at 0.500 s; the "
                            "INVITE ended with 487 Request Terminated, the normal answer (the "
                            "CANCEL or BYE behind it is not in the capture)."))
        << unseen;
    cancelled.abandon_method = "CANCEL"; // the request that gave up, as the tracker names it
    cancelled.abandon_frame = 7;
    const std::string c = explain(cancelled);
    EXPECT_TRUE(has(c, "was cancelled: the caller gave up with CANCEL (frame 7) before an answer, "
                       "after ringing began at 0.500 s; the INVITE ended with 487 Request "
                       "Terminated, the normal answer."))
        << c;

    auto timeout = record(Kind::call, Outcome::timeout, 0);
    timeout.retransmissions = 6;
    EXPECT_TRUE(has(explain(timeout), "was retransmitted 6 times and no answer came"))
        << explain(timeout);
    timeout.retransmissions = 0;
    EXPECT_TRUE(has(explain(timeout), "waited more than 32 s")) << explain(timeout);

    auto challenged = record(Kind::registration, Outcome::challenged, 401);
    const std::string ch = explain(challenged);
    EXPECT_TRUE(has(ch, "The registration of alice@example.com ended on a 401 Unauthorized "
                        "challenge that was never answered"))
        << ch;
}

TEST(Explain, RegistrationsAndRequestsWithoutDialog) {
    auto reg = record(Kind::registration, Outcome::registered, 200);
    reg.challenges = 1;
    EXPECT_TRUE(has(explain(reg), "The registration of alice@example.com succeeded (200 OK) after "
                                  "a digest/AKA challenge"))
        << explain(reg);
    auto unreg = record(Kind::registration, Outcome::unregistered, 200);
    EXPECT_TRUE(has(explain(unreg), "removed its registration (Expires 0), answered 200 OK."))
        << explain(unreg);
    auto options = record(Kind::options, Outcome::completed, 200);
    EXPECT_TRUE(has(explain(options), "The OPTIONS request from alice@example.com to "
                                      "bob@example.com completed with 200 OK."))
        << explain(options);
    auto redirected = record(Kind::call, Outcome::redirected, 302);
    EXPECT_TRUE(has(explain(redirected), "was redirected with 302 Moved Temporarily"))
        << explain(redirected);
    auto ringing = record(Kind::call, Outcome::in_progress, 0);
    ringing.pdd_ms = 100;
    EXPECT_TRUE(has(explain(ringing), "had no final response when the capture ended (it was "
                                      "ringing)."))
        << explain(ringing);
}

TEST(Explain, FindingsAndHopsAreAppended) {
    auto r = record(Kind::call, Outcome::answered, 200);
    r.findings = {{FindingCode::credentials_rejected, 1, 1},
                  {FindingCode::answered_after_cancel, 2, 1},
                  {FindingCode::forked, 3, 1},
                  {FindingCode::ack_missing, 4, 1}};
    r.dialogs = 2;
    r.hops = 3;
    const std::string text = explain(r);
    EXPECT_TRUE(has(text, "Credentials were rejected at least once")) << text;
    EXPECT_TRUE(has(text, "A CANCEL crossed the 2xx (race)")) << text;
    EXPECT_TRUE(has(text, "The INVITE was forked (2 early dialogs).")) << text;
    EXPECT_TRUE(has(text, "An ACK is missing for a final response.")) << text;
    EXPECT_TRUE(has(text, "The request was seen on 3 hops.")) << text;
    EXPECT_FALSE(has(explain(record(Kind::call, Outcome::answered, 200)), "hops")) << text;
}

TEST(Explain, CodeHelpers) {
    EXPECT_EQ(class_name(486), "Request or Client Failure");
    EXPECT_EQ(class_name(200), "Success");
    EXPECT_EQ(class_name(99), "");
    EXPECT_EQ(class_name(700), "");
    EXPECT_EQ(standard_phrase(404), "Not Found");
    EXPECT_EQ(standard_phrase(499), "Bad Request"); // unregistered: the class's x00 phrase
    EXPECT_EQ(category_of(99), "");
    const std::string meaning = code_meaning(404);
    ASSERT_FALSE(meaning.empty());
    EXPECT_EQ(meaning.back(), '.');
    EXPECT_EQ(meaning.find(". "), std::string::npos) << meaning; // one sentence

    CallRecord r;
    EXPECT_EQ(failed_by_text(r), "");
    const std::uint8_t ip[4] = {198, 51, 100, 9};
    r.has_failed_by = true;
    r.failed_by = {decode::Address::v4(ip), 5070};
    EXPECT_EQ(failed_by_text(r), "198.51.100.9:5070");
}

TEST(Explain, TheAnalyzerExplainsTheSampleCalls) {
    AnalyzeOptions options;
    options.threads = 1;
    Analyzer analyzer(options);
    std::map<std::string, std::string> explanations;
    analyzer.on_record(
        [&](CallRecord&& r) { explanations.emplace(r.call_id, std::move(r.explanation)); });
    analyzer.run({std::string(SIPDX_TEST_DATA_DIR) + "/sample/sipdx-sample.pcap"});
    ASSERT_EQ(explanations.size(), 18u);
    for (const auto& [id, text] : explanations)
        EXPECT_FALSE(text.empty()) << id;
    const std::string& busy = explanations["busy-1@sipdx.test"];
    EXPECT_TRUE(has(busy, "failed with 486 Busy Here.")) << busy;
    EXPECT_TRUE(has(busy, "Q.850 cause 17")) << busy;
    const std::string& noreply = explanations["noreply-1@sipdx.test"];
    EXPECT_TRUE(has(noreply, "Warning 399")) << noreply;
    EXPECT_TRUE(has(explanations["cancelled-1@sipdx.test"], "487 Request Terminated"));
    EXPECT_TRUE(has(explanations["register-1@sipdx.test"], "after a digest/AKA challenge"));

    // Off: the records come without explanation (a store explains them on its own thread).
    options.explain = false;
    Analyzer quiet(options);
    std::size_t explained = 0;
    quiet.on_record([&](CallRecord&& r) { explained += r.explanation.empty() ? 0 : 1; });
    quiet.run({std::string(SIPDX_TEST_DATA_DIR) + "/sample/sipdx-sample.pcap"});
    EXPECT_EQ(explained, 0u);
}

TEST(Explain, ThreeGppReasonCausesAreDecoded) {
    auto r = record(Kind::call, Outcome::answered, 200);
    r.bye_by = "caller";
    r.reason_header = R"(RELEASE_CAUSE;cause=2;text="RTP/RTCP time-out")";
    auto failed = record(Kind::call, Outcome::failed, 503);
    failed.reason_header = "S1AP-RNL;cause=21, Q.850;cause=41";
    const std::string text = explain(failed);
    EXPECT_TRUE(has(text, "The Reason header gives S1AP-RNL cause 21 — "
                          "radio-connection-with-ue-lost. The radio link to the UE failed"))
        << text;
    EXPECT_TRUE(has(text, "The Reason header gives Q.850 cause 41")) << text;

    auto cancelled = record(Kind::call, Outcome::cancelled, 487);
    cancelled.abandon_method = "CANCEL";
    cancelled.abandon_frame = 4;
    cancelled.reason_header = R"(RELEASE_CAUSE;cause=6;text="Call-setup time-out")";
    const std::string gave_up = explain(cancelled);
    EXPECT_TRUE(has(gave_up, "RELEASE_CAUSE cause 6 — Call-setup time-out.")) << gave_up;
}

TEST(Explain, PreconditionFailureNamesTheSegment) {
    auto r = record(Kind::call, Outcome::failed, 580);
    r.preconditions = "m=audio\na=curr:qos local sendrecv\na=curr:qos remote none\n"
                      "a=des:qos mandatory local sendrecv\na=des:qos mandatory remote sendrecv\n";
    const std::string text = explain(r);
    EXPECT_TRUE(has(text, "The last SDP's preconditions (RFC 3312) were not met: audio (stream "
                          "1): qos remote sendrecv is mandatory, current remote is none."))
        << text;

    auto met = record(Kind::call, Outcome::failed, 488);
    met.preconditions = "m=audio\na=curr:qos e2e sendrecv\na=des:qos mandatory e2e sendrecv\n";
    EXPECT_TRUE(has(explain(met), "were all met")) << explain(met);

    // Other failures do not talk about preconditions, even when the SDP had them.
    auto busy = record(Kind::call, Outcome::failed, 486);
    busy.preconditions = r.preconditions;
    EXPECT_FALSE(has(explain(busy), "precondition")) << explain(busy);
}

TEST(Explain, AccessNetworkOfCalls) {
    auto r = record(Kind::call, Outcome::failed, 503);
    r.access_network = "3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=310410910D67BBF16";
    EXPECT_TRUE(has(explain(r), " Access (P-Access-Network-Info): LTE (E-UTRAN), FDD; MCC 310 "
                                "MNC 410, TAC 910D, ECI 67BBF16."))
        << explain(r);
    r.access_network = "IEEE-802.11;i-wlan-node-id=0a0b0c0d0e0f";
    EXPECT_TRUE(has(explain(r), "Wi-Fi (IEEE 802.11); access point 0a0b0c0d0e0f (not a 3GPP radio "
                                "access)."))
        << explain(r);
    auto reg = record(Kind::registration, Outcome::registered, 200);
    reg.access_network = r.access_network;
    EXPECT_FALSE(has(explain(reg), "Access (")) << explain(reg);
}
