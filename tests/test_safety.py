"""dynlint never executes anything, never opens a network connection, and reads its cache safely."""

from __future__ import annotations

import json
import os
import pickle
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from harness import LINT_COMMAND, REPO, assert_contract, run_dynlint, strict_json

from dynlint.cache import ParseCache
from dynlint.parser import parse_text

SEEDS = sorted(p.parent for p in (REPO / "fixtures" / "seeds").glob("*/README.md"))


class Forbidden(Exception):
    pass


def _forbid(what: str):  # type: ignore[no-untyped-def]
    def refuse(*args: object, **kwargs: object) -> None:
        raise Forbidden(f"dynlint tried to {what}")

    return refuse


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sockets, subprocesses and exec fail loudly for the duration of the test."""
    monkeypatch.setattr(socket.socket, "connect", _forbid("open a network connection"))
    monkeypatch.setattr(socket.socket, "connect_ex", _forbid("open a network connection"))
    monkeypatch.setattr(socket, "create_connection", _forbid("open a network connection"))
    monkeypatch.setattr(socket, "getaddrinfo", _forbid("resolve a host name"))
    monkeypatch.setattr(subprocess.Popen, "__init__", _forbid("start a program"))
    monkeypatch.setattr(os, "system", _forbid("run a shell command"))
    for name in ("execv", "execve", "execvp", "execvpe", "posix_spawn", "posix_spawnp"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, _forbid("execute a program"))


@pytest.mark.parametrize("seed", SEEDS, ids=[s.name for s in SEEDS])
def test_linting_and_pricing_open_no_socket_and_run_nothing(
    sandbox: None, seed: Path, tmp_path: Path
) -> None:
    outcome = run_dynlint(LINT_COMMAND, str(seed), "--format", "json")
    assert_contract(outcome, json_output=True)
    assert strict_json(outcome.stdout)["summary"]["tables"]
    outcome = run_dynlint("cost", str(seed), "--rps", "100", "--format", "json")
    assert_contract(outcome, json_output=True)


def test_a_plan_and_a_registry_module_open_no_socket(sandbox: None) -> None:
    for path in ("fixtures/plan/events-prod.json", "fixtures/constructs/registry-module"):
        outcome = run_dynlint(LINT_COMMAND, str(REPO / path), "--format", "json")
        assert_contract(outcome, json_output=True)


def test_nothing_in_the_scanned_tree_is_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    (tmp_path / "main.tf").write_text(
        'resource "aws_dynamodb_table" "t" {\n  name = "t"\n  hash_key = "id"\n'
        f'  provisioner "local-exec" {{\n    command = "touch {marker}"\n  }}\n}}\n'
        f'data "external" "x" {{\n  program = ["sh", "-c", "touch {marker}"]\n}}\n'
    )
    (tmp_path / "conftest.py").write_text(f"open({str(marker)!r}, 'w')\n")
    (tmp_path / "setup.py").write_text(f"open({str(marker)!r}, 'w')\n")
    outcome = run_dynlint(LINT_COMMAND, str(tmp_path), "--format", "json")
    assert_contract(outcome, json_output=True)
    assert not marker.exists()


# The cache -------------------------------------------------------------------------------------


def _entry(cache_root: Path, display: str, text: str) -> Path:
    cache = ParseCache(cache_root)
    return cache._path(ParseCache.key(display, text))


def test_a_pickle_in_the_cache_is_never_unpickled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = 'resource "aws_dynamodb_table" "t" {\n  name = "real"\n  hash_key = "id"\n}\n'
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.tf").write_text(text)
    cache_root = tmp_path / "cache"
    monkeypatch.setenv("DYNLINT_CACHE_DIR", str(cache_root))
    marker = tmp_path / "unpickled"

    class Payload:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (open, (str(marker), "w"))

    entry = _entry(cache_root, "main.tf", text)
    entry.parent.mkdir(parents=True)
    entry.write_bytes(pickle.dumps(Payload()))
    outcome = run_dynlint("tables", ".", "--format", "json", cwd=project)
    assert_contract(outcome, json_output=True)
    assert [t["values"]["name"] for t in strict_json(outcome.stdout)["tables"]] == ["real"]
    assert not marker.exists()


@pytest.mark.parametrize(
    "content",
    [b"", b"{", b"[]", b'{"File": [1, 2]}', b'{"Nope": []}', b'{"File": ["main.tf", {"": []}, []]}', b"\xff"],
)
def test_a_corrupt_or_foreign_cache_entry_is_ignored(tmp_path: Path, content: bytes) -> None:
    text = "locals {\n  x = 1\n}\n"
    cache = ParseCache(tmp_path)
    key = ParseCache.key("main.tf", text)
    path = cache._path(key)
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    found = cache.get(key, "main.tf")
    assert found is None or found == parse_text(text, "main.tf")


def test_a_cached_tree_is_the_parsed_tree(tmp_path: Path) -> None:
    text = (REPO / "fixtures" / "seeds" / "lead-capture" / "modules" / "dynamodb" / "main.tf").read_text()
    parsed = parse_text(text, "m/main.tf")
    cache = ParseCache(tmp_path)
    key = ParseCache.key("m/main.tf", text)
    cache.put(key, parsed)
    assert cache.get(key, "m/main.tf") == parsed
    assert cache.get(key, "other/main.tf") is None  # a tree is only ever used for its own path


def test_no_cache_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache_root = tmp_path / "cache"
    monkeypatch.setenv("DYNLINT_CACHE_DIR", str(cache_root))
    outcome = run_dynlint(LINT_COMMAND, str(SEEDS[0]), "--format", "json", "--no-cache")
    assert_contract(outcome, json_output=True)
    assert not cache_root.exists()


def test_concurrent_runs_share_the_cache_safely(tmp_path: Path) -> None:
    env = {**os.environ, "DYNLINT_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "dynlint", "tables", "fixtures/seeds", "--format", "json"]
    runs = [
        subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert all(run.returncode == 0 for run in runs)
    assert len({json.dumps(json.loads(o), sort_keys=True) for o in outputs}) == 1
    again = subprocess.run(command, cwd=REPO, env=env, capture_output=True, timeout=300)
    assert json.loads(again.stdout) == json.loads(outputs[0])


def test_the_default_cache_dir_is_the_users_cache_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    from platformdirs import user_cache_dir

    from dynlint.cache_dir import cache_dir

    monkeypatch.delenv("DYNLINT_CACHE_DIR", raising=False)
    assert cache_dir() == Path(user_cache_dir("dynlint", appauthor=False))
