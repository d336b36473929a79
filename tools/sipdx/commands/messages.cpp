// sipdx messages CAPTURE...: one record per SIP message found in the captures (docs/messages.md).
#include "command.h"
#include "command_helpers.h"
#include "terminal.h"

#include <sipdx/capture/source.h>
#include <sipdx/decode/message_reader.h>
#include <sipdx/output/message_view.h>
#include <sipdx/output/messages.h>
#include <sipdx/session/tracker.h>

#include <fmt/format.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace sipdx::cli {
namespace {

struct MessagesOptions {
    std::vector<std::string> captures;
    std::string format;
    bool epoch = false;
    bool stats = false;
    bool count = false;
    std::vector<std::uint64_t> frames; // --frame: these messages in full
    std::vector<std::string> call_ids; // --call: only these Call-IDs
    bool full = false;                 // --full: whole messages instead of records
    std::string color;
    bool quiet = false;
};

// Bytes of the inputs that are files (stdin counts nothing), for the progress bar.
std::uint64_t input_bytes(const std::vector<std::string>& paths) {
    std::uint64_t total = 0;
    std::error_code ec;
    for (const auto& path : capture::expand_inputs(paths)) {
        if (path == "-") continue;
        const auto size = std::filesystem::file_size(path, ec);
        if (!ec) total += size;
    }
    return total;
}

bool selected(const MessagesOptions& options, const decode::ReadMessage& m) {
    if (!options.frames.empty()) {
        bool hit = false;
        for (const auto frame : m.payload.all_frames())
            for (const auto wanted : options.frames)
                hit = hit || frame == wanted;
        if (!hit) return false;
    }
    if (options.call_ids.empty()) return true;
    const std::string_view call_id = m.message.transaction_key().call_id;
    for (const auto& id : options.call_ids)
        if (call_id == id) return true;
    return false;
}

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

// One line per kind of decoder skip, with the first frame it happened on.
void report_skips(const std::string& path, const decode::Stats& stats) {
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
}

int run(const MessagesOptions& options) {
    // --frame shows whole messages; so does --full.
    const bool full = options.full || !options.frames.empty();
    if (full && options.count) throw UsageError("--count counts; it cannot show whole messages");
    const auto format = pick_format(options.format);
    const output::TextStyle style = text_style(options.color);
    output::MessageWriter writer(format, options.epoch,
                                 format == output::Format::table ? style.width : 0);
    Output output;
    if (!options.count && !full) writer.header(output.buffer());
    std::uint64_t shown = 0;

    std::size_t readable = 0;
    bool problems = false;
    // Capture time jumping between consecutive messages of one input (session::is_clock_jump);
    // reset as each input ends.
    std::uint64_t clock_jumps = 0;
    std::uint64_t first_jump_frame = 0;
    std::optional<std::int64_t> previous_time;
    decode::MessageReaderOptions reader_options;
    // --count: decode and framing only
    reader_options.detail =
        options.count ? decode::MessageDetail::framing : decode::MessageDetail::parsed;
    reader_options.decode.trim_datagrams = false;
    // The records stream to stdout: on the same terminal a bar would cut into them, so it is
    // drawn only when stdout goes to a file or a pipe.
    Progress progress(options.quiet || isatty(STDOUT_FILENO));
    std::uint64_t total_bytes = 0;
    std::uint64_t done_before = 0; // bytes of the inputs already read
    std::uint64_t frames_seen = 0;
    if (progress.enabled()) {
        total_bytes = input_bytes(options.captures);
        reader_options.on_frame = [&](const capture::Frame& frame) {
            if ((++frames_seen & 1023) == 0)
                progress.update(done_before + frame.file_offset, total_bytes);
        };
    }
    // Each input's problems follow its messages, as it ends.
    reader_options.on_input_end = [&](const decode::InputReport& input) {
        progress.clear();
        if (input.name != "-") {
            std::error_code ec;
            const auto size = std::filesystem::file_size(input.name, ec);
            if (!ec) done_before += size;
        }
        output.flush();
        if (input.error) {
            std::fprintf(stderr, "sipdx: %s\n", input.error->message().c_str());
            problems = true;
            return;
        }
        for (const auto& problem : input.problems) {
            std::fprintf(stderr, "sipdx: %s\n", problem.message().c_str());
        }
        report_skips(input.name, input.stats);
        if (input.outcome != capture::Outcome::nothing_read) ++readable;
        if (!input.clean()) problems = true;
        if (options.stats) {
            std::string text = fmt::format("{}:\n", input.name);
            text += output::format_stats(input.stats);
            if (input.stats.sip_messages == 0) text += output::tls_hint(input.stats);
            if (clock_jumps > 0)
                text += fmt::format("time\n  {:<29}{}\n  {:<29}{}\n", "clock jumps", clock_jumps,
                                    "first jump at frame", first_jump_frame);
            std::fputs(text.c_str(), stderr);
        }
        clock_jumps = 0;
        first_jump_frame = 0;
        previous_time.reset();
    };
    decode::MessageReader reader(options.captures, std::move(reader_options));
    std::uint64_t total_messages = 0;
    while (const decode::ReadMessage* m = reader.next()) {
        ++total_messages;
        const std::int64_t time_ns = m->payload.time_ns;
        if (previous_time && session::is_clock_jump(*previous_time, time_ns) && clock_jumps++ == 0)
            first_jump_frame = m->payload.frame;
        previous_time = time_ns;
        if (options.count) continue;
        if (!selected(options, *m)) continue;
        if (full) {
            if (shown++) output.buffer() += '\n';
            const auto& p = m->payload;
            output.buffer() += output::render_message_full(
                {p.frame, p.time_ns, session::Endpoint{p.src, p.sport}.to_string(),
                 session::Endpoint{p.dst, p.dport}.to_string(),
                 std::string(decode::to_string(p.transport))},
                m->message.raw.empty() ? p.bytes : m->message.raw, style);
            output.maybe_flush();
            continue;
        }
        writer.write(output.buffer(), m->payload, m->message);
        output.maybe_flush();
    }
    if (options.count) {
        output.buffer() += fmt::format("{}\n", total_messages);
    }
    output.flush();
    std::fflush(stdout);
    if (readable == 0) return exit_unusable;
    if (full && shown == 0) {
        std::fprintf(stderr, "sipdx: no SIP message %s in the input\n",
                     options.frames.empty() ? "with that Call-ID" : "in those frames");
        return exit_input_errors;
    }
    return problems ? exit_input_errors : exit_ok;
}

void setup(CLI::App& root, CliContext& context) {
    auto options = std::make_shared<MessagesOptions>();
    CLI::App* cmd =
        root.add_subcommand("messages", "List every SIP message in captures (pcap, pcapng, .gz, "
                                        "SIP text, directories, - for stdin)");
    cmd->add_option("captures", options->captures, "Capture files or directories ('-' reads stdin)")
        ->required();
    add_listing_format_option(cmd, options->format);
    cmd->add_flag("--epoch", options->epoch, "Print time as seconds since 1970 (UTC)");
    cmd->add_flag("--stats", options->stats,
                  "Print what was read (frames, link types, transports, skips) on stderr");
    cmd->add_flag("--count", options->count,
                  "Print only the number of SIP messages (decode and framing, no parsing)");
    cmd->add_option("--frame", options->frames,
                    "Print the SIP message of this frame in full: heading, headers, body, SDP "
                    "decoded (Wireshark's frame number; repeatable)")
        ->allow_extra_args(false);
    cmd->add_option("--call", options->call_ids, "Only the messages of this Call-ID (repeatable)")
        ->allow_extra_args(false);
    cmd->add_flag("--full", options->full,
                  "Print whole messages (headers and body, SDP decoded) instead of records");
    add_color_option(cmd, options->color);
    add_quiet_option(cmd, options->quiet);
    cmd->callback([options, &context] { context.exit_code = run(*options); });
}

} // namespace

SIPDX_REGISTER_COMMAND(40, setup, "messages");

} // namespace sipdx::cli
