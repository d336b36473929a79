// Rendering rows read back from the store (`sipdx query`): any result set, and the
// class-then-code summary. Output renders store types; the store never renders.
#pragma once

#include <sipdx/output/format.h>
#include <sipdx/store/query.h>

#include <string>
#include <vector>

namespace sipdx::output {

// table: aligned columns (long values clipped, numbers right-aligned); ndjson: one object per
// row with typed values; csv (RFC 4180) and tsv (backslash escapes) with a header row.
// `max_width` (table only, 0: none) narrows the widest columns until a line fits.
std::string render_rows(const store::ResultSet& result, Format format, std::size_t max_width = 0);

// Class then code, with the class names and standard reason phrases; table like the
// `sipdx analyze` section, or rows (class, class_name, code, reason, counts) for the others.
std::string render_code_summary(const std::vector<store::CodeCount>& rows, Format format);

} // namespace sipdx::output
