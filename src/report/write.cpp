// Assembling the file: head and sections from memory, then the spooled call data streamed from
// the temporary files, then the script. Nothing the size of the trace is held at once.
#include "report/detail/page.h"

#include <sipdx/output/analysis.h>

#include <sipdx/text/escape.h>
#include <sipdx/text/time.h>

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

namespace sipdx::report {
namespace {

bool put(std::FILE* out, std::string_view s) {
    return std::fwrite(s.data(), 1, s.size(), out) == s.size();
}

std::string header(ReportBuilder::State& s, const RunView& view) {
    const auto& summary = view.summary;
    std::string title = s.options.title;
    if (title.empty()) {
        title = "sipdx report";
        if (!view.run.inputs.empty())
            title += ": " + std::filesystem::path(view.run.inputs.front().path).filename().string();
        if (view.run.inputs.size() > 1)
            title += fmt::format(" and {} more", view.run.inputs.size() - 1);
    }
    title = s.shown(title);
    std::string o;
    o +=
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta "
        "name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta "
        "name=\"color-scheme\" content=\"light dark\"><meta http-equiv=\"Content-Security-Policy\" "
        "content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        "img-src data:\"><title>";
    o += text::html_escape(title);
    o += "</title><style>";
    o += detail::report_css();
    o += "</style></head><body><a class=\"skip\" href=\"#calls\">Skip to the calls</a><header "
         "class=\"top\"><h1>";
    o += text::html_escape(title);
    o += "</h1><p class=\"meta\">";
    const bool timed = summary.messages() > 0;
    if (timed) {
        const double span =
            static_cast<double>(summary.last_time_ns() - summary.first_time_ns()) / 1e9;
        fmt::format_to(std::back_inserter(o), "{} … {} UTC ({:.1f} s) · ",
                       text::iso_time(summary.first_time_ns()).substr(0, 19),
                       text::iso_time(summary.last_time_ns()).substr(11, 8), span);
    }
    fmt::format_to(std::back_inserter(o), "{} SIP messages · {} Call-IDs · {} input{}</p>",
                   summary.messages(), summary.call_ids(), view.run.inputs.size(),
                   view.run.inputs.size() == 1 ? "" : "s");
    if (s.options.redact)
        o += "<p class=\"banner\" id=\"redacted\"><b>Redacted.</b> User parts, display names, "
             "phone numbers and IP addresses are replaced by pseudonyms (user-N, name-N, tel-N, "
             "ip-N); the same value has the same pseudonym throughout this report.</p>";
    if (!s.options.filter.empty())
        o += "<p class=\"banner\">Filtered: the calls table, the grid and the per-call charts hold "
             "only the Call-IDs the filter selected.</p>";
    o += "<nav aria-label=\"Sections\"><ul>";
    for (const auto& section : detail::page_sections())
        if (section.id != "kpis")
            fmt::format_to(std::back_inserter(o), "<li><a href=\"#{}\">{}</a></li>", section.id,
                           text::html_escape(section.title));
    o += "</ul></nav></header><main>";
    return o;
}

// Inside <script>, "</" must not appear; JSON allows "<\/" for it.
std::string script_safe(const std::string& o) {
    std::string safe;
    safe.reserve(o.size());
    for (std::size_t i = 0; i < o.size(); ++i) {
        if (o[i] == '<' && i + 1 < o.size() && o[i + 1] == '/') {
            safe += "<\\/";
            ++i;
        } else {
            safe += o[i];
        }
    }
    return safe;
}

std::string meta_json(ReportBuilder::State& s) {
    std::string o = "{\"base\":";
    o += std::to_string(s.time_base_ns / 1'000'000);
    o += ",\"kinds\":[";
    for (int k = 0; k <= static_cast<int>(session::Kind::other); ++k)
        o += fmt::format("{}\"{}\"", k ? "," : "",
                         session::to_string(static_cast<session::Kind>(k)));
    o += "],\"outcomes\":[";
    for (int k = 0; k <= static_cast<int>(session::Outcome::ended); ++k)
        o += fmt::format("{}\"{}\"", k ? "," : "",
                         session::to_string(static_cast<session::Outcome>(k)));
    o += "],\"findings\":{";
    for (std::size_t i = 0; i < session::finding_code_count; ++i) {
        const auto code = static_cast<session::FindingCode>(i);
        o += fmt::format("{}\"{}\":[\"{}\",\"", i ? "," : "", session::to_string(code),
                         session::to_string(session::severity_of(code)));
        text::append_json(o, session::describe(code));
        o += "\"]";
    }
    o += fmt::format("}},\"per_chunk\":{},\"rows\":{},\"calls\":{},\"redacted\":{},\"hint\":\"",
                     detail::calls_per_chunk, s.rows.chunks(), s.stats.calls,
                     s.options.redact ? "true" : "false");
    text::append_json(o, s.options.command_hint.empty() ? "sipdx flow CAPTURE --call"
                                                        : s.options.command_hint);
    o += "\",\"dict\":[";
    for (std::size_t i = 0; i < s.dictionary.size(); ++i) {
        if (i) o += ',';
        o += '"';
        text::append_json(o, s.dictionary[i]);
        o += '"';
    }
    o += "]}";
    return script_safe(o);
}

} // namespace

tl::expected<void, ReportError> ReportBuilder::write(std::FILE* out, const RunView& view) {
    State& s = *m_state;
    // Calls the capture ended while still open: the analyzer flushes them as records, so what
    // is left here had no record (no Call-ID), and is dropped.
    s.open.clear();
    s.open_recent.clear();
    s.open_bytes = 0;
    s.rows.finish();
    s.details.finish();
    s.stats.spool_raw_bytes = s.rows.raw_bytes() + s.details.raw_bytes();
    s.stats.spool_bytes = s.rows.stored_bytes() + s.details.stored_bytes();
    if (s.rows.failed() || s.details.failed())
        return tl::unexpected(ReportError{"cannot use a temporary file for the report's data"});

    const long start = std::ftell(out);
    bool ok = put(out, header(s, view));
    for (const auto& section : detail::page_sections()) {
        detail::Page page{s, view, {}};
        section.render(page);
        std::string o;
        if (section.id == "kpis") {
            o = "<section id=\"kpis\" aria-label=\"Key figures\">" + page.out + "</section>";
        } else {
            o = fmt::format("<section id=\"{}\"{}><h2>{}</h2>", section.id,
                            section.id == "call" ? " tabindex=\"-1\"" : "",
                            text::html_escape(section.title));
            o += page.out;
            o += "</section>";
        }
        ok = ok && put(out, o);
    }
    std::string footer = "</main><footer><p>Made by ";
    footer += text::html_escape(s.options.generator.empty() ? "sipdx" : s.options.generator);
    footer += ". One file, no network: the call data is embedded below, compressed.</p></footer>";
    footer += "<script type=\"application/json\" id=\"meta\">" + meta_json(s) + "</script>\n";
    // The same summary as `sipdx analyze --json`, for tools that read the report.
    footer +=
        "<script type=\"application/json\" id=\"summary-json\">" +
        script_safe(s.shown(output::summary_json(view.summary, view.run)
                                .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))) +
        "</script>\n";
    ok = ok && put(out, footer);
    ok = ok && s.rows.copy_out(out, "r") && s.details.copy_out(out, "d");
    ok = ok && put(out, "<script>") && put(out, detail::report_js()) &&
         put(out, "</script></body></html>\n");
    ok = ok && std::fflush(out) == 0 && !std::ferror(out);
    if (!ok) return tl::unexpected(ReportError{"writing the report failed"});
    const long end = std::ftell(out);
    if (start >= 0 && end >= start) s.stats.html_bytes = static_cast<std::uint64_t>(end - start);
    return {};
}

tl::expected<ReportRun, ReportError> write_report(const std::vector<std::string>& paths,
                                                  analysis::AnalyzeOptions analyze,
                                                  const ReportOptions& options, std::FILE* out) {
    ReportBuilder builder(options);
    // The builder, sessions and media together cost about what tracking does: on a thread of
    // their own the two overlap (docs/report.md, "Speed"). Everything below keeps to its own
    // state until run() returns.
    analyze.consume_apart = true;
    auto previous = analyze.on_message;
    // Sessions and media are optional stages beside the builder (media_section.cpp,
    // sessions_section.cpp): both read every message, and media every UDP payload.
    analysis::SessionOptions session_options;
    session_options.correlate_headers = options.correlate_headers;
    analysis::SessionBuilder sessions(session_options);
    const bool with_sessions = options.sessions;
    analyze.on_message = [&, with_sessions](const analysis::MessageContext& m) {
        if (previous) previous(m);
        if (with_sessions) sessions.observe(m);
        builder.add_message(m);
    };
    media::MediaOptions media_options;
    media_options.keep_series = true;
    media::MediaAnalyzer media(media_options);
    if (options.media) media.attach(analyze);
    analysis::Analyzer analyzer(analyze);
    analyzer.on_record([&](session::CallRecord&& r) {
        if (with_sessions) sessions.add(r);
        builder.add_record(r);
    });
    ReportRun result;
    result.run = analyzer.run(paths);
    if (result.run.exit_code() == 2) {
        result.stats = builder.stats();
        return result;
    }
    std::vector<analysis::Session> grouped;
    if (with_sessions) grouped = sessions.finish();
    if (options.media) media.finish();
    RunView view{analyzer.summary(), result.run, analyzer.decode_stats()};
    view.media = options.media ? &media : nullptr;
    view.sessions = with_sessions ? &grouped : nullptr;
    auto written = builder.write(out, view);
    if (!written) return tl::unexpected(written.error());
    result.stats = builder.stats();
    return result;
}

} // namespace sipdx::report
