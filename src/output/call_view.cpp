#include <sipdx/output/call_view.h>

#include <sipdx/output/analysis.h>
#include <sipdx/output/ladder.h>
#include <sipdx/text/escape.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace sipdx::output {

std::string first_sentence(std::string_view explanation) {
    // A sentence ends at ". " (a dot inside "8.478 s" or a host name is followed by no space).
    const std::size_t end = explanation.find(". ");
    return std::string(end == std::string_view::npos ? explanation
                                                     : explanation.substr(0, end + 1));
}

namespace {

std::string section(std::string_view title, const TextStyle& style) {
    return "\n" + paint(title, sgr::bold, style.color) + "\n";
}

void append_record(std::string& out, const session::CallRecord& r, const TextStyle& style) {
    const auto& fields = record_fields();
    const auto values = record_values(r);
    std::size_t name_width = 0;
    for (const auto& f : fields)
        name_width = std::max(name_width, f.size());
    for (std::size_t i = 0; i < fields.size() && i < values.size(); ++i) {
        // The Call-ID heads the view; the explanation has its own section.
        if (fields[i] == "explanation" || fields[i] == "call_id" || fields[i] == "findings" ||
            values[i].empty())
            continue;
        std::string_view colour;
        if (fields[i] == "outcome") colour = outcome_sgr(values[i]);
        if (fields[i] == "final_code" || fields[i] == "final_reason")
            colour = status_sgr(r.final_code);
        out += fmt::format("  {:<{}}  {}\n", fields[i], name_width,
                           paint(text::visible(values[i], true), colour, style.color));
    }
    if (!r.findings.empty()) {
        out += fmt::format("  {:<{}}  ", "findings", name_width);
        for (std::size_t i = 0; i < r.findings.size(); ++i) {
            const auto code = r.findings[i].code;
            out += i ? ", " : "";
            out += paint(session::to_string(code),
                         severity_sgr(session::to_string(session::severity_of(code))), style.color);
        }
        out += '\n';
    }
}

} // namespace

std::string render_call_detail(const std::vector<session::CallRecord>& records,
                               const std::vector<session::MessageRecord>& ladder,
                               const std::vector<CallMessage>& messages, const TextStyle& style) {
    std::string out;
    for (const auto& r : records) {
        out += paint(fmt::format("Call-ID {}", text::visible(r.call_id, true)), sgr::bold,
                     style.color);
        if (records.size() > 1) out += fmt::format(" (record {} of {})", r.part, records.size());
        out += '\n';
        append_record(out, r, style);
        if (!r.explanation.empty()) {
            out += section("Why", style);
            out += "  " + text::visible(r.explanation, true) + "\n";
        }
        if (!r.findings.empty()) {
            out += section("Findings", style);
            for (const auto& f : r.findings) {
                const auto severity = session::to_string(session::severity_of(f.code));
                out += fmt::format("  {} {} (frame {}{}): {}\n",
                                   paint(severity, severity_sgr(severity), style.color),
                                   session::to_string(f.code), f.frame,
                                   f.count > 1 ? fmt::format(", {} times", f.count) : "",
                                   session::describe(f.code));
            }
        }
        out += '\n';
    }
    std::string text = wrap_lines(out, style.width, 2);
    text += paint(fmt::format("Ladder ({} messages)", ladder.size()), sgr::bold, style.color);
    text += '\n';
    LadderOptions ladder_options;
    ladder_options.max_width = style.width;
    ladder_options.color = style.color;
    text += render_ladder_text(ladder, ladder_options);
    text += section(fmt::format("Messages ({})", messages.size()), style);
    for (std::size_t i = 0; i < messages.size(); ++i) {
        if (i) text += '\n';
        text += render_message_full(messages[i].heading, messages[i].bytes, style);
    }
    return text;
}

} // namespace sipdx::output
