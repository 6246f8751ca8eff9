"""Policy files: one rule each, TOML, validated when loaded and never able to run code.

A policy file holds a rule's documentation (summary, rationale, fix, failing and passing
examples) and its logic: CEL conditions over the table model (see :mod:`dynlint.rule_context`),
or, for the few rules that come out of module evaluation, the name of a check in dynlint itself.
A malformed file is a :class:`PolicyError` naming the file, the line where it can, and the reason.
"""

from __future__ import annotations

import re
import sys
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dynlint import observe
from dynlint.inputs import InputFileError, read_text
from dynlint.model import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

RULE_ID = re.compile(r"^[A-Z][A-Z0-9]*[0-9]{3}$")
RULE_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
ENGINE_CHECKS = frozenset(
    {"module-input-validation", "module-input-unknown", "module-input-ignored", "suppressions"}
)
SUBJECT_TYPES = frozenset(
    {
        "aws_dynamodb_table",
        "aws_appautoscaling_target",
        "aws_appautoscaling_policy",
        "aws_lambda_event_source_mapping",
        "aws_pipes_pipe",
        "aws_kms_key",
        "aws_dax_cluster",
        "aws_dynamodb_table_replica",
        "aws_dynamodb_global_table",
    }
)
_HAS_MACRO = re.compile(r"\bhas\s*\(")
_STRING_LITERAL = re.compile(r"'''.*?'''|\"\"\".*?\"\"\"|'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"", re.S)


class PolicyError(Exception):
    """A policy file that cannot be loaded: its path, the line where known, and why."""

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        super().__init__(f"{file}:{line}: {reason}" if line else f"{file}: {reason}")
        self.file = file
        self.line = line
        self.reason = reason


class Example(BaseModel):
    """Terraform that the rule must flag (``fail``) or must leave alone (``pass``)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["fail", "pass"]
    title: str = ""
    hcl: str = ""
    files: dict[str, str] = Field(default_factory=dict)
    env: str | None = None
    config: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _has_code(self) -> Example:
        if not self.hcl.strip() and not self.files:
            raise ValueError("an example needs `hcl` (or `files`)")
        return self

    def sources(self) -> dict[str, str]:
        """File name to content: ``hcl`` is ``main.tf``."""
        found = dict(self.files)
        if self.hcl.strip():
            found.setdefault("main.tf", self.hcl)
        return found

    def tree(self) -> dict[str, str]:
        """The example as a directory: its sources, and its ``config`` as ``.dynlint.toml``."""
        files = {name: text.lstrip("\n") for name, text in self.sources().items()}
        if self.config:
            files[".dynlint.toml"] = "".join(f"{k} = {_toml(v)}\n" for k, v in self.config.items())
        return files


def _toml(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Check(BaseModel):
    """One CEL condition: when ``when`` is true, a finding with ``message`` at ``path``.

    With ``for_each`` (a CEL list), the condition runs once per element, bound to ``item`` and
    its position ``index``; an element whose values are unknown stays silent alone.
    """

    model_config = ConfigDict(extra="forbid")

    when: str
    message: str
    path: str = '""'
    for_each: str | None = None
    severity: Severity | None = None


class Policy(BaseModel):
    """A rule: its public identity, its documentation and its logic."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    severity: Severity
    summary: str
    rationale: str
    fix: str
    resource: str = "aws_dynamodb_table"
    production_only: bool = False
    check: list[Check] = Field(default_factory=list)
    engine: str | None = None
    example: list[Example] = Field(default_factory=list)
    source: str = Field(default="", exclude=True)
    builtin: bool = Field(default=False, exclude=True)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not RULE_ID.match(value):
            raise ValueError(f"{value!r} is not a rule ID (capital letters then three digits, like DL003)")
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not RULE_NAME.match(value):
            raise ValueError(f"{value!r} is not a rule name (lower-case words joined by '-')")
        return value

    @field_validator("resource")
    @classmethod
    def _resource(cls, value: str) -> str:
        if value not in SUBJECT_TYPES:
            raise ValueError(
                f"{value!r} is not a resource type rules can check ({', '.join(sorted(SUBJECT_TYPES))})"
            )
        return value

    @model_validator(mode="after")
    def _logic_and_examples(self) -> Policy:
        if bool(self.check) == bool(self.engine):
            raise ValueError("a rule needs either [[check]] conditions or `engine`, not both")
        if self.engine is not None and self.engine not in ENGINE_CHECKS:
            raise ValueError(
                f"engine {self.engine!r} is not a check of dynlint ({', '.join(sorted(ENGINE_CHECKS))})"
            )
        kinds = {e.kind for e in self.example}
        for kind in ("fail", "pass"):
            if kind not in kinds:
                raise ValueError(f"a rule needs at least one `{kind}` [[example]]")
        return self

    @property
    def examples(self) -> list[Example]:
        return self.example

    @cached_property
    def compiled(self) -> list[Any]:
        from dynlint.rule_context import compile_check

        return [compile_check(c, i) for i, c in enumerate(self.check)]


def load_policy(path: Path, display: str, builtin: bool = False) -> Policy:
    """Read and validate one policy file; every CEL expression is compiled here."""
    try:
        text = read_text(path, display)
    except InputFileError as error:
        raise PolicyError(display, None, f"cannot read the policy file: {error.reason}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(display, _toml_error_line(error), f"not valid TOML: {error}") from None
    try:
        policy = Policy.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        reason = first["msg"].removeprefix("Value error, ")
        reason = f"{where}: {reason}" if where else reason
        raise PolicyError(display, _line_of(text, first["loc"]), reason) from None
    policy.source, policy.builtin = display, builtin
    _compile(policy, text, display)
    return policy


def _compile(policy: Policy, text: str, display: str) -> None:
    from dynlint.rule_context import CelCompileError

    for position, check in enumerate(policy.check):
        for field_name in ("when", "message", "path", "for_each"):
            expression = getattr(check, field_name)
            if expression and _HAS_MACRO.search(_STRING_LITERAL.sub("''", expression)):
                raise PolicyError(
                    display,
                    _line_of(text, ("check", position, field_name)),
                    f"check.{position}.{field_name}: has() cannot tell a value that is unknown until "
                    "apply from an absent one; compare with null instead (absent values are null)",
                )
    try:
        _ = policy.compiled
    except CelCompileError as error:
        line = _line_of(text, ("check", error.position, error.field))
        raise PolicyError(display, line, f"check.{error.position}.{error.field}: {error}") from None


def _toml_error_line(error: Exception) -> int | None:
    found = re.search(r"line (\d+)", str(error))
    return int(found.group(1)) if found else None


def _line_of(text: str, loc: tuple[Any, ...] | list[Any]) -> int | None:
    """The line of a key in a policy file: ``("check", 1, "when")`` is the second [[check]]'s."""
    lines = text.splitlines()
    start = 0
    parts = list(loc)
    if len(parts) >= 2 and isinstance(parts[0], str) and isinstance(parts[1], int):
        headers = [i for i, line in enumerate(lines) if line.strip() == f"[[{parts[0]}]]"]
        if parts[1] < len(headers):
            start = headers[parts[1]]
            parts = parts[2:]
            if not parts:
                return start + 1
    key = next((p for p in parts if isinstance(p, str)), None)
    if key is None:
        return start + 1 if start else None
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for number in range(start, len(lines)):
        if pattern.match(lines[number]):
            return number + 1
    return start + 1 if start else None


def builtin_rules_dir() -> Path:
    """``rules/`` at the top of a checkout, or inside the installed package."""
    packaged = Path(__file__).parent / "rules"
    if observe.is_dir(packaged):
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


def load_directory(
    directory: Path, display: str, builtin: bool = False
) -> tuple[list[Policy], list[PolicyError]]:
    """Every ``*.toml`` policy of a directory, in name order, and the files that failed."""
    policies: list[Policy] = []
    errors: list[PolicyError] = []
    try:
        names = [name for name, _ in observe.list_dir(directory) if name.endswith(".toml")]
    except OSError:
        names = []
    for path in (directory / name for name in names):
        try:
            policies.append(load_policy(path, f"{display.rstrip('/')}/{path.name}", builtin))
        except PolicyError as error:
            errors.append(error)
    return policies, errors
