#include <sipdx/decode/message_reader.h>
#include <sipdx/decode/payload_parser.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace sipdx::decode {

namespace {

// A message the pipeline completed but next() has not handed out yet. The pipeline's bytes
// are valid only during its callback, and one frame can complete several messages (a TCP
// segment), so each is copied; the slots (and their parsed messages' vectors) are reused, so
// this stops allocating once warm. next() hands out the slot itself: one copy per message.
struct Pending {
    ReadMessage read;
    std::string bytes;
    std::vector<std::uint64_t> frames; // the frames of a multi-frame message, copied likewise
};

} // namespace

struct MessageReader::Impl {
    std::vector<std::string> paths;
    std::size_t next_path = 0;
    MessageReaderOptions options;
    PayloadParser parser;

    std::unique_ptr<capture::FrameSource> source;
    std::unique_ptr<Pipeline> pipeline;
    bool source_ended = false; // the source gave its last frame; finish() was called
    capture::Frame frame;

    std::vector<Pending> pending;
    std::size_t pending_count = 0; // slots in use
    std::size_t pending_head = 0;  // next slot to hand out

    std::vector<InputReport> inputs;

    explicit Impl(MessageReaderOptions o) : options(std::move(o)) {
        // PayloadParser cuts datagrams at Content-Length from what it parsed anyway.
        if (options.detail == MessageDetail::parsed) options.decode.trim_datagrams = false;
    }

    void start_pipeline() {
        pipeline = std::make_unique<Pipeline>(
            [this](const SipPayload& p) {
                if (pending_count == pending.size()) pending.emplace_back();
                Pending& slot = pending[pending_count++];
                slot.read.payload = p;
                slot.read.input = inputs.size() - 1;
                if (options.detail != MessageDetail::framing) slot.bytes.assign(p.bytes);
                slot.frames.assign(p.frames.begin(), p.frames.end());
            },
            options.decode);
        source_ended = false;
    }

    // Opens the next path; false when there is none left.
    bool open_next() {
        if (next_path >= paths.size()) return false;
        InputReport& report = inputs.emplace_back();
        report.name = paths[next_path++];
        auto opened = capture::open(report.name, options.open);
        if (!opened) {
            report.error = std::move(opened.error());
            if (options.on_input_end) options.on_input_end(report);
            return true;
        }
        source = std::move(*opened);
        start_pipeline();
        return true;
    }

    void close_input() {
        InputReport& report = inputs.back();
        report.outcome = source->outcome();
        report.problems = source->problems();
        report.stats = pipeline->stats();
        source.reset();
        pipeline.reset();
        if (options.on_input_end) options.on_input_end(report);
    }

    const ReadMessage* deliver() {
        Pending& slot = pending[pending_head++];
        ReadMessage& read = slot.read;
        read.payload.bytes = slot.bytes; // the slot's own copy (empty for framing)
        read.payload.frames = slot.frames;
        if (options.detail == MessageDetail::parsed) parser.parse(read.payload, read.message);
        return &read;
    }

    const ReadMessage* next() {
        for (;;) {
            if (pending_head < pending_count) return deliver();
            pending_head = pending_count = 0;
            if (source && !source_ended) {
                if (source->next(frame) == capture::ReadStatus::frame) {
                    if (options.on_frame) options.on_frame(frame);
                    pipeline->feed(frame);
                } else {
                    pipeline->finish(); // may still complete messages: hand them out first
                    source_ended = true;
                }
            } else if (source) {
                close_input();
            } else if (!open_next()) {
                return nullptr;
            }
        }
    }
};

MessageReader::MessageReader(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

MessageReader::MessageReader(std::vector<std::string> paths, MessageReaderOptions options)
    : m_impl(std::make_unique<Impl>(std::move(options))) {
    m_impl->paths =
        m_impl->options.expand_directories ? capture::expand_inputs(paths) : std::move(paths);
}

tl::expected<MessageReader, capture::CaptureError>
MessageReader::live(const capture::LiveOptions& capture, MessageReaderOptions options) {
    auto source = capture::open_live(capture);
    if (!source) return tl::unexpected(std::move(source.error()));
    auto impl = std::make_unique<Impl>(std::move(options));
    impl->inputs.emplace_back().name = capture.interface;
    impl->source = std::move(*source);
    impl->start_pipeline();
    return MessageReader(std::move(impl));
}

MessageReader::MessageReader(MessageReader&&) noexcept = default;
MessageReader& MessageReader::operator=(MessageReader&&) noexcept = default;
MessageReader::~MessageReader() = default;

const ReadMessage* MessageReader::next() {
    return m_impl->next();
}

const std::vector<InputReport>& MessageReader::inputs() const {
    return m_impl->inputs;
}

const capture::FrameSource* MessageReader::source() const {
    return m_impl->source.get();
}

} // namespace sipdx::decode
