// Fuzz target: hostile header values through every renderer, checking each output's syntax.
// The input is split at NUL bytes into values (Call-ID, From, To, reason phrase, Reason,
// Warning, ladder labels...); whatever they hold, NDJSON must parse, CSV must be RFC 4180 with
// one field per column and CRLF, TSV one line per record with the right number of tabs, SVG
// well-formed XML, and text for a terminal (tables, the text ladder, mermaid) free of raw
// control bytes. A broken rule aborts, which libFuzzer reports as a crash.
#include <sipdx/decode/packet.h>
#include <sipdx/output/analysis.h>
#include <sipdx/output/csv.h>
#include <sipdx/output/format.h>
#include <sipdx/output/ladder.h>
#include <sipdx/output/messages.h>
#include <sipdx/output/rows.h>
#include <sipdx/sip/message.h>
#include <sipdx/text/escape.h>

#include "../unit/output/xml_check.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace sipdx;

[[noreturn]] void fail(const char* what, std::string_view output) {
    std::fprintf(stderr, "fuzz_renderers: %s\n%.*s\n", what, static_cast<int>(output.size()),
                 output.data());
    std::abort();
}

// Fields per record in RFC 4180 text, or -1 when the text breaks the grammar.
std::vector<std::size_t> csv_shape(std::string_view s) {
    std::vector<std::size_t> shape;
    std::size_t fields = 1;
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] == '"') {
            ++i;
            while (true) {
                if (i >= s.size()) return {};
                if (s[i] == '"') {
                    if (i + 1 < s.size() && s[i + 1] == '"') {
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                ++i;
            }
        } else {
            while (i < s.size() && s[i] != ',' && s[i] != '\r' && s[i] != '\n') {
                if (s[i] == '"') return {};
                ++i;
            }
        }
        if (i < s.size() && s[i] == ',') {
            ++fields;
            ++i;
        } else if (i + 1 < s.size() && s[i] == '\r' && s[i + 1] == '\n') {
            shape.push_back(fields);
            fields = 1;
            i += 2;
        } else {
            return {};
        }
    }
    return shape;
}

void check_csv(std::string_view csv, std::size_t columns, std::size_t records) {
    const auto shape = csv_shape(csv);
    if (shape.size() != records) fail("CSV: wrong number of records", csv);
    for (const auto n : shape)
        if (n != columns) fail("CSV: wrong number of fields", csv);
}

void check_ndjson(std::string_view text, std::size_t lines) {
    std::size_t seen = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        if (end == std::string_view::npos) fail("NDJSON: last line without LF", text);
        if (!nlohmann::json::accept(text.substr(start, end - start)))
            fail("NDJSON: a line is not JSON", text);
        ++seen;
        start = end + 1;
    }
    if (seen != lines) fail("NDJSON: wrong number of lines", text);
}

void check_tsv(std::string_view text, std::size_t columns, std::size_t lines) {
    std::size_t seen = 0;
    std::size_t tabs = 0;
    for (const char c : text) {
        if (c == '\t') ++tabs;
        if (c == '\r') fail("TSV: CR inside", text);
        if (c != '\n') continue;
        if (tabs + 1 != columns) fail("TSV: wrong number of fields", text);
        tabs = 0;
        ++seen;
    }
    if (seen != lines) fail("TSV: wrong number of lines", text);
}

// Text for a terminal: LF ends lines; no other C0 control, no DEL, no C1 (as UTF-8 or a raw
// byte) may reach it.
void check_terminal(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 && c != '\n') || c == 0x7f) fail("terminal text: raw control byte", text);
        if (c == 0xc2 && i + 1 < text.size()) {
            const auto next = static_cast<unsigned char>(text[i + 1]);
            if (next >= 0x80 && next <= 0x9f) fail("terminal text: C1 control", text);
        }
    }
}

std::vector<std::string_view> split_values(std::string_view input) {
    std::vector<std::string_view> values;
    std::size_t start = 0;
    while (values.size() < 16) {
        const auto end = input.find('\0', start);
        values.push_back(
            input.substr(start, end == std::string_view::npos ? input.npos : end - start));
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    while (values.size() < 16)
        values.emplace_back();
    return values;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto v = split_values(input);
    const std::uint8_t a[4] = {127, 0, 0, 1};
    const std::uint8_t b[4] = {127, 0, 0, 2};

    // Call records: every text field from the input.
    session::CallRecord record;
    record.call_id = std::string(v[0]);
    record.kind = session::Kind::call;
    record.first_method = std::string(v[1]);
    record.from = std::string(v[2]);
    record.to = std::string(v[3]);
    record.final_code = 486;
    record.final_reason = std::string(v[4]);
    record.reason_header = std::string(v[5]);
    record.warning = std::string(v[6]);
    record.icid = std::string(v[7]);
    record.explanation = std::string(v[8]);
    record.outcome = session::Outcome::failed;
    record.pdd_ms = -1.5;
    const std::vector<session::CallRecord> records{record, record};
    const auto columns = output::record_fields().size();
    for (const auto formulas : {output::CsvFormulas::neutralise, output::CsvFormulas::keep}) {
        output::set_csv_formulas(formulas);
        check_csv(output::render_records(records, output::Format::csv), columns, 3);
    }
    check_ndjson(output::render_records(records, output::Format::ndjson), 2);
    check_tsv(output::render_records(records, output::Format::tsv), columns, 3);
    check_terminal(output::render_records(records, output::Format::table, 100));

    // Stored rows: the values as text cells, and as column names.
    store::ResultSet set;
    for (std::size_t i = 0; i < 4; ++i)
        set.columns.push_back(std::string(v[9 + i]));
    set.rows.push_back({store::Cell{store::Cell::Type::text, 0, 0, std::string(v[0])},
                        store::Cell{store::Cell::Type::integer, -3, 0, {}},
                        store::Cell{store::Cell::Type::text, 0, 0, std::string(v[4])},
                        {}});
    check_csv(output::render_rows(set, output::Format::csv), 4, 2);
    check_ndjson(output::render_rows(set, output::Format::ndjson), 1);
    check_tsv(output::render_rows(set, output::Format::tsv), 4, 2);
    check_terminal(output::render_rows(set, output::Format::table, 80));

    // One message built from the values, in every message format.
    std::string bytes = "SIP/2.0 486 " + std::string(v[4]) + "\r\nCall-ID: " + std::string(v[0]) +
                        "\r\nFrom: <sip:a@x>;tag=" + std::string(v[10]) +
                        "\r\nTo: <sip:b@x>\r\nCSeq: 1 " + std::string(v[1]) +
                        "\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=" + std::string(v[11]) +
                        "\r\nContent-Length: 0\r\n\r\n";
    decode::SipPayload payload;
    payload.src = decode::Address::v4(a);
    payload.dst = decode::Address::v4(b);
    payload.bytes = bytes;
    sip::Message message;
    sip::Parser({sip::Framing::datagram}).parse(payload.bytes, message);
    for (const auto format : {output::Format::csv, output::Format::ndjson, output::Format::tsv,
                              output::Format::table}) {
        output::MessageWriter writer(format, false, format == output::Format::table ? 120 : 0);
        std::string out;
        writer.header(out);
        writer.write(out, payload, message);
        switch (format) {
        case output::Format::csv:
            check_csv(out, output::message_fields.size(), 2);
            break;
        case output::Format::ndjson:
            check_ndjson(out, 1);
            break;
        case output::Format::tsv:
            check_tsv(out, output::message_fields.size(), 2);
            break;
        case output::Format::table:
            check_terminal(out);
            break;
        }
    }

    // A ladder with labels from the values.
    std::vector<session::MessageRecord> ladder;
    for (std::size_t i = 0; i < 4; ++i) {
        session::MessageRecord m;
        m.time_ns = static_cast<std::int64_t>(i) * 1'000'000;
        m.src = {decode::Address::v4(i % 2 ? b : a), 5060};
        m.dst = {decode::Address::v4(i % 2 ? a : b), 5060};
        m.is_request = i % 2 == 0;
        m.label = std::string(v[12 + i]);
        m.cseq_method = std::string(v[1]);
        m.duplicate = i == 3;
        ladder.push_back(std::move(m));
    }
    check_terminal(output::render_ladder_text(ladder));
    check_terminal(output::render_ladder_mermaid(ladder));
    const auto svg = output::render_ladder_svg(ladder);
    if (const auto problem = output::test::check_xml(svg); !problem.empty())
        fail(problem.c_str(), svg);

    // The escapers on their own.
    for (const auto value : v) {
        if (!nlohmann::json::accept("\"" + text::json_escape(value) + "\""))
            fail("json_escape", value);
        const std::string html =
            "<p title=\"" + text::html_escape(value) + "\">" + text::html_escape(value) + "</p>";
        if (const auto problem = output::test::check_xml(html); !problem.empty())
            fail("html_escape", html);
        if (html.find('\'') != std::string::npos) fail("html_escape: raw apostrophe", html);
        check_terminal(text::visible(value, true));
    }
    return 0;
}
