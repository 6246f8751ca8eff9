"""Runs policies over the table model: every CEL check on every resource it applies to.

The engine, not each rule, keeps the contracts: a check whose condition errors (because it read
a value that is unknown until apply, or a value of the wrong type) is silent; a production-only
rule is silent where the environment is unknown or not production; a finding points at the
line the value came from, with the trace behind it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from dynlint.environments import DEFAULT_PRODUCTION_PATTERN, is_production
from dynlint.findings import Finding
from dynlint.model import TABLE_TYPE, Inventory, ResourceInstance, Severity
from dynlint.ownership import Ownership
from dynlint.policy import Policy
from dynlint.rule_context import CompiledCheck, known_values, lifecycle_of, meta_of, new_context


@dataclass
class EngineSettings:
    production_pattern: str = DEFAULT_PRODUCTION_PATTERN
    required_tags: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)
    production_severity: dict[str, Severity] = field(default_factory=dict)


@dataclass
class Subject:
    """A resource that rules check, with the table it belongs to and its evaluated context."""

    resource: ResourceInstance
    table: ResourceInstance | None
    production: bool | None
    variables: dict[str, Any]
    related: dict[str, ResourceInstance] = field(default_factory=dict)

    def located(self, path: str) -> tuple[ResourceInstance, str]:
        """The resource a finding path points into: a related resource when the path names one."""
        for address, resource in self.related.items():
            if path == address or path.startswith(address + "."):
                return resource, path[len(address) + 1 :]
        return self.resource, path


def run_policies(
    policies: Iterable[Policy], inventory: Inventory, ownership: Ownership, settings: EngineSettings
) -> list[Finding]:
    by_type: dict[str, list[tuple[Policy, CompiledCheck]]] = {}
    for policy in policies:
        for compiled in policy.compiled:
            by_type.setdefault(policy.resource, []).append((policy, compiled))
    for checks in by_type.values():
        # Checks without for_each first: binding ``item`` rebuilds the CEL environment.
        checks.sort(key=lambda pair: pair[1].for_each is not None)
    # Converting values into CEL is most of the cost: only the names the checks read.
    needed = {kind: {name for _, c in checks for name in c.names} for kind, checks in by_type.items()}
    findings: list[Finding] = []
    for resource in inventory.resources:
        applicable = by_type.get(resource.type)
        if not applicable:
            continue
        subject = build_subject(resource, inventory, ownership, settings)
        context = new_context({k: v for k, v in subject.variables.items() if k in needed[resource.type]})
        for policy, compiled in applicable:
            if policy.production_only and subject.production is not True:
                continue
            findings.extend(_run_check(policy, compiled, subject, context, settings))
    return findings


def build_subject(
    resource: ResourceInstance, inventory: Inventory, ownership: Ownership, settings: EngineSettings
) -> Subject:
    table = resource if resource.type == TABLE_TYPE else ownership.owner(resource)
    environment = resource.environment
    production = is_production(environment, settings.production_pattern) if environment else None
    variables: dict[str, Any] = {
        "resource": known_values(resource),
        "meta": meta_of(resource, production),
        "config": {"required_tags": list(settings.required_tags)},
        "related": _related(resource, table, ownership),
    }
    if table is not None:
        variables["table"] = variables["resource"] if table is resource else known_values(table)
        if table.lifecycle_known:
            variables["meta"]["table_lifecycle"] = lifecycle_of(table)
        variables["meta"]["table_address"] = table.address
    related: dict[str, ResourceInstance] = {}
    if table is not None:
        related = {r.address: r for r in _related_resources(table, ownership) if r is not resource}
    return Subject(resource, table, production, variables, related)


def _related_resources(table: ResourceInstance, ownership: Ownership) -> list[ResourceInstance]:
    targets = ownership.scaling_targets(table)
    found = [t.target for t in targets] + [p for t in targets for p in t.policies]
    found += ownership.consumers(table) + [k for _, k in ownership.kms_keys(table)]
    found += ownership.belongings(table, "aws_dynamodb_table_replica")
    return found


def _related(
    resource: ResourceInstance, table: ResourceInstance | None, ownership: Ownership
) -> dict[str, Any]:
    if table is None:
        return {"autoscaling": [], "consumers": [], "kms_keys": [], "replicas": []}
    autoscaling = [
        {
            **known_values(s.target),
            "index": s.index,
            "on_index": s.on_index,
            "kind": s.kind,
            "address": s.target.address,
            "policies": [known_values(p) for p in s.policies],
        }
        for s in ownership.scaling_targets(table)
    ]
    return {
        "autoscaling": autoscaling,
        "consumers": [
            {**known_values(c), "address": c.address, "type": c.type} for c in ownership.consumers(table)
        ],
        "kms_keys": [
            {**known_values(k), "address": k.address, "used_by": path}
            for path, k in ownership.kms_keys(table)
        ],
        "replicas": [
            {**known_values(r), "address": r.address}
            for r in ownership.belongings(table, "aws_dynamodb_table_replica")
        ],
    }


def _run_check(
    policy: Policy, compiled: CompiledCheck, subject: Subject, context: Any, settings: EngineSettings
) -> list[Finding]:
    if compiled.for_each is None:
        return [f for f in [_evaluate(policy, compiled, subject, context, settings)] if f]
    verdicts = _execute(compiled.when_each, context) if compiled.when_each is not None else _ERROR
    if isinstance(verdicts, list) and True not in verdicts:
        return []
    items = _execute(compiled.for_each, context)
    if not isinstance(items, list) or not items:
        return []
    findings = []
    for position, item in enumerate(items):
        if isinstance(verdicts, list) and verdicts[position] is not True:
            continue
        context.update({"item": item, "index": position})
        found = _evaluate(policy, compiled, subject, context, settings)
        if found is not None:
            findings.append(found)
    return findings


_ERROR = object()


def _execute(program: Any, context: Any) -> Any:
    try:
        return program.execute(context)
    except Exception:  # a CEL error: an unknown value read, a type mismatch; the check is silent
        return _ERROR


def _evaluate(
    policy: Policy, compiled: CompiledCheck, subject: Subject, context: Any, settings: EngineSettings
) -> Finding | None:
    if _execute(compiled.when, context) is not True:
        return None
    message = _execute(compiled.message, context)
    if not isinstance(message, str) or not message:
        message = policy.summary
    path = _execute(compiled.path, context)
    path = path if isinstance(path, str) else ""
    return make_finding(policy, subject, message, path, compiled.check.severity, settings)


def make_finding(
    policy: Policy,
    subject: Subject,
    message: str,
    path: str,
    check_severity: Severity | None,
    settings: EngineSettings,
) -> Finding:
    resource, inner = subject.located(path)
    origin = resource.origin(inner) if inner else None
    address = subject.table.address if subject.table is not None else resource.address
    if subject.table is not None and subject.resource is not subject.table:
        path = f"{subject.resource.address}.{path}" if path else subject.resource.address
    return Finding(
        rule_id=policy.id,
        name=policy.name,
        severity=severity_for(policy.id, check_severity or policy.severity, subject.production, settings),
        message=message,
        address=address,
        root=resource.root,
        file=origin.file if origin else resource.file,
        line=origin.line if origin else resource.line,
        column=origin.column if origin else 1,
        resource=resource.address,
        environment=resource.environment,
        var_file=resource.var_file,
        trace=list(origin.trace) if origin else [],
        path=path,
    )


def severity_for(
    rule_id: str, default: Severity, production: bool | None, settings: EngineSettings
) -> Severity:
    if production and rule_id in settings.production_severity:
        return settings.production_severity[rule_id]
    return settings.severity.get(rule_id, default)
