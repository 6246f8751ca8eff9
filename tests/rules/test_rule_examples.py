"""Every rule's documented examples: failing ones fire the rule, passing ones never do."""

from __future__ import annotations

from pathlib import Path

import pytest

from dynlint.policy import Example, Policy, builtin_rules_dir, load_directory
from tests.rules.conftest import rule_ids, run_check, write_tree

POLICIES, ERRORS = load_directory(builtin_rules_dir(), "rules", builtin=True)
CASES = [(p, n, e) for p in POLICIES for n, e in enumerate(p.examples)]
ENVIRONMENTS = ("prod", "staging", "dev", None)
# An example that names its environment is checked there; the others in every environment.


def _environments(example: Example) -> tuple[str | None, ...]:
    return (example.env,) if example.env else ENVIRONMENTS


def _case_id(case: tuple[Policy, int, Example]) -> str:
    policy, number, example = case
    return f"{policy.id}-{example.kind}-{number}"


def test_every_builtin_policy_loads() -> None:
    assert ERRORS == []
    assert len(POLICIES) >= 35


def _check(tmp_path: Path, example: Example, rule: str, env: str | None) -> list[str]:
    write_tree(tmp_path, example.tree())
    args = [str(tmp_path), "--select", rule] + (["--env", env] if env else [])
    code, document, stderr = run_check(args, cwd=tmp_path)
    assert document["errors"] == [], stderr
    assert code in (0, 1)
    return rule_ids(document)


@pytest.mark.parametrize("case", [c for c in CASES if c[2].kind == "fail"], ids=_case_id)
def test_failing_example_fires(case: tuple[Policy, int, Example], tmp_path: Path) -> None:
    policy, _, example = case
    found = _check(tmp_path, example, policy.id, example.env)
    assert policy.id in found


PASSING = [(case, env) for case in CASES if case[2].kind == "pass" for env in _environments(case[2])]


@pytest.mark.parametrize(("case", "env"), PASSING, ids=[f"{_case_id(c)}-{e}" for c, e in PASSING])
def test_passing_example_is_silent_in_every_environment(
    case: tuple[Policy, int, Example], env: str | None, tmp_path: Path
) -> None:
    policy, _, example = case
    found = _check(tmp_path, example, policy.id, env)
    assert policy.id not in found
