"""``dynlint rules`` and ``dynlint explain``: the rule catalog and one rule's whole page."""

from __future__ import annotations

from tabulate import tabulate

from dynlint.policy import Policy


def rules_table(policies: list[Policy]) -> str:
    rows = [
        (p.id, p.name, p.severity, "production" if p.production_only else "", p.summary, _origin(p))
        for p in sorted(policies, key=lambda p: p.id)
    ]
    return tabulate(rows, headers=["id", "name", "severity", "scope", "summary", "source"], tablefmt="simple")


def _origin(policy: Policy) -> str:
    return "built-in" if policy.builtin else policy.source


def explain_markdown(policy: Policy) -> str:
    """The rule's page, as ruff's rule docs read: what, why, examples, the fix."""
    scope = " Production tables only." if policy.production_only else ""
    lines = [
        f"# {policy.id} {policy.name}",
        "",
        f"Default severity: **{policy.severity}**. Checks `{policy.resource}`.{scope}",
        "",
        "## What it does",
        "",
        policy.summary.strip(),
        "",
        "## Why it matters",
        "",
        policy.rationale.strip(),
        "",
        "## Example",
        "",
    ]
    for example in policy.examples:
        label = "Fails" if example.kind == "fail" else "Passes"
        title = f": {example.title}" if example.title else ""
        env = f" (environment `{example.env}`)" if example.env else ""
        lines += [f"{label}{title}{env}:", ""]
        for name, text in example.sources().items():
            if len(example.sources()) > 1:
                lines.append(f"`{name}`:")
            lines += ["```hcl", text.strip("\n"), "```", ""]
    lines += ["## How to fix it", "", policy.fix.strip(), ""]
    lines += [
        "## Suppressing it",
        "",
        f"`# dynlint:ignore {policy.id} <reason>` on the line above the resource, block or attribute, "
        f'or `ignore = ["{policy.id}"]` in the configuration.',
        "",
    ]
    return "\n".join(lines)
