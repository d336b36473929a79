#!/usr/bin/env python3
"""Instruction-count guard: runs a sipdx workload under callgrind and compares the instructions
executed in sipdx's own code with tests/perf/baseline.tsv.

Only the self cost of the sipdx executable's object (`ob=`) counts: libc's memchr/memcpy
variants, the dynamic loader and the other shared libraries depend on the CPU and the distro, the
statically linked sipdx stages do not. Instruction counts do not depend on load, so this cannot
flake on a shared machine the way a timing would. Heap allocations (calls to malloc & co. from
anywhere, whichever allocator is linked) are guarded the same way, because per-message allocation is the regression we fear most.

A baseline row holds: workload, build type, compiler (from the binary's .comment section),
instructions, allocations and the sha256 of the input (a changed input fails with a message
to re-record, rather than passing for a regression). Without a row for this build type and compiler the test is skipped
(exit 77) with a message. +5% fails; -10% passes with "faster: update the baseline".

  callgrind_guard.py --sipdx PATH --build-type T --workload W --work DIR [--record]
  callgrind_guard.py --make-input --work DIR       (the deterministic input capture)
"""
import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
BASELINE = os.path.join(HERE, "baseline.tsv")
SKIP = 77
SLOWER = 0.05
FASTER = 0.10
COPIES = 48  # of the 42 KB bundled sample: about 2 MB, 4464 SIP messages
STREAM_REPEAT = 8  # of the 35 KB of samples
ALLOCATORS = {"malloc", "calloc", "realloc", "posix_memalign", "aligned_alloc", "memalign",
              # mimalloc's own entry points (the CLI links it, CMakeLists.txt)
              "mi_malloc", "mi_calloc", "mi_realloc", "mi_zalloc", "mi_new", "mi_new_nothrow",
              "mi_malloc_aligned", "mi_new_aligned"}


def is_allocator(name):
    # operator new comes from libstdc++ (which calls malloc) or from mimalloc (which does not);
    # counting it, and not the calls allocators make, counts one per allocation either way.
    return name in ALLOCATORS or name.startswith("operator new")


def input_paths(work):
    return os.path.join(work, "perf-input.pcap"), os.path.join(work, "perf-input.sip")


def operator_path(work):
    return os.path.join(work, "perf-operator.pcap")


def make_input(work):
    """The capture: COPIES copies of tests/data/sample/sipdx-sample.pcap with fresh Call-IDs,
    tags, branches and addresses (bench/make-big-capture, deterministic). The SIP stream: every
    tests/data/sip/*.sip sample in name order, as one TCP-style byte stream, STREAM_REPEAT
    times."""
    os.makedirs(work, exist_ok=True)
    pcap, stream = input_paths(work)
    tmp = pcap + ".tmp"
    subprocess.run([sys.executable, os.path.join(REPO, "bench", "make-big-capture"), tmp,
                    "--copies", str(COPIES), "--corpus",
                    os.path.join(REPO, "tests", "data", "sample"), "--quiet"], check=True)
    os.replace(tmp, pcap)
    folder = os.path.join(REPO, "tests", "data", "sip")
    samples = b""
    for name in sorted(os.listdir(folder)):
        if name.endswith(".sip"):
            with open(os.path.join(folder, name), "rb") as f:
                samples += f.read()
    with open(stream + ".tmp", "wb") as out:
        out.write(samples * STREAM_REPEAT)
    os.replace(stream + ".tmp", stream)
    # Signalling only, with thousands of Call-IDs open at once (registrations refreshed on one
    # Call-ID, reg-event subscriptions, calls): a regression in expiry shows here first.
    operator = operator_path(work)
    subprocess.run([sys.executable, os.path.join(REPO, "bench", "make-operator-capture"),
                    operator + ".tmp", "--ues", "4000", "--hours", "0.25", "--reg-interval",
                    "300", "--sub-interval", "600", "--quiet"], check=True)
    os.replace(operator + ".tmp", operator)


def workloads(sipdx, work):
    pcap, stream = input_paths(work)
    threads = "--threads" in subprocess.run([sipdx, "analyze", "--help"], capture_output=True,
                                            text=True).stdout
    return {
        # capture -> decode -> sip -> session -> analysis -> report, one thread
        "analyze": ([sipdx, "analyze", "-q"] + (["--threads", "1"] if threads else []) + [pcap],
                    pcap),
        # capture -> decode -> sip key fields -> ndjson records
        "messages_ndjson": ([sipdx, "messages", "--format", "ndjson", pcap], pcap),
        # stream framing and the full message validation of real-world samples
        "parse": ([sipdx, "parse", "--json", stream], stream),
        # the operator shape: ~8,000 open Call-IDs, signalling only, one thread
        "operator_analyze": ([sipdx, "analyze", "-q"] + (["--threads", "1"] if threads else [])
                             + [operator_path(work)], operator_path(work)),
    }


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def compiler_of(binary):
    run = subprocess.run(["readelf", "-p", ".comment", binary], capture_output=True, text=True)
    found = re.findall(r"\]\s+(.*)$", run.stdout, re.M)
    names = sorted({f.strip() for f in found if f.strip()})
    return "; ".join(names) if names else "unknown"


def parse_callgrind(path, binary):
    """Self instructions of `binary`'s object, and calls into the allocator from anywhere."""
    # Compressed names "(id) name" are numbered per kind: objects, files, functions.
    tables = {"ob": {}, "cob": None, "fl": {}, "fi": None, "fe": None, "cfi": None, "cfl": None,
              "fn": {}, "cfn": None}
    for alias, owner in (("cob", "ob"), ("fi", "fl"), ("fe", "fl"), ("cfi", "fl"),
                         ("cfl", "fl"), ("cfn", "fn")):
        tables[alias] = tables[owner]

    def name_of(key, value):
        names = tables[key]
        m = re.match(r"\((\d+)\)(?: (.*))?$", value)
        if not m:
            return value
        if m.group(2) is not None:
            names[m.group(1)] = m.group(2)
        return names.get(m.group(1), value)

    own = 0
    allocations = 0
    ob = None
    fn = None
    cfn = None
    skip_next_cost = False
    target = os.path.realpath(binary)
    with open(path, "r", errors="replace") as f:
        for line in f:
            if line[0].isdigit() or line[0] in "+-*":
                if skip_next_cost:
                    skip_next_cost = False  # the inclusive cost of a call, not self cost
                    continue
                if ob == target:
                    parts = line.split()
                    if len(parts) >= 2:
                        own += int(parts[1])
                continue
            key, _, value = line.rstrip("\n").partition("=")
            if key == "calls":
                skip_next_cost = True
                if cfn is not None and is_allocator(cfn) and not (fn and is_allocator(fn)):
                    allocations += int(value.split()[0])
            elif key == "ob":
                ob = os.path.realpath(name_of(key, value))
            elif key == "cfn":
                cfn = name_of(key, value).split("'")[0]
            elif key == "fn":
                fn = name_of(key, value).split("'")[0]
            elif key in tables:
                name_of(key, value)
    return own, allocations


def measure(argv, work):
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        out = os.path.join(tmp, "callgrind.out")
        run = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
                              "--dump-line=no", "--compress-pos=no"] + argv,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if run.returncode not in (0, 1) or not os.path.exists(out):
            sys.stderr.write(run.stderr[-3000:])
            print(f"perf: {' '.join(argv)} failed under callgrind (exit {run.returncode})")
            sys.exit(1)
        own, allocations = parse_callgrind(out, argv[0])
        if own == 0:
            print(f"perf: no instructions of {argv[0]} in the callgrind output (parser out of date?)")
            sys.exit(1)
        return own, allocations


def read_baseline():
    rows = {}
    if os.path.exists(BASELINE):
        with open(BASELINE) as f:
            for line in f:
                if line.startswith("#") or line.startswith("workload\t") or not line.strip():
                    continue
                cells = line.rstrip("\n").split("\t")
                if len(cells) < 5 or not cells[3].isdigit() or not cells[4].isdigit():
                    print(f"perf: {BASELINE}: unreadable row: {line.strip()}")
                    sys.exit(1)
                cells += [""] * (6 - len(cells))  # rows from before input_sha256
                w, bt, cc, ins, allocs, data = cells[:6]
                rows[(w, bt, cc)] = (int(ins), int(allocs), data)
    return rows


def write_baseline(rows):
    with open(BASELINE, "w") as f:
        f.write("# Instruction-count baseline of tests/perf (callgrind, sipdx's own code only).\n"
                "# Re-record with bench/update-perf-baseline; see docs/performance.md.\n")
        f.write("workload\tbuild_type\tcompiler\tinstructions\tallocations\tinput_sha256\n")
        for (w, bt, cc), (ins, allocs, data) in sorted(rows.items()):
            f.write(f"{w}\t{bt}\t{cc}\t{ins}\t{allocs}\t{data}\n")


def compare(label, now, then):
    change = (now - then) / then if then else 0.0
    text = f"{label}: {now:,} (baseline {then:,}, {change:+.2%})"
    if change > SLOWER:
        return False, text + f" -- more than +{SLOWER:.0%}: a regression (or re-record the " \
            "baseline if it is intended)"
    if change < -FASTER:
        return True, text + " -- faster: update the baseline (bench/update-perf-baseline)"
    return True, text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sipdx")
    ap.add_argument("--build-type", default="")
    ap.add_argument("--workload")
    ap.add_argument("--work", required=True, help="folder for the input and callgrind output")
    ap.add_argument("--make-input", action="store_true")
    ap.add_argument("--record", action="store_true", help="write the baseline row instead")
    opts = ap.parse_args()
    if opts.make_input:
        make_input(opts.work)
        return 0
    if not opts.sipdx or not opts.workload:
        ap.error("--sipdx and --workload are needed")
    if shutil.which("valgrind") is None:
        print("perf: valgrind is not installed: instruction-count guard skipped")
        return SKIP
    if not all(os.path.exists(p) for p in input_paths(opts.work)):
        make_input(opts.work)
    chosen = workloads(opts.sipdx, opts.work).get(opts.workload)
    if chosen is None:
        ap.error(f"unknown workload {opts.workload}")
    argv, data = chosen
    data = digest(data)
    compiler = compiler_of(opts.sipdx)
    key = (opts.workload, opts.build_type, compiler)
    rows = read_baseline()
    if not opts.record and key not in rows:
        print(f"perf: no baseline for workload {opts.workload}, build type "
              f"'{opts.build_type}', compiler '{compiler}' (the baseline is recorded for the ci "
              "preset, RelWithDebInfo): skipped")
        return SKIP
    if not opts.record and rows[key][2] != data:
        print(f"perf: the {opts.workload} input changed (sha256 {data}, baseline "
              f"{rows[key][2]}): tests/data/sample, tests/data/sip or bench/make-big-capture "
              "changed, so the counts are not comparable: re-record with "
              "bench/update-perf-baseline")
        return 1
    own, allocations = measure(argv, opts.work)
    if opts.record:
        rows[key] = (own, allocations, data)
        write_baseline(rows)
        print(f"perf: recorded {opts.workload} ({opts.build_type}, {compiler}): "
              f"{own:,} instructions, {allocations:,} allocations")
        return 0
    then_ins, then_allocs, _ = rows[key]
    ok_ins, text_ins = compare("instructions in sipdx's own code", own, then_ins)
    ok_alloc, text_alloc = compare("heap allocations", allocations, then_allocs)
    print(f"perf: {opts.workload}: {' '.join(argv[1:])}")
    print("  " + text_ins)
    print("  " + text_alloc)
    return 0 if ok_ins and ok_alloc else 1


if __name__ == "__main__":
    sys.exit(main())
