#!/usr/bin/env python3
"""One Call-ID across thousands of hosts: `flow` draws at most --max-hosts columns (the rest
folded into "others", said in the output and on stderr), so its output and its time grow with
the messages, not with their square (issue 23: 6,000 hosts printed 900 MB before).

usage: check_ladder_many_hosts.py SIPDX WORKDIR
"""
import os
import subprocess
import sys

from measure import run_measured

HERE = os.path.dirname(os.path.abspath(__file__))
HOSTS = 6000
CALL = "one-call-many-hosts@127.0.0.2"


def main():
    sipdx, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    capture = os.path.join(work, "many-hosts.pcap")
    subprocess.run([sys.executable, os.path.join(HERE, "make_one_call_many_hosts.py"), capture,
                    str(HOSTS)], check=True)
    failures = []
    # Per format: (largest output, what the folded column is called in it).
    limits = {"text": 8_000_000, "mermaid": 1_000_000, "svg": 2_500_000}
    for fmt, limit in limits.items():
        out_path = os.path.join(work, "ladder." + fmt)
        code, err, seconds, peak_kb = run_measured(
            [sipdx, "flow", capture, "--call", CALL, "--format", fmt], out_path)
        size = os.path.getsize(out_path)
        with open(out_path, "rb") as f:
            body = f.read()
        os.remove(out_path)
        print(f"flow --format {fmt}: {HOSTS} hosts, {size} bytes, {seconds:.2f} s, "
              f"peak RSS {peak_kb // 1024} MB")
        if code != 0:
            failures.append(f"{fmt}: exit {code}: {err.strip()}")
        if size > limit:
            failures.append(f"{fmt}: {size} bytes of output, more than {limit}")
        if seconds > 60:
            failures.append(f"{fmt}: {seconds:.1f} s")
        if peak_kb > 400_000:
            failures.append(f"{fmt}: peak RSS {peak_kb} KB")
        if b"others (5986 hosts)" not in body:
            failures.append(f"{fmt}: no column \"others (5986 hosts)\"")
        if "5986 hosts beyond the first 15" not in err:
            failures.append(f"{fmt}: the folding is not reported on stderr: {err.strip()}")
    # A wider bound is taken as given.
    out_path = os.path.join(work, "ladder-wide.txt")
    code, err, _, _ = run_measured([sipdx, "flow", capture, "--call", CALL, "--max-hosts", "40"],
                                   out_path)
    with open(out_path, "rb") as f:
        if b"others (5962 hosts)" not in f.read():
            failures.append("--max-hosts 40 did not give 39 columns and \"others\"")
    os.remove(out_path)
    os.remove(capture)
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
