// The seed page the product grew from (tests/data/seed, a copy of ../shared/seed) must agree
// with the knowledge base: same codes, same reason phrases, same classes and class names.
#include <sipdx/knowledge/response_codes.h>

#include "unit/cli_run.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace kb = sipdx::knowledge;
namespace fs = std::filesystem;

namespace {

using sipdx::test_cli::slurp_file;

std::vector<fs::path> seed_files(const fs::path& dir) {
    std::vector<fs::path> files;
    if (!fs::is_directory(dir)) return files;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().extension() == ".txt") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(line);
    }
    return lines;
}

struct Seed {
    std::map<int, std::string> entries;                  // "NNN Phrase" headings
    std::map<int, std::string> class_names;              // "4xx Request or Client Failure"
    std::map<int, std::vector<std::string>> class_lists; // "100 Trying, 180 Ringing, ..."
};

Seed parse_seed(const std::string& text) {
    Seed seed;
    const std::regex heading(R"(^([1-6][0-9][0-9]) ([A-Za-z][A-Za-z /-]*[A-Za-z])$)");
    const std::regex class_heading(R"(^([1-6])xx (.+)$)");
    const std::regex list_item(R"(([1-6][0-9][0-9]) ([A-Za-z][A-Za-z /-]*[A-Za-z]))");
    int current_class = 0;
    for (const auto& line : lines_of(text)) {
        std::smatch m;
        if (std::regex_match(line, m, class_heading)) {
            current_class = std::stoi(m[1].str());
            seed.class_names[current_class] = m[2].str();
        } else if (current_class != 0 && line.find(", ") != std::string::npos &&
                   std::regex_search(line, list_item) && line.find('.') == std::string::npos) {
            for (auto it = std::sregex_iterator(line.begin(), line.end(), list_item);
                 it != std::sregex_iterator(); ++it) {
                seed.class_lists[current_class].push_back((*it)[0].str());
            }
        } else if (current_class == 0 && std::regex_match(line, m, heading)) {
            seed.entries[std::stoi(m[1].str())] = m[2].str();
        }
    }
    return seed;
}

// The seed writes 481 as "Call or Transaction Does Not Exist"; the registered phrase is
// "Call/Transaction Does Not Exist". The knowledge base records the seed's wording as a seen
// phrase. Any other difference fails the test.
bool phrase_agrees(const kb::ResponseCode& entry, const std::string& phrase) {
    if (entry.reason == phrase) return true;
    if (entry.code != 481) return false;
    return std::find(entry.seen_phrases.begin(), entry.seen_phrases.end(), phrase) !=
           entry.seen_phrases.end();
}

const fs::path seed_dir = fs::path(SIPDX_TEST_DATA_DIR) / "seed";

} // namespace

TEST(Seed, CopyIsPresentAndParses) {
    const auto files = seed_files(seed_dir);
    ASSERT_FALSE(files.empty()) << "no seed page in " << seed_dir;
    const auto seed = parse_seed(slurp_file(files.front()));
    EXPECT_GE(seed.entries.size(), 30u);
    EXPECT_EQ(seed.class_names.size(), 6u);
}

TEST(Seed, EveryCodeHasTheSamePhraseAndClass) {
    for (const auto& file : seed_files(seed_dir)) {
        const auto seed = parse_seed(slurp_file(file));
        for (const auto& [code, phrase] : seed.entries) {
            SCOPED_TRACE(code);
            const auto* entry = kb::find_registered(code);
            ASSERT_NE(entry, nullptr) << code << " " << phrase << " is not in the knowledge base";
            EXPECT_TRUE(phrase_agrees(*entry, phrase))
                << "seed says '" << phrase << "', knowledge base says '" << entry->reason << "'";
            EXPECT_EQ(entry->status_class(), code / 100);
            EXPECT_TRUE(entry->registered);
        }
    }
}

TEST(Seed, ClassSectionsMatch) {
    for (const auto& file : seed_files(seed_dir)) {
        const auto seed = parse_seed(slurp_file(file));
        for (const auto& [number, name] : seed.class_names) {
            const auto cls = kb::status_class(number);
            ASSERT_TRUE(cls.has_value());
            EXPECT_EQ(cls->name, name) << "class " << number;
        }
        ASSERT_EQ(seed.class_lists.size(), 6u);
        for (const auto& [number, items] : seed.class_lists) {
            EXPECT_FALSE(items.empty());
            for (const auto& item : items) {
                const int code = std::stoi(item.substr(0, 3));
                EXPECT_EQ(code / 100, number) << item << " listed under class " << number;
                const auto* entry = kb::find_registered(code);
                ASSERT_NE(entry, nullptr) << item;
                EXPECT_TRUE(phrase_agrees(*entry, item.substr(4))) << item;
            }
        }
    }
}

TEST(Seed, CommittedCopyMatchesSharedSeed) {
    const auto shared = fs::path(SIPDX_SHARED_DIR) / "seed";
    const auto originals = seed_files(shared);
    if (originals.empty()) GTEST_SKIP() << "../shared/seed is absent; nothing to compare";
    for (const auto& original : originals) {
        const auto copy = seed_dir / original.filename();
        ASSERT_TRUE(fs::exists(copy)) << "tests/data/seed lacks " << original.filename();
        EXPECT_EQ(slurp_file(copy), slurp_file(original)) << original.filename();
    }
}
