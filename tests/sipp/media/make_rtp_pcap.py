#!/usr/bin/env python3
"""Writes the RTP pcap SIPp plays (play_pcap_audio): N G.711 A-law packets of 20 ms from
127.0.0.1:6000 to 127.0.0.1:6001 (SIPp rewrites the addresses), sequence from 100, dropping
every --loss-every-th packet, so the stream SIPp sends carries a known loss."""
import argparse
import struct


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("output")
    ap.add_argument("--packets", type=int, default=100)
    ap.add_argument("--loss-every", type=int, default=10)
    args = ap.parse_args()
    dropped = 0
    with open(args.output, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i in range(args.packets):
            if args.loss_every and i % args.loss_every == args.loss_every // 2:
                dropped += 1
                continue
            rtp = struct.pack("!BBHII", 0x80, 8, 100 + i, i * 160, 0x5EED0001) + b"\xd5" * 160
            udp = struct.pack("!HHHH", 6000, 6001, 8 + len(rtp), 0) + rtp
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                             bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
            frame = b"\x00" * 12 + b"\x08\x00" + ip + udp
            t = 1_700_000_000 + i * 0.02
            f.write(struct.pack("<IIII", int(t), int(round((t % 1) * 1e6)), len(frame),
                                len(frame)) + frame)
    print(dropped)


if __name__ == "__main__":
    main()
