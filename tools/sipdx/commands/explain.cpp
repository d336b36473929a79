// `sipdx explain CODE...`: what a SIP response code, a status line, a Reason or Warning header, a
// Q.850 cause, a 3GPP cause, a P-Access-Network-Info header or a warn-code means, read the IMS
// way. All knowledge is in sipdx::knowledge.
#include "command.h"
#include "terminal.h"

#include <sipdx/knowledge/access_network.h>
#include <sipdx/knowledge/causes.h>
#include <sipdx/knowledge/explain.h>
#include <sipdx/knowledge/reason.h>
#include <sipdx/knowledge/response_codes.h>
#include <sipdx/output/knowledge.h>
#include <sipdx/output/knowledge_json.h>

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace sipdx::cli {
namespace {

namespace kb = sipdx::knowledge;

struct ExplainArgs {
    std::vector<std::string> inputs;
    std::vector<std::string> q850;
    std::vector<std::string> warnings;
    std::vector<std::string> causes;         // TABLE:VALUE
    std::vector<std::string> release_causes; // RELEASE_CAUSE values
    std::vector<std::string> failure_causes; // FAILURE_CAUSE values
    bool json = false;
    std::string format; // text or ndjson; --json is ndjson
    std::string color;
};

// One thing to explain, validated before anything is printed so that a bad input fails the
// whole command with exit 2 and no partial output.
struct Item {
    enum class Kind {
        code,
        q850,
        warn_code,
        reason,
        warning,
        code_class,
        search,
        cause_3gpp,
        access_network
    } kind = Kind::code;
    int number = 0;
    std::vector<kb::ReasonValue> reason;
    std::vector<kb::WarningValue> warning;
    std::string term;                             // search: what the user typed
    std::vector<const kb::ResponseCode*> matches; // search: the codes it names
    const kb::CauseTableInfo* table = nullptr;    // cause_3gpp
    std::vector<kb::AccessNetwork> access;        // access_network
};

// A word names a few codes: list them, and explain each in full when there are few enough to
// read on one screen.
std::string render_search_text(const Item& item) {
    std::string out = fmt::format("'{}' names {} response code{}:\n", item.term,
                                  item.matches.size(), item.matches.size() == 1 ? "" : "s");
    for (const auto* code : item.matches)
        out += fmt::format("  {} {} ({})\n", code->code, code->reason,
                           kb::category_label(code->category));
    if (item.matches.size() <= 3) {
        for (const auto* code : item.matches)
            out += "\n" + output::render_code_text(*code);
    } else {
        out += "\n'sipdx explain CODE' tells one in full.\n";
    }
    return out;
}

nlohmann::ordered_json class_to_json(int number) {
    const auto cls = kb::status_class(number);
    nlohmann::ordered_json c;
    c["kind"] = "response-class";
    c["class"] = number;
    c["class_name"] = std::string(cls->name);
    c["fast_answer"] = std::string(cls->fast_answer);
    auto& codes = c["codes"] = nlohmann::ordered_json::array();
    for (const auto& code : kb::registered_codes())
        if (code.status_class() == number) codes.push_back(output::code_to_json(code));
    return c;
}

bool has_problems(const Item& item) {
    for (const auto& v : item.reason) {
        if (!v.problems.empty()) return true;
    }
    for (const auto& v : item.warning) {
        if (!v.problems.empty()) return true;
    }
    for (const auto& v : item.access) {
        if (!v.problems.empty()) return true;
    }
    return false;
}

void print(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
}

void run_explain(ExplainArgs& args, CliContext& context) {
    if (args.format == "ndjson") args.json = true;
    const output::TextStyle style = text_style(args.color);
    if (args.inputs.empty() && args.q850.empty() && args.warnings.empty() && args.causes.empty() &&
        args.release_causes.empty() && args.failure_causes.empty()) {
        throw UsageError("explain: give a response code, a status line, a Reason/Warning "
                         "header, --q850 CAUSE, --warning CODE or --cause TABLE:VALUE (see "
                         "'sipdx explain --help')");
    }
    std::vector<Item> items;
    for (const auto& input : args.inputs) {
        const auto query = kb::parse_query(input);
        if (!query) throw UsageError(fmt::format("explain: {}", query.error().message));
        Item item;
        switch (query->kind) {
        case kb::QueryKind::response_code:
            item.kind = Item::Kind::code;
            item.number = query->code;
            break;
        case kb::QueryKind::reason_header:
            item.kind = Item::Kind::reason;
            item.reason = kb::parse_reason(query->header_value);
            break;
        case kb::QueryKind::warning_header:
            item.kind = Item::Kind::warning;
            item.warning = kb::parse_warning(query->header_value);
            break;
        case kb::QueryKind::access_network:
            item.kind = Item::Kind::access_network;
            item.access = kb::decode_access_network_info(query->header_value);
            break;
        case kb::QueryKind::response_class:
            item.kind = Item::Kind::code_class;
            item.number = query->code;
            break;
        case kb::QueryKind::search:
            item.kind = Item::Kind::search;
            item.term = query->term;
            item.matches = kb::search_codes(query->term);
            break;
        }
        items.push_back(std::move(item));
    }
    for (const auto& input : args.q850) {
        const auto cause = kb::parse_q850_cause(input);
        if (!cause) throw UsageError(fmt::format("explain --q850: {}", cause.error().message));
        items.push_back(Item{Item::Kind::q850, *cause, {}, {}, {}, {}, nullptr, {}});
    }
    for (const auto& input : args.warnings) {
        const auto code = kb::parse_warn_code(input);
        if (!code) throw UsageError(fmt::format("explain --warning: {}", code.error().message));
        items.push_back(Item{Item::Kind::warn_code, *code, {}, {}, {}, {}, nullptr, {}});
    }
    auto add_cause = [&](const tl::expected<kb::CauseQuery, kb::QueryError>& cause,
                         std::string_view option) {
        if (!cause) throw UsageError(fmt::format("explain {}: {}", option, cause.error().message));
        Item item;
        item.kind = Item::Kind::cause_3gpp;
        item.number = cause->value;
        item.table = cause->table;
        items.push_back(std::move(item));
    };
    for (const auto& input : args.causes)
        add_cause(kb::parse_cause_query(input), "--cause");
    for (const auto& input : args.release_causes)
        add_cause(kb::parse_cause_value(kb::CauseTable::release_cause, input), "--release-cause");
    for (const auto& input : args.failure_causes)
        add_cause(kb::parse_cause_value(kb::CauseTable::failure_cause, input), "--failure-cause");

    bool first = true;
    for (const auto& item : items) {
        if (has_problems(item)) context.exit_code = exit_input_errors;
        if (args.json) {
            nlohmann::ordered_json j;
            switch (item.kind) {
            case Item::Kind::code:
                j = output::code_to_json(*kb::explain_code(item.number));
                break;
            case Item::Kind::q850:
                j = output::q850_to_json(item.number);
                break;
            case Item::Kind::warn_code:
                j = output::warn_code_to_json(item.number);
                break;
            case Item::Kind::reason:
                j = output::reason_to_json(item.reason);
                break;
            case Item::Kind::warning:
                j = output::warning_to_json(item.warning);
                break;
            case Item::Kind::cause_3gpp:
                j = output::cause_to_json(*item.table, item.number);
                break;
            case Item::Kind::access_network:
                j = output::access_network_to_json(item.access);
                break;
            case Item::Kind::code_class:
                j = class_to_json(item.number);
                break;
            case Item::Kind::search:
                j["kind"] = "search";
                j["search"] = item.term;
                j["codes"] = nlohmann::ordered_json::array();
                for (const auto* code : item.matches)
                    j["codes"].push_back(output::code_to_json(*code));
                break;
            }
            // JSON Lines, one object per input; a pasted header may hold bytes that are not
            // UTF-8: replaced (U+FFFD), never an exception that loses the other inputs.
            print(j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
            continue;
        }
        if (!first) print("\n");
        first = false;
        switch (item.kind) {
        case Item::Kind::code:
            print(for_terminal(output::render_code_text(*kb::explain_code(item.number)), style));
            break;
        case Item::Kind::q850:
            print(for_terminal(output::render_q850_text(item.number), style));
            break;
        case Item::Kind::warn_code:
            print(for_terminal(output::render_warn_code_text(item.number), style));
            break;
        case Item::Kind::reason:
            print(for_terminal(output::render_reason_text(item.reason), style));
            break;
        case Item::Kind::warning:
            print(for_terminal(output::render_warning_text(item.warning), style));
            break;
        case Item::Kind::cause_3gpp:
            print(output::render_cause_text(*item.table, item.number));
            break;
        case Item::Kind::access_network:
            print(output::render_access_network_text(item.access));
            break;
        case Item::Kind::code_class:
            print(for_terminal(output::render_codes_text(item.number), style));
            break;
        case Item::Kind::search:
            print(for_terminal(render_search_text(item), style));
            break;
        }
    }
}

void setup_explain(CLI::App& root, CliContext& context) {
    auto args = std::make_shared<ExplainArgs>();
    auto* command = root.add_subcommand(
        "explain", "Explain SIP response codes the IMS way. INPUT is a code (486), a status line "
                   "('SIP/2.0 503 Service Unavailable', '486 Busy Here', 'Status: 486 Busy "
                   "Here'), a header ('Reason: Q.850;cause=17', 'Warning: 399 host \"text\"') "
                   "or a bare Reason value ('Q.850;cause=17', 'RELEASE_CAUSE;cause=1', "
                   "'EMM;cause=15'), a 'P-Access-Network-Info: ...' header, a class (4xx) or a "
                   "word of a reason phrase (busy). Exit 1 when a pasted header is malformed.");
    command->add_option("INPUT", args->inputs,
                        "Codes, status lines, Reason/Warning headers or values, classes, words");
    command->add_option("--q850", args->q850, "Explain a Q.850 cause value (0-127); repeatable")
        ->allow_extra_args(false);
    command
        ->add_option("--warning", args->warnings,
                     "Explain a Warning warn-code (300-399); repeatable")
        ->allow_extra_args(false);
    command
        ->add_option("--cause", args->causes,
                     "Explain a 3GPP cause as TABLE:VALUE (emm:15, esm:26, 5gmm:7, 5gsm:36, "
                     "release-cause:1, failure-cause:1, s1ap-rnl:21, ngap-rnl:21, ...); "
                     "repeatable")
        ->allow_extra_args(false);
    command
        ->add_option("--release-cause", args->release_causes,
                     "Explain a RELEASE_CAUSE value (TS 24.229); repeatable")
        ->allow_extra_args(false);
    command
        ->add_option("--failure-cause", args->failure_causes,
                     "Explain a FAILURE_CAUSE value (TS 24.229); repeatable")
        ->allow_extra_args(false);
    command
        ->add_option("--format", args->format,
                     "text (default) or ndjson: one JSON object per input")
        ->check(CLI::IsMember({"text", "ndjson"}));
    command->add_flag("--json", args->json, "The same as --format ndjson");
    add_color_option(command, args->color);
    command->callback([args, &context] { run_explain(*args, context); });
}

} // namespace

SIPDX_REGISTER_COMMAND(10, setup_explain, "explain");

} // namespace sipdx::cli
