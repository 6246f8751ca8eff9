"""Write (or, with --check, verify) fixtures/rules/ from the examples in the policy files.

Each example becomes a directory: fixtures/rules/<ID>/<kind>-<n>/[<env>/] with its files (and a
.dynlint.toml for an example with configuration), so that `dynlint check` can be pointed at any
rule's failing and passing cases (an example written for an environment sits in a folder of that
name, which gives the environment). The policy files stay the one source: run this after editing.

Usage: python scripts/rule_fixtures.py [--check]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from dynlint.policy import builtin_rules_dir, load_directory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rules"


def expected_tree() -> dict[Path, str]:
    policies, errors = load_directory(builtin_rules_dir(), "rules", builtin=True)
    if errors:
        raise SystemExit("\n".join(str(e) for e in errors))
    tree: dict[Path, str] = {}
    for policy in policies:
        for number, example in enumerate(policy.examples):
            folder = Path(policy.id, f"{example.kind}-{number}", *([example.env] if example.env else []))
            for name, text in example.tree().items():
                tree[folder / name] = text
    return tree


def current_tree() -> dict[Path, str]:
    if not FIXTURES.is_dir():
        return {}
    return {
        p.relative_to(FIXTURES): p.read_text(encoding="utf-8") for p in FIXTURES.rglob("*") if p.is_file()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if fixtures/rules is out of date")
    args = parser.parse_args()
    expected = expected_tree()
    if args.check:
        if current_tree() != expected:
            print("fixtures/rules is out of date: run python scripts/rule_fixtures.py", file=sys.stderr)
            return 1
        return 0
    shutil.rmtree(FIXTURES, ignore_errors=True)
    for relative, text in expected.items():
        target = FIXTURES / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
