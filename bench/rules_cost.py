"""What the rules cost on top of evaluation: `dynlint check` against `dynlint tables`.

Runs both commands on one tree, interleaved, and reports their medians and the extra cost of
`check`; then, in one process, the CPU time of the scan and of the rule phase alone.

Usage: python bench/rules_cost.py TREE [--runs N] [--no-cache]
(generate the corpus first: python bench/generate.py /tmp/corpus)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from dynlint.check import load_rules, run_policy_phase
from dynlint.engine import EngineSettings
from dynlint.scan import ScanOptions, scan


def command_medians(tree: Path, runs: int, extra: list[str]) -> dict[str, float]:
    exe = shutil.which("dynlint") or str(Path(sys.executable).with_name("dynlint"))
    times: dict[str, list[float]] = {"tables": [], "check": []}
    for _ in range(runs):
        for command in times:
            start = time.perf_counter()
            subprocess.run(
                [exe, command, str(tree), "--format", "json", *extra],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
            times[command].append(time.perf_counter() - start)
    return {command: statistics.median(values) for command, values in times.items()}


def phase_cpu(tree: Path) -> tuple[float, float, int, int]:
    start = time.process_time()
    inventory = scan([tree], ScanOptions())
    scan_cpu = time.process_time() - start
    policies, _ = load_rules([], Path.cwd())
    start = time.process_time()
    findings = run_policy_phase(policies, inventory, EngineSettings())
    return scan_cpu, time.process_time() - start, len(inventory.tables), len(findings)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("tree", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-cache", action="store_true", help="pass --no-cache to both commands")
    args = parser.parse_args()
    extra = ["--no-cache"] if args.no_cache else []
    medians = command_medians(args.tree, args.runs, extra)
    extra_cost = 100 * (medians["check"] / medians["tables"] - 1)
    print(
        f"{'cold (--no-cache)' if args.no_cache else 'warm'}: tables {medians['tables']:.2f} s, "
        f"check {medians['check']:.2f} s (medians of {args.runs}, interleaved): "
        f"check costs {extra_cost:+.1f}%"
    )
    scan_cpu, rules_cpu, tables, findings = phase_cpu(args.tree)
    print(
        f"in one process: scan {scan_cpu:.2f} s CPU, rules {rules_cpu:.3f} s CPU "
        f"({100 * rules_cpu / scan_cpu:.1f}% of the scan) for {tables} tables, {findings} findings"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
