// RecordFilter: each field selects on its own, fields combine with AND, and the time window
// (which `query` turns into SQL) is half-open: [since, until).
#include <sipdx/analysis/record_filter.h>

#include <gtest/gtest.h>

using namespace sipdx;
using analysis::RecordFilter;

namespace {

session::CallRecord record(std::string call_id, session::Kind kind, std::string method, int code,
                           std::int64_t start_ns) {
    session::CallRecord r;
    r.call_id = std::move(call_id);
    r.kind = kind;
    r.first_method = std::move(method);
    r.final_code = code;
    r.start_ns = start_ns;
    r.from = "sip:alice@example.org";
    r.to = "sip:bob@example.org";
    return r;
}

} // namespace

TEST(RecordFilter, EachFieldSelectsAndTheyCombine) {
    const auto call = record("a", session::Kind::call, "INVITE", 486, 1000);
    const auto reg = record("b", session::Kind::registration, "REGISTER", 200, 2000);
    RecordFilter f;
    EXPECT_TRUE(f.empty());
    EXPECT_TRUE(f.matches(call) && f.matches(reg));
    f.kinds = {session::Kind::registration};
    EXPECT_FALSE(f.empty());
    EXPECT_FALSE(f.matches(call));
    EXPECT_TRUE(f.matches(reg));
    f.methods = {"INVITE"};
    EXPECT_FALSE(f.matches(reg)); // AND: registration and INVITE
    f = {};
    f.methods = {"invite"};
    EXPECT_FALSE(f.matches(call)); // methods are case-sensitive
    f = {};
    f.classes = {4};
    f.from = "alice@";
    EXPECT_TRUE(f.matches(call));
    EXPECT_FALSE(f.matches(reg));
    f = {};
    f.call_id = "b";
    EXPECT_TRUE(f.matches(reg));
    EXPECT_FALSE(f.matches(call));
}

TEST(RecordFilter, TimeWindowIsHalfOpen) {
    const auto early = record("a", session::Kind::call, "INVITE", 200, 1000);
    const auto late = record("b", session::Kind::call, "INVITE", 200, 2000);
    RecordFilter f;
    f.since_ns = 2000;
    EXPECT_FALSE(f.empty());
    EXPECT_FALSE(f.matches(early));
    EXPECT_TRUE(f.matches(late)); // at `since`: in
    f = {};
    f.until_ns = 2000;
    EXPECT_FALSE(f.empty());
    EXPECT_TRUE(f.matches(early));
    EXPECT_FALSE(f.matches(late)); // at `until`: out
}
