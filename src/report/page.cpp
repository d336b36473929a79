// The page of a report: the head, every section in order, the embedded data and the script
// (docs/report.md "Content").
#include "report/detail/page.h"
#include "report/detail/charts.h"

#include <sipdx/analysis/explain.h>
#include <sipdx/knowledge/response_codes.h>
#include <sipdx/text/escape.h>
#include <sipdx/text/time.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace sipdx::report {
namespace detail {
namespace {

std::string h(std::string_view s) {
    return text::html_escape(s);
}

std::string percent(std::optional<double> v) {
    return v ? fmt::format("{:.1f}%", *v * 100) : std::string("–");
}
std::string ms(const std::optional<double>& v) {
    return v ? fmt::format("{:.0f} ms", *v) : std::string("–");
}
std::string count(std::uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

void tile(std::string& out, std::string_view label, const std::string& value,
          std::string_view note = {}) {
    fmt::format_to(std::back_inserter(out), "<div class=\"tile\"><dt>{}</dt><dd>{}", h(label),
                   h(value));
    if (!note.empty()) fmt::format_to(std::back_inserter(out), "<small>{}</small>", h(note));
    out += "</dd></div>";
}

void render_kpis(Page& p) {
    const auto& summary = p.view.summary;
    const auto k = summary.kpis();
    std::string& o = p.out;
    o += "<dl class=\"tiles\">";
    tile(o, "Call-IDs", count(summary.call_ids()), count(summary.messages()) + " messages");
    tile(o, "Call attempts", count(k.call_attempts), count(k.calls_answered) + " answered");
    tile(o, "ASR", percent(k.asr), "answered / attempts");
    tile(o, "NER", percent(k.ner), "answered or user-side ending");
    tile(o, "PDD median", ms(k.pdd_ms.median), "p95 " + ms(k.pdd_ms.p95));
    tile(o, "Setup median", ms(k.setup_ms.median), "p95 " + ms(k.setup_ms.p95));
    tile(o, "Registrations OK", percent(k.registration_success),
         count(k.registrations_ok) + " of " + count(k.registrations));
    tile(o, "Retransmissions", percent(k.retransmission_rate),
         count(summary.retransmissions()) + " messages");
    o += "</dl>";
}

void render_summary(Page& p) {
    const auto& summary = p.view.summary;
    std::string& o = p.out;
    o += "<p class=\"lead\">Read a trace by the first digit, then the exact code. Counts: "
         "<b>messages</b> (every response, retransmissions included, as Wireshark counts them), "
         "<b>final/tx</b> (transactions this code ended), <b>final/Call-ID</b> (Call-IDs whose "
         "outcome it decided). Open a code for its meaning in IMS, retry rules and what to check "
         "next.</p>";
    const auto codes = summary.codes();
    for (int cls = 1; cls <= 6; ++cls) {
        std::vector<const analysis::CodeRow*> rows;
        for (const auto& row : codes)
            if (row.code / 100 == cls) rows.push_back(&row);
        if (rows.empty()) continue;
        const auto info = knowledge::status_class(cls);
        fmt::format_to(std::back_inserter(o),
                       "<div class=\"class-block c{}\" data-class=\"{}\"><h3><span class=\"cls "
                       "c{}\">{}xx</span> {}</h3><p class=\"muted\">{}</p>"
                       "<div class=\"code-head\" aria-hidden=\"true\"><span>code</span><span>"
                       "messages</span><span>final/tx</span><span>final/Call-ID</span></div><ul "
                       "class=\"codes\">",
                       cls, cls, cls, cls, info ? h(info->name) : "",
                       info ? h(info->fast_answer) : "");
        for (const auto* row : rows) {
            const auto code = knowledge::explain_code(row->code);
            fmt::format_to(std::back_inserter(o),
                           "<li><details class=\"code\" data-code=\"{}\" data-messages=\"{}\" "
                           "data-final-tx=\"{}\" data-final-calls=\"{}\"><summary><span "
                           "class=\"cname\"><b>{}</b> {}</span><span class=\"n\" "
                           "title=\"messages\">{}</span><span class=\"n\" title=\"final per "
                           "transaction\">{}</span><span class=\"n\" title=\"final per "
                           "Call-ID\">{}</span></summary><div class=\"ref\">",
                           row->code, row->messages, row->final_transactions, row->final_calls,
                           row->code, h(analysis::standard_phrase(row->code)), count(row->messages),
                           count(row->final_transactions), count(row->final_calls));
            if (code) {
                fmt::format_to(std::back_inserter(o), "<p>{}</p>", h(code->meaning));
                if (!code->ims_context.empty())
                    fmt::format_to(std::back_inserter(o), "<p><b>In IMS:</b> {}</p>",
                                   h(code->ims_context));
                if (!code->retry.empty())
                    fmt::format_to(std::back_inserter(o), "<p><b>Retry:</b> {}</p>",
                                   h(code->retry));
                if (!code->next_checks.empty()) {
                    o += "<p><b>Check next:</b></p><ul>";
                    for (const auto& c : code->next_checks)
                        fmt::format_to(std::back_inserter(o), "<li>{}</li>", h(c));
                    o += "</ul>";
                }
                if (!code->references.empty()) {
                    o += "<p class=\"muted\">References: ";
                    for (std::size_t i = 0; i < code->references.size(); ++i)
                        o += (i ? ", " : "") + h(code->references[i]);
                    o += "</p>";
                }
            }
            o += "</div></details></li>";
        }
        o += "</ul></div>";
    }
    if (codes.empty()) o += "<p>No responses in this trace.</p>";

    o += "<div class=\"two\"><div><h3>Requests by method</h3><table class=\"plain\"><tbody>";
    for (const auto& [method, n] : summary.requests())
        fmt::format_to(std::back_inserter(o), "<tr><th>{}</th><td class=\"n\">{}</td></tr>",
                       h(method), count(n));
    o += "</tbody></table></div><div><h3>Outcomes per Call-ID</h3><table class=\"plain\"><tbody>";
    for (const auto& [key, n] : summary.outcomes())
        fmt::format_to(std::back_inserter(o),
                       "<tr><th>{}</th><td><span class=\"badge o-{}\">{}</span></td><td "
                       "class=\"n\">{}</td></tr>",
                       session::to_string(key.first), session::to_string(key.second),
                       session::to_string(key.second), count(n));
    o += "</tbody></table></div></div>";
}

void figure(std::string& o, std::string_view title, std::string_view note, const std::string& svg,
            const std::string& legend) {
    fmt::format_to(std::back_inserter(o),
                   "<figure><figcaption><h3>{}</h3><p class=\"muted\">{}"
                   "</p></figcaption>{}{}</figure>",
                   h(title), h(note), svg, legend);
}

void render_charts(Page& p) {
    ReportBuilder::State& s = p.state;
    const auto& summary = p.view.summary;
    std::string& o = p.out;
    if (s.series.empty() || summary.messages() == 0) {
        o += "<p>No messages with a time: nothing to chart.</p>";
        return;
    }
    auto v = s.series.view(summary.first_time_ns(), summary.last_time_ns());
    const TimeAxis axis{v.first_s, v.bucket_s, v.buckets.size()};
    const std::size_t n = axis.count;
    o += "<div class=\"charts\">";
    {
        std::vector<ChartSeries> series;
        for (int c = 1; c <= 6; ++c) {
            ChartSeries cs{fmt::format("{}xx", c), c, std::vector<std::optional<double>>(n)};
            bool any = false;
            for (std::size_t i = 0; i < n; ++i) {
                const auto x = v.buckets[i].responses[static_cast<std::size_t>(c - 1)];
                cs.values[i] = static_cast<double>(x);
                any = any || x > 0;
            }
            if (any) series.push_back(std::move(cs));
        }
        figure(o, "Responses per class", "Every response message, by its first digit.",
               stacked_bars_svg("Responses per class over time", axis, series, ""),
               legend_html(series));
    }
    {
        std::map<int, std::uint64_t> totals;
        for (const auto& b : v.buckets)
            for (const auto& [code, x] : b.failures)
                totals[code] += x;
        std::vector<std::pair<std::uint64_t, int>> ranked;
        for (const auto& [code, x] : totals)
            ranked.emplace_back(x, code);
        std::sort(ranked.rbegin(), ranked.rend());
        std::vector<ChartSeries> series;
        const std::size_t top = std::min<std::size_t>(ranked.size(), 6);
        for (std::size_t k = 0; k < top; ++k) {
            const int code = ranked[k].second;
            ChartSeries cs{code == 0 ? std::string("no answer")
                                     : fmt::format("{} {}", code, analysis::standard_phrase(code)),
                           static_cast<int>(k) + 1, std::vector<std::optional<double>>(n)};
            for (std::size_t i = 0; i < n; ++i)
                for (const auto& [c, x] : v.buckets[i].failures)
                    if (c == code) cs.values[i] = static_cast<double>(x);
            series.push_back(std::move(cs));
        }
        if (ranked.size() > top) {
            ChartSeries other{"other codes", 7, std::vector<std::optional<double>>(n)};
            for (std::size_t i = 0; i < n; ++i) {
                double x = 0;
                for (const auto& [c, y] : v.buckets[i].failures) {
                    bool shown = false;
                    for (std::size_t k = 0; k < top; ++k)
                        shown = shown || ranked[k].second == c;
                    if (!shown) x += static_cast<double>(y);
                }
                other.values[i] = x;
            }
            series.push_back(std::move(other));
        }
        figure(o, "Failures by final code",
               "Call-IDs that failed, timed out or stayed challenged, by the time they started.",
               series.empty() ? std::string("<p>No failures.</p>")
                              : stacked_bars_svg("Failures by code over time", axis, series, ""),
               legend_html(series));
    }
    {
        ChartSeries asr{"ASR", 2, std::vector<std::optional<double>>(n)};
        ChartSeries ner{"NER", 4, std::vector<std::optional<double>>(n)};
        for (std::size_t i = 0; i < n; ++i) {
            const auto& b = v.buckets[i];
            if (b.attempts == 0) continue;
            asr.values[i] =
                100.0 * static_cast<double>(b.answered) / static_cast<double>(b.attempts);
            ner.values[i] =
                100.0 * static_cast<double>(b.effective) / static_cast<double>(b.attempts);
        }
        std::vector<ChartSeries> series{asr, ner};
        figure(o, "ASR and NER", "Of the call attempts started in each bar.",
               lines_svg("ASR and NER over time", axis, series, "%", 100.0), legend_html(series));
    }
    {
        ChartSeries p50{"setup median", 2, std::vector<std::optional<double>>(n)};
        ChartSeries p95{"setup p95", 5, std::vector<std::optional<double>>(n)};
        ChartSeries d50{"PDD median", 1, std::vector<std::optional<double>>(n)};
        for (std::size_t i = 0; i < n; ++i) {
            if (!v.setup[i].empty()) {
                p50.values[i] = percentile(v.setup[i], 50);
                p95.values[i] = percentile(v.setup[i], 95);
            }
            if (!v.pdd[i].empty()) d50.values[i] = percentile(v.pdd[i], 50);
        }
        std::vector<ChartSeries> series{p50, p95, d50};
        figure(o, "Setup delay and PDD", "INVITE to 2xx (setup) and to the first 18x (PDD), ms.",
               lines_svg("Setup delay percentiles over time", axis, series, ""),
               legend_html(series));
    }
    {
        std::vector<std::string> bins = {"<50", "<100", "<200", "<0.5s", "<1s", "<2s",
                                         "<3s", "<5s",  "<10s", "<20s",  "≥20s"};
        ChartSeries pdd{"PDD", 1, {}};
        ChartSeries setup{"setup", 2, {}};
        for (std::size_t i = 0; i < bins.size(); ++i) {
            pdd.values.emplace_back(static_cast<double>(s.pdd_histogram[i]));
            setup.values.emplace_back(static_cast<double>(s.setup_histogram[i]));
        }
        std::vector<ChartSeries> series{pdd, setup};
        figure(o, "PDD and setup histograms", "Calls per delay bin (ms unless marked).",
               histogram_svg("PDD and setup delay histograms", bins, series, " calls"),
               legend_html(series));
    }
    {
        ChartSeries ok{"2xx", 2, std::vector<std::optional<double>>(n)};
        ChartSeries ch{"401/407 challenge", 3, std::vector<std::optional<double>>(n)};
        ChartSeries bad{"other failure", 4, std::vector<std::optional<double>>(n)};
        for (std::size_t i = 0; i < n; ++i) {
            ok.values[i] = static_cast<double>(v.buckets[i].reg_ok);
            ch.values[i] = static_cast<double>(v.buckets[i].reg_challenged);
            bad.values[i] = static_cast<double>(v.buckets[i].reg_failed);
        }
        std::vector<ChartSeries> series{ok, ch, bad};
        figure(o, "Registrations", "Final answers to REGISTER (retransmissions left out).",
               stacked_bars_svg("Registrations over time", axis, series, ""), legend_html(series));
    }
    o += "</div>";
}

void render_grid(Page& p) {
    ReportBuilder::State& s = p.state;
    std::string& o = p.out;
    if (s.grid.empty()) {
        o += "<p>No failed, timed-out or challenged Call-ID.</p>";
        return;
    }
    std::map<int, std::uint64_t> by_code;
    std::vector<std::pair<std::uint64_t, const std::string*>> nodes;
    for (const auto& [node, codes] : s.grid) {
        std::uint64_t total = 0;
        for (const auto& [code, n] : codes) {
            by_code[code] += n;
            total += n;
        }
        nodes.emplace_back(total, &node);
    }
    std::sort(nodes.begin(), nodes.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : *a.second < *b.second;
    });
    const std::size_t shown = std::min<std::size_t>(nodes.size(), 25);
    o += "<p class=\"lead\">Who sent the deciding failure (the deepest hop seen), against the "
         "final code. A cell opens its calls in the table below.</p><div class=\"scroll\"><table "
         "class=\"grid\"><thead><tr><th scope=\"col\">failing node</th>";
    for (const auto& [code, n] : by_code)
        fmt::format_to(std::back_inserter(o), "<th scope=\"col\" title=\"{}\">{}</th>",
                       code == 0 ? std::string("no final answer")
                                 : h(analysis::standard_phrase(code)),
                       code == 0 ? std::string("none") : std::to_string(code));
    o += "<th scope=\"col\">total</th></tr></thead><tbody>";
    for (std::size_t i = 0; i < shown; ++i) {
        const std::string& node = *nodes[i].second;
        fmt::format_to(std::back_inserter(o), "<tr><th scope=\"row\">{}</th>",
                       node.empty() ? std::string("<i>not known</i>") : h(node));
        const auto& codes = s.grid.at(node);
        for (const auto& [code, total] : by_code) {
            auto it = codes.find(code);
            if (it == codes.end()) {
                o += "<td></td>";
                continue;
            }
            fmt::format_to(std::back_inserter(o),
                           "<td><button type=\"button\" class=\"cell\" data-fb=\"{}\" "
                           "data-code=\"{}\">{}</button></td>",
                           h(node), code, count(it->second));
        }
        fmt::format_to(std::back_inserter(o), "<td class=\"n\">{}</td></tr>",
                       count(nodes[i].first));
    }
    o += "</tbody></table></div>";
    if (nodes.size() > shown || s.grid_other > 0)
        fmt::format_to(std::back_inserter(o),
                       "<p class=\"muted\">{} more failing nodes are left out of the grid; "
                       "filter the calls table by their address.</p>",
                       nodes.size() - shown + (s.grid_other > 0 ? 1 : 0));
}

void render_calls(Page& p) {
    std::string& o = p.out;
    fmt::format_to(std::back_inserter(o),
                   "<p class=\"lead\">Every Call-ID ({}). Type to filter (all words must match: "
                   "Call-ID, outcome, code, reason, failing node, explanation); click a heading "
                   "to sort, a row to open the call.</p>"
                   "<div class=\"filter\"><label for=\"q\">Filter calls</label><input id=\"q\" "
                   "type=\"search\" autocomplete=\"off\" spellcheck=\"false\" "
                   "placeholder=\"e.g. failed 503\"><span id=\"chip\" hidden></span></div>"
                   "<p id=\"status\" role=\"status\">Loading the calls…</p>"
                   "<div id=\"table\" class=\"vtable\" role=\"table\" aria-label=\"Calls\">"
                   "<div class=\"vhead\" role=\"row\" id=\"thead\"></div>"
                   "<div class=\"vbody\" id=\"rows\" tabindex=\"0\"><div id=\"spacer\"></div>"
                   "</div></div><noscript><p>The calls table and the call view need "
                   "JavaScript; the sections above and below read without it. <code>sipdx "
                   "calls</code> lists the same records.</p></noscript>",
                   count(p.state.stats.calls));
}

void render_call(Page& p) {
    p.out += "<div id=\"call-view\"><p class=\"muted\" id=\"call-empty\">Open a call from the "
             "table, the grid or the findings to see its explanation and ladder.</p></div>";
}

void render_findings(Page& p) {
    std::string& o = p.out;
    const auto rows = p.view.summary.findings();
    if (rows.empty()) {
        o += "<p>No findings.</p>";
        return;
    }
    o += "<div class=\"scroll\"><table class=\"findings\"><thead><tr><th>severity</th><th>"
         "finding</th><th>Call-IDs</th><th>times</th><th>examples</th></tr></thead><tbody>";
    for (const auto& f : rows) {
        const auto sev = session::severity_of(f.code);
        fmt::format_to(
            std::back_inserter(o),
            "<tr><td><span class=\"badge sev-{}\">{}</span></td><td><b>{}</b><br><span "
            "class=\"muted\">{}</span></td><td class=\"n\" data-label=\"Call-IDs\">{}</td><td "
            "class=\"n\" data-label=\"times\">{}</td><td>",
            session::to_string(sev), session::to_string(sev), session::to_string(f.code),
            h(session::describe(f.code)), count(f.call_ids), count(f.occurrences));
        for (const auto& id : f.examples) {
            const std::string shown = p.state.shown(id);
            fmt::format_to(std::back_inserter(o),
                           "<a class=\"call-link\" href=\"#call={}\" data-call=\"{}\">{}</a> ",
                           h(shown), h(shown), h(shown));
        }
        o += "</td></tr>";
    }
    o += "</tbody></table></div>";
}

void render_inputs(Page& p) {
    ReportBuilder::State& s = p.state;
    std::string& o = p.out;
    const auto& run = p.view.run;
    o += "<div class=\"scroll\"><table class=\"plain inputs\"><thead><tr><th>input</th><th>"
         "frames</th><th>SIP messages</th><th>read</th></tr></thead><tbody>";
    for (std::size_t i = 0; i < run.inputs.size(); ++i) {
        const auto& in = run.inputs[i];
        fmt::format_to(std::back_inserter(o),
                       "<tr><td class=\"path\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}"
                       "</td><td>{}</td></tr>",
                       h(s.shown(in.path)), count(in.frames), count(in.sip_messages),
                       !in.opened ? "not opened"
                       : in.clean ? "clean"
                                  : "with problems");
    }
    o += "</tbody></table></div>";
    std::string skipped;
    for (std::size_t i = 0; i < p.view.decode.size(); ++i) {
        const auto& st = p.view.decode[i];
        for (std::size_t r = 0; r < st.skipped.size(); ++r) {
            if (st.skipped[r].count == 0) continue;
            const auto reason = static_cast<decode::SkipReason>(r);
            fmt::format_to(std::back_inserter(skipped),
                           "<li><b>{}</b> ({} times, first at frame {}): {}</li>",
                           decode::to_string(reason), count(st.skipped[r].count),
                           st.skipped[r].first_frame, h(decode::describe(reason)));
        }
        auto note = [&](std::uint64_t n, std::string_view what) {
            if (n != 0)
                fmt::format_to(std::back_inserter(skipped), "<li>{} {}</li>", count(n), h(what));
        };
        note(st.tls_flows, "TLS flows (encrypted: their SIP cannot be read)");
        note(st.tcp_gaps, "TCP holes (bytes missing from the capture)");
        note(st.non_sip_payloads, "UDP/SCTP payloads that were not SIP (RTP, DNS...)");
        note(st.non_ip_frames, "frames that were not IP (ARP, LLDP...)");
        note(st.other_ip_frames, "IP frames of other protocols (ICMP, ESP...)");
        note(st.incomplete_at_end, "streams ending in an incomplete SIP message");
    }
    for (const auto& in : run.inputs)
        for (const auto& problem : in.problems)
            fmt::format_to(std::back_inserter(skipped), "<li>{}</li>", h(s.shown(problem)));
    if (!skipped.empty())
        o += "<h3>Skipped and not read</h3><ul>" + skipped + "</ul>";
    else
        o += "<p>Nothing was skipped.</p>";

    const auto& st = s.stats;
    o += "<h3>What this report leaves out</h3><ul>";
    if (st.calls_filtered_out)
        fmt::format_to(std::back_inserter(o),
                       "<li>{} Call-IDs that the report's filter rejected (the response summary "
                       "and the message charts still count them).</li>",
                       count(st.calls_filtered_out));
    if (st.calls_text_mode)
        fmt::format_to(std::back_inserter(o),
                       "<li>The message text of {} calls ({}), which keep their ladder.</li>",
                       count(st.calls_text_mode),
                       s.options.messages == MessageText::none
                           ? "written with --messages none"
                           : "they succeeded without warnings; --messages all embeds them");
    if (st.calls_text_budget)
        fmt::format_to(std::back_inserter(o),
                       "<li>The message text of {} calls, past the message budget of {} MB "
                       "(--message-budget-mb).</li>",
                       count(st.calls_text_budget), s.options.message_budget_bytes >> 20);
    if (st.calls_text_memory)
        fmt::format_to(std::back_inserter(o),
                       "<li>Message text of {} calls that were open while the memory budget for "
                       "open calls was full.</li>",
                       count(st.calls_text_memory));
    fmt::format_to(
        std::back_inserter(o),
        "<li>To see any message in full: <code>{} ID</code>, or write the call's "
        "frames for Wireshark with <code>sipdx filter CAPTURE --call ID -w "
        "call.pcapng</code>.</li></ul>",
        h(s.options.command_hint.empty() ? "sipdx flow CAPTURE --call" : s.options.command_hint));
}

} // namespace

const std::vector<Section>& page_sections() {
    static const std::vector<Section> sections = {
        {"kpis", "Key figures", render_kpis},
        {"summary", "Responses", render_summary},
        {"charts", "Over time", render_charts},
        {"grid", "Where failures come from", render_grid},
        {"calls", "Calls", render_calls},
        {"call", "One call", render_call},
        {"media", "Media", render_media},
        {"sessions", "Sessions", render_sessions},
        {"findings", "Findings", render_findings},
        {"inputs", "Inputs", render_inputs},
    };
    return sections;
}

} // namespace detail
} // namespace sipdx::report
