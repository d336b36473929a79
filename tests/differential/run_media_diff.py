#!/usr/bin/env python3
"""`sipdx media` against `tshark -q -z rtp,streams` over ../shared/corpus.

tshark runs with its RTP heuristic on (rtp.heuristic_rtp), so it finds streams with and without
SDP as sipdx does. Streams are matched by source, destination and SSRC; packets and lost must be
equal and the maximum and mean jitter and the maximum delta within 0.1 ms. Every difference must
be in the allow-list (file, stream key, side, justification), and every allow-list entry must
still be needed: a stale entry fails the run. Exit 77 (skip) without tshark or the corpus.
"""
import argparse
import csv
import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys

TOLERANCE_MS = 0.1


def endpoint(ip, port):
    ip = ipaddress.ip_address(ip)
    return f"[{ip.compressed}]:{port}" if ip.version == 6 else f"{ip}:{port}"


def tshark_streams(path):
    out = subprocess.run(
        ["tshark", "-r", path, "-o", "rtp.heuristic_rtp:TRUE", "-q", "-z", "rtp,streams"],
        capture_output=True, text=True, timeout=120).stdout
    streams = {}
    for line in out.splitlines():
        m = re.match(r"\s*([\d.]+)\s+([\d.]+)\s+(\S+)\s+(\d+)\s+(\S+)\s+(\d+)\s+(0x[0-9A-Fa-f]+)\s+"
                     r"(.*?)\s+(\d+)\s+(-?\d+) \([^)]*\)\s+(-?[\d.]+)\s+([\d.]+)\s+([\d.]+)\s+"
                     r"(-?[\d.]+)\s+([\d.]+)\s+([\d.]+)", line)
        if not m:
            continue
        key = f"{endpoint(m[3], m[4])}>{endpoint(m[5], m[6])}/0x{int(m[7], 16):08X}"
        streams[key] = {"packets": int(m[9]), "lost": int(m[10]), "max_delta_ms": float(m[13]),
                        "mean_jitter_ms": float(m[15]), "max_jitter_ms": float(m[16])}
    return streams


def sipdx_streams(sipdx, path):
    out = subprocess.run([sipdx, "media", path, "--format", "ndjson"], capture_output=True,
                         text=True, timeout=120)
    if out.returncode not in (0, 1):
        raise SystemExit(f"sipdx media {path} failed ({out.returncode}): {out.stderr}")
    streams = {}
    for line in out.stdout.splitlines():
        r = json.loads(line)
        streams[f"{r['src']}>{r['dst']}/{r['ssrc']}"] = r
    return streams


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sipdx", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--allowlist", required=True)
    args = ap.parse_args()
    if not shutil.which("tshark"):
        print("skip: tshark not installed")
        return 77
    if not os.path.isdir(args.corpus):
        print(f"skip: no corpus at {args.corpus}")
        return 77
    allowed = {}
    with open(args.allowlist) as f:
        for row in csv.reader((l for l in f if not l.startswith("#")), delimiter="\t"):
            if row and row[0] != "file":
                allowed[(row[0], row[1], row[2])] = row[3]
    used = set()
    failures = []
    compared = 0
    for name in sorted(os.listdir(args.corpus)):
        path = os.path.join(args.corpus, name)
        if not os.path.isfile(path) or not re.search(r"\.pcap(ng)?(\.gz)?$", name):
            continue
        theirs = tshark_streams(path)
        ours = sipdx_streams(args.sipdx, path)
        for key in sorted(set(theirs) | set(ours)):
            problems = []
            if key not in ours:
                side = "missing"
            elif key not in theirs:
                side = "extra"
            else:
                side = "differs"
                t, o = theirs[key], ours[key]
                for field in ("packets", "lost"):
                    if t[field] != o[field]:
                        problems.append(f"{field} tshark {t[field]} sipdx {o[field]}")
                for field in ("max_jitter_ms", "mean_jitter_ms", "max_delta_ms"):
                    if abs(t[field] - o[field]) > TOLERANCE_MS:
                        problems.append(f"{field} tshark {t[field]} sipdx {o[field]}")
                compared += 1
                if not problems:
                    continue
            entry = (name, key, side)
            if entry in allowed:
                used.add(entry)
                continue
            failures.append(f"{name}: {key} {side} {'; '.join(problems)}")
    stale = [e for e in allowed if e not in used]
    for f in failures:
        print("DIFF", f)
    for e in stale:
        print("STALE allow-list entry (no longer needed):", "\t".join(e))
    print(f"{compared} streams compared, {len(used)} allowed differences")
    return 1 if failures or stale else 0


if __name__ == "__main__":
    sys.exit(main())
