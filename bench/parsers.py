"""Parser throughput on the corpus: dynlint's parser layer against tree-sitter-hcl alone.

Measures, in one process, files per second for:
- dynlint's parser layer (tree-sitter-hcl plus the checks and the conversion to dynlint's syntax
  tree), as a cold run uses it;
- tree-sitter with tree-sitter-hcl: parse, and parse plus a walk that visits every node and
  reads its text and position (what any converter pays at least);
- python-hcl2 ``parses`` and ``parses_to_tree`` (the raw lark tree), the parser dynlint used
  before, when it is installed (``pip install python-hcl2``): it is no dependency of dynlint.

Usage: python bench/parsers.py CORPUS_DIR
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path


def files_of(corpus: Path) -> list[tuple[str, str]]:
    paths = sorted(p for p in corpus.rglob("*") if p.is_file() and p.name.endswith((".tf", ".tfvars")))
    return [(str(p), p.read_text()) for p in paths]


def rate(name: str, files: list[tuple[str, str]], parse: Callable[[str, str], object]) -> None:
    start = time.perf_counter()
    failures = 0
    for display, text in files:
        try:
            parse(text, display)
        except Exception:
            failures += 1
    seconds = time.perf_counter() - start
    print(f"{name:<48} {len(files) / seconds:8.0f} files/s  ({seconds:.2f} s, {failures} failed)")


def main() -> None:
    files = files_of(Path(sys.argv[1]))
    print(f"{len(files)} files, {sum(len(t) for _, t in files) / 1e6:.2f} MB")
    from dynlint.parser import parse_source

    parse_source("x = 1\n", "warm-up.tf")  # loads tree-sitter once, as the first file of a run does
    rate("dynlint parser layer (tree-sitter-hcl + convert)", files, parse_source)
    measure_tree_sitter(files)
    measure_python_hcl2(files)


def measure_tree_sitter(files: list[tuple[str, str]]) -> None:
    import tree_sitter
    import tree_sitter_hcl

    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))
    rate("tree-sitter-hcl parse", files, lambda t, _: parser.parse(t.encode()))

    def parse_and_walk(text: str, _: str) -> int:
        data = text.encode()
        tree = parser.parse(data)
        if tree.root_node.has_error:
            raise ValueError("syntax error")
        count = 0
        cursor = tree.walk()
        while True:
            node = cursor.node
            count += 1
            leaf = data[node.start_byte : node.end_byte] if node.child_count == 0 else b""
            _ = (node.type, node.start_point, leaf)
            if cursor.goto_first_child() or cursor.goto_next_sibling():
                continue
            while cursor.goto_parent():
                if cursor.goto_next_sibling():
                    break
            else:
                return count

    rate("tree-sitter-hcl parse + walk every node", files, parse_and_walk)


def measure_python_hcl2(files: list[tuple[str, str]]) -> None:
    try:
        import hcl2
    except ImportError:
        print("python-hcl2 not installed (the parser dynlint used before; optional here)")
        return
    hcl2.parses("x = 1\n")
    rate("python-hcl2 parses (lark + transform)", files, lambda t, _: hcl2.parses(t))
    rate("python-hcl2 parses_to_tree (lark only)", files, lambda t, _: hcl2.parses_to_tree(t))


if __name__ == "__main__":
    main()
