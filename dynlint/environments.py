"""Which environment a table belongs to, and whether that environment is production.

First match wins: ``--env``; the var file of the evaluation (its stem, then its folders,
innermost first); a variable named ``environment``/``env``/``stage``/``environment_name``; the
table's ``Environment``/``environment``/``env``/``Stage`` tag; the root module's folder path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

DEFAULT_ENVIRONMENTS = (
    "prod",
    "production",
    "prd",
    "live",
    "staging",
    "stage",
    "stg",
    "dev",
    "development",
    "test",
    "qa",
    "uat",
    "sandbox",
)
DEFAULT_PRODUCTION_PATTERN = r"^(prod|production|prd|live)$"
ENVIRONMENT_TAGS = ("Environment", "environment", "env", "Stage")
ENVIRONMENT_VARIABLES = ("environment", "env", "stage", "environment_name")
_VAR_FILE_SUFFIXES = (".auto.tfvars.json", ".tfvars.json", ".auto.tfvars", ".tfvars")


class EnvironmentResolver:
    """Resolves environments for one evaluation (one root module and var file)."""

    def __init__(
        self,
        known: Iterable[str],
        forced: str | None,
        var_files: str | list[str] | None,
        root_folders: list[str],
    ) -> None:
        self.known = {name.lower() for name in known}
        self.forced = forced
        # The evaluation's var files, the one that wins first (a single name is one file).
        self.var_files = [var_files] if isinstance(var_files, str) else list(var_files or [])
        self.root_folders = root_folders

    def match(self, candidate: Any) -> str | None:
        if isinstance(candidate, str) and candidate.lower() in self.known:
            return candidate.lower()
        return None

    def __call__(self, variable_values: list[Any], tags: Any) -> tuple[str | None, str | None]:
        if self.forced:
            return self.forced, "--env"
        for var_file in self.var_files:
            found = self._from_var_file(var_file)
            if found:
                return found, "var file"
        for value in variable_values:
            found = self.match(value)
            if found:
                return found, "variable"
        if isinstance(tags, dict):
            for key in ENVIRONMENT_TAGS:
                found = self.match(tags.get(key))
                if found:
                    return found, "tag"
        for folder in reversed(self.root_folders):
            found = self.match(folder)
            if found:
                return found, "folder"
        return None, None

    def _from_var_file(self, var_file: str) -> str | None:
        parts = var_file.split("/")
        stem = parts[-1]
        for suffix in _VAR_FILE_SUFFIXES:
            if stem.endswith(suffix):
                stem = stem[: -len(suffix)]
                break
        for candidate in (stem, *reversed(parts[:-1])):
            found = self.match(candidate)
            if found:
                return found
        return None


def is_production(environment: str | None, pattern: str = DEFAULT_PRODUCTION_PATTERN) -> bool:
    return environment is not None and re.search(pattern, environment, re.IGNORECASE) is not None
