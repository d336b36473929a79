#include <sipdx/output/ladder.h>
#include <sipdx/output/terminal.h>
#include <sipdx/text/escape.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <unordered_map>

namespace sipdx::output {

using session::MessageRecord;

namespace {

struct Layout {
    std::vector<std::string> hosts;
    std::vector<const MessageRecord*> rows;
    std::vector<std::pair<std::size_t, std::size_t>> columns; // (from, to) per row
    std::vector<std::uint32_t> legs;                          // per row, 0 when not given
    std::vector<std::string> titles;                          // per host
    std::size_t folded_hosts = 0; // hosts drawn in the last column, "others"
};

// Columns in order of appearance, found by hash (a Call-ID may cross thousands of hosts);
// beyond max_hosts - 1 every new host shares the last column.
class HostColumns {
public:
    HostColumns(Layout& layout, std::size_t max_hosts)
        : m_layout(layout), m_max(std::max<std::size_t>(max_hosts, 2)) {}

    std::size_t index(const std::string& host) {
        const auto [it, added] = m_index.try_emplace(host, m_layout.hosts.size());
        if (!added) return it->second;
        if (m_layout.hosts.size() + 1 < m_max) {
            m_layout.hosts.push_back(host);
            return it->second;
        }
        if (m_layout.hosts.size() + 1 == m_max) m_layout.hosts.emplace_back();
        ++m_layout.folded_hosts;
        it->second = m_max - 1;
        m_layout.hosts.back() = fmt::format("others ({} hosts)", m_layout.folded_hosts);
        return it->second;
    }

private:
    Layout& m_layout;
    std::size_t m_max;
    std::unordered_map<std::string, std::size_t> m_index;
};

Layout layout(const std::vector<MessageRecord>& messages, const LadderOptions& options) {
    Layout l;
    HostColumns hosts(l, options.max_hosts);
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const MessageRecord& m = messages[i];
        if (m.duplicate && !options.show_duplicates) continue;
        const std::size_t from = hosts.index(m.src.to_string());
        const std::size_t to = hosts.index(m.dst.to_string());
        l.rows.push_back(&m);
        l.columns.emplace_back(from, to);
        l.legs.push_back(i < options.legs.size() ? options.legs[i] : 0);
    }
    for (const auto& h : l.hosts) {
        auto it = options.host_labels.find(h);
        l.titles.push_back(it == options.host_labels.end() ? h : it->second);
    }
    return l;
}

std::string folded_note(const Layout& l) {
    return fmt::format("{} hosts beyond the first {} are drawn in one column, \"others\"",
                       l.folded_hosts, l.hosts.size() - 1);
}

std::string label_of(const MessageRecord& m, std::uint32_t leg = 0) {
    std::string label = leg ? fmt::format("L{} {}", leg, m.label) : m.label;
    if (m.has_sdp) label += " (SDP)";
    if (m.retransmission) label += " *retransmission*";
    if (m.duplicate) label += " (copy)";
    return label;
}

std::string seconds(std::int64_t ns) {
    return fmt::format("{:.3f}", static_cast<double>(ns) / 1e9);
}

} // namespace

std::size_t ladder_folded_hosts(const std::vector<MessageRecord>& messages,
                                const LadderOptions& options) {
    return layout(messages, options).folded_hosts;
}

std::string render_ladder_text(const std::vector<MessageRecord>& messages,
                               const LadderOptions& options) {
    const Layout l = layout(messages, options);
    std::size_t width = 24;
    for (std::size_t r = 0; r < l.rows.size(); ++r)
        width = std::max(width, label_of(*l.rows[r], l.legs[r]).size() + 6);
    for (const auto& h : l.titles)
        width = std::max(width, h.size() + 2);
    width = std::min<std::size_t>(width, 48);
    const std::size_t left = 22; // "  12.345 s  +0.123 s  "
    const std::size_t gaps = l.hosts.size() > 1 ? l.hosts.size() - 1 : 1;
    if (options.max_width > left + 2) {
        // Narrower columns, but never below what "SUBSCRIBE" and its arrow need.
        constexpr std::size_t narrowest = 14;
        width = std::max(narrowest, std::min(width, (options.max_width - left - 2) / gaps));
    }
    const std::size_t line_len = left + width * gaps + 2;

    auto column_x = [&](std::size_t i) { return left + i * width; };
    std::string out;
    // Hosts whose names are wider than a column are lettered A, B, ... with a legend above.
    std::vector<std::string> names = l.titles;
    bool lettered = false;
    for (const auto& h : l.titles)
        lettered = lettered || (options.max_width > 0 && h.size() + 1 > width);
    if (options.max_width > 0 && !l.titles.empty() &&
        column_x(l.titles.size() - 1) + (l.titles.back().size() + 1) / 2 > options.max_width)
        lettered = true;
    if (lettered) {
        for (std::size_t i = 0; i < names.size(); ++i) {
            names[i] = i < 26 ? std::string(1, static_cast<char>('A' + i)) : std::to_string(i);
            out += fmt::format("{:>4}  {}\n", names[i], l.titles[i]);
        }
    }
    // Host names centred on their columns.
    std::string header(line_len + width, ' ');
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string& h = names[i];
        const std::size_t x = column_x(i);
        const std::size_t start = x >= h.size() / 2 ? x - h.size() / 2 : 0;
        header.replace(start, h.size(), h);
    }
    while (!header.empty() && header.back() == ' ')
        header.pop_back();
    out += header + '\n';

    const std::int64_t t0 = l.rows.empty() ? 0 : l.rows.front()->time_ns;
    std::int64_t previous = t0;
    for (std::size_t r = 0; r < l.rows.size(); ++r) {
        const MessageRecord& m = *l.rows[r];
        std::string line(line_len, ' ');
        for (std::size_t i = 0; i < l.hosts.size(); ++i)
            line[column_x(i)] = '|';
        const std::string times =
            fmt::format("{:>9} s +{:>7}", seconds(m.time_ns - t0), seconds(m.time_ns - previous));
        line.replace(0, times.size(), times);
        previous = m.time_ns;
        const auto [from, to] = l.columns[r];
        // A reason phrase is whatever the wire carried: no escape sequence reaches the terminal.
        const std::string label = text::visible(label_of(m, l.legs[r]), true);
        std::size_t label_at = 0;
        std::size_t label_size = 0;
        if (from == to) {
            line.replace(column_x(from) + 1, label.size() + 4, " <> " + label);
            label_at = column_x(from) + 5;
            label_size = label.size();
        } else {
            const std::size_t a = column_x(std::min(from, to));
            const std::size_t b = column_x(std::max(from, to));
            for (std::size_t x = a + 1; x < b; ++x)
                line[x] = '-';
            if (from < to) {
                line[b - 1] = '>';
            } else {
                line[a + 1] = '<';
            }
            const std::size_t span = b - a - 3;
            // A label too long for the arrow loses whole words from its end.
            std::string text = label;
            if (text.size() > span) {
                const std::size_t space = text.rfind(' ', span);
                text = text.substr(0, space != std::string::npos && space > 0 ? space : span);
            }
            const std::size_t start = a + 2 + (span - text.size()) / 2;
            line.replace(start, text.size(), text);
            label_at = start;
            label_size = text.size();
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        if (options.color && !m.is_request && label_size > 0) {
            const int code = std::atoi(m.label.c_str());
            const std::string_view style = status_sgr(code);
            if (!style.empty() && label_at + label_size <= line.size()) {
                line.insert(label_at + label_size, sgr::reset);
                line.insert(label_at, style);
            }
        }
        out += line + '\n';
    }
    if (l.folded_hosts > 0) out += "note: " + folded_note(l) + '\n';
    return out;
}

std::string render_ladder_mermaid(const std::vector<MessageRecord>& messages,
                                  const LadderOptions& options) {
    const Layout l = layout(messages, options);
    std::string out = "sequenceDiagram\n";
    for (std::size_t i = 0; i < l.hosts.size(); ++i)
        out += fmt::format("    participant h{} as {}\n", i, l.titles[i]);
    const std::int64_t t0 = l.rows.empty() ? 0 : l.rows.front()->time_ns;
    for (std::size_t r = 0; r < l.rows.size(); ++r) {
        const MessageRecord& m = *l.rows[r];
        // A reason phrase is whatever the wire carried: control bytes are shown, not sent.
        std::string label = text::visible(label_of(m, l.legs[r]), true);
        // ';' and '#' have meanings in Mermaid text.
        std::replace(label.begin(), label.end(), ';', ',');
        std::replace(label.begin(), label.end(), '#', ' ');
        const auto [from, to] = l.columns[r];
        out += fmt::format("    h{}{}h{}: {} (+{} s)\n", from,
                           m.retransmission || m.duplicate ? "--)" : "->>", to, label,
                           seconds(m.time_ns - t0));
    }
    if (l.folded_hosts > 0)
        out += fmt::format("    Note over h{}: {}\n", l.hosts.size() - 1, folded_note(l));
    return out;
}

std::string render_ladder_svg(const std::vector<MessageRecord>& messages,
                              const LadderOptions& options) {
    const Layout l = layout(messages, options);
    const int col = 220;
    const int left = 120;
    const int top = 50;
    const int row = 28;
    const int hosts = static_cast<int>(std::max<std::size_t>(l.hosts.size(), 1));
    const int width = left + col * (hosts - 1) + 140;
    const int notes = l.folded_hosts > 0 ? 1 : 0;
    const int height = top + row * static_cast<int>(l.rows.size() + 1 + notes) + 20;
    std::string out = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
        "font-family=\"monospace\" font-size=\"12\">\n"
        "<defs><marker id=\"arrow\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" "
        "orient=\"auto\"><path d=\"M0,0 L10,4 L0,8 z\"/></marker></defs>\n"
        "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
        width, height);
    for (int i = 0; i < static_cast<int>(l.hosts.size()); ++i) {
        const int x = left + i * col;
        out += fmt::format("<text x=\"{}\" y=\"20\" text-anchor=\"middle\" "
                           "font-weight=\"bold\">{}</text>\n",
                           x, text::xml_escape(l.titles[static_cast<std::size_t>(i)]));
        out += fmt::format("<line x1=\"{}\" y1=\"30\" x2=\"{}\" y2=\"{}\" stroke=\"#999\"/>\n", x,
                           x, height - 10);
    }
    const std::int64_t t0 = l.rows.empty() ? 0 : l.rows.front()->time_ns;
    for (std::size_t r = 0; r < l.rows.size(); ++r) {
        const MessageRecord& m = *l.rows[r];
        const int y = top + row * static_cast<int>(r + 1);
        const auto [from, to] = l.columns[r];
        const int x1 = left + static_cast<int>(from) * col;
        const int x2 = left + static_cast<int>(to) * col;
        // One colour per leg of a session (retransmissions stay dashed, copies grey).
        static constexpr const char* leg_colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                                     "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};
        const char* color = m.retransmission ? "#c00" : (m.duplicate ? "#888" : "#000");
        if (l.legs[r] && !m.duplicate) color = leg_colors[(l.legs[r] - 1) % 8];
        out += fmt::format("<text x=\"4\" y=\"{}\" fill=\"#555\">+{} s</text>\n", y,
                           seconds(m.time_ns - t0));
        if (from == to) {
            out += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"{}\">&#x21BA; {}</text>\n", x1 + 6,
                               y, color, text::xml_escape(label_of(m, l.legs[r])));
            continue;
        }
        out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" "
                           "marker-end=\"url(#arrow)\"{}/>\n",
                           x1, y, x2, y, color,
                           m.retransmission || m.duplicate ? " stroke-dasharray=\"4,3\"" : "");
        out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\">{}</text>\n",
                           (x1 + x2) / 2, y - 4, color, text::xml_escape(label_of(m, l.legs[r])));
    }
    if (l.folded_hosts > 0)
        out += fmt::format("<text x=\"4\" y=\"{}\" fill=\"#555\">{}</text>\n",
                           top + row * static_cast<int>(l.rows.size() + 1),
                           text::xml_escape(folded_note(l)));
    out += "</svg>\n";
    return out;
}

} // namespace sipdx::output
