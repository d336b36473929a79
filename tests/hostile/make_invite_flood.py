#!/usr/bin/env python3
"""Writes a capture of N unanswered INVITEs, each on its own Call-ID (a scanner or a flood), as
Ethernet/IPv4/UDP in a classic pcap. Deterministic; standard library only.

usage: make_invite_flood.py OUTPUT.pcap N
"""
import struct
import sys


def main():
    path, count = sys.argv[1], int(sys.argv[2])
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        chunk = []
        for i in range(count):
            sip = (f"INVITE sip:{100000 + i % 900000}@127.0.0.1 SIP/2.0\r\n"
                   f"Via: SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bKflood{i:x}\r\n"
                   f"Max-Forwards: 70\r\nFrom: <sip:scanner@127.0.0.2>;tag=f{i:x}\r\n"
                   f"To: <sip:{100000 + i % 900000}@127.0.0.1>\r\n"
                   f"Call-ID: flood-{i:x}@127.0.0.2\r\nCSeq: 1 INVITE\r\n"
                   f"Content-Length: 0\r\n\r\n").encode()
            udp = struct.pack("!HHHH", 5060, 5060, 8 + len(sip), 0) + sip
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0, 64, 17, 0,
                             bytes([127, 0, 0, 2]), bytes([127, 0, 0, 1])) + udp
            frame = b"\x00" * 12 + b"\x08\x00" + ip
            t = 1_700_000_000_000_000 + i * 1000  # one INVITE a millisecond
            chunk.append(struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(frame),
                                     len(frame)) + frame)
            if len(chunk) >= 4096:
                out.write(b"".join(chunk))
                chunk = []
        out.write(b"".join(chunk))


if __name__ == "__main__":
    main()
