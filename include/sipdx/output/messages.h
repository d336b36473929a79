// One line per SIP message, as `sipdx messages` prints it (docs/messages.md): the decode
// metadata (frame, time, addresses, transport, encapsulation) next to the message's key fields.
// Field names are the same in every format.
#pragma once

#include <sipdx/decode/packet.h>
#include <sipdx/decode/pipeline.h>
#include <sipdx/output/format.h>
#include <sipdx/output/table.h>
#include <sipdx/sip/message.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sipdx::output {

// The field names, in output order (docs/messages.md describes each).
inline constexpr std::array<std::string_view, 20> message_fields{
    "frame",       "time",     "src",    "sport",  "dst",    "dport",   "transport",
    "encap",       "kind",     "method", "status", "reason", "call_id", "cseq_seq",
    "cseq_method", "from_tag", "to_tag", "branch", "length", "findings"};

// ISO-8601 UTC with microseconds ("2026-05-30T12:00:00.123456Z"), or with `epoch` seconds since
// 1970 with six decimals ("1780141590.686694"). Rounds towards minus infinity.
std::string format_time(std::int64_t time_ns, bool epoch);

class MessageWriter {
public:
    // `max_width` (table only, 0: none): the widest line; columns shrink and cut with '~'.
    // Below 160 columns the table shows frame, time, src, dst, method and status.
    MessageWriter(Format format, bool epoch, std::size_t max_width = 0);

    // The header row (csv, tsv, table); nothing for ndjson.
    void header(std::string& out) const;
    // Appends one record for `message`, parsed from `payload.bytes`.
    void write(std::string& out, const decode::SipPayload& payload, const sip::Message& message);

private:
    void field(std::string& out, std::size_t index, std::string_view value, bool quoted_json);
    Format m_format;
    bool m_epoch;
    std::optional<TableWriter> m_table;  // the table format's columns
    std::vector<std::string> m_cells;    // the row being written (table)
    std::vector<std::size_t> m_shown;    // the fields the table shows (narrow: a subset)
    std::vector<std::string_view> m_row; // the shown cells
};

// A multi-line, human-readable summary of what the pipeline read (for --stats).
std::string format_stats(const decode::Stats& stats);
// "N TLS flows were seen on ports 5061 (n), ...; their content is encrypted" with a newline, for
// an input that gave no SIP message; empty when it saw no TLS flow.
std::string tls_hint(const decode::Stats& stats);

} // namespace sipdx::output
