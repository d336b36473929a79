// The selection of call records shared by `calls`, `flow` and `filter`. The renderings that
// lived here are in sipdx/output/analysis.h.
#pragma once

#include <sipdx/session/record.h>

#include <string>
#include <vector>

namespace sipdx::analysis {

// Selection shared by `calls`, `flow` and `filter`. Empty members select everything.
struct RecordFilter {
    std::vector<session::Outcome> outcomes;
    std::vector<int> codes;           // final code
    std::vector<int> classes;         // 1..6: final code / 100
    std::vector<std::string> methods; // first method (case-sensitive, as SIP methods are)
    std::string from;                 // substring of the From URI
    std::string to;                   // substring of the To URI
    std::vector<session::Kind> kinds;
    std::string call_id; // exact Call-ID
    bool matches(const session::CallRecord& record) const;
    bool empty() const;
};

} // namespace sipdx::analysis
