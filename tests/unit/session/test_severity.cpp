// The one severity scale: the parser's and the tracker's findings share it, and its spelled
// names (stored in databases, printed in outputs) round-trip.
#include <sipdx/knowledge/severity.h>
#include <sipdx/session/record.h>
#include <sipdx/sip/finding.h>

#include <gtest/gtest.h>

#include <type_traits>

namespace kb = sipdx::knowledge;

TEST(Severity, EveryStageNamesTheSameEnum) {
    static_assert(std::is_same_v<sipdx::sip::Severity, kb::Severity>);
    static_assert(std::is_same_v<sipdx::session::Severity, kb::Severity>);
    EXPECT_EQ(sipdx::sip::severity_of(sipdx::sip::FindingCode::missing_call_id),
              kb::Severity::error);
    EXPECT_EQ(sipdx::session::severity_of(sipdx::session::FindingCode::clock_jump),
              kb::Severity::error);
}

TEST(Severity, NamesAreStableAndRoundTrip) {
    EXPECT_EQ(kb::to_string(kb::Severity::info), "info");
    EXPECT_EQ(kb::to_string(kb::Severity::warning), "warning");
    EXPECT_EQ(kb::to_string(kb::Severity::error), "error");
    for (auto s : {kb::Severity::info, kb::Severity::warning, kb::Severity::error})
        EXPECT_EQ(kb::parse_severity(kb::to_string(s)), s);
    EXPECT_FALSE(kb::parse_severity("Error").has_value());
    EXPECT_FALSE(kb::parse_severity("").has_value());
}
