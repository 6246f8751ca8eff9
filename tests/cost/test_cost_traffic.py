"""Traffic profiles from CSV files and named shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from dynlint.cost.errors import CostInputError
from dynlint.cost.traffic import load_profile, shaped

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "cost"


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "profile.csv"
    path.write_text(text)
    return path


def test_hourly_profile_expands_to_minutes() -> None:
    profile = load_profile(FIXTURES / "office-week.csv", None)
    assert profile.minutes == 168 * 60
    assert profile.peak_reads == 400
    assert profile.peak_writes == 100
    assert profile.reads[9 * 60] == 400  # Monday 09:00
    assert profile.reads[5 * 1440 + 10 * 60] == 20  # Saturday 10:00


def test_timestamp_profile_splits_rps_by_the_read_ratio() -> None:
    profile = load_profile(FIXTURES / "flash-sale.csv", 0.5)
    assert profile.minutes == 1440
    assert profile.first_minute_of_day == 0
    assert profile.reads[0] == 25
    assert profile.writes[12 * 60] == 2500
    # 50 requests/s for 1,425 minutes and 5,000 for 15: average 101.5625.
    assert profile.average_reads + profile.average_writes == pytest.approx(101.5625)


def test_timestamps_in_another_zone_are_read_as_utc(tmp_path: Path) -> None:
    path = _csv(tmp_path, "timestamp,rps\n2025-01-01T01:30+01:00,10\n2025-01-01T01:31+01:00,20\n")
    assert load_profile(path, None).first_minute_of_day == 30


def test_minute_profile_starting_mid_day(tmp_path: Path) -> None:
    path = _csv(tmp_path, "# comment\nminute,read_rps,write_rps\n600,1,2\n601,3,4\n")
    profile = load_profile(path, None)
    assert profile.reads == (1.0, 3.0)
    assert profile.first_minute_of_day == 600


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "profile.csv: the profile is empty"),
        ("minute,rps\n", "has a header but no rows"),
        ("when,rps\n0,1\n", r"profile.csv:1: the header needs a time column"),
        ("minute,rps,read_rps,write_rps\n0,1,1,1\n", "the header needs"),
        ("minute,rps\n0,1\n1,abc\n", r"profile.csv:3: rps 'abc' is not a number"),
        ("minute,rps\n0,1\n1,-5\n", r"profile.csv:3: rps '-5' must be a number >= 0"),
        ("minute,rps\n0,1\n1\n", r"profile.csv:3: rps is missing"),
        ("minute,rps\n0,1\n1,1\n3,1\n", r"profile.csv:4: rows must be evenly spaced"),
        ("minute,rps\n5,1\n5,1\n", r"profile.csv:3: times must increase"),
        ("hour,rps\n0.01,1\n", r"profile.csv:2: hour '0.01' is not a whole minute"),
        ("timestamp,rps\nyesterday,1\n", r"profile.csv:2: timestamp 'yesterday' is not an ISO"),
        ("hour,rps\n0,1\n800,1\n", "longer than 31 days"),
    ],
)
def test_bad_profiles_name_the_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(CostInputError, match=message):
        load_profile(_csv(tmp_path, text), None)


def test_read_ratio_conflicts_with_separate_columns(tmp_path: Path) -> None:
    path = _csv(tmp_path, "minute,read_rps,write_rps\n0,1,1\n")
    with pytest.raises(CostInputError, match="--read-ratio cannot be combined"):
        load_profile(path, 0.5)


def test_named_shapes() -> None:
    steady = shaped("steady", 8, 2)
    assert steady.is_steady and steady.average_reads == 8
    spike = shaped("daily-spike", 8, 2)
    assert spike.minutes == 1440 and spike.peak_reads == 800
    office = shaped("business-hours", 80, 20)
    assert office.minutes == 7 * 1440
    assert office.reads[10 * 60] == 80  # Monday 10:00
    assert office.reads[8 * 60 + 30] == pytest.approx(80 * 0.55)  # halfway up the ramp
    assert office.reads[6 * 1440 + 10 * 60] == pytest.approx(8)  # Sunday
