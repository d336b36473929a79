#include "unit/session/event_builder.h"

#include <sipdx/session/transaction.h>

#include <gtest/gtest.h>

using namespace sipdx;
using namespace sipdx::session;
using namespace sipdx::session::test;

TEST(Transaction, InviteRejectedThenAcked) {
    Builder b;
    const auto invite = b.request(sip::Method::invite, 1, "z9hG4bKa", ep(1), ep(2), 0);
    Transaction tx(invite);
    EXPECT_EQ(tx.observe(invite), TxStep::request);
    EXPECT_EQ(tx.state(), TxState::trying);

    const auto trying = b.response(invite, 100, 10 * ms);
    ASSERT_TRUE(tx.matches(trying));
    EXPECT_EQ(tx.observe(trying), TxStep::provisional);
    EXPECT_EQ(tx.state(), TxState::proceeding);

    const auto busy = b.response(invite, 486, 20 * ms, "tt");
    EXPECT_EQ(tx.observe(busy), TxStep::final_response);
    EXPECT_EQ(tx.state(), TxState::completed);
    EXPECT_EQ(tx.final_status(), 486);

    // The UAS retransmits its final response until the ACK arrives.
    EXPECT_EQ(tx.observe(at(busy, 520 * ms)), TxStep::final_retransmission);
    EXPECT_EQ(tx.response_retransmissions(), 1u);

    // ACK for a non-2xx final: same branch, same transaction (RFC 3261 section 17.1.1.3).
    const auto ack = b.request(sip::Method::ack, 1, "z9hG4bKa", ep(1), ep(2), 530 * ms, "tt");
    ASSERT_TRUE(tx.matches(ack));
    EXPECT_EQ(tx.observe(ack), TxStep::ack);
    EXPECT_EQ(tx.state(), TxState::confirmed);
    EXPECT_TRUE(tx.acked());
}

TEST(Transaction, CancelIsItsOwnTransaction) {
    Builder b;
    const auto invite = b.request(sip::Method::invite, 1, "z9hG4bKa", ep(1), ep(2), 0);
    Transaction tx(invite);
    const auto cancel = b.request(sip::Method::cancel, 1, "z9hG4bKa", ep(1), ep(2), 1 * sec);
    EXPECT_FALSE(tx.matches(cancel));
    const auto other_branch = b.request(sip::Method::invite, 1, "z9hG4bKb", ep(1), ep(2), 0);
    EXPECT_FALSE(tx.matches(other_branch));
}

TEST(Transaction, RetransmissionVersusDuplicateCopy) {
    Builder b;
    const auto reg = b.request(sip::Method::register_, 1, "z9hG4bKr", ep(1), ep(2), 0);
    Transaction tx(reg);
    EXPECT_EQ(tx.observe(reg), TxStep::request);
    // The same bytes 0.3 ms later: a second capture point, not a retransmission.
    EXPECT_EQ(tx.observe(at(reg, 300'000)), TxStep::request_duplicate);
    // 500 ms later (Timer T1): a retransmission.
    EXPECT_EQ(tx.observe(at(reg, 500 * ms)), TxStep::request_retransmission);
    EXPECT_EQ(tx.request_retransmissions(), 1u);
    EXPECT_TRUE(tx.timed_out(2 * sec)); // retransmitted and never answered
}

TEST(Transaction, TimerRulesForInvite) {
    Builder b;
    const auto invite = b.request(sip::Method::invite, 1, "z9hG4bKa", ep(1), ep(2), 0);
    Transaction tx(invite);
    tx.observe(invite);
    EXPECT_FALSE(tx.timed_out(10 * sec)); // TCP-like: not retransmitted, under 32 s
    EXPECT_TRUE(tx.timed_out(33 * sec));  // Timer B
    tx.observe(b.response(invite, 180, 1 * sec, "t1"));
    EXPECT_FALSE(tx.timed_out(300 * sec)); // ringing: Timer B no longer runs
}

TEST(Transaction, Rfc2543FallbackMatching) {
    Builder b;
    const auto invite = b.request(sip::Method::invite, 7, "", ep(1), ep(2), 0);
    Transaction tx(invite);
    tx.observe(invite);
    auto resp = b.response(invite, 404, 5 * ms, "x");
    EXPECT_TRUE(tx.matches(resp));
    EXPECT_EQ(tx.observe(resp), TxStep::final_response);
    const auto ack = b.request(sip::Method::ack, 7, "", ep(1), ep(2), 6 * ms, "x");
    EXPECT_TRUE(tx.matches(ack));
    const auto other_cseq = b.request(sip::Method::invite, 8, "", ep(1), ep(2), 0);
    EXPECT_FALSE(tx.matches(other_cseq));
}

TEST(Transaction, ForkedSecondTwoHundredIsAdditional) {
    Builder b;
    const auto invite = b.request(sip::Method::invite, 1, "z9hG4bKf", ep(1), ep(2), 0);
    Transaction tx(invite);
    tx.observe(invite);
    EXPECT_EQ(tx.observe(b.response(invite, 180, 1 * ms, "a")), TxStep::provisional);
    EXPECT_EQ(tx.observe(b.response(invite, 180, 2 * ms, "b")), TxStep::provisional);
    EXPECT_EQ(tx.observe(b.response(invite, 200, 3 * ms, "a")), TxStep::final_response);
    EXPECT_EQ(tx.observe(b.response(invite, 200, 4 * ms, "b")), TxStep::additional_final);
}

TEST(Transaction, ResponseWithoutRequest) {
    Builder b;
    const auto invite = b.request(sip::Method::options, 1, "z9hG4bKo", ep(1), ep(2), 0);
    const auto ok = b.response(invite, 200, 1 * ms, "t");
    Transaction tx(ok);
    EXPECT_EQ(tx.observe(ok), TxStep::response_without_request);
    EXPECT_FALSE(tx.request_seen());
    EXPECT_EQ(tx.final_status(), 200);
}

TEST(Transaction, MagicCookie) {
    EXPECT_TRUE(is_rfc3261_branch("z9hG4bK776asdhds"));
    EXPECT_FALSE(is_rfc3261_branch("z9hG4bK"));
    EXPECT_FALSE(is_rfc3261_branch("776asdhds"));
}
