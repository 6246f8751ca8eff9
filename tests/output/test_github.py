"""--format github: workflow commands that the Actions runner parses back to the same text."""

from __future__ import annotations

from pathlib import Path

from report_helpers import Outcome, commands, finding

from dynlint.reports.github import escape_data, escape_property, render_github, workflow_command


def test_every_finding_is_an_annotation_at_its_place(outcome: Outcome) -> None:
    text = render_github(outcome)
    found = commands(text)
    by_title = {props.get("title"): (name, props, data) for name, props, data in found}
    name, props, data = by_title["DL003 pitr-production"]
    assert name == "error"
    assert props == {
        "file": "modules/dynamodb/main.tf",
        "line": "42",
        "col": "3",
        "title": "DL003 pitr-production",
    }
    assert data.splitlines()[0] == 'point-in-time recovery is off for production table "events"'
    assert 'module.dynamodb.aws_dynamodb_table.this["events"] in live' in data
    assert by_title["DL001 sse-disabled"][0] == "warning"
    assert by_title["DL002 sse-customer-key"][0] == "notice"


def test_input_errors_and_diagnostics_are_annotations_too(outcome: Outcome) -> None:
    found = commands(render_github(outcome))
    error = next(c for c in found if c[1].get("title") == "dynlint: input error")
    assert error[0] == "error"
    assert error[1]["file"] == "broken.tf"
    assert error[1]["line"] == "7"
    note = next(c for c in found if c[1].get("title") == "dynlint DL061")
    assert note[0] == "notice"


def test_other_lines_are_plain_text(outcome: Outcome) -> None:
    lines = render_github(outcome).splitlines()
    plain = [line for line in lines if not line.startswith("::")]
    assert plain == [
        "dynlint: 3 finding(s) (1 error, 1 warning, 1 note) in 2 table(s), 3 file(s); 1 input error(s)"
    ]


def test_escaping_follows_the_runner_rules() -> None:
    assert escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    line = workflow_command("warning", "x", {"file": "a,b:c.tf", "line": 3, "col": None})
    assert line == "::warning file=a%2Cb%3Ac.tf,line=3::x"


def test_awkward_text_round_trips() -> None:
    awkward = finding(
        message="50% of keys: a, b\r\nand then :: more",
        file="dir,with:odd%chars/main.tf",
        name="pitr-production",
        rule_id="DL003",
    )
    (command,) = commands(render_github(Outcome(findings=[awkward])))
    _name, props, data = command
    assert props["file"] == "dir,with:odd%chars/main.tf"
    assert data.startswith("50% of keys: a, b\r\nand then :: more\n")


def test_paths_are_relative_to_the_work_tree_top(tmp_path: Path) -> None:
    (tmp_path / "infra").mkdir()
    outcome = Outcome(findings=[finding(file="live/main.tf")])
    text = render_github(outcome, cwd=tmp_path / "infra", top=tmp_path)
    ((_, props, _),) = commands(text)
    assert props["file"] == "infra/live/main.tf"
