#include <sipdx/analysis/analyzer.h>

#include <sipdx/analysis/explain.h>
#include <sipdx/capture/source.h>
#include <sipdx/session/adapter.h>
#include <sipdx/sip/message.h>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <system_error>

namespace sipdx::analysis {

int RunResult::exit_code() const {
    bool any = false;
    bool problems = false;
    for (const auto& in : inputs) {
        if (in.opened && in.frames > 0) any = true;
        if (!in.opened || !in.clean) problems = true;
    }
    if (!any && !inputs.empty()) {
        // Empty-but-valid captures are fine; only unopenable inputs make the run unusable.
        const bool opened_all = std::all_of(inputs.begin(), inputs.end(),
                                            [](const InputResult& in) { return in.opened; });
        if (!opened_all) return 2;
    }
    return problems ? 1 : 0;
}

std::vector<std::string> expand_inputs(const std::vector<std::string>& paths) {
    std::vector<std::string> out;
    for (const auto& path : paths) {
        std::error_code ec;
        if (path != "-" && std::filesystem::is_directory(path, ec)) {
            std::vector<std::string> files;
            for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
                if (entry.is_regular_file(ec)) files.push_back(entry.path().string());
            }
            std::sort(files.begin(), files.end());
            out.insert(out.end(), files.begin(), files.end());
        } else {
            out.push_back(path);
        }
    }
    return out;
}

Analyzer::Analyzer(AnalyzeOptions options) : m_options(std::move(options)) {}

namespace {

struct Input {
    std::unique_ptr<capture::FrameSource> source;
    std::unique_ptr<decode::Pipeline> pipeline;
    capture::Frame frame;
    bool has_frame = false;
    std::uint64_t size = 0;
};

std::string skip_line(const std::string& path, decode::SkipReason reason,
                      const decode::SkipCount& s) {
    std::string what(decode::describe(reason));
    if (reason == decode::SkipReason::unsupported_link_type) what += fmt::format(" {}", s.detail);
    if (s.count > 1) what += fmt::format(" (and {} more)", s.count - 1);
    return fmt::format("{}: frame {}, offset {}: {}", path, s.first_frame, s.first_offset, what);
}

} // namespace

RunResult Analyzer::run(const std::vector<std::string>& paths) {
    RunResult result;
    const auto files = expand_inputs(paths);
    session::Tracker tracker(
        [this](session::CallRecord&& r) {
            if (m_options.explain) r.explanation = explain(r);
            m_summary.add_record(r);
            if (m_sink) m_sink(std::move(r));
        },
        m_options.tracker);

    sip::Parser datagram_parser({sip::Transport::datagram});
    sip::Parser stream_parser({sip::Transport::stream});
    sip::Message message;

    std::vector<Input> inputs(files.size());
    std::uint64_t total_bytes = 0;
    result.inputs.resize(files.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
        auto& in = result.inputs[i];
        in.path = files[i];
        auto opened = capture::open(files[i]);
        if (!opened) {
            in.problems.push_back(opened.error().message());
            continue;
        }
        in.opened = true;
        inputs[i].source = std::move(*opened);
        std::error_code ec;
        if (files[i] != "-") inputs[i].size = std::filesystem::file_size(files[i], ec);
        if (ec) inputs[i].size = 0;
        total_bytes += inputs[i].size;
        const auto source_index = static_cast<std::uint32_t>(i);
        inputs[i].pipeline = std::make_unique<decode::Pipeline>(
            [&, source_index](const decode::SipPayload& p) {
                ++result.inputs[source_index].sip_messages;
                const bool stream =
                    p.transport == decode::Transport::tcp || p.transport == decode::Transport::tls;
                (stream ? stream_parser : datagram_parser).parse(p.bytes, message);
                const auto event = session::make_event(p, message, source_index);
                const auto step = tracker.feed(event);
                m_summary.add_message(event, step);
                if (m_options.on_message) m_options.on_message({p, message, event, step});
            },
            m_options.decode);
    }

    auto advance = [](Input& in) {
        in.has_frame = in.source->next(in.frame) == capture::ReadStatus::frame;
    };
    for (auto& in : inputs)
        if (in.source) advance(in);

    std::uint64_t frames = 0;
    for (;;) {
        // Merge by capture time: the input whose next frame is earliest goes first.
        Input* next = nullptr;
        for (auto& in : inputs) {
            if (in.source && in.has_frame && (!next || in.frame.time_ns < next->frame.time_ns))
                next = &in;
        }
        if (!next) break;
        next->pipeline->feed(next->frame);
        advance(*next);
        if ((++frames & 0xFFF) == 0 && m_options.progress) {
            std::uint64_t done = 0;
            for (auto& in : inputs)
                if (in.source) done += in.source->counters().input_bytes;
            m_options.progress(done, total_bytes);
        }
    }

    for (std::size_t i = 0; i < inputs.size(); ++i) {
        auto& in = inputs[i];
        auto& out = result.inputs[i];
        if (!in.source) continue;
        in.pipeline->finish();
        out.frames = in.source->counters().frames;
        result.bytes += in.source->counters().input_bytes;
        for (const auto& problem : in.source->problems())
            out.problems.push_back(problem.message());
        const auto& stats = in.pipeline->stats();
        for (std::size_t r = 0; r < stats.skipped.size(); ++r) {
            if (stats.skipped[r].count == 0) continue;
            out.problems.push_back(
                skip_line(out.path, static_cast<decode::SkipReason>(r), stats.skipped[r]));
        }
        out.clean = in.source->outcome() == capture::Outcome::clean && stats.skipped_total() == 0;
    }
    tracker.finish();
    m_tracker_stats = tracker.stats();
    if (m_options.progress) m_options.progress(result.bytes, total_bytes);
    return result;
}

} // namespace sipdx::analysis
