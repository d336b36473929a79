// Hand-built SipEvents for the session tests: the strings live in the builder's storage so
// the events' views stay valid for the test's duration; and a tracker harness that keeps the
// records it emits.
#pragma once

#include <sipdx/session/event.h>
#include <sipdx/session/tracker.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace sipdx::session::test {

inline Endpoint ep(std::uint8_t last, std::uint16_t port = 5060) {
    const std::uint8_t bytes[4] = {10, 0, 0, last};
    return {decode::Address::v4(bytes), port};
}

constexpr std::int64_t ms = 1'000'000;
constexpr std::int64_t sec = 1'000'000'000;

class Builder {
public:
    // A request from `from` to `to`.
    SipEvent request(sip::Method method, std::uint32_t cseq, std::string branch, Endpoint from,
                     Endpoint to, std::int64_t t, std::string to_tag = {}) {
        SipEvent e = base(t, from, to, cseq, method, std::move(branch));
        e.is_request = true;
        e.method = method;
        e.method_text = sip::to_string(method);
        e.to_tag = keep(std::move(to_tag));
        e.content_hash = hash_of(e, 0);
        return e;
    }
    // A response to `req` (sent back from req.dst to req.src).
    SipEvent response(const SipEvent& req, int status, std::int64_t t, std::string to_tag = {},
                      sip::Method cseq_method = sip::Method::unknown) {
        const sip::Method m = cseq_method == sip::Method::unknown ? req.method : cseq_method;
        SipEvent e = base(t, req.dst, req.src, req.cseq, m, std::string(req.branch));
        e.is_request = false;
        e.status = status;
        e.reason_phrase = keep(std::to_string(status) + " phrase");
        e.to_tag = keep(std::move(to_tag));
        e.from_tag = req.from_tag;
        e.sent_by = req.sent_by; // the response carries the request's Via
        e.content_hash = hash_of(e, static_cast<std::uint64_t>(status));
        return e;
    }

    std::string call_id = "call-1@test";
    std::string from_tag = "ftag";

private:
    SipEvent base(std::int64_t t, Endpoint src, Endpoint dst, std::uint32_t cseq, sip::Method m,
                  std::string branch) {
        SipEvent e;
        e.time_ns = t;
        e.frame = ++m_frame;
        e.src = src;
        e.dst = dst;
        e.call_id = keep(call_id);
        e.cseq = cseq;
        e.cseq_method = m;
        e.cseq_method_text = sip::to_string(m);
        e.from_tag = keep(from_tag);
        e.branch = keep(std::move(branch));
        e.sent_by = keep(src.to_string());
        e.from_uri = "alice@example.com";
        e.to_uri = "bob@example.com";
        return e;
    }
    // Same message -> same hash, so re-sending an event unchanged models a retransmission.
    std::uint64_t hash_of(const SipEvent& e, std::uint64_t extra) {
        return content_hash(
            std::string(e.call_id) + std::string(e.branch) + std::to_string(e.cseq) +
            std::to_string(static_cast<int>(e.cseq_method)) + std::string(e.to_tag) +
            std::to_string(extra) + (e.is_request ? "q" : "r"));
    }
    std::string_view keep(std::string s) { return m_strings.emplace_back(std::move(s)); }

    std::deque<std::string> m_strings;
    std::uint64_t m_frame = 0;
};

// The record of a finished INVITE call from alice to bob, for summary and rendering tests.
inline CallRecord call(const std::string& id, Outcome outcome, int code,
                       std::optional<double> pdd = {}, std::optional<double> setup = {}) {
    CallRecord r;
    r.call_id = id;
    r.kind = Kind::call;
    r.first_method = "INVITE";
    r.from = "alice@example.com";
    r.to = "bob@example.com";
    r.outcome = outcome;
    r.final_code = code;
    r.pdd_ms = pdd;
    r.setup_ms = setup;
    if (code) r.transaction_finals.emplace_back(code, 1);
    return r;
}

// `e` seen at time `t` (ns).
inline SipEvent at(SipEvent e, std::int64_t t) {
    e.time_ns = t;
    return e;
}

// A tracker that keeps the records it emits.
struct Harness {
    std::vector<CallRecord> records;
    Tracker tracker;
    explicit Harness(TrackerOptions options = {})
        : tracker([this](CallRecord&& r) { records.push_back(std::move(r)); }, options) {}
    FeedResult feed(const SipEvent& e) { return tracker.feed(e); }
    // Finishes the trace and returns its one record (a test failure when there are others).
    const CallRecord& only() {
        tracker.finish();
        EXPECT_EQ(records.size(), 1u);
        return records.front();
    }
};

} // namespace sipdx::session::test
