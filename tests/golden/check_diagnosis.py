#!/usr/bin/env python3
"""Golden diagnosis check: `sipdx calls --format ndjson` against tests/golden/diagnosis/*.tsv.

For every shared corpus capture the golden file lists each Call-ID with kind, outcome,
final_code and failed_by as an engineer reads its ladder (README.md there). This compares those
four fields (plus presence and the number of records) and reconciles the disagreements with
known_wrong.tsv: an unlisted disagreement fails, and so does a listed one that is gone.
Exit 77 (skipped) when the corpus is absent.
"""
import argparse
import collections
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import allowlist  # noqa: E402

KEY = ("capture", "call_id", "field", "sipdx", "golden")


def read_golden(path):
    meta, rows = {}, collections.OrderedDict()
    header = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            if line.startswith("#"):
                parts = line[1:].strip().split("\t", 1)
                meta[parts[0].strip()] = parts[1] if len(parts) > 1 else ""
                continue
            cols = line.split("\t")
            if header is None:
                header = cols
                continue
            row = dict(zip(header, cols))
            rows[row["call_id"]] = row
    return meta, rows


def sipdx_records(sipdx, capture):
    out = subprocess.run([sipdx, "calls", "--format", "ndjson", capture], capture_output=True)
    # 1 is an input with anomalies (the corpus has them on purpose); anything else is a failure.
    if out.returncode not in (0, 1):
        raise SystemExit(f"{capture}: sipdx calls exited {out.returncode}")
    records = collections.OrderedDict()
    for line in out.stdout.decode("utf-8", "replace").splitlines():
        r = json.loads(line)
        records.setdefault(r["call_id"], []).append(r)
    return records


def structured(r):
    failed_by = (r.get("failed_by") or "").split(" ")[0]
    code = r.get("final_code")
    return {
        "kind": r["kind"],
        "outcome": r["outcome"],
        "final_code": str(code) if code else "-",
        "failed_by": failed_by or "-",
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sipdx", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--golden", required=True)
    ap.add_argument("--known", required=True)
    args = ap.parse_args()
    if not os.path.isdir(args.corpus):
        print(f"skipped: no shared corpus at {args.corpus}")
        return 77

    found = set()
    compared = 0
    goldens = sorted(f for f in os.listdir(args.golden) if f.endswith(".tsv") and f != "known_wrong.tsv")
    for gname in goldens:
        capture = gname[: -len(".tsv")]
        path = os.path.join(args.corpus, capture)
        if not os.path.exists(path):
            print(f"golden file {gname} names a capture the corpus does not have")
            return 1
        meta, gold = read_golden(os.path.join(args.golden, gname))
        if meta.get("compare") == "none":
            continue
        records = sipdx_records(args.sipdx, path)
        for cid, g in gold.items():
            compared += 1
            rs = records.get(cid)
            if not rs:
                found.add((capture, cid, "presence", "absent", "present"))
                continue
            # Later records of a Call-ID are allowed when they say so (record_part >= 2).
            unmarked = [r for r in rs[1:] if not r.get("record_part")]
            if unmarked:
                found.add((capture, cid, "records", str(len(rs)), "1"))
            mine = structured(rs[-1])  # the Call-ID's state when the capture ended
            for field in ("kind", "outcome", "final_code", "failed_by"):
                if mine[field] != g[field]:
                    found.add((capture, cid, field, mine[field], g[field]))
        for cid in records:
            if cid not in gold:
                found.add((capture, cid, "presence", "present", "absent"))

    known = allowlist.load(args.known, KEY)
    failures = allowlist.reconcile(
        found, known, lambda k: "{}  {}  {}: sipdx {!r}, golden {!r}".format(*k))
    print(f"{len(goldens)} golden files, {compared} Call-IDs compared, "
          f"{len(found)} known disagreements listed in {os.path.basename(args.known)}")
    for line in failures:
        print(line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
