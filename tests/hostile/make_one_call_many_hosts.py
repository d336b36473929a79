#!/usr/bin/env python3
"""Writes a capture of one Call-ID whose messages cross N hosts: message i goes from
127.x.y.z (host i) to 127.0.0.1, each a retransmitted-looking OPTIONS on the same Call-ID (a
scanner rotating source addresses, or a spoofed flood). Ethernet/IPv4/UDP, classic pcap.
Deterministic; standard library only.

usage: make_one_call_many_hosts.py OUTPUT.pcap N
"""
import struct
import sys


def main():
    path, count = sys.argv[1], int(sys.argv[2])
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i in range(count):
            n = i + 2
            src = bytes([127, (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF])
            sip = (f"OPTIONS sip:target@127.0.0.1 SIP/2.0\r\n"
                   f"Via: SIP/2.0/UDP {src[0]}.{src[1]}.{src[2]}.{src[3]}:5060;"
                   f"branch=z9hG4bKhost{i:x}\r\n"
                   f"Max-Forwards: 70\r\nFrom: <sip:scan@127.0.0.2>;tag=s\r\n"
                   f"To: <sip:target@127.0.0.1>\r\n"
                   f"Call-ID: one-call-many-hosts@127.0.0.2\r\nCSeq: {i + 1} OPTIONS\r\n"
                   f"Content-Length: 0\r\n\r\n").encode()
            udp = struct.pack("!HHHH", 5060, 5060, 8 + len(sip), 0) + sip
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0, 64, 17, 0,
                             src, bytes([127, 0, 0, 1])) + udp
            frame = b"\x00" * 12 + b"\x08\x00" + ip
            t = 1_700_000_000_000_000 + i * 1000
            out.write(struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(frame),
                                  len(frame)) + frame)


if __name__ == "__main__":
    main()
