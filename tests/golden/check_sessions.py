#!/usr/bin/env python3
"""Golden sessions: for each tests/golden/sessions/<capture>.tsv (written by reading the
capture's ladders), `sipdx sessions` on ../shared/corpus/<capture> must give exactly those
sessions: their Call-IDs in order, the link strength and kinds, the outcome, the final code,
the leg where the failure began and the roles listed. Exits 77 (skip) when the corpus is
absent. Python standard library only.
"""
import argparse
import json
import os
import subprocess
import sys

SKIP = 77


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cells = line.rstrip("\n").split("\t")
            cells += [""] * (8 - len(cells))
            rows.append(cells)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sipdx", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--golden", required=True)
    opts = ap.parse_args()
    if not os.path.isdir(opts.corpus):
        print(f"SKIP: no corpus at {opts.corpus}")
        return SKIP
    failures = 0
    files = sorted(f for f in os.listdir(opts.golden) if f.endswith(".tsv"))
    for name in files:
        capture = os.path.join(opts.corpus, name[:-len(".tsv")])
        if not os.path.exists(capture):
            print(f"SKIP {name}: {capture} is missing")
            continue
        out = subprocess.run([opts.sipdx, "sessions", "--format", "ndjson", capture],
                             capture_output=True, text=True, timeout=120)
        got = [json.loads(l) for l in out.stdout.splitlines()]
        want = load(os.path.join(opts.golden, name))
        problems = []
        if out.returncode not in (0, 1):
            problems.append(f"sipdx exited {out.returncode}")
        if len(got) != len(want):
            problems.append(f"{len(got)} sessions, want {len(want)}")
        for g, w in zip(got, want):
            sid, call_ids, strength, links, outcome, code, failed_leg, roles = w[:8]
            legs = " ".join(l["call_id"] for l in g["leg_list"])
            link_set = sorted({f"{l['kind']}({l['strength']})" for l in g["links"]})
            checks = [("session_id", g["session_id"], sid), ("call_ids", legs, call_ids),
                      ("strength", g["strength"], strength),
                      ("links", " ".join(link_set), " ".join(sorted(links.split()))),
                      ("outcome", g["outcome"], outcome),
                      ("final_code", str(g["final_code"] or ""), code),
                      ("failed_leg", g["failed_leg"], failed_leg)]
            node_roles = {n["node"]: n["role"] for n in g["nodes"]}
            for pair in roles.split():
                node, _, role = pair.rpartition("=")
                checks.append((f"role of {node}", node_roles.get(node, "absent"), role))
            for what, have, expected in checks:
                if have != expected:
                    problems.append(f"{sid} {what}: got '{have}', want '{expected}'")
        print(f"{'ok  ' if not problems else 'FAIL'} {name}: {len(got)} sessions")
        for p in problems:
            print(f"     {p}")
        failures += bool(problems)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
