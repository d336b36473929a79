// sipdx messages CAPTURE...: one record per SIP message found in the captures (docs/messages.md).
#include "command.h"

#include <sipdx/capture/source.h>
#include <sipdx/decode/payload_parser.h>
#include <sipdx/decode/pipeline.h>
#include <sipdx/output/messages.h>
#include <sipdx/sip/message.h>

#include <fmt/format.h>

#include <unistd.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sipdx::cli {
namespace {

struct MessagesOptions {
    std::vector<std::string> captures;
    std::string format;
    bool epoch = false;
    bool stats = false;
    bool count = false;
};

class Output {
public:
    ~Output() { flush(); }
    std::string& buffer() { return m_buffer; }
    void maybe_flush() {
        if (m_buffer.size() >= (1u << 16)) flush();
    }
    void flush() {
        if (!m_buffer.empty()) std::fwrite(m_buffer.data(), 1, m_buffer.size(), stdout);
        m_buffer.clear();
    }

private:
    std::string m_buffer;
};

output::Format pick_format(const std::string& name) {
    if (name.empty()) {
        return isatty(STDOUT_FILENO) ? output::Format::table : output::Format::ndjson;
    }
    static const std::map<std::string, output::Format> names{{"table", output::Format::table},
                                                             {"ndjson", output::Format::ndjson},
                                                             {"csv", output::Format::csv},
                                                             {"tsv", output::Format::tsv}};
    return names.at(name); // CLI11 already checked the name
}

int run(const MessagesOptions& options) {
    const auto format = pick_format(options.format);
    output::MessageWriter writer(format, options.epoch);
    Output output;
    if (!options.count) writer.header(output.buffer());

    const decode::PayloadParser parser; // also cuts datagrams at Content-Length (see below)
    decode::PipelineOptions pipeline_options;
    pipeline_options.trim_datagrams = false;
    sip::Message message;
    std::uint64_t total_messages = 0;
    std::size_t readable = 0;
    bool problems = false;

    for (const auto& path : options.captures) {
        auto source = capture::open(path);
        if (!source) {
            std::fprintf(stderr, "sipdx: %s\n", source.error().message().c_str());
            problems = true;
            continue;
        }
        decode::Pipeline pipeline(
            [&](const decode::SipPayload& p) {
                ++total_messages;
                if (options.count) return;
                decode::SipPayload payload = p;
                parser.parse(payload, message);
                writer.write(output.buffer(), payload, message);
                output.maybe_flush();
            },
            pipeline_options);
        capture::Frame frame;
        while ((*source)->next(frame) == capture::ReadStatus::frame)
            pipeline.feed(frame);
        pipeline.finish();
        output.flush();

        const auto& src = **source;
        for (const auto& problem : src.problems()) {
            std::fprintf(stderr, "sipdx: %s\n", problem.message().c_str());
        }
        const auto& stats = pipeline.stats();
        for (std::size_t r = 0; r < stats.skipped.size(); ++r) {
            const auto& s = stats.skipped[r];
            if (s.count == 0) continue;
            const auto reason = static_cast<decode::SkipReason>(r);
            std::string what(decode::describe(reason));
            if (reason == decode::SkipReason::unsupported_link_type) {
                what += fmt::format(" {}", s.detail);
            }
            if (s.count > 1) what += fmt::format(" (and {} more)", s.count - 1);
            std::fprintf(stderr, "sipdx: %s: frame %llu, offset %llu: %s\n", path.c_str(),
                         static_cast<unsigned long long>(s.first_frame),
                         static_cast<unsigned long long>(s.first_offset), what.c_str());
        }
        if (src.outcome() != capture::Outcome::nothing_read) ++readable;
        if (src.outcome() != capture::Outcome::clean || stats.skipped_total() > 0) problems = true;
        if (options.stats) {
            std::string text = fmt::format("{}:\n", path);
            text += output::format_stats(stats);
            if (stats.sip_messages == 0) text += output::tls_hint(stats);
            std::fputs(text.c_str(), stderr);
        }
    }
    if (options.count) {
        output.buffer() += fmt::format("{}\n", total_messages);
    }
    output.flush();
    std::fflush(stdout);
    if (readable == 0) return exit_unusable;
    return problems ? exit_input_errors : exit_ok;
}

void setup(CLI::App& root, CliContext& context) {
    auto options = std::make_shared<MessagesOptions>();
    CLI::App* cmd = root.add_subcommand(
        "messages",
        "List every SIP message in captures (pcap, pcapng, .gz, SIP text, - for stdin)");
    cmd->add_option("captures", options->captures, "Capture files ('-' reads stdin)")->required();
    cmd->add_option("--format", options->format,
                    "table (default on a terminal), ndjson (default otherwise), csv, tsv")
        ->check(CLI::IsMember({"table", "ndjson", "csv", "tsv"}));
    cmd->add_flag("--epoch", options->epoch, "Print time as seconds since 1970 (UTC)");
    cmd->add_flag("--stats", options->stats,
                  "Print what was read (frames, link types, transports, skips) on stderr");
    cmd->add_flag("--count", options->count,
                  "Print only the number of SIP messages (decode and framing, no parsing)");
    cmd->callback([options, &context] { context.exit_code = run(*options); });
}

} // namespace

SIPDX_REGISTER_COMMAND(40, setup);

} // namespace sipdx::cli
