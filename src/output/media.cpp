#include <sipdx/output/media.h>

#include <sipdx/output/analysis.h>
#include <sipdx/output/table.h>
#include <sipdx/text/escape.h>
#include <sipdx/text/time.h>

#include <fmt/format.h>

namespace sipdx::output {

namespace {

std::string num(double v, int digits) {
    return fmt::format("{:.{}f}", v, digits);
}

nlohmann::ordered_json findings_json(const std::vector<media::Finding>& findings) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& f : findings)
        out.push_back({{"code", media::to_string(f.code)},
                       {"severity", knowledge::to_string(media::severity_of(f.code))},
                       {"detail", f.detail}});
    return out;
}

std::string endpoint(const decode::Address& a, std::uint16_t port) {
    if (a.family == 6) return fmt::format("[{}]:{}", a.to_string(), port);
    return fmt::format("{}:{}", a.to_string(), port);
}

std::string joined(const std::vector<int>& v) {
    std::string out;
    for (int x : v) {
        if (!out.empty()) out += ' ';
        out += std::to_string(x);
    }
    return out;
}

template <typename Records, typename Fields, typename Values>
void write_delimited(std::string& out, const Records& records, Format format, const Fields& fields,
                     Values values, bool crlf) {
    const bool csv = format == Format::csv;
    const char* eol = csv && crlf ? "\r\n" : "\n";
    const char sep = csv ? ',' : '\t';
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i) out += sep;
        out += fields[i];
    }
    out += eol;
    for (const auto& r : records) {
        const auto cells = values(r);
        for (std::size_t i = 0; i < cells.size(); ++i) {
            if (i) out += sep;
            out += csv ? text::csv_field(cells[i]) : text::tsv_field(cells[i]);
        }
        out += eol;
    }
}

} // namespace

const std::vector<std::string>& stream_fields() {
    static const std::vector<std::string> fields = {"call_id",
                                                    "ssrc",
                                                    "src",
                                                    "dst",
                                                    "payload_type",
                                                    "codec",
                                                    "packets",
                                                    "lost",
                                                    "loss_pct",
                                                    "max_jitter_ms",
                                                    "mean_jitter_ms",
                                                    "max_delta_ms",
                                                    "mos",
                                                    "findings",
                                                    "from",
                                                    "matched_by",
                                                    "expected",
                                                    "duplicates",
                                                    "out_of_order",
                                                    "sequence_resets",
                                                    "loss_bursts",
                                                    "max_burst",
                                                    "payload_types",
                                                    "payload_type_changes",
                                                    "ssrc_changes",
                                                    "markers",
                                                    "dtmf_events",
                                                    "dtmf_digits",
                                                    "clock_rate",
                                                    "r_factor",
                                                    "mos_model",
                                                    "rtcp_reports",
                                                    "rtcp_loss_pct",
                                                    "rtcp_jitter_ms",
                                                    "rtt_ms",
                                                    "xr_mos_lq",
                                                    "xr_r_factor",
                                                    "start",
                                                    "end",
                                                    "first_frame",
                                                    "kind",
                                                    "transport",
                                                    "recovered",
                                                    "error_recovery"};
    return fields;
}

std::vector<std::string> stream_values(const media::StreamReport& s) {
    const auto& q = s.quality;
    const auto& xr = s.rtcp.voip_metrics;
    const bool rtp = s.kind != "t38"; // UDPTL has no SSRC, payload type nor timestamps
    return {s.call_id,
            rtp ? fmt::format("0x{:08X}", s.ssrc) : "",
            endpoint(s.src, s.sport),
            endpoint(s.dst, s.dport),
            rtp ? std::to_string(s.payload_type) : "",
            s.codec,
            std::to_string(s.packets),
            std::to_string(s.lost),
            num(s.loss_pct, 2),
            rtp ? num(s.max_jitter_ms, 3) : "",
            rtp ? num(s.mean_jitter_ms, 3) : "",
            num(s.max_delta_ms, 3),
            q.score ? num(q.score->mos, 2) : "",
            media::findings_text(s.findings),
            s.from_party,
            s.matched_by,
            std::to_string(s.expected),
            std::to_string(s.duplicates),
            std::to_string(s.out_of_order),
            std::to_string(s.sequence_resets),
            std::to_string(s.loss_bursts),
            std::to_string(s.max_burst),
            joined(s.payload_types),
            std::to_string(s.payload_type_changes),
            std::to_string(s.ssrc_changes),
            std::to_string(s.markers),
            std::to_string(s.dtmf_events),
            s.dtmf_digits,
            s.clock_rate ? std::to_string(s.clock_rate) : "",
            q.score ? num(q.score->r, 1) : "",
            q.model_text(),
            std::to_string(s.rtcp.reports),
            s.rtcp.reports ? num(s.rtcp.fraction_lost_pct, 2) : "",
            s.rtcp.reports ? num(s.rtcp.jitter_ms, 3) : "",
            s.rtcp.rtt_ms ? num(*s.rtcp.rtt_ms, 3) : "",
            xr && xr->mos_lq != 127 ? num(xr->mos_lq / 10.0, 1) : "",
            xr && xr->r_factor != 127 ? std::to_string(xr->r_factor) : "",
            text::iso_time(s.first_ns),
            text::iso_time(s.last_ns),
            std::to_string(s.first_frame),
            s.kind,
            s.transport,
            rtp ? "" : std::to_string(s.recovered),
            s.error_recovery};
}

nlohmann::ordered_json stream_json(const media::StreamReport& s) {
    const auto values = stream_values(s);
    const auto& fields = stream_fields();
    nlohmann::ordered_json j;
    auto null_or = [](const std::string& v, auto x) {
        return v.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(x);
    };
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const std::string& f = fields[i];
        const std::string& v = values[i];
        if (f == "findings") {
            j[f] = findings_json(s.findings);
        } else if (f == "payload_type") {
            j[f] = null_or(v, s.payload_type);
        } else if (f == "ssrc") {
            j[f] = null_or(v, v);
        } else if (f == "payload_types") {
            j[f] = s.payload_types;
        } else if (f == "packets" || f == "expected" || f == "duplicates" || f == "out_of_order" ||
                   f == "sequence_resets" || f == "loss_bursts" || f == "max_burst" ||
                   f == "payload_type_changes" || f == "ssrc_changes" || f == "markers" ||
                   f == "dtmf_events" || f == "rtcp_reports" || f == "first_frame" || f == "lost" ||
                   f == "clock_rate" || f == "xr_r_factor" || f == "recovered") {
            j[f] = null_or(v, v.empty() ? 0 : std::stoll(v));
        } else if (f == "loss_pct" || f == "max_jitter_ms" || f == "mean_jitter_ms" ||
                   f == "max_delta_ms" || f == "mos" || f == "r_factor" || f == "rtcp_loss_pct" ||
                   f == "rtcp_jitter_ms" || f == "rtt_ms" || f == "xr_mos_lq") {
            j[f] = null_or(v, v.empty() ? 0.0 : std::stod(v));
        } else {
            j[f] = v;
        }
    }
    return j;
}

std::string render_streams(const std::vector<const media::StreamReport*>& streams, Format format,
                           std::size_t max_width) {
    std::string out;
    switch (format) {
    case Format::ndjson:
        for (const auto* s : streams) {
            out += stream_json(*s).dump(-1, ' ', false,
                                        nlohmann::ordered_json::error_handler_t::replace);
            out += '\n';
        }
        break;
    case Format::csv:
    case Format::tsv:
        write_delimited(
            out, streams, format, stream_fields(),
            [](const media::StreamReport* s) { return stream_values(*s); }, true);
        break;
    case Format::table: {
        TableOptions options;
        options.max_width = max_width;
        TableWriter table({{"ssrc", 10},
                           {"src", 21},
                           {"dst", 21},
                           {"codec", 6},
                           {"pkts", 6, Align::right},
                           {"lost", 5, Align::right},
                           {"loss%", 6, Align::right},
                           {"jit_max", 7, Align::right},
                           {"jit_avg", 7, Align::right},
                           {"dmax_ms", 8, Align::right},
                           {"mos", 4, Align::right},
                           {"call_id", 0, Align::left, 32},
                           {"findings"}},
                          options);
        std::vector<std::vector<std::string>> rows;
        for (const auto* s : streams) {
            auto v = stream_values(*s);
            std::string codes;
            for (const auto& f : s->findings) {
                if (!codes.empty()) codes += ',';
                codes += media::to_string(f.code);
            }
            const bool rtp = s->kind != "t38";
            rows.push_back({rtp ? v[1] : "-", v[2], v[3], v[5].empty() ? v[4] : v[5], v[6], v[7],
                            num(s->loss_pct, 1), rtp ? num(s->max_jitter_ms, 1) : "-",
                            rtp ? num(s->mean_jitter_ms, 1) : "-", num(s->max_delta_ms, 0),
                            v[12].empty() ? "-" : v[12], v[0].empty() ? "-" : v[0], codes});
        }
        table.fit(rows);
        table.write_header(out);
        for (const auto& r : rows)
            table.write_row(out, r);
        break;
    }
    }
    return out;
}

const std::vector<std::string>& call_media_fields() {
    static const std::vector<std::string> fields = {
        "media_streams",       "media_packets", "media_lost",    "media_loss_pct",
        "media_max_jitter_ms", "media_mos",     "media_findings"};
    return fields;
}

std::vector<std::string> call_media_values(const media::CallMedia* call,
                                           const media::MediaAnalyzer& media) {
    if (!call) return std::vector<std::string>(call_media_fields().size());
    std::uint64_t packets = 0;
    std::uint64_t expected = 0;
    std::int64_t lost = 0;
    double jitter = 0;
    for (std::size_t i : call->streams) {
        const auto& s = media.streams()[i];
        packets += s.packets;
        expected += s.expected;
        lost += s.lost;
        jitter = std::max(jitter, s.max_jitter_ms);
    }
    return {std::to_string(call->streams.size()),
            std::to_string(packets),
            std::to_string(lost),
            expected ? num(100.0 * static_cast<double>(lost) / static_cast<double>(expected), 2)
                     : "",
            call->streams.empty() ? "" : num(jitter, 3),
            call->worst_mos ? num(*call->worst_mos, 2) : "",
            media::findings_text(call->findings)};
}

std::string render_records_with_media(const std::vector<session::CallRecord>& records,
                                      const media::MediaAnalyzer& media, Format format,
                                      std::size_t max_width) {
    if (format == Format::table) return render_records(records, format, max_width);
    std::string out;
    if (format == Format::ndjson) {
        for (const auto& r : records) {
            auto j = record_json(r);
            const auto* call = media.call(r.call_id);
            const auto values = call_media_values(call, media);
            const auto& fields = call_media_fields();
            for (std::size_t i = 0; i + 1 < fields.size(); ++i) {
                const auto& v = values[i];
                if (v.empty()) {
                    j[fields[i]] = nullptr;
                } else if (v.find('.') != std::string::npos) {
                    j[fields[i]] = std::stod(v);
                } else {
                    j[fields[i]] = std::stoll(v);
                }
            }
            j["media_findings"] =
                call ? findings_json(call->findings) : nlohmann::ordered_json::array();
            out += j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
            out += '\n';
        }
        return out;
    }
    std::vector<std::string> fields = record_fields();
    fields.insert(fields.end(), call_media_fields().begin(), call_media_fields().end());
    write_delimited(
        out, records, format, fields,
        [&](const session::CallRecord& r) {
            auto v = record_values(r);
            auto m = call_media_values(media.call(r.call_id), media);
            v.insert(v.end(), m.begin(), m.end());
            return v;
        },
        false); // as render_records writes the calls
    return out;
}

} // namespace sipdx::output
