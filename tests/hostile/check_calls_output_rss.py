#!/usr/bin/env python3
"""`calls` keeps a rendered line per record, not the record, and spills sorted runs to a
temporary file past 16 MiB: on a flood its peak RSS is the open-state budget plus that, not the
whole output (issue 23: 209 MB for 120,000 Call-IDs before; records were held for sorting).
The records still come out complete and in order of their first message, and --stats reports
the Call-IDs the state budget emitted early.

usage: check_calls_output_rss.py SIPDX WORKDIR
"""
import csv
import io
import os
import subprocess
import sys

from measure import run_measured

HERE = os.path.dirname(os.path.abspath(__file__))
FLOOD = 120_000
LIMIT_KB = 130 * 1024


def main():
    sipdx, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    capture = os.path.join(work, "calls-flood.pcap")
    subprocess.run([sys.executable, os.path.join(HERE, "make_invite_flood.py"), capture,
                    str(FLOOD)], check=True)
    out_path = os.path.join(work, "calls.csv")
    code, err, seconds, peak_kb = run_measured(
        [sipdx, "calls", "--format", "csv", "--threads", "1", "--max-state-mb", "16", "--stats",
         capture],
        out_path)
    size = os.path.getsize(out_path)
    with open(out_path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    os.remove(out_path)
    os.remove(capture)
    failures = []
    print(f"calls --format csv: {FLOOD} INVITEs, {size} bytes out, {seconds:.1f} s, "
          f"peak RSS {peak_kb // 1024} MB")
    if code != 0:
        failures.append(f"exit {code}: {err.strip()[:300]}")
    header, records = rows[0], rows[1:]
    if len(records) != FLOOD or len({r[0] for r in records}) != FLOOD:
        failures.append(f"{len(records)} records, expected {FLOOD} distinct Call-IDs")
    start = header.index("start")
    keys = [(r[start], r[0]) for r in records]
    if keys != sorted(keys):
        failures.append("records not in order of their first message")
    # --stats says how many Call-IDs the state budget emitted early.
    evicted = [line for line in err.splitlines() if "Call-IDs emitted early" in line]
    if not evicted or int(evicted[0].split()[-1]) < FLOOD // 2:
        failures.append(f"--stats does not report the evictions: {err.strip()[:300]}")
    else:
        print(evicted[0].strip())
    if peak_kb > LIMIT_KB:
        failures.append(f"peak RSS {peak_kb} KB over {LIMIT_KB} KB")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
