#include <sipdx/analysis/filter.h>

#include <sipdx/capture/source.h>
#include <sipdx/capture/writer.h>

#include <algorithm>
#include <map>
#include <unordered_set>

namespace sipdx::analysis {

namespace {

struct MessageRef {
    std::uint32_t source = 0;
    std::uint64_t call = 0;      // hash of the Call-ID
    std::size_t first_frame = 0; // into the frame list
    std::size_t frame_count = 0;
};

} // namespace

tl::expected<FilterResult, capture::CaptureError> filter_capture(
    const std::vector<std::string>& paths, const RecordFilter& filter, const std::string& output,
    std::function<void(std::uint64_t, std::uint64_t)> progress, const FilterExtras& extras) {
    FilterResult result;
    std::vector<MessageRef> messages;
    std::vector<std::uint64_t> message_frames; // every message's frames (TCP segments, fragments)
    std::unordered_set<std::uint64_t> selected;
    std::vector<std::string> selected_ids;

    AnalyzeOptions options;
    options.explain = false;
    options.progress = std::move(progress);
    options.on_message = [&](const MessageContext& m) {
        const session::SipEvent& e = m.event;
        const auto frames = m.payload.all_frames();
        messages.push_back(
            {e.source, session::content_hash(e.call_id), message_frames.size(), frames.size()});
        message_frames.insert(message_frames.end(), frames.begin(), frames.end());
    };
    if (extras.prepare) extras.prepare(options);
    Analyzer analyzer(options);
    analyzer.on_record([&](session::CallRecord&& r) {
        if (!filter.matches(r)) return;
        ++result.call_ids;
        selected.insert(session::content_hash(r.call_id));
        if (extras.frames_of) selected_ids.push_back(r.call_id);
    });
    result.run = analyzer.run(paths);
    const auto files = expand_inputs(paths);

    // The frames to copy, per input: every frame each selected message was made of.
    std::vector<std::unordered_set<std::uint64_t>> frames(files.size());
    for (const auto& m : messages) {
        if (!selected.count(m.call) || m.source >= frames.size()) continue;
        ++result.messages;
        for (std::size_t i = 0; i < m.frame_count; ++i)
            frames[m.source].insert(message_frames[m.first_frame + i]);
    }
    if (extras.frames_of) {
        const auto more = extras.frames_of(selected_ids);
        for (std::size_t i = 0; i < more.size() && i < frames.size(); ++i)
            frames[i].insert(more[i].begin(), more[i].end());
    }

    // A name ending in .pcap asks for classic pcap (as `live -w` does), any other pcapng.
    const bool classic = output.size() > 5 && output.ends_with(".pcap");
    capture::WriterOptions writer_options;
    writer_options.format =
        classic ? capture::WriterFormat::pcap_ns : capture::WriterFormat::pcapng;
    writer_options.section_comment = "sipdx filter";
    auto writer = capture::CaptureWriter::create(output, writer_options);
    if (!writer) return tl::unexpected(writer.error());
    std::map<std::tuple<std::size_t, std::uint32_t, int>, std::uint32_t> interfaces;

    for (std::size_t i = 0; i < files.size(); ++i) {
        if (frames[i].empty()) continue;
        auto source = capture::open(files[i]);
        if (!source) continue; // reported by the first pass
        std::uint64_t last_wanted = 0;
        for (auto f : frames[i])
            last_wanted = std::max(last_wanted, f);
        capture::Frame frame;
        while ((*source)->next(frame) == capture::ReadStatus::frame) {
            if (frame.number > last_wanted) break;
            if (frames[i].count(frame.number) == 0) continue;
            // Classic pcap has one interface: every frame shares it, if the link types agree.
            const auto key =
                classic ? std::make_tuple(std::size_t{0}, std::uint32_t{0},
                                          static_cast<int>(frame.link_type))
                        : std::make_tuple(i, frame.interface_id, static_cast<int>(frame.link_type));
            auto it = interfaces.find(key);
            if (it == interfaces.end() && classic && !interfaces.empty())
                return tl::unexpected(capture::CaptureError{
                    capture::CaptureErrorCode::unsupported, output, 0,
                    "the selected frames have several link types, which one pcap file cannot "
                    "hold: write to a .pcapng file"});
            if (it == interfaces.end()) {
                capture::WriterInterface iface;
                iface.link_type = frame.link_type;
                iface.tsresol = 9;
                auto id = (*writer)->add_interface(iface);
                if (!id) return tl::unexpected(id.error());
                it = interfaces.emplace(key, *id).first;
            }
            capture::WriterPacket packet;
            packet.interface_id = it->second;
            packet.time_ns = frame.time_ns;
            packet.data = frame.data;
            packet.original_length = frame.original_length;
            packet.comment = frame.comment;
            if (auto ok = (*writer)->write(packet); !ok) return tl::unexpected(ok.error());
            ++result.frames_written;
        }
    }
    if (interfaces.empty()) {
        // An empty selection still gives a valid capture Wireshark opens.
        capture::WriterInterface iface;
        if (auto id = (*writer)->add_interface(iface); !id) return tl::unexpected(id.error());
    }
    if (auto ok = (*writer)->flush(); !ok) return tl::unexpected(ok.error());
    return result;
}

} // namespace sipdx::analysis
