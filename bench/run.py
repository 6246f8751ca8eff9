"""Time dynlint and Checkov side by side, in the same run, on the generated corpus.

Usage (from the repository root, dynlint installed in .venv, Checkov in bench/.venv):

    python3 -m venv bench/.venv && bench/.venv/bin/pip install checkov==3.3.30
    .venv/bin/python bench/run.py [--runs 5] [--corpus DIR] [--checkov PATH]

Measures, each the median of ``--runs`` fresh processes, alternating the two tools:

- corpus, cold: the whole corpus with an empty dynlint cache (``--no-cache`` where supported);
- corpus, warm: the whole corpus again, the cache filled by the run before (nothing changed,
  so dynlint replays the report it kept);
- corpus, a file edited: the whole corpus after a line is added to one file, the cache holding
  everything else (Checkov's figure is its corpus run: it has no cache to miss);
- one directory: one small root module, warm (its second run: nothing changed since the first);
- one directory, edited: the same after a line is added to one of its files (the cache holds
  everything else), as a pre-commit run sees it;
- pre-commit, edited: ``check --changed-files FILE`` run from the corpus top after that edit,
  as the pre-commit hook runs it, the hook having run once before (the commit before);
  Checkov gets ``-f FILE``;
- ``--version``: start-up alone;
- peak memory: the largest resident set of any corpus run (``wait4``'s ``ru_maxrss``).

Both tools run with Python free to write bytecode (``PYTHONDONTWRITEBYTECODE`` removed): pip
compiles an installed package's bytecode, but this benchmark runs dynlint from its editable
install, whose modules would otherwise be compiled from source on every run where that variable
is set.

Checkov runs as ``checkov -d DIR --framework terraform --quiet --compact -o json``; it has no
cache of its own for local Terraform, so its cold and warm runs are the same command. Not a
test: CI does not run it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

SMALL_DIR = Path("live") / "prod" / "orders"
EDITED_FILE = SMALL_DIR / "main.tf"


@dataclass
class Sample:
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    exit_codes: set[int] = field(default_factory=set)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)


def timed(
    command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds (with its children), peak resident MB and exit code of a process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode


def record(
    sample: Sample, command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> None:
    seconds, cpu, peak, code = timed(command, env, cwd)
    sample.seconds.append(seconds)
    sample.cpu.append(cpu)
    sample.peak_mb.append(peak)
    sample.exit_codes.add(code)


def lint_command(dynlint: str) -> str:
    """``check`` once it exists, else ``tables``: the one place that decides."""
    help_text = subprocess.run([dynlint, "--help"], capture_output=True, text=True).stdout
    return "check" if " check " in help_text else "tables"


def supports_no_cache(dynlint: str, command: str) -> bool:
    help_text = subprocess.run([dynlint, command, "--help"], capture_output=True, text=True).stdout
    return "--no-cache" in help_text


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=None, help="default: generated in a temporary dir")
    parser.add_argument("--dynlint", default=str(Path(sys.executable).parent / "dynlint"))
    parser.add_argument("--checkov", default=str(HERE / ".venv" / "bin" / "checkov"))
    parser.add_argument("--skip-checkov", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dynlint-bench-"))
    corpus = args.corpus or work / "corpus"
    if args.corpus is None:
        generate(corpus)
    command = lint_command(args.dynlint)
    no_cache = supports_no_cache(args.dynlint, command)
    cache_dir = work / "cache"
    bytecode = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env = {**bytecode, "DYNLINT_CACHE_DIR": str(cache_dir)}
    dynlint = [args.dynlint, command]
    checkov = [args.checkov, "--framework", "terraform", "--quiet", "--compact", "-o", "json", "-d"]
    run_checkov = not args.skip_checkov and Path(args.checkov).exists()

    results: dict[str, dict[str, Sample]] = {
        name: {"dynlint": Sample(), "checkov": Sample()}
        for name in ("cold", "warm", "corpus_edited", "small", "edited", "hook", "version")
    }
    edited = corpus / EDITED_FILE
    original = edited.read_text()
    for _ in range(args.runs):
        shutil.rmtree(cache_dir, ignore_errors=True)
        cold = [*dynlint, str(corpus), "--format", "json", *(["--no-cache"] if no_cache else [])]
        record(results["cold"]["dynlint"], cold, env)
        shutil.rmtree(cache_dir, ignore_errors=True)
        record(results["warm"]["dynlint"], [*dynlint, str(corpus), "--format", "json"], env)  # fills
        for values in (results["warm"]["dynlint"].seconds, results["warm"]["dynlint"].cpu):
            values.pop()
        results["warm"]["dynlint"].peak_mb.pop()
        record(results["warm"]["dynlint"], [*dynlint, str(corpus), "--format", "json"], env)
        edit(edited)
        record(results["corpus_edited"]["dynlint"], [*dynlint, str(corpus), "--format", "json"], env)
        small = [*dynlint, str(corpus / SMALL_DIR), "--format", "json"]
        timed(small, env)  # fills the cache for this directory, as the run before a commit would
        record(results["small"]["dynlint"], small, env)
        edit(edited)
        record(results["edited"]["dynlint"], [*dynlint, str(corpus / SMALL_DIR), "--format", "json"], env)
        hook = [*dynlint, "--changed-files", str(EDITED_FILE), "--format", "json"]
        edit(edited)
        timed(hook, env, cwd=corpus)  # the commit before: the hook has run in this checkout
        edit(edited)
        record(results["hook"]["dynlint"], hook, env, cwd=corpus)
        record(results["version"]["dynlint"], [args.dynlint, "--version"], env)
        if run_checkov:
            record(results["cold"]["checkov"], [*checkov, str(corpus)], bytecode)
            record(results["warm"]["checkov"], [*checkov, str(corpus)], bytecode)
            results["corpus_edited"]["checkov"] = results["warm"]["checkov"]
            record(results["small"]["checkov"], [*checkov, str(corpus / SMALL_DIR)], bytecode)
            record(results["edited"]["checkov"], [*checkov, str(corpus / SMALL_DIR)], bytecode)
            checkov_hook = [*checkov[:-1], "-f", str(EDITED_FILE)]
            record(results["hook"]["checkov"], checkov_hook, bytecode, cwd=corpus)
            record(results["version"]["checkov"], [args.checkov, "--version"], bytecode)
    edited.write_text(original)
    report(results, command, no_cache, corpus, args.runs, run_checkov)
    shutil.rmtree(work, ignore_errors=True)


def edit(path: Path) -> None:
    """Add a line, as a commit would: the file's scan and parse are no longer cached."""
    with path.open("a") as handle:
        handle.write(f"# edited {time.time_ns()}\n")


LABELS = {
    "cold": "corpus, cold (no cache)",
    "warm": "corpus, warm (second run)",
    "corpus_edited": "corpus, a file edited",
    "small": f"one directory ({SMALL_DIR.as_posix()})",
    "edited": "one directory, a file of it edited",
    "hook": f"pre-commit: --changed-files {EDITED_FILE.as_posix()}, edited",
    "version": "--version",
}


def report(
    results: dict[str, dict[str, Sample]],
    command: str,
    no_cache: bool,
    corpus: Path,
    runs: int,
    checkov: bool,
) -> None:
    files = [p for p in corpus.rglob("*") if p.is_file() and ".git" not in p.parts]
    size = sum(p.stat().st_size for p in files) / 1e6
    print(f"corpus: {len(files)} files, {len({p.parent for p in files})} directories, {size:.2f} MB")
    print(
        f"dynlint {command} (cold: {'--no-cache' if no_cache else 'empty cache dir'}); medians of {runs} runs"
    )
    print()
    print("| measurement | dynlint | Checkov | ratio | dynlint CPU | Checkov CPU | CPU ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, label in LABELS.items():
        ours, theirs = results[name]["dynlint"], results[name]["checkov"]
        if checkov:
            other = f"{theirs.median:.2f} s | {theirs.median / ours.median:.1f}x"
            other_cpu = f"{theirs.median_cpu:.2f} s | {theirs.median_cpu / ours.median_cpu:.1f}x"
        else:
            other, other_cpu = "- | -", "- | -"
        print(f"| {label} | {ours.median:.2f} s | {other} | {ours.median_cpu:.2f} s | {other_cpu} |")
    ours_peak = max(max(results[n]["dynlint"].peak_mb) for n in ("cold", "warm"))
    theirs_peak = max(max(results[n]["checkov"].peak_mb) for n in ("cold", "warm")) if checkov else None
    other = f"{theirs_peak:.0f} MB" if theirs_peak else "-"
    ratio = f"{theirs_peak / ours_peak:.1f}x" if theirs_peak else "-"
    print(f"| peak memory (corpus) | {ours_peak:.0f} MB | {other} | {ratio} | | | |")
    codes = {n: sorted(results[n]["dynlint"].exit_codes) for n in results}
    print(f"\ndynlint exit codes: {codes}")


if __name__ == "__main__":
    main()
