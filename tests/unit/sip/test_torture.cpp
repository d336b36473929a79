// RFC 4475 and RFC 5118 torture messages (tests/data/torture, see its README): every `valid`
// message parses with no error finding, every `invalid` one carries the error finding listed
// below, and every `higher-layer` one parses and carries the finding a higher layer acts on.
#include <sipdx/sip/message.h>

#include "unit/cli_run.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace sipdx::sip {
namespace {

const std::filesystem::path torture_dir = std::filesystem::path(SIPDX_TEST_DATA_DIR) / "torture";

// The finding each non-valid message must carry.
const std::map<std::string, FindingCode>& expected_codes() {
    using enum FindingCode;
    static const std::map<std::string, FindingCode> table{
        // RFC 4475 3.1.2: syntax errors
        {"badinv01", header_empty_element},
        {"clerr", content_length_exceeds},
        {"ncl", content_length_invalid},
        {"scalar02", cseq_out_of_range},
        {"scalarlg", cseq_out_of_range},
        {"quotbal", quoted_string_unterminated},
        {"ltgtruri", request_uri_malformed},
        {"lwsruri", request_uri_malformed},
        {"lwsstart", start_line_extra_whitespace},
        {"trws", start_line_extra_whitespace},
        {"escruri", request_uri_headers},
        {"baddate", date_invalid},
        {"regbadct", addr_spec_needs_brackets},
        {"badaspec", uri_malformed},
        {"baddn", display_name_invalid},
        {"badvers", unsupported_version},
        {"mismatch01", cseq_method_mismatch},
        {"mismatch02", cseq_method_mismatch},
        {"bigcode", status_out_of_range},
        // RFC 5118 4.2
        {"ipv6-bad", request_uri_malformed},
        // RFC 4475 3.2 / 3.3: parse, but a higher layer must act
        {"badbranch", via_branch_cookie_only},
        {"insuf", missing_call_id},
        {"unkscm", request_uri_unknown_scheme},
        {"novelsc", request_uri_unknown_scheme},
        {"unksm2", uri_unknown_scheme},
        {"bext01", require_unknown_option},
        {"invut", content_type_unknown},
        {"regaut01", auth_unknown_scheme},
        {"multi01", header_duplicate},
        {"mcl01", content_length_conflict},
        {"bcast", via_broadcast_sent_by},
        {"zeromf", max_forwards_zero},
        {"cparam01", contact_unknown_param},
        {"cparam02", uri_unknown_param},
        {"regescrt", uri_headers_present},
        {"sdp01", accept_excludes_body_type},
        // RFC 5118 4.3
        {"port-ambiguous", uri_ipv6_port_ambiguous},
    };
    return table;
}

struct TortureCase {
    std::string file;
    std::string rfc;
    std::string name;
    std::string expected;
};

std::vector<TortureCase> load_index() {
    std::vector<TortureCase> cases;
    std::ifstream in(torture_dir / "INDEX.tsv");
    std::string line;
    std::getline(in, line); // header row
    while (std::getline(in, line)) {
        std::vector<std::string> cols;
        std::stringstream ss(line);
        std::string col;
        while (std::getline(ss, col, '\t'))
            cols.push_back(col);
        if (cols.size() < 5) continue;
        cases.push_back({cols[0], cols[1], cols[3], cols[4]});
    }
    return cases;
}

using sipdx::test_cli::slurp_file;

// RFC 5118's archive uses bare LF and some files lack the empty line or declare a wrong
// Content-Length (tests/data/torture/README.md). Normalise as that README says: CRLF line ends,
// an empty line after the headers, and Content-Length set to the real body length.
std::string normalise_rfc5118(const std::string& lf_text) {
    std::string head;
    std::string body;
    std::size_t split = lf_text.find("\n\n");
    if (split == std::string::npos) {
        head = lf_text;
        if (!head.empty() && head.back() == '\n') head.pop_back();
    } else {
        head = lf_text.substr(0, split);
        body = lf_text.substr(split + 2);
    }
    auto to_crlf = [](const std::string& s) {
        std::string out;
        for (char c : s) {
            if (c == '\n') out += '\r';
            out += c;
        }
        return out;
    };
    body = to_crlf(body);
    std::stringstream lines(head);
    std::string line;
    std::string out;
    while (std::getline(lines, line)) {
        if (line.rfind("Content-Length:", 0) == 0 || line.rfind("l:", 0) == 0)
            line = "Content-Length: " + std::to_string(body.size());
        out += line + "\r\n";
    }
    return out + "\r\n" + body;
}

std::string describe(const Message& m) {
    std::string s;
    for (const auto& f : m.findings) {
        s += std::string(f.code_name()) + "(" + std::string(to_string(f.severity)) + " @" +
             std::to_string(f.offset) + ") ";
    }
    return s;
}

class Torture : public ::testing::TestWithParam<TortureCase> {};

TEST_P(Torture, ParsesAsTheIndexExpects) {
    const TortureCase& c = GetParam();
    std::string text = slurp_file(torture_dir / c.file);
    ASSERT_FALSE(text.empty()) << c.file;
    if (c.rfc == "5118") text = normalise_rfc5118(text);
    // Torture messages are datagrams (RFC 4475 section 1): the body runs to the end.
    Message m = parse_message(text, Framing::datagram);
    m.validate();
    std::string stem = std::filesystem::path(c.file).stem().string();
    if (c.expected == "valid") {
        EXPECT_TRUE(m.valid()) << c.file << ": " << describe(m);
        EXPECT_FALSE(m.headers.empty());
        return;
    }
    auto it = expected_codes().find(stem);
    ASSERT_NE(it, expected_codes().end()) << "no expected finding listed for " << stem;
    EXPECT_TRUE(has_code(m.findings, it->second))
        << c.file << " lacks " << to_string(it->second) << "; has: " << describe(m);
    if (c.expected == "invalid") {
        EXPECT_FALSE(m.valid()) << c.file;
        for (const auto& f : m.findings)
            if (f.code == it->second) {
                EXPECT_EQ(f.severity, Severity::error) << c.file;
            }
    } else {
        // higher-layer: the message still parses into a start line and a header index.
        EXPECT_FALSE(m.start_line.empty()) << c.file;
        EXPECT_FALSE(m.headers.empty()) << c.file;
        EXPECT_TRUE(m.is_request() ? !m.method_text.empty() : m.status != 0) << c.file;
    }
}

std::string case_name(const ::testing::TestParamInfo<TortureCase>& info) {
    std::string n = std::filesystem::path(info.param.file).stem().string();
    for (char& ch : n)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    return n;
}

INSTANTIATE_TEST_SUITE_P(Index, Torture, ::testing::ValuesIn(load_index()), case_name);

TEST(TortureIndex, HasEverySection) {
    auto cases = load_index();
    EXPECT_EQ(cases.size(), 61u);
    std::size_t non_valid = 0;
    for (const auto& c : cases)
        non_valid += c.expected != "valid" ? 1 : 0;
    EXPECT_EQ(non_valid, expected_codes().size());
}

} // namespace
} // namespace sipdx::sip
