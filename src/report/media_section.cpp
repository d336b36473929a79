// The report's media section (docs/report.md "Media"): an overview of every RTP stream the
// media stage measured, and per call a block the call view shows under its ladder, each stream
// with its figures and a loss/jitter chart over time drawn here as SVG.
#include "report/detail/charts.h"
#include "report/detail/page.h"

#include <sipdx/text/escape.h>
#include <sipdx/text/time.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace sipdx::report::detail {
namespace {

// Bounds on what the page holds, whatever the trace: rows of the overview table, calls whose
// streams the call view can show, and streams drawn as a chart (the worst first).
constexpr std::size_t max_table_streams = 200;
constexpr std::size_t max_call_blocks = 5000;
constexpr std::size_t max_charts = 300;

std::string h(std::string_view s) {
    return text::html_escape(s);
}

std::string endpoint(ReportBuilder::State& s, const decode::Address& a, std::uint16_t port) {
    const std::string ip = s.shown(a.to_string());
    return a.family == 6 ? fmt::format("[{}]:{}", ip, port) : fmt::format("{}:{}", ip, port);
}

std::string mos_text(const media::StreamReport& st) {
    return st.quality.score ? fmt::format("{:.2f}", st.quality.score->mos) : std::string("–");
}

std::string call_link(const std::string& shown_id) {
    return fmt::format("<a class=\"call-link\" href=\"#call={}\" data-call=\"{}\">{}</a>",
                       h(shown_id), h(shown_id), h(shown_id));
}

// Streams worst first: scored ones by MOS, then unscored ones with findings, then the rest.
double badness(const media::StreamReport& st) {
    if (st.quality.score) return 10 - st.quality.score->mos;
    return st.findings.empty() ? -2 : -1;
}

// Loss % as bars on the left axis, the highest jitter estimate as a line on the right one, time
// from the stream's first packet along the bottom.
std::string stream_chart(const media::StreamReport& st, const std::string& label) {
    const auto& t = st.timeline;
    constexpr int w = 640, hgt = 170, l = 46, r = 52, top = 10, bottom = 34;
    constexpr int pw = w - l - r, ph = hgt - top - bottom;
    const std::size_t n = t.points.size();
    double max_loss = 0;
    double max_jitter = 0;
    for (const auto& p : t.points) {
        const double sent = static_cast<double>(p.packets) + p.lost;
        if (sent > 0) max_loss = std::max(max_loss, 100.0 * p.lost / sent);
        max_jitter = std::max(max_jitter, p.max_jitter_ms);
    }
    // Axis tops in steps a reader can take in at a glance.
    auto ceiling = [](double v, double least) {
        double top_v = least;
        while (top_v < v)
            top_v *= 2;
        return top_v;
    };
    const double loss_top = ceiling(max_loss, 4);
    const double jitter_top = ceiling(max_jitter, 20);
    std::string o =
        fmt::format("<svg class=\"chart stream-chart\" viewBox=\"0 0 {} {}\" role=\"img\" "
                    "aria-label=\"{}\" preserveAspectRatio=\"xMidYMid meet\">",
                    w, hgt, text::xml_escape(label));
    for (int i = 0; i <= 4; ++i) {
        const double y = top + ph - ph * i / 4.0;
        fmt::format_to(std::back_inserter(o),
                       "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>"
                       "<text class=\"tick\" x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{:g}%</text>"
                       "<text class=\"tick\" x=\"{}\" y=\"{:.1f}\">{:g} ms</text>",
                       l, w - r, y, y, l - 5, y + 4, loss_top * i / 4, w - r + 5, y + 4,
                       jitter_top * i / 4);
    }
    const double step = static_cast<double>(pw) / static_cast<double>(std::max<std::size_t>(n, 1));
    const double bucket_s = static_cast<double>(t.bucket_ns) / 1e9;
    std::string path;
    for (std::size_t i = 0; i < n; ++i) {
        const auto& p = t.points[i];
        const double sent = static_cast<double>(p.packets) + p.lost;
        const double loss = sent > 0 ? 100.0 * p.lost / sent : 0;
        const double x = l + step * static_cast<double>(i);
        const std::int64_t at = t.start_ns + t.bucket_ns * static_cast<std::int64_t>(i);
        const std::string tip =
            fmt::format("{} +{:g} s\n{} packets, {} lost ({:.1f}%)\njitter up to {:.1f} ms",
                        text::iso_time(at).substr(11, 8), bucket_s * static_cast<double>(i),
                        p.packets, p.lost, loss, p.max_jitter_ms);
        const double bh = ph * loss / loss_top;
        fmt::format_to(std::back_inserter(o),
                       "<g><title>{}</title><rect class=\"s4\" x=\"{:.1f}\" y=\"{:.1f}\" "
                       "width=\"{:.1f}\" height=\"{:.1f}\"/><rect class=\"hover\" x=\"{:.1f}\" "
                       "y=\"{}\" width=\"{:.1f}\" height=\"{}\"/></g>",
                       text::xml_escape(tip), x + step * 0.1, top + ph - bh,
                       std::max(step * 0.8, 1.0), loss > 0 ? std::max(bh, 0.5) : 0.0, x, top, step,
                       ph);
        const double y = top + ph - ph * std::min(p.max_jitter_ms, jitter_top) / jitter_top;
        fmt::format_to(std::back_inserter(path), "{}{:.1f},{:.1f}", i == 0 ? "M" : " L",
                       x + step / 2, y);
    }
    if (!path.empty())
        fmt::format_to(std::back_inserter(o), "<path class=\"line s2\" d=\"{}\"/>", path);
    const std::size_t every = std::max<std::size_t>(1, (n + 5) / 6);
    for (std::size_t i = 0; i < n; i += every)
        fmt::format_to(
            std::back_inserter(o), "<text class=\"tick\" x=\"{:.1f}\" y=\"{}\">+{:g} s</text>",
            l + step * static_cast<double>(i), top + ph + 16, bucket_s * static_cast<double>(i));
    fmt::format_to(std::back_inserter(o),
                   "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">time from the "
                   "first packet, {:g} s per bar</text></svg>",
                   w - r, hgt - 2, bucket_s);
    return o;
}

// One list of media findings with their severity badges, for a stream or a whole call.
template <class Findings>
void findings_list(ReportBuilder::State& s, std::string& o, const Findings& findings) {
    if (findings.empty()) return;
    o += "<ul class=\"call-findings\">";
    for (const auto& f : findings) {
        const auto sev = media::severity_of(f.code);
        fmt::format_to(std::back_inserter(o),
                       "<li><span class=\"badge sev-{}\">{}</span> {}: {}</li>",
                       session::to_string(sev), session::to_string(sev), media::to_string(f.code),
                       h(s.shown(f.detail)));
    }
    o += "</ul>";
}

void stream_block(Page& p, std::string& o, const media::StreamReport& st, bool chart) {
    ReportBuilder::State& s = p.state;
    fmt::format_to(std::back_inserter(o),
                   "<div class=\"stream\"><h5>SSRC 0x{:08x} · {} → {}{}</h5><dl class=\"facts\">",
                   st.ssrc, h(endpoint(s, st.src, st.sport)), h(endpoint(s, st.dst, st.dport)),
                   st.from_party.empty() ? std::string() : " · from the " + h(st.from_party));
    auto fact = [&o](std::string_view k, const std::string& v) {
        fmt::format_to(std::back_inserter(o), "<dt>{}</dt><dd>{}</dd>", h(k), h(v));
    };
    fact("codec",
         fmt::format("{} (payload type {}{})", st.codec.empty() ? "unknown" : st.codec,
                     st.payload_type, st.clock_rate ? fmt::format(", {} Hz", st.clock_rate) : ""));
    fact("matched by", st.matched_by);
    fact("packets", fmt::format("{} of {} expected; {} lost ({:.2f}%), {} duplicates, {} out of "
                                "order",
                                st.packets, st.expected, st.lost, st.loss_pct, st.duplicates,
                                st.out_of_order));
    fact("jitter", fmt::format("mean {:.1f} ms, max {:.1f} ms; max delta {:.1f} ms",
                               st.mean_jitter_ms, st.max_jitter_ms, st.max_delta_ms));
    fact("MOS", st.quality.score
                    ? fmt::format("{:.2f} ({})", st.quality.score->mos, st.quality.model_text())
                    : st.quality.model_text());
    if (st.rtcp.reports)
        fact("RTCP",
             fmt::format("{} reports; latest {:.1f}% lost, jitter {:.1f} ms{}", st.rtcp.reports,
                         st.rtcp.fraction_lost_pct, st.rtcp.jitter_ms,
                         st.rtcp.rtt_ms ? fmt::format(", round trip {:.1f} ms", *st.rtcp.rtt_ms)
                                        : ""));
    o += "</dl>";
    findings_list(s, o, st.findings);
    if (!st.timeline.points.empty() && chart) {
        const std::string label = fmt::format("Loss and jitter over time, SSRC 0x{:08x}", st.ssrc);
        fmt::format_to(std::back_inserter(o),
                       "<figure class=\"stream-fig\">{}<ul class=\"legend\"><li><span "
                       "class=\"key s4\"></span>loss % (left)</li><li><span class=\"key "
                       "s2\"></span>jitter, highest in the bar (right)</li></ul></figure>",
                       stream_chart(st, label));
    } else if (!st.timeline.points.empty()) {
        o += "<p class=\"muted\">Its chart is left out: the page draws the worst streams only.</p>";
    }
    o += "</div>";
}

} // namespace

void render_media(Page& p) {
    ReportBuilder::State& s = p.state;
    std::string& o = p.out;
    const media::MediaAnalyzer* m = p.view.media;
    if (m == nullptr) {
        o += "<p>Media was not measured (written with <code>--no-media</code>).</p>";
        return;
    }
    const auto& streams = m->streams();
    const auto& counters = m->counters();
    if (streams.empty()) {
        fmt::format_to(std::back_inserter(o),
                       "<p>No RTP stream in this trace ({} RTP and {} RTCP packets seen).</p>",
                       counters.rtp_packets, counters.rtcp_packets);
        return;
    }
    std::vector<std::size_t> order(streams.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return badness(streams[a]) > badness(streams[b]);
    });
    std::vector<bool> charted(streams.size(), false);
    for (std::size_t i = 0; i < order.size() && i < max_charts; ++i)
        charted[order[i]] = true;

    std::size_t calls_with_media = 0;
    for (const auto& c : m->calls())
        calls_with_media += c.streams.empty() ? 0 : 1;
    const media::StreamReport& worst = streams[order.front()];
    o += "<dl class=\"tiles\">";
    auto tile = [&o](std::string_view k, const std::string& v, const std::string& note) {
        fmt::format_to(std::back_inserter(o),
                       "<div class=\"tile\"><dt>{}</dt><dd>{}<small>{}</small></dd></div>", h(k),
                       h(v), h(note));
    };
    tile("RTP streams", std::to_string(streams.size()),
         fmt::format("{} RTP, {} RTCP packets", counters.rtp_packets, counters.rtcp_packets));
    tile("Calls with media", std::to_string(calls_with_media), "streams matched by SDP");
    tile("Worst MOS", mos_text(worst),
         worst.quality.score ? "SSRC " + fmt::format("0x{:08x}", worst.ssrc) : "no stream scored");
    o += "</dl>";

    // Findings of calls and streams, by code, with example calls.
    struct Seen {
        std::size_t times = 0;
        std::vector<std::string> examples;
    };
    std::map<media::FindingCode, Seen> findings;
    auto note = [&](media::FindingCode code, const std::string& call_id) {
        Seen& seen = findings[code];
        ++seen.times;
        if (!call_id.empty() && seen.examples.size() < 3 &&
            std::find(seen.examples.begin(), seen.examples.end(), call_id) == seen.examples.end())
            seen.examples.push_back(call_id);
    };
    for (const auto& c : m->calls())
        for (const auto& f : c.findings)
            note(f.code, c.call_id);
    // A call's findings already hold its streams' (join.cpp): streams of no call add theirs.
    for (const auto& st : streams)
        if (m->call(st.call_id) == nullptr)
            for (const auto& f : st.findings)
                note(f.code, st.call_id);
    if (findings.empty()) {
        o += "<p>No media finding.</p>";
    } else {
        o += "<div class=\"scroll\"><table class=\"findings\"><thead><tr><th>severity</th><th>"
             "finding</th><th>times</th><th>examples</th></tr></thead><tbody>";
        for (const auto& [code, seen] : findings) {
            const auto sev = media::severity_of(code);
            fmt::format_to(std::back_inserter(o),
                           "<tr><td><span class=\"badge sev-{}\">{}</span></td><td><b>{}</b><br>"
                           "<span class=\"muted\">{}</span></td><td class=\"n\" "
                           "data-label=\"times\">{}</td><td>",
                           session::to_string(sev), session::to_string(sev), media::to_string(code),
                           h(media::describe(code)), seen.times);
            for (const auto& id : seen.examples)
                o += call_link(s.shown(id)) + " ";
            o += "</td></tr>";
        }
        o += "</tbody></table></div>";
    }

    fmt::format_to(std::back_inserter(o),
                   "<h3>Streams</h3><p class=\"muted\">Worst first{}. A Call-ID opens the call, "
                   "with its streams under the ladder and a loss and jitter chart for each.</p>"
                   "<div class=\"scroll\"><table class=\"plain streams\"><thead><tr><th>call</th>"
                   "<th>SSRC</th><th>from → to</th><th>codec</th><th>packets</th><th>lost</th>"
                   "<th>jitter max</th><th>MOS</th><th>findings</th></tr></thead><tbody>",
                   streams.size() > max_table_streams
                       ? fmt::format(" ({} of {}; <code>sipdx media CAPTURE</code> lists all)",
                                     max_table_streams, streams.size())
                       : std::string());
    for (std::size_t k = 0; k < order.size() && k < max_table_streams; ++k) {
        const auto& st = streams[order[k]];
        std::string names;
        for (const auto& f : st.findings)
            names += (names.empty() ? "" : ", ") + std::string(media::to_string(f.code));
        fmt::format_to(
            std::back_inserter(o),
            "<tr><td>{}</td><td>0x{:08x}</td><td class=\"path\">{} → {}</td><td>{}</td>"
            "<td class=\"n\">{}</td><td class=\"n\">{:.1f}%</td><td class=\"n\">{:.1f} "
            "ms</td><td class=\"n\">{}</td><td>{}</td></tr>",
            st.call_id.empty() ? std::string("<i>no call</i>") : call_link(s.shown(st.call_id)),
            st.ssrc, h(endpoint(s, st.src, st.sport)), h(endpoint(s, st.dst, st.dport)),
            h(st.codec), st.packets, st.loss_pct, st.max_jitter_ms, mos_text(st), h(names));
    }
    o += "</tbody></table></div>";

    // Per call, what the call view shows under the ladder (script.cpp clones it from here).
    o += "<template id=\"media-calls\">";
    std::size_t blocks = 0;
    for (const auto& c : m->calls()) {
        if (c.streams.empty() && c.findings.empty()) continue;
        if (blocks++ == max_call_blocks) break;
        fmt::format_to(std::back_inserter(o),
                       "<div class=\"call-media\" data-call=\"{}\"><h4>Media</h4>",
                       h(s.shown(c.call_id)));
        findings_list(s, o, c.findings);
        if (c.streams.empty()) o += "<p class=\"muted\">No RTP stream of this call seen.</p>";
        for (const std::size_t i : c.streams)
            stream_block(p, o, streams[i], charted[i]);
        o += "</div>";
    }
    o += "</template>";
    if (blocks > max_call_blocks)
        fmt::format_to(std::back_inserter(o),
                       "<p class=\"muted\">The streams of the first {} calls with media are in "
                       "their call view; <code>sipdx calls CAPTURE --media</code> gives the "
                       "rest.</p>",
                       max_call_blocks);
}

} // namespace sipdx::report::detail
