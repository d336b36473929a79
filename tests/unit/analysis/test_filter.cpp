// analysis::filter_capture: the frames of the selected Call-IDs, and only those, reach the new
// capture, whole (a message that took several TCP segments keeps them all).
#include <sipdx/analysis/filter.h>
#include <sipdx/decode/message_reader.h>

#include "unit/analysis/trace_builder.h"
#include <gtest/gtest.h>

#include <map>
#include <string>

using namespace sipdx;
using namespace sipdx::analysis;
using namespace sipdx::analysis::test;
using session::Outcome;

namespace {

// Call-ID -> messages found in a capture.
std::map<std::string, int> messages_in(const std::string& path) {
    std::map<std::string, int> out;
    decode::MessageReader reader({path});
    while (const decode::ReadMessage* m = reader.next())
        ++out[std::string(m->message.value(sip::HeaderId::call_id))];
    EXPECT_TRUE(reader.inputs().at(0).clean()) << path;
    return out;
}

std::string mixed_trace() {
    TraceBuilder t;
    t.answered_call("ok-1", 0);
    t.failed_call("busy-1", 10, 486, "Busy Here");
    t.options("ping-1", 20);
    t.failed_call("gone-1", 30, 404, "Not Found");
    t.answered_call("ok-2", 40);
    return t.write("mixed.pcapng");
}

} // namespace

TEST(Filter, KeepsTheFramesOfTheSelectedCallsOnly) {
    const auto input = mixed_trace();
    const auto output = (temp_dir() / "failed.pcapng").string();
    RecordFilter filter;
    filter.outcomes = {Outcome::failed};
    const auto result = filter_capture({input}, filter, output);
    ASSERT_TRUE(result) << result.error().message();
    EXPECT_EQ(result->call_ids, 2u);
    EXPECT_EQ(result->messages, 8u); // INVITE, 100, final, ACK each
    EXPECT_EQ(result->frames_written, 8u);
    EXPECT_EQ(result->run.exit_code(), 0);
    EXPECT_EQ(messages_in(output), (std::map<std::string, int>{{"busy-1", 4}, {"gone-1", 4}}));
}

TEST(Filter, SelectsByCodeCallIdAndKind) {
    const auto input = mixed_trace();
    const auto output = (temp_dir() / "selected.pcapng").string();

    RecordFilter by_code;
    by_code.codes = {404};
    ASSERT_TRUE(filter_capture({input}, by_code, output));
    EXPECT_EQ(messages_in(output), (std::map<std::string, int>{{"gone-1", 4}}));

    RecordFilter by_id;
    by_id.call_id = "ok-2";
    ASSERT_TRUE(filter_capture({input}, by_id, output));
    EXPECT_EQ(messages_in(output), (std::map<std::string, int>{{"ok-2", 6}}));

    RecordFilter by_kind;
    by_kind.kinds = {session::Kind::options};
    ASSERT_TRUE(filter_capture({input}, by_kind, output));
    EXPECT_EQ(messages_in(output), (std::map<std::string, int>{{"ping-1", 2}}));

    RecordFilter nothing;
    nothing.codes = {699};
    const auto none = filter_capture({input}, nothing, output);
    ASSERT_TRUE(none);
    EXPECT_EQ(none->call_ids, 0u);
    EXPECT_EQ(none->frames_written, 0u);
    EXPECT_TRUE(messages_in(output).empty());
}

TEST(Filter, AMessageInSeveralTcpSegmentsKeepsThemAll) {
    using namespace decode::test;
    const std::string wanted = sip_request("MESSAGE", "tcp-wanted", 1, std::string(300, 'w'));
    const std::string other = sip_request("MESSAGE", "tcp-other", 1);
    TraceBuilder t;
    const std::uint32_t isn = 1000;
    t.frame(0, eth_tcp(isn, syn, {}));
    t.frame(1, eth_tcp(isn + 1, ack, decode::test::text(other)));
    const auto seq = static_cast<std::uint32_t>(isn + 1 + other.size());
    t.frame(2, eth_tcp(seq, ack, decode::test::text(wanted.substr(0, 200))));
    t.frame(3, eth_tcp(seq + 200, ack, decode::test::text(wanted.substr(200))));
    const auto input = t.write("tcp.pcapng");
    const auto output = (temp_dir() / "tcp-selected.pcapng").string();

    RecordFilter filter;
    filter.call_id = "tcp-wanted";
    const auto result = filter_capture({input}, filter, output);
    ASSERT_TRUE(result) << result.error().message();
    EXPECT_EQ(result->call_ids, 1u);
    EXPECT_EQ(result->messages, 1u);
    EXPECT_EQ(result->frames_written, 2u); // both segments, not the other message's
    // Read back, the two segments make the message again.
    EXPECT_EQ(messages_in(output), (std::map<std::string, int>{{"tcp-wanted", 1}}));
}

TEST(Filter, AnUnwritableOutputIsAnError) {
    const auto input = mixed_trace();
    RecordFilter filter;
    filter.outcomes = {Outcome::answered};
    const auto result = filter_capture({input}, filter, "/nonexistent-dir/out.pcapng");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().file, "/nonexistent-dir/out.pcapng");
    EXPECT_NE(result.error().message().find("/nonexistent-dir/out.pcapng"), std::string::npos)
        << result.error().message();
}
