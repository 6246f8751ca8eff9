"""The rules that come out of module evaluation rather than a CEL condition: DL060-DL062.

Evaluation reports them as coded diagnostics (:mod:`dynlint.module_inputs` for DL060 and
DL062, the evaluator for DL061); :func:`module_findings` turns those into findings for the
rules that are selected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dynlint.findings import Finding
from dynlint.model import Inventory

if TYPE_CHECKING:
    from dynlint.engine import EngineSettings
    from dynlint.policy import Policy

ENGINE_CODES = {
    "DL060": "module-input-validation",
    "DL061": "module-input-unknown",
    "DL062": "module-input-ignored",
}


def module_findings(
    engine_rules: dict[str, Policy], inventory: Inventory, settings: EngineSettings
) -> list[Finding]:
    """DL060-DL062 findings from what evaluation reported, for the rules that are selected."""
    from dynlint.engine import severity_for

    by_code = {code: engine_rules[name] for code, name in ENGINE_CODES.items() if name in engine_rules}
    environments = {(t.root, t.var_file): t.environment for t in inventory.tables}
    findings = []
    for diagnostic in inventory.diagnostics:
        policy = by_code.get(diagnostic.code or "")
        if policy is None or diagnostic.file is None:
            continue
        default = "warning" if diagnostic.severity == "warning" else policy.severity
        findings.append(
            Finding(
                rule_id=policy.id,
                name=policy.name,
                severity=severity_for(policy.id, default, None, settings),  # type: ignore[arg-type]
                message=diagnostic.message,
                address=diagnostic.address or "",
                root=diagnostic.root or "",
                file=diagnostic.file,
                line=diagnostic.line or 1,
                column=diagnostic.column or 1,
                environment=environments.get((diagnostic.root or "", diagnostic.var_file)),
                var_file=diagnostic.var_file,
                trace=diagnostic.trace,
                path=f"{diagnostic.file}:{diagnostic.message}",
            )
        )
    return findings
