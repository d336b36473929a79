// TCP (RFC 9293): the flow table, each direction reassembled into a byte stream and classified
// (SIP, TLS, HTTP upgrade to WebSocket, RTP framed by RFC 4571, other); SIP streams are framed
// per RFC 3261 section 18.3, RTP streams by their length prefix and offered to the payload
// consumers like a datagram.
// After a capture hole the stream resynchronises on the next SIP start line behind it.
#include "decode/layers/layers.h"

#include <sipdx/sip/framing.h>
#include <sipdx/text/text.h>

#include "decode/detail/websocket.h"

#include <algorithm>
#include <tuple>

namespace sipdx::decode::layers {

std::size_t FlowKeyHash::operator()(const FlowKey& k) const noexcept {
    detail::FragmentKey f{k.a, k.b, (static_cast<std::uint32_t>(k.a_port) << 16) | k.b_port, 0,
                          k.path};
    return detail::FragmentKeyHash{}(f);
}

namespace {

// How much of the bytes held behind a hole is searched for a complete message.
constexpr std::size_t resync_window = 64 * 1024;

// The two ends and the path of one direction, for the payloads of its messages.
struct Ends {
    Address src;
    Address dst;
    std::uint16_t sport = 0;
    std::uint16_t dport = 0;
    Encap encap;
    DecodeFindings findings;
};

bool looks_like_tls_record(std::string_view b) {
    if (b.size() < 5) return false;
    const auto type = static_cast<std::uint8_t>(b[0]);
    const auto major = static_cast<std::uint8_t>(b[1]);
    const auto minor = static_cast<std::uint8_t>(b[2]);
    const auto length = (static_cast<std::uint8_t>(b[3]) << 8) | static_cast<std::uint8_t>(b[4]);
    return type >= 20 && type <= 24 && major == 3 && minor <= 4 && length <= (1 << 14) + 2048;
}

// The end of the header block (after the empty line), or 0 when it is not in `s`.
std::size_t head_end(std::string_view s, std::size_t from) {
    for (std::size_t i = s.find('\n', from); i != std::string_view::npos; i = s.find('\n', i + 1)) {
        if (i + 1 < s.size() && s[i + 1] == '\n') return i + 2;
        if (i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') return i + 3;
    }
    return 0;
}

// An RFC 4571 frame at `at`: a 16-bit length, then an RTP or RTCP header (version 2; RTCP's
// packet types 192-223 need 8 bytes, RTP's fixed header 12). SIP text never matches: its
// third byte is a letter, below 0x80.
bool rfc4571_frame_at(std::string_view b, std::size_t at) {
    if (b.size() < at + 4) return false;
    const std::size_t length =
        (static_cast<std::uint8_t>(b[at]) << 8) | static_cast<std::uint8_t>(b[at + 1]);
    const auto first = static_cast<std::uint8_t>(b[at + 2]);
    const auto type = static_cast<std::uint8_t>(b[at + 3]);
    if ((first >> 6) != 2) return false;
    const bool rtcp = type >= 192 && type <= 223;
    return length >= (rtcp ? 8u : 12u);
}

// A stream that begins with one RFC 4571 frame, and a second one behind it when the bytes
// reach that far.
bool looks_like_rfc4571(std::string_view b) {
    if (!rfc4571_frame_at(b, 0)) return false;
    const std::size_t next =
        2 + ((static_cast<std::uint8_t>(b[0]) << 8) | static_cast<std::uint8_t>(b[1]));
    return b.size() < next + 4 || rfc4571_frame_at(b, next);
}

void count_tls(Decoder& d, Flow& flow, std::uint16_t server_port) {
    if (flow.tls_counted) return;
    flow.tls_counted = true;
    ++d.stats.tls_flows;
    auto& ports = d.stats.tls_ports;
    auto it = std::lower_bound(ports.begin(), ports.end(), server_port,
                               [](const auto& e, std::uint16_t p) { return e.first < p; });
    if (it != ports.end() && it->first == server_port) {
        ++it->second;
    } else if (ports.size() < 64) { // bounded: a scan over every port lists the first 64
        ports.insert(it, {server_port, 1});
    }
}

void classify(Decoder& d, Flow& flow, std::size_t which, const Ends& e) {
    Direction& dir = flow.dir[which];
    const std::string_view buf = dir.stream.pending();
    if (buf.empty()) return;
    if (looks_like_tls_record(buf)) {
        // The server's port: the well-known one when one end has it, else the lower one.
        std::uint16_t port = std::min(e.sport, e.dport);
        if (e.sport == 5061 || e.sport == 443) port = e.sport;
        if (e.dport == 5061 || e.dport == 443) port = e.dport;
        count_tls(d, flow, port);
        flow.dir[0].mode = flow.dir[1].mode = StreamMode::tls;
        return;
    }
    if (text::istarts_with(buf, "get ") || text::istarts_with(buf, "http/1.")) {
        dir.mode = StreamMode::http;
        return;
    }
    if (buf.size() >= 2 && detail::looks_like_ws_sip(detail::as_bytes(buf))) {
        dir.mode = StreamMode::ws; // WebSocket picked up mid-stream (handshake not captured)
        count_ws(d, flow);
        return;
    }
    // RTP over TCP only interests a payload analyzer: with the SIP framing alone, nothing here
    // runs, and SIP-only runs classify as before.
    if (d.has_other_consumers()) {
        const auto first = static_cast<unsigned char>(buf[0]);
        if (buf.size() < 4 && first < 0x20 && first != '\r' && first != '\n')
            return; // a length prefix's first byte: wait for the header behind it
        if (looks_like_rfc4571(buf)) {
            dir.mode = StreamMode::rtp;
            return;
        }
    }
    dir.mode = StreamMode::sip; // SIP, or unknown bytes that framing will resynchronise on
}

// After a partial result (its skipped bytes already consumed): remember how far the head was
// searched, or, with the head complete, the size framing needs (the framer's own figure).
void set_hint(Direction& dir, const sip::FrameResult& r) {
    dir.hint.at = UINT64_MAX;
    const std::string_view buf = dir.stream.pending();
    if (buf.empty()) return;
    if (r.needed == 0) {
        dir.hint = {dir.stream.pending_offset(), buf.size(), 0};
        return;
    }
    const std::size_t need = r.needed - r.skipped;
    if (need > buf.size()) dir.hint = {dir.stream.pending_offset(), 0, need};
}

Payload stream_payload(const Ends& e, Transport t) {
    Payload p;
    p.src = e.src;
    p.dst = e.dst;
    p.sport = e.sport;
    p.dport = e.dport;
    p.transport = t;
    p.encap = e.encap;
    p.findings = e.findings;
    return p;
}

// A payload for stream bytes [start, end): stamped with the frame that completed it, listing
// every frame it came from, and marked reassembled when it began before this segment.
Payload range_payload(Decoder& d, Direction& dir, const Ends& e, std::uint64_t start,
                      std::uint64_t end, std::uint64_t segment_start) {
    Payload p = stream_payload(e, Transport::tcp);
    detail::Piece last;
    dir.stream.frames_of(start, end, d.scratch_frames, last);
    p.frame = last.frame;
    p.time_ns = last.time_ns;
    p.file_offset = last.file_offset;
    p.interface_id = last.interface_id;
    if (d.scratch_frames.size() > 1) p.frames = d.scratch_frames;
    if (start < segment_start) p.findings.set(DecodeFinding::tcp_reassembled);
    return p;
}

// Frames every complete SIP message at the head of the pending bytes. Each is stamped with the
// frame that completed it (the latest of the frames its bytes came in) and that frame's time.
void sip_stream(Decoder& d, Direction& dir, const Ends& e, std::uint64_t segment_start) {
    for (;;) {
        std::string& buf = dir.stream.pending();
        if (buf.empty()) return;
        if (dir.hint.at == dir.stream.pending_offset()) {
            if (dir.hint.need > 0) {
                if (buf.size() < dir.hint.need) return;
            } else {
                const std::size_t from = dir.hint.head_scanned > 3 ? dir.hint.head_scanned - 3 : 0;
                if (head_end(buf, from) == 0) {
                    dir.hint.head_scanned = buf.size();
                    return;
                }
            }
        }
        const auto r = sip::frame_stream(buf);
        if (r.status == sip::FrameStatus::not_sip) {
            // Keep an unterminated last line: a start line may straddle two segments.
            const auto nl = buf.rfind('\n');
            const std::size_t keep = nl == std::string::npos ? buf.size() : buf.size() - nl - 1;
            if (keep > 1024) {
                dir.stream.discard_pending();
            } else {
                dir.stream.consume(buf.size() - keep);
            }
            return;
        }
        if (r.status == sip::FrameStatus::partial) {
            if (r.junk) dir.gap = true; // report the junk on the message that follows
            dir.stream.consume(r.skipped);
            set_hint(dir, r);
            return;
        }
        const std::uint64_t start = dir.stream.pending_offset() + r.skipped;
        Payload p = range_payload(d, dir, e, start, start + r.length, segment_start);
        if (r.junk) p.findings.set(DecodeFinding::junk_before_message);
        if (r.content_length_missing) p.findings.set(DecodeFinding::content_length_missing);
        if (dir.gap) p.findings.set(DecodeFinding::tcp_gap);
        if (dir.overlap) p.findings.set(DecodeFinding::tcp_overlap_mismatch);
        if (start < dir.after_gap_end) {
            p.findings.set(DecodeFinding::tcp_after_gap);
            ++d.stats.tcp_gap_messages;
        }
        dir.gap = dir.overlap = false;
        p.bytes = std::string_view(buf).substr(r.skipped, r.length);
        d.deliver(p);
        dir.stream.consume(r.skipped + r.length);
    }
}

// RFC 4571: every complete length-prefixed packet at the head of the pending bytes, offered to
// the payload consumers (the same hand-off as a UDP datagram, transport TCP), stamped with the
// frame that completed it. After a capture hole the framing is found again on two frames in a
// row within the next 4 KiB, else the held bytes are dropped until the next segment.
void rtp_stream(Decoder& d, Direction& dir, const Ends& e, std::uint64_t segment_start) {
    if (dir.gap) {
        const std::string_view buf = dir.stream.pending();
        const std::size_t window = std::min<std::size_t>(buf.size(), 4096);
        std::size_t at = 0;
        while (at < window && !(rfc4571_frame_at(buf, at) && looks_like_rfc4571(buf.substr(at))))
            ++at;
        if (at == window) {
            dir.stream.discard_pending();
            return;
        }
        dir.stream.consume(at);
        dir.gap = false;
    }
    for (;;) {
        const std::string_view buf = dir.stream.pending();
        if (buf.size() < 2) return;
        const std::size_t length =
            (static_cast<std::uint8_t>(buf[0]) << 8) | static_cast<std::uint8_t>(buf[1]);
        if (buf.size() < 2 + length) return;
        const std::uint64_t start = dir.stream.pending_offset();
        Payload p = range_payload(d, dir, e, start, start + 2 + length, segment_start);
        p.bytes = buf.substr(2, length);
        d.offer(p);
        dir.stream.consume(2 + length);
    }
}

// Bytes that filled, late, part of a hole already given up on: framed on their own.
void late_bytes(Decoder& d, const Ends& e, Bytes late) {
    std::string_view rest = detail::as_text(late);
    for (int i = 0; i < 64 && !rest.empty(); ++i) {
        const auto r = sip::frame_stream(rest);
        if (r.status != sip::FrameStatus::complete) return;
        Payload p = stream_payload(e, Transport::tcp);
        p.frame = d.frame->number;
        p.time_ns = d.frame->time_ns;
        p.file_offset = d.frame->file_offset;
        p.interface_id = d.frame->interface_id;
        p.findings.set(DecodeFinding::tcp_after_gap);
        ++d.stats.tcp_gap_messages;
        p.bytes = rest.substr(r.skipped, r.length);
        d.deliver(p);
        rest.remove_prefix(r.skipped + r.length);
    }
}

// Bytes held behind a hole that already hold a complete SIP message: the hole is capture loss
// (a reordered segment would not be followed by a whole message), so give it up now and
// deliver what follows, each message with its own frame, instead of waiting.
bool resync_worthwhile(Decoder& d, Direction& dir) {
    if (!dir.stream.has_hole() || (dir.mode != StreamMode::sip && dir.mode != StreamMode::unknown))
        return false;
    const std::string_view run = dir.stream.held_run(d.scratch_run, resync_window);
    return sip::frame_stream(run).status == sip::FrameStatus::complete;
}

void stream_bytes(Decoder& d, Ctx& c, Flow& flow, std::size_t which, const Ends& e,
                  std::uint64_t segment_start, std::size_t appended) {
    Direction& dir = flow.dir[which];
    std::string& buf = dir.stream.pending();
    for (int rounds = 0; rounds < 4; ++rounds) {
        if (dir.mode == StreamMode::unknown) classify(d, flow, which, e);
        switch (dir.mode) {
        case StreamMode::unknown:
            return; // waiting for more bytes to decide
        case StreamMode::tls:
        case StreamMode::other:
            if (dir.mode == StreamMode::tls)
                d.stats.tls_bytes += dir.stream.keeping() ? buf.size() : appended;
            dir.stream.stop_keeping();
            return;
        case StreamMode::http:
            if (!http_upgrade(d, flow, which)) return;
            continue; // switched to ws (or other): process the rest in the new mode
        case StreamMode::ws:
            return ws_frames(d, c, flow, which);
        case StreamMode::sip:
            return sip_stream(d, dir, e, segment_start);
        case StreamMode::rtp:
            return rtp_stream(d, dir, e, segment_start);
        }
    }
}

Ends ends_of(const FlowKey& key, const Flow& flow, std::size_t which) {
    Ends e;
    e.src = which == 0 ? key.a : key.b;
    e.dst = which == 0 ? key.b : key.a;
    e.sport = which == 0 ? key.a_port : key.b_port;
    e.dport = which == 0 ? key.b_port : key.a_port;
    e.encap = flow.encap;
    return e;
}

// A flow that goes (closed, evicted, idle, end of input): what it still held. Complete
// messages behind a hole are delivered; a partial SIP message is counted as incomplete.
void flush_flow(Decoder& d, const FlowKey& key, Flow& flow, bool deliver) {
    for (std::size_t which = 0; which < 2; ++which) {
        Direction& dir = flow.dir[which];
        if (deliver && dir.mode == StreamMode::sip && dir.stream.has_hole()) {
            detail::SegmentOutcome outcome;
            dir.stream.skip_hole(outcome);
            ++d.stats.tcp_gaps;
            dir.gap = true;
            dir.after_gap_end = dir.stream.pending_offset() + dir.stream.pending().size();
            dir.hint.at = UINT64_MAX;
            sip_stream(d, dir, ends_of(key, flow, which), UINT64_MAX);
        }
        if (dir.mode == StreamMode::sip && (!dir.stream.pending().empty() || dir.stream.has_hole()))
            ++d.stats.incomplete_at_end;
    }
}

} // namespace

void tcp(Decoder& d, Ctx& c, Bytes b) {
    if (!d.push(c, Layer::tcp)) return;
    if (b.size() < 20) return d.skip(SkipReason::truncated);
    c.transport = 1;
    const std::size_t doff = (b[12] >> 4) * 4u;
    if (doff < 20) return d.skip(SkipReason::malformed);
    if (doff > b.size()) return d.skip(SkipReason::truncated);
    c.sport = detail::be16(b, 0);
    c.dport = detail::be16(b, 2);
    const std::uint32_t seq = detail::be32(b, 4);
    const std::uint8_t flags = b[13];
    const bool fin = (flags & 0x01) != 0;
    const bool syn = (flags & 0x02) != 0;
    const bool rst = (flags & 0x04) != 0;
    Bytes payload = b.subspan(doff);
    if (c.findings.has(DecodeFinding::truncated) && !payload.empty()) {
        // A snapped segment would corrupt the stream: drop its bytes, the hole is skipped.
        d.skip(SkipReason::truncated);
        payload = {};
    }
    if (payload.empty() && !syn && !fin && !rst) return;

    const bool forward = std::tie(c.src.family, c.src.bytes, c.sport) <=
                         std::tie(c.dst.family, c.dst.bytes, c.dport);
    const FlowKey key = forward ? FlowKey{c.src, c.dst, c.sport, c.dport, c.path}
                                : FlowKey{c.dst, c.src, c.dport, c.sport, c.path};
    auto it = d.tcp.find(key);
    if (it == d.tcp.end()) {
        if (rst || (payload.empty() && !syn)) return;
        const detail::TcpLimits limits{d.options.max_stream_buffer, 2'000'000'000};
        it = d.tcp.add(key, Flow(limits), [&](TcpFlows::Entry& gone) {
            ++d.stats.tcp_flows_evicted;
            flush_flow(d, gone.key, gone.flow, true);
        });
        it->flow.encap = c.encap;
        ++d.stats.tcp_streams;
    }
    Flow& flow = it->flow;
    flow.last_ns = d.frame->time_ns;
    const std::size_t which = forward ? 0 : 1;
    Direction& dir = flow.dir[which];
    const std::uint64_t segment_start = dir.stream.pending_offset() + dir.stream.pending().size();
    const detail::SegmentSource source{d.frame->number, d.frame->time_ns, d.frame->file_offset,
                                       d.frame->interface_id, c.ip_frames};
    auto outcome = dir.stream.segment(seq, syn, payload, source);
    if (!outcome.gap && resync_worthwhile(d, dir)) dir.stream.skip_hole(outcome);
    const Ends e{c.src, c.dst, c.sport, c.dport, c.encap, c.findings};
    if (outcome.retransmission) ++d.stats.tcp_retransmissions;
    if (outcome.gap) {
        ++d.stats.tcp_gaps;
        dir.gap = true;
        dir.after_gap_end = dir.stream.pending_offset() + dir.stream.pending().size();
        dir.hint.at = UINT64_MAX;
    }
    if (outcome.overlap_mismatch) dir.overlap = true;
    if (outcome.dropped) d.skip(SkipReason::stream_limit);
    if (!outcome.late.empty() && dir.mode == StreamMode::sip) late_bytes(d, e, outcome.late);
    if (outcome.appended > 0 || outcome.gap) {
        stream_bytes(d, c, flow, which, e, outcome.gap ? 0 : segment_start, outcome.appended);
    }
    if (fin) dir.fin = true;
    if (rst || (flow.dir[0].fin && flow.dir[1].fin)) {
        flush_flow(d, it->key, flow, true);
        d.tcp.erase(it);
    }
}

void tcp_expire(Decoder& d, std::int64_t idle_ns) {
    d.tcp.expire(d.frame->time_ns, idle_ns,
                 [&](TcpFlows::Entry& gone) { flush_flow(d, gone.key, gone.flow, true); });
}

void tcp_finish(Decoder& d) {
    d.tcp.for_each([&](TcpFlows::Entry& e) { flush_flow(d, e.key, e.flow, true); });
    d.tcp.clear();
}

} // namespace sipdx::decode::layers
