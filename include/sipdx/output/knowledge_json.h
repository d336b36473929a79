// JSON views of the knowledge base (nlohmann::ordered_json, so fields keep a readable order), as
// `sipdx explain --json` and `sipdx codes --json` print them.
#pragma once

#include <sipdx/knowledge/access_network.h>
#include <sipdx/knowledge/causes.h>
#include <sipdx/knowledge/reason.h>
#include <sipdx/knowledge/response_codes.h>

#include <nlohmann/json.hpp>

#include <vector>

namespace sipdx::output {

// One response code with the fields `sipdx explain --json` documents: code, reason, class,
// class_name, category, registered, references, meaning, ims_context, retry, next_checks, plus
// category_label, treated_as, deprecated, seen_phrases, related, q850_sent (RFC 3398 SIP->Q.850)
// and q850_causes (the causes whose ISUP->SIP mapping gives this code).
nlohmann::ordered_json code_to_json(const knowledge::ResponseCode& code);
// A Q.850 cause value (defined or not) with its class and RFC 3398 mapping.
nlohmann::ordered_json q850_to_json(int cause);
// A warn-code (registered or not).
nlohmann::ordered_json warn_code_to_json(int code);
// A 3GPP cause value: kind "3gpp-cause", protocol, table, source, cause, listed, name, meaning.
nlohmann::ordered_json cause_to_json(const knowledge::CauseTableInfo& table, int value);
// Decoded P-Access-Network-Info values (kind "access-network").
nlohmann::ordered_json access_network_to_json(const std::vector<knowledge::AccessNetwork>& values);
nlohmann::ordered_json reason_to_json(const std::vector<knowledge::ReasonValue>& values);
nlohmann::ordered_json warning_to_json(const std::vector<knowledge::WarningValue>& values);

} // namespace sipdx::output
