// 3GPP cause values that reach SIP in a Reason header: RELEASE_CAUSE and FAILURE_CAUSE
// (TS 24.229), EMM and ESM (TS 24.301), 5GMM and 5GSM (TS 24.501), and the S1AP (TS 36.413) and
// NGAP (TS 38.413) cause groups. Static data, like q850.h: every view stays valid for the
// program's life. docs/knowledge.md names the spec version of each table.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace sipdx::knowledge {

enum class CauseTable : std::uint8_t {
    release_cause, // RELEASE_CAUSE (TS 24.229)
    failure_cause, // FAILURE_CAUSE (TS 24.229)
    emm,           // EPS mobility management (TS 24.301)
    esm,           // EPS session management (TS 24.301)
    fivegmm,       // 5GS mobility management (TS 24.501)
    fivegsm,       // 5GS session management (TS 24.501)
    s1ap_rnl,      // S1AP radio network layer (TS 36.413)
    s1ap_tl,       // S1AP transport layer
    s1ap_nas,      // S1AP NAS
    s1ap_misc,     // S1AP miscellaneous
    s1ap_prot,     // S1AP protocol
    ngap_rnl,      // NGAP radio network layer (TS 38.413)
    ngap_tl,       // NGAP transport layer
    ngap_nas,      // NGAP NAS
    ngap_misc,     // NGAP miscellaneous
    ngap_prot,     // NGAP protocol
};

// What one table is and where its numbers come from.
struct CauseTableInfo {
    CauseTable table = CauseTable::release_cause;
    std::string_view id; // lower case, for the CLI and the site: "release-cause", "emm", "s1ap-rnl"
    std::string_view protocol;  // the Reason protocol token: "RELEASE_CAUSE", "EMM", "S1AP-RNL"
    std::string_view title;     // "EPS mobility management (EMM) causes"
    std::string_view source;    // spec, version and table: "3GPP TS 24.301 V17.8.0 table 9.9.3.9.1"
    std::string_view numbering; // how `cause=` is numbered, in our words
    int max_value = 0;          // the largest value the encoding can carry (255 for a NAS octet)
};

struct Cause3gpp {
    CauseTable table = CauseTable::release_cause;
    int value = 0;
    std::string_view name;    // the spec's name (NAS) or ASN.1 identifier (S1AP, NGAP)
    std::string_view meaning; // in our words; empty when the name says it all
};

// Every table, in enum order.
std::span<const CauseTableInfo> cause_tables();
const CauseTableInfo& cause_table_info(CauseTable table);
// By CLI id or Reason protocol token, case-insensitively, '_' and '-' alike: "emm", "EMM",
// "release_cause", "RELEASE-CAUSE", "s1ap-rnl", "5gmm". nullptr when it names no table.
const CauseTableInfo* find_cause_table(std::string_view name);

// The values of one table, ascending.
std::span<const Cause3gpp> causes(CauseTable table);
// nullptr when the table lists no such value.
const Cause3gpp* find_cause(CauseTable table, int value);

} // namespace sipdx::knowledge
