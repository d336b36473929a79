// P-Access-Network-Info decoding: the access type's family and the cell identity's fields.
#include <sipdx/knowledge/access_network.h>
#include <sipdx/text/text.h>

#include <fmt/format.h>

#include <cstddef>

namespace sipdx::knowledge {
namespace {

using text::iequals;
using text::istarts_with;
using text::trim;

// Access types of TS 24.229 section 7.2A.4.2 with a reading in words; matched whole,
// case-insensitively. Families not listed here are still classified by prefix.
struct KnownAccess {
    std::string_view token;
    std::string_view description;
};
constexpr KnownAccess known_access[] = {
    {"3GPP-GERAN", "GSM/EDGE radio (GERAN)"},
    {"3GPP-UTRAN-FDD", "UMTS (UTRAN), FDD"},
    {"3GPP-UTRAN-TDD", "UMTS (UTRAN), TDD"},
    {"3GPP-E-UTRAN-FDD", "LTE (E-UTRAN), FDD"},
    {"3GPP-E-UTRAN-TDD", "LTE (E-UTRAN), TDD"},
    {"3GPP-E-UTRAN-NB-IoT", "LTE NB-IoT"},
    {"3GPP-NR-FDD", "5G NR, FDD"},
    {"3GPP-NR-TDD", "5G NR, TDD"},
    {"3GPP-NR-U-FDD", "5G NR in unlicensed spectrum, FDD"},
    {"3GPP-NR-U-TDD", "5G NR in unlicensed spectrum, TDD"},
    {"3GPP2-1X", "CDMA2000 1x"},
    {"3GPP2-1X-HRPD", "CDMA2000 HRPD"},
    {"3GPP2-1X-Femto", "CDMA2000 1x femtocell"},
    {"3GPP2-UMB", "CDMA2000 UMB"},
    {"IEEE-802.11", "Wi-Fi (IEEE 802.11)"},
    {"IEEE-802.11a", "Wi-Fi (IEEE 802.11a)"},
    {"IEEE-802.11b", "Wi-Fi (IEEE 802.11b)"},
    {"IEEE-802.11g", "Wi-Fi (IEEE 802.11g)"},
    {"IEEE-802.11n", "Wi-Fi (IEEE 802.11n)"},
    {"IEEE-802.11ac", "Wi-Fi (IEEE 802.11ac)"},
    {"IEEE-802.3", "Ethernet"},
    {"IEEE-802.3a", "Ethernet"},
    {"IEEE-802.3e", "Ethernet"},
    {"IEEE-802.3i", "Ethernet"},
    {"IEEE-802.3j", "Ethernet"},
    {"IEEE-802.3u", "Ethernet"},
    {"IEEE-802.3ab", "Ethernet"},
    {"IEEE-802.3ae", "Ethernet"},
    {"IEEE-802.3ak", "Ethernet"},
    {"IEEE-802.3aq", "Ethernet"},
    {"IEEE-802.3an", "Ethernet"},
    {"IEEE-802.3y", "Ethernet"},
    {"IEEE-802.3z", "Ethernet"},
    {"ADSL", "DSL"},
    {"ADSL2", "DSL"},
    {"ADSL2+", "DSL"},
    {"RADSL", "DSL"},
    {"SDSL", "DSL"},
    {"HDSL", "DSL"},
    {"HDSL2", "DSL"},
    {"G.SHDSL", "DSL"},
    {"VDSL", "DSL"},
    {"IDSL", "DSL"},
    {"DOCSIS", "cable (DOCSIS)"},
    {"GSTN", "telephone network (GSTN)"},
    {"GPON", "fibre (GPON)"},
    {"XGPON1", "fibre (XG-PON1)"},
    {"DVB-RCS2", "satellite (DVB-RCS2)"},
};

AccessFamily family_of(std::string_view token) {
    if (istarts_with(token, "3GPP2-")) return AccessFamily::three_gpp2;
    if (istarts_with(token, "3GPP-")) return AccessFamily::three_gpp;
    if (istarts_with(token, "IEEE-802.11")) return AccessFamily::wlan;
    if (istarts_with(token, "IEEE-802.3") || text::icontains(token, "DSL"))
        return AccessFamily::fixed;
    for (std::string_view fixed : {"DOCSIS", "GSTN", "GPON", "XGPON1", "DVB-RCS2"})
        if (iequals(token, fixed)) return AccessFamily::fixed;
    return AccessFamily::unknown;
}

// Splits on `separator` outside double quotes (a quoted value may hold ';' or ',').
std::vector<std::string_view> split_unquoted(std::string_view s, char separator) {
    std::vector<std::string_view> parts;
    bool quoted = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '"' && (i == 0 || s[i - 1] != '\\')) quoted = !quoted;
        if (!quoted && s[i] == separator) {
            parts.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    }
    parts.push_back(s.substr(start));
    return parts;
}

std::string unquoted(std::string_view v) {
    v = trim(v);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    return std::string(v);
}

bool all_hex(std::string_view s) {
    for (char c : s) {
        const char l = text::to_lower(c);
        if (!text::is_digit(c) && (l < 'a' || l > 'f')) return false;
    }
    return !s.empty();
}

// Splits a cell identity into MCC, MNC, area code and cell identity. The MNC has 2 or 3 digits
// and the string carries no separator: the length tells which (TS 24.229 section 7.2A.4.3).
void split_cell(AccessNetwork& a) {
    const std::string_view v = a.cell_value;
    std::size_t area = 0;
    std::size_t cell = 0;
    const bool nr = istarts_with(a.access_type, "3GPP-NR");
    const bool eutran = istarts_with(a.access_type, "3GPP-E-UTRAN");
    if (iequals(a.cell_param, "cgi-3gpp")) {
        area = 4; // LAC, 16 bits
        cell = 4; // CI, 16 bits
        a.area_kind = "LAC";
        a.cell_kind = "CI";
    } else if (iequals(a.cell_param, "utran-cell-id-3gpp")) {
        if (nr) {
            area = 6; // 5GS TAC, 24 bits
            cell = 9; // NR cell identity, 36 bits
            a.area_kind = "TAC";
            a.cell_kind = "NCI";
        } else {
            area = 4; // LAC (UTRAN) or TAC (E-UTRAN), 16 bits
            cell = 7; // UC-Id or ECI, 28 bits
            a.area_kind = eutran ? "TAC" : "LAC";
            a.cell_kind = eutran ? "ECI" : "UC-Id";
        }
    } else {
        return;
    }
    const std::size_t fixed = 3 + area + cell;
    if (v.size() != fixed + 2 && v.size() != fixed + 3) {
        a.problems.push_back(fmt::format("{} '{}' has {} characters; {} or {} expected for {}",
                                         a.cell_param, v, v.size(), fixed + 2, fixed + 3,
                                         a.access_type));
        a.area_kind.clear();
        a.cell_kind.clear();
        return;
    }
    const std::size_t mnc_digits = v.size() - fixed;
    const auto plmn = v.substr(0, 3 + mnc_digits);
    for (char c : plmn) {
        if (!text::is_digit(c)) {
            a.problems.push_back(fmt::format("{} '{}': MCC/MNC are not digits", a.cell_param, v));
            a.area_kind.clear();
            a.cell_kind.clear();
            return;
        }
    }
    const auto rest = v.substr(3 + mnc_digits);
    if (!all_hex(rest)) {
        a.problems.push_back(
            fmt::format("{} '{}': area and cell are not hexadecimal", a.cell_param, v));
        a.area_kind.clear();
        a.cell_kind.clear();
        return;
    }
    a.mcc = std::string(v.substr(0, 3));
    a.mnc = std::string(v.substr(3, mnc_digits));
    a.area_code = std::string(rest.substr(0, area));
    a.cell_identity = std::string(rest.substr(area));
}

AccessNetwork decode_one(std::string_view spec) {
    AccessNetwork a;
    const auto parts = split_unquoted(spec, ';');
    a.access_type = std::string(trim(parts.front()));
    if (a.access_type.empty()) a.problems.emplace_back("missing access-type");
    a.family = family_of(a.access_type);
    for (const auto& known : known_access) {
        if (iequals(known.token, a.access_type)) a.description = known.description;
    }
    if (a.description.empty() && !a.access_type.empty()) {
        switch (a.family) {
        case AccessFamily::three_gpp:
            a.description = "3GPP radio access";
            break;
        case AccessFamily::wlan:
            a.description = "Wi-Fi (IEEE 802.11)";
            break;
        case AccessFamily::three_gpp2:
            a.description = "CDMA2000 access";
            break;
        case AccessFamily::fixed:
            a.description = "fixed access";
            break;
        case AccessFamily::unknown:
            break;
        }
    }
    for (std::size_t i = 1; i < parts.size(); ++i) {
        const auto param = trim(parts[i]);
        if (param.empty()) continue;
        const auto eq = param.find('=');
        const auto name = trim(param.substr(0, eq));
        const std::string value =
            eq == std::string_view::npos ? std::string() : unquoted(param.substr(eq + 1));
        if (iequals(name, "network-provided")) {
            a.network_provided = true;
        } else if (iequals(name, "utran-cell-id-3gpp") || iequals(name, "cgi-3gpp")) {
            a.cell_param = std::string(name);
            a.cell_value = value;
        } else if (iequals(name, "i-wlan-node-id")) {
            a.wlan_node = value;
        } else if (iequals(name, "local-time-zone")) {
            a.local_time_zone = value;
        } else {
            a.other_params.emplace_back(std::string(name), value);
        }
    }
    if (!a.cell_param.empty()) split_cell(a);
    return a;
}

} // namespace

std::string_view to_string(AccessFamily family) {
    switch (family) {
    case AccessFamily::three_gpp:
        return "3gpp";
    case AccessFamily::wlan:
        return "wlan";
    case AccessFamily::three_gpp2:
        return "3gpp2";
    case AccessFamily::fixed:
        return "fixed";
    case AccessFamily::unknown:
        return "unknown";
    }
    return "unknown";
}

std::string AccessNetwork::summary() const {
    std::string out = description.empty() ? access_type : std::string(description);
    if (!description.empty() && family == AccessFamily::unknown)
        out += fmt::format(" ({})", access_type);
    if (!mcc.empty()) {
        out += fmt::format("; MCC {} MNC {}, {} {}, {} {}", mcc, mnc, area_kind, area_code,
                           cell_kind, cell_identity);
    } else if (!cell_value.empty()) {
        out += fmt::format("; {} {}", cell_param, cell_value);
    }
    if (!wlan_node.empty()) out += fmt::format("; access point {}", wlan_node);
    if (!local_time_zone.empty()) out += fmt::format("; time zone {}", local_time_zone);
    if (network_provided) out += "; network-provided";
    return out;
}

std::vector<AccessNetwork> decode_access_network_info(std::string_view header_value) {
    std::vector<AccessNetwork> out;
    for (const auto spec : split_unquoted(header_value, ',')) {
        if (trim(spec).empty()) continue;
        out.push_back(decode_one(spec));
    }
    return out;
}

} // namespace sipdx::knowledge
