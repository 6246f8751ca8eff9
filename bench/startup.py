"""Where a ``dynlint check`` run that misses every cache spends its time: imports, argument
parsing, the check itself.

Usage (from the repository root, dynlint installed in .venv):

    python bench/generate.py /tmp/corpus
    .venv/bin/python bench/startup.py /tmp/corpus/live/prod/orders [--runs 7]

Each run is a fresh interpreter that imports the command line and the check pipeline, then runs
``dynlint check DIR --format json --no-cache`` in the same process, timing three phases: the
imports, typer's parsing up to the check, and the check (parse, evaluate, rules, report).
Medians of ``--runs`` processes, with Python free to write bytecode. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, sys, time
started = time.perf_counter()
import dynlint.cli as cli
from dynlint import check, delivery, roots, scan
imported = time.perf_counter()
marks = {}
real = delivery.check_report
def timed(*args, **kwargs):
    marks["enter"] = time.perf_counter()
    report = real(*args, **kwargs)
    marks["done"] = time.perf_counter()
    return report
delivery.check_report = timed
sys.argv = ["dynlint", "check", sys.argv[1], "--format", "json", "--no-cache"]
try:
    cli.main()
except SystemExit:
    pass
print(json.dumps({
    "imports": imported - started,
    "parsing": marks["enter"] - imported,
    "check": marks["done"] - marks["enter"],
}), file=sys.stderr)
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("directory", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    phases: dict[str, list[float]] = {"imports": [], "parsing": [], "check": []}
    for _ in range(args.runs):
        done = subprocess.run(
            [sys.executable, "-c", PROBE, str(args.directory)],
            capture_output=True,
            text=True,
            env=env,
        )
        timings = json.loads(done.stderr.strip().splitlines()[-1])
        for name, seconds in timings.items():
            phases[name].append(seconds)
    for name, seconds in phases.items():
        print(f"{name:8} {statistics.median(seconds) * 1000:6.0f} ms  (min {min(seconds) * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
