#!/usr/bin/env python3
"""SIPp call playing RTP (play_pcap_audio) on loopback, captured by tcpdump: the caller's RTP
carries a loss injected by make_rtp_pcap.py; SIPp's built-in uas answers with SDP and sends no
RTP. `sipdx media` must report the stream with exactly that loss, tied to the call by its SDP,
and `sipdx calls --media` must say one-way audio: no RTP from the callee after 200 OK.
Needs root, sipp and tcpdump (exit 77 otherwise). Loopback only, one call, bounded timeouts."""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import sipp_common  # noqa: E402

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
PACKETS = 100
LOSS_EVERY = 10


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sipdx", required=True)
    opts = ap.parse_args()
    missing = sipp_common.missing_prerequisite()
    if missing:
        print(f"SKIP: {missing}")
        return SKIP
    with tempfile.TemporaryDirectory(prefix="sipdx-sipp-media-") as work:
        dropped = int(subprocess.run(
            [sys.executable, os.path.join(HERE, "make_rtp_pcap.py"), os.path.join(work, "rtp.pcap"),
             "--packets", str(PACKETS), "--loss-every", str(LOSS_EVERY)],
            capture_output=True, text=True, check=True, timeout=30).stdout)
        shutil.copy(os.path.join(HERE, "uac_play_rtp.xml"), work)
        pcap = os.path.join(work, "lo.pcap")
        log = open(os.path.join(work, "tcpdump.log"), "w")
        dump = subprocess.Popen(["tcpdump", "-i", "lo", "-n", "-U", "-s", "0", "-w", pcap,
                                 "udp and (port 25060 or port 25062 or portrange 26000-26010 "
                                 "or portrange 27000-27010)"], stdout=subprocess.DEVNULL,
                                stderr=log)
        deadline = time.time() + 10
        while time.time() < deadline and "listening on" not in open(log.name).read():
            time.sleep(0.05)
        common = ["-i", "127.0.0.1", "-m", "1", "-nostdin", "-timeout", "20s", "-timeout_error"]
        uas = subprocess.Popen(["sipp", "-sn", "uas", "-p", "25060", "-mp", "26000", *common],
                               cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        try:
            uac = subprocess.run(["sipp", "127.0.0.1:25060", "-sf", "uac_play_rtp.xml", "-p",
                                  "25062", "-mp", "27000", *common], cwd=work,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                 timeout=40)
            uas.wait(timeout=20)
        except subprocess.TimeoutExpired:
            uas.kill()
            uas.wait(5)
            print("FAIL: sipp timed out")
            return 1
        finally:
            time.sleep(0.5)
            dump.send_signal(signal.SIGINT)
            try:
                dump.wait(timeout=10)
            except subprocess.TimeoutExpired:
                dump.kill()
            log.close()
        if uac.returncode != 0:
            print(f"FAIL: sipp uac exited {uac.returncode}: {uac.stderr.strip()[:300]}")
            return 1
        out = subprocess.run([opts.sipdx, "media", pcap, "--format", "ndjson"],
                             capture_output=True, text=True, timeout=60)
        streams = [json.loads(l) for l in out.stdout.splitlines()]
        calls = subprocess.run([opts.sipdx, "calls", "--media", pcap, "--format", "ndjson"],
                               capture_output=True, text=True, timeout=60)
        records = [json.loads(l) for l in calls.stdout.splitlines()]
        failures = []
        if len(streams) != 1:
            failures.append(f"{len(streams)} streams, want 1: {streams}")
        else:
            s = streams[0]
            want = {"packets": PACKETS - dropped, "lost": dropped, "expected": PACKETS - 1 if
                    (PACKETS - 1) % LOSS_EVERY == LOSS_EVERY // 2 else PACKETS,
                    "codec": "PCMA", "from": "caller", "matched_by": "sdp", "ssrc": "0x5EED0001"}
            for k, v in want.items():
                if s[k] != v:
                    failures.append(f"stream {k}: {s[k]!r}, want {v!r}")
            if not s["call_id"] or abs(s["loss_pct"] - 100 * dropped / PACKETS) > 0.01:
                failures.append(f"stream call/loss: {s['call_id']!r} {s['loss_pct']}")
        if len(records) != 1 or "one-way audio: no RTP from the callee after 200 OK" not in \
                records[0].get("explanation", ""):
            failures.append(f"calls --media: {records}")
        for f in failures:
            print("FAIL", f)
        print(f"SIPp played {PACKETS - dropped} RTP packets ({dropped} dropped on purpose); "
              f"{len(failures)} failures")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
