#include <sipdx/output/csv.h>

#include <sipdx/text/escape.h>

#include <atomic>

namespace sipdx::output {

namespace {
std::atomic<CsvFormulas> g_formulas{CsvFormulas::neutralise};

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Optional sign, digits, optionally '.' and digits: a value a spreadsheet reads as a number.
bool is_plain_number(std::string_view s) {
    std::size_t i = 0;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    const std::size_t start = i;
    while (i < s.size() && is_digit(s[i]))
        ++i;
    if (i == start) return false;
    if (i < s.size() && s[i] == '.') {
        const std::size_t fraction = ++i;
        while (i < s.size() && is_digit(s[i]))
            ++i;
        if (i == fraction) return false;
    }
    return i == s.size();
}
} // namespace

void set_csv_formulas(CsvFormulas formulas) {
    g_formulas.store(formulas, std::memory_order_relaxed);
}

CsvFormulas csv_formulas() {
    return g_formulas.load(std::memory_order_relaxed);
}

bool csv_looks_like_formula(std::string_view value) {
    if (value.empty()) return false;
    switch (value.front()) {
    case '=':
    case '@':
    case '\t':
    case '\r':
        return true;
    case '+':
    case '-':
        return !is_plain_number(value);
    default:
        return false;
    }
}

void append_csv_field(std::string& out, std::string_view value, CsvField kind,
                      CsvFormulas formulas) {
    if (kind == CsvField::text && formulas == CsvFormulas::neutralise &&
        csv_looks_like_formula(value)) {
        std::string guarded;
        guarded.reserve(value.size() + 1);
        guarded += '\'';
        guarded += value;
        text::append_csv(out, guarded);
        return;
    }
    text::append_csv(out, value);
}

void append_csv_field(std::string& out, std::string_view value, CsvField kind) {
    append_csv_field(out, value, kind, csv_formulas());
}

void append_csv_record(std::string& out, const std::string_view* fields, std::size_t count,
                       const bool* numbers) {
    const CsvFormulas formulas = csv_formulas();
    for (std::size_t i = 0; i < count; ++i) {
        if (i) out += ',';
        const bool number = numbers != nullptr && numbers[i];
        append_csv_field(out, fields[i], number ? CsvField::number : CsvField::text, formulas);
    }
    out += csv_line_end;
}

} // namespace sipdx::output
