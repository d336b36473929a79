// Summary arithmetic (KPIs, percentiles, per-code rows, findings), explanations and record
// filters on hand-made records (their renderings are tested in tests/unit/output).
#include <sipdx/analysis/explain.h>
#include <sipdx/analysis/record_filter.h>
#include <sipdx/analysis/summary.h>

#include "unit/session/event_builder.h"

#include <gtest/gtest.h>

using namespace sipdx;
using namespace sipdx::analysis;
using session::CallRecord;
using session::Kind;
using session::Outcome;
using session::test::call;

namespace {

session::SipEvent response(int status) {
    session::SipEvent e;
    e.is_request = false;
    e.status = status;
    e.call_id = "x";
    return e;
}

} // namespace

TEST(Distribution, NearestRankPercentiles) {
    std::vector<double> v;
    for (int i = 1; i <= 100; ++i)
        v.push_back(i);
    const auto d = distribution(v);
    EXPECT_EQ(d.samples, 100u);
    EXPECT_DOUBLE_EQ(*d.median, 50.0);
    EXPECT_DOUBLE_EQ(*d.p95, 95.0);
    EXPECT_DOUBLE_EQ(*d.min, 1.0);
    EXPECT_DOUBLE_EQ(*d.max, 100.0);
    EXPECT_FALSE(distribution({}).median);
    EXPECT_DOUBLE_EQ(*distribution({7.0}).p95, 7.0);
}

TEST(Summary, KpisFromRecords) {
    Summary s;
    s.add_record(call("a", Outcome::answered, 200, 1000, 3000));
    s.add_record(call("b", Outcome::answered, 200, 2000, 5000));
    s.add_record(call("c", Outcome::failed, 486));
    s.add_record(call("d", Outcome::failed, 503));
    s.add_record(call("e", Outcome::cancelled, 487));
    s.add_record(call("f", Outcome::in_progress, 0));
    CallRecord reg;
    reg.kind = Kind::registration;
    reg.outcome = Outcome::registered;
    reg.registrations = 2;
    reg.registrations_ok = 1;
    s.add_record(reg);
    const auto k = s.kpis();
    EXPECT_EQ(k.call_attempts, 5u);
    EXPECT_EQ(k.calls_in_progress, 1u);
    EXPECT_DOUBLE_EQ(*k.asr, 0.4);
    EXPECT_DOUBLE_EQ(*k.ner, 0.8); // 503 is the only network failure
    EXPECT_DOUBLE_EQ(*k.pdd_ms.median, 1000.0);
    EXPECT_DOUBLE_EQ(*k.setup_ms.p95, 5000.0);
    EXPECT_DOUBLE_EQ(*k.registration_success, 0.5);
}

TEST(Summary, CodesCountEveryResponseAndFinals) {
    Summary s;
    session::FeedResult first;
    first.step = session::TxStep::final_response;
    session::FeedResult again;
    again.step = session::TxStep::final_retransmission;
    s.add_message(response(486), first);
    s.add_message(response(486), again);
    s.add_message(response(42), first); // not a status code: kept out of the table
    s.add_record(call("c", Outcome::failed, 486));
    const auto rows = s.codes();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].code, 486);
    EXPECT_EQ(rows[0].messages, 2u);
    EXPECT_EQ(rows[0].final_transactions, 1u);
    EXPECT_EQ(rows[0].final_calls, 1u);
    EXPECT_EQ(s.invalid_status(), 1u);
    EXPECT_EQ(s.retransmissions(), 1u);
    EXPECT_DOUBLE_EQ(*s.kpis().retransmission_rate, 1.0 / 3.0);
}

TEST(Summary, FindingsRankedWithDistinctExamples) {
    Summary s;
    for (int i = 0; i < 5; ++i) {
        auto r = call("t" + std::to_string(i), Outcome::timeout, 0);
        r.start_ns = 100 - i;
        r.findings.push_back({session::FindingCode::transaction_timeout, 1, 2});
        s.add_record(r);
    }
    auto r = call("t0", Outcome::failed, 481);
    r.findings.push_back({session::FindingCode::dialog_gone, 1, 1});
    r.findings.push_back({session::FindingCode::transaction_timeout, 1, 1});
    r.start_ns = 200;
    s.add_record(r); // a later record of a Call-ID: counted, but later than the examples
    const auto f = s.findings();
    ASSERT_EQ(f.size(), 2u);
    EXPECT_EQ(f[0].code, session::FindingCode::transaction_timeout);
    EXPECT_EQ(f[0].call_ids, 6u);
    EXPECT_EQ(f[0].occurrences, 11u);
    EXPECT_EQ(f[0].examples, (std::vector<std::string>{"t4", "t3", "t2"}));
}

TEST(Explain, FailureWithReasonWarningAndProduct) {
    auto r = call("c", Outcome::failed, 486);
    r.final_reason = "Busy Here";
    r.reason_header = "Q.850;cause=17;text=\"User busy\"";
    r.warning = "399 sbc.example.com \"callee busy\"";
    r.has_failed_by = true;
    const std::uint8_t ip[4] = {192, 0, 2, 7};
    r.failed_by = {decode::Address::v4(ip), 5060};
    r.failed_by_product = "Acme SBC";
    const std::string text = explain(r);
    EXPECT_NE(text.find("failed with 486 Busy Here"), std::string::npos) << text;
    EXPECT_NE(text.find("192.0.2.7:5060"), std::string::npos) << text;
    EXPECT_NE(text.find("Acme SBC"), std::string::npos) << text;
    EXPECT_NE(text.find("Q.850 cause 17"), std::string::npos) << text;
    EXPECT_NE(text.find("Warning 399"), std::string::npos) << text;
    EXPECT_EQ(failed_by_text(r), "192.0.2.7:5060 (Acme SBC)");
    EXPECT_EQ(category_of(486), "reachability");
    EXPECT_EQ(standard_phrase(486), "Busy Here");
}

TEST(Explain, EveryOutcomeSaysSomething) {
    for (int o = 0; o <= static_cast<int>(Outcome::completed); ++o) {
        auto r = call("x", static_cast<Outcome>(o), 0);
        EXPECT_GT(explain(r).size(), 20u) << session::to_string(r.outcome);
    }
}

TEST(Render, RecordsAndFilters) {
    std::vector<CallRecord> records{call("a,1", Outcome::answered, 200, 10, 20),
                                    call("b", Outcome::failed, 404)};
    RecordFilter f;
    EXPECT_TRUE(f.empty());
    f.classes = {4};
    EXPECT_FALSE(f.matches(records[0]));
    EXPECT_TRUE(f.matches(records[1]));
    f = {};
    f.to = "bob@";
    EXPECT_TRUE(f.matches(records[0]));
    f.outcomes = {Outcome::cancelled};
    EXPECT_FALSE(f.matches(records[0]));
}
