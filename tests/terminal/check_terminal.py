#!/usr/bin/env python3
"""The terminal face and the CLI grammar of docs/cli.md (issue 18), one check per rule.

    check_terminal.py --sipdx PATH --sample PCAP [--corpus DIR] RULE

width80   every command, run in a pseudo-terminal of 80 columns, prints no line wider than
          80 columns (display width, escape sequences left out)
colour    colour on a terminal and with --color=always only; none when piped, with NO_COLOR
          or --color=never
format    every record and report command has --format; --json, where kept, is its alias
quiet     -q exists on every command that reads captures and only means "no progress"
color-opt --color=auto|always|never on every command that prints text
filters   every filter of `calls` is an option of `query` and `filter`
write     -w picks pcap or pcapng by the file extension (filter and live)
dirs      directories work wherever capture files do
names     table headers are the machine names of CSV/TSV/NDJSON
lists     list-valued fields (findings) are a list in NDJSON and text in CSV, in calls and messages
invalid   an invalid value names the valid ones
once      input warnings are said once per run; ingest leaves no lock file behind
"""
import argparse
import fcntl
import json
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time
import unicodedata

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
failures = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message)


def width(line):
    return sum(0 if unicodedata.combining(c) else 1 for c in ANSI.sub("", line))


def run_pty(args, env_extra=None, columns=80, timeout=120, with_stderr=True):
    """Runs sipdx in a pseudo-terminal of `columns` columns; stdout and stderr are the tty."""
    env = dict(os.environ)
    env.pop("COLUMNS", None)
    env.pop("NO_COLOR", None)
    env["TERM"] = "xterm-256color"
    if env_extra:
        env.update(env_extra)
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
        if not with_stderr:
            # Diagnostics are one line each (grep-able), not part of a report's layout.
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 2)
        os.execve(args[0], args, env)
    out = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if not ready:
            if os.waitpid(pid, os.WNOHANG) != (0, 0):
                pid = 0
                break
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        out += data
    if pid:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
    os.close(fd)
    # The tty turns \n into \r\n; a progress bar ends in \r and an erase.
    return out.decode("utf-8", "replace").replace("\r\n", "\n")


def run(args, env_extra=None, check=False):
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    env.pop("COLUMNS", None)
    if env_extra:
        env.update(env_extra)
    r = subprocess.run(args, capture_output=True, env=env, timeout=300)
    if check and r.returncode not in (0, 1):
        fail(f"{' '.join(args)} exited {r.returncode}: {r.stderr.decode(errors='replace')}")
    return r


class Cli:
    def __init__(self, opts):
        self.sipdx = opts.sipdx
        self.sample = opts.sample
        self.corpus = opts.corpus if opts.corpus and os.path.isdir(opts.corpus) else None
        self.tmp = tempfile.mkdtemp(prefix="sipdx-terminal-")
        self.db = os.path.join(self.tmp, "s.db")
        run([self.sipdx, "ingest", "-q", self.sample, "--db", self.db], check=True)

    def help(self, command):
        return run([self.sipdx, command, "--help"]).stdout.decode()

    def commands(self):
        text = run([self.sipdx, "--help"]).stdout.decode()
        section = text.split("SUBCOMMANDS:", 1)[-1]
        return re.findall(r"^\s{2}([a-z][a-z-]+)\s", section, re.M)

    def screens(self):
        """Every text-printing command, as a user types it."""
        s = self.sample
        big = self.corpus or s
        out = [
            ["calls", s], ["calls", big], ["calls", s, "--call", "busy-1@sipdx.test"],
            ["messages", s], ["messages", s, "--frame", "3"],
            ["messages", s, "--call", "busy-1@sipdx.test", "--full"],
            ["analyze", big], ["explain", "486"], ["explain", "busy"], ["explain", "4xx"],
            ["explain", "Reason: Q.850;cause=17"], ["codes"], ["codes", "--class", "5xx"],
            ["flow", s, "--call", "busy-1@sipdx.test"], ["query", "--db", self.db],
            ["query", "--db", self.db, "--summary"],
            ["sessions", s], ["sessions", big], ["media", big], ["analyze", s, "--sessions"],
            ["flow", s, "--session", "busy-1@sipdx.test"], ["explain", "--cause", "emm:15"],
            ["explain", "P-Access-Network-Info: 3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=310410000B0000001"],
            ["site", os.path.join(self.tmp, "site")],
        ]
        if self.corpus:
            out.append(["flow", os.path.join(self.corpus, "sip-gre-teb-mirror-subscribe-notify-refer.pcapng"),
                        "--call", self.first_call_id(os.path.join(self.corpus, "sip-gre-teb-mirror-subscribe-notify-refer.pcapng"))])
            out.append(["messages", self.corpus])
        return out

    def first_call_id(self, capture):
        r = run([self.sipdx, "calls", capture, "--format", "ndjson"])
        for line in r.stdout.decode().splitlines():
            return json.loads(line)["call_id"]
        return "none"


def rule_width80(cli):
    for args in cli.screens():
        text = run_pty([cli.sipdx] + args, with_stderr=False)
        if len(text.strip()) == 0:
            fail(f"{args}: printed nothing on a terminal")
        for line in text.split("\n"):
            line = line.split("\r")[-1]  # what is left after a progress bar's carriage return
            if width(line) > 80:
                fail(f"{' '.join(args)}: a line of {width(line)} columns: {ANSI.sub('', line)[:100]!r}")
                break
        if "SUBSCRI~" in text or "first_me~" in text:
            fail(f"{' '.join(args)}: a method or a header name is cut")
    # start shows the date only when the records span more than a day.
    one_day = ANSI.sub("", run_pty([cli.sipdx, "calls", cli.sample], with_stderr=False)).split("\n")
    if not re.match(r"^\d\d:\d\d:\d\d\.\d{3} ", one_day[1]):
        fail(f"calls on one day: start is not the time of day: {one_day[1]!r}")
    if cli.corpus:
        days = ANSI.sub("", run_pty([cli.sipdx, "calls", cli.corpus], with_stderr=False)).split("\n")
        if not re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", days[1]):
            fail(f"calls over several days: start has no date: {days[1]!r}")


def rule_colour(cli):
    coloured = [["calls", cli.sample], ["analyze", cli.sample], ["explain", "503"], ["codes"],
                ["flow", cli.sample, "--call", "busy-1@sipdx.test"],
                ["calls", cli.sample, "--call", "busy-1@sipdx.test"],
                ["messages", cli.sample, "--frame", "3"], ["query", "--db", cli.db, "--summary"]]
    for args in coloured:
        name = " ".join(args)
        if "\x1b[" not in run_pty([cli.sipdx] + args):
            fail(f"{name}: no colour on a terminal")
        if "\x1b[" in run_pty([cli.sipdx] + args, {"NO_COLOR": "1"}):
            fail(f"{name}: colour on a terminal with NO_COLOR set")
        if "\x1b[" in run_pty([cli.sipdx] + args + ["--color=never"]):
            fail(f"{name}: colour with --color=never")
        table = ["--format", "table"] if args[0] in ("calls", "messages") and "--call" not in args and "--frame" not in args else []
        piped = run([cli.sipdx] + args + table).stdout.decode(errors="replace")
        if "\x1b[" in piped:
            fail(f"{name}: colour when piped")
        always = run([cli.sipdx] + args + table + ["--color=always"]).stdout.decode(errors="replace")
        if "\x1b[" not in always:
            fail(f"{name}: no colour with --color=always")
    # The 5xx/6xx of the table stand out (bold red), the 2xx are calm (green).
    table = run([cli.sipdx, "calls", cli.sample, "--format", "table", "--color=always"]).stdout.decode()
    if "\x1b[1;31m503 " not in table:
        fail("calls table: 503 is not bold red")
    if "\x1b[32m200 " not in table:
        fail("calls table: 200 is not green")


RECORD_AND_REPORT = ["calls", "messages", "query", "analyze", "explain", "codes", "parse", "flow",
                     "live"]
READS_CAPTURES = ["calls", "messages", "flow", "filter", "ingest", "analyze"]
PRINTS_TEXT = ["calls", "messages", "query", "analyze", "explain", "codes", "flow", "parse"]


def rule_format(cli):
    for command in cli.commands():
        h = cli.help(command)
        if command in RECORD_AND_REPORT and "--format" not in h:
            fail(f"{command}: no --format")
        if "--json" in h and "--format" not in h:
            fail(f"{command}: --json without --format")
    # --json is the alias of the JSON --format.
    for command, value in (("analyze", "json"), ("explain", "ndjson")):
        arg = cli.sample if command == "analyze" else "486"
        a = run([cli.sipdx, command, arg, "--json", "-q"] if command == "analyze" else [cli.sipdx, command, arg, "--json"]).stdout
        b = run([cli.sipdx, command, arg, "--format", value, "-q"] if command == "analyze" else [cli.sipdx, command, arg, "--format", value]).stdout
        if a != b or not a.startswith(b"{"):
            fail(f"{command}: --json and --format {value} differ")


def rule_quiet(cli):
    for command in cli.commands():
        h = cli.help(command)
        has_q = re.search(r"^\s+-q,\s*--quiet", h, re.M)
        if command in READS_CAPTURES and not has_q:
            fail(f"{command}: reads captures but has no -q")
        if has_q:
            line = h[has_q.start():].split("\n")[0]
            if "progress" not in line.lower():
                fail(f"{command}: -q says something other than progress: {line.strip()}")
    # A bar on a terminal's stderr for long work, nothing with -q or when piped: the bar waits
    # half a second, so only a big input shows it.
    if cli.corpus:
        piped = run([cli.sipdx, "calls", cli.corpus, "--format", "ndjson"])
        if b"ETA" in piped.stderr or b"MB/s" in piped.stderr:
            fail("calls: progress on a piped stderr")


def rule_color_opt(cli):
    for command in PRINTS_TEXT:
        h = cli.help(command)
        if "--color" not in h:
            fail(f"{command}: no --color")
    r = run([cli.sipdx, "codes", "--color=sometimes"])
    if r.returncode != 2 or b"auto" not in r.stderr:
        fail("--color=sometimes: not refused with the valid values")


def rule_filters(cli):
    calls = cli.help("calls")
    options = set(re.findall(r"^\s+(--[a-z-]+)", calls, re.M))
    filters = {o for o in options if o in ("--outcome", "--code", "--class", "--method", "--kind", "--from", "--to")}
    if len(filters) != 7:
        fail(f"calls: filters missing: {filters}")
    for command in ("query", "filter"):
        h = cli.help(command)
        for option in filters:
            if not re.search(r"^\s+" + re.escape(option) + r"\b", h, re.M):
                fail(f"{command}: no {option} (calls has it)")
    # And they select the same calls.
    for f in (["--outcome", "failed"], ["--kind", "registration"], ["--method", "INVITE"], ["--class", "4xx"]):
        c = run([cli.sipdx, "calls", cli.sample, "--format", "ndjson"] + f).stdout.decode().splitlines()
        q = run([cli.sipdx, "query", "--db", cli.db, "--format", "ndjson"] + f).stdout.decode().splitlines()
        if sorted(json.loads(x)["call_id"] for x in c) != sorted(json.loads(x)["call_id"] for x in q):
            fail(f"calls and query select different calls for {f}")


def rule_write(cli):
    for name, magic in (("x.pcap", (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1")), ("x.pcapng", (b"\x0a\x0d\x0d\x0a",))):
        path = os.path.join(cli.tmp, name)
        run([cli.sipdx, "filter", cli.sample, "-w", path, "-q"], check=True)
        with open(path, "rb") as f:
            head = f.read(4)
        if head not in magic:
            fail(f"filter -w {name}: wrote {head.hex()}")
    for command in ("filter", "live"):
        if ".pcap" not in cli.help(command):
            fail(f"{command}: -w does not say how the format is picked")


def rule_dirs(cli):
    directory = os.path.join(cli.tmp, "captures")
    os.makedirs(directory, exist_ok=True)
    shutil.copy(cli.sample, directory)
    for args in (["calls", directory, "--format", "ndjson"], ["messages", directory, "--count"],
                 ["analyze", directory, "-q"], ["flow", directory, "--call", "busy-1@sipdx.test"],
                 ["filter", directory, "-w", os.path.join(cli.tmp, "d.pcapng"), "-q"],
                 ["ingest", directory, "--db", os.path.join(cli.tmp, "d.db"), "-q"]):
        r = run([cli.sipdx] + args)
        if r.returncode != 0:
            fail(f"{args[0]} on a directory exited {r.returncode}: {r.stderr.decode(errors='replace')}")


def header_names(text):
    return ANSI.sub("", text.splitlines()[0]).split()


def rule_names(cli):
    env = {"COLUMNS": "80"}
    for args, machine in (
        (["calls", cli.sample], ["calls", cli.sample, "--format", "csv"]),
        (["messages", cli.sample], ["messages", cli.sample, "--format", "csv"]),
        (["query", "--db", cli.db], ["query", "--db", cli.db, "--format", "csv"]),
    ):
        csv = run([cli.sipdx] + machine).stdout.decode().splitlines()[0].strip().split(",")
        for columns in ("80", "300"):
            table = run([cli.sipdx] + args + ["--format", "table"], {"COLUMNS": columns}).stdout.decode()
            for name in header_names(table):
                if name.endswith("~") or name not in csv:
                    fail(f"{args[0]} table ({columns} columns): header {name!r} is not a CSV field")
        ndjson = run([cli.sipdx] + machine[:-1] + ["ndjson"]).stdout.decode().splitlines()
        keys = list(json.loads(ndjson[0]).keys())
        missing = [c for c in csv if c not in keys]
        if missing:
            fail(f"{args[0]}: CSV fields not in NDJSON: {missing}")


def rule_lists(cli):
    for command in ("calls", "messages"):
        lines = run([cli.sipdx, command, cli.sample, "--format", "ndjson"]).stdout.decode().splitlines()
        shapes = {type(json.loads(l)["findings"]).__name__ for l in lines}
        if shapes != {"list"}:
            fail(f"{command}: findings in NDJSON is {shapes}, not a list")
        header = run([cli.sipdx, command, cli.sample, "--format", "csv"]).stdout.decode().splitlines()[0]
        if "findings" not in header.strip().split(","):
            fail(f"{command}: no findings column in CSV")


def rule_invalid(cli):
    for args, valid in ((["calls", cli.sample, "--outcome", "success"], "answered"),
                        (["calls", cli.sample, "--kind", "calls"], "registration"),
                        (["calls", cli.sample, "--format", "json"], "ndjson"),
                        (["analyze", cli.sample, "--format", "html"], "json"),
                        (["codes", "--class", "9xx"], "1xx"),
                        (["flow", cli.sample, "--call", "x", "--format", "png"], "svg")):
        r = run([cli.sipdx] + args)
        if r.returncode != 2 or valid.encode() not in r.stderr:
            fail(f"{' '.join(args[:1] + args[2:])}: exit {r.returncode}, stderr does not name {valid!r}: {r.stderr.decode(errors='replace')[:200]}")


def rule_once(cli):
    if cli.corpus:
        for args in (["filter", cli.corpus, "-w", os.path.join(cli.tmp, "o.pcapng"), "-q"],
                     ["calls", cli.corpus, "--format", "ndjson"], ["messages", cli.corpus, "--count"]):
            lines = run([cli.sipdx] + args).stderr.decode(errors="replace").splitlines()
            repeated = {l for l in lines if lines.count(l) > 1}
            if repeated:
                fail(f"{args[0]}: warnings said more than once: {sorted(repeated)[:2]}")
    leftovers = [f for f in os.listdir(cli.tmp) if f.endswith("-ingest.lock")]
    run([cli.sipdx, "ingest", "-q", cli.sample, "--db", os.path.join(cli.tmp, "l.db")], check=True)
    leftovers = [f for f in os.listdir(cli.tmp) if f.endswith("-ingest.lock")]
    if leftovers:
        fail(f"ingest left {leftovers}")


RULES = {"width80": rule_width80, "colour": rule_colour, "format": rule_format,
         "quiet": rule_quiet, "color-opt": rule_color_opt, "filters": rule_filters,
         "write": rule_write, "dirs": rule_dirs, "names": rule_names, "lists": rule_lists,
         "invalid": rule_invalid, "once": rule_once}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sipdx", required=True)
    p.add_argument("--sample", required=True)
    p.add_argument("--corpus")
    p.add_argument("rule", choices=sorted(RULES))
    opts = p.parse_args()
    cli = Cli(opts)
    try:
        RULES[opts.rule](cli)
    finally:
        shutil.rmtree(cli.tmp, ignore_errors=True)
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
