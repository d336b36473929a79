// The 3GPP cause tables against the numbering of the spec tables they come from: every value
// each table lists has an entry, and nothing else. The expected lists are copied from the spec
// tables (versions as named in causes.h and docs/knowledge.md):
//   RELEASE_CAUSE, FAILURE_CAUSE  3GPP TS 24.229 V17.x (Reason header extension)
//   EMM, ESM                      3GPP TS 24.301 V17.8.0 tables 9.9.3.9.1, 9.9.4.4.1
//   5GMM, 5GSM                    3GPP TS 24.501 V17.x tables 9.11.3.2.1, 9.11.4.2.1
//   S1AP cause groups             3GPP TS 36.413 V17.3.0 clause 9.2.1.3
//   NGAP cause groups             3GPP TS 38.413 V16.7.0 clause 9.3.1.2
#include <sipdx/knowledge/causes.h>
#include <sipdx/knowledge/reason.h>

#include <gtest/gtest.h>

#include <numeric>
#include <set>
#include <vector>

namespace kb = sipdx::knowledge;
using kb::CauseTable;

namespace {

std::vector<int> values_of(CauseTable table) {
    std::vector<int> out;
    for (const auto& c : kb::causes(table))
        out.push_back(c.value);
    return out;
}

std::vector<int> range(int first, int last) {
    std::vector<int> out(static_cast<std::size_t>(last - first + 1));
    std::iota(out.begin(), out.end(), first);
    return out;
}

} // namespace

TEST(Causes3gpp, ReleaseAndFailureCause) {
    EXPECT_EQ(values_of(CauseTable::release_cause), range(1, 7));
    EXPECT_EQ(values_of(CauseTable::failure_cause), range(1, 3));
    EXPECT_EQ(kb::find_cause(CauseTable::release_cause, 1)->name, "User ends call");
    EXPECT_EQ(kb::find_cause(CauseTable::release_cause, 2)->name, "RTP/RTCP time-out");
    EXPECT_EQ(kb::find_cause(CauseTable::release_cause, 3)->name, "Media bearer loss");
    EXPECT_EQ(kb::find_cause(CauseTable::release_cause, 4)->name, "SIP timeout - no ACK");
    EXPECT_EQ(kb::find_cause(CauseTable::release_cause, 5)->name, "SIP response time-out");
    EXPECT_EQ(kb::find_cause(CauseTable::release_cause, 6)->name, "Call-setup time-out");
    EXPECT_EQ(kb::find_cause(CauseTable::release_cause, 7)->name, "Redirection failure");
    EXPECT_EQ(kb::find_cause(CauseTable::failure_cause, 1)->name, "Media bearer or QoS lost");
    EXPECT_EQ(kb::find_cause(CauseTable::failure_cause, 2)->name, "Release of signalling bearer");
    EXPECT_EQ(kb::find_cause(CauseTable::failure_cause, 3)->name,
              "Indication of failed resources allocation");
}

TEST(Causes3gpp, EmmTable9_9_3_9_1) {
    const std::vector<int> spec{2,  3,  5,  6,  7,  8,  9,  10, 11, 12,  13,  14, 15,
                                16, 17, 18, 19, 20, 21, 22, 23, 24, 25,  26,  31, 35,
                                39, 40, 42, 78, 95, 96, 97, 98, 99, 100, 101, 111};
    EXPECT_EQ(values_of(CauseTable::emm), spec);
    EXPECT_EQ(kb::find_cause(CauseTable::emm, 15)->name, "No Suitable Cells In tracking area");
    EXPECT_EQ(kb::find_cause(CauseTable::emm, 4), nullptr); // #4 is a 24.008 cause only
}

TEST(Causes3gpp, EsmTable9_9_4_4_1) {
    const std::vector<int> spec{8,  26, 27, 28, 29, 30, 31, 32, 33, 34, 35,  36,  37,  38,  39, 41,
                                42, 43, 44, 45, 47, 49, 50, 51, 52, 53, 54,  55,  56,  57,  58, 59,
                                60, 61, 65, 66, 81, 95, 96, 97, 98, 99, 100, 101, 111, 112, 113};
    EXPECT_EQ(values_of(CauseTable::esm), spec);
    EXPECT_EQ(kb::find_cause(CauseTable::esm, 46), nullptr); // listed as unused
}

TEST(Causes3gpp, FiveGmmTable9_11_3_2_1) {
    const std::vector<int> spec{3,  5,  6,  7,  9,  10, 11, 12, 13, 15, 20, 21,  22,  23, 24, 26,
                                27, 28, 31, 36, 43, 62, 65, 67, 69, 71, 72, 73,  74,  75, 76, 77,
                                78, 79, 80, 90, 91, 92, 95, 96, 97, 98, 99, 100, 101, 111};
    EXPECT_EQ(values_of(CauseTable::fivegmm), spec);
}

TEST(Causes3gpp, FiveGsmTable9_11_4_2_1) {
    const std::vector<int> spec{8,  26, 27, 28, 29, 31, 32, 33, 35, 36, 37, 38, 39,  41,  42,
                                43, 44, 45, 46, 47, 50, 51, 54, 57, 58, 59, 61, 67,  68,  69,
                                70, 81, 82, 83, 84, 85, 86, 95, 96, 97, 98, 99, 100, 101, 111};
    EXPECT_EQ(values_of(CauseTable::fivegsm), spec);
}

TEST(Causes3gpp, S1apGroups) {
    EXPECT_EQ(values_of(CauseTable::s1ap_rnl), range(0, 43));
    EXPECT_EQ(values_of(CauseTable::s1ap_tl), range(0, 1));
    EXPECT_EQ(values_of(CauseTable::s1ap_nas), range(0, 4));
    EXPECT_EQ(values_of(CauseTable::s1ap_misc), range(0, 5));
    EXPECT_EQ(values_of(CauseTable::s1ap_prot), range(0, 6));
    EXPECT_EQ(kb::find_cause(CauseTable::s1ap_rnl, 21)->name, "radio-connection-with-ue-lost");
    EXPECT_EQ(kb::find_cause(CauseTable::s1ap_rnl, 35)->name, "x2-handover-triggered");
    EXPECT_EQ(kb::find_cause(CauseTable::s1ap_rnl, 36)->name, "redirection-towards-1xRTT");
    EXPECT_EQ(kb::find_cause(CauseTable::s1ap_misc, 5)->name, "unknown-PLMN");
}

TEST(Causes3gpp, NgapGroups) {
    EXPECT_EQ(values_of(CauseTable::ngap_rnl), range(0, 51));
    EXPECT_EQ(values_of(CauseTable::ngap_tl), range(0, 1));
    EXPECT_EQ(values_of(CauseTable::ngap_nas), range(0, 3));
    EXPECT_EQ(values_of(CauseTable::ngap_misc), range(0, 5));
    EXPECT_EQ(values_of(CauseTable::ngap_prot), range(0, 6));
    EXPECT_EQ(kb::find_cause(CauseTable::ngap_rnl, 36)->name,
              "ims-voice-eps-fallback-or-rat-fallback-triggered");
    EXPECT_EQ(kb::find_cause(CauseTable::ngap_rnl, 45)->name, "n26-interface-not-available");
}

TEST(Causes3gpp, EveryTableAscendingNamedAndRegistered) {
    std::set<std::string_view> ids;
    for (const auto& info : kb::cause_tables()) {
        EXPECT_TRUE(ids.insert(info.id).second) << info.id;
        EXPECT_EQ(&kb::cause_table_info(info.table), &info);
        EXPECT_FALSE(info.source.empty());
        // Every table is a registered Reason protocol.
        EXPECT_NE(kb::find_reason_protocol(info.protocol), nullptr) << info.protocol;
        int previous = -1;
        for (const auto& c : kb::causes(info.table)) {
            EXPECT_GT(c.value, previous) << info.id;
            EXPECT_FALSE(c.name.empty());
            EXPECT_LE(c.value, info.max_value);
            previous = c.value;
        }
        EXPECT_FALSE(kb::causes(info.table).empty()) << info.id;
    }
    EXPECT_EQ(kb::cause_tables().size(), 16u);
}

TEST(Causes3gpp, TableNamesAreCaseAndDashInsensitive) {
    for (std::string_view name : {"emm", "EMM", "Emm"})
        EXPECT_EQ(kb::find_cause_table(name)->table, CauseTable::emm);
    for (std::string_view name : {"release-cause", "RELEASE_CAUSE", "release_cause"})
        EXPECT_EQ(kb::find_cause_table(name)->table, CauseTable::release_cause);
    EXPECT_EQ(kb::find_cause_table("5gmm")->table, CauseTable::fivegmm);
    EXPECT_EQ(kb::find_cause_table("s1ap_rnl")->table, CauseTable::s1ap_rnl);
    EXPECT_EQ(kb::find_cause_table("NGAP-PROT")->table, CauseTable::ngap_prot);
    EXPECT_EQ(kb::find_cause_table("q.850"), nullptr);
    EXPECT_EQ(kb::find_cause_table(""), nullptr);
}
