// `sipdx parse FILE|-`: parse raw SIP messages (a byte stream framed as over TCP, or one
// datagram with --datagram) and print each one: start line, headers with compact forms
// expanded, a body summary and the findings. All parsing is in sipdx::sip, the renderings
// (text and the --json schema) in sipdx::output.
#include "command.h"
#include "terminal.h"

#include <sipdx/output/parsed.h>
#include <sipdx/sip/message.h>
#include <sipdx/sip/stream.h>

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>

namespace sipdx::cli {
namespace {

namespace sip = sipdx::sip;

struct ParseArgs {
    std::string input;
    bool json = false;
    bool datagram = false;
    std::string format; // text or ndjson (--json)
    std::string color;
};

// Reads the input a piece at a time: memory holds one message, never the whole input.
sip::StreamingMessageReader::Read input_reader(const std::string& path) {
    std::shared_ptr<std::FILE> file;
    if (path == "-") {
        file.reset(stdin, [](std::FILE*) {});
    } else {
        file.reset(std::fopen(path.c_str(), "rb"), [](std::FILE* f) {
            if (f != nullptr) std::fclose(f);
        });
        if (!file) throw UsageError(fmt::format("{}: cannot open file", path));
    }
    return [file, path](char* into, std::size_t size) {
        const std::size_t got = std::fread(into, 1, size, file.get());
        if (got == 0 && std::ferror(file.get()))
            throw UsageError(path == "-" ? std::string("-: cannot read standard input")
                                         : fmt::format("{}: read error", path));
        return got;
    };
}

void run_parse(ParseArgs& args, CliContext& context) {
    if (args.format == "ndjson") args.json = true;
    const output::TextStyle style = text_style(args.color);
    sip::StreamingMessageReader stream(
        input_reader(args.input), args.datagram ? sip::Framing::datagram : sip::Framing::stream);
    sip::Message message;
    std::size_t offset = 0;
    std::size_t count = 0;
    bool all_valid = true;
    while (stream.next(message, offset)) {
        ++count;
        message.validate();
        all_valid = all_valid && message.valid();
        if (args.json) {
            const std::string line = output::parsed_message_ndjson(message, offset);
            std::fwrite(line.data(), 1, line.size(), stdout);
        } else {
            const std::string text =
                for_terminal(output::render_parsed_message(message, count, offset), style);
            std::fwrite(text.data(), 1, text.size(), stdout);
        }
    }
    if (!stream.trailing_junk().empty()) {
        std::fprintf(
            stderr, "sipdx: %s: offset %zu: %zu bytes after the last message are not SIP\n",
            args.input.c_str(), stream.trailing_junk_offset(), stream.trailing_junk().size());
        all_valid = false;
    }
    if (count == 0) {
        std::fprintf(stderr, "sipdx: %s: no SIP message found\n", args.input.c_str());
        context.exit_code = exit_input_errors;
        return;
    }
    context.exit_code = all_valid ? exit_ok : exit_input_errors;
}

void setup_parse(CLI::App& root, CliContext& context) {
    auto args = std::make_shared<ParseArgs>();
    auto* command = root.add_subcommand(
        "parse", "Parse raw SIP messages (a TCP-style byte stream) and print each one with its "
                 "findings. Exit 0 when all are valid, 1 when any is not.");
    command->add_option("input", args->input, "File holding the messages, or - for stdin")
        ->required();
    command
        ->add_option("--format", args->format,
                     "text (default) or ndjson: one JSON object per message (kind, method, "
                     "status, reason, call_id, cseq, from, to, via, headers, body, findings, "
                     "valid)")
        ->check(CLI::IsMember({"text", "ndjson"}));
    command->add_flag("--json", args->json, "The same as --format ndjson");
    add_color_option(command, args->color);
    command->add_flag("--datagram", args->datagram,
                      "Treat the input as one datagram: the body runs to the end (Content-Length "
                      "only trims it), as over UDP");
    command->callback([args, &context] { run_parse(*args, context); });
}

} // namespace

SIPDX_REGISTER_COMMAND(30, setup_parse, "parse");

} // namespace sipdx::cli
