#include <sipdx/output/table.h>

#include <sipdx/text/escape.h>

#include <algorithm>

namespace sipdx::output {

std::size_t display_width(std::string_view s) {
    std::size_t n = 0;
    for (const char c : s)
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return n;
}

std::string clip_to_width(std::string_view s, std::size_t width) {
    if (display_width(s) <= width) return std::string(s);
    if (width == 0) return {};
    // Keep width - 1 code points, then '~'.
    std::size_t kept = 0;
    std::size_t i = 0;
    for (; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && ++kept == width) break;
    }
    std::string out(s.substr(0, i));
    out += '~';
    return out;
}

TableWriter::TableWriter(std::vector<Column> columns, TableOptions options)
    : m_columns(std::move(columns)), m_options(std::move(options)) {
    m_cut.reserve(m_columns.size());
    for (const auto& c : m_columns)
        m_cut.push_back(c.clip);
    shrink_to_max_width();
}

std::string TableWriter::cell_text(std::size_t index, std::string_view value) const {
    // A value is whatever the wire carried: no escape sequence reaches the terminal.
    std::string shown = text::visible(value, true);
    const std::size_t cut = m_cut[index];
    return cut ? clip_to_width(shown, cut) : shown;
}

void TableWriter::fit(const std::vector<std::vector<std::string>>& rows) {
    for (std::size_t i = 0; i < m_columns.size(); ++i)
        m_columns[i].width =
            std::max(m_columns[i].width, display_width(cell_text(i, m_columns[i].name)));
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size() && i < m_columns.size(); ++i)
            m_columns[i].width = std::max(m_columns[i].width, display_width(cell_text(i, row[i])));
    }
    shrink_to_max_width();
}

void TableWriter::shrink_to_max_width() {
    if (m_options.max_width == 0 || m_columns.empty()) return;
    const std::size_t separators = m_options.separator.size() * (m_columns.size() - 1);
    // A column without a width (the free last one) needs at least the minimum.
    auto total = [&] {
        std::size_t sum = separators;
        for (const auto& c : m_columns)
            sum += c.width ? c.width : m_options.min_column_width;
        return sum;
    };
    // Each step narrows one column by one, so the loop ends within the sum of the widths.
    std::size_t line = total();
    auto floor = [&](const Column& c) { return std::max(c.min_width, m_options.min_column_width); };
    while (line > m_options.max_width) {
        // The widest column that may still narrow.
        Column* widest = nullptr;
        for (auto& c : m_columns)
            if (c.width > floor(c) && (widest == nullptr || c.width > widest->width)) widest = &c;
        if (widest == nullptr) break; // cannot fit: keep the minimums
        --widest->width;
        --line;
    }
    // Every value is cut to its column now, so no row is pushed past the limit; a column
    // without a width (the free last one) gets what is left of the line.
    const std::size_t left = m_options.max_width > line ? m_options.max_width - line : 0;
    for (std::size_t i = 0; i < m_columns.size(); ++i) {
        const std::size_t room =
            m_columns[i].width ? m_columns[i].width : left + m_options.min_column_width;
        m_cut[i] = m_cut[i] ? std::min(m_cut[i], room) : room;
    }
}

template <typename Cells>
void TableWriter::write_cells(std::string& out, const Cells& cells,
                              const std::vector<Align>& aligns, bool header,
                              const std::vector<std::string_view>* styles) const {
    const std::size_t start = out.size();
    for (std::size_t i = 0; i < m_columns.size(); ++i) {
        if (i) out += m_options.separator;
        // The shown form goes through one reused buffer: a table of messages writes a row per
        // message, and a string per cell was a third of `messages --format table`.
        m_scratch.clear();
        if (i < cells.size()) text::append_visible(m_scratch, cells[i], true);
        std::size_t w = display_width(m_scratch);
        const std::size_t cut = m_cut[i];
        if (cut && w > cut) {
            m_scratch = clip_to_width(m_scratch, cut);
            w = cut;
        }
        const std::size_t pad = m_columns[i].width > w ? m_columns[i].width - w : 0;
        const Align align = (!header && i < aligns.size()) ? aligns[i] : m_columns[i].align;
        if (align == Align::right) out.append(pad, ' ');
        const bool styled =
            styles && i < styles->size() && !(*styles)[i].empty() && !m_scratch.empty();
        if (styled) out += (*styles)[i];
        out += m_scratch;
        if (styled) out += "\033[0m";
        if (align == Align::left) out.append(pad, ' ');
    }
    if (m_options.trim_trailing_spaces) {
        while (out.size() > start && out.back() == ' ')
            out.pop_back();
    }
    out += '\n';
}

void TableWriter::write_header(std::string& out) const {
    std::vector<std::string_view> names;
    names.reserve(m_columns.size());
    for (const auto& c : m_columns)
        names.emplace_back(c.name);
    write_cells(out, names, {}, true);
}

void TableWriter::write_row(std::string& out, const std::vector<std::string>& cells,
                            const std::vector<Align>& aligns) const {
    write_cells(out, cells, aligns, false);
}

void TableWriter::write_row(std::string& out, const std::vector<std::string>& cells,
                            const std::vector<Align>& aligns,
                            const std::vector<std::string_view>& styles) const {
    write_cells(out, cells, aligns, false, &styles);
}

void TableWriter::write_row(std::string& out, const std::vector<std::string_view>& cells,
                            const std::vector<Align>& aligns) const {
    write_cells(out, cells, aligns, false);
}

} // namespace sipdx::output
