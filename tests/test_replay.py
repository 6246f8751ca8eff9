"""A kept report is replayed only while every input of the check is unchanged.

Driven through the ``dynlint`` executable's own entry point (:func:`dynlint.launcher.main`),
in this process so that a replay can be told from a run: a run calls ``check_report``.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from harness import REPO

from dynlint import delivery, launcher, observe, replay

TABLE_TF = """\
variable "enable_pitr" {
  type    = bool
  default = false
}

resource "aws_dynamodb_table" "orders" {
  name         = "orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = var.enable_pitr
  }
}
"""

SECOND_TABLE_TF = """\
resource "aws_dynamodb_table" "audit" {
  name         = "audit"
  billing_mode = "PROVISIONED"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}
"""


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


class Dynlint:
    """``dynlint ARGS`` in ``top``, counting the runs that were not replayed."""

    def __init__(
        self, top: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.top, self.capsys, self.runs = top, capsys, 0
        real = delivery.check_report

        def counted(*args: object, **kwargs: object) -> delivery.Report:
            self.runs += 1
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(delivery, "check_report", counted)
        self.monkeypatch = monkeypatch

    def __call__(self, *args: str) -> Run:
        self.monkeypatch.chdir(self.top)
        self.monkeypatch.setattr(sys, "argv", ["dynlint", *args])
        replay.keep_next(None)
        self.capsys.readouterr()
        with pytest.raises(SystemExit) as exited:
            launcher.main()
        captured = self.capsys.readouterr()
        return Run(int(exited.value.code or 0), captured.out, captured.err)


@pytest.fixture()
def dynlint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Dynlint]:
    monkeypatch.setenv("DYNLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "__all__")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    # Files written by the test are moments old: let the run be kept all the same.
    monkeypatch.setattr(observe, "RACY_SECONDS", 0.0)
    top = tmp_path / "repo"
    (top / ".git").mkdir(parents=True)
    (top / "prod").mkdir()
    (top / "prod" / "main.tf").write_text(TABLE_TF)
    thresholds = gc.get_threshold()
    yield Dynlint(top, monkeypatch, capsys)
    gc.set_threshold(*thresholds)
    replay.keep_next(None)


def edit(path: Path, text: str) -> None:
    time.sleep(0.02)  # past one tick of the file system clock, as any real edit is
    path.write_text(text)


def kept_reports(top: Path) -> list[Path]:
    return sorted((top.parent / "cache" / "reports").glob("*.json"))


def test_a_repeated_check_is_replayed_with_the_same_output_and_exit_code(dynlint: Dynlint) -> None:
    first = dynlint("check", "prod")
    second = dynlint("check", "prod")
    assert first.exit_code == 1 and "DL003" in first.stdout
    assert second == first
    assert dynlint.runs == 1
    assert len(kept_reports(dynlint.top)) == 1


def test_each_question_is_kept_apart(dynlint: Dynlint) -> None:
    text = dynlint("check", "prod")
    as_json = dynlint("check", "prod", "--format", "json")
    assert json.loads(as_json.stdout)["findings"]
    assert dynlint("check", "prod", "--format", "json") == as_json
    assert dynlint("check", "prod") == text
    assert dynlint.runs == 2


def _config(top: Path) -> None:
    edit(top / ".dynlint.toml", 'ignore = ["DL003"]\n')


def _suppression(top: Path) -> None:
    edit(top / "prod" / "main.tf", "# dynlint:ignore DL003 rebuilt nightly\n" + TABLE_TF)


def _new_file(top: Path) -> None:
    edit(top / "prod" / "audit.tf", SECOND_TABLE_TF)


def _fixed(top: Path) -> None:
    edit(top / "prod" / "main.tf", TABLE_TF.replace("default = false", "default = true"))


def _config_above(top: Path) -> None:
    edit(top.parent / ".dynlint.toml", 'select = ["DL0"]\nignore = ["DL003"]\n')


CHANGES: dict[str, Callable[[Path], None]] = {
    "an edited file": _fixed,
    "a new file": _new_file,
    "a new config file": _config,
    "a config file above the tree": _config_above,
    "a new suppression comment": _suppression,
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_change_to_what_the_check_read_runs_it_again(dynlint: Dynlint, change: str) -> None:
    before = dynlint("check", "prod")
    assert dynlint("check", "prod") == before
    CHANGES[change](dynlint.top)
    after = dynlint("check", "prod")
    assert after != before
    assert dynlint.runs == 2
    assert after == dynlint("check", "prod", "--no-cache")


def test_an_edited_var_file_runs_it_again(dynlint: Dynlint) -> None:
    var_file = dynlint.top / "prod.tfvars"
    var_file.write_text("enable_pitr = false\n")
    before = dynlint("check", "prod", "--var-file", "prod.tfvars")
    assert dynlint("check", "prod", "--var-file", "prod.tfvars") == before
    edit(var_file, "enable_pitr = true\n")
    after = dynlint("check", "prod", "--var-file", "prod.tfvars")
    assert "DL003" in before.stdout and "DL003" not in after.stdout
    assert dynlint.runs == 2


def test_an_edited_rule_of_a_rules_dir_runs_it_again(dynlint: Dynlint) -> None:
    rules = dynlint.top / "policies"
    rules.mkdir()
    rule = (REPO / "rules" / "DL003.toml").read_text().replace('id = "DL003"', 'id = "ORG001"')
    rule = rule.replace('name = "pitr-production"', 'name = "org-pitr"')
    (rules / "org.toml").write_text(rule)
    before = dynlint("check", "prod", "--rules-dir", "policies", "--select", "ORG")
    assert dynlint("check", "prod", "--rules-dir", "policies", "--select", "ORG") == before
    edit(rules / "org.toml", rule.replace("cannot be undone", "cannot be put right"))
    after = dynlint("check", "prod", "--rules-dir", "policies", "--select", "ORG")
    assert "cannot be undone" in before.stdout and "cannot be put right" in after.stdout
    assert dynlint.runs == 2


def test_an_edited_baseline_runs_it_again(dynlint: Dynlint) -> None:
    dynlint("check", "prod", "--write-baseline", "baseline.json")
    baselined = dynlint("check", "prod", "--baseline", "baseline.json")
    assert dynlint("check", "prod", "--baseline", "baseline.json") == baselined
    assert baselined.exit_code == 0
    document = json.loads((dynlint.top / "baseline.json").read_text())
    document["findings"] = []
    edit(dynlint.top / "baseline.json", json.dumps(document))
    after = dynlint("check", "prod", "--baseline", "baseline.json")
    assert after.exit_code == 1 and "DL003" in after.stdout
    assert dynlint.runs == 3


def test_colour_settings_are_part_of_the_question(dynlint: Dynlint, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = dynlint("check", "prod")
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = dynlint("check", "prod")
    assert "\x1b[" in coloured.stdout and "\x1b[" not in plain.stdout
    assert dynlint.runs == 2


def test_today_is_part_of_the_question(monkeypatch: pytest.MonkeyPatch) -> None:
    today = replay.report_memo(["check", "."])

    class Tomorrow(date):
        @classmethod
        def today(cls) -> date:
            return date(2031, 1, 1)

    monkeypatch.setattr(replay, "date", Tomorrow)
    tomorrow = replay.report_memo(["check", "."])
    assert today is not None and tomorrow is not None and today.path != tomorrow.path


@pytest.mark.parametrize(
    "args",
    [
        ("--no-cache",),
        ("--output", "report.txt"),
        ("--output=report.txt",),
        ("--write-baseline", "baseline.json"),
    ],
)
def test_runs_that_write_or_skip_the_cache_are_never_kept(dynlint: Dynlint, args: tuple[str, ...]) -> None:
    dynlint("check", "prod", *args)
    dynlint("check", "prod", *args)
    assert dynlint.runs == 2
    assert not kept_reports(dynlint.top)


def test_a_usage_error_is_not_kept(dynlint: Dynlint) -> None:
    first = dynlint("check", "missing")
    assert first.exit_code == 2 and "no such file" in first.stderr
    dynlint("check", "missing")
    assert dynlint.runs == 2 and not kept_reports(dynlint.top)


@pytest.mark.parametrize("damage", ["", "{", '{"request": 1}', "[]", '{"request": "x", "looks": []}'])
def test_a_damaged_report_is_ignored(dynlint: Dynlint, damage: str) -> None:
    first = dynlint("check", "prod")
    (entry,) = kept_reports(dynlint.top)
    entry.write_text(damage)
    assert dynlint("check", "prod") == first
    assert dynlint.runs == 2


def test_a_tampered_report_of_the_wrong_shape_is_ignored(dynlint: Dynlint) -> None:
    first = dynlint("check", "prod")
    (entry,) = kept_reports(dynlint.top)
    kept = json.loads(entry.read_text())
    kept["answer"]["exit_code"] = 7
    entry.write_text(json.dumps(kept))
    assert dynlint("check", "prod") == first
    assert dynlint.runs == 2


def test_a_replay_imports_neither_the_command_line_nor_pydantic(tmp_path: Path) -> None:
    """In a fresh process, as a pre-commit hook runs: the replay is the fast path."""
    top = tmp_path / "repo"
    (top / "prod").mkdir(parents=True)
    (top / "prod" / "main.tf").write_text(TABLE_TF)
    time.sleep(observe.RACY_SECONDS + 0.1)  # older than the racy window, so the run is kept
    script = (
        "import sys\n"
        "sys.argv = ['dynlint', 'check', 'prod']\n"
        "from dynlint.launcher import main\n"
        "try:\n    main()\n"
        "except SystemExit as exited:\n    code = exited.code\n"
        "heavy = sorted(m for m in ('typer', 'pydantic', 'tree_sitter') if m in sys.modules)\n"
        "print('IMPORTED', heavy, code, file=sys.stderr)\n"
    )
    env = {**os.environ, "DYNLINT_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(REPO)}
    runs = [
        subprocess.run([sys.executable, "-c", script], cwd=top, env=env, capture_output=True, text=True)
        for _ in range(2)
    ]
    assert "IMPORTED ['pydantic', 'tree_sitter', 'typer'] 1" in runs[0].stderr
    assert "IMPORTED [] 1" in runs[1].stderr
    assert runs[1].stdout == runs[0].stdout and "DL003" in runs[1].stdout
