#!/usr/bin/env python3
"""SIPp loopback test: SIPp's built-in uac/uas scenarios over UDP, TCP and IPv6 (::1), captured
with tcpdump on lo while they run; every message SIPp says it sent (-trace_msg) must be found by
`sipdx messages`. Needs root, sipp and tcpdump; exits 77 (ctest skip) when any is missing.
Loopback only, bounded call counts (-m) and timeouts everywhere. Python standard library only.
"""
import argparse
import collections
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import sipp_common

SKIP = 77
CALLS = 5


def free_port(family, host):
    """A port that is free for both UDP and TCP on `host` right now."""
    for _ in range(50):
        with socket.socket(family, socket.SOCK_DGRAM) as u:
            u.bind((host, 0))
            port = u.getsockname()[1]
            try:
                with socket.socket(family, socket.SOCK_STREAM) as t:
                    t.bind((host, port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port")


def sent_messages(log_path):
    """(call_id, cseq, method-or-status) of every message a SIPp -trace_msg log says was sent."""
    keys = collections.Counter()
    with open(log_path, errors="replace") as f:
        text = f.read()
    for block in re.split(r"^-{10,}.*$", text, flags=re.M):
        lines = block.strip("\n").splitlines()
        if not lines or " message sent" not in lines[0]:
            continue
        start = next((l for l in lines[1:] if l.strip()), "")
        call_id = cseq = ""
        for l in lines[1:]:
            low = l.lower()
            if low.startswith("call-id:") or low.startswith("i:"):
                call_id = l.split(":", 1)[1].strip()
            elif low.startswith("cseq:"):
                cseq = l.split(":", 1)[1].strip().split()[0]
        if start.startswith("SIP/2.0 "):
            what = start.split()[1]
        else:
            what = start.split(" ", 1)[0]
        keys[(call_id, cseq, what)] += 1
    return keys


def run_case(name, transport, host, sipdx, workdir):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    uas_port = free_port(family, host)
    uac_port = free_port(family, host)
    while uac_port == uas_port:
        uac_port = free_port(family, host)
    case_dir = os.path.join(workdir, name)
    os.makedirs(case_dir)
    pcap = os.path.join(case_dir, "lo.pcap")
    dump_log = os.path.join(case_dir, "tcpdump.log")
    with open(dump_log, "w") as log:
        dump = subprocess.Popen(["tcpdump", "-i", "lo", "-n", "-U", "-s", "0", "-w", pcap,
                                 f"port {uas_port} or port {uac_port}"],
                                stdout=subprocess.DEVNULL, stderr=log)
    # Wait (bounded) until tcpdump is listening.
    deadline = time.time() + 10
    ready = False
    buf = ""
    while time.time() < deadline:
        with open(dump_log, errors="replace") as log:
            buf = log.read()
        if "listening on" in buf:
            ready = True
            break
        if dump.poll() is not None:
            break
        time.sleep(0.05)
    if not ready:
        dump.kill()
        dump.wait(5)
        print(f"{name}: tcpdump did not start: {buf.strip()}")
        return False
    remote = f"[{host}]:{uas_port}" if family == socket.AF_INET6 else f"{host}:{uas_port}"
    common = ["-t", transport, "-i", host, "-m", str(CALLS), "-trace_msg", "-nostdin",
              "-timeout", "30s", "-timeout_error"]
    uas = subprocess.Popen(["sipp", "-sn", "uas", "-p", str(uas_port), *common],
                           cwd=case_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    try:
        uac = subprocess.run(["sipp", "-sn", "uac", remote, "-p", str(uac_port), "-r", "20",
                              *common], cwd=case_dir, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True, timeout=60)
        uas.wait(timeout=30)
    except subprocess.TimeoutExpired:
        uas.kill()
        print(f"{name}: sipp timed out")
        return False
    finally:
        time.sleep(0.5)
        dump.send_signal(signal.SIGINT)
        try:
            dump.wait(timeout=10)
        except subprocess.TimeoutExpired:
            dump.kill()
    if uac.returncode != 0:
        print(f"{name}: sipp uac exited {uac.returncode}: {uac.stderr.strip()[:300]}")
        return False
    sent = collections.Counter()
    for f in os.listdir(case_dir):
        if f.endswith("_messages.log"):
            sent += sent_messages(os.path.join(case_dir, f))
    proc = subprocess.run([sipdx, "messages", "--format", "ndjson", pcap], capture_output=True,
                          text=True, timeout=60)
    found = collections.Counter()
    transports = collections.Counter()
    for line in proc.stdout.splitlines():
        r = json.loads(line)
        what = r["method"] if r["kind"] == "request" else str(r["status"])
        found[(r["call_id"], str(r["cseq_seq"]), what)] += 1
        transports[r["transport"]] += 1
    missing = {k: v - found[k] for k, v in sent.items() if found[k] < v}
    expected_transport = "tcp" if transport.startswith("t") else "udp"
    ok = (proc.returncode == 0 and not missing and sum(sent.values()) >= CALLS * 6
          and set(transports) == {expected_transport})
    print(f"{name}: SIPp sent {sum(sent.values())} messages, sipdx found "
          f"{sum(found.values())} ({dict(transports)}), missing {sum(missing.values())}, "
          f"sipdx exit {proc.returncode}")
    for k, v in list(missing.items())[:10]:
        print(f"  missing {v}x {k}")
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sipdx", required=True)
    opts = ap.parse_args()
    missing = sipp_common.missing_prerequisite()
    if missing:
        print(f"SKIP: {missing}")
        return SKIP
    cases = [("udp-ipv4", "u1", "127.0.0.1"), ("tcp-ipv4", "t1", "127.0.0.1")]
    if socket.has_ipv6 and os.path.exists("/proc/net/if_inet6"):
        cases += [("udp-ipv6", "u1", "::1"), ("tcp-ipv6", "t1", "::1")]
    else:
        print("note: no IPv6 on this host; the ::1 case is left out")
    with tempfile.TemporaryDirectory(prefix="sipdx-sipp-") as workdir:
        results = [run_case(n, t, h, opts.sipdx, workdir) for n, t, h in cases]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
