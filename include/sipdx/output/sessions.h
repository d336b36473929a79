// Rendering sessions (docs/sessions.md): the records of `sipdx sessions` in every Format, the
// session lines of `analyze`, and the ladder of one session across its legs.
#pragma once

#include <sipdx/analysis/sessions.h>
#include <sipdx/output/format.h>
#include <sipdx/output/ladder.h>
#include <sipdx/session/record.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace sipdx::output {

inline constexpr const char* sessions_schema = "sipdx.sessions/1";

// The flat record columns, in order (docs/sessions.md "Record").
const std::vector<std::string>& session_fields();
std::vector<std::string> session_values(const analysis::Session& session);
// The full record: the flat fields plus legs, links and nodes as arrays.
nlohmann::ordered_json session_json(const analysis::Session& session);
std::string render_sessions(const std::vector<analysis::Session>& sessions, Format format,
                            std::size_t max_width = 0);

// The `analyze` lines ("Sessions ...") and their JSON object.
std::string render_session_summary_text(const analysis::SessionSummary& summary);
nlohmann::ordered_json session_summary_json(const analysis::SessionSummary& summary);

// What the ladder of a session needs besides the messages: column labels with roles, and the
// leg of each message (1-based, parallel to `messages`).
LadderOptions session_ladder_options(const analysis::Session& session,
                                     const std::vector<session::MessageRecord>& messages,
                                     const std::vector<std::string>& message_call_ids);
// A header for the text ladder: the session, its legs, links and verdict.
std::string session_ladder_header(const analysis::Session& session);

} // namespace sipdx::output
