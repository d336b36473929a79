// P-Access-Network-Info decoding (TS 24.229 section 7.2A.4) on header values as UEs and
// P-CSCFs send them.
#include <sipdx/knowledge/access_network.h>

#include <gtest/gtest.h>

namespace kb = sipdx::knowledge;

TEST(AccessNetwork, LteCellWithThreeDigitMnc) {
    const auto a =
        kb::decode_access_network_info("3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=310410910D67BBF16");
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].family, kb::AccessFamily::three_gpp);
    EXPECT_TRUE(a[0].is_3gpp());
    EXPECT_EQ(a[0].description, "LTE (E-UTRAN), FDD");
    EXPECT_EQ(a[0].mcc, "310");
    EXPECT_EQ(a[0].mnc, "410");
    EXPECT_EQ(a[0].area_kind, "TAC");
    EXPECT_EQ(a[0].area_code, "910D");
    EXPECT_EQ(a[0].cell_kind, "ECI");
    EXPECT_EQ(a[0].cell_identity, "67BBF16");
    EXPECT_TRUE(a[0].problems.empty());
    EXPECT_EQ(a[0].summary(), "LTE (E-UTRAN), FDD; MCC 310 MNC 410, TAC 910D, ECI 67BBF16");
}

TEST(AccessNetwork, TwoDigitMncNetworkProvidedAndTimeZone) {
    const auto a = kb::decode_access_network_info(
        R"(3gpp-e-utran-tdd; utran-cell-id-3gpp=2620100A1B2C3D4E; network-provided; local-time-zone="UTC+01:00")");
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].mcc, "262");
    EXPECT_EQ(a[0].mnc, "01");
    EXPECT_EQ(a[0].area_code, "00A1");
    EXPECT_EQ(a[0].cell_identity, "B2C3D4E");
    EXPECT_TRUE(a[0].network_provided);
    EXPECT_EQ(a[0].local_time_zone, "UTC+01:00");
    EXPECT_EQ(a[0].summary(), "LTE (E-UTRAN), TDD; MCC 262 MNC 01, TAC 00A1, ECI B2C3D4E; time "
                              "zone UTC+01:00; network-provided");
}

TEST(AccessNetwork, NrCellHasA24BitTacAnd36BitCell) {
    const auto a =
        kb::decode_access_network_info("3GPP-NR-TDD;utran-cell-id-3gpp=00101000001000000001");
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].description, "5G NR, TDD");
    EXPECT_EQ(a[0].mcc, "001");
    EXPECT_EQ(a[0].mnc, "01");
    EXPECT_EQ(a[0].area_kind, "TAC");
    EXPECT_EQ(a[0].area_code, "000001");
    EXPECT_EQ(a[0].cell_kind, "NCI");
    EXPECT_EQ(a[0].cell_identity, "000000001");
}

TEST(AccessNetwork, GeranAndUtran) {
    const auto g = kb::decode_access_network_info("3GPP-GERAN;cgi-3gpp=23415A1B2C3D4");
    EXPECT_EQ(g[0].mnc, "15");
    EXPECT_EQ(g[0].area_kind, "LAC");
    EXPECT_EQ(g[0].area_code, "A1B2");
    EXPECT_EQ(g[0].cell_kind, "CI");
    EXPECT_EQ(g[0].cell_identity, "C3D4");
    const auto u =
        kb::decode_access_network_info("3GPP-UTRAN-FDD;utran-cell-id-3gpp=23415A1B2C3D4E5F");
    EXPECT_EQ(u[0].area_kind, "LAC");
    EXPECT_EQ(u[0].cell_kind, "UC-Id");
    EXPECT_EQ(u[0].cell_identity, "C3D4E5F");
}

TEST(AccessNetwork, WifiIsNotThreeGpp) {
    const auto a = kb::decode_access_network_info(
        "IEEE-802.11;i-wlan-node-id=ffffffffffff, "
        "3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=310410910D67BBF16;network-provided");
    ASSERT_EQ(a.size(), 2u);
    EXPECT_EQ(a[0].family, kb::AccessFamily::wlan);
    EXPECT_FALSE(a[0].is_3gpp());
    EXPECT_EQ(a[0].wlan_node, "ffffffffffff");
    EXPECT_EQ(a[0].summary(), "Wi-Fi (IEEE 802.11); access point ffffffffffff");
    EXPECT_TRUE(a[1].network_provided);
    EXPECT_EQ(kb::to_string(a[0].family), "wlan");
}

TEST(AccessNetwork, FixedThreeGpp2AndUnknown) {
    EXPECT_EQ(kb::decode_access_network_info("ADSL;dsl-location=xyz")[0].family,
              kb::AccessFamily::fixed);
    EXPECT_EQ(kb::decode_access_network_info("DOCSIS")[0].family, kb::AccessFamily::fixed);
    EXPECT_EQ(kb::decode_access_network_info("3GPP2-1X-HRPD;ci-3gpp2=1234")[0].family,
              kb::AccessFamily::three_gpp2);
    const auto u = kb::decode_access_network_info("X-OPERATOR-RADIO;foo=bar");
    EXPECT_EQ(u[0].family, kb::AccessFamily::unknown);
    ASSERT_EQ(u[0].other_params.size(), 1u);
    EXPECT_EQ(u[0].other_params[0].first, "foo");
}

TEST(AccessNetwork, BadCellLengthIsAProblemNotACrash) {
    const auto a = kb::decode_access_network_info("3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=3104");
    ASSERT_EQ(a.size(), 1u);
    ASSERT_EQ(a[0].problems.size(), 1u);
    EXPECT_TRUE(a[0].mcc.empty());
    EXPECT_EQ(a[0].summary(), "LTE (E-UTRAN), FDD; utran-cell-id-3gpp 3104");
    EXPECT_FALSE(
        kb::decode_access_network_info("3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=31041G910D67BBF16")[0]
            .problems.empty());
    EXPECT_TRUE(kb::decode_access_network_info("").empty());
    EXPECT_FALSE(kb::decode_access_network_info(";x=1")[0].problems.empty());
}
