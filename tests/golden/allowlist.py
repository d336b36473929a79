"""Known-wrong lists shared by the golden and invariant checks.

A list is a TSV file (header row, '#' comments) whose first columns identify one disagreement
between sipdx and the expected answer. A check collects the disagreements it finds as tuples of
those columns and calls reconcile(): a disagreement not listed fails the check (a regression, or
a new defect to list), and so does a listed one that no longer occurs (stale: sipdx was fixed,
delete the line). So the lists only ever shrink as fixes land.
"""
import csv


def load(path, key_columns):
    entries = {}
    with open(path, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.reader(f, delimiter="\t") if r and not r[0].startswith("#")]
    header, body = rows[0], rows[1:]
    for r in body:
        row = dict(zip(header, r))
        entries[tuple(row[c] for c in key_columns)] = row
    return entries


def reconcile(found, known, describe):
    """found: set of key tuples seen today; known: load() result. Returns failure lines."""
    failures = []
    for key in sorted(found - set(known)):
        failures.append("NEW      " + describe(key))
    for key in sorted(set(known) - found):
        failures.append("STALE    " + describe(key) + "  (fixed? remove it from the list)")
    return failures
