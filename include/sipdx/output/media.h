// Rendering media (docs/media.md): the `sipdx media` stream records as table, NDJSON, CSV or
// TSV, and the media columns `sipdx calls --media` appends to the call records.
#pragma once

#include <sipdx/media/analyzer.h>
#include <sipdx/output/format.h>
#include <sipdx/session/record.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace sipdx::output {

inline constexpr const char* media_schema = "sipdx.media/1";

// The stream record's fields, in order.
const std::vector<std::string>& stream_fields();
std::vector<std::string> stream_values(const media::StreamReport& stream);
nlohmann::ordered_json stream_json(const media::StreamReport& stream);
std::string render_streams(const std::vector<const media::StreamReport*>& streams, Format format,
                           std::size_t max_width = 0);

// The media fields added at the end of a call record (absent call: empty values).
const std::vector<std::string>& call_media_fields();
std::vector<std::string> call_media_values(const media::CallMedia* call,
                                           const media::MediaAnalyzer& media);
// render_records() with the media fields after the record's own (table: unchanged columns).
std::string render_records_with_media(const std::vector<session::CallRecord>& records,
                                      const media::MediaAnalyzer& media, Format format,
                                      std::size_t max_width = 0);

} // namespace sipdx::output
