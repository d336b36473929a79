#include <sipdx/analysis/record_filter.h>

#include <algorithm>

namespace sipdx::analysis {

bool RecordFilter::empty() const {
    return outcomes.empty() && codes.empty() && classes.empty() && methods.empty() &&
           from.empty() && to.empty() && kinds.empty() && call_id.empty() && !since_ns && !until_ns;
}

bool RecordFilter::matches(const session::CallRecord& r) const {
    auto in = [](const auto& list, const auto& value) {
        return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
    };
    if (!call_id.empty() && r.call_id != call_id) return false;
    if (!in(outcomes, r.outcome)) return false;
    if (!in(kinds, r.kind)) return false;
    if (!in(codes, r.final_code)) return false;
    if (!in(classes, r.final_code / 100)) return false;
    if (!in(methods, r.first_method)) return false;
    if (!from.empty() && r.from.find(from) == std::string::npos) return false;
    if (!to.empty() && r.to.find(to) == std::string::npos) return false;
    if (since_ns && r.start_ns < *since_ns) return false;
    if (until_ns && r.start_ns >= *until_ns) return false;
    return true;
}

} // namespace sipdx::analysis
