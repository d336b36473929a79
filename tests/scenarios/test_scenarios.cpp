// SIPp scenarios with known outcomes, played on loopback (run_scenarios.sh) and analysed by the
// library: each Call-ID's label says what sipdx must conclude about it.
#include <sipdx/analysis/analyzer.h>
#include <sipdx/session/record.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <sys/wait.h>

using namespace sipdx;
using session::Outcome;

namespace {

struct Played {
    bool skipped = false;
    std::string why;
    std::string pcap;
    std::map<std::string, session::CallRecord> calls; // by label ("busy", ...)
    analysis::Kpis kpis;
    std::map<int, std::uint64_t> code_messages;
    std::map<std::string, std::uint64_t> methods;
};

const Played& played() {
    static const Played result = [] {
        Played p;
        const auto dir = std::filesystem::temp_directory_path() /
                         ("sipdx-scenarios-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        p.pcap = (dir / "scenarios.pcap").string();
        const std::string command = std::string("bash '") + SIPDX_SOURCE_DIR +
                                    "/tests/scenarios/run_scenarios.sh' '" + p.pcap + "' >'" +
                                    (dir / "run.log").string() + "' 2>&1";
        const int status = std::system(command.c_str());
        const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (code == 77) {
            p.skipped = true;
            p.why = "sipp/tcpdump missing or not root";
            return p;
        }
        if (code != 0) {
            p.why = "run_scenarios.sh failed (exit " + std::to_string(code) + "), see " +
                    (dir / "run.log").string();
        }
        analysis::Analyzer analyzer;
        analyzer.on_record([&](session::CallRecord&& r) {
            const auto dash = r.call_id.find('-');
            p.calls[r.call_id.substr(0, dash)] = std::move(r);
        });
        analyzer.run({p.pcap});
        p.kpis = analyzer.summary().kpis();
        for (const auto& row : analyzer.summary().codes())
            p.code_messages[row.code] = row.messages;
        for (const auto& [m, n] : analyzer.summary().requests())
            p.methods[m] = n;
        return p;
    }();
    return result;
}

class Scenarios : public ::testing::Test {
protected:
    void SetUp() override {
        if (played().skipped) GTEST_SKIP() << played().why;
        ASSERT_TRUE(played().why.empty()) << played().why;
    }
    const session::CallRecord& call(const std::string& label) {
        const auto& calls = played().calls;
        auto it = calls.find(label);
        if (it == calls.end()) {
            ADD_FAILURE() << "no Call-ID labelled " << label;
            static const session::CallRecord none;
            return none;
        }
        return it->second;
    }
};

void expect_near_ms(const std::optional<double>& v, double expected, double tolerance,
                    const char* what) {
    ASSERT_TRUE(v.has_value()) << what;
    EXPECT_NEAR(*v, expected, tolerance) << what;
}

} // namespace

TEST_F(Scenarios, AnsweredCallWithKnownTimings) {
    const auto& r = call("answered");
    EXPECT_EQ(r.kind, session::Kind::call);
    EXPECT_EQ(r.outcome, Outcome::answered);
    EXPECT_EQ(r.final_code, 200);
    // UAS: 180 after 200 ms, 200 after 300 ms more; UAC holds 1000 ms then BYE.
    expect_near_ms(r.pdd_ms, 200, 150, "pdd");
    expect_near_ms(r.setup_ms, 500, 200, "setup");
    ASSERT_TRUE(r.duration_s);
    EXPECT_NEAR(*r.duration_s, 1.0, 0.3);
    EXPECT_EQ(r.bye_by, "caller");
    EXPECT_EQ(r.retransmissions, 0u);
}

TEST_F(Scenarios, FailureCodes) {
    const std::pair<const char*, int> cases[] = {{"busy", 486},
                                                 {"notfound", 404},
                                                 {"unavailable", 503},
                                                 {"declined", 603},
                                                 {"noreply", 480}};
    for (const auto& [label, code] : cases) {
        const auto& r = call(label);
        EXPECT_EQ(r.outcome, Outcome::failed) << label;
        EXPECT_EQ(r.final_code, code) << label;
        EXPECT_TRUE(r.has_failed_by) << label;
        EXPECT_NE(r.explanation.find(std::to_string(code)), std::string::npos) << label;
    }
}

TEST_F(Scenarios, BusyCarriesReasonAndProduct) {
    const auto& r = call("busy");
    EXPECT_NE(r.failed_by_product.find("busybox-2"), std::string::npos);
    EXPECT_NE(r.reason_header.find("cause=17"), std::string::npos);
    EXPECT_NE(r.explanation.find("Q.850 cause 17"), std::string::npos) << r.explanation;
    EXPECT_EQ(r.failed_by.address.to_string(), "127.0.0.1");
}

TEST_F(Scenarios, WarningIsReported) {
    const auto& r = call("noreply");
    EXPECT_NE(r.warning.find("399"), std::string::npos);
    EXPECT_NE(r.explanation.find("Warning 399"), std::string::npos) << r.explanation;
}

TEST_F(Scenarios, RedirectCancelTimeout) {
    EXPECT_EQ(call("redirected").outcome, Outcome::redirected);
    EXPECT_EQ(call("redirected").final_code, 302);
    const auto& cancelled = call("cancelled");
    EXPECT_EQ(cancelled.outcome, Outcome::cancelled);
    EXPECT_EQ(cancelled.final_code, 487);
    EXPECT_TRUE(cancelled.cancel_seen);
    const auto& timeout = call("noanswer");
    EXPECT_EQ(timeout.outcome, Outcome::timeout);
    EXPECT_EQ(timeout.final_code, 0);
    EXPECT_GE(timeout.retransmissions, 2u); // SIPp retransmits at 0.5 s, 1.5 s
    EXPECT_TRUE(timeout.has_finding(session::FindingCode::transaction_timeout));
}

TEST_F(Scenarios, Registrations) {
    const auto& reg = call("register");
    EXPECT_EQ(reg.kind, session::Kind::registration);
    EXPECT_EQ(reg.outcome, Outcome::registered);
    EXPECT_EQ(reg.registrations, 1u); // the 401 challenge is part of one successful procedure
    EXPECT_EQ(reg.registrations_ok, 1u);
    EXPECT_EQ(reg.challenges, 1u);
    const auto& dereg = call("deregister");
    EXPECT_EQ(dereg.outcome, Outcome::unregistered);
    EXPECT_EQ(dereg.deregistrations, 1u);
}

TEST_F(Scenarios, OtherMethods) {
    EXPECT_EQ(call("options").kind, session::Kind::options);
    EXPECT_EQ(call("options").outcome, Outcome::completed);
    EXPECT_EQ(call("message").kind, session::Kind::message);
    EXPECT_EQ(call("message").outcome, Outcome::completed);
    const auto& sub = call("subscribe");
    EXPECT_EQ(sub.kind, session::Kind::subscription);
    EXPECT_EQ(sub.outcome, Outcome::completed);
    EXPECT_EQ(sub.final_code, 202);
    EXPECT_EQ(sub.transactions, 2u); // SUBSCRIBE and NOTIFY
}

TEST_F(Scenarios, PrackAndReinvite) {
    const auto& prack = call("prack");
    EXPECT_EQ(prack.outcome, Outcome::answered);
    EXPECT_EQ(prack.pracks, 1u);
    expect_near_ms(prack.pdd_ms, 100, 100, "pdd to the reliable 183");
    const auto& re = call("reinvite");
    EXPECT_EQ(re.outcome, Outcome::answered);
    EXPECT_EQ(re.reinvites, 1u);
    EXPECT_EQ(re.attempts, 1u);
}

TEST_F(Scenarios, TcpAndIpv6) {
    EXPECT_EQ(call("tcp").outcome, Outcome::answered);
    EXPECT_EQ(call("tcp").duplicates, 0u);
    const auto& v6 = call("ipv6");
    EXPECT_EQ(v6.outcome, Outcome::answered);
    EXPECT_EQ(v6.messages, 7u); // INVITE 100 180 200 ACK BYE 200
}

TEST_F(Scenarios, Kpis) {
    const auto& k = played().kpis;
    // 13 calls: 5 answered; busy, declined, no-reply (480) and the cancelled one are
    // user-side endings for the NER.
    EXPECT_EQ(k.call_attempts, 13u);
    EXPECT_EQ(k.calls_answered, 5u);
    ASSERT_TRUE(k.asr);
    EXPECT_NEAR(*k.asr, 5.0 / 13.0, 1e-9);
    ASSERT_TRUE(k.ner);
    EXPECT_NEAR(*k.ner, 9.0 / 13.0, 1e-9);
    EXPECT_EQ(k.registrations, 2u);
    EXPECT_EQ(k.registrations_ok, 2u);
    EXPECT_EQ(k.deregistrations, 1u);
}

TEST_F(Scenarios, CountsMatchTshark) {
    if (std::system("command -v tshark >/dev/null 2>&1") != 0) GTEST_SKIP() << "no tshark";
    const std::string command = "tshark -r '" + played().pcap + "' -q -z sip,stat 2>/dev/null";
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string text;
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
        text.append(buffer, n);
    pclose(pipe);
    std::map<int, std::uint64_t> codes;
    std::map<std::string, std::uint64_t> methods;
    const std::regex code_line(R"(SIP (\d{3}) [^\n]*?:\s+(\d+) Packets)");
    for (std::sregex_iterator it(text.begin(), text.end(), code_line), end; it != end; ++it)
        codes[std::stoi((*it)[1])] = std::stoull((*it)[2]);
    const std::regex method_line(R"(\n  ([A-Z]+)\s+:\s+(\d+) Packets)");
    for (std::sregex_iterator it(text.begin(), text.end(), method_line), end; it != end; ++it)
        methods[(*it)[1]] = std::stoull((*it)[2]);
    ASSERT_FALSE(codes.empty()) << text;
    EXPECT_EQ(played().code_messages, codes);
    EXPECT_EQ(played().methods, methods);
}
