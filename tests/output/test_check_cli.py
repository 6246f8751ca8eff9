"""``dynlint check`` end to end: every output format against its consumer, exit codes, baseline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from report_helpers import REPO, check_structure, commands
from test_sarif import validate_sarif
from typer.testing import CliRunner

from dynlint.cli import app

SEEDS = REPO / "fixtures" / "seeds"
HOOKED = REPO / "tests" / "ci" / "fixtures" / "hooked"
CHECK_SCHEMA = REPO / "dynlint" / "schemas" / "check-output.schema.json"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A work tree with a seed that has findings and a clean one; the current directory."""
    (tmp_path / ".git").mkdir()
    shutil.copytree(SEEDS / "infra-tables-map", tmp_path / "infra")
    shutil.copytree(HOOKED, tmp_path / "clean")
    shutil.copytree(REPO / "fixtures" / "constructs" / "parse-error", tmp_path / "broken")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return tmp_path


def dynlint(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["check", *args], env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def validate_check_output(document: dict[str, Any]) -> None:
    import jsonschema

    schema = json.loads(CHECK_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = list(validator.iter_errors(document))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def turn_pitr_off(tree: Path) -> None:
    prod = tree / "clean" / "live" / "prod.tfvars"
    edit(prod, "point_in_time_recovery = true", "point_in_time_recovery = false")


def _line(result: dict[str, Any]) -> int:
    return result["locations"][0]["physicalLocation"]["region"]["startLine"]


def test_sarif_of_a_real_run_validates_and_documents_every_rule(tree: Path) -> None:
    code, out, _ = dynlint("infra", "--format", "sarif")
    assert code == 1
    document = json.loads(out)
    validate_sarif(document)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(rules) >= 30
    pitr = next(r for r in rules if r["id"] == "DL003")
    assert pitr["defaultConfiguration"]["level"] == "error"
    assert pitr["help"]["markdown"].startswith("#")
    assert "DL003" in pitr["help"]["markdown"]
    result = next(r for r in run["results"] if r["ruleId"] == "DL003")
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("infra/")
    assert result["relatedLocations"], "the module trace"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tree.resolve().as_uri() + "/"


def test_github_output_is_workflow_commands(tree: Path) -> None:
    code, out, _ = dynlint("infra", "--format", "github")
    assert code == 1
    found = commands(out)
    assert {name for name, _, _ in found} == {"error", "warning", "notice"}
    assert all(props["file"].startswith("infra/") and int(props["line"]) >= 1 for _, props, _ in found)
    plain = [line for line in out.splitlines() if not line.startswith("::")]
    assert len(plain) == 1 and plain[0].startswith("dynlint: ")


def test_junit_output_parses_with_a_case_per_table_and_rule(tree: Path) -> None:
    code, out, _ = dynlint("infra", "clean", "--format", "junit")
    assert code == 1
    root = check_structure(out)
    suites = {s.get("name"): s for s in root}
    clean = suites["clean/live (clean/live/prod.tfvars)"]
    assert int(clean.get("tests")) >= 30
    assert clean.get("failures") == "0"
    assert int(root.get("failures")) >= 1


def test_json_output_follows_its_schema(tree: Path) -> None:
    code, out, _ = dynlint("infra", "broken", "--format", "json")
    assert code == 2
    document = json.loads(out)
    validate_check_output(document)
    assert document["errors"][0]["file"] == "broken/other/broken.tf"
    assert document["errors"][0]["line"] == 3


def test_output_goes_to_a_file_in_any_format(tree: Path) -> None:
    for output_format in ("text", "json", "sarif", "github", "junit"):
        target = tree / f"report.{output_format}"
        code, out, _ = dynlint("infra", "--format", output_format, "--output", str(target))
        assert code == 1
        assert out == ""
        assert target.read_text().strip()
    validate_sarif(json.loads((tree / "report.sarif").read_text()))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["clean"], 0),
        (["infra"], 1),
        (["infra", "--fail-on", "error", "--select", "DL005"], 0),
        (["infra", "--fail-on", "note", "--select", "DL002"], 1),
        (["broken"], 2),
        (["clean", "--select", "DL999"], 2),
        (["nowhere"], 2),
        (["clean", "--baseline", "missing.json"], 2),
        (["clean", "--baseline", "a.json", "--write-baseline", "b.json"], 2),
    ],
)
def test_exit_codes(tree: Path, args: list[str], expected: int) -> None:
    assert dynlint(*args)[0] == expected


def test_an_unparseable_file_is_reported_and_the_others_still_checked(tree: Path) -> None:
    code, out, err = dynlint("broken", "infra")
    assert code == 2
    assert "broken/other/broken.tf:3:13" in err
    assert "broken/good.tf:1:1: DL001" in out
    assert "infra/20_infra" in out


def test_fingerprints_are_stable_across_runs_and_line_moves(tree: Path) -> None:
    def fingerprints() -> dict[str, int]:
        results = json.loads(dynlint("infra", "--format", "sarif")[1])["runs"][0]["results"]
        return {r["partialFingerprints"]["dynlintFinding/v1"]: _line(r) for r in results}

    first, second = fingerprints(), fingerprints()
    assert first == second
    module = tree / "infra" / "modules" / "dynamodb" / "main.tf"
    resource = 'resource "aws_dynamodb_table" "this" {'
    edit(module, resource, "#\n" * 10 + resource)
    moved = fingerprints()
    assert set(moved) == set(first)
    shifted = [k for k in first if moved[k] == first[k] + 10]
    assert shifted, "findings in the module moved down ten lines"


def test_a_baseline_accepts_todays_findings_and_catches_exactly_a_new_one(tree: Path) -> None:
    module = tree / "clean" / "modules" / "table" / "main.tf"
    edit(module, "deletion_protection_enabled = true", "")
    code, out, _ = dynlint("clean", "--format", "json")
    assert code == 1
    before = json.loads(out)["findings"]
    assert {f["rule_id"] for f in before} == {"DL005"}

    code, _, err = dynlint("clean", "--write-baseline", "baseline.json")
    assert code == 0
    assert "wrote 1 finding(s) to baseline baseline.json" in err
    assert dynlint("clean", "--baseline", "baseline.json")[0] == 0

    edit(module, "  hash_key", "#\n" * 10 + "  hash_key")
    turn_pitr_off(tree)
    code, out, _ = dynlint("clean", "--baseline", "baseline.json", "--format", "json")
    assert code == 1
    document = json.loads(out)
    validate_check_output(document)
    found = [(f["rule_id"], f["var_file"]) for f in document["findings"]]
    assert found == [("DL003", "clean/live/prod.tfvars")]
    assert document["baseline"] == {"file": "baseline.json", "known": 1, "new": 1, "fixed": []}


def test_fixed_findings_are_noted_so_the_baseline_can_shrink(tree: Path) -> None:
    module = tree / "clean" / "modules" / "table" / "main.tf"
    edit(module, "deletion_protection_enabled = true", "")
    dynlint("clean", "--write-baseline", "baseline.json")
    edit(module, "  hash_key", "  deletion_protection_enabled = true\n  hash_key")
    code, _, err = dynlint("clean", "--baseline", "baseline.json")
    assert code == 0
    assert "1 finding(s) of baseline baseline.json no longer occur" in err
    assert "fixed: DL005 deletion-protection-production module.orders.aws_dynamodb_table.this" in err
    document = json.loads(dynlint("clean", "--baseline", "baseline.json", "--format", "json")[1])
    assert [e["rule_id"] for e in document["baseline"]["fixed"]] == ["DL005"]


def test_the_config_names_the_baseline(tree: Path) -> None:
    edit(tree / "clean" / "modules" / "table" / "main.tf", "deletion_protection_enabled = true", "")
    dynlint("clean", "--write-baseline", "clean/dynlint-baseline.json")
    (tree / ".dynlint.toml").write_text('baseline = "clean/dynlint-baseline.json"\n')
    assert dynlint("clean")[0] == 0
    (tree / ".dynlint.toml").write_text('baseline = "nope.json"\n')
    code, _, err = dynlint("clean")
    assert code == 2
    assert "nope.json" in err and "--write-baseline" in err


def test_colour_on_request_only(tree: Path) -> None:
    _, plain, _ = dynlint("infra")
    assert "\x1b[" not in plain
    _, forced, _ = dynlint("infra", env={"FORCE_COLOR": "1"})
    assert "\x1b[1;31merror\x1b[0m" in forced
    _, refused, _ = dynlint("infra", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in refused
    _, as_json, _ = dynlint("infra", "--format", "json", env={"FORCE_COLOR": "1"})
    assert "\x1b[" not in as_json


def test_changed_files_lint_what_a_var_file_change_affects(tree: Path) -> None:
    turn_pitr_off(tree)
    code, out, _ = dynlint("--changed-files", "clean/live/prod.tfvars", "--format", "json")
    assert code == 1
    findings = json.loads(out)["findings"]
    assert {(f["rule_id"], f["root"]) for f in findings} == {("DL003", "clean/live")}
    code, out, _ = dynlint("--changed-files", "clean/live/dev.tfvars", "--format", "json")
    assert code == 0, out


def test_changed_files_keep_module_context_and_leave_other_roots_out(tree: Path) -> None:
    edit(tree / "clean" / "modules" / "table" / "main.tf", "deletion_protection_enabled = true", "")
    code, out, _ = dynlint("--changed-files", "clean/modules/table/main.tf", "README.md", "--format", "json")
    assert code == 1
    document = json.loads(out)
    assert {f["rule_id"] for f in document["findings"]} == {"DL005"}
    assert all(f["root"] == "clean/live" for f in document["findings"])
    assert dynlint("--changed-files", "README.md")[0] == 0


def test_write_baseline_with_changed_files_is_a_usage_error(tree: Path) -> None:
    code, _, err = dynlint("--changed-files", "clean/live/main.tf", "--write-baseline", "b.json")
    assert code == 2
    assert "--write-baseline" in err


def test_findings_about_the_config_file_point_at_it_in_sarif_and_github(tree: Path) -> None:
    (tree / ".dynlint.toml").write_text(
        '[[suppress]]\naddress = "aws_dynamodb_table.nothing"\nrules = ["DL003"]\nreason = "old"\n'
    )
    document = json.loads(dynlint("clean", "--format", "sarif")[1])
    validate_sarif(document)
    (result,) = [r for r in document["runs"][0]["results"] if r["ruleId"] == "DL090"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == ".dynlint.toml"
    assert location["region"]["startLine"] == 1
    ((_, props, _),) = [
        c for c in commands(dynlint("clean", "--format", "github")[1]) if "DL090" in c[1]["title"]
    ]
    assert props["file"] == ".dynlint.toml"
