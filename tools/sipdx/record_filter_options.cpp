#include "record_filter_options.h"

#include "command.h"

#include <sipdx/session/record.h>

namespace sipdx::cli {

void add_record_filters(CLI::App* cmd, RecordFilterOptions& options) {
    cmd->add_option("--outcome", options.outcomes,
                    "Only these outcomes (answered, failed, cancelled, redirected, timeout, "
                    "in-progress, registered, unregistered, challenged, completed, ended)")
        ->delimiter(',');
    cmd->add_option("--code", options.codes, "Only these final codes (e.g. 486,503)")
        ->delimiter(',');
    cmd->add_option("--class", options.classes, "Only these final classes (e.g. 4xx or 4)")
        ->delimiter(',');
    cmd->add_option("--method", options.methods, "Only Call-IDs whose first method is one of these")
        ->delimiter(',');
    cmd->add_option("--kind", options.kinds,
                    "Only these kinds (call, registration, subscription, message, options, other)")
        ->delimiter(',');
    cmd->add_option("--from", options.from, "From URI contains this text");
    cmd->add_option("--to", options.to, "To URI contains this text");
}

namespace {
// "a, b or c": the valid values, for an error that says what would have worked.
template <typename Enum>
std::string valid_names(Enum last) {
    std::string out;
    for (int i = 0; i <= static_cast<int>(last); ++i) {
        if (i > 0) out += i == static_cast<int>(last) ? " or " : ", ";
        out += session::to_string(static_cast<Enum>(i));
    }
    return out;
}
} // namespace

analysis::RecordFilter make_record_filter(const RecordFilterOptions& options) {
    analysis::RecordFilter filter;
    for (const auto& name : options.outcomes) {
        auto outcome = session::parse_outcome(name);
        if (!outcome)
            throw UsageError("unknown --outcome '" + name + "': give " +
                             valid_names(session::Outcome::ended));
        filter.outcomes.push_back(*outcome);
    }
    for (const auto& name : options.kinds) {
        auto kind = session::parse_kind(name);
        if (!kind)
            throw UsageError("unknown --kind '" + name + "': give " +
                             valid_names(session::Kind::other));
        filter.kinds.push_back(*kind);
    }
    for (int code : options.codes) {
        if (code < 100 || code > 699) throw UsageError("--code must be 100..699");
        filter.codes.push_back(code);
    }
    for (const auto& text : options.classes) {
        // "4", "4xx" and "4XX" all name class 4.
        const bool digit_ok = !text.empty() && text[0] >= '1' && text[0] <= '6';
        const bool suffix_ok =
            text.size() == 1 ||
            (text.size() == 3 && (text.substr(1) == "xx" || text.substr(1) == "XX"));
        if (!digit_ok || !suffix_ok)
            throw UsageError("--class must be 1..6 or 1xx..6xx, not '" + text + "'");
        filter.classes.push_back(text[0] - '0');
    }
    filter.methods = options.methods;
    filter.from = options.from;
    filter.to = options.to;
    return filter;
}

} // namespace sipdx::cli
