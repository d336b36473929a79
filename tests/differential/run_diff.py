#!/usr/bin/env python3
"""Differential test: the SIP messages `sipdx messages` finds versus tshark's view.

For every capture in the corpus, compares the set of (frame, method-or-status, Call-ID, CSeq)
keys. tshark's view comes from the committed truth files (mode `truth`, always runs) or from
running tshark now with the same arguments (mode `live`, skipped when tshark is absent).
Every difference must be covered by a row of allowlist.tsv; allow-list rows that no longer
match anything fail too, so the list stays honest. Python standard library only.
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys

SKIP = 77  # ctest SKIP_RETURN_CODE

TSHARK_FIELDS = ["frame.number", "frame.time_epoch", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst",
                 "sip.Method", "sip.Status-Code", "sip.Call-ID", "sip.CSeq"]


def tshark_rows_from_text(text):
    rows = list(csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows:
        return set()
    header, body = rows[0], rows[1:]
    idx = {name: i for i, name in enumerate(header)}
    keys = set()
    for r in body:
        r = r + [""] * (len(header) - len(r))
        what = r[idx["sip.Method"]] or r[idx["sip.Status-Code"]]
        keys.add((int(r[idx["frame.number"]]), what, r[idx["sip.Call-ID"]], r[idx["sip.CSeq"]]))
    return keys


def sipdx_keys(sipdx, capture):
    proc = subprocess.run([sipdx, "messages", "--format", "ndjson", capture],
                          capture_output=True, text=True, errors="replace", timeout=120)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"sipdx exited {proc.returncode} on {capture}: {proc.stderr.strip()}")
    per_frame = {}
    for line in proc.stdout.splitlines():
        rec = json.loads(line)
        what = rec["method"] if rec["kind"] == "request" else str(rec["status"])
        cseq = ""
        if rec["cseq_seq"] is not None:
            cseq = f'{rec["cseq_seq"]} {rec["cseq_method"] or ""}'.strip()
        per_frame.setdefault(rec["frame"], []).append((what or "", rec["call_id"] or "", cseq))
    keys = set()
    # tshark joins the values of several messages in one frame with ','; do the same.
    for frame, items in per_frame.items():
        keys.add((frame, ",".join(i[0] for i in items), ",".join(i[1] for i in items),
                  ",".join(i[2] for i in items)))
    return keys


def load_allowlist(path):
    rows = []
    with open(path, newline="") as f:
        for n, r in enumerate(csv.reader(f, delimiter="\t"), 1):
            if not r or r[0].startswith("#") or r[0] == "file":
                continue
            if len(r) < 4 or not r[3].strip():
                raise SystemExit(f"{path}:{n}: need file, frame, side, justification")
            rows.append({"file": r[0], "frame": r[1], "side": r[2], "why": r[3], "used": False,
                         "line": n})
    return rows


def allowed(rows, file, frame, side):
    for row in rows:
        if row["file"] == file and row["side"] == side and row["frame"] in ("*", str(frame)):
            row["used"] = True
            return True
    return False


def tshark_args(corpus):
    args = {}
    path = os.path.join(corpus, "truth", "_tshark_args.tsv")
    with open(path, newline="") as f:
        for r in csv.reader(f, delimiter="\t"):
            if r and r[0] != "file":
                args[r[0]] = r[1].split() if len(r) > 1 and r[1] else []
    return args


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sipdx", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--allowlist", required=True)
    ap.add_argument("--mode", choices=["truth", "live"], default="truth")
    opts = ap.parse_args()

    if not os.path.isdir(opts.corpus):
        print(f"SKIP: corpus {opts.corpus} not present")
        return SKIP
    tshark = shutil.which("tshark")
    if opts.mode == "live" and not tshark:
        print("SKIP: tshark is not installed")
        return SKIP

    rows = load_allowlist(opts.allowlist)
    extra_args = tshark_args(opts.corpus)
    captures = sorted(f for f in os.listdir(opts.corpus) if f.endswith((".pcap", ".pcapng")))
    failures = 0
    compared = 0
    skipped_files = set()
    for name in captures:
        path = os.path.join(opts.corpus, name)
        args = extra_args.get(name, [])
        if opts.mode == "truth":
            with open(os.path.join(opts.corpus, "truth", name + ".sip.tsv")) as f:
                theirs = tshark_rows_from_text(f.read())
        else:
            if any(a.startswith("lua_script:") for a in args):
                print(f"note: {name}: needs a Lua dissector that is not shipped; live run skipped")
                skipped_files.add(name)
                continue
            cmd = [tshark, "-n", *args, "-r", path, "-Y", "sip", "-T", "fields", "-E",
                   "header=y", "-E", "separator=/t"]
            for field in TSHARK_FIELDS:
                cmd += ["-e", field]
            proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                                  timeout=300)
            theirs = tshark_rows_from_text(proc.stdout)
        ours = sipdx_keys(opts.sipdx, path)
        compared += 1
        their_frames = {k[0]: k for k in theirs}
        our_frames = {k[0]: k for k in ours}
        for frame in sorted(set(their_frames) | set(our_frames)):
            t, o = their_frames.get(frame), our_frames.get(frame)
            if t == o:
                continue
            side = "missing" if o is None else "extra" if t is None else "differs"
            if allowed(rows, name, frame, side):
                continue
            failures += 1
            print(f"DIFF {name} frame {frame} {side}: tshark={t} sipdx={o}")
    for row in rows:
        if not row["used"] and row["file"] not in skipped_files:
            failures += 1
            print(f"STALE allowlist line {row['line']}: {row['file']} {row['frame']} {row['side']}")
    print(f"{compared} captures compared ({opts.mode}), {failures} unexplained differences")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
