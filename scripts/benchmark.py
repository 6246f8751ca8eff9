"""Measure how fast dynlint parses and evaluates Terraform, and (if installed) compare with Checkov.

Usage: python scripts/benchmark.py [PATH] [--seconds N]

Reports, for the .tf files under PATH (default: fixtures/):
- parse: files per second through the parser layer alone (tree-sitter-hcl plus conversion);
- evaluate: files per second for a whole `scan` (discovery, parsing, evaluation), cold each time;
- startup: wall time of `dynlint --version` and of `dynlint tables PATH` in a fresh process;
- checkov: wall time of `checkov -d PATH --framework terraform` measured in the same run, and the
  ratio, when a `checkov` executable is on PATH.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from dynlint.modules import is_configuration_file
from dynlint.parser import ParseError, parse_file
from dynlint.scan import ScanOptions, scan


def configuration_files(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*") if p.is_file() and is_configuration_file(p) and ".terraform" not in p.parts
    )


def repeat(action, seconds: float) -> tuple[int, float]:
    """Run ``action`` until ``seconds`` have passed (at least 3 times); (runs, seconds per run)."""
    durations = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(durations) < 3:
        start = time.perf_counter()
        action()
        durations.append(time.perf_counter() - start)
    return len(durations), statistics.median(durations)


def parse_all(files: list[Path]) -> None:
    for path in files:
        with contextlib.suppress(ParseError):
            parse_file(path, str(path))


def wall_time(command: list[str], runs: int = 3) -> float:
    durations = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False)
        durations.append(time.perf_counter() - start)
    return statistics.median(durations)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("path", nargs="?", default="fixtures", type=Path)
    parser.add_argument("--seconds", type=float, default=3.0, help="time spent on each measurement")
    args = parser.parse_args()
    files = configuration_files(args.path)
    print(f"{len(files)} configuration files under {args.path}")

    runs, per_run = repeat(lambda: parse_all(files), args.seconds)
    print(
        f"parse:    {len(files) / per_run:8.1f} files/s  ({per_run * 1000:.1f} ms per pass, median of {runs})"
    )

    inventory = scan([args.path], ScanOptions())
    runs, per_run = repeat(lambda: scan([args.path], ScanOptions()), args.seconds)
    print(
        f"evaluate: {len(files) / per_run:8.1f} files/s  ({per_run * 1000:.1f} ms per scan, "
        f"median of {runs}; {len(inventory.tables)} table instances, {inventory.files} files seen)"
    )

    dynlint = [sys.executable, "-m", "dynlint"]
    startup = wall_time([*dynlint, "--version"])
    whole = wall_time([*dynlint, "tables", str(args.path), "--format", "json"])
    print(f"startup:  {startup * 1000:8.1f} ms  `dynlint --version`")
    print(f"cli:      {whole * 1000:8.1f} ms  `dynlint tables {args.path}`")

    checkov = shutil.which("checkov")
    if checkov is None:
        print("checkov:  not installed (pip install checkov) - no comparison made")
        return
    theirs = wall_time(
        [checkov, "-d", str(args.path), "--framework", "terraform", "--quiet", "--compact"], runs=1
    )
    print(f"checkov:  {theirs * 1000:8.1f} ms  `checkov -d {args.path} --framework terraform`")
    print(f"ratio:    dynlint takes {whole / theirs:.2f}x Checkov's time on the same tree")


if __name__ == "__main__":
    main()
