#!/usr/bin/env python3
"""Draws the SVG ladder of every Call-ID (up to a bound) of each capture given and parses it
with xml.etree: a parse error fails the test. Captures that are absent are skipped (the shared
corpus is optional); at least one capture must be present."""
import argparse
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

MAX_CALLS = 40  # per capture: bounded time


def call_ids(sipdx, capture):
    out = subprocess.run([sipdx, "calls", "--format", "tsv", capture], capture_output=True,
                         timeout=120, check=False).stdout
    lines = out.split(b"\n")[1:]
    ids = []
    for line in lines:
        if not line:
            continue
        # TSV escapes tab, newline, CR and backslash; undo them to get the Call-ID back.
        field = line.split(b"\t")[0]
        field = (field.replace(b"\\\\", b"\x00BS").replace(b"\\t", b"\t").replace(b"\\n", b"\n")
                 .replace(b"\\r", b"\r").replace(b"\x00BS", b"\\"))
        ids.append(field)
    return ids[:MAX_CALLS]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sipdx", required=True)
    parser.add_argument("captures", nargs="+")
    args = parser.parse_args()
    present = [c for c in args.captures if os.path.exists(c)]
    if not present:
        print("no capture found", file=sys.stderr)
        return 1
    drawn = 0
    for capture in present:
        for call_id in call_ids(args.sipdx, capture):
            if b"\x00" in call_id:
                continue  # cannot be passed as an argument
            svg = subprocess.run([args.sipdx, "flow", capture, "--call", call_id, "--format",
                                  "svg"], capture_output=True, timeout=120, check=False).stdout
            try:
                ET.fromstring(svg)
            except ET.ParseError as e:
                print(f"{capture}: Call-ID {call_id!r}: {e}", file=sys.stderr)
                return 1
            drawn += 1
    print(f"{drawn} SVG ladders parse as XML")
    return 0 if drawn else 1


if __name__ == "__main__":
    sys.exit(main())
