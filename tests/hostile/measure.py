"""Runs a command with its stdout in a file and returns what the flood checks state: exit
code, stderr, seconds, and the peak RSS (KiB) of that one process, read by wait4 (not the
maximum over all children, which a generator run before it would set)."""
import os
import subprocess
import time


class _MeasuredPopen(subprocess.Popen):
    peak_kb = 0

    def _try_wait(self, wait_flags):
        try:
            pid, status, usage = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return self.pid, 0
        if pid == self.pid:
            self.peak_kb = usage.ru_maxrss
        return pid, status


def run_measured(args, stdout_path, timeout=300, stdin_path=None):
    start = time.monotonic()
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    try:
        with open(stdout_path, "wb") as out:
            proc = _MeasuredPopen(args, stdin=stdin, stdout=out, stderr=subprocess.PIPE)
            try:
                _, err = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                raise
    finally:
        if stdin_path:
            stdin.close()
    return proc.returncode, err.decode(errors="replace"), time.monotonic() - start, proc.peak_kb
