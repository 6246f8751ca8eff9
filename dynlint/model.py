"""The table model: what evaluation hands to rules, reports and the cost estimator.

Every evaluated resource instance (a DynamoDB table, or a resource that rules and cost need
beside it: autoscaling targets and policies, stream consumers, KMS keys, DAX clusters) is one
:class:`ResourceInstance`. ``values`` has the shape of ``terraform show -json``'s resource
``values``: nested blocks are lists of objects and an absent block is ``[]``; a value that is set
but unknown until apply holds ``None`` there and its dotted path is listed in ``unknown``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

TABLE_TYPE = "aws_dynamodb_table"
RELATED_TYPES = frozenset(
    {
        "aws_appautoscaling_target",
        "aws_appautoscaling_policy",
        "aws_lambda_event_source_mapping",
        "aws_pipes_pipe",
        "aws_kms_key",
        "aws_kms_alias",
        "aws_dax_cluster",
        "aws_dynamodb_table_replica",
        "aws_dynamodb_kinesis_streaming_destination",
        "aws_dynamodb_contributor_insights",
        "aws_dynamodb_global_table",
    }
)
MODELLED_TYPES = RELATED_TYPES | {TABLE_TYPE}

Severity = Literal["error", "warning", "note"]


class TraceStep(BaseModel):
    """One hop on the way a value took: a module argument, a var file line, a default."""

    file: str
    line: int
    note: str
    column: int = 1


class ValueOrigin(BaseModel):
    """Where a value was written: the line a person changes, and how it got here."""

    file: str
    line: int
    column: int = 1
    trace: list[TraceStep] = Field(default_factory=list)


class ResourceInstance(BaseModel):
    """One evaluated resource instance of one evaluation (root module and environment variant)."""

    address: str
    type: str
    module_address: str = ""
    root: str
    environment: str | None = None
    environment_source: str | None = None
    var_file: str | None = None
    var_files: list[str] = Field(default_factory=list)
    file: str
    line: int
    end_line: int | None = None
    values: dict[str, Any]
    unknown: list[str] = Field(default_factory=list)
    origins: dict[str, ValueOrigin] = Field(default_factory=dict)
    references: dict[str, list[str]] = Field(default_factory=dict)
    lifecycle: dict[str, Any] = Field(default_factory=dict)
    lifecycle_known: bool = True

    def is_unknown(self, path: str) -> bool:
        """True when ``path`` (or a block that holds it) is set but unknown until apply."""
        return any(path == u or path.startswith(u + ".") for u in self.unknown)

    def origin(self, path: str) -> ValueOrigin | None:
        """The origin of ``path`` or, failing that, of the nearest enclosing path that has one."""
        parts = path.split(".")
        while parts:
            found = self.origins.get(".".join(parts))
            if found is not None:
                return found
            parts.pop()
        return None

    def blocks(self, name: str) -> list[dict[str, Any]]:
        """The instances of nested block ``name`` (``[]`` when absent or unknown)."""
        found = self.values.get(name)
        return found if isinstance(found, list) else []


class Diagnostic(BaseModel):
    """Something dynlint could not read or evaluate, or a note about what it skipped."""

    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    code: str | None = None
    address: str | None = None
    root: str | None = None
    var_file: str | None = None
    trace: list[TraceStep] = Field(default_factory=list)
    variants: list[str] | None = None


class ModuleCall(BaseModel):
    """Where one evaluated module call instance is written (for suppressions on the call)."""

    address: str
    root: str
    var_file: str | None = None
    file: str
    line: int
    end_line: int


def merge_diagnostics(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """One diagnostic per cause: the same message at the same place from several roots or
    variants becomes one, naming them in ``variants`` (``root`` or ``root (var file)``)."""
    merged: dict[tuple[Any, ...], Diagnostic] = {}
    for diagnostic in diagnostics:
        key = (diagnostic.severity, diagnostic.message, diagnostic.file, diagnostic.line,
               diagnostic.column, diagnostic.code, diagnostic.address)
        variant = _variant_name(diagnostic)
        kept = merged.get(key)
        if kept is None:
            kept = merged[key] = diagnostic.model_copy(update={"variants": []})
        if variant is not None and variant not in (kept.variants or []):
            kept.variants = [*(kept.variants or []), variant]
        if kept.root != diagnostic.root:
            kept.root = None
        if kept.var_file != diagnostic.var_file:
            kept.var_file = None
    for diagnostic in merged.values():
        if not diagnostic.variants or len(diagnostic.variants) < 2:
            diagnostic.variants = None
    return list(merged.values())


def _variant_name(diagnostic: Diagnostic) -> str | None:
    if diagnostic.root is None:
        return None
    return f"{diagnostic.root} ({diagnostic.var_file})" if diagnostic.var_file else diagnostic.root


class Inventory(BaseModel):
    """All resource instances of a scan, with what could not be read or evaluated."""

    resources: list[ResourceInstance] = Field(default_factory=list)
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    module_calls: list[ModuleCall] = Field(default_factory=list)
    files: int = 0

    @property
    def tables(self) -> list[ResourceInstance]:
        return [r for r in self.resources if r.type == TABLE_TYPE]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error" and d.code is None]

    def related(self, resource_type: str) -> list[ResourceInstance]:
        return [r for r in self.resources if r.type == resource_type]
