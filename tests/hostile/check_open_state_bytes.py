#!/usr/bin/env python3
"""Bytes per open Call-ID: `analyze` over two floods of unanswered INVITEs (every Call-ID stays
open to the end) with no state budget; the difference in peak RSS divided by the difference in
Call-IDs is what one more open Call-ID costs, tracker and summary together. It must stay under
BOUND (docs/performance.md, "Open state": issue 20 asks for 1 M open Call-IDs within 1 GB).

usage: check_open_state_bytes.py SIPDX WORKDIR
"""
import os
import subprocess
import sys

from measure import run_measured

HERE = os.path.dirname(os.path.abspath(__file__))
SMALL = 10_000
LARGE = 100_000
# Measured 2026-12 between 20k and 200k Call-IDs: 3,470 bytes before the open state was made
# compact, 1,040 after; between 10k and 100k (this test) 1,220 after. The bound leaves room for
# allocator and hash-table steps, not for a structure growing back.
BOUND = 1_500


def peak_kb(sipdx, work, count):
    capture = os.path.join(work, f"open-state-{count}.pcap")
    subprocess.run([sys.executable, os.path.join(HERE, "make_invite_flood.py"), capture,
                    str(count)], check=True)
    try:
        code, err, seconds, peak = run_measured(
            [sipdx, "analyze", "-q", "--threads", "1", "--json", capture],
            os.path.join(work, f"open-state-{count}.json"))
    finally:
        os.remove(capture)
    if code != 0:
        raise SystemExit(f"analyze exited {code}: {err.strip()}")
    return peak, seconds


def main():
    sipdx, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    small_kb, _ = peak_kb(sipdx, work, SMALL)
    large_kb, seconds = peak_kb(sipdx, work, LARGE)
    per_call = (large_kb - small_kb) * 1024 / (LARGE - SMALL)
    print(f"peak RSS {small_kb // 1024} MB for {SMALL} open Call-IDs, {large_kb // 1024} MB for "
          f"{LARGE} ({seconds:.1f} s): {per_call:.0f} bytes per open Call-ID (bound {BOUND})")
    if per_call > BOUND:
        print(f"FAIL {per_call:.0f} bytes per open Call-ID, more than {BOUND}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
