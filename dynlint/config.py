"""Configuration: ``.dynlint.toml`` or ``[tool.dynlint]`` in ``pyproject.toml``.

Found by walking up from the first checked path (the nearest file wins); ``--config`` names one
directly. Validated by pydantic: an unknown key or a bad value is an input error naming the key.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dynlint import observe
from dynlint.environments import DEFAULT_ENVIRONMENTS, DEFAULT_PRODUCTION_PATTERN
from dynlint.inputs import InputFileError, read_text
from dynlint.model import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_FILE = ".dynlint.toml"
PYPROJECT = "pyproject.toml"
RULE_SELECTOR = re.compile(r"^[A-Z]+[0-9]*$")
_FAIL_LEVELS = ("error", "warning", "note")


class ConfigError(Exception):
    """A configuration file that cannot be used: the file, the key, the reason."""


class AddressSuppression(BaseModel):
    """Silence rules for one Terraform address (optionally only in one root)."""

    model_config = ConfigDict(extra="forbid")

    address: str
    rules: list[str]
    reason: str
    root: str | None = None
    until: date | None = None

    @field_validator("rules")
    @classmethod
    def _rules(cls, value: list[str]) -> list[str]:
        return [_selector(v) for v in value]


class Config(BaseModel):
    select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    extend_select: list[str] = Field(default_factory=list, alias="extend-select")
    severity: dict[str, Severity] = Field(default_factory=dict)
    production_severity: dict[str, Severity] = Field(default_factory=dict, alias="production-severity")
    production_pattern: str = Field(default=DEFAULT_PRODUCTION_PATTERN, alias="production-pattern")
    environments: list[str] = Field(default_factory=lambda: list(DEFAULT_ENVIRONMENTS))
    required_tags: list[str] = Field(default_factory=list, alias="required-tags")
    rules_dirs: list[str] = Field(default_factory=list, alias="rules-dirs")
    fail_on: str = Field(default="warning", alias="fail-on")
    suppress: list[AddressSuppression] = Field(default_factory=list)
    baseline: str | None = None
    source: str | None = Field(default=None, exclude=True)
    base_dir: Path | None = Field(default=None, exclude=True)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("select", "ignore", "extend_select")
    @classmethod
    def _selectors(cls, value: list[str]) -> list[str]:
        return [_selector(v) for v in value]

    @field_validator("severity", "production_severity")
    @classmethod
    def _severity_keys(cls, value: dict[str, Severity]) -> dict[str, Severity]:
        return {_selector(k): v for k, v in value.items()}

    @field_validator("production_pattern")
    @classmethod
    def _pattern(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"not a regular expression: {error}") from None
        return value

    @field_validator("fail_on")
    @classmethod
    def _fail_on(cls, value: str) -> str:
        if value not in _FAIL_LEVELS:
            raise ValueError(f"must be one of {', '.join(_FAIL_LEVELS)}")
        return value

    @field_validator("environments")
    @classmethod
    def _environments(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("must name at least one environment")
        return [v.lower() for v in value]


def _selector(value: str) -> str:
    value = value.strip().upper()
    if not RULE_SELECTOR.match(value):
        raise ValueError(f"{value!r} is not a rule ID or prefix (like DL003 or DL00)")
    return value


def find_config(start: Path) -> Path | None:
    """The nearest ``.dynlint.toml``, or ``pyproject.toml`` with ``[tool.dynlint]``, at or above ``start``."""
    directory = observe.resolve(start)
    if observe.is_file(directory):
        directory = directory.parent
    for folder in (directory, *directory.parents):
        candidate = folder / CONFIG_FILE
        if observe.is_file(candidate):
            return candidate
        pyproject = folder / PYPROJECT
        if observe.is_file(pyproject) and _has_tool_section(pyproject):
            return pyproject
    return None


def _has_tool_section(path: Path) -> bool:
    try:
        return "dynlint" in tomllib.loads(read_text(path, str(path))).get("tool", {})
    except (InputFileError, tomllib.TOMLDecodeError):
        return False


def load_config(path: Path | None, display: str | None = None) -> Config:
    if path is None:
        return Config()
    shown = display or str(path)
    if not observe.exists(path):
        raise ConfigError(f"{shown}: no such file")
    try:
        data: Any = tomllib.loads(read_text(path, shown))
    except InputFileError as error:
        raise ConfigError(f"{shown}: cannot read: {error.reason}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{shown}: not valid TOML: {error}") from None
    prefix = ""
    if path.name == PYPROJECT:
        data = data.get("tool", {}).get("dynlint", {})
        prefix = "tool.dynlint."
    try:
        config = Config.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        key = prefix + ".".join(str(p) for p in first["loc"])
        reason = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            reason = "unknown key"
        raise ConfigError(f"{shown}: {key}: {reason}") from None
    config.source = shown
    config.base_dir = observe.resolve(path).parent
    return config
