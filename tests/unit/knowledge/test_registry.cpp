// The knowledge base holds exactly the IANA SIP response-code registry. The expected list is
// typed here independently of src/knowledge/response_codes.inc (from the IANA "Response Codes"
// registry, sip-parameters-7), so a code dropped, added or misspelt there fails this test.
#include <sipdx/knowledge/response_codes.h>

#include <gtest/gtest.h>

#include <set>
#include <string_view>

namespace kb = sipdx::knowledge;

namespace {

struct Registered {
    int code;
    std::string_view phrase;
};

// IANA lists 202 as "Accepted (Deprecated)"; the phrase RFC 3265 defined is "Accepted", which is
// what sipdx stores, with deprecated = true (checked below).
constexpr Registered iana_registry[] = {
    {100, "Trying"},
    {180, "Ringing"},
    {181, "Call Is Being Forwarded"},
    {182, "Queued"},
    {183, "Session Progress"},
    {199, "Early Dialog Terminated"},
    {200, "OK"},
    {202, "Accepted"},
    {204, "No Notification"},
    {300, "Multiple Choices"},
    {301, "Moved Permanently"},
    {302, "Moved Temporarily"},
    {305, "Use Proxy"},
    {380, "Alternative Service"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {402, "Payment Required"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"},
    {408, "Request Timeout"},
    {410, "Gone"},
    {412, "Conditional Request Failed"},
    {413, "Request Entity Too Large"},
    {414, "Request-URI Too Long"},
    {415, "Unsupported Media Type"},
    {416, "Unsupported URI Scheme"},
    {417, "Unknown Resource-Priority"},
    {420, "Bad Extension"},
    {421, "Extension Required"},
    {422, "Session Interval Too Small"},
    {423, "Interval Too Brief"},
    {424, "Bad Location Information"},
    {425, "Bad Alert Message"},
    {428, "Use Identity Header"},
    {429, "Provide Referrer Identity"},
    {430, "Flow Failed"},
    {433, "Anonymity Disallowed"},
    {436, "Bad Identity Info"},
    {437, "Unsupported Credential"},
    {438, "Invalid Identity Header"},
    {439, "First Hop Lacks Outbound Support"},
    {440, "Max-Breadth Exceeded"},
    {469, "Bad Info Package"},
    {470, "Consent Needed"},
    {480, "Temporarily Unavailable"},
    {481, "Call/Transaction Does Not Exist"},
    {482, "Loop Detected"},
    {483, "Too Many Hops"},
    {484, "Address Incomplete"},
    {485, "Ambiguous"},
    {486, "Busy Here"},
    {487, "Request Terminated"},
    {488, "Not Acceptable Here"},
    {489, "Bad Event"},
    {491, "Request Pending"},
    {493, "Undecipherable"},
    {494, "Security Agreement Required"},
    {500, "Server Internal Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Server Time-out"},
    {505, "Version Not Supported"},
    {513, "Message Too Large"},
    {555, "Push Notification Service Not Supported"},
    {580, "Precondition Failure"},
    {600, "Busy Everywhere"},
    {603, "Decline"},
    {604, "Does Not Exist Anywhere"},
    {606, "Not Acceptable"},
    {607, "Unwanted"},
    {608, "Rejected"},
};

} // namespace

TEST(Registry, HasEveryIanaCodeWithExactPhraseAndClass) {
    for (const auto& expected : iana_registry) {
        SCOPED_TRACE(expected.code);
        const auto* entry = kb::find_registered(expected.code);
        ASSERT_NE(entry, nullptr) << "missing from the knowledge base";
        EXPECT_EQ(entry->reason, expected.phrase);
        EXPECT_EQ(entry->status_class(), expected.code / 100);
        EXPECT_TRUE(entry->registered);
        EXPECT_EQ(entry->treated_as, expected.code);
    }
}

TEST(Registry, HasNoCodeOutsideTheRegistry) {
    std::set<int> expected;
    for (const auto& r : iana_registry)
        expected.insert(r.code);
    EXPECT_EQ(kb::registered_codes().size(), std::size(iana_registry));
    for (const auto& entry : kb::registered_codes()) {
        EXPECT_TRUE(expected.count(entry.code)) << entry.code << " is not in the IANA registry";
    }
}

TEST(Registry, IsAscendingAndSearchable) {
    int previous = 0;
    for (const auto& entry : kb::registered_codes()) {
        EXPECT_GT(entry.code, previous);
        previous = entry.code;
        EXPECT_EQ(kb::find_registered(entry.code), &entry);
    }
    EXPECT_EQ(kb::find_registered(499), nullptr);
    EXPECT_EQ(kb::find_registered(0), nullptr);
    EXPECT_EQ(kb::find_registered(-1), nullptr);
    EXPECT_EQ(kb::find_registered(1000000), nullptr);
}

TEST(Registry, EveryEntryIsComplete) {
    for (const auto& entry : kb::registered_codes()) {
        SCOPED_TRACE(entry.code);
        EXPECT_FALSE(entry.meaning.empty());
        EXPECT_FALSE(entry.ims_context.empty());
        EXPECT_FALSE(entry.retry.empty());
        EXPECT_FALSE(entry.references.empty());
        EXPECT_GE(entry.next_checks.size(), 2u);
        EXPECT_LE(entry.next_checks.size(), 5u);
        ASSERT_FALSE(entry.related.empty());
        for (int related : entry.related) {
            EXPECT_NE(related, entry.code) << "a code is not related to itself";
            EXPECT_NE(kb::find_registered(related), nullptr)
                << "related code " << related << " is not registered";
        }
        for (auto phrase : entry.seen_phrases)
            EXPECT_NE(phrase, entry.reason);
    }
}

TEST(Registry, ClassesDecideTheObviousCategories) {
    for (const auto& entry : kb::registered_codes()) {
        SCOPED_TRACE(entry.code);
        switch (entry.status_class()) {
        case 1:
            EXPECT_EQ(entry.category, kb::Category::progress);
            break;
        case 2:
            EXPECT_EQ(entry.category, kb::Category::success);
            break;
        case 3:
            EXPECT_EQ(entry.category, kb::Category::redirection);
            break;
        case 6:
            EXPECT_EQ(entry.category, kb::Category::global_final);
            break;
        default:
            EXPECT_NE(entry.category, kb::Category::progress);
            EXPECT_NE(entry.category, kb::Category::success);
            EXPECT_NE(entry.category, kb::Category::redirection);
            EXPECT_NE(entry.category, kb::Category::global_final);
        }
    }
    EXPECT_EQ(kb::find_registered(401)->category, kb::Category::authentication);
    EXPECT_EQ(kb::find_registered(407)->category, kb::Category::authentication);
    EXPECT_EQ(kb::find_registered(403)->category, kb::Category::policy);
    EXPECT_EQ(kb::find_registered(488)->category, kb::Category::capability_mismatch);
    EXPECT_EQ(kb::find_registered(480)->category, kb::Category::reachability);
    EXPECT_EQ(kb::find_registered(481)->category, kb::Category::dialog_state);
    EXPECT_EQ(kb::find_registered(503)->category, kb::Category::server_error);
    EXPECT_EQ(kb::find_registered(408)->category, kb::Category::network_timeout);
}

TEST(Registry, OnlyAcceptedIsDeprecated) {
    for (const auto& entry : kb::registered_codes()) {
        EXPECT_EQ(entry.deprecated, entry.code == 202) << entry.code;
    }
}

TEST(ExplainCode, UnregisteredCodesAreExplainedByTheirClass) {
    for (int code : {199, 299, 399, 499, 599, 699, 101, 250, 450, 554, 609}) {
        SCOPED_TRACE(code);
        const auto explained = kb::explain_code(code);
        ASSERT_TRUE(explained.has_value());
        EXPECT_EQ(explained->code, code);
        if (kb::find_registered(code) != nullptr) {
            EXPECT_TRUE(explained->registered);
            continue;
        }
        const auto* base = kb::find_registered(code / 100 * 100);
        ASSERT_NE(base, nullptr);
        EXPECT_FALSE(explained->registered);
        EXPECT_EQ(explained->treated_as, code / 100 * 100);
        EXPECT_TRUE(explained->reason.empty());
        EXPECT_EQ(explained->category, base->category);
        EXPECT_EQ(explained->meaning, base->meaning);
        EXPECT_EQ(explained->status_class(), code / 100);
    }
    // 555 looks like a made-up code but RFC 8599 registered it.
    ASSERT_TRUE(kb::explain_code(555).has_value());
    EXPECT_TRUE(kb::explain_code(555)->registered);
}

TEST(ExplainCode, RejectsNumbersOutsideTheCodeSpace) {
    for (int code : {-1, 0, 1, 99, 700, 999, 1000}) {
        EXPECT_FALSE(kb::explain_code(code).has_value()) << code;
    }
    EXPECT_TRUE(kb::explain_code(100).has_value());
    EXPECT_TRUE(kb::explain_code(699).has_value());
}

TEST(Taxonomy, CategoriesRoundTripAndAreDescribed) {
    ASSERT_EQ(kb::all_categories().size(), static_cast<std::size_t>(kb::category_count));
    std::set<std::string_view> ids;
    for (const auto category : kb::all_categories()) {
        const auto id = kb::category_id(category);
        EXPECT_FALSE(id.empty());
        EXPECT_FALSE(kb::category_label(category).empty());
        EXPECT_FALSE(kb::category_description(category).empty());
        EXPECT_EQ(kb::parse_category(id), category);
        EXPECT_TRUE(ids.insert(id).second) << "duplicate id " << id;
    }
    EXPECT_EQ(kb::category_id(kb::Category::capability_mismatch), "capability-mismatch");
    EXPECT_EQ(kb::category_id(kb::Category::request_error), "request-error");
    EXPECT_FALSE(kb::parse_category("capability_mismatch").has_value());
    EXPECT_FALSE(kb::parse_category("").has_value());
}

TEST(Taxonomy, EveryCategoryIsUsed) {
    for (const auto category : kb::all_categories()) {
        bool used = false;
        for (const auto& entry : kb::registered_codes())
            used = used || entry.category == category;
        EXPECT_TRUE(used) << kb::category_id(category);
    }
}

TEST(Taxonomy, SixClasses) {
    ASSERT_EQ(kb::status_classes().size(), 6u);
    for (int n = 1; n <= 6; ++n) {
        const auto cls = kb::status_class(n);
        ASSERT_TRUE(cls.has_value());
        EXPECT_EQ(cls->number, n);
        EXPECT_FALSE(cls->name.empty());
        EXPECT_FALSE(cls->fast_answer.empty());
    }
    EXPECT_FALSE(kb::status_class(0).has_value());
    EXPECT_FALSE(kb::status_class(7).has_value());
    EXPECT_EQ(kb::status_class(6)->name, "Global Failure");
}
