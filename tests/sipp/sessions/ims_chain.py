#!/usr/bin/env python3
"""A tiny IMS chain for the session test, loopback only: a stateless P-CSCF proxy and an AS
acting as a B2BUA, in one process, over UDP.

  UE (SIPp) -> P-CSCF (this, --pcscf PORT) -> AS (this, --as PORT) -> leg B -> callee 1 (503)
                                                                    -> leg C -> callee 2 (503)

The P-CSCF pushes its Via (host pcscf.ims.test), adds P-Charging-Vector with an icid and
P-Asserted-Identity, and drops P-Preferred-Identity. The AS answers 100, opens leg B with the
same icid and the UE's SDP handed across, then, when leg B fails, leg C without icid and without
SDP (a leg only a heuristic can tie to the session), and answers the UE's leg 500 once both
failed. One call, every wait bounded (--timeout seconds in all). Python standard library only.
"""
import argparse
import select
import socket
import sys
import time

HOST = "127.0.0.1"


def parse(data):
    text = data.decode("utf-8", "replace")
    head, _, body = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    return lines[0], lines[1:], body


def header(lines, name):
    for line in lines:
        key, _, value = line.partition(":")
        if key.strip().lower() == name.lower():
            return value.strip()
    return ""


def build(start, lines, body=""):
    out = [start] + [l for l in lines if not l.lower().startswith("content-length")]
    out.append(f"Content-Length: {len(body.encode())}")
    return ("\r\n".join(out) + "\r\n\r\n" + body).encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcscf", type=int, required=True)
    ap.add_argument("--as", dest="as_port", type=int, required=True)
    ap.add_argument("--callee1", type=int, required=True)
    ap.add_argument("--callee2", type=int, required=True)
    ap.add_argument("--timeout", type=float, default=20.0)
    opts = ap.parse_args()

    pcscf = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    pcscf.bind((HOST, opts.pcscf))
    as_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    as_sock.bind((HOST, opts.as_port))
    print("ready", flush=True)

    ue_addr = None
    leg_a = None  # (start line, header lines, body) of the INVITE the AS received
    icid = None
    finished_at = None
    deadline = time.time() + opts.timeout
    step = 0
    while time.time() < deadline and step < 200:
        step += 1
        if finished_at and time.time() - finished_at > 1.0:
            break
        ready, _, _ = select.select([pcscf, as_sock], [], [], 0.2)
        for sock in ready:
            data, addr = sock.recvfrom(65535)
            start, lines, body = parse(data)
            if sock is pcscf:
                if addr[1] != opts.as_port:  # from the UE: push our Via and forward to the AS
                    ue_addr = addr
                    call_id = header(lines, "Call-ID")
                    icid = icid or "icid-" + call_id.split("@")[0][-12:]
                    fwd = [f"Via: SIP/2.0/UDP pcscf.ims.test:{opts.pcscf};branch=z9hG4bK-p{step}"]
                    fwd += [l for l in lines if not l.lower().startswith("p-preferred-identity")]
                    if start.startswith("INVITE"):
                        fwd += [f"P-Charging-Vector: icid-value={icid};icid-generated-at={HOST}",
                                "P-Asserted-Identity: <sip:alice@ims.test>"]
                    pcscf.sendto(build(start, fwd, body), (HOST, opts.as_port))
                else:  # a response from the AS: pop our Via and relay to the UE
                    vias = [i for i, l in enumerate(lines) if l.lower().startswith("via:")]
                    rest = [l for i, l in enumerate(lines) if not vias or i != vias[0]]
                    if ue_addr:
                        pcscf.sendto(build(start, rest, body), ue_addr)
                continue
            # The AS.
            call_id = header(lines, "Call-ID")
            if start.startswith("INVITE") and not call_id.startswith(("b-", "c-")):
                trying = [l for l in lines if l.split(":")[0].lower() in
                          ("via", "from", "to", "call-id", "cseq")]
                as_sock.sendto(build("SIP/2.0 100 Trying", trying), addr)
                if leg_a is None:  # a retransmission gets its 100 again, not a new leg
                    leg_a = (start, lines, body)
                    send_leg(as_sock, opts, "b", leg_a, icid, with_sdp=True)
            elif start.startswith("SIP/2.0 ") and call_id.startswith(("b-", "c-")):
                code = int(start.split()[1])
                if code < 200:
                    continue
                ack_leg(as_sock, opts, lines)
                if call_id.startswith("b-"):
                    send_leg(as_sock, opts, "c", leg_a, None, with_sdp=False)
                else:
                    answer_500(as_sock, opts, leg_a)
            elif start.startswith("ACK") and not call_id.startswith(("b-", "c-")):
                finished_at = time.time()
    pcscf.close()
    as_sock.close()
    return 0 if finished_at else 1


def send_leg(sock, opts, name, leg_a, icid, with_sdp):
    _, lines, body = leg_a
    target = opts.callee1 if name == "b" else opts.callee2
    call_id = f"{name}-" + header(lines, "Call-ID")
    out = [f"Via: SIP/2.0/UDP tas.ims.test:{opts.as_port};branch=z9hG4bK-{name}1",
           f"From: <sip:alice@ims.test>;tag=as-{name}",
           "To: <sip:bob@ims.test>",
           f"Call-ID: {call_id}",
           "CSeq: 1 INVITE",
           f"Contact: <sip:as@{HOST}:{opts.as_port}>",
           "Max-Forwards: 69",
           "Server: sipdx-test-as"]
    if icid:
        out.append(f"P-Charging-Vector: icid-value={icid}")
        out.append("P-Asserted-Identity: <sip:alice@ims.test>")
    if with_sdp:
        out.append("Content-Type: application/sdp")
    sock.sendto(build(f"INVITE sip:bob@{HOST}:{target} SIP/2.0", out,
                      body if with_sdp else ""), (HOST, target))


def ack_leg(sock, opts, lines):
    call_id = header(lines, "Call-ID")
    name = call_id[0]
    target = opts.callee1 if name == "b" else opts.callee2
    out = [f"Via: SIP/2.0/UDP tas.ims.test:{opts.as_port};branch=z9hG4bK-{name}1",
           header_line(lines, "From"), header_line(lines, "To"), f"Call-ID: {call_id}",
           "CSeq: 1 ACK", "Max-Forwards: 69"]
    sock.sendto(build(f"ACK sip:bob@{HOST}:{target} SIP/2.0", out), (HOST, target))


def answer_500(sock, opts, leg_a):
    _, lines, _ = leg_a
    out = []
    for l in lines:
        key = l.split(":")[0].lower()
        if key in ("via", "from", "call-id", "cseq"):
            out.append(l)
        elif key == "to":
            out.append(l + ";tag=as-a")
    out.append("Server: sipdx-test-as")
    out.append("Reason: SIP;cause=503;text=\"callee unavailable\"")
    sock.sendto(build("SIP/2.0 500 Server Internal Error", out), (HOST, opts.pcscf))


def header_line(lines, name):
    for l in lines:
        if l.split(":")[0].strip().lower() == name.lower():
            return l
    return f"{name}: <sip:unknown@{HOST}>"


if __name__ == "__main__":
    sys.exit(main())
