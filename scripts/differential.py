"""Compare dynlint with ``terraform console`` on many generated expressions (a development aid).

    python scripts/differential.py --count 400

Prints every expression whose value differs. The test suite runs a bounded version of this
(tests/test_differential.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.terraform_console import TERRAFORM, compare
from tests.test_differential import _expressions


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    if TERRAFORM is None:
        print("no terraform binary on PATH")
        return 2
    warnings.simplefilter("ignore")
    strategy = _expressions()
    expressions = [strategy.example() for _ in range(args.count)]
    differ = 0
    for start in range(0, len(expressions), args.batch):
        config = {f"e{i}": e for i, e in enumerate(expressions[start : start + args.batch])}
        with tempfile.TemporaryDirectory() as work:
            comparison = compare(Path(work), config)
        for difference in comparison.differences:
            differ += 1
            print(
                f"{difference.source}\n  terraform: {difference.terraform}\n  dynlint:   {difference.dynlint}"
            )
    print(f"{len(expressions)} expressions compared, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
