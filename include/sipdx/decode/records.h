// One line per SIP message, as `sipdx messages` prints it (docs/messages.md): the decode
// metadata (frame, time, addresses, transport, encapsulation) next to the message's key fields.
// Field names are the same in every format.
#pragma once

#include <sipdx/decode/packet.h>
#include <sipdx/decode/pipeline.h>
#include <sipdx/sip/message.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace sipdx::decode {

enum class RecordFormat : std::uint8_t { table, ndjson, csv, tsv };

// The field names, in output order (docs/messages.md describes each).
inline constexpr std::array<std::string_view, 20> record_fields{
    "frame",       "time",     "src",    "sport",  "dst",    "dport",   "transport",
    "encap",       "kind",     "method", "status", "reason", "call_id", "cseq_seq",
    "cseq_method", "from_tag", "to_tag", "branch", "length", "findings"};

// ISO-8601 UTC with microseconds ("2026-05-30T12:00:00.123456Z"), or with `epoch` seconds since
// 1970 with six decimals ("1780141590.686694"). Rounds towards minus infinity.
std::string format_time(std::int64_t time_ns, bool epoch);

class RecordWriter {
public:
    RecordWriter(RecordFormat format, bool epoch) : m_format(format), m_epoch(epoch) {}

    // The header row (csv, tsv, table); nothing for ndjson.
    void header(std::string& out) const;
    // Appends one record for `message`, parsed from `payload.bytes`.
    void write(std::string& out, const SipPayload& payload, const sip::Message& message);

private:
    void field(std::string& out, std::size_t index, std::string_view value, bool quoted_json);
    RecordFormat m_format;
    bool m_epoch;
    std::string m_scratch;
};

// A multi-line, human-readable summary of what the pipeline read (for --stats).
std::string format_stats(const Stats& stats);
// "N TLS flows were seen on ports 5061 (n), ...; their content is encrypted" with a newline, for
// an input that gave no SIP message; empty when it saw no TLS flow.
std::string tls_hint(const Stats& stats);

} // namespace sipdx::decode
