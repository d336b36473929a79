// Human-readable renderings of the knowledge base, shared by the CLI (`sipdx explain`,
// `sipdx codes`) and the test that keeps docs/response-codes.md in step with the data.
// Every function returns a complete text ending in a newline.
#pragma once

#include <sipdx/knowledge/access_network.h>
#include <sipdx/knowledge/causes.h>
#include <sipdx/knowledge/reason.h>
#include <sipdx/knowledge/response_codes.h>

#include <optional>
#include <string>
#include <vector>

namespace sipdx::output {

// The full explanation of one code (registered or explained by its class).
std::string render_code_text(const knowledge::ResponseCode& code);

// A Q.850 cause in 0..127, including values Q.850 leaves undefined (explained by class).
std::string render_q850_text(int cause);

// A warn-code in 300..399, registered or not.
std::string render_warn_code_text(int code);

// A 3GPP cause value (listed in its table or not): name, table, spec version, meaning.
std::string render_cause_text(const knowledge::CauseTableInfo& table, int value);

// Decoded P-Access-Network-Info values: access type, 3GPP or not, PLMN, area and cell.
std::string render_access_network_text(const std::vector<knowledge::AccessNetwork>& values);

// Decoded Reason / Warning header values, with their problems.
std::string render_reason_text(const std::vector<knowledge::ReasonValue>& values);
std::string render_warning_text(const std::vector<knowledge::WarningValue>& values);

// The code table grouped by class then code; only `class_number` (1..6) when given.
std::string render_codes_text(std::optional<int> class_number = std::nullopt);

// docs/response-codes.md, byte for byte. Regenerate the committed file with
// `sipdx codes --markdown > docs/response-codes.md`.
std::string render_markdown();

} // namespace sipdx::output
