// The 3GPP cause tables, built as constant arrays from causes_3gpp.inc.
#include <sipdx/knowledge/causes.h>
#include <sipdx/text/text.h>

#include <algorithm>
#include <array>
#include <cstddef>

namespace sipdx::knowledge {
namespace {

constexpr Cause3gpp cause_rows[] = {
#define SIPDX_CAUSE(table_, value_, name_, meaning_)                                               \
    Cause3gpp{.table = CauseTable::table_, .value = value_, .name = name_, .meaning = meaning_},
#include "causes_3gpp.inc"
#undef SIPDX_CAUSE
};

constexpr std::string_view nas_numbering =
    "the NAS cause octet written in decimal (the value 3GPP tables give in binary)";
constexpr std::string_view asn1_numbering =
    "the ASN.1 ENUMERATED value in decimal: the position of the cause in its group, counted from "
    "0 in declaration order, extension values included";
constexpr std::string_view ims_numbering = "the value TS 24.229 assigns, counted from 1";

constexpr CauseTableInfo table_infos[] = {
    {CauseTable::release_cause, "release-cause", "RELEASE_CAUSE",
     "IMS release causes (RELEASE_CAUSE)", "3GPP TS 24.229 V17.x, Reason header extension",
     ims_numbering, 255},
    {CauseTable::failure_cause, "failure-cause", "FAILURE_CAUSE",
     "IMS failure causes (FAILURE_CAUSE)", "3GPP TS 24.229 V17.x (registered from V14.4.0)",
     ims_numbering, 255},
    {CauseTable::emm, "emm", "EMM", "EPS mobility management (EMM) causes",
     "3GPP TS 24.301 V17.8.0 table 9.9.3.9.1", nas_numbering, 255},
    {CauseTable::esm, "esm", "ESM", "EPS session management (ESM) causes",
     "3GPP TS 24.301 V17.8.0 table 9.9.4.4.1", nas_numbering, 255},
    {CauseTable::fivegmm, "5gmm", "5GMM", "5GS mobility management (5GMM) causes",
     "3GPP TS 24.501 V17.x table 9.11.3.2.1", nas_numbering, 255},
    {CauseTable::fivegsm, "5gsm", "5GSM", "5GS session management (5GSM) causes",
     "3GPP TS 24.501 V17.x table 9.11.4.2.1", nas_numbering, 255},
    {CauseTable::s1ap_rnl, "s1ap-rnl", "S1AP-RNL", "S1AP radio network layer causes",
     "3GPP TS 36.413 V17.3.0 clause 9.2.1.3 (CauseRadioNetwork)", asn1_numbering, 255},
    {CauseTable::s1ap_tl, "s1ap-tl", "S1AP-TL", "S1AP transport layer causes",
     "3GPP TS 36.413 V17.3.0 clause 9.2.1.3 (CauseTransport)", asn1_numbering, 255},
    {CauseTable::s1ap_nas, "s1ap-nas", "S1AP-NAS", "S1AP NAS causes",
     "3GPP TS 36.413 V17.3.0 clause 9.2.1.3 (CauseNas)", asn1_numbering, 255},
    {CauseTable::s1ap_misc, "s1ap-misc", "S1AP-MISC", "S1AP miscellaneous causes",
     "3GPP TS 36.413 V17.3.0 clause 9.2.1.3 (CauseMisc)", asn1_numbering, 255},
    {CauseTable::s1ap_prot, "s1ap-prot", "S1AP-PROT", "S1AP protocol causes",
     "3GPP TS 36.413 V17.3.0 clause 9.2.1.3 (CauseProtocol)", asn1_numbering, 255},
    {CauseTable::ngap_rnl, "ngap-rnl", "NGAP-RNL", "NGAP radio network layer causes",
     "3GPP TS 38.413 V16.7.0 clause 9.3.1.2 (CauseRadioNetwork)", asn1_numbering, 255},
    {CauseTable::ngap_tl, "ngap-tl", "NGAP-TL", "NGAP transport layer causes",
     "3GPP TS 38.413 V16.7.0 clause 9.3.1.2 (CauseTransport)", asn1_numbering, 255},
    {CauseTable::ngap_nas, "ngap-nas", "NGAP-NAS", "NGAP NAS causes",
     "3GPP TS 38.413 V16.7.0 clause 9.3.1.2 (CauseNas)", asn1_numbering, 255},
    {CauseTable::ngap_misc, "ngap-misc", "NGAP-MISC", "NGAP miscellaneous causes",
     "3GPP TS 38.413 V16.7.0 clause 9.3.1.2 (CauseMisc)", asn1_numbering, 255},
    {CauseTable::ngap_prot, "ngap-prot", "NGAP-PROT", "NGAP protocol causes",
     "3GPP TS 38.413 V16.7.0 clause 9.3.1.2 (CauseProtocol)", asn1_numbering, 255},
};

// Case-insensitive, with '_' and '-' treated alike ("RELEASE_CAUSE" is "release-cause").
bool same_name(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = text::to_lower(a[i]);
        char y = text::to_lower(b[i]);
        if (x == '_') x = '-';
        if (y == '_') y = '-';
        if (x != y) return false;
    }
    return true;
}

} // namespace

std::span<const CauseTableInfo> cause_tables() {
    return table_infos;
}

const CauseTableInfo& cause_table_info(CauseTable table) {
    return table_infos[static_cast<std::size_t>(table)];
}

const CauseTableInfo* find_cause_table(std::string_view name) {
    for (const auto& info : table_infos) {
        if (same_name(info.id, name) || same_name(info.protocol, name)) return &info;
    }
    return nullptr;
}

std::span<const Cause3gpp> causes(CauseTable table) {
    // The rows are grouped by table in the .inc, each group ascending.
    const auto* first = std::find_if(std::begin(cause_rows), std::end(cause_rows),
                                     [&](const Cause3gpp& c) { return c.table == table; });
    const auto* last = std::find_if(first, std::end(cause_rows),
                                    [&](const Cause3gpp& c) { return c.table != table; });
    return {first, static_cast<std::size_t>(last - first)};
}

const Cause3gpp* find_cause(CauseTable table, int value) {
    for (const auto& c : causes(table)) {
        if (c.value == value) return &c;
    }
    return nullptr;
}

} // namespace sipdx::knowledge
