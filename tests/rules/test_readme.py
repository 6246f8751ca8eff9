"""The README's rule table and its worked policy example cannot drift from the code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from dynlint.policy import load_policy
from tests.rules.conftest import REPO, rule_ids, run_check, write_tree

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_the_rule_table_is_generated_from_the_policy_files() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/rules_doc.py", "--check"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    for path in (REPO / "rules").glob("*.toml"):
        assert f"| {path.stem} |" in README


def test_the_worked_policy_example_loads_and_fires(tmp_path: Path) -> None:
    section = README.split("### Writing your own policies", 1)[1]
    (policy_text,) = re.findall(r"```toml\n(id = .*?)```", section, re.S)[:1]
    path = tmp_path / "policies" / "ACME001.toml"
    path.parent.mkdir()
    path.write_text(policy_text)
    policy = load_policy(path, "policies/ACME001.toml")
    failing = next(e for e in policy.examples if e.kind == "fail")
    write_tree(tmp_path, {"live/prod/main.tf": failing.hcl})
    code, document, _ = run_check(["live", "--rules-dir", "policies"], cwd=tmp_path)
    assert code == 1 and "ACME001" in rule_ids(document)


def test_the_first_command_of_the_readme_lints_an_example_with_findings() -> None:
    first = README.split("```sh\n", 1)[1].split("\n", 1)[0]
    assert first == "python -m pip install . && dynlint check fixtures/seeds/lead-capture"
    code, document, _ = run_check(["fixtures/seeds/lead-capture"])
    assert code == 1 and document["findings"]
    assert f"Found {len(document['findings'])} findings" in README
