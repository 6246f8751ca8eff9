"""The scan cache answers only a scan that would see the same files; every change runs it again."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from harness import REPO, run_dynlint

from dynlint import memo, observe
from dynlint import scan as scan_module
from dynlint.model import Inventory
from dynlint.scan import ScanOptions, scan

ROOT_TF = """\
variable "env" {
  type    = string
  default = "dev"
}

module "table" {
  source = "../../modules/table"
  name   = "orders-${var.env}"
  env    = var.env
}
"""

MODULE_TF = """\
variable "name" { type = string }
variable "env" { type = string }

locals {
  settings = jsondecode(file("${path.module}/settings.json"))
}

resource "aws_dynamodb_table" "this" {
  name         = var.name
  billing_mode = local.settings.billing_mode
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = var.env == "prod"
  }

  tags = { Environment = var.env }
}
"""


@pytest.fixture()
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A root calling a module outside it, the module reading a JSON file; a cache of its own."""
    monkeypatch.setenv("DYNLINT_CACHE_DIR", str(tmp_path / "cache"))
    # Files written by the test are seconds old at most: let the cache keep their scans.
    monkeypatch.setattr(observe, "RACY_SECONDS", 0.0)
    top = tmp_path / "repo"
    (top / ".git").mkdir(parents=True)
    (top / "live" / "orders").mkdir(parents=True)
    (top / "modules" / "table").mkdir(parents=True)
    (top / "live" / "orders" / "main.tf").write_text(ROOT_TF)
    (top / "modules" / "table" / "main.tf").write_text(MODULE_TF)
    (top / "modules" / "table" / "settings.json").write_text('{"billing_mode": "PAY_PER_REQUEST"}')
    return top


class Evaluations:
    """Counts the scans that had to parse and evaluate (the cache could not answer)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = scan_module._evaluate

        def counted(*args: object) -> Inventory:
            self.count += 1
            return real(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(scan_module, "_evaluate", counted)


def cached_scan(root: Path, options: ScanOptions | None = None) -> Inventory:
    return scan([root], options or ScanOptions(cache=True), cwd=root.parent.parent)


def fresh_scan(root: Path, options: ScanOptions | None = None) -> Inventory:
    chosen = options or ScanOptions()
    chosen.cache = False
    return scan([root], chosen, cwd=root.parent.parent)


def scan_entries(tree: Path) -> list[Path]:
    """The kept scans (the answers cache also keeps what each directory's text says)."""
    entries = (tree.parent / "cache").glob("answers/*.json")
    return [e for e in entries if json.loads(json.loads(e.read_text())["request"])["kind"] == "scan"]


def edit(path: Path, text: str) -> None:
    time.sleep(0.02)  # past one tick of the file system clock, as any real edit is
    path.write_text(text)


def test_a_repeated_scan_is_answered_from_the_cache_with_the_same_inventory(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    evaluations = Evaluations(monkeypatch)
    root = tree / "live" / "orders"
    first = cached_scan(root)
    second = cached_scan(root)
    assert evaluations.count == 1
    assert second == first == fresh_scan(root)
    assert second.tables[0].values["billing_mode"] == "PAY_PER_REQUEST"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("root file edited", lambda t: t.values["name"] == "orders-stage"),
        ("module outside the scanned folder edited", lambda t: t.values["hash_key"] == "pk"),
        ("file() target edited, same size", lambda t: t.values["billing_mode"] == "PAY_PER_REQUESX"),
        ("var file added", lambda t: t.var_file is not None and t.values["name"] == "orders-prod"),
        ("configuration file added to the module", lambda t: t.values["table_class"] == "STANDARD"),
        ("file removed", lambda t: t.values["billing_mode"] is None),
    ],
)
def test_every_change_to_what_the_scan_read_runs_it_again(
    tree: Path, monkeypatch: pytest.MonkeyPatch, change: str, expected: object
) -> None:
    root = tree / "live" / "orders"
    module = tree / "modules" / "table"
    cached_scan(root)
    if change == "root file edited":
        edit(root / "main.tf", ROOT_TF.replace('"dev"', '"stage"'))
    elif change == "module outside the scanned folder edited":
        edit(module / "main.tf", MODULE_TF.replace('"id"', '"pk"'))
    elif change == "file() target edited, same size":
        edit(module / "settings.json", '{"billing_mode": "PAY_PER_REQUESX"}')
    elif change == "var file added":
        edit(root / "prod.tfvars", 'env = "prod"\n')
    elif change == "configuration file added to the module":
        override = 'resource "aws_dynamodb_table" "this" {\n  table_class = "STANDARD"\n}\n'
        edit(module / "override.tf", override)
    elif change == "file removed":
        time.sleep(0.02)
        (module / "settings.json").unlink()
    evaluations = Evaluations(monkeypatch)
    after = cached_scan(root)
    assert evaluations.count == 1
    assert after == fresh_scan(root)
    assert any(expected(t) for t in after.tables), after.tables  # type: ignore[operator]


def test_a_replaced_link_target_runs_the_scan_again(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = tree / "modules" / "table"
    shutil.copy(module / "settings.json", module / "provisioned.json")
    (module / "provisioned.json").write_text('{"billing_mode": "PROVISIONED"}')
    (module / "settings.json").rename(module / "on-demand.json")
    (module / "settings.json").symlink_to("on-demand.json")
    root = tree / "live" / "orders"
    assert cached_scan(root).tables[0].values["billing_mode"] == "PAY_PER_REQUEST"
    time.sleep(0.02)
    (module / "settings.json").unlink()
    (module / "settings.json").symlink_to("provisioned.json")
    assert cached_scan(root).tables[0].values["billing_mode"] == "PROVISIONED"


def test_a_changed_modules_json_runs_the_scan_again(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree / "live" / "orders"
    edit(root / "main.tf", ROOT_TF.replace('"../../modules/table"', '"registry.example/org/table/aws"'))
    fetched = root / ".terraform" / "modules"
    for name in ("one", "two"):
        shutil.copytree(tree / "modules" / "table", fetched / name)
    (fetched / "two" / "main.tf").write_text(MODULE_TF.replace('"id"', '"fetched"'))
    manifest = fetched / "modules.json"
    manifest.write_text(json.dumps({"Modules": [{"Key": "table", "Dir": ".terraform/modules/one"}]}))
    assert cached_scan(root).tables[0].values["hash_key"] == "id"
    edit(manifest, json.dumps({"Modules": [{"Key": "table", "Dir": ".terraform/modules/two"}]}))
    assert cached_scan(root).tables[0].values["hash_key"] == "fetched"


def test_options_are_part_of_the_question(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree / "live" / "orders"
    cached_scan(root)
    evaluations = Evaluations(monkeypatch)
    staged = cached_scan(root, ScanOptions(cache=True, variables=[("env", "stage")]))
    assert evaluations.count == 1
    assert staged.tables[0].values["name"] == "orders-stage"
    production = cached_scan(root, ScanOptions(cache=True, env="prod"))
    assert evaluations.count == 2
    assert production.tables[0].environment == "prod"


def test_a_scan_of_files_changed_moments_ago_is_not_kept(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(observe, "RACY_SECONDS", 1.0)
    root = tree / "live" / "orders"
    edit(root / "main.tf", ROOT_TF)  # changed now: a second edit in the same clock tick could hide
    evaluations = Evaluations(monkeypatch)
    cached_scan(root)
    cached_scan(root)
    assert evaluations.count == 2
    assert not list((tree.parent / "cache").glob("answers/*.json"))


def test_a_fileset_glob_makes_the_scan_unrepeatable(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = tree / "modules" / "table"
    globbed = 'resource "aws_dynamodb_table" "this" {\n'
    globbed += '  tags = { Files = join(",", fileset(path.module, "*.json")) }\n}\n'
    edit(module / "files_override.tf", globbed)
    evaluations = Evaluations(monkeypatch)
    root = tree / "live" / "orders"
    assert cached_scan(root).tables[0].values["tags"] == {"Files": "settings.json"}
    cached_scan(root)
    assert evaluations.count == 2


@pytest.mark.parametrize(
    "damage",
    [
        "",
        "{not json",
        '{"request": 5}',
        "[]",
        "null",
    ],
)
def test_a_damaged_entry_is_ignored(tree: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    root = tree / "live" / "orders"
    expected = cached_scan(root)
    (entry,) = scan_entries(tree)
    entry.write_text(damage)
    assert cached_scan(root) == expected


def test_a_tampered_inventory_is_ignored(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree / "live" / "orders"
    expected = cached_scan(root)
    (entry,) = scan_entries(tree)
    data = json.loads(entry.read_text())
    data["answer"]["resources"][0]["line"] = "not a line"
    data["answer"]["resources"][0]["origins"] = {"name": -1}
    entry.write_text(json.dumps(data))
    evaluations = Evaluations(monkeypatch)
    assert cached_scan(root) == expected
    assert evaluations.count == 1


def test_without_the_cache_nothing_is_written(tree: Path) -> None:
    fresh_scan(tree / "live" / "orders")
    assert not (tree.parent / "cache").exists()


def test_a_new_dynlint_version_does_not_reuse_an_entry(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree / "live" / "orders"
    cached_scan(root)
    monkeypatch.setattr(memo, "__version__", "99.0.0")
    evaluations = Evaluations(monkeypatch)
    cached_scan(root)
    assert evaluations.count == 1


def test_every_fixture_scans_the_same_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The round trip through the cache keeps every field of every resource and diagnostic."""
    monkeypatch.setenv("DYNLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(observe, "RACY_SECONDS", 0.0)
    fixtures = REPO / "fixtures"
    options = ScanOptions(cache=True)
    first = scan([fixtures], options, cwd=REPO)
    evaluations = Evaluations(monkeypatch)
    second = scan([fixtures], options, cwd=REPO)
    assert evaluations.count == 0
    assert second.model_dump() == first.model_dump()
    assert first.tables and first.diagnostics


def test_the_cli_reports_the_same_from_the_cache_and_sees_an_edit(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tree / "live" / "orders"
    first = run_dynlint("check", "live/orders", "--env", "prod", "--format", "json", cwd=tree)
    second = run_dynlint("check", "live/orders", "--env", "prod", "--format", "json", cwd=tree)
    assert first.stdout == second.stdout
    assert list((tree.parent / "cache").glob("answers/*.json"))
    edit(root / "main.tf", ROOT_TF + '\nresource "aws_dynamodb_table" "extra" {\n  name = "extra"\n}\n')
    third = run_dynlint("check", "live/orders", "--env", "prod", "--format", "json", cwd=tree)
    assert json.loads(third.stdout) != json.loads(second.stdout)
    assert "extra" in third.stdout


def test_the_root_map_of_changed_files_sees_a_new_root(tree: Path) -> None:
    from dynlint.changed import changed_set

    changed = [Path("modules/table/main.tf")]
    assert changed_set(changed, tree, cache=True).roots == [tree / "live" / "orders"]
    assert changed_set(changed, tree, cache=True).roots == [tree / "live" / "orders"]
    (tree / "live" / "audit").mkdir()
    edit(tree / "live" / "audit" / "main.tf", ROOT_TF)
    roots = sorted(changed_set(changed, tree, cache=True).roots)
    assert roots == [tree / "live" / "audit", tree / "live" / "orders"]
    assert list((tree.parent / "cache").glob("answers/*.json"))


def test_pruning_removes_old_versions_and_unused_entries_only(tmp_path: Path) -> None:
    from dynlint.cache_dir import MAX_AGE_DAYS, prune

    now = time.time()
    old = now - (MAX_AGE_DAYS + 1) * 86400
    current, stale = tmp_path / "parsed-current", tmp_path / "parsed-oldversion"
    for folder in (current / "ab", stale / "cd", tmp_path / "answers", tmp_path / "someone-elses"):
        folder.mkdir(parents=True)
    unused, used = current / "ab" / "unused.json", current / "ab" / "used.json"
    foreign = tmp_path / "someone-elses" / "keep.txt"
    for path in (unused, used, stale / "cd" / "x.json", foreign):
        path.write_text("{}")
    os.utime(unused, (old, old))
    os.utime(foreign, (old, old))
    prune(tmp_path, {"parsed-current", "answers"}, now)
    assert used.exists() and not unused.exists()
    assert not stale.exists()
    assert foreign.exists()
    used.unlink()
    (current / "ab" / "again.json").write_text("{}")
    os.utime(current / "ab" / "again.json", (old, old))
    prune(tmp_path, {"parsed-current", "answers"}, now + 3600)  # within a day: nothing happens
    assert (current / "ab" / "again.json").exists()


def test_a_selection_of_roots_sees_a_root_become_a_called_module(tree: Path) -> None:
    """Discovery for --changed-files keeps module facts of its own; a scan that used them
    depends on their files too."""
    root = tree / "live" / "orders"
    (tree / "live" / "wrapper").mkdir()
    edit(tree / "live" / "wrapper" / "main.tf", "locals {\n  x = 1\n}\n")
    options = ScanOptions(cache=True, only_roots={root})
    assert len(scan([tree], options, cwd=tree).tables) == 1
    assert len(scan([tree], options, cwd=tree).tables) == 1
    edit(tree / "live" / "wrapper" / "main.tf", 'module "orders" {\n  source = "../orders"\n}\n')
    assert scan([tree], options, cwd=tree).tables == []  # orders is now a module, not a root


def test_a_selection_of_roots_sees_a_backend_file_become_a_var_file(tree: Path) -> None:
    """The module facts of an environment folder are kept on their own; a scan that reused them
    still depends on the folder's files."""
    root = tree / "live" / "orders"
    (root / "env").mkdir()
    edit(root / "env" / "prod.tfvars", 'bucket = "state"\n')  # only backend settings: not a variant
    options = ScanOptions(cache=True, only_roots={root})
    assert [t.var_file for t in scan([tree], options, cwd=tree).tables] == [None]
    edit(root / "main.tf", ROOT_TF + "\n")  # the scan runs again; the folder's facts are reused
    assert [t.var_file for t in scan([tree], options, cwd=tree).tables] == [None]
    edit(root / "env" / "prod.tfvars", 'env = "prod"\n')
    assert [t.var_file for t in scan([tree], options, cwd=tree).tables] == ["live/orders/env/prod.tfvars"]


def test_the_root_map_sees_a_module_call_change_its_source(tree: Path) -> None:
    """Module facts kept per directory depend on the directory's files even when the text was
    read before their recording started (discovery reads every file's text first)."""
    from dynlint.changed import changed_set

    (tree / "modules" / "other").mkdir()
    edit(tree / "modules" / "other" / "main.tf", MODULE_TF)
    changed = [Path("modules/other/main.tf")]
    assert changed_set(changed, tree, cache=True).roots == [tree / "modules" / "other"]  # called by none
    assert changed_set(changed, tree, cache=True).roots == [tree / "modules" / "other"]
    edit(tree / "live" / "orders" / "main.tf", ROOT_TF.replace("modules/table", "modules/other"))
    assert changed_set(changed, tree, cache=True).roots == [tree / "live" / "orders"]


class RootEvaluations:
    """Counts the root modules evaluated (not answered from the cache), by root directory."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from dynlint import roots

        self.roots: list[str] = []
        real = roots._evaluate_root

        def counted(root: Any, *args: Any) -> Any:
            self.roots.append(root.dir.name)
            return real(root, *args)

        monkeypatch.setattr(roots, "_evaluate_root", counted)


AUDIT_TF = """\
resource "aws_dynamodb_table" "audit" {
  name         = "audit"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}
"""


def test_after_an_edit_only_the_roots_that_reach_it_are_evaluated_again(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tree / "live" / "audit").mkdir()
    edit(tree / "live" / "audit" / "main.tf", AUDIT_TF)
    evaluations = RootEvaluations(monkeypatch)
    options = ScanOptions(cache=True)
    assert len(scan([tree], options, cwd=tree).tables) == 2
    assert sorted(evaluations.roots) == ["audit", "orders"]
    edit(tree / "live" / "audit" / "main.tf", AUDIT_TF.replace('"audit"\n', '"audit-2"\n'))
    after = scan([tree], options, cwd=tree)
    assert evaluations.roots[2:] == ["audit"]
    assert after.model_dump() == scan([tree], ScanOptions(), cwd=tree).model_dump()
    assert "audit-2" in {t.values.get("name") for t in after.tables}
    edit(tree / "modules" / "table" / "settings.json", '{"billing_mode": "PROVISIONED"}')
    evaluations.roots.clear()
    after = scan([tree], options, cwd=tree)
    assert evaluations.roots == ["orders"]  # through the module it calls and the file it reads
    assert after.model_dump() == scan([tree], ScanOptions(), cwd=tree).model_dump()


def test_a_kept_root_still_reports_what_its_files_say(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A module's own error is kept with every root that reads it, not only the first."""
    broken = MODULE_TF + 'variable "name" { type = string }\n'  # declared twice: Terraform refuses
    edit(tree / "modules" / "table" / "main.tf", broken)
    shutil.copytree(tree / "live" / "orders", tree / "live" / "another")
    options = ScanOptions(cache=True)
    first = scan([tree], options, cwd=tree)
    assert any(d.file == "modules/table/main.tf" for d in first.errors)
    shutil.rmtree(tree / "live" / "another")  # the root that read the module first
    evaluations = RootEvaluations(monkeypatch)
    after = scan([tree], options, cwd=tree)
    assert evaluations.roots == []
    assert after.model_dump() == scan([tree], ScanOptions(), cwd=tree).model_dump()
    assert any(d.file == "modules/table/main.tf" for d in after.errors)


def test_installing_a_package_changes_the_code_that_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upgraded parser may parse differently: no answer kept before it is reused."""
    packages = tmp_path / "lib" / "site-packages"
    packages.mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [*sys.path, str(packages)])
    memo._code.cache_clear()
    before = memo._code()
    time.sleep(0.02)
    (packages / "tree_sitter_hcl-9.9.dist-info").mkdir()
    memo._code.cache_clear()
    try:
        assert memo._code() != before
    finally:
        memo._code.cache_clear()


def test_a_run_resolves_paths_as_realpath_does_whatever_order_they_come_in(tmp_path: Path) -> None:
    (tmp_path / "a" / "b" / "c").mkdir(parents=True)
    (tmp_path / "x" / "y").mkdir(parents=True)
    (tmp_path / "a" / "to_x").symlink_to(tmp_path / "x")
    (tmp_path / "a" / "relative").symlink_to(Path("..") / "x" / "y")
    (tmp_path / "a" / "loop").symlink_to("loop")
    (tmp_path / "a" / "sibling").symlink_to("b")
    (tmp_path / "a" / "dangling").symlink_to("/nonexistent/q")
    paths = [
        str(tmp_path / part)
        for part in (
            "a/b/c/main.tf", "a/to_x/y/z.tf", "a/relative/k", "a/loop/q", "a/sibling/c",
            "a/dangling/w", "missing/n", "a/to_x", ".",
        )
    ]
    for order in (paths, paths[::-1], sorted(paths, key=len)):
        known: dict[str, str] = {}
        found = [observe._real_path_in_run(os.path.abspath(p), known) for p in order]
        assert found == [os.path.realpath(p) for p in order]


def test_a_link_made_between_runs_is_seen_by_the_next_run(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "other").mkdir()
    with observe.recording() as recorder:
        observe.resolve(tmp_path / "link" / "main.tf")
    looks = observe.recorded_looks(recorder)
    (tmp_path / "link").symlink_to(tmp_path / "other")
    with observe.recording():
        assert not observe.unchanged(looks)
