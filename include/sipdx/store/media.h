// RTP streams into the SQLite store (`sipdx ingest --media`): the media_streams table
// (docs/store.md, docs/media.md), one row per stream of a stored capture.
#pragma once

#include <sipdx/media/analyzer.h>
#include <sipdx/store/error.h>

#include <tl/expected.hpp>

#include <cstdint>
#include <string>

namespace sipdx::store {

// Replaces the media rows of the capture stored with `capture_sha256` by `media`'s streams, in
// one transaction. Fails when the capture is not stored (complete) in `db`. Returns the rows
// written.
[[nodiscard]] tl::expected<std::uint64_t, StoreError>
write_media_streams(const std::string& db, const std::string& capture_sha256,
                    const media::MediaAnalyzer& media);

// The same rows into ClickHouse's media_streams (`capture_sha256` for `capture_id`, a `start`
// DateTime), one INSERT with the retries of `options`. ClickHouse rows are not replaced: when
// the table already holds rows of this capture (an earlier `ingest --media`; the streams of a
// capture do not change) nothing is written. Returns the capture's stream rows in the table.
struct ClickHouseOptions;
[[nodiscard]] tl::expected<std::uint64_t, StoreError>
write_media_streams_clickhouse(const std::string& url, const ClickHouseOptions& options,
                               const std::string& capture_sha256,
                               const media::MediaAnalyzer& media);

} // namespace sipdx::store
