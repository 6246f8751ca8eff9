"""``dynlint check``: evaluate, run the selected rules, apply suppressions, sort the findings.

The pipeline: paths → :func:`dynlint.scan.scan` (parse, evaluate) → table model → policies
(:mod:`dynlint.engine`) and module checks (:mod:`dynlint.module_checks`) → suppressions → a
:class:`CheckResult` that a report renders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dynlint import observe
from dynlint.config import Config, ConfigError, find_config, load_config
from dynlint.engine import EngineSettings, run_policies
from dynlint.findings import Finding
from dynlint.inputs import tree_top
from dynlint.model import Diagnostic, Inventory
from dynlint.module_checks import module_findings
from dynlint.ownership import Ownership
from dynlint.policy import Policy, PolicyError, builtin_rules_dir, load_directory
from dynlint.scan import ScanOptions, UsageError, scan
from dynlint.suppressions import SUPPRESSION_RULE, Suppression, Suppressor, scan_file


@dataclass
class CheckOptions:
    paths: list[Path]
    scan: ScanOptions = field(default_factory=ScanOptions)
    config_file: Path | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    rules_dirs: list[Path] = field(default_factory=list)
    fail_on: str | None = None
    today: date | None = None
    no_cache: bool = False


@dataclass
class CheckResult:
    findings: list[Finding]
    errors: list[Diagnostic]
    diagnostics: list[Diagnostic]
    files: int
    tables: int
    rules: list[Policy]
    config: Config
    suppressed: list[Finding] = field(default_factory=list)
    inventory: Inventory | None = field(default=None, repr=False)

    @property
    def fail_on(self) -> str:
        return self.config.fail_on


def load_rules(extra_dirs: list[Path], cwd: Path) -> tuple[list[Policy], list[PolicyError]]:
    """The built-in rules and those of extra directories; a later rule may not reuse an ID."""
    policies, errors = load_directory(builtin_rules_dir(), "rules", builtin=True)
    for directory in extra_dirs:
        display = _display(directory, cwd)
        if not observe.is_dir(directory):
            errors.append(PolicyError(display, None, "no such rules directory"))
            continue
        found, failed = load_directory(directory, display)
        errors.extend(failed)
        known = {p.id: p for p in policies}
        for policy in found:
            if policy.id in known:
                errors.append(
                    PolicyError(
                        policy.source,
                        None,
                        f"rule ID {policy.id} is already used by {known[policy.id].source}",
                    )
                )
            else:
                policies.append(policy)
    return policies, errors


def select_rules(policies: list[Policy], select: list[str], ignore: list[str]) -> list[Policy]:
    """ruff's selection: an ID or a prefix; ``--select`` narrows, ``--ignore`` removes."""
    known = [p.id for p in policies] + [SUPPRESSION_RULE[0]]
    for selector in [*select, *ignore]:
        if selector != "ALL" and not any(i.startswith(selector) for i in known):
            raise UsageError(f"unknown rule ID or prefix {selector!r} (see `dynlint rules`)")
    chosen = [p for p in policies if not select or _matches(p.id, select)]
    return [p for p in chosen if not _matches(p.id, ignore)]


def _matches(rule_id: str, selectors: list[str]) -> bool:
    return any(s == "ALL" or rule_id.startswith(s) for s in selectors)


def resolve_config(options: CheckOptions, cwd: Path) -> Config:
    path = options.config_file
    if path is None:
        start = options.paths[0] if options.paths else cwd
        path = find_config(start if observe.exists(start) else cwd)
    try:
        return load_config(path, _display(path, cwd) if path else None)
    except ConfigError as error:
        raise UsageError(str(error)) from None


def run_check(options: CheckOptions, cwd: Path | None = None) -> CheckResult:
    cwd = (cwd or Path.cwd()).resolve()
    config = resolve_config(options, cwd)
    if options.fail_on:
        config.fail_on = options.fail_on
    rule_dirs = [*(config.base_dir / d for d in config.rules_dirs if config.base_dir), *options.rules_dirs]
    policies, policy_errors = load_rules(rule_dirs, cwd)
    selected = select_rules(
        policies,
        [s.upper() for s in options.select] or config.select + config.extend_select,
        [s.upper() for s in options.ignore] or config.ignore,
    )
    scan_options = options.scan
    scan_options.environments = tuple(config.environments)
    inventory = scan(options.paths or [Path(".")], scan_options, cwd)
    settings = EngineSettings(
        production_pattern=config.production_pattern,
        required_tags=config.required_tags,
        severity=config.severity,
        production_severity=config.production_severity,
    )
    findings = run_policy_phase(selected, inventory, settings)
    suppressor = Suppressor(
        _comments(findings, inventory, cwd),
        config.suppress,
        inventory.resources,
        options.today or date.today(),
        inventory.module_calls,
    )
    outcome = suppressor.apply(findings, {p.id for p in selected})
    reported = outcome.findings
    if _suppression_rule_runs(options, config):
        reported += outcome.problems
    reported.sort(key=Finding.sort_key)
    _anchor(reported, cwd)
    errors = [*_policy_diagnostics(policy_errors), *inventory.errors]
    return CheckResult(
        findings=reported,
        errors=errors,
        diagnostics=[d for d in inventory.diagnostics if d not in inventory.errors and d.code is None],
        files=inventory.files,
        tables=len(inventory.tables),
        rules=selected,
        config=config,
        suppressed=outcome.suppressed,
        inventory=inventory,
    )


def _anchor(findings: list[Finding], cwd: Path) -> None:
    """Anchor fingerprints to the repository top rather than the current directory."""
    top = tree_top(cwd)
    known: dict[str | None, str] = {}
    for finding in findings:
        for relative in (finding.root, finding.var_file):
            if relative not in known:
                known[relative] = _from_top(cwd, relative, top)
        finding.anchor = f"{known[finding.root]}\x1f{known[finding.var_file]}"


def _from_top(cwd: Path, relative: str | None, top: Path) -> str:
    if not relative:
        return ""
    try:
        return observe.resolve(cwd / relative).relative_to(top).as_posix()
    except (ValueError, OSError):
        return relative


def _suppression_rule_runs(options: CheckOptions, config: Config) -> bool:
    """DL090 runs unless it is ignored, or a selection leaves it out."""
    select = [s.upper() for s in options.select] or config.select + config.extend_select
    ignore = [s.upper() for s in options.ignore] or config.ignore
    rule = SUPPRESSION_RULE[0]
    return (not select or _matches(rule, select)) and not _matches(rule, ignore)


def run_policy_phase(selected: list[Policy], inventory: Inventory, settings: EngineSettings) -> list[Finding]:
    """Every selected rule over an evaluated inventory: the findings before suppressions."""
    ownership = Ownership(inventory)
    findings = run_policies(selected, inventory, ownership, settings)
    engine_rules = {p.engine: p for p in selected if p.engine}
    findings.extend(module_findings(engine_rules, inventory, settings))
    return _unique(findings)


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, ...]] = set()
    unique = []
    for finding in findings:
        key = (finding.fingerprint, finding.message, finding.file, str(finding.line))
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def _comments(findings: list[Finding], inventory: Inventory, cwd: Path) -> list[Suppression]:
    """Suppression comments of every file that a resource or a finding comes from."""
    files = {f.file for f in findings} | {s.file for f in findings for s in f.trace}
    files |= {r.file for r in inventory.resources} | {c.file for c in inventory.module_calls}
    files = sorted(f for f in files if not f.startswith("--"))
    found = []
    for display in files:
        path = cwd / display
        if observe.is_file(path):
            found.extend(scan_file(path, display))
    return found


def _policy_diagnostics(errors: list[PolicyError]) -> list[Diagnostic]:
    return [Diagnostic(severity="error", message=e.reason, file=e.file, line=e.line) for e in errors]


def _display(path: Path, cwd: Path) -> str:
    try:
        return str(observe.resolve(path).relative_to(cwd))
    except ValueError:
        return str(path)
