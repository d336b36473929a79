#include <sipdx/analysis/filter.h>

#include "analysis/detail/frame_peek.h"

#include <sipdx/capture/source.h>
#include <sipdx/capture/writer.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_set>

namespace sipdx::analysis {

namespace {

struct MessageRef {
    std::uint32_t source = 0;
    std::uint64_t frame = 0;
    std::uint64_t call = 0; // hash of the Call-ID
    session::Endpoint src;
    session::Endpoint dst;
    decode::Transport transport = decode::Transport::udp;
    bool multi_frame = false;
};

// Frames (first..last) of one direction of one flow that may hold a selected message's bytes.
struct Range {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    session::Endpoint src;
    session::Endpoint dst;
    bool stream = false; // TCP-like: match ports; otherwise IP fragments of the address pair
};

using FlowKey = std::tuple<std::uint32_t, std::array<std::uint8_t, 16>, std::uint16_t,
                           std::array<std::uint8_t, 16>, std::uint16_t, int>;

bool in_range(const Range& r, const detail::FramePeek& p) {
    if (!(p.src == r.src.address) || !(p.dst == r.dst.address)) return false;
    if (r.stream) return p.protocol == 6 && p.sport == r.src.port && p.dport == r.dst.port;
    return p.fragment;
}

} // namespace

tl::expected<FilterResult, std::string> filter_capture(const std::vector<std::string>& paths,
                                                       const RecordFilter& filter,
                                                       const std::string& output) {
    FilterResult result;
    std::vector<MessageRef> messages;
    std::unordered_set<std::uint64_t> selected;

    AnalyzeOptions options;
    options.explain = false;
    options.on_message = [&](const MessageContext& m) {
        const session::SipEvent& e = m.event;
        messages.push_back({e.source, e.frame, session::content_hash(e.call_id), e.src, e.dst,
                            e.transport, e.multi_frame});
    };
    Analyzer analyzer(options);
    analyzer.on_record([&](session::CallRecord&& r) {
        if (!filter.matches(r)) return;
        ++result.call_ids;
        selected.insert(session::content_hash(r.call_id));
    });
    result.run = analyzer.run(paths);
    const auto files = expand_inputs(paths);

    // The frames to copy, per input.
    std::vector<std::unordered_set<std::uint64_t>> frames(files.size());
    std::vector<std::vector<Range>> ranges(files.size());
    std::map<FlowKey, std::uint64_t> last_on_flow;
    for (const auto& m : messages) {
        const FlowKey key{m.source,   m.src.address.bytes,          m.src.port, m.dst.address.bytes,
                          m.dst.port, static_cast<int>(m.transport)};
        auto& previous = last_on_flow[key];
        if (selected.count(m.call) && m.source < frames.size()) {
            ++result.messages;
            frames[m.source].insert(m.frame);
            if (m.multi_frame) {
                const bool stream = m.transport != decode::Transport::udp;
                std::uint64_t first = previous + 1;
                if (!stream && m.frame > 256) first = std::max(first, m.frame - 256);
                ranges[m.source].push_back({first, m.frame, m.src, m.dst, stream});
            }
        }
        previous = std::max(previous, m.frame);
    }

    capture::WriterOptions writer_options;
    writer_options.format = capture::WriterFormat::pcapng;
    writer_options.section_comment = "sipdx filter";
    auto writer = capture::CaptureWriter::create(output, writer_options);
    if (!writer) return tl::unexpected(writer.error().message());
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
            bool wanted = frames[i].count(frame.number) != 0;
            if (!wanted) {
                std::optional<detail::FramePeek> peek;
                for (const auto& r : ranges[i]) {
                    if (frame.number < r.first || frame.number > r.last) continue;
                    if (!peek) peek = detail::peek_frame(frame);
                    if (!peek) break;
                    if (in_range(r, *peek)) {
                        wanted = true;
                        break;
                    }
                }
            }
            if (!wanted) continue;
            const auto key =
                std::make_tuple(i, frame.interface_id, static_cast<int>(frame.link_type));
            auto it = interfaces.find(key);
            if (it == interfaces.end()) {
                capture::WriterInterface iface;
                iface.link_type = frame.link_type;
                iface.tsresol = 9;
                auto id = (*writer)->add_interface(iface);
                if (!id) return tl::unexpected(id.error().message());
                it = interfaces.emplace(key, *id).first;
            }
            capture::WriterPacket packet;
            packet.interface_id = it->second;
            packet.time_ns = frame.time_ns;
            packet.data = frame.data;
            packet.original_length = frame.original_length;
            packet.comment = frame.comment;
            if (auto ok = (*writer)->write(packet); !ok)
                return tl::unexpected(ok.error().message());
            ++result.frames_written;
        }
    }
    if (interfaces.empty()) {
        // An empty selection still gives a valid capture Wireshark opens.
        capture::WriterInterface iface;
        if (auto id = (*writer)->add_interface(iface); !id)
            return tl::unexpected(id.error().message());
    }
    if (auto ok = (*writer)->flush(); !ok) return tl::unexpected(ok.error().message());
    return result;
}

} // namespace sipdx::analysis
