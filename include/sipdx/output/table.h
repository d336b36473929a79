// The one table writer for terminal output (`messages`, `calls`, `query`): columns with a
// width and an alignment, cells made safe for a terminal (text::visible: control bytes as \xHH,
// line breaks and tabs as spaces), widths counted in code points so UTF-8 lines up.
//
// Rows can be written as they come (streaming: a value wider than its column pushes the rest of
// the row, nothing is cut), or collected first so every column fits its widest value (fit()).
// With a maximum line width, the widest columns shrink until a line fits, and values cut to
// their column end in '~'. Machine formats (ndjson, csv, tsv) never go through this writer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sipdx::output {

enum class Align : std::uint8_t { left, right };

struct Column {
    std::string name;
    std::size_t width = 0;     // at least this wide (0: as wide as its values when fitted)
    Align align = Align::left; // for the header and every cell, unless a row says otherwise
    std::size_t clip = 0;      // values wider than this are cut, ending in '~' (0: never)
    // With a maximum line width: never narrowed below this (0: TableOptions::min_column_width).
    // A column whose min_width is its width keeps every value whole.
    std::size_t min_width = 0;
};

struct TableOptions {
    std::string separator = " ";
    bool trim_trailing_spaces = true; // end every line at its last visible character
    // The widest line allowed, separators included (0: no limit). Columns shrink, the widest
    // first and never below `min_column_width`, until a line fits; values are cut with '~'.
    std::size_t max_width = 0;
    std::size_t min_column_width = 4;
};

// Display width of UTF-8 text in code points (bytes that do not start one count nothing).
std::size_t display_width(std::string_view s);
// `s` cut to at most `width` code points, the last one replaced by '~' when anything was cut.
std::string clip_to_width(std::string_view s, std::size_t width);

class TableWriter {
public:
    explicit TableWriter(std::vector<Column> columns, TableOptions options = {});

    // Widens every column to its widest value among `rows` (and its header); then applies
    // max_width. Call before writing when all rows are known.
    void fit(const std::vector<std::vector<std::string>>& rows);
    // Applies max_width to the current widths (fit() calls it).
    void shrink_to_max_width();

    void write_header(std::string& out) const;
    // One row: cells beyond the columns are ignored, missing cells are empty. `aligns`, when
    // not empty, overrides the columns' alignment cell by cell.
    void write_row(std::string& out, const std::vector<std::string>& cells,
                   const std::vector<Align>& aligns = {}) const;
    void write_row(std::string& out, const std::vector<std::string_view>& cells,
                   const std::vector<Align>& aligns = {}) const;
    // The same with colour: `styles[i]`, an SGR sequence (empty: none), goes around cell i's
    // text but not its padding, so colour never changes where the columns fall.
    void write_row(std::string& out, const std::vector<std::string>& cells,
                   const std::vector<Align>& aligns,
                   const std::vector<std::string_view>& styles) const;

    const std::vector<Column>& columns() const { return m_columns; }

private:
    std::string cell_text(std::size_t index, std::string_view value) const;
    template <typename Cells>
    void write_cells(std::string& out, const Cells& cells, const std::vector<Align>& aligns,
                     bool header, const std::vector<std::string_view>* styles = nullptr) const;

    std::vector<Column> m_columns;
    TableOptions m_options;
    std::vector<std::size_t> m_cut; // per column: values are cut to this width (0: never)
    mutable std::string m_scratch;  // a cell's shown form (so one writer is one thread's)
};

} // namespace sipdx::output
