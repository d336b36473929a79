#!/usr/bin/env python3
"""Diagnosis scenarios of issue 17: what sipdx must say about captures built for each class.

Inputs are a capture made by run_scenarios.sh from the diagnosis SIPp scenarios (--scenarios,
needs root, sipp and tcpdump) and the synthetic captures of tests/data/diagnosis (--synthetic).
Each Call-ID's label (before its first '-') keys diagnosis_expected.tsv:

  kind, outcome, final_code, failed_by   as in `sipdx calls --format ndjson` ('-' for none)
  records                                 how many records the Call-ID gives
  finding:CODE                            yes / no: the record lists that finding
  abandoned_by                            the method of `abandoned_by` ('-' when absent)
  mid_dialog                              true / false
  setup_ms, duration_s                    a number, or '-' for none
  explanation~TEXT / explanation!~TEXT    yes: the explanation contains / does not contain TEXT

Today's wrong answers are listed in diagnosis_known_wrong.tsv (input, label, field, sipdx,
expected, class); an unlisted mismatch fails, and so does a listed one that no longer occurs.
Exit 77 when nothing could be checked (no root or tools for the scenarios).
"""
import argparse
import collections
import csv
import json
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "golden"))
import allowlist  # noqa: E402

KEY = ("input", "label", "field", "sipdx", "expected")


def records_by_label(sipdx, pcap):
    out = subprocess.run([sipdx, "calls", "--format", "ndjson", pcap], capture_output=True)
    if out.returncode not in (0, 1):
        raise SystemExit(f"{pcap}: sipdx calls exited {out.returncode}")
    by = collections.defaultdict(list)
    for line in out.stdout.decode("utf-8", "replace").splitlines():
        r = json.loads(line)
        by[r["call_id"].split("-")[0]].append(r)
    return by


def number(v):
    return "-" if v is None else f"{v:g}"


def value(rs, field):
    if field == "records":
        return str(len(rs))
    r = rs[-1]
    if field in ("kind", "outcome"):
        return r[field]
    if field == "final_code":
        return str(r["final_code"]) if r.get("final_code") else "-"
    if field == "failed_by":
        return (r.get("failed_by") or "").split(" ")[0] or "-"
    if field.startswith("finding:"):
        return "yes" if field.split(":", 1)[1] in r.get("findings", []) else "no"
    if field == "abandoned_by":
        a = r.get("abandoned_by")
        return a.get("method", "-") if isinstance(a, dict) else "-"
    if field == "mid_dialog":
        return "true" if r.get("mid_dialog") else "false"
    if field in ("setup_ms", "duration_s", "pdd_ms"):
        return number(r.get(field))
    if field.startswith("explanation!~"):
        return "yes" if field.split("!~", 1)[1] not in r.get("explanation", "") else "no"
    if field.startswith("explanation~"):
        return "yes" if field.split("~", 1)[1] in r.get("explanation", "") else "no"
    raise ValueError(f"unknown field {field}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sipdx", required=True)
    ap.add_argument("--expected", default=os.path.join(here, "diagnosis_expected.tsv"))
    ap.add_argument("--known", default=os.path.join(here, "diagnosis_known_wrong.tsv"))
    ap.add_argument("--scenarios", action="store_true", help="play the SIPp scenarios")
    ap.add_argument("--synthetic", help="directory of the synthetic captures")
    args = ap.parse_args()

    with open(args.expected, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader((l for l in f if not l.startswith("#")), delimiter="\t")]
    inputs = {}  # input name -> capture path
    if args.synthetic:
        for r in rows:
            if r["input"] != "scenarios":
                inputs[r["input"]] = os.path.join(args.synthetic, r["input"])
    work = None
    if args.scenarios:
        work = tempfile.mkdtemp(prefix="sipdx-diagnosis-")
        pcap = os.path.join(work, "diagnosis.pcap")
        labels = sorted({r["label"] for r in rows if r["input"] == "scenarios"})
        run = subprocess.run(["bash", os.path.join(here, "run_scenarios.sh"), pcap, *labels],
                             capture_output=True, text=True, timeout=170)
        if run.returncode == 77:
            print("skipped: " + run.stderr.strip())
            return 77
        if run.returncode != 0:
            print(run.stdout + run.stderr)
            print("run_scenarios.sh failed")
            return 1
        inputs["scenarios"] = pcap

    found, checked = set(), 0
    cache = {}
    for r in rows:
        if r["input"] not in inputs:
            continue
        path = inputs[r["input"]]
        if path not in cache:
            cache[path] = records_by_label(args.sipdx, path)
        rs = cache[path].get(r["label"])
        got = value(rs, r["field"]) if rs else "absent"
        checked += 1
        if got != r["expected"]:
            found.add((r["input"], r["label"], r["field"], got, r["expected"]))
    known = {k: v for k, v in allowlist.load(args.known, KEY).items() if k[0] in inputs}
    failures = allowlist.reconcile(
        found, known, lambda k: "{} {}  {}: sipdx {!r}, expected {!r}".format(*k))
    print(f"{checked} expectations checked on {len(inputs)} inputs, {len(found)} known wrong")
    for line in failures:
        print(line)
    if checked == 0:
        print("no expectation was checked (no input, or no row names one)")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
