#!/usr/bin/env python3
"""SIPp session test: one IMS call across three Call-IDs on loopback, captured by tcpdump, must
come out of `sipdx sessions` as one session with the right links, roles and verdict, and
`sipdx flow --session` must draw it. The chain (sessions/ims_chain.py): a SIPp UE, a P-CSCF
proxy adding an icid, an AS B2BUA opening leg B (same icid, SDP handed across) to a SIPp callee
answering 503, then leg C (no icid, no SDP: a weak link only) to a second SIPp callee answering
503; the AS answers the UE 500. Needs root, sipp and tcpdump; exits 77 (ctest skip) when any is
missing. 127.0.0.1 only, one call, timeouts everywhere. Python standard library only.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import sipp_common

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
HOST = "127.0.0.1"


def free_ports(count):
    ports = []
    socks = []
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((HOST, 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


def wait_for(path, text, proc, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        with open(path, errors="replace") as f:
            if text in f.read():
                return True
        if proc.poll() is not None:
            return False
        time.sleep(0.05)
    return False


def capture(workdir, ports):
    pcap = os.path.join(workdir, "lo.pcap")
    log_path = os.path.join(workdir, "tcpdump.log")
    flt = " or ".join(f"port {p}" for p in ports)
    with open(log_path, "w") as log:
        dump = subprocess.Popen(["tcpdump", "-i", "lo", "-n", "-U", "-s", "0", "-w", pcap, flt],
                                stdout=subprocess.DEVNULL, stderr=log)
    if not wait_for(log_path, "listening on", dump, 10):
        dump.kill()
        dump.wait(5)
        raise RuntimeError("tcpdump did not start")
    return dump, pcap


def run_chain(workdir):
    ue, pcscf, as_port, callee1, callee2 = free_ports(5)
    dump, pcap = capture(workdir, [ue, pcscf, as_port, callee1, callee2])
    procs = []
    try:
        common = ["-i", HOST, "-m", "1", "-nostdin", "-timeout", "20s", "-timeout_error"]
        for port in (callee1, callee2):
            procs.append(subprocess.Popen(
                ["sipp", "-sf", os.path.join(HERE, "sessions", "uas_503.xml"), "-p", str(port),
                 *common], cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        chain_log = os.path.join(workdir, "chain.log")
        with open(chain_log, "w") as log:
            chain = subprocess.Popen(
                [sys.executable, os.path.join(HERE, "sessions", "ims_chain.py"), "--pcscf",
                 str(pcscf), "--as", str(as_port), "--callee1", str(callee1), "--callee2",
                 str(callee2), "--timeout", "20"], stdout=log, stderr=subprocess.STDOUT)
        procs.append(chain)
        if not wait_for(chain_log, "ready", chain, 10):
            raise RuntimeError("the IMS chain did not start")
        time.sleep(0.3)
        uac = subprocess.run(
            ["sipp", "-sf", os.path.join(HERE, "sessions", "ue_uac.xml"), f"{HOST}:{pcscf}",
             "-p", str(ue), "-cid_str", "ue-%u-%p@%s", *common], cwd=workdir, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True, timeout=40)
        chain.wait(timeout=30)
        if uac.returncode != 0:
            raise RuntimeError(f"sipp UE exited {uac.returncode}: {uac.stderr.strip()[:300]}")
        if chain.returncode != 0:
            raise RuntimeError("the IMS chain did not finish the call")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(5)
        time.sleep(0.3)
        dump.send_signal(signal.SIGINT)
        try:
            dump.wait(timeout=10)
        except subprocess.TimeoutExpired:
            dump.kill()
    return pcap, {"ue": ue, "pcscf": pcscf, "as": as_port, "callee1": callee1,
                  "callee2": callee2}


def check(sipdx, pcap, ports):
    problems = []

    def expect(what, ok):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            problems.append(what)

    node = {name: f"{HOST}:{port}" for name, port in ports.items()}
    out = subprocess.run([sipdx, "sessions", "--format", "ndjson", pcap], capture_output=True,
                         text=True, timeout=60)
    expect("sessions exits 0", out.returncode == 0)
    sessions = [json.loads(line) for line in out.stdout.splitlines()]
    expect(f"one session (got {len(sessions)})", len(sessions) == 1)
    if len(sessions) != 1:
        print(out.stdout)
        return problems
    s = sessions[0]
    legs = [leg["call_id"] for leg in s["leg_list"]]
    expect(f"three legs in order UE, B, C: {legs}",
           len(legs) == 3 and legs[0].startswith("ue-") and legs[1].startswith("b-")
           and legs[2].startswith("c-"))
    links = {(l["kind"], l["strength"]) for l in s["links"]}
    expect(f"icid link is strong: {links}", ("icid", "strong") in links)
    expect(f"the leg without icid is linked weakly (parties): {links}",
           ("parties", "weak") in links)
    expect("a weak link makes the whole session weak", s["strength"] == "weak")
    roles = {n["node"]: n["role"] for n in s["nodes"]}
    expect(f"UE role: {roles.get(node['ue'])}", roles.get(node["ue"]) == "ue")
    expect(f"P-CSCF role: {roles.get(node['pcscf'])}", roles.get(node["pcscf"]) == "p_cscf")
    expect(f"AS role: {roles.get(node['as'])}", roles.get(node["as"]) == "as")
    expect(f"callee roles unknown: {roles.get(node['callee1'])}",
           roles.get(node["callee1"]) == "unknown")
    expect("the caller saw 500", s["outcome"] == "failed" and s["final_code"] == 500)
    expect(f"the failure began on leg B at callee 1: {s['failed_leg']} {s['origin_node']}",
           s["failed_leg"].startswith("b-") and s["origin_node"] == node["callee1"])
    v = s["verdict"]
    expect(f"verdict: {v}",
           v.startswith(f"503 Service Unavailable from {node['callee1']} on leg 2")
           and "leg 3" in v and "also failed (503" in v
           and f"the AS {node['as']} relayed it as 500 Server Internal Error to the UE "
               f"{node['ue']} via the P-CSCF {node['pcscf']} on leg 1" in v)

    flow = subprocess.run([sipdx, "flow", pcap, "--session", "S1"], capture_output=True,
                          text=True, timeout=60)
    expect("flow --session exits 0", flow.returncode == 0)
    text = flow.stdout
    expect("flow labels the P-CSCF and the AS columns",
           f"{node['pcscf']} P-CSCF" in text and f"{node['as']} AS" in text)
    expect("flow marks the legs L1, L2, L3",
           "L1 INVITE" in text and "L2 INVITE" in text and "L3 INVITE" in text)
    expect("flow prints the verdict", "verdict: 503 Service Unavailable" in text)
    svg = subprocess.run([sipdx, "flow", pcap, "--session", legs[2] if legs else "S1",
                          "--format", "svg"], capture_output=True, text=True, timeout=60)
    colours = [c for c in ("#1f77b4", "#d62728", "#2ca02c") if c in svg.stdout]
    expect(f"SVG colours the three legs apart: {colours}", len(colours) == 3)
    mermaid = subprocess.run([sipdx, "flow", pcap, "--session", "S1", "--format", "mermaid"],
                             capture_output=True, text=True, timeout=60)
    expect("Mermaid names roles", "P-CSCF" in mermaid.stdout and "L2 " in mermaid.stdout)
    analyze = subprocess.run([sipdx, "analyze", "--sessions", "--json", pcap], capture_output=True, text=True,
                             timeout=60)
    k = json.loads(analyze.stdout).get("sessions", {})
    plain = subprocess.run([sipdx, "analyze", "--json", pcap], capture_output=True, text=True,
                           timeout=60)
    expect("analyze without --sessions keeps its report as it was",
           "sessions" not in json.loads(plain.stdout))
    expect(f"analyze counts 1 multi-leg session of 3 Call-IDs: {k}",
           k.get("sessions") == 1 and k.get("multi_leg") == 1 and k.get("weak") == 1)
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sipdx", required=True)
    ap.add_argument("--keep", help="copy the capture here (to look at it)")
    opts = ap.parse_args()
    missing = sipp_common.missing_prerequisite()
    if missing:
        print(f"SKIP: {missing}")
        return SKIP
    with tempfile.TemporaryDirectory(prefix="sipdx-sessions-") as workdir:
        try:
            pcap, ports = run_chain(workdir)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            print(f"FAIL: {e}")
            chain_log = os.path.join(workdir, "chain.log")
            if os.path.exists(chain_log):
                with open(chain_log, errors="replace") as f:
                    print(f.read()[-2000:])
            if opts.keep and os.path.exists(os.path.join(workdir, "lo.pcap")):
                shutil.copy(os.path.join(workdir, "lo.pcap"), opts.keep)
            return 1
        if opts.keep:
            shutil.copy(pcap, opts.keep)
        problems = check(opts.sipdx, pcap, ports)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
