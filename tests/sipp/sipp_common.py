"""What every SIPp-on-loopback runner needs before it starts (tests/sipp/*.py)."""
import os
import shutil

SKIP = 77


def missing_prerequisite():
    """Why the run cannot happen here (root for capturing on lo, sipp, tcpdump), or None."""
    if os.geteuid() != 0:
        return "capturing on lo needs root"
    for tool in ("sipp", "tcpdump"):
        if not shutil.which(tool):
            return f"{tool} is not installed"
    return None
