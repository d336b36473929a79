#!/usr/bin/env python3
"""Writes a pcap of one SIP call on loopback addresses with RTP at known impairments.

INVITE (SDP offer, PCMU/PCMA/telephone-event) -> 180 -> 200 (SDP answer) -> ACK, then RTP both
ways (20 ms G.711 packets), then BYE -> 200. The impairments are applied by this tool, so the
test knows exactly what sipdx must report:
  --loss-every N       drop every Nth packet of the caller's stream (1/N loss, single gaps)
  --burst K            drop K packets in a row once, mid-stream, in the caller's stream
  --reorder-every N    swap every Nth packet with the next one (callee's stream)
  --jitter-ms J        add alternately +J and 0 ms to the callee's send times
  --one-way            the callee sends no RTP at all
  --stop-early S       both streams stop S seconds before the BYE
  --wrap               the caller's sequence starts at 65500 (wraps during the call)
  --dtmf DIGITS        the caller sends RFC 4733 events for these digits
  --no-media           neither side sends RTP
  --early-media        the callee sends 1 s of RTP before the 200, with no SDP in its 180
  --codec PT           the caller sends this payload type instead of 0 (18: not offered)
  --nat                the caller's SDP gives 192.168.1.10 (private) as its address
  --hold               the callee sends a re-INVITE with a=sendonly mid-call
  --t38                the answer adds an m=image T.38 line
  --rtcp-rtt MS        SR from the caller each second, RR from the callee whose LSR/DLSR
                       make the round trip MS milliseconds
  --fax N              after the audio, the caller re-INVITEs to T.38 (m=image udptl t38), the
                       callee answers, and each side sends N UDPTL packets (30 ms apart)
  --fax-loss-every N   drop every Nth UDPTL packet of the caller
  --fax-redundancy K   the caller's packets carry the K previous IFPs as redundancy
  --fax-dup-every N    send every Nth UDPTL packet of the caller twice
  --fax-reorder-every N  swap every Nth UDPTL packet of the callee with the next one
  --fax-one-way        the callee sends no UDPTL
  --tcp                the audio is TCP/RTP/AVP (RFC 4571 framing, RFC 4145 a=setup): the
                       caller connects from its port to the callee's, both streams share the
                       connection, cut into segments that split and join packets
It prints a JSON object with the expected figures on stdout.
"""
import argparse
import json
import struct

CALLER = ("127.0.0.1", 5060, 40000, 40002)  # address, SIP, RTP, UDPTL ports
CALLEE = ("127.0.0.2", 5060, 50000, 50002)


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def packet(src, sport, dst, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    total = 20 + len(udp)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0, 64, 17, 0, ip4(src), ip4(dst))
    return b"\x00" * 12 + b"\x08\x00" + ip + udp


def sdp(addr, port, formats, maps, proto="RTP/AVP", setup=None):
    lines = ["v=0", f"o=- 1 1 IN IP4 {addr}", "s=-", f"c=IN IP4 {addr}", "t=0 0",
             f"m=audio {port} {proto} {' '.join(str(f) for f in formats)}"]
    lines += [f"a=rtpmap:{pt} {m}" for pt, m in maps] + ["a=sendrecv"]
    if setup:
        lines += [f"a=setup:{setup}", "a=connection:new"]
    return "\r\n".join(lines) + "\r\n"


def tcp_packet(src, sport, dst, dport, seq, ack, flags, payload=b""):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4,
                      flags, 65535, 0, 0) + payload
    total = 20 + len(tcp)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0, 64, 6, 0, ip4(src), ip4(dst))
    return b"\x00" * 12 + b"\x08\x00" + ip + tcp


def udptl(seq, ifp, secondaries):
    # T.38 UDPTL (aligned PER): sequence, primary IFP (length-prefixed), error recovery choice
    # 0 = redundancy, then the count and each secondary IFP (length-prefixed).
    out = struct.pack("!HB", seq & 0xFFFF, len(ifp)) + ifp + b"\x00" + bytes([len(secondaries)])
    for s in secondaries:
        out += bytes([len(s)]) + s
    return out


def ifp(seq):
    # A T.4 data IFP: type data (0xC0 | field type), then a few bytes that differ per packet.
    return bytes([0xC0, 0x01, seq & 0xFF, (seq >> 8) & 0xFF])


def fax_packets(frames, args, t_start, caller, callee):
    """UDPTL both ways; returns what sipdx must count for each side."""
    n = args.fax
    sent = []  # caller: (time, seq) as sent, duplicates included
    for i in range(n):
        if args.fax_loss_every and i % args.fax_loss_every == args.fax_loss_every - 1:
            continue
        sent.append((t_start + i * 0.03, i))
        if args.fax_dup_every and i % args.fax_dup_every == args.fax_dup_every - 1:
            sent.append((t_start + i * 0.03 + 0.001, i))
    for t, i in sent:
        red = [ifp(j) for j in range(i - 1, max(-1, i - 1 - args.fax_redundancy), -1)]
        frames.append((t, packet(caller[0], caller[3], callee[0], callee[3], udptl(i, ifp(i), red))))
    callee_sent = 0
    if not args.fax_one_way:
        order = list(range(n))
        if args.fax_reorder_every:
            for i in range(args.fax_reorder_every - 1, n - 1, args.fax_reorder_every):
                order[i], order[i + 1] = order[i + 1], order[i]
        for slot, i in enumerate(order):
            frames.append((t_start + 0.01 + slot * 0.03,
                           packet(callee[0], callee[3], caller[0], caller[3], udptl(i, ifp(i), []))))
            callee_sent += 1
    kept = sorted({i for _, i in sent})
    # Gaps whose end the next packet's redundancy covers (the drops are single packets here).
    missing = [i for i in range(kept[-1] + 1) if i not in kept] if kept else []
    return {"fax_caller_packets": len(sent), "fax_caller_lost": len(missing),
            "fax_caller_recovered": len(missing) if args.fax_redundancy else 0,
            "fax_caller_duplicates": len(sent) - len(kept), "fax_callee_packets": callee_sent,
            "fax_reordered": (n - 1) // args.fax_reorder_every if args.fax_reorder_every else 0}


def tcp_media(frames, streams, caller, callee, t_open):
    """RFC 4571 over one TCP connection from the caller's port to the callee's: handshake, then
    each direction's framed packets cut into segments of 150 and 400 bytes in turn, so that
    packets are split across segments and several share one."""
    seqs = {0: 1000, 1: 5000}
    acks = dict(seqs)  # each side acknowledges only the handshake: no ACK runs ahead of data
    frames.append((t_open, tcp_packet(caller[0], caller[2], callee[0], callee[2], 999, 0, 0x02)))
    frames.append((t_open + 0.001, tcp_packet(callee[0], callee[2], caller[0], caller[2], 4999,
                                              1000, 0x12)))
    frames.append((t_open + 0.002, tcp_packet(caller[0], caller[2], callee[0], callee[2], 1000,
                                              5000, 0x10)))
    for side, packets in streams.items():
        src, dst = (caller, callee) if side == 0 else (callee, caller)
        data = b""
        t_last = t_open
        sizes = [150, 400]
        k = 0
        for t, payload in packets:
            data += struct.pack("!H", len(payload)) + payload
            t_last = t
            while len(data) >= sizes[k % 2]:
                cut, data = data[:sizes[k % 2]], data[sizes[k % 2]:]
                frames.append((t, tcp_packet(src[0], src[2], dst[0], dst[2], seqs[side],
                                             acks[1 - side], 0x18, cut)))
                seqs[side] += len(cut)
                k += 1
        if data:
            frames.append((t_last, tcp_packet(src[0], src[2], dst[0], dst[2], seqs[side],
                                              acks[1 - side], 0x18, data)))
            seqs[side] += len(data)


def sip(first, call_id, cseq, method, from_tag, to_tag, body=""):
    hdr = [first, "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-" + method.lower() + str(cseq),
           f"From: <sip:alice@127.0.0.1>;tag={from_tag}",
           "To: <sip:bob@127.0.0.2>" + (f";tag={to_tag}" if to_tag else ""),
           f"Call-ID: {call_id}", f"CSeq: {cseq} {method}", "Contact: <sip:alice@127.0.0.1>"]
    if body:
        hdr.append("Content-Type: application/sdp")
    hdr.append(f"Content-Length: {len(body.encode())}")
    return ("\r\n".join(hdr) + "\r\n\r\n" + body).encode()


def rtp(seq, ts, ssrc, pt=0, marker=False, payload=b"\xff" * 160):
    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, seq & 0xFFFF,
                       ts & 0xFFFFFFFF, ssrc) + payload


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("output")
    ap.add_argument("--packets", type=int, default=500)
    ap.add_argument("--loss-every", type=int, default=0)
    ap.add_argument("--burst", type=int, default=0)
    ap.add_argument("--reorder-every", type=int, default=0)
    ap.add_argument("--jitter-ms", type=float, default=0)
    ap.add_argument("--one-way", action="store_true")
    ap.add_argument("--stop-early", type=float, default=0)
    ap.add_argument("--wrap", action="store_true")
    ap.add_argument("--dtmf", default="")
    ap.add_argument("--no-media", action="store_true")
    ap.add_argument("--early-media", action="store_true")
    ap.add_argument("--codec", type=int, default=0)
    ap.add_argument("--nat", action="store_true")
    ap.add_argument("--hold", action="store_true")
    ap.add_argument("--t38", action="store_true")
    ap.add_argument("--rtcp-rtt", type=float, default=0)
    ap.add_argument("--fax", type=int, default=0)
    ap.add_argument("--fax-loss-every", type=int, default=0)
    ap.add_argument("--fax-redundancy", type=int, default=0)
    ap.add_argument("--fax-dup-every", type=int, default=0)
    ap.add_argument("--fax-reorder-every", type=int, default=0)
    ap.add_argument("--fax-one-way", action="store_true")
    ap.add_argument("--tcp", action="store_true")
    args = ap.parse_args()

    call_id = "media-test-1@127.0.0.1"
    frames = []  # (time, bytes)
    t0 = 1_700_000_000.0
    proto = "TCP/RTP/AVP" if args.tcp else "RTP/AVP"
    # Over TCP the caller connects (active, port 9 per RFC 4145) to the callee's port.
    offer = sdp("192.168.1.10" if args.nat else CALLER[0], 9 if args.tcp else CALLER[2],
                [0, 8, 101], [(0, "PCMU/8000"), (8, "PCMA/8000"), (101, "telephone-event/8000")],
                proto, "active" if args.tcp else None)
    answer = sdp(CALLEE[0], CALLEE[2], [0, 101], [(0, "PCMU/8000"), (101, "telephone-event/8000")],
                 proto, "passive" if args.tcp else None)
    if args.t38:
        answer += "m=image 50002 udptl t38\r\n"
    sig = lambda t, frm, to, data: frames.append((t, packet(frm[0], frm[1], to[0], to[1], data)))
    sig(t0, CALLER, CALLEE, sip("INVITE sip:bob@127.0.0.2 SIP/2.0", call_id, 1, "INVITE", "a1", "", offer))
    sig(t0 + 0.1, CALLEE, CALLER, sip("SIP/2.0 180 Ringing", call_id, 1, "INVITE", "a1", "b2"))
    answer_t = t0 + 1.0
    sig(answer_t, CALLEE, CALLER, sip("SIP/2.0 200 OK", call_id, 1, "INVITE", "a1", "b2", answer))
    sig(answer_t + 0.01, CALLER, CALLEE, sip("ACK sip:bob@127.0.0.2 SIP/2.0", call_id, 1, "ACK", "a1", "b2"))

    if args.early_media:
        for i in range(50):
            frames.append((t0 + 0.15 + i * 0.02, packet(CALLEE[0], CALLEE[2], CALLER[0], CALLER[2],
                                                        rtp(9000 + i, i * 160, 0x33333333))))
    start = answer_t + 0.05
    n = 0 if args.no_media else args.packets
    if args.hold:
        held = answer.replace("a=sendrecv", "a=sendonly")
        t_hold = start + n * 0.01
        sig(t_hold, CALLEE, CALLER, sip("INVITE sip:alice@127.0.0.1 SIP/2.0", call_id, 10,
                                        "INVITE", "b2", "a1", held))
        sig(t_hold + 0.05, CALLER, CALLEE, sip("SIP/2.0 200 OK", call_id, 10, "INVITE", "b2",
                                               "a1", offer.replace("a=sendrecv", "a=recvonly")))
    if args.rtcp_rtt:
        # SR from the caller about its SSRC, then the callee's RR answering it after DLSR 0.5 s.
        for k in range(1, int(n * 0.02)):
            t_sr = start + k
            ntp_mid = (k * 65536) & 0xFFFFFFFF
            sr = struct.pack("!BBHIIIIII", 0x80, 200, 6, 0x11111111, ntp_mid >> 16,
                             (ntp_mid & 0xFFFF) << 16, 0, 0, 0)
            frames.append((t_sr, packet(CALLER[0], CALLER[2] + 1, CALLEE[0], CALLEE[2] + 1, sr)))
            rr = struct.pack("!BBHI", 0x81, 201, 7, 0x22222222)
            rr += struct.pack("!IIIIII", 0x11111111, 0, 0, 40, ntp_mid, 32768)
            frames.append((t_sr + 0.5 + args.rtcp_rtt / 1000, packet(
                CALLEE[0], CALLEE[2] + 1, CALLER[0], CALLER[2] + 1, rr)))
    # Caller -> callee.
    base = 65500 if args.wrap else 1000
    sent = 0
    lost = 0
    bursts = 0
    burst_at = n // 2 if args.burst else -1
    dtmf_at = n // 4
    for i in range(n):
        drop = (args.loss_every and i % args.loss_every == args.loss_every - 1) or \
               (burst_at <= i < burst_at + args.burst)
        if drop:
            lost += 1
            continue
        frames.append((start + i * 0.02, packet(CALLER[0], CALLER[2], CALLEE[0], CALLEE[2],
                                                rtp(base + i, i * 160, 0x11111111, pt=args.codec))))
        sent += 1
    if args.loss_every:
        bursts += len([i for i in range(n) if i % args.loss_every == args.loss_every - 1 and
                       not (burst_at <= i < burst_at + args.burst)])
    if args.burst:
        bursts += 1
    # RFC 4733 events ride on the caller's SSRC but a sequence of their own here is not
    # allowed: they take the next numbers after the voice packets.
    events = 0
    seq = base + n
    for k, digit in enumerate(args.dtmf):
        code = "0123456789*#".index(digit)
        ts = (n + k * 10) * 160
        for j in range(3):
            payload = struct.pack("!BBH", code, 0x80 if j == 2 else 0, 160 * (j + 1))
            frames.append((start + n * 0.02 + k * 0.2 + j * 0.02,
                           packet(CALLER[0], CALLER[2], CALLEE[0], CALLEE[2],
                                  rtp(seq, ts, 0x11111111, pt=101, marker=j == 0, payload=payload))))
            seq += 1
            sent += 1
        events += 1
    # Callee -> caller.
    callee_sent = 0
    if not args.one_way and n:
        order = list(range(n))
        if args.reorder_every:
            for i in range(args.reorder_every - 1, n - 1, args.reorder_every):
                order[i], order[i + 1] = order[i + 1], order[i]
        for slot, i in enumerate(order):
            extra = (args.jitter_ms / 1000.0) if (args.jitter_ms and i % 2) else 0.0
            frames.append((start + 0.005 + slot * 0.02 + extra,
                           packet(CALLEE[0], CALLEE[2], CALLER[0], CALLER[2],
                                  rtp(5000 + i, i * 160, 0x22222222))))
            callee_sent += 1
    end = start + n * 0.02 + (len(args.dtmf) * 0.2)
    if args.tcp:
        # The RTP above, moved into one TCP connection (RFC 4571).
        rtp_frames = [f for f in frames if f[1][23] == 17 and f[1][34:36] != b"\x13\xc4"]
        frames[:] = [f for f in frames if f not in rtp_frames]
        streams = {0: [], 1: []}
        for t, data in sorted(rtp_frames, key=lambda f: f[0]):
            streams[0 if data[26:30] == ip4(CALLER[0]) else 1].append((t, data[42:]))
        tcp_media(frames, streams, CALLER, CALLEE, start - 0.01)
    fax = {}
    if args.fax:
        image = lambda who: f"m=image {who[3]} udptl t38\r\na=T38FaxVersion:0\r\n"
        base_offer = offer.split("m=audio")[0]
        base_answer = answer.split("m=audio")[0]
        sig(end + 0.1, CALLER, CALLEE, sip("INVITE sip:bob@127.0.0.2 SIP/2.0", call_id, 3, "INVITE",
                                           "a1", "b2", base_offer + image(CALLER)))
        sig(end + 0.2, CALLEE, CALLER, sip("SIP/2.0 200 OK", call_id, 3, "INVITE", "a1", "b2",
                                           base_answer + image(CALLEE)))
        sig(end + 0.21, CALLER, CALLEE, sip("ACK sip:bob@127.0.0.2 SIP/2.0", call_id, 3, "ACK",
                                            "a1", "b2"))
        fax = fax_packets(frames, args, end + 0.3, CALLER, CALLEE)
        end += 0.3 + args.fax * 0.03
    bye_t = end + 0.5 + args.stop_early
    sig(bye_t, CALLER, CALLEE, sip("BYE sip:bob@127.0.0.2 SIP/2.0", call_id, 2, "BYE", "a1", "b2"))
    sig(bye_t + 0.01, CALLEE, CALLER, sip("SIP/2.0 200 OK", call_id, 2, "BYE", "a1", "b2"))

    frames.sort(key=lambda f: f[0])
    with open(args.output, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for t, data in frames:
            sec = int(t)
            usec = int(round((t - sec) * 1e6))
            f.write(struct.pack("<IIII", sec, usec, len(data), len(data)) + data)
    # Jitter of the callee's stream (RFC 3550 A.8) as the arrivals above make it.
    print(json.dumps({"call_id": call_id, "caller_packets": sent, "caller_lost": lost,
                      "caller_bursts": bursts, "callee_packets": callee_sent,
                      "dtmf_events": events, "reordered": (n - 1) // args.reorder_every
                      if args.reorder_every else 0, **fax}))


if __name__ == "__main__":
    main()
