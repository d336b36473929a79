// docs/response-codes.md is generated from the knowledge base and must never drift from it.
#include <sipdx/knowledge/response_codes.h>
#include <sipdx/output/knowledge.h>

#include "unit/cli_run.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace kb = sipdx::knowledge;

namespace {
using sipdx::test_cli::slurp_file;

} // namespace

TEST(Markdown, CommittedDocMatchesTheData) {
    const auto path = std::filesystem::path(SIPDX_SOURCE_DIR) / "docs" / "response-codes.md";
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    const auto committed = slurp_file(path);
    const auto rendered = sipdx::output::render_markdown();
    if (committed != rendered) {
        // Point at the first difference so the failure is readable.
        std::size_t i = 0;
        while (i < committed.size() && i < rendered.size() && committed[i] == rendered[i])
            ++i;
        FAIL() << "docs/response-codes.md is out of date with src/knowledge/*.inc (first "
                  "difference at byte "
               << i << "). Regenerate it with: sipdx codes --markdown > docs/response-codes.md";
    }
}

TEST(Markdown, HasEverySectionAndCode) {
    const auto md = sipdx::output::render_markdown();
    for (const auto& cls : kb::status_classes()) {
        EXPECT_NE(md.find("\n## " + std::to_string(cls.number) + "xx " + std::string(cls.name)),
                  std::string::npos);
    }
    for (const auto& c : kb::registered_codes()) {
        EXPECT_NE(md.find("\n### " + std::to_string(c.code) + "\n"), std::string::npos) << c.code;
    }
    EXPECT_NE(md.find("\n## Q.850 causes\n"), std::string::npos);
    EXPECT_NE(md.find("\n## Warning codes\n"), std::string::npos);
    EXPECT_EQ(md.back(), '\n');
}

TEST(KnowledgeDoc, DescribesEveryCategory) {
    const auto path = std::filesystem::path(SIPDX_SOURCE_DIR) / "docs" / "knowledge.md";
    const auto doc = slurp_file(path);
    ASSERT_FALSE(doc.empty()) << path;
    for (const auto category : kb::all_categories()) {
        const auto id = "`" + std::string(kb::category_id(category)) + "`";
        EXPECT_NE(doc.find(id), std::string::npos) << id << " missing from docs/knowledge.md";
    }
}

TEST(TextRendering, CodeAndClassTable) {
    const auto text = sipdx::output::render_code_text(*kb::explain_code(486));
    EXPECT_EQ(text.rfind("486 Busy Here\n", 0), 0u);
    EXPECT_NE(text.find("Next checks"), std::string::npos);
    EXPECT_NE(text.find("17 User busy"), std::string::npos);

    const auto unregistered = sipdx::output::render_code_text(*kb::explain_code(499));
    EXPECT_NE(unregistered.find("not registered"), std::string::npos);
    EXPECT_NE(unregistered.find("400 Bad Request"), std::string::npos);

    const auto table = sipdx::output::render_codes_text(6);
    EXPECT_NE(table.find("6xx Global Failure"), std::string::npos);
    EXPECT_NE(table.find("608"), std::string::npos);
    EXPECT_EQ(table.find("486"), std::string::npos);
}
