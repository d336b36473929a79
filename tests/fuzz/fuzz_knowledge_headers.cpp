// Fuzz target: Reason / Warning header decoding and `explain` input classification must accept
// any bytes without crashing, reading out of bounds or losing the invariants checked below.
#include <sipdx/knowledge/explain.h>
#include <sipdx/knowledge/reason.h>
#include <sipdx/knowledge/response_codes.h>
#include <sipdx/output/knowledge.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace kb = sipdx::knowledge;
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    const auto reasons = kb::parse_reason(input);
    if (reasons.empty()) std::abort(); // always at least one value, even for empty input
    for (const auto& v : reasons) {
        (void)v.cause_meaning();
        if (v.cause && *v.cause < 0) std::abort();
    }
    (void)sipdx::output::render_reason_text(reasons);

    const auto warnings = kb::parse_warning(input);
    if (warnings.empty()) std::abort();
    for (const auto& v : warnings) {
        if (v.code < 0 || v.code > 999) std::abort();
        (void)v.code_meaning();
    }
    (void)sipdx::output::render_warning_text(warnings);

    if (const auto query = kb::parse_query(input)) {
        if (query->kind == kb::QueryKind::response_code) {
            const auto code = kb::explain_code(query->code);
            if (!code) std::abort(); // parse_query only returns codes in 100..699
            (void)sipdx::output::render_code_text(*code);
        }
    }
    if (const auto cause = kb::parse_q850_cause(input))
        (void)sipdx::output::render_q850_text(*cause);
    if (const auto warn = kb::parse_warn_code(input))
        (void)sipdx::output::render_warn_code_text(*warn);
    return 0;
}
