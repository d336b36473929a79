#!/usr/bin/env python3
"""`sipdx parse` reads its input a piece at a time: a large file (and the same on stdin) is
parsed with memory bounded by one message, not by the input (issue 23: 400 MB of input took
515 MB RSS).

usage: check_parse_large_input.py SIPDX WORKDIR [MEGABYTES]
"""
import os
import sys

from measure import run_measured

MESSAGE = ("OPTIONS sip:target@127.0.0.1 SIP/2.0\r\n"
           "Via: SIP/2.0/TCP 127.0.0.2:5060;branch=z9hG4bK{n:x}\r\n"
           "Max-Forwards: 70\r\nFrom: <sip:a@127.0.0.2>;tag=a{n:x}\r\n"
           "To: <sip:target@127.0.0.1>\r\nCall-ID: large-{n:x}@127.0.0.2\r\n"
           "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")


def write_input(path, megabytes):
    count = 0
    with open(path, "wb") as out:
        size = 0
        while size < megabytes << 20:
            block = "".join(MESSAGE.format(n=count + k) for k in range(1000)).encode()
            out.write(block)
            size += len(block)
            count += 1000
    return count


def main():
    sipdx, work = sys.argv[1], sys.argv[2]
    megabytes = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "large.sip")
    failures = []
    # Held whole, the input alone would pass the limit.
    limit_kb = min(32, megabytes * 3 // 4) * 1024
    count = write_input(path, megabytes)
    out_path = os.path.join(work, "parse.out")
    for how in ("file", "stdin"):
        argv = [sipdx, "parse", path if how == "file" else "-"]
        code, err, seconds, peak_kb = run_measured(
            argv, out_path, timeout=600, stdin_path=path if how == "stdin" else None)
        with open(out_path, "rb") as f:
            shown = sum(1 for line in f if line.startswith(b"message "))
        print(f"parse ({how}): {megabytes} MB, {count} messages, {seconds:.1f} s, "
              f"peak RSS {peak_kb // 1024} MB")
        if code != 0:
            failures.append(f"parse {how}: exit {code}: {err.strip()[:200]}")
        if shown != count:
            failures.append(f"parse {how}: {shown} messages shown of {count}")
        if peak_kb > limit_kb:
            failures.append(f"parse {how}: peak RSS {peak_kb} KB over {limit_kb} KB")
    # --json renders the same walk (slower in a debug build: a smaller input).
    count = write_input(path, 4)
    code, err, seconds, peak_kb = run_measured([sipdx, "parse", "--json", path], out_path)
    with open(out_path, "rb") as f:
        lines = sum(1 for _ in f)
    print(f"parse --json: 4 MB, {count} messages, {seconds:.1f} s, peak RSS {peak_kb // 1024} MB")
    if code != 0 or lines != count:
        failures.append(f"parse --json: exit {code}, {lines} lines for {count} messages")
    os.remove(out_path)
    os.remove(path)
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
