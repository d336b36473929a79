// WebSocket inside a TCP stream (RFC 6455, RFC 7118): the HTTP upgrade, then one SIP message
// per WebSocket message, text or binary, possibly fragmented, client frames masked.
#include "decode/layers/layers.h"

#include <sipdx/text/text.h>

#include "decode/detail/websocket.h"

#include <algorithm>

namespace sipdx::decode::layers {

void count_ws(Decoder& d, Flow& flow) {
    if (!flow.ws_counted) {
        flow.ws_counted = true;
        ++d.stats.ws_flows;
    }
}

// RFC 6455 section 4: the client's GET with "Upgrade: websocket", the server's 101.
bool http_upgrade(Decoder& d, Flow& flow, std::size_t which) {
    Direction& dir = flow.dir[which];
    const std::string_view buf = dir.stream.pending();
    const auto end = buf.find("\r\n\r\n");
    if (end == std::string_view::npos) {
        if (buf.size() > 16384) dir.mode = StreamMode::other;
        return dir.mode != StreamMode::http;
    }
    const std::string_view head = buf.substr(0, end + 4);
    if (text::istarts_with(head, "get ")) {
        const bool upgrade =
            text::icontains(head, "\nupgrade:") && text::icontains(head, "websocket");
        dir.mode = upgrade ? StreamMode::ws : StreamMode::other;
        flow.ws_requested = flow.ws_requested || upgrade;
    } else {
        const bool switching = head.size() > 12 && head.substr(8, 5) == " 101 ";
        dir.mode = switching && flow.ws_requested ? StreamMode::ws : StreamMode::other;
    }
    if (dir.mode == StreamMode::ws) count_ws(d, flow);
    dir.stream.consume(head.size());
    return true;
}

void ws_frames(Decoder& d, Ctx& c, Flow& flow, std::size_t which) {
    Direction& dir = flow.dir[which];
    for (;;) {
        std::string& buf = dir.stream.pending();
        detail::WsFrame f;
        const auto status = detail::parse_ws_frame(detail::as_bytes(buf), f);
        if (status == detail::WsStatus::partial) {
            if (f.payload_length > d.options.max_stream_buffer) {
                d.skip(SkipReason::stream_limit);
                dir.mode = StreamMode::other;
                dir.stream.discard_pending();
            }
            return;
        }
        if (status == detail::WsStatus::invalid) {
            d.skip(SkipReason::malformed);
            dir.mode = StreamMode::other;
            dir.stream.discard_pending();
            return;
        }
        const std::uint64_t at = dir.stream.pending_offset();
        const std::uint64_t size = f.header_length + f.payload_length;
        if (f.opcode <= 2) { // continuation, text, binary: SIP may use text or binary
            if (f.opcode != 0) {
                dir.ws_message.clear();
                dir.ws_frames = 0;
                dir.ws_message_frames.clear();
            }
            if (dir.ws_message.size() + f.payload_length > d.options.max_stream_buffer) {
                d.skip(SkipReason::stream_limit);
                dir.ws_message.clear();
            } else {
                detail::append_unmasked(detail::as_bytes(buf), f, dir.ws_message);
                ++dir.ws_frames;
                detail::Piece last;
                dir.stream.frames_of(at, at + size, d.scratch_frames, last);
                dir.ws_message_frames.insert(dir.ws_message_frames.end(), d.scratch_frames.begin(),
                                             d.scratch_frames.end());
            }
            if (f.fin && !dir.ws_message.empty()) {
                Ctx inner = c;
                if (!d.push(inner, Layer::ws)) return;
                if (dir.ws_frames > 1) inner.findings.set(DecodeFinding::ws_fragmented);
                if (dir.gap) inner.findings.set(DecodeFinding::tcp_gap);
                dir.gap = false;
                auto& frames = dir.ws_message_frames;
                std::sort(frames.begin(), frames.end());
                frames.erase(std::unique(frames.begin(), frames.end()), frames.end());
                Payload p = d.make_payload(inner, Transport::ws);
                p.bytes = dir.ws_message;
                if (frames.size() > 1) p.frames = frames;
                d.offer(p);
                dir.ws_message.clear();
                dir.ws_frames = 0;
                frames.clear();
            }
        }
        dir.stream.consume(size);
    }
}

} // namespace sipdx::decode::layers
