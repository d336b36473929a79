#!/usr/bin/env python3
"""A flood of unanswered INVITEs on distinct Call-IDs under a small state budget: every Call-ID
still gets its record, the oldest are marked state-evicted, and peak RSS stays near the budget
instead of growing with the flood (issue 23 item 2).

usage: check_open_call_flood.py SIPDX WORKDIR
"""
import json
import os
import resource
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FLOOD = 120_000
BUDGET_MB = 16


def main():
    sipdx, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    capture = os.path.join(work, "invite-flood.pcap")
    subprocess.run([sys.executable, os.path.join(HERE, "make_invite_flood.py"), capture,
                    str(FLOOD)], check=True)
    run = subprocess.run([sipdx, "calls", "--format", "ndjson", "--threads", "1",
                          "--max-state-mb", str(BUDGET_MB), capture],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    os.remove(capture)
    failures = []
    if run.returncode != 0:
        failures.append(f"calls exited {run.returncode}: {run.stderr.strip()}")
    records = [json.loads(line) for line in run.stdout.splitlines() if line]
    ids = {r["call_id"] for r in records}
    evicted = sum(1 for r in records if "state-evicted" in r.get("findings", []))
    if len(records) != FLOOD or len(ids) != FLOOD:
        failures.append(f"{len(records)} records for {len(ids)} Call-IDs, expected {FLOOD}")
    if evicted < FLOOD // 2:
        failures.append(f"only {evicted} records marked state-evicted")
    # `calls` sorts its records' lines within 16 MiB (spilling the rest), so peak RSS is the
    # budget plus that, not the open state of the whole flood (about 3 KB a Call-ID, 360 MB).
    if peak_kb > 150_000:
        failures.append(f"peak RSS {peak_kb} KB: the budget did not bound the open state")
    print(f"{FLOOD} INVITEs, budget {BUDGET_MB} MiB: {len(records)} records, {evicted} evicted, "
          f"peak RSS {peak_kb // 1024} MB")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
