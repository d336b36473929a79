// Cross-check with the fact tables in ../shared/ref (RFC 3398 mappings, both directions). The
// tables are the starting point of q850.inc; this keeps the two from drifting apart.
#include <sipdx/knowledge/q850.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace kb = sipdx::knowledge;
namespace fs = std::filesystem;

namespace {

std::vector<std::vector<std::string>> read_tsv(const fs::path& path) {
    std::vector<std::vector<std::string>> rows;
    std::ifstream in(path);
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        std::vector<std::string> fields;
        std::istringstream fs_line(line);
        for (std::string field; std::getline(fs_line, field, '\t');)
            fields.push_back(field);
        rows.push_back(fields);
    }
    return rows;
}

bool is_number(const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

const fs::path ref_dir = fs::path(SIPDX_SHARED_DIR) / "ref";

} // namespace

TEST(SharedRef, IsupToSipAgrees) {
    const auto path = ref_dir / "q850_to_sip.tsv";
    if (!fs::exists(path)) GTEST_SKIP() << path << " is absent";
    const auto rows = read_tsv(path);
    ASSERT_GE(rows.size(), 30u);
    for (const auto& row : rows) {
        ASSERT_EQ(row.size(), 3u);
        SCOPED_TRACE(row[0] + " -> " + row[2]);
        const auto* cause = kb::find_q850(std::stoi(row[0]));
        ASSERT_NE(cause, nullptr);
        if (!is_number(row[2])) {
            EXPECT_FALSE(cause->sip_code.has_value()); // cause 16: cleared with BYE/CANCEL
            continue;
        }
        const int sip = std::stoi(row[2]);
        EXPECT_TRUE(cause->sip_code == sip || cause->alt_sip_code == sip);
    }
}

TEST(SharedRef, SipToIsupAgrees) {
    const auto path = ref_dir / "sip_to_q850.tsv";
    if (!fs::exists(path)) GTEST_SKIP() << path << " is absent";
    const auto rows = read_tsv(path);
    ASSERT_GE(rows.size(), 30u);
    for (const auto& row : rows) {
        ASSERT_GE(row.size(), 2u);
        SCOPED_TRACE(row[0] + " -> " + row[1]);
        const auto mapped = kb::q850_for_sip(std::stoi(row[0]));
        if (is_number(row[1])) {
            EXPECT_EQ(mapped, std::stoi(row[1]));
        } else {
            EXPECT_FALSE(mapped.has_value());
        }
    }
}
