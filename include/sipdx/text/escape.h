// The one set of escapers for every output format. Each takes any bytes (a Call-ID or a reason
// phrase is whatever the wire carried) and never throws; the result is always valid for its
// format. `append_*` writes into a buffer, the others return a new string.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sipdx::text {

// Length of the well-formed UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF) starting at s[pos]; 0 when the byte there does not start one.
std::size_t utf8_sequence_length(std::string_view s, std::size_t pos);
bool is_valid_utf8(std::string_view s);

// The inside of a JSON string (RFC 8259), without the quotes. `"` `\` LF CR TAB get their short
// escapes, the other C0 controls and DEL \u00xx (lower-case hex). Every byte that is not part
// of well-formed UTF-8 becomes U+REPLACEMENT CHARACTER, written as its UTF-8 bytes (EF BF BD),
// one per byte, so a JSON parser never rejects the document.
void append_json(std::string& out, std::string_view s);
std::string json_escape(std::string_view s);
// A complete JSON string: `"` + json_escape(s) + `"`.
std::string json_quote(std::string_view s);

// One CSV field (RFC 4180): quoted, with quotes doubled, only when it holds `,` `"` CR or LF.
// The quoting alone: output writes every CSV through output/csv.h, which adds CRLF and the
// neutralising of formula-looking text fields.
void append_csv(std::string& out, std::string_view s);
std::string csv_field(std::string_view s);

// One TSV field. `escape`: TAB, LF, CR and backslash as \t \n \r \\ (reversible). `spaces`:
// TAB, LF and CR become a space (a line-oriented field that never needs unescaping).
enum class TsvStyle { escape, spaces };
void append_tsv(std::string& out, std::string_view s, TsvStyle style = TsvStyle::escape);
std::string tsv_field(std::string_view s, TsvStyle style = TsvStyle::escape);

// XML 1.0 text and attribute values (SVG included): & < > " escaped. Characters XML 1.0 forbids
// (C0 controls other than TAB, LF, CR; U+FFFE, U+FFFF) and bytes that are not well-formed UTF-8
// become U+FFFD, so the document always parses.
void append_xml(std::string& out, std::string_view s);
std::string xml_escape(std::string_view s);

// HTML text and attribute values: as XML, and ' as &#39; too.
void append_html(std::string& out, std::string_view s);
std::string html_escape(std::string_view s);

// Text for a terminal: nothing in it can move the cursor, change colours or retitle the window.
// C0 controls, DEL and the C1 controls (U+0080..U+009F) are written as \xHH (ESC: \x1b), bytes
// that are not well-formed UTF-8 as \xHH too; a backslash stays a backslash. With
// `flatten_whitespace`, TAB, LF and CR become a space (one table row stays one line); without,
// they are escaped like the other controls.
std::string visible(std::string_view s, bool flatten_whitespace = false);
void append_visible(std::string& out, std::string_view s, bool flatten_whitespace = false);

} // namespace sipdx::text
