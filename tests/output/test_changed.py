"""Changed files: the roots a commit affects, and the findings about what it touched."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from report_helpers import REPO, finding

from dynlint.changed import changed_set, reachable_modules
from dynlint.discover import ModuleFacts
from dynlint.model import TraceStep
from dynlint.modules import SourceTree

SEEDS = REPO / "fixtures" / "seeds"
ENVIRONMENTS = REPO / "fixtures" / "constructs" / "environments"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Two seed scenarios and the environments construct in one work tree."""
    (tmp_path / ".git").mkdir()
    shutil.copytree(SEEDS / "infra-tables-map", tmp_path / "infra")
    shutil.copytree(SEEDS / "lead-capture", tmp_path / "lead")
    shutil.copytree(ENVIRONMENTS, tmp_path / "environments")
    return tmp_path


def test_a_changed_module_selects_the_roots_that_call_it(repo: Path) -> None:
    change = changed_set([Path("infra/modules/dynamodb/main.tf")], repo)
    assert change.roots == [repo / "infra" / "20_infra"]
    change = changed_set([Path("environments/modules/table/main.tf")], repo)
    assert change.roots == [
        repo / "environments" / "envs" / "prod",
        repo / "environments" / "envs" / "staging",
    ]


def test_a_changed_root_file_selects_that_root_whole(repo: Path) -> None:
    change = changed_set([Path("lead/variables.tf")], repo)
    assert change.roots == [repo / "lead"]
    assert change.whole_roots == {repo / "lead"}


def test_a_changed_var_file_selects_its_root(repo: Path) -> None:
    change = changed_set([Path("infra/20_infra/prod.tfvars")], repo)
    assert change.roots == [repo / "infra" / "20_infra"]
    assert change.whole_roots == set()
    auto = changed_set([Path("infra/20_infra/streams.auto.tfvars")], repo)
    assert auto.whole_roots == {repo / "infra" / "20_infra"}


def test_unrelated_deleted_and_other_files_change_nothing(repo: Path) -> None:
    (repo / "README.md").write_text("x")
    change = changed_set([Path("README.md"), Path("gone/main.tf")], repo)
    assert change.files == set()
    assert change.roots == []


def test_findings_are_kept_by_what_the_change_touched(repo: Path) -> None:
    module = "infra/modules/dynamodb/main.tf"
    in_module = finding(root="infra/20_infra", file=module, var_file="infra/20_infra/dev.tfvars", trace=[])
    in_root = finding(
        root="infra/20_infra",
        file="infra/20_infra/main.tf",
        address='module.dynamodb.aws_dynamodb_table.this["events"]',
        var_file="infra/20_infra/dev.tfvars",
        trace=[],
    )
    by_var_file = finding(
        root="infra/20_infra",
        file="infra/20_infra/main.tf",
        address="x.y",
        var_file="infra/20_infra/prod.tfvars",
        trace=[],
    )
    by_trace = finding(
        root="infra/20_infra",
        file="infra/20_infra/main.tf",
        address="x.y",
        var_file=None,
        trace=[TraceStep(file="infra/20_infra/prod.tfvars", line=3, note="set here")],
    )
    other = finding(
        root="lead",
        file="lead/main.tf",
        address="module.dynamodb.aws_dynamodb_table.this",
        var_file=None,
        trace=[],
    )

    module_change = changed_set([Path(module)], repo)
    assert module_change.keeps(in_module)
    assert module_change.keeps(in_root), "the table is defined in the changed module"
    assert not module_change.keeps(by_var_file)
    assert not module_change.keeps(other)

    var_change = changed_set([Path("infra/20_infra/prod.tfvars")], repo)
    assert var_change.keeps(by_var_file)
    assert var_change.keeps(by_trace)
    assert not var_change.keeps(in_module)
    assert not var_change.keeps(other)


def test_the_module_of_an_address(repo: Path) -> None:
    change = changed_set([Path("lead/main.tf")], repo)
    lead = repo / "lead"
    assert change.module_of(lead, "module.dynamodb.aws_dynamodb_table.this") == lead / "modules" / "dynamodb"
    assert (
        change.module_of(lead, 'module.dynamodb["a.b"].aws_dynamodb_table.this')
        == lead / "modules" / "dynamodb"
    )
    assert change.module_of(lead, "module.dynamodb") == lead / "modules" / "dynamodb"
    assert change.module_of(lead, "aws_dynamodb_table.t") == lead
    assert change.module_of(lead, "module.nope.aws_dynamodb_table.t") is None


def test_reachable_modules_follow_local_calls(repo: Path) -> None:
    reached = reachable_modules(repo / "infra" / "20_infra", ModuleFacts(SourceTree(repo)))
    assert reached == {repo / "infra" / "20_infra", repo / "infra" / "modules" / "dynamodb"}
