#!/usr/bin/env python3
"""Invariants of the diagnosis over every capture the tests have.

For each input file (the directories given, not recursive; files sipdx cannot open are
skipped):
  settled-in-progress  no Call-ID is `in-progress` when every request it holds (ACK aside) got a
                       final response (matched by CSeq, method and top Via branch)
  records              one record per Call-ID; a later record is accepted when it carries
                       `record_part` (the documented exception: a Call-ID going on after its
                       record was emitted)
  call-id-count        the Call-ID count of `analyze --json` equals the distinct Call-IDs of
                       `messages` (and of `calls`)
Violations are reconciled with an allow-list (allowlist.py): unlisted ones fail, listed ones
that no longer occur fail too. Exit 77 when no input directory exists.
"""
import argparse
import collections
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import allowlist  # noqa: E402

KEY = ("input", "call_id", "invariant", "detail")
SKIP_SUFFIXES = (".md", ".tsv", ".py", ".sha256")


def run_json_lines(cmd):
    out = subprocess.run(cmd, capture_output=True)
    if out.returncode == 2:
        return None
    return [json.loads(l) for l in out.stdout.decode("utf-8", "replace").splitlines() if l]


def check_file(sipdx, path, label):
    found = set()
    messages = run_json_lines([sipdx, "messages", "--format", "ndjson", path])
    if messages is None:
        return None
    records = run_json_lines([sipdx, "calls", "--format", "ndjson", path]) or []
    analyze = subprocess.run([sipdx, "analyze", "--json", path], capture_output=True)
    summary = json.loads(analyze.stdout.decode("utf-8", "replace") or "{}")
    if analyze.returncode not in (0, 1):
        found.add((label, "*", "analyze-exit", str(analyze.returncode)))

    by_call = collections.defaultdict(list)
    for m in messages:
        if m.get("call_id"):
            by_call[m["call_id"]].append(m)

    recs = collections.defaultdict(list)
    for r in records:
        recs[r["call_id"]].append(r)

    for cid, rs in recs.items():
        if any(not r.get("record_part") for r in rs[1:]):
            found.add((label, cid, "records", str(len(rs))))
        if rs[-1]["outcome"] != "in-progress":
            continue
        msgs = by_call.get(cid, [])
        answered = set()
        requests = set()
        for m in msgs:
            key = (m.get("cseq_seq"), m.get("cseq_method"), m.get("branch"))
            if m["kind"] == "request" and m.get("method") != "ACK":
                requests.add(key)
            elif m["kind"] == "response" and (m.get("status") or 0) >= 200:
                answered.add(key)
        if requests and requests <= answered:
            found.add((label, cid, "settled-in-progress", f"{len(requests)} requests answered"))

    distinct = len(by_call)
    header = summary.get("messages", {}).get("call_ids")
    if header is not None and header != distinct:
        found.add((label, "*", "call-id-count", f"analyze {header}, messages {distinct}"))
    if len(recs) != distinct:
        found.add((label, "*", "call-id-count", f"calls {len(recs)}, messages {distinct}"))
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sipdx", required=True)
    ap.add_argument("--known", required=True)
    ap.add_argument("dirs", nargs="+", help="LABEL=DIRECTORY")
    args = ap.parse_args()
    found, files, any_dir = set(), 0, False
    for spec in args.dirs:
        label, directory = spec.split("=", 1)
        if not os.path.isdir(directory):
            print(f"note: {directory} is absent, its captures are not checked")
            continue
        any_dir = True
        for name in sorted(os.listdir(directory)):
            path = os.path.join(directory, name)
            if not os.path.isfile(path) or name.endswith(SKIP_SUFFIXES):
                continue
            got = check_file(args.sipdx, path, f"{label}/{name}")
            if got is None:
                continue
            files += 1
            found |= got
    if not any_dir:
        print("skipped: no input directory")
        return 77
    if files == 0:
        print("no input could be read: every one gave exit 2")
        return 1
    known = allowlist.load(args.known, KEY)
    failures = allowlist.reconcile(found, known, lambda k: "{}  {}  {}: {}".format(*k))
    print(f"{files} inputs checked, {len(found)} known violations listed in "
          f"{os.path.basename(args.known)}")
    for line in failures:
        print(line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
