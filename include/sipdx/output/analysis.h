// Rendering the analysis: the `sipdx analyze` text report and its JSON (schema in
// docs/analysis.md), and the per-Call-ID records of `sipdx calls` as table, NDJSON, CSV or TSV.
#pragma once

#include <sipdx/analysis/analyzer.h>
#include <sipdx/analysis/summary.h>
#include <sipdx/output/format.h>
#include <sipdx/output/terminal.h>
#include <sipdx/session/record.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace sipdx::output {

inline constexpr const char* analyze_schema = "sipdx.analyze/1";
inline constexpr const char* calls_schema = "sipdx.calls/1";

// The report: inputs, responses grouped by class then code with their meaning, requests by
// method, outcomes, KPIs, findings. Ends with a newline.
std::string render_summary_text(const analysis::Summary& summary, const analysis::RunResult& run);
nlohmann::ordered_json summary_json(const analysis::Summary& summary,
                                    const analysis::RunResult& run);

// The record columns, in order (docs/analysis.md "calls record").
const std::vector<std::string>& record_fields();
// The record as strings, one per field (empty for absent values). Times are UTC ISO 8601.
std::vector<std::string> record_values(const session::CallRecord& record);
nlohmann::ordered_json record_json(const session::CallRecord& record);

// Renders records (already sorted/filtered by the caller). `table` aligns a subset of columns
// for a terminal (the explanation is left out; `max_width`, 0 for none, narrows the widest
// columns until a line fits); the others carry every field.
std::string render_records(const std::vector<session::CallRecord>& records, Format format,
                           std::size_t max_width = 0);
// The table: start (with the date when the records span days), first_method, final_code,
// final_reason, outcome, from, to, call_id, fitted to `style.width`; each call that did not
// succeed is followed by an indented line with who failed it and the first sentence of its
// explanation. Coloured by class and outcome when `style.color`.
std::string render_records_table(const std::vector<session::CallRecord>& records,
                                 const TextStyle& style);

} // namespace sipdx::output
