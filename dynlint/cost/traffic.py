"""Traffic over time: request rates minute by minute, from a CSV profile or a named shape.

A profile stands for traffic that repeats (a day, a week); monthly figures scale its average to
a month of 730 hours. Times are UTC; the first minute's time of day decides where the days of
the autoscaling decrease limits begin.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import pairwise
from pathlib import Path

from dynlint.cost.errors import CostInputError
from dynlint.inputs import InputFileError, open_regular

MINUTES_PER_MONTH = 730 * 60
DEFAULT_READ_RATIO = 0.8
MINUTES_PER_DAY = 1440
MAX_PROFILE_MINUTES = 31 * MINUTES_PER_DAY
MAX_PROFILE_RATE = 1e9
TIME_COLUMNS = {"minute": 1, "hour": 60, "timestamp": 1}

BUSINESS_HOURS_NIGHT_LEVEL = 0.1
SPIKE_FACTOR = 100
SPIKE_START_MINUTE = 12 * 60
SPIKE_MINUTES = 15


@dataclass(frozen=True)
class Profile:
    """Read and write requests per second, one value per minute."""

    name: str
    reads: tuple[float, ...]
    writes: tuple[float, ...]
    first_minute_of_day: int = 0

    @property
    def minutes(self) -> int:
        return len(self.reads)

    @property
    def month_factor(self) -> float:
        """How many times this profile fits in a month of 730 hours."""
        return MINUTES_PER_MONTH / self.minutes

    @property
    def average_reads(self) -> float:
        return sum(self.reads) / self.minutes

    @property
    def average_writes(self) -> float:
        return sum(self.writes) / self.minutes

    @property
    def peak_reads(self) -> float:
        return max(self.reads)

    @property
    def peak_writes(self) -> float:
        return max(self.writes)

    @property
    def is_steady(self) -> bool:
        return len(set(self.reads)) == 1 and len(set(self.writes)) == 1

    def scaled(self, factor: float) -> Profile:
        return Profile(
            name=self.name,
            reads=tuple(r * factor for r in self.reads),
            writes=tuple(w * factor for w in self.writes),
            first_minute_of_day=self.first_minute_of_day,
        )


def split_rate(total: float, read_ratio: float) -> tuple[float, float]:
    """Reads and writes per second of ``total`` requests per second."""
    # Rounding drops float noise (500 x 0.2 = 99.99999999999997) that would move capacity
    # across a whole-unit boundary.
    reads = round(total * read_ratio, 9)
    return reads, round(total - reads, 9)


# Named shapes --------------------------------------------------------------------------------


def _steady(_minute: int) -> float:
    return 1.0


def _business_hours(minute: int) -> float:
    """Weekdays: ramp up 08:00-09:00, full until 17:00, ramp down by 18:00; else 10%."""
    day, minute_of_day = divmod(minute, MINUTES_PER_DAY)
    low = BUSINESS_HOURS_NIGHT_LEVEL
    if day >= 5:
        return low
    hour = minute_of_day / 60
    if 9 <= hour < 17:
        return 1.0
    if 8 <= hour < 9:
        return low + (1.0 - low) * (hour - 8)
    if 17 <= hour < 18:
        return 1.0 - (1.0 - low) * (hour - 17)
    return low


def _daily_spike(minute: int) -> float:
    """The base rate all day, and 100 times it for 15 minutes from 12:00."""
    in_spike = SPIKE_START_MINUTE <= minute < SPIKE_START_MINUTE + SPIKE_MINUTES
    return float(SPIKE_FACTOR) if in_spike else 1.0


SHAPES: dict[str, tuple[int, Callable[[int], float], str]] = {
    "steady": (60, _steady, "the same rate at every minute"),
    "business-hours": (
        7 * MINUTES_PER_DAY,
        _business_hours,
        "a week from Monday 00:00 UTC: the rate on weekdays 09:00-17:00 UTC with one-hour "
        "ramps, 10% of it at night and at weekends",
    ),
    "daily-spike": (
        MINUTES_PER_DAY,
        _daily_spike,
        "the rate all day and 100x the rate for 15 minutes from 12:00 UTC, every day",
    ),
}


def shaped(shape: str, read_rps: float, write_rps: float) -> Profile:
    """The named ``shape`` with ``read_rps``/``write_rps`` as its base (full) rates."""
    minutes, level, _description = SHAPES[shape]
    levels = [level(minute) for minute in range(minutes)]
    return Profile(
        name=shape,
        reads=tuple(read_rps * x for x in levels),
        writes=tuple(write_rps * x for x in levels),
    )


# CSV profiles --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    line: int
    minute: int
    reads: float
    writes: float


def load_profile(path: Path, read_ratio: float | None) -> Profile:
    """The profile in CSV file ``path``; ``read_ratio`` splits a total ``rps`` column.

    Columns: one time column (``minute`` or ``hour`` offsets, or an ISO-8601 ``timestamp``),
    then either ``rps`` or ``read_rps`` and ``write_rps``. Lines starting with ``#`` are
    comments. Each row holds the average rate from its time until the next row's.
    """
    lines = _read_lines(path)
    header_line, header = _header(path, lines)
    columns = _columns(path, header_line, header, read_ratio)
    rows = [_row(path, number, fields, columns, read_ratio) for number, fields in lines[1:]]
    if not rows:
        raise CostInputError(f"{path}: the profile has a header but no rows of rates")
    step = _step(path, rows, TIME_COLUMNS[columns.time])
    if step * len(rows) > MAX_PROFILE_MINUTES:
        raise CostInputError(f"{path}: the profile is longer than 31 days; use a day or a week")
    reads = tuple(row.reads for row in rows for _ in range(step))
    writes = tuple(row.writes for row in rows for _ in range(step))
    return Profile(
        name=path.name,
        reads=reads,
        writes=writes,
        first_minute_of_day=rows[0].minute % MINUTES_PER_DAY,
    )


@dataclass(frozen=True)
class _Columns:
    time: str
    time_index: int
    total: int | None
    reads: int | None
    writes: int | None


MAX_PROFILE_LINES = 10 * MAX_PROFILE_MINUTES


def _read_lines(path: Path) -> list[tuple[int, list[str]]]:
    """The header and rate rows (comments and blank lines left out), read as a stream.

    Reading stops as soon as there are more rows than a 31-day profile can have, so a huge
    file is refused after its first megabytes, not read whole.
    """
    try:
        handle = open_regular(path, str(path))
    except InputFileError as error:
        raise CostInputError(f"{path}: cannot read profile: {error.reason}") from None
    lines: list[tuple[int, list[str]]] = []
    number = 0
    with handle, io.TextIOWrapper(handle, encoding="utf-8-sig", newline="") as text:
        reader = csv.reader(text)
        try:
            for number, fields in enumerate(reader, start=1):
                if any(field.strip() for field in fields) and not fields[0].lstrip().startswith("#"):
                    lines.append((number, [field.strip() for field in fields]))
                if len(lines) > MAX_PROFILE_MINUTES + 1 or number > MAX_PROFILE_LINES:
                    raise CostInputError(f"{path}: the profile is longer than 31 days; use a day or a week")
        except UnicodeDecodeError:
            raise CostInputError(f"{path}:{number + 1}: the profile is not UTF-8 text") from None
        except csv.Error as error:
            raise CostInputError(f"{path}:{number + 1}: not a readable CSV file: {error}") from None
    return lines


def _header(path: Path, lines: list[tuple[int, list[str]]]) -> tuple[int, list[str]]:
    if not lines:
        raise CostInputError(f"{path}: the profile is empty")
    number, fields = lines[0]
    return number, [field.lower() for field in fields]


def _columns(path: Path, line: int, header: list[str], read_ratio: float | None) -> _Columns:
    expected = "a time column (minute, hour or timestamp) and rps, or read_rps and write_rps"
    times = [name for name in header if name in TIME_COLUMNS]
    has_total = "rps" in header
    has_split = "read_rps" in header and "write_rps" in header
    if len(times) != 1 or has_total == has_split:
        raise CostInputError(f"{path}:{line}: the header needs {expected}; got {','.join(header)}")
    if has_split and read_ratio is not None:
        raise CostInputError(
            f"{path}: --read-ratio cannot be combined with a profile that has read_rps and write_rps columns"
        )
    return _Columns(
        time=times[0],
        time_index=header.index(times[0]),
        total=header.index("rps") if has_total else None,
        reads=header.index("read_rps") if has_split else None,
        writes=header.index("write_rps") if has_split else None,
    )


def _row(path: Path, line: int, fields: list[str], columns: _Columns, read_ratio: float | None) -> _Row:
    def field(index: int, name: str) -> str:
        if index >= len(fields) or not fields[index]:
            raise CostInputError(f"{path}:{line}: {name} is missing")
        return fields[index]

    minute = _minute(path, line, columns.time, field(columns.time_index, columns.time))
    if columns.total is not None:
        total = _rate(path, line, "rps", field(columns.total, "rps"))
        reads, writes = split_rate(total, DEFAULT_READ_RATIO if read_ratio is None else read_ratio)
    else:
        assert columns.reads is not None and columns.writes is not None
        reads = _rate(path, line, "read_rps", field(columns.reads, "read_rps"))
        writes = _rate(path, line, "write_rps", field(columns.writes, "write_rps"))
    return _Row(line=line, minute=minute, reads=reads, writes=writes)


def _rate(path: Path, line: int, name: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CostInputError(f"{path}:{line}: {name} {text!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise CostInputError(f"{path}:{line}: {name} {text!r} must be a number >= 0")
    if value > MAX_PROFILE_RATE:
        raise CostInputError(f"{path}:{line}: {name} {text!r} is more than {MAX_PROFILE_RATE:g} requests/s")
    return value


def _minute(path: Path, line: int, column: str, text: str) -> int:
    if column == "timestamp":
        return _timestamp_minute(path, line, text)
    try:
        value = float(text) * TIME_COLUMNS[column]
    except ValueError:
        raise CostInputError(f"{path}:{line}: {column} {text!r} is not a number") from None
    if not math.isfinite(value) or value < 0 or not float(value).is_integer():
        raise CostInputError(f"{path}:{line}: {column} {text!r} is not a whole minute >= 0")
    return int(value)


def _timestamp_minute(path: Path, line: int, text: str) -> int:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CostInputError(f"{path}:{line}: timestamp {text!r} is not an ISO-8601 date and time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    seconds = moment.timestamp()
    if seconds % 60:
        raise CostInputError(f"{path}:{line}: timestamp {text!r} is not on a whole minute")
    return int(seconds // 60)


def _step(path: Path, rows: Sequence[_Row], default: int) -> int:
    if len(rows) == 1:
        return default
    step = rows[1].minute - rows[0].minute
    for previous, row in pairwise(rows):
        gap = row.minute - previous.minute
        if gap <= 0:
            raise CostInputError(f"{path}:{row.line}: times must increase")
        if gap != step:
            raise CostInputError(
                f"{path}:{row.line}: rows must be evenly spaced: {gap} minutes after the "
                f"previous row, {step} between the first two"
            )
    return step
