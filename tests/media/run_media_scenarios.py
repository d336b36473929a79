#!/usr/bin/env python3
"""Calls with RTP impaired at known rates (make_call_capture.py), checked through `sipdx media`,
`sipdx calls --media` and `sipdx filter --media`: figures and findings must be exactly what the
generator put in. Loopback addresses only; every run is bounded by its timeout."""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def emodel_mos(ie, bpl, ppl, burst_r=1.0):
    # G.107 with every default except Ie, Bpl, Ppl, BurstR: R = 93.2062 - Ie,eff (see the E-model
    # unit test for the full equations).
    ie_eff = ie + (95 - ie) * ppl / (ppl / burst_r + bpl)
    r = 93.20619 - ie_eff
    return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6


class Checker:
    def __init__(self, sipdx, workdir):
        self.sipdx = sipdx
        self.dir = workdir
        self.failures = []
        self.checks = 0

    def capture(self, name, *flags):
        path = os.path.join(self.dir, name + ".pcap")
        out = subprocess.run([sys.executable, os.path.join(HERE, "make_call_capture.py"), path,
                              *flags], capture_output=True, text=True, check=True, timeout=60)
        return path, json.loads(out.stdout)

    def run(self, *args):
        out = subprocess.run([self.sipdx, *args], capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            self.failures.append(f"sipdx {' '.join(args)} exited {out.returncode}: {out.stderr}")
        return out.stdout

    def streams(self, path):
        rows = [json.loads(l) for l in self.run("media", path, "--format", "ndjson").splitlines()]
        return {r["from"]: r for r in rows}

    def expect(self, name, got, want, tolerance=None):
        self.checks += 1
        ok = abs(got - want) <= tolerance if tolerance is not None else got == want
        if not ok:
            self.failures.append(f"{name}: got {got!r}, want {want!r}")


def codes(stream_or_call, key="findings"):
    return sorted({f["code"] for f in stream_or_call[key]})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sipdx", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        c = Checker(args.sipdx, tmp)

        path, _ = c.capture("clean")
        s = c.streams(path)
        c.expect("clean: streams", sorted(s), ["callee", "caller"])
        for side in ("caller", "callee"):
            c.expect(f"clean {side}: packets", s[side]["packets"], 500)
            c.expect(f"clean {side}: lost", s[side]["lost"], 0)
            c.expect(f"clean {side}: codec", s[side]["codec"], "PCMU")
            c.expect(f"clean {side}: max jitter", s[side]["max_jitter_ms"], 0.0, 0.001)
            c.expect(f"clean {side}: findings", codes(s[side]), [])
            c.expect(f"clean {side}: mos", s[side]["mos"], emodel_mos(0, 25.1, 0), 0.006)

        # 1 packet in 20 lost (5%), single gaps (BurstR 1). The 500th packet is one of them, and
        # a loss after the last packet received cannot be seen: 24 of 499 expected.
        path, want = c.capture("loss", "--loss-every", "20")
        s = c.streams(path)["caller"]
        c.expect("loss: generator dropped", want["caller_lost"], 25)
        c.expect("loss: lost", s["lost"], 24)
        c.expect("loss: expected", s["expected"], 499)
        c.expect("loss: loss_pct", s["loss_pct"], 100 * 24 / 499, 0.005)
        c.expect("loss: bursts", s["loss_bursts"], 24)
        c.expect("loss: max burst", s["max_burst"], 1)
        c.expect("loss: high_loss", "high_loss" in codes(s), False)  # 4.8% < 5%
        c.expect("loss: mos", s["mos"], emodel_mos(0, 25.1, 100 * 24 / 499), 0.006)

        # 1 in 10 lost: high loss.
        path, _ = c.capture("loss10", "--loss-every", "10")
        s = c.streams(path)["caller"]
        c.expect("loss10: lost", s["lost"], 49)
        c.expect("loss10: high_loss", "high_loss" in codes(s), True)

        # One burst of 10: one gap, BurstR > 1 lowers the MOS below random loss of the same rate.
        path, _ = c.capture("burst", "--burst", "10")
        s = c.streams(path)["caller"]
        c.expect("burst: lost", s["lost"], 10)
        c.expect("burst: bursts", s["loss_bursts"], 1)
        c.expect("burst: max burst", s["max_burst"], 10)
        c.expect("burst: mos below random", s["mos"] < emodel_mos(0, 25.1, 2.0), True)

        # Every 10th packet swapped with the next: out of order, nothing lost.
        path, want = c.capture("reorder", "--reorder-every", "10")
        s = c.streams(path)["callee"]
        c.expect("reorder: lost", s["lost"], 0)
        c.expect("reorder: out of order", s["out_of_order"], want["reordered"])

        # +10 ms on every other packet: |D| = 10 ms each step, J -> 10 (1 - (15/16)^k).
        path, _ = c.capture("jitter", "--jitter-ms", "10")
        s = c.streams(path)["callee"]
        values = [10 * (1 - (15 / 16) ** k) for k in range(1, 500)]
        c.expect("jitter: max", s["max_jitter_ms"], max(values), 0.01)
        c.expect("jitter: mean", s["mean_jitter_ms"], sum(values) / len(values), 0.01)
        c.expect("jitter: max delta", s["max_delta_ms"], 30.0, 0.01)

        # The callee never sends: one-way audio, in the call's explanation too.
        path, _ = c.capture("oneway", "--one-way")
        c.expect("one-way: streams", sorted(c.streams(path)), ["caller"])
        call = json.loads(c.run("calls", "--media", path, "--format", "ndjson").splitlines()[0])
        c.expect("one-way: finding", codes(call, "media_findings"), ["one_way_audio"])
        c.expect("one-way: explanation",
                 "one-way audio: no RTP from the callee after 200 OK" in call["explanation"], True)
        c.expect("one-way: media_streams", call["media_streams"], 1)

        # Media stops 5 s before the BYE.
        path, _ = c.capture("stop", "--stop-early", "5")
        call = json.loads(c.run("calls", "--media", path, "--format", "ndjson").splitlines()[0])
        c.expect("stop: finding", "media_stopped_before_bye" in codes(call, "media_findings"), True)

        # The caller's sequence wraps at 65535: nothing lost.
        path, _ = c.capture("wrap", "--wrap")
        s = c.streams(path)["caller"]
        c.expect("wrap: expected", s["expected"], 500)
        c.expect("wrap: lost", s["lost"], 0)

        # RFC 4733 digits.
        path, want = c.capture("dtmf", "--dtmf", "12#")
        s = c.streams(path)["caller"]
        c.expect("dtmf: events", s["dtmf_events"], want["dtmf_events"])
        c.expect("dtmf: digits", s["dtmf_digits"], "12#")

        # Each finding from the generator's situation, in the call's media_findings.
        for flags, want_code, want_text in [
            (["--no-media"], "no_media_after_answer", "no RTP in either direction after 200 OK"),
            (["--early-media"], "early_media_without_sdp", "before any 18x with SDP"),
            (["--codec", "18"], "codec_not_negotiated", "payload type 18 is in no SDP"),
            (["--nat"], "private_address_nat", "private address 192.168.1.10"),
            (["--hold"], "on_hold", "the callee set a=sendonly"),
            (["--t38"], "t38", "T.38 fax negotiated by the callee"),
        ]:
            path, _ = c.capture("finding", *flags)
            call = json.loads(c.run("calls", "--media", path, "--format", "ndjson").splitlines()[0])
            hits = [f for f in call["media_findings"] if f["code"] == want_code]
            c.expect(f"{flags}: {want_code}", bool(hits) and want_text in hits[0]["detail"], True)
            c.expect(f"{flags}: no one-way", "one_way_audio" in codes(call, "media_findings"),
                     False)

        # RTCP: SR from the caller, the callee's RR 40 ms of round trip after DLSR 0.5 s.
        path, _ = c.capture("rtcp", "--rtcp-rtt", "40")
        s = c.streams(path)["caller"]
        c.expect("rtcp: rtt", s["rtt_ms"], 40.0, 0.01)
        c.expect("rtcp: reports", s["rtcp_reports"], 9)
        c.expect("rtcp: delay in the E-model", "Ta 20 ms (RTCP round trip / 2)" in s["mos_model"],
                 True)

        # T.38: UDPTL after a re-INVITE to m=image, with loss (carried again by redundancy),
        # duplicates and reordering; the figures as the generator made them.
        path, want = c.capture("fax", "--packets", "50", "--fax", "200", "--fax-loss-every", "10",
                               "--fax-redundancy", "2", "--fax-dup-every", "25",
                               "--fax-reorder-every", "20")
        rows = [json.loads(l) for l in c.run("media", path, "--format", "ndjson").splitlines()]
        fax = {r["from"]: r for r in rows if r["kind"] == "t38"}
        c.expect("fax: streams", sorted(fax), ["callee", "caller"])
        c.expect("fax: audio streams", len([r for r in rows if r["kind"] == "rtp"]), 2)
        c.expect("fax caller: packets", fax["caller"]["packets"], want["fax_caller_packets"])
        c.expect("fax caller: lost", fax["caller"]["lost"], want["fax_caller_lost"])
        c.expect("fax caller: recovered", fax["caller"]["recovered"], want["fax_caller_recovered"])
        c.expect("fax caller: duplicates", fax["caller"]["duplicates"],
                 want["fax_caller_duplicates"])
        c.expect("fax caller: no high_loss (all recovered)", codes(fax["caller"]), [])
        c.expect("fax callee: packets", fax["callee"]["packets"], want["fax_callee_packets"])
        c.expect("fax callee: out of order", fax["callee"]["out_of_order"], want["fax_reordered"])
        c.expect("fax callee: lost", fax["callee"]["lost"], 0)
        for side in ("caller", "callee"):
            c.expect(f"fax {side}: no MOS", fax[side]["mos"], None)
            c.expect(f"fax {side}: why", "T.38 fax (UDPTL) carries no voice" in
                     fax[side]["mos_model"], True)
            c.expect(f"fax {side}: ssrc", fax[side]["ssrc"], None)
        call = json.loads(c.run("calls", "--media", path, "--format", "ndjson").splitlines()[0])
        c.expect("fax: call findings", codes(call, "media_findings"), ["t38"])
        tshark = shutil.which("tshark")
        if tshark:  # the oracle: Wireshark's T.38 dissector counts the same packets
            out = subprocess.run([tshark, "-r", path, "-d", "udp.port==50002,t38", "-Y", "t38",
                                  "-T", "fields", "-e", "ip.src", "-e", "t38.seq_number"],
                                 capture_output=True, text=True, timeout=120).stdout
            seen = {}
            for line in out.splitlines():
                src, seq = line.split("\t")
                seen.setdefault(src, []).append(int(seq))
            c.expect("fax tshark: caller packets", len(seen.get("127.0.0.1", [])),
                     fax["caller"]["packets"])
            c.expect("fax tshark: callee packets", len(seen.get("127.0.0.2", [])),
                     fax["callee"]["packets"])
            caller = seen.get("127.0.0.1", [0])
            c.expect("fax tshark: caller lost", max(caller) - min(caller) + 1 - len(set(caller)),
                     fax["caller"]["lost"])

        # Lossy fax without redundancy: high loss; the callee sends no fax at all.
        path, _ = c.capture("fax-lossy", "--packets", "20", "--fax", "100", "--fax-loss-every",
                            "10", "--fax-one-way")
        rows = [json.loads(l) for l in c.run("media", path, "--format", "ndjson").splitlines()]
        fax = [r for r in rows if r["kind"] == "t38"]
        c.expect("fax-lossy: one stream", [r["from"] for r in fax], ["caller"])
        c.expect("fax-lossy: high_loss", codes(fax[0]), ["high_loss"])
        call = json.loads(c.run("calls", "--media", path, "--format", "ndjson").splitlines()[0])
        hits = [f["detail"] for f in call["media_findings"] if f["code"] == "no_fax_media"]
        c.expect("fax-lossy: no_fax_media", hits,
                 ["no UDPTL from the callee after the T.38 answer (200 from the callee)"])
        c.expect("fax-lossy: in the explanation",
                 "no fax media after the T.38 answer: no UDPTL from the callee" in
                 call["explanation"], True)

        # RTP over TCP (RFC 4571): one connection, packets split across and joined in segments.
        path, want = c.capture("tcp", "--tcp", "--loss-every", "20")
        s = c.streams(path)
        c.expect("tcp: streams", sorted(s), ["callee", "caller"])
        for side in ("caller", "callee"):
            c.expect(f"tcp {side}: transport", s[side]["transport"], "tcp")
            c.expect(f"tcp {side}: matched", s[side]["matched_by"], "sdp")
            c.expect(f"tcp {side}: no findings", codes(s[side]), [])
        c.expect("tcp caller: packets", s["caller"]["packets"], want["caller_packets"])
        c.expect("tcp caller: lost", s["caller"]["lost"], 24)
        c.expect("tcp callee: packets", s["callee"]["packets"], want["callee_packets"])
        c.expect("tcp: SIP still read", c.run("messages", path, "--count").strip(), "6")
        if tshark:  # Wireshark's RTP over TCP (decode as rtp on the port) sees the same packets
            out = subprocess.run([tshark, "-r", path, "-d", "tcp.port==50000,rtp", "-Y", "rtp",
                                  "-T", "fields", "-e", "ip.src", "-e", "rtp.seq"],
                                 capture_output=True, text=True, timeout=120).stdout
            count = {}
            for line in out.splitlines():
                src, seqs = line.split("\t")
                count[src] = count.get(src, 0) + len(seqs.split(","))
            c.expect("tcp tshark: packets", (count.get("127.0.0.1"), count.get("127.0.0.2")),
                     (s["caller"]["packets"], s["callee"]["packets"]))

        # filter --media writes the SIP and every RTP frame; without it only the SIP.
        path, want = c.capture("filter")
        out = os.path.join(tmp, "out.pcapng")
        subprocess.run([args.sipdx, "filter", path, "--media", "-w", out], check=True,
                       capture_output=True, timeout=60)
        msgs = c.run("messages", out, "--count").strip()
        c.expect("filter: SIP kept", msgs, "6")
        s = c.streams(out)
        c.expect("filter: RTP kept", (s["caller"]["packets"], s["callee"]["packets"]), (500, 500))

        # ingest --media: the streams in SQLite's media_streams, tied to the stored capture.
        path, _ = c.capture("store", "--loss-every", "10")
        db = os.path.join(tmp, "media.db")
        c.run("ingest", "--db", db, "--media", "-q", path)
        rows = [json.loads(l) for l in c.run(
            "query", "--db", db, "--sql",
            "SELECT m.call_id, m.from_party, m.packets, m.lost, c.outcome FROM media_streams m "
            "JOIN calls c ON c.capture_id = m.capture_id AND c.call_id = m.call_id "
            "ORDER BY m.from_party").splitlines()]
        c.expect("store: rows", [(r["from_party"], r["lost"], r["outcome"]) for r in rows],
                 [("callee", 0, "answered"), ("caller", 49, "answered")])
        c.run("ingest", "--db", db, "--media", "-q", path)  # again: replaced, not doubled
        count = json.loads(c.run("query", "--db", db, "--sql",
                                 "SELECT count(*) AS n FROM media_streams").splitlines()[0])
        c.expect("store: idempotent", count["n"], 2)

        for f in c.failures:
            print("FAIL", f)
        print(f"{c.checks} checks, {len(c.failures)} failures")
        return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
