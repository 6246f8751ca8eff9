"""Parsing many files at once across processes (a cold run over a large tree).

Workers are forked from the running process, parse a batch of ``(display path, text)`` pairs,
store each tree in the parse cache themselves, and send the trees back. Nothing is executed
from the scanned tree; what comes back is the syntax tree dynlint's own code built.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from dynlint.cache import ParseCache
from dynlint.inputs import InputFileError
from dynlint.parser import parse_source
from dynlint.syntax import File

# Below this many files to parse, starting processes costs more than it saves.
MIN_FILES = 24
MAX_WORKERS = 4
BATCH = 16

Job = tuple[str, str]  # (display path, text)
Result = File | InputFileError


def workers() -> int:
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        available = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, available))


def parse_many(jobs: list[Job], cache: ParseCache | None) -> list[Result]:
    """Parse every job (in order); in parallel when there are enough and more than one CPU."""
    count = workers()
    if len(jobs) < MIN_FILES or count < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return _parse_batch(jobs, cache)
    # Small batches: results stream back as they are ready, and no process holds them all twice.
    batches = [jobs[start : start + BATCH] for start in range(0, len(jobs), BATCH)]
    context = multiprocessing.get_context("fork")
    results: list[Result] = []
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        for batch in pool.map(_parse_batch, batches, [cache] * len(batches)):
            results.extend(batch)
    return results


def _parse_batch(jobs: list[Job], cache: ParseCache | None) -> list[Result]:
    results: list[Result] = []
    for display, text in jobs:
        try:
            parsed = parse_source(text, display)
        except InputFileError as error:
            results.append(error)
            continue
        if cache is not None:
            cache.put(ParseCache.key(display, text), parsed)
        results.append(parsed)
    return results
