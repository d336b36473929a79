// `sipdx codes`: the response-code table grouped by class then code, as text, JSON or the
// Markdown of docs/response-codes.md.
#include "command.h"
#include "terminal.h"

#include <sipdx/knowledge/explain.h>
#include <sipdx/knowledge/response_codes.h>
#include <sipdx/output/knowledge.h>
#include <sipdx/output/knowledge_json.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

namespace sipdx::cli {
namespace {

namespace kb = sipdx::knowledge;

struct CodesArgs {
    int class_number = 0; // 0: every class
    bool json = false;
    bool markdown = false;
    std::string format; // text, json or markdown (--json, --markdown are its aliases)
    std::string color;
};

void print(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
}

void run_codes(CodesArgs& args) {
    if (args.format == "json") args.json = true;
    if (args.format == "markdown") args.markdown = true;
    if (args.markdown) {
        print(output::render_markdown());
        return;
    }
    const auto only = args.class_number == 0 ? std::nullopt : std::optional<int>(args.class_number);
    if (!args.json) {
        print(for_terminal(output::render_codes_text(only), text_style(args.color)));
        return;
    }
    auto classes = nlohmann::ordered_json::array();
    for (const auto& cls : kb::status_classes()) {
        if (only && *only != cls.number) continue;
        nlohmann::ordered_json c;
        c["class"] = cls.number;
        c["class_name"] = std::string(cls.name);
        c["fast_answer"] = std::string(cls.fast_answer);
        auto& codes = c["codes"] = nlohmann::ordered_json::array();
        for (const auto& code : kb::registered_codes()) {
            if (code.status_class() == cls.number) codes.push_back(output::code_to_json(code));
        }
        classes.push_back(std::move(c));
    }
    print(classes.dump(2) + "\n");
}

void setup_codes(CLI::App& root, CliContext& /*context*/) {
    auto args = std::make_shared<CodesArgs>();
    auto* command = root.add_subcommand(
        "codes", "List every registered SIP response code, grouped by class then code.");
    auto* cls = command
                    ->add_option("--class", args->class_number,
                                 "Only this class: 1-6 or 1xx-6xx (the first digit of the code)")
                    ->transform([](std::string value) {
                        const auto number = kb::parse_response_class(value, true);
                        if (!number)
                            throw CLI::ValidationError("'" + value +
                                                       "' is not a class: give 1-6 or 1xx-6xx");
                        return std::to_string(*number);
                    });
    auto* json = command->add_flag("--json", args->json, "JSON: an array of classes with codes");
    command
        ->add_flag("--markdown", args->markdown,
                   "Render docs/response-codes.md (all classes, with Q.850 and Warning tables)")
        ->excludes(cls)
        ->excludes(json);
    command->add_option("--format", args->format, "text (default), json or markdown")
        ->check(CLI::IsMember({"text", "json", "markdown"}));
    add_color_option(command, args->color);
    command->callback([args] { run_codes(*args); });
}

} // namespace

SIPDX_REGISTER_COMMAND(20, setup_codes, "codes");

} // namespace sipdx::cli
