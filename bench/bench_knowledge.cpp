// Knowledge-base lookups and Reason/Warning decoding, the calls later stages make per message.
#include <sipdx/knowledge/q850.h>
#include <sipdx/knowledge/reason.h>
#include <sipdx/knowledge/response_codes.h>

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string_view>

namespace kb = sipdx::knowledge;

namespace {

constexpr std::string_view reason_header =
    R"(SIP;cause=580;text="Precondition Failure", Q.850;cause=47;text="Resource unavailable")";
constexpr std::string_view warning_header =
    R"(370 p-cscf.ims.mnc001.mcc001.3gppnetwork.org:5060 "Insufficient bandwidth")";

void BM_FindRegistered(benchmark::State& state) {
    // Check the answer before timing, then cycle through every code class.
    if (kb::find_registered(486) == nullptr || kb::find_registered(486)->reason != "Busy Here")
        std::abort();
    int code = 100;
    for (auto _ : state) {
        benchmark::DoNotOptimize(kb::find_registered(code));
        code = code >= 699 ? 100 : code + 7;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FindRegistered);

void BM_ExplainCode(benchmark::State& state) {
    if (kb::explain_code(499)->treated_as != 400) std::abort();
    int code = 100;
    for (auto _ : state) {
        benchmark::DoNotOptimize(kb::explain_code(code));
        code = code >= 699 ? 100 : code + 7;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ExplainCode);

void BM_ParseReason(benchmark::State& state) {
    const auto check = kb::parse_reason(reason_header);
    if (check.size() != 2 || check[1].cause != 47) std::abort();
    for (auto _ : state)
        benchmark::DoNotOptimize(kb::parse_reason(reason_header));
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(reason_header.size()));
}
BENCHMARK(BM_ParseReason);

void BM_ParseWarning(benchmark::State& state) {
    const auto check = kb::parse_warning(warning_header);
    if (check.size() != 1 || check[0].code != 370) std::abort();
    for (auto _ : state)
        benchmark::DoNotOptimize(kb::parse_warning(warning_header));
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(warning_header.size()));
}
BENCHMARK(BM_ParseWarning);

void BM_Q850MappingTo(benchmark::State& state) {
    if (kb::q850_causes_mapping_to(503).size() != 7) std::abort();
    for (auto _ : state)
        benchmark::DoNotOptimize(kb::q850_causes_mapping_to(503));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Q850MappingTo);

} // namespace

BENCHMARK_MAIN();
