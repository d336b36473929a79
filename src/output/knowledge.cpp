// Text and Markdown renderings of the knowledge base. Output is deterministic (no locale, no
// time) so docs/response-codes.md can be compared byte for byte with the committed file.
#include <sipdx/output/knowledge.h>

#include <sipdx/knowledge/q850.h>
#include <sipdx/text/text.h>

#include <fmt/format.h>

#include <cstddef>
#include <iterator>
#include <string_view>

namespace sipdx::output {

using namespace sipdx::knowledge;

namespace {

constexpr std::size_t text_width = 78; // an 80-column terminal, with room for a border

// Appends `text` word-wrapped at text_width, each line starting with `indent`.
void wrap(std::string& out, std::string_view text, std::string_view indent) {
    std::size_t column = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        while (pos < text.size() && text[pos] == ' ')
            ++pos;
        if (pos >= text.size()) break;
        auto end = text.find(' ', pos);
        if (end == std::string_view::npos) end = text.size();
        const auto word = text.substr(pos, end - pos);
        if (column == 0) {
            out += indent;
            column = indent.size();
        } else if (column + 1 + word.size() > text_width) {
            out += '\n';
            out += indent;
            column = indent.size();
        } else {
            out += ' ';
            ++column;
        }
        out += word;
        column += word.size();
        pos = end;
    }
    if (column != 0) out += '\n';
}

template <typename Range>
std::string join(const Range& items, std::string_view separator) {
    std::string out;
    bool first = true;
    for (const auto& item : items) {
        if (!first) out += separator;
        first = false;
        out += fmt::format("{}", item);
    }
    return out;
}

std::string code_label(int code) {
    const auto* e = find_registered(code);
    return e ? fmt::format("{} {}", code, e->reason) : fmt::format("{}", code);
}

std::string class_title(int number) {
    const auto cls = status_class(number);
    return cls ? fmt::format("{}xx {}", number, cls->name) : fmt::format("{}xx", number);
}

std::string q850_label(int cause) {
    const auto* q = find_q850(cause);
    return q ? fmt::format("{} {}", cause, q->name) : fmt::format("{}", cause);
}

// Markdown table cells must not contain a bare '|'.
std::string cell(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '|') out += '\\';
        out += c;
    }
    return out;
}

} // namespace

std::string render_code_text(const ResponseCode& c) {
    std::string out;
    if (c.registered) {
        out += fmt::format("{} {}{}\n", c.code, c.reason, c.deprecated ? " (deprecated)" : "");
    } else {
        out += fmt::format("{} (not registered: handled as {}, RFC 3261 section 8.1.3.2)\n", c.code,
                           code_label(c.treated_as));
    }
    out += fmt::format("  class       {}\n", class_title(c.status_class()));
    out +=
        fmt::format("  category    {} ({})\n", category_id(c.category), category_label(c.category));
    out += fmt::format("  references  {}\n", join(c.references, ", "));
    if (!c.seen_phrases.empty()) {
        out += fmt::format("  also seen   {}\n", join(c.seen_phrases, "; "));
    }
    out += "\nMeaning\n";
    wrap(out, c.meaning, "  ");
    out += "\nIMS context\n";
    wrap(out, c.ims_context, "  ");
    out += "\nRetry\n";
    wrap(out, c.retry, "  ");
    out += "\nNext checks\n";
    for (const auto check : c.next_checks) {
        std::string item;
        wrap(item, check, "    ");
        item[2] = '-'; // turn the first indent into a bullet
        out += item;
    }
    std::vector<std::string> related;
    for (int r : c.related)
        related.push_back(code_label(r));
    out += fmt::format("\nRelated     {}\n", join(related, ", "));
    if (const auto sent = q850_for_sip(c.treated_as)) {
        out += fmt::format("Q.850 sent  {} (RFC 3398, SIP to ISUP)\n", q850_label(*sent));
    }
    const auto causes = q850_causes_mapping_to(c.treated_as);
    if (!causes.empty()) {
        std::vector<std::string> labels;
        for (int cause : causes)
            labels.push_back(q850_label(cause));
        out += "Q.850 from  ";
        std::string list;
        wrap(list, join(labels, ", "), "            ");
        out += list.substr(12);
    }
    return out;
}

std::string render_q850_text(int cause) {
    std::string out;
    const auto* q = find_q850(cause);
    if (q == nullptr) {
        out += fmt::format("Q.850 cause {} (not defined in Q.850)\n", cause);
        out += fmt::format("  class       {}\n", q850_class_of(cause));
        out += "\nMeaning\n";
        wrap(out,
             "Q.850 defines no cause with this value; read it by its class, and check the "
             "sending equipment's documentation for a national or vendor meaning.",
             "  ");
        return out;
    }
    out += fmt::format("Q.850 cause {}: {}\n", q->cause, q->name);
    out += fmt::format("  class       {}\n", q->cause_class);
    out += "\nMeaning\n";
    wrap(out, q->meaning, "  ");
    out += "\nSIP mapping (RFC 3398, ISUP to SIP)\n";
    if (q->sip_code) {
        out += fmt::format("  {}\n", code_label(*q->sip_code));
        if (q->alt_sip_code) out += fmt::format("  {}\n", code_label(*q->alt_sip_code));
    } else {
        out += "  none\n";
    }
    if (!q->mapping_note.empty()) wrap(out, q->mapping_note, "  ");
    return out;
}

std::string render_warn_code_text(int code) {
    std::string out;
    const auto* w = find_warning(code);
    if (w == nullptr) {
        out += fmt::format("Warning {} (not registered)\n", code);
        wrap(out,
             "No warn-code with this value is registered with IANA; the warn-text carries what "
             "the sender meant.",
             "  ");
        return out;
    }
    out += fmt::format("Warning {}: {}\n", w->code, w->text);
    out += fmt::format("  reference   {}\n", w->reference);
    out += "\nMeaning\n";
    wrap(out, w->meaning, "  ");
    return out;
}

std::string render_reason_text(const std::vector<ReasonValue>& values) {
    std::string out;
    std::size_t index = 0;
    for (const auto& v : values) {
        ++index;
        out += fmt::format("Reason value {} of {}\n", index, values.size());
        if (const auto* p = find_reason_protocol(v.protocol)) {
            std::string wrapped;
            wrap(wrapped,
                 fmt::format("{}: the cause is {} ({})", v.protocol, p->description, p->reference),
                 "              ");
            out += "  protocol" + wrapped.substr(10);
        } else {
            out +=
                fmt::format("  protocol    {}{}\n", v.protocol.empty() ? "(missing)" : v.protocol,
                            v.protocol.empty() ? "" : " (not a registered Reason protocol)");
        }
        if (v.cause) {
            const auto meaning = v.cause_meaning();
            out += fmt::format("  cause       {}{}{}\n", *v.cause, meaning.empty() ? "" : ": ",
                               meaning);
        }
        if (!v.text.empty()) out += fmt::format("  text        \"{}\"\n", v.text);
        for (const auto& [name, value] : v.params) {
            out += fmt::format("  param       {}{}{}\n", name, value.empty() ? "" : "=", value);
        }
        for (const auto& problem : v.problems)
            out += fmt::format("  problem     {}\n", problem);
        if (v.cause && text::iequals(v.protocol, "Q.850")) {
            if (const auto* q = find_q850(*v.cause)) {
                out += fmt::format("  class       {}\n", q->cause_class);
                std::string meaning;
                wrap(meaning, q->meaning, "              ");
                out += "  meaning" + meaning.substr(9);
                if (q->sip_code) {
                    out += fmt::format(
                        "  SIP         {}{} (RFC 3398, ISUP to SIP)\n", code_label(*q->sip_code),
                        q->alt_sip_code ? fmt::format(" or {}", code_label(*q->alt_sip_code))
                                        : std::string());
                }
            } else if (*v.cause >= 0 && *v.cause <= 127) {
                out += fmt::format("  class       {} (cause not defined in Q.850)\n",
                                   q850_class_of(*v.cause));
            }
        } else if (v.cause && text::iequals(v.protocol, "SIP")) {
            if (const auto code = explain_code(*v.cause)) {
                std::string meaning;
                wrap(meaning, code->meaning, "              ");
                out += "  meaning" + meaning.substr(9);
            }
        } else if (const auto* table = v.cause_table(); table != nullptr && v.cause) {
            std::string wrapped;
            wrap(wrapped, fmt::format("{} ({})", table->title, table->source), "              ");
            out += "  table" + wrapped.substr(7);
            if (const auto* c = v.cause_3gpp()) {
                if (!c->meaning.empty()) {
                    std::string meaning;
                    wrap(meaning, c->meaning, "              ");
                    out += "  meaning" + meaning.substr(9);
                }
            } else {
                out += "  meaning     not listed in this table (a later release or a vendor "
                       "value)\n";
            }
        }
        if (index != values.size()) out += '\n';
    }
    return out;
}

std::string render_cause_text(const CauseTableInfo& table, int value) {
    std::string out;
    const auto* c = find_cause(table.table, value);
    if (c == nullptr) {
        out += fmt::format("{} cause {} (not listed)\n", table.protocol, value);
    } else {
        out += fmt::format("{} cause {}: {}\n", table.protocol, value, c->name);
    }
    out += fmt::format("  table       {}\n", table.title);
    std::string wrapped;
    wrap(wrapped, table.source, "              ");
    out += "  source" + wrapped.substr(8);
    out += fmt::format("  in SIP      Reason: {};cause={}\n", table.protocol, value);
    wrapped.clear();
    wrap(wrapped, table.numbering, "              ");
    out += "  numbering" + wrapped.substr(11);
    out += "\nMeaning\n";
    if (c == nullptr) {
        wrap(out,
             "The table sipdx follows lists no such value: it may come from a later release of "
             "the specification or be a vendor's own; check the sending equipment's "
             "documentation.",
             "  ");
    } else if (!c->meaning.empty()) {
        wrap(out, c->meaning, "  ");
    } else {
        wrap(out, fmt::format("{} (the name in the specification says it all).", c->name), "  ");
    }
    return out;
}

std::string render_access_network_text(const std::vector<AccessNetwork>& values) {
    std::string out;
    std::size_t index = 0;
    for (const auto& a : values) {
        ++index;
        out += fmt::format("Access network {} of {}\n", index, values.size());
        out += fmt::format("  access-type {}{}{}\n",
                           a.access_type.empty() ? "(missing)" : a.access_type,
                           a.description.empty() ? "" : ": ", a.description);
        out += fmt::format("  family      {}{}\n", to_string(a.family),
                           a.is_3gpp() ? " (3GPP access)" : " (non-3GPP access)");
        if (!a.mcc.empty()) {
            out += fmt::format("  PLMN        MCC {} MNC {}\n", a.mcc, a.mnc);
            out += fmt::format("  {:<11} {}\n", a.area_kind, a.area_code);
            out += fmt::format("  {:<11} {}\n", a.cell_kind, a.cell_identity);
        } else if (!a.cell_param.empty()) {
            out += fmt::format("  cell        {}={}\n", a.cell_param, a.cell_value);
        }
        if (!a.wlan_node.empty()) out += fmt::format("  WLAN node   {}\n", a.wlan_node);
        if (!a.local_time_zone.empty()) out += fmt::format("  time zone   {}\n", a.local_time_zone);
        out += fmt::format("  provided by {}\n",
                           a.network_provided ? "the network (network-provided)" : "the UE");
        for (const auto& [name, value] : a.other_params)
            out += fmt::format("  param       {}{}{}\n", name, value.empty() ? "" : "=", value);
        for (const auto& problem : a.problems)
            out += fmt::format("  problem     {}\n", problem);
        if (index != values.size()) out += '\n';
    }
    return out;
}

std::string render_warning_text(const std::vector<WarningValue>& values) {
    std::string out;
    std::size_t index = 0;
    for (const auto& v : values) {
        ++index;
        out += fmt::format("Warning value {} of {}\n", index, values.size());
        const auto meaning = v.code_meaning();
        out += fmt::format("  warn-code   {}{}{}\n", v.code, meaning.empty() ? "" : ": ", meaning);
        out += fmt::format("  agent       {}\n", v.agent.empty() ? "(missing)" : v.agent);
        out += fmt::format("  text        \"{}\"\n", v.text);
        for (const auto& problem : v.problems)
            out += fmt::format("  problem     {}\n", problem);
        if (const auto* w = find_warning(v.code)) {
            std::string wrapped;
            wrap(wrapped, w->meaning, "              ");
            out += "  meaning" + wrapped.substr(9);
        }
        if (index != values.size()) out += '\n';
    }
    return out;
}

std::string render_codes_text(std::optional<int> class_number) {
    std::string out;
    bool first = true;
    for (const auto& cls : status_classes()) {
        if (class_number && *class_number != cls.number) continue;
        if (!first) out += '\n';
        first = false;
        out += fmt::format("{}\n", class_title(cls.number));
        wrap(out, cls.fast_answer, "  ");
        for (const auto& c : registered_codes()) {
            if (c.status_class() != cls.number) continue;
            out += fmt::format("  {}  {:<40} {}\n", c.code, c.reason, category_id(c.category));
        }
    }
    return out;
}

std::string render_markdown() {
    std::string out;
    out += "# SIP response codes\n\n";
    out += "<!-- Generated from src/knowledge/*.inc by `sipdx codes --markdown`. Do not edit by "
           "hand: edit the data and run `sipdx codes --markdown > docs/response-codes.md`. -->\n\n";
    out += fmt::format(
        "Every code of the IANA SIP response-code registry ({} codes), read the IMS way: first "
        "by class (the first digit is the fast answer), then by the exact code, which says "
        "whether the problem is policy, authentication, capability mismatch, temporary "
        "reachability, server trouble or a final global stop. `sipdx explain CODE` prints the "
        "same entries in a terminal; docs/knowledge.md says how the data is kept.\n\n",
        registered_codes().size());
    out += "A code that is not registered is handled as the x00 code of its class (RFC 3261 "
           "section 8.1.3.2). The reason phrase on the wire is free text: match on the code, "
           "never on the phrase.\n\n";

    out += "## Classes\n\n";
    out += "| Class | Name | Fast answer | Codes |\n|---|---|---|---|\n";
    for (const auto& cls : status_classes()) {
        std::vector<int> codes;
        for (const auto& c : registered_codes()) {
            if (c.status_class() == cls.number) codes.push_back(c.code);
        }
        out += fmt::format("| {}xx | {} | {} | {} |\n", cls.number, cell(cls.name),
                           cell(cls.fast_answer), join(codes, ", "));
    }

    out += "\n## Diagnostic categories\n\n";
    out += "| Category | Label | Meaning | Codes |\n|---|---|---|---|\n";
    for (const auto category : all_categories()) {
        std::vector<int> codes;
        for (const auto& c : registered_codes()) {
            if (c.category == category) codes.push_back(c.code);
        }
        out += fmt::format("| `{}` | {} | {} | {} |\n", category_id(category),
                           cell(category_label(category)), cell(category_description(category)),
                           join(codes, ", "));
    }

    for (const auto& cls : status_classes()) {
        out += fmt::format("\n## {}\n\n", class_title(cls.number));
        out += fmt::format("{}\n\n", cls.fast_answer);
        out += "| Code | Reason phrase | Category | References |\n|---|---|---|---|\n";
        for (const auto& c : registered_codes()) {
            if (c.status_class() != cls.number) continue;
            out += fmt::format("| [{}](#{}) | {}{} | `{}` | {} |\n", c.code, c.code, cell(c.reason),
                               c.deprecated ? " (deprecated)" : "", category_id(c.category),
                               cell(join(c.references, ", ")));
        }
        for (const auto& c : registered_codes()) {
            if (c.status_class() != cls.number) continue;
            out += fmt::format("\n### {}\n\n", c.code);
            out += fmt::format("**{} {}**{} · category `{}` · {}\n\n", c.code, c.reason,
                               c.deprecated ? " (deprecated)" : "", category_id(c.category),
                               join(c.references, ", "));
            out += fmt::format("{}\n\n", c.meaning);
            out += fmt::format("**IMS context.** {}\n\n", c.ims_context);
            out += fmt::format("**Retry.** {}\n\n", c.retry);
            out += "**Next checks.**\n\n";
            for (const auto check : c.next_checks)
                out += fmt::format("- {}\n", check);
            std::vector<std::string> related;
            for (int r : c.related)
                related.push_back(fmt::format("[{}](#{})", code_label(r), r));
            out += fmt::format("\n**Related.** {}\n", join(related, ", "));
            if (!c.seen_phrases.empty()) {
                out += fmt::format("\n**Also seen as.** {}\n", join(c.seen_phrases, "; "));
            }
            const auto sent = q850_for_sip(c.code);
            const auto causes = q850_causes_mapping_to(c.code);
            if (sent || !causes.empty()) {
                out += "\n**Q.850 (RFC 3398).**";
                if (sent) out += fmt::format(" Sent for this response: {}.", q850_label(*sent));
                if (!causes.empty()) {
                    std::vector<std::string> labels;
                    for (int cause : causes)
                        labels.push_back(q850_label(cause));
                    out += fmt::format(" Causes mapped to it: {}.", join(labels, ", "));
                }
                out += '\n';
            }
        }
    }

    out += "\n## Q.850 causes\n\n";
    out += "Cause values of ITU-T Q.850 with the RFC 3398 ISUP-to-SIP response mapping (blank "
           "when RFC 3398 gives none). `sipdx explain --q850 CAUSE` explains one.\n\n";
    out += "| Cause | Name | Class | SIP response | Meaning |\n|---|---|---|---|---|\n";
    for (const auto& q : q850_causes()) {
        std::string sip;
        if (q.sip_code) sip = code_label(*q.sip_code);
        if (q.alt_sip_code) sip += fmt::format(" or {}", code_label(*q.alt_sip_code));
        std::string meaning(q.meaning);
        if (!q.mapping_note.empty()) meaning += fmt::format(" Mapping: {}", q.mapping_note);
        out += fmt::format("| {} | {} | {} | {} | {} |\n", q.cause, cell(q.name),
                           cell(q.cause_class), cell(sip), cell(meaning));
    }

    out += "\n## Warning codes\n\n";
    out += "The IANA warn-code registry (Warning header, RFC 3261 section 20.43). `sipdx "
           "explain --warning CODE` explains one.\n\n";
    out += "| Code | Text | Reference | Meaning |\n|---|---|---|---|\n";
    for (const auto& w : warning_codes()) {
        out += fmt::format("| {} | {} | {} | {} |\n", w.code, cell(w.text), cell(w.reference),
                           cell(w.meaning));
    }
    return out;
}

} // namespace sipdx::output
