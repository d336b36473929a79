// sipdx messages CAPTURE...: one record per SIP message found in the captures (docs/messages.md).
#include "command.h"

#include <sipdx/capture/source.h>
#include <sipdx/decode/payload_parser.h>
#include <sipdx/decode/pipeline.h>
#include <sipdx/decode/records.h>
#include <sipdx/session/tracker.h>
#include <sipdx/sip/message.h>

#include <fmt/format.h>

#include <unistd.h>

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
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

decode::RecordFormat pick_format(const std::string& name) {
    if (name.empty()) {
        return isatty(STDOUT_FILENO) ? decode::RecordFormat::table : decode::RecordFormat::ndjson;
    }
    static const std::map<std::string, decode::RecordFormat> names{
        {"table", decode::RecordFormat::table},
        {"ndjson", decode::RecordFormat::ndjson},
        {"csv", decode::RecordFormat::csv},
        {"tsv", decode::RecordFormat::tsv}};
    return names.at(name); // CLI11 already checked the name
}

int run(const MessagesOptions& options) {
    const auto format = pick_format(options.format);
    decode::RecordWriter writer(format, options.epoch);
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
        // Capture time jumping between consecutive messages (session::is_clock_jump).
        std::uint64_t clock_jumps = 0;
        std::uint64_t first_jump_frame = 0;
        std::optional<std::int64_t> previous_time;
        decode::Pipeline pipeline(
            [&](const decode::SipPayload& p) {
                ++total_messages;
                if (previous_time && session::is_clock_jump(*previous_time, p.time_ns) &&
                    clock_jumps++ == 0)
                    first_jump_frame = p.frame;
                previous_time = p.time_ns;
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
            text += decode::format_stats(stats);
            if (clock_jumps > 0)
                text += fmt::format("time\n  {:<29}{}\n  {:<29}{}\n", "clock jumps", clock_jumps,
                                    "first jump at frame", first_jump_frame);
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
