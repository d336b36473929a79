#include <sipdx/output/messages.h>

#include <sipdx/output/csv.h>

#include <sipdx/text/escape.h>
#include <sipdx/text/time.h>

#include <fmt/format.h>

namespace sipdx::output {

namespace {

// Table column widths; a longer value pushes the row (never cut: the data matters more), unless
// a maximum line width is given.
constexpr std::array<std::size_t, 20> table_widths{6, 27, 15, 5, 15, 5,  9,  18, 8, 9,
                                                   6, 16, 30, 8, 11, 10, 10, 20, 6, 0};

// Below this width the table keeps the fields a reader scans first (narrow_fields); every
// field is in the machine formats.
constexpr std::size_t all_fields_width = 160;
constexpr std::array<std::size_t, 6> narrow_fields{0, 1, 2, 4, 9, 10};

std::vector<std::size_t> table_fields(std::size_t max_width) {
    std::vector<std::size_t> shown;
    if (max_width > 0 && max_width < all_fields_width) {
        shown.assign(narrow_fields.begin(), narrow_fields.end());
    } else {
        for (std::size_t i = 0; i < message_fields.size(); ++i)
            shown.push_back(i);
    }
    return shown;
}

TableWriter message_table(std::size_t max_width, const std::vector<std::size_t>& shown) {
    std::vector<Column> columns;
    const bool narrow = shown.size() < message_fields.size();
    for (const std::size_t i : shown) {
        Column c{std::string(message_fields[i]), table_widths[i]};
        // Narrow: frame, time, method (SUBSCRIBE whole) and status keep their width.
        if (narrow && (i == 0 || i == 1 || i == 9 || i == 10)) c.min_width = c.width;
        if (narrow && (i == 2 || i == 4)) c.min_width = 9;
        columns.push_back(std::move(c));
    }
    TableOptions options;
    options.max_width = max_width;
    return TableWriter(std::move(columns), options);
}

} // namespace

MessageWriter::MessageWriter(Format format, bool epoch, std::size_t max_width)
    : m_format(format), m_epoch(epoch) {
    if (format == Format::table) {
        m_shown = table_fields(max_width);
        m_table.emplace(message_table(max_width, m_shown));
        m_cells.resize(message_fields.size());
    }
}

std::string format_time(std::int64_t time_ns, bool epoch) {
    return epoch ? text::epoch_time(time_ns) : text::iso_time(time_ns);
}

void MessageWriter::header(std::string& out) const {
    switch (m_format) {
    case Format::ndjson:
        return;
    case Format::csv:
    case Format::tsv:
        for (std::size_t i = 0; i < message_fields.size(); ++i) {
            if (i) out += m_format == Format::csv ? ',' : '\t';
            out += message_fields[i];
        }
        out += m_format == Format::csv ? "\r\n" : "\n";
        return;
    case Format::table:
        m_table->write_header(out);
        return;
    }
}

void MessageWriter::field(std::string& out, std::size_t index, std::string_view value,
                          bool quoted_json) {
    switch (m_format) {
    case Format::ndjson:
        out += index == 0 ? "{\"" : ",\"";
        out += message_fields[index];
        out += "\":";
        if (quoted_json) {
            out += '"';
            text::append_json(out, value);
            out += '"';
        } else {
            out += value.empty() ? std::string_view("null") : value;
        }
        return;
    case Format::csv:
        if (index) out += ',';
        append_csv_field(out, value, quoted_json ? CsvField::text : CsvField::number);
        return;
    case Format::tsv:
        if (index) out += '\t';
        text::append_tsv(out, value, text::TsvStyle::spaces);
        return;
    case Format::table:
        m_cells[index].assign(value);
        return;
    }
}

void MessageWriter::write(std::string& out, const decode::SipPayload& p, const sip::Message& m) {
    const auto key = m.transaction_key();
    char num[32];
    auto number = [&](std::uint64_t v) {
        const auto r = fmt::format_to_n(num, sizeof num, "{}", v);
        return std::string_view(num, r.size);
    };
    field(out, 0, number(p.frame), false);
    field(out, 1, format_time(p.time_ns, m_epoch), !m_epoch);
    field(out, 2, p.src.to_string(), true);
    field(out, 3, number(p.sport), false);
    field(out, 4, p.dst.to_string(), true);
    field(out, 5, number(p.dport), false);
    field(out, 6, decode::to_string(p.transport), true);
    field(out, 7, p.encap.to_string(), true);
    field(out, 8, m.is_request() ? "request" : "response", true);
    const bool json = m_format == Format::ndjson;
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
    if (m_format == Format::ndjson) {
        // A list in NDJSON, as in `calls`; comma-separated text in the other formats.
        std::string list = "[";
        std::string_view rest = findings;
        while (!rest.empty()) {
            const std::size_t comma = rest.find(',');
            if (list.size() > 1) list += ',';
            list += '"';
            text::append_json(list, rest.substr(0, comma));
            list += '"';
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
        list += ']';
        field(out, 19, list, false);
    } else {
        field(out, 19, findings, true);
    }
    switch (m_format) {
    case Format::ndjson:
        out += "}\n";
        break;
    case Format::csv:
        out += csv_line_end;
        break;
    case Format::tsv:
        out += '\n';
        break;
    case Format::table:
        if (m_shown.size() == m_cells.size()) {
            m_table->write_row(out, m_cells);
        } else {
            m_row.clear();
            for (const std::size_t i : m_shown)
                m_row.emplace_back(m_cells[i]);
            m_table->write_row(out, m_row);
        }
        break;
    }
}

std::string format_stats(const decode::Stats& s) {
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
        line(decode::to_string(static_cast<decode::Transport>(t)), s.sip_by_transport[t]);
    }
    out += "skipped\n";
    for (std::size_t r = 0; r < s.skipped.size(); ++r) {
        line(decode::to_string(static_cast<decode::SkipReason>(r)), s.skipped[r].count);
    }
    return out;
}

std::string tls_hint(const decode::Stats& s) {
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

} // namespace sipdx::output
