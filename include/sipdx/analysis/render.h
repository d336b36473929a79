// Rendering the analysis: the `sipdx analyze` text report and its JSON (schema in
// docs/analysis.md), and the per-Call-ID records of `sipdx calls` as table, NDJSON, CSV or TSV.
#pragma once

#include <sipdx/analysis/analyzer.h>
#include <sipdx/analysis/record_filter.h>
#include <sipdx/analysis/summary.h>
#include <sipdx/session/record.h>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sipdx::analysis {

inline constexpr const char* analyze_schema = "sipdx.analyze/1";
inline constexpr const char* calls_schema = "sipdx.calls/1";

// The report: inputs, responses grouped by class then code with their meaning, requests by
// method, outcomes, KPIs, findings. Ends with a newline.
std::string render_summary_text(const Summary& summary, const RunResult& run);
nlohmann::ordered_json summary_json(const Summary& summary, const RunResult& run);

// The record columns, in order (docs/analysis.md "calls record").
const std::vector<std::string>& record_fields();
// The record as strings, one per field (empty for absent values). Times are UTC ISO 8601.
std::vector<std::string> record_values(const session::CallRecord& record);
nlohmann::ordered_json record_json(const session::CallRecord& record);

enum class RecordFormat { table, ndjson, csv, tsv };

// Renders records (already sorted/filtered by the caller). `table` aligns a subset of columns
// for a terminal (the explanation is left out); the others carry every field.
std::string render_records(const std::vector<session::CallRecord>& records, RecordFormat format);

// One field of an RFC 4180 CSV row: quoted, with quotes doubled, only when it must be.
std::string csv_field(const std::string& value);
// One field of a TSV row: tab, newline, carriage return and backslash escaped (\t \n \r \\).
std::string tsv_field(const std::string& value);

// Capture time as "2026-11-25T17:33:07.123456Z".
std::string iso_time(std::int64_t time_ns);

} // namespace sipdx::analysis
