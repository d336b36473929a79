#include <sipdx/decode/records.h>

#include <fmt/format.h>

#include <ctime>

namespace sipdx::decode {

namespace {

// Table column widths; a longer value pushes the row (never cut: the data matters more).
constexpr std::array<std::size_t, 20> table_widths{6, 27, 15, 5, 15, 5,  9,  18, 8, 9,
                                                   6, 16, 30, 8, 11, 10, 10, 20, 6, 0};

void json_escape(std::string& out, std::string_view s) {
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20 || c == 0x7F) {
                fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
            } else {
                out += ch; // UTF-8 passes through (valid_utf8 has cleaned it)
            }
        }
    }
}

// Replaces bytes that are not valid UTF-8 by U+FFFD, so JSON consumers never choke.
std::string_view valid_utf8(std::string_view s, std::string& scratch) {
    bool ok = true;
    for (std::size_t i = 0; i < s.size() && ok;) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80         ? 1
                        : (c >> 5) == 6  ? 2
                        : (c >> 4) == 14 ? 3
                        : (c >> 3) == 30 ? 4
                                         : 0;
        if (n == 0 || i + n > s.size()) {
            ok = false;
            break;
        }
        for (std::size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) ok = false;
        }
        i += n;
    }
    if (ok) return s;
    scratch.clear();
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80         ? 1
                        : (c >> 5) == 6  ? 2
                        : (c >> 4) == 14 ? 3
                        : (c >> 3) == 30 ? 4
                                         : 0;
        bool good = n != 0 && i + n <= s.size();
        for (std::size_t k = 1; good && k < n; ++k) {
            good = (static_cast<unsigned char>(s[i + k]) >> 6) == 2;
        }
        if (good) {
            scratch.append(s.substr(i, n));
            i += n;
        } else {
            scratch += "\xEF\xBF\xBD";
            i += 1;
        }
    }
    return scratch;
}

} // namespace

std::string format_time(std::int64_t time_ns, bool epoch) {
    std::int64_t seconds = time_ns / 1'000'000'000;
    std::int64_t rest = time_ns % 1'000'000'000;
    if (rest < 0) {
        rest += 1'000'000'000;
        --seconds;
    }
    const std::int64_t micros = rest / 1000;
    if (epoch) return fmt::format("{}.{:06d}", seconds, micros);
    std::tm tm{};
    const auto t = static_cast<std::time_t>(seconds);
    gmtime_r(&t, &tm);
    return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:06d}Z", tm.tm_year + 1900,
                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
}

void RecordWriter::header(std::string& out) const {
    switch (m_format) {
    case RecordFormat::ndjson:
        return;
    case RecordFormat::csv:
    case RecordFormat::tsv:
        for (std::size_t i = 0; i < record_fields.size(); ++i) {
            if (i) out += m_format == RecordFormat::csv ? ',' : '\t';
            out += record_fields[i];
        }
        out += m_format == RecordFormat::csv ? "\r\n" : "\n";
        return;
    case RecordFormat::table:
        for (std::size_t i = 0; i < record_fields.size(); ++i) {
            if (i) out += ' ';
            out += record_fields[i];
            for (std::size_t w = record_fields[i].size(); w < table_widths[i]; ++w)
                out += ' ';
        }
        while (!out.empty() && out.back() == ' ')
            out.pop_back();
        out += '\n';
        return;
    }
}

void RecordWriter::field(std::string& out, std::size_t index, std::string_view value,
                         bool quoted_json) {
    switch (m_format) {
    case RecordFormat::ndjson:
        out += index == 0 ? "{\"" : ",\"";
        out += record_fields[index];
        out += "\":";
        if (quoted_json) {
            out += '"';
            json_escape(out, valid_utf8(value, m_scratch));
            out += '"';
        } else {
            out += value.empty() ? std::string_view("null") : value;
        }
        return;
    case RecordFormat::csv: {
        if (index) out += ',';
        const bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos;
        if (!quote) {
            out += value;
            return;
        }
        out += '"';
        for (const char c : value) {
            if (c == '"') out += '"';
            out += c;
        }
        out += '"';
        return;
    }
    case RecordFormat::tsv:
        if (index) out += '\t';
        for (const char c : value)
            out += (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
        return;
    case RecordFormat::table:
        if (index) out += ' ';
        for (const char c : value)
            out += (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
        for (std::size_t w = value.size(); w < table_widths[index]; ++w)
            out += ' ';
        return;
    }
}

void RecordWriter::write(std::string& out, const SipPayload& p, const sip::Message& m) {
    const auto key = m.transaction_key();
    char num[32];
    auto number = [&](std::uint64_t v) {
        const auto r = fmt::format_to_n(num, sizeof num, "{}", v);
        return std::string_view(num, r.size);
    };
    const std::size_t start = out.size();
    field(out, 0, number(p.frame), false);
    field(out, 1, format_time(p.time_ns, m_epoch), !m_epoch);
    field(out, 2, p.src.to_string(), true);
    field(out, 3, number(p.sport), false);
    field(out, 4, p.dst.to_string(), true);
    field(out, 5, number(p.dport), false);
    field(out, 6, to_string(p.transport), true);
    field(out, 7, p.encap.to_string(), true);
    field(out, 8, m.is_request() ? "request" : "response", true);
    const bool json = m_format == RecordFormat::ndjson;
    // Absent values are null in JSON and empty elsewhere.
    auto optional_text = [&](std::size_t i, std::string_view v) {
        field(out, i, v, !(json && v.empty()));
    };
    if (m.is_request()) {
        optional_text(9, m.method_text);
        field(out, 10, "", false);
        optional_text(11, "");
    } else {
        optional_text(9, "");
        field(out, 10, number(static_cast<std::uint64_t>(m.status)), false);
        field(out, 11, m.reason_phrase, true);
    }
    optional_text(12, key.call_id);
    if (m.find(sip::HeaderId::cseq) != nullptr && key.cseq_method_text.size() > 0) {
        field(out, 13, number(key.cseq), false);
    } else {
        field(out, 13, "", false);
    }
    optional_text(14, key.cseq_method_text);
    optional_text(15, key.from_tag);
    optional_text(16, key.to_tag);
    optional_text(17, key.branch);
    field(out, 18, number(p.bytes.size()), false);

    std::string findings = p.findings.to_string();
    for (const auto& f : m.findings) {
        const auto name = f.code_name();
        if (name.empty() || findings.find(name) != std::string::npos) continue;
        if (!findings.empty()) findings += ',';
        findings += name;
    }
    field(out, 19, findings, true);
    switch (m_format) {
    case RecordFormat::ndjson:
        out += "}\n";
        break;
    case RecordFormat::csv:
        out += "\r\n";
        break;
    case RecordFormat::tsv:
        out += '\n';
        break;
    case RecordFormat::table:
        while (out.size() > start && out.back() == ' ')
            out.pop_back();
        out += '\n';
        break;
    }
}

std::string format_stats(const Stats& s) {
    std::string out;
    auto line = [&](std::string_view name, std::uint64_t v) {
        fmt::format_to(std::back_inserter(out), "  {:<28} {}\n", name, v);
    };
    out += "frames\n";
    line("frames", s.frames);
    line("bytes", s.bytes);
    for (const auto& [type, n] : s.link_types) {
        line(fmt::format("link type {}", type), n);
    }
    line("non-IP frames", s.non_ip_frames);
    line("other IP (ICMP, ESP, ...)", s.other_ip_frames);
    out += "transports (frames)\n";
    line("udp", s.transport_frames[0]);
    line("tcp", s.transport_frames[1]);
    line("sctp", s.transport_frames[2]);
    out += "reassembly and tunnels\n";
    line("ip fragments", s.ip_fragments);
    line("ip datagrams reassembled", s.ip_reassembled);
    line("ip fragment overlaps", s.ip_fragment_overlaps);
    line("tcp streams", s.tcp_streams);
    line("tcp retransmissions", s.tcp_retransmissions);
    line("tcp gaps", s.tcp_gaps);
    line("tls flows (not decrypted)", s.tls_flows);
    line("tls bytes", s.tls_bytes);
    line("websocket flows", s.ws_flows);
    line("hep packets", s.hep_packets);
    line("esp-null packets", s.esp_null_packets);
    line("non-SIP payloads", s.non_sip_payloads);
    line("incomplete at end", s.incomplete_at_end);
    line("tcp messages after a gap", s.tcp_gap_messages);
    line("tcp flows evicted", s.tcp_flows_evicted);
    line("ip fragment sets evicted", s.fragment_sets_evicted);
    out += "sip messages\n";
    line("total", s.sip_messages);
    for (std::size_t t = 0; t < s.sip_by_transport.size(); ++t) {
        line(to_string(static_cast<Transport>(t)), s.sip_by_transport[t]);
    }
    out += "skipped\n";
    for (std::size_t r = 0; r < s.skipped.size(); ++r) {
        line(to_string(static_cast<SkipReason>(r)), s.skipped[r].count);
    }
    return out;
}

std::string tls_hint(const Stats& s) {
    if (s.tls_flows == 0) return {};
    std::string ports;
    for (const auto& [port, n] : s.tls_ports) {
        if (!ports.empty()) ports += ", ";
        fmt::format_to(std::back_inserter(ports), "{} ({})", port, n);
    }
    return fmt::format("{} TLS flow{} seen on port{} {}: their content is encrypted, so no SIP "
                       "can be read from {}\n",
                       s.tls_flows, s.tls_flows == 1 ? " was" : "s were",
                       s.tls_ports.size() == 1 ? "" : "s", ports, s.tls_flows == 1 ? "it" : "them");
}

} // namespace sipdx::decode
