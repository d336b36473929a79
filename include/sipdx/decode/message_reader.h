// SIP messages out of captures, one at a time: the capture -> decode -> parse loop in one place.
//
//   decode::MessageReader reader({"a.pcap", "traces/"});
//   while (const decode::ReadMessage* m = reader.next()) use(m->payload, m->message);
//   for (const decode::InputReport& input : reader.inputs()) ... // problems, decode stats
//
// Inputs are read one after the other in the order given, each through its own Pipeline, so
// reassembly never mixes files and every input has its own stats (to merge several captures by
// time into one trace, use analysis::Analyzer). It lives in the decode stage because that is the
// first stage that has everything it needs (capture, the pipeline, PayloadParser): a program
// that only lists messages links nothing above decode. Not thread-safe.
#pragma once

#include <sipdx/capture/live.h>
#include <sipdx/capture/source.h>
#include <sipdx/decode/packet.h>
#include <sipdx/decode/pipeline.h>
#include <sipdx/sip/message.h>

#include <tl/expected.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sipdx::decode {

// One message. Valid until the next call to MessageReader::next(): `payload.bytes` and every
// view in `message` point into a buffer the reader reuses.
struct ReadMessage {
    SipPayload payload;
    sip::Message message;  // empty unless MessageReaderOptions::detail is parsed
    std::size_t input = 0; // index into MessageReader::inputs()
};

// What happened to one input: its name from the start, the rest once it has been read to the
// end (when on_input_end sees it).
struct InputReport {
    std::string name;                           // the path as given, "-", or the interface
    std::optional<capture::CaptureError> error; // it could not be opened (nothing else is set)
    capture::Outcome outcome = capture::Outcome::nothing_read;
    std::vector<capture::Problem> problems; // read problems, one per kind (capture/source.h)
    Stats stats;                            // what the decoder saw and skipped

    // Opened, read without a problem, and nothing skipped by the decoder.
    [[nodiscard]] bool clean() const {
        return !error && outcome == capture::Outcome::clean && stats.skipped_total() == 0;
    }
};

// How much of each message the reader prepares; less is faster.
enum class MessageDetail : std::uint8_t {
    parsed, // payload with its bytes, and the parsed message
    bytes,  // payload with its bytes, unparsed
    // payload without bytes (empty): addresses, transport, encapsulation, findings. Saves
    // copying every message, for a program that only counts or only captures.
    framing,
};

struct MessageReaderOptions {
    PipelineOptions decode;
    capture::OpenOptions open;
    MessageDetail detail = MessageDetail::parsed;
    // A directory stands for the regular files in it, sorted (capture::expand_inputs).
    bool expand_directories = true;
    // Called with every frame as it is read, before it is decoded (e.g. to save it).
    std::function<void(const capture::Frame&)> on_frame;
    // Called once per input when it has been read to the end or failed to open, before the
    // next input is opened: the place to report its problems next to its messages.
    std::function<void(const InputReport&)> on_input_end;
};

class MessageReader {
public:
    // Files, directories or "-" (stdin); nothing is opened before the first next().
    explicit MessageReader(std::vector<std::string> paths, MessageReaderOptions options = {});
    // One live interface (capture/live.h). Fails as capture::open_live() does.
    [[nodiscard]] static tl::expected<MessageReader, capture::CaptureError>
    live(const capture::LiveOptions& capture, MessageReaderOptions options = {});

    MessageReader(MessageReader&&) noexcept;
    MessageReader& operator=(MessageReader&&) noexcept;
    ~MessageReader();

    // The next message in input order, or nullptr when every input has been read (then every
    // later call returns nullptr too). On a pipe or a live interface it blocks until a message
    // is complete or the input ends.
    [[nodiscard]] const ReadMessage* next();

    // The inputs opened (or tried) so far, in order; the last one may still be being read.
    [[nodiscard]] const std::vector<InputReport>& inputs() const;
    // The source being read, or nullptr between inputs. A live reader's source is open from
    // the start, so its interfaces() are known before the first frame.
    [[nodiscard]] const capture::FrameSource* source() const;

private:
    struct Impl;
    explicit MessageReader(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace sipdx::decode
