// Renderings of one parsed SIP message, as `sipdx parse` prints it: readable text (start line,
// headers with compact forms expanded, a body summary, findings) and the --json schema (kind,
// method, status, reason, call_id, cseq, from, to, via, headers, body, findings, valid).
#pragma once

#include <sipdx/sip/message.h>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>

namespace sipdx::output {

// `offset`: where the message starts in its input; `index`: its number, from 1.
nlohmann::ordered_json parsed_message_json(const sip::Message& message, std::size_t offset);
// One JSON object and a newline.
std::string parsed_message_ndjson(const sip::Message& message, std::size_t offset);
std::string render_parsed_message(const sip::Message& message, std::size_t index,
                                  std::size_t offset);

} // namespace sipdx::output
