"""Helpers shared by bench/compare and bench/rss-curve (not a command)."""
import hashlib
import json
import mmap
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MB = 1e6


def say(*args):
    print(*args, file=sys.stderr, flush=True)


def die(message, code=2):
    say(f"{os.path.basename(sys.argv[0])}: {message}")
    sys.exit(code)


def build_sipdx():
    build = os.path.join(REPO, "build", "bench")
    say(f"== building a Release sipdx in {build} (preset bench)")
    for cmd in (["cmake", "--preset", "bench"],
                ["cmake", "--build", build, "-j2", "--target", "sipdx_cli"]):
        run = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True)
        if run.returncode != 0:
            sys.stderr.write(run.stdout[-4000:])
            die(f"build failed: {' '.join(cmd)}")
    return os.path.join(build, "sipdx")


def count_frames(path):
    """Frames of a classic pcap (the generator writes classic pcap); None for other formats."""
    with open(path, "rb") as f:
        if os.fstat(f.fileno()).st_size < 24:
            return None
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
            magic = m[:4]
            if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
                fmt = "<I"
            elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
                fmt = ">I"
            else:
                return None
            unpack = struct.Struct(fmt).unpack_from
            off, n, size = 24, 0, len(m)
            while off + 16 <= size:
                off += 16 + unpack(m, off + 8)[0]
                n += 1
            return n


def _ensure(path, generator_name, args, stamp, what):
    """Makes the capture with bench/GENERATOR ARGS unless one made by the same generator (its
    sha256) and the same arguments is there."""
    generator = os.path.join(HERE, generator_name)
    with open(generator, "rb") as f:
        stamp = dict(stamp, generator=hashlib.sha256(f.read()).hexdigest())
    meta_path = path + ".json"
    if os.path.exists(path) and os.path.exists(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)
        if meta.get("stamp") == stamp and meta.get("bytes") == os.path.getsize(path):
            say(f"== reusing {path}")
            return meta
    say(f"== generating {path} ({what})")
    began = time.monotonic()
    run = subprocess.run([sys.executable, generator, path] + args, stdout=sys.stderr)
    took = time.monotonic() - began
    if run.returncode != 0:
        die(f"{generator_name} failed")
    meta = {"stamp": stamp, "bytes": os.path.getsize(path), "frames": count_frames(path),
            "generate_s": round(took, 2)}
    with open(meta_path, "w") as f:
        json.dump(meta, f)
    return meta


def ensure_capture(path, size_mib, corpus):
    """The mixed capture (make-big-capture): corpus copies laid end to end."""
    args = ["--size-mib", str(size_mib)]
    for c in corpus:
        args += ["--corpus", c]
    return _ensure(path, "make-big-capture", args, {"size_mib": size_mib, "corpus": corpus},
                   f"{size_mib} MiB")


def ensure_operator_capture(path, ues, hours):
    """The signalling-only operator capture (make-operator-capture)."""
    return _ensure(path, "make-operator-capture",
                   ["--ues", str(ues), "--hours", str(hours), "--quiet"],
                   {"ues": ues, "hours": hours}, f"{ues} UEs, {hours:g} h")


def parse_time_v(text):
    def field(name):
        m = re.search(r"^\s*" + re.escape(name) + r": (.*)$", text, re.M)
        return m.group(1).strip() if m else None

    user = float(field("User time (seconds)") or 0)
    system = float(field("System time (seconds)") or 0)
    rss_kb = int(field("Maximum resident set size (kbytes)") or 0)
    status = int(field("Exit status") or 0)
    return user + system, rss_kb * 1024, status


def timed(argv, stdout_path=os.devnull):
    """Runs argv under /usr/bin/time -v; returns wall s (monotonic), CPU s, peak RSS bytes, rc."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf, \
            open(stdout_path, "wb") as out:
        began = time.monotonic()
        run = subprocess.run(["/usr/bin/time", "-v", "-o", tf.name] + argv, stdout=out,
                             stderr=subprocess.PIPE)
        wall = time.monotonic() - began
        cpu, rss, status = parse_time_v(tf.read())
    # sipdx exits 1 for input with anomalies: the run still counts.
    if run.returncode not in (0, 1) or status not in (0, 1):
        err = run.stderr.decode(errors="replace").strip().splitlines()
        say(f"   rc={run.returncode}: {' '.join(argv)}: {err[-1] if err else ''}")
    return wall, cpu, rss, run.returncode


