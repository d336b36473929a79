// The selection of Call-ID records, one type for every command that selects records: `calls`,
// `flow` and `filter` match it against records in memory (matches()), and `query` turns the
// same fields into SQL over the stored records (store/query.h), so both answer alike.
#pragma once

#include <sipdx/session/record.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sipdx::analysis {

// Empty members select everything; the members that are set must all match.
struct RecordFilter {
    std::vector<session::Outcome> outcomes;
    std::vector<int> codes;           // final code
    std::vector<int> classes;         // 1..6: final code / 100
    std::vector<std::string> methods; // first method (case-sensitive, as SIP methods are)
    std::string from;                 // substring of the From URI
    std::string to;                   // substring of the To URI
    std::vector<session::Kind> kinds;
    std::string call_id;                  // exact Call-ID
    std::optional<std::int64_t> since_ns; // first message at or after (UTC ns)
    std::optional<std::int64_t> until_ns; // first message before (UTC ns)

    bool matches(const session::CallRecord& record) const;
    bool empty() const;
};

} // namespace sipdx::analysis
