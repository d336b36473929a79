// Plain-words explanations of what happened to one Call-ID, built from the knowledge base
// (response codes, Q.850 causes, warn-codes) and the tracker's evidence. docs/analysis.md
// lists the rules.
#pragma once

#include <sipdx/session/record.h>

#include <string>
#include <string_view>

namespace sipdx::analysis {

// One paragraph (no newline) saying what happened and why, and what to check next.
std::string explain(const session::CallRecord& record);

// "4xx" style class label and the knowledge base's class name ("Request Failure") for a code
// in 100..699; empty views otherwise.
std::string_view class_name(int code);
// The diagnostic category id ("reachability") of a code, or "" when outside 100..699.
std::string_view category_of(int code);
// The registered reason phrase ("Busy Here"), or the class's x00 phrase for unregistered codes.
std::string_view standard_phrase(int code);
// The first sentence of the code's meaning.
std::string code_meaning(int code);

// The failed_by column: "10.0.0.2:5060 (Acme SBC 1.0)", or "" when no failure was seen.
std::string failed_by_text(const session::CallRecord& record);

} // namespace sipdx::analysis
