// Small SIP traces for the analysis tests: dialogs between a caller (10.0.0.1) and a callee
// (10.0.0.2) over UDP, written as pcapng files with the capture writer.
#pragma once

#include <sipdx/capture/writer.h>

#include "unit/decode/packet_builder.h"
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace sipdx::analysis::test {

using decode::test::Buf;

inline std::filesystem::path temp_dir() {
    static const std::filesystem::path dir = [] {
        auto d = std::filesystem::temp_directory_path() /
                 ("sipdx-test-analysis-" + std::to_string(getpid()));
        std::filesystem::remove_all(d);
        std::filesystem::create_directories(d);
        return d;
    }();
    return dir;
}

// One SIP transaction's identity within a dialog.
struct Txn {
    std::string call_id;
    std::uint32_t cseq = 1;
    std::string method;
    std::string branch;
    std::string to_tag; // empty until the callee answers
};

inline std::string request(const Txn& t, const std::string& uri = "sip:bob@example.com") {
    std::string m = t.method + " " + uri + " SIP/2.0\r\n";
    m += "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=" + t.branch + "\r\n";
    m += "From: <sip:alice@example.com>;tag=a1\r\n";
    m += "To: <sip:bob@example.com>" + (t.to_tag.empty() ? "" : ";tag=" + t.to_tag) + "\r\n";
    m += "Call-ID: " + t.call_id + "\r\n";
    m += "CSeq: " + std::to_string(t.cseq) + " " + t.method + "\r\n";
    m += "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    return m;
}

inline std::string response(const Txn& t, int status, const std::string& reason,
                            const std::string& to_tag = "b1") {
    std::string m = "SIP/2.0 " + std::to_string(status) + " " + reason + "\r\n";
    m += "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=" + t.branch + "\r\n";
    m += "From: <sip:alice@example.com>;tag=a1\r\n";
    m += "To: <sip:bob@example.com>" + (status == 100 ? "" : ";tag=" + to_tag) + "\r\n";
    m += "Call-ID: " + t.call_id + "\r\n";
    m += "CSeq: " + std::to_string(t.cseq) + " " + t.method + "\r\n";
    m += "Content-Length: 0\r\n\r\n";
    return m;
}

// Frames in the order added; times in milliseconds from a fixed start.
class TraceBuilder {
public:
    static constexpr std::int64_t start_ns = 1'780'000'000'000'000'000;

    void caller(double at_ms, const std::string& sip) { add(at_ms, sip, true); }
    void callee(double at_ms, const std::string& sip) { add(at_ms, sip, false); }
    // Any Ethernet frame (packet_builder.h), e.g. a TCP segment.
    void frame(double at_ms, Buf bytes) {
        m_frames.emplace_back(start_ns + static_cast<std::int64_t>(at_ms * 1e6), std::move(bytes));
    }

    // A whole call of each common shape, from `at_ms` on.
    void answered_call(const std::string& id, double at_ms) {
        Txn invite{id, 1, "INVITE", "z9hG4bK-" + id + "-inv", ""};
        caller(at_ms, request(invite));
        callee(at_ms + 100, response(invite, 180, "Ringing"));
        callee(at_ms + 300, response(invite, 200, "OK"));
        caller(at_ms + 310, request({id, 1, "ACK", "z9hG4bK-" + id + "-ack", "b1"}));
        const Txn bye{id, 2, "BYE", "z9hG4bK-" + id + "-bye", "b1"};
        caller(at_ms + 2300, request(bye));
        callee(at_ms + 2310, response(bye, 200, "OK"));
    }
    void failed_call(const std::string& id, double at_ms, int status, const std::string& reason) {
        Txn invite{id, 1, "INVITE", "z9hG4bK-" + id + "-inv", ""};
        caller(at_ms, request(invite));
        callee(at_ms + 20, response(invite, 100, "Trying"));
        callee(at_ms + 50, response(invite, status, reason));
        invite.to_tag = "b1";
        invite.method = "ACK"; // the ACK of a failure belongs to the INVITE transaction
        caller(at_ms + 60, request(invite));
    }
    void cancelled_call(const std::string& id, double at_ms) {
        const Txn invite{id, 1, "INVITE", "z9hG4bK-" + id + "-inv", ""};
        caller(at_ms, request(invite));
        callee(at_ms + 100, response(invite, 180, "Ringing"));
        const Txn cancel{id, 1, "CANCEL", invite.branch, ""};
        caller(at_ms + 600, request(cancel));
        callee(at_ms + 610, response(cancel, 200, "OK"));
        callee(at_ms + 620, response(invite, 487, "Request Terminated"));
        caller(at_ms + 630, request({id, 1, "ACK", invite.branch, "b1"}));
    }
    void ringing_call(const std::string& id, double at_ms) {
        const Txn invite{id, 1, "INVITE", "z9hG4bK-" + id + "-inv", ""};
        caller(at_ms, request(invite));
        callee(at_ms + 100, response(invite, 180, "Ringing"));
    }
    void options(const std::string& id, double at_ms) {
        const Txn t{id, 1, "OPTIONS", "z9hG4bK-" + id + "-opt", ""};
        caller(at_ms, request(t));
        callee(at_ms + 5, response(t, 200, "OK"));
    }
    void challenged_register(const std::string& id, double at_ms) {
        const Txn t{id, 1, "REGISTER", "z9hG4bK-" + id + "-reg", ""};
        caller(at_ms, request(t, "sip:example.com"));
        callee(at_ms + 5, response(t, 401, "Unauthorized"));
    }

    std::size_t frames() const { return m_frames.size(); }

    // Writes the frames as a pcapng file in the test's temporary directory.
    std::string write(const std::string& name) const {
        const auto path = (temp_dir() / name).string();
        auto writer = capture::CaptureWriter::create(path, {});
        EXPECT_TRUE(writer);
        EXPECT_TRUE((*writer)->add_interface({}));
        for (const auto& [time_ns, frame] : m_frames)
            EXPECT_TRUE((*writer)->write({0, time_ns, frame}));
        EXPECT_TRUE((*writer)->flush());
        return path;
    }

private:
    void add(double at_ms, const std::string& sip, bool from_caller) {
        using namespace decode::test;
        const Buf payload = udp(5060, 5060, decode::test::text(sip));
        const Buf ip = from_caller ? ipv4({10, 0, 0, 1}, {10, 0, 0, 2}, 17, payload)
                                   : ipv4({10, 0, 0, 2}, {10, 0, 0, 1}, 17, payload);
        frame(at_ms, eth(0x0800, ip));
    }

    std::vector<std::pair<std::int64_t, Buf>> m_frames;
};

} // namespace sipdx::analysis::test
