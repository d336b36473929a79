// sipdx live -i IFACE [-f BPF] [--count N] [--duration S] [-w FILE]: capture on an interface
// with libpcap and list the SIP messages as they arrive, through the same decode pipeline and
// record format as `sipdx messages` (docs/capture.md).
#include "command.h"
#include "command_helpers.h"
#include "terminal.h"

#include <sipdx/capture/live.h>
#include <sipdx/capture/writer.h>
#include <sipdx/decode/message_reader.h>
#include <sipdx/output/messages.h>

#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

namespace sipdx::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_signal(int) {
    g_stop.store(true);
}

struct LiveCliOptions {
    capture::LiveOptions capture;
    std::string write_path;
    std::string format;
    bool epoch = false;
    bool stats = false;
    bool quiet = false;
};

int run(LiveCliOptions& options) {
    g_stop.store(false);
    options.capture.stop = &g_stop;
    std::unique_ptr<capture::CaptureWriter> pcap_out;
    bool write_failed = false;
    decode::MessageReaderOptions reader_options;
    reader_options.detail =
        options.quiet ? decode::MessageDetail::framing : decode::MessageDetail::parsed;
    reader_options.on_frame = [&](const capture::Frame& frame) {
        if (!pcap_out || write_failed) return;
        if (auto ok = pcap_out->write({0, frame.time_ns, frame.data, frame.original_length, {}});
            !ok) {
            std::fprintf(stderr, "sipdx: %s\n", ok.error().message().c_str());
            write_failed = true;
        }
    };
    auto reader = decode::MessageReader::live(options.capture, std::move(reader_options));
    if (!reader) {
        throw UsageError(reader.error().message());
    }
    if (!options.write_path.empty()) {
        // pcapng keeps the interface name; a name ending in .pcap asks for classic pcap.
        const bool classic = options.write_path.size() > 5 && options.write_path.ends_with(".pcap");
        capture::WriterOptions wo;
        wo.format = classic ? capture::WriterFormat::pcap_ns : capture::WriterFormat::pcapng;
        auto writer = capture::CaptureWriter::create(options.write_path, wo);
        if (!writer) {
            throw UsageError(writer.error().message());
        }
        pcap_out = std::move(*writer);
        const auto& iface = reader->source()->interfaces().at(0);
        if (auto ok = pcap_out->add_interface(
                {iface.link_type, iface.snaplen, iface.name, static_cast<std::uint8_t>(9), 0});
            !ok) {
            throw UsageError(ok.error().message());
        }
    }
    // Ctrl-C ends the capture cleanly (the source notices within poll_ms).
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);

    const output::Format format = pick_format(options.format);
    output::MessageWriter records(format, options.epoch,
                                  format == output::Format::table ? output_width() : 0);
    std::string out;
    if (!options.quiet) {
        records.header(out);
    }
    while (const decode::ReadMessage* m = reader->next()) {
        if (options.quiet) continue;
        records.write(out, m->payload, m->message);
        // live: show each message as soon as it is complete
        std::fwrite(out.data(), 1, out.size(), stdout);
        std::fflush(stdout);
        out.clear();
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (pcap_out) {
        if (auto ok = pcap_out->flush(); !ok) {
            std::fprintf(stderr, "sipdx: %s\n", ok.error().message().c_str());
            write_failed = true;
        }
    }
    const decode::InputReport& input = reader->inputs().at(0);
    for (const auto& problem : input.problems) {
        std::fprintf(stderr, "sipdx: %s\n", problem.message().c_str());
    }
    if (options.stats) {
        const std::string text =
            fmt::format("{}:\n{}", options.capture.interface, output::format_stats(input.stats));
        std::fputs(text.c_str(), stderr);
    }
    return write_failed || !input.clean() ? exit_input_errors : exit_ok;
}

void setup(CLI::App& root, CliContext& context) {
    auto options = std::make_shared<LiveCliOptions>();
    CLI::App* cmd = root.add_subcommand(
        "live", "Capture on an interface (libpcap) and list SIP messages as they arrive");
    cmd->add_option("-i,--interface", options->capture.interface, "Interface, e.g. lo or eth0")
        ->required();
    cmd->add_option("-f,--filter", options->capture.filter,
                    "BPF capture filter, e.g. 'udp port 5060' (pcap-filter(7))");
    cmd->add_option("--count", options->capture.count, "Stop after N frames (0: no limit)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--duration", options->capture.duration_s,
                    "Stop after S seconds (0: until Ctrl-C)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--snaplen", options->capture.snaplen, "Bytes kept per frame")
        ->check(CLI::Range(64u, capture::max_caplen));
    cmd->add_flag("--promisc", options->capture.promiscuous,
                  "Put the interface in promiscuous mode");
    cmd->add_option(
        "-w,--write", options->write_path,
        "Also save every captured frame (pcapng; classic pcap when FILE ends in .pcap)");
    add_listing_format_option(cmd, options->format);
    cmd->add_flag("--epoch", options->epoch, "Print time as seconds since 1970 (UTC)");
    cmd->add_flag("--stats", options->stats, "Print what was read on stderr at the end");
    cmd->add_flag("--capture-only", options->quiet, "Print no messages (with -w: capture only)");
    // -q meant the same before -q became "no progress" everywhere (docs/cli.md): kept working,
    // out of --help.
    cmd->add_flag("-q,--quiet", options->quiet, "The same as --capture-only")->group("");
    cmd->callback([options, &context] { context.exit_code = run(*options); });
}

} // namespace

SIPDX_REGISTER_COMMAND(45, setup, "live");

} // namespace sipdx::cli
