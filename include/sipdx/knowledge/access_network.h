// P-Access-Network-Info (RFC 7315 section 5.4, 3GPP TS 24.229 section 7.2A.4): which access the
// UE used and where it was, decoded. Tolerant: what cannot be read is listed in `problems`.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sipdx::knowledge {

// Families of access types (TS 24.229 section 7.2A.4.2).
enum class AccessFamily {
    three_gpp,  // 3GPP-GERAN, 3GPP-UTRAN-*, 3GPP-E-UTRAN-*, 3GPP-NR-*: radio access of a 3GPP
                // network
    wlan,       // IEEE-802.11*: Wi-Fi (VoWiFi through an ePDG or N3IWF, or trusted WLAN)
    three_gpp2, // 3GPP2-*: CDMA2000 accesses
    fixed,      // DSL, DOCSIS, GPON, GSTN, Ethernet (IEEE-802.3*), ...
    unknown,    // a token sipdx does not know
};
std::string_view to_string(AccessFamily family); // "3gpp", "wlan", "3gpp2", "fixed", "unknown"

// One access-net-spec of the header.
struct AccessNetwork {
    std::string access_type; // as written, e.g. "3GPP-E-UTRAN-FDD"
    AccessFamily family = AccessFamily::unknown;
    std::string_view description;  // e.g. "LTE (E-UTRAN), FDD"; empty when unknown
    bool network_provided = false; // the network (P-CSCF) added it, not the UE

    // The cell parameter as written ("utran-cell-id-3gpp", "cgi-3gpp", ...) and its value.
    std::string cell_param;
    std::string cell_value;
    // Its fields, when the value has the length the access type gives it: MCC and MNC (digits),
    // the area code (LAC for GERAN and UTRAN, TAC for E-UTRAN and NR) and the cell identity, both
    // as the hexadecimal digits written.
    std::string mcc;
    std::string mnc;
    std::string area_kind; // "LAC" or "TAC"
    std::string area_code;
    std::string cell_kind; // "CI" (GERAN), "UC-Id" (UTRAN), "ECI" (E-UTRAN), "NCI" (NR)
    std::string cell_identity;

    std::string wlan_node;       // i-wlan-node-id (the access point's MAC address, hex)
    std::string local_time_zone; // local-time-zone, quotes removed
    std::vector<std::pair<std::string, std::string>> other_params; // the rest, in order
    std::vector<std::string> problems;

    bool is_3gpp() const { return family == AccessFamily::three_gpp; }
    // One line for tables and explanations: "LTE (E-UTRAN), FDD; MCC 310 MNC 410, TAC 910D,
    // ECI 67BBF16; network-provided".
    std::string summary() const;
};

// Every access-net-spec of a header value (comma separated), in order.
std::vector<AccessNetwork> decode_access_network_info(std::string_view header_value);

} // namespace sipdx::knowledge
