"""Mutation testing of the rule modules, each against its own tests (`make mutation`).

A small AST mutator: for every comparison, boolean operator, ``not``, boolean constant,
membership test and ``raise`` in a module it makes one mutant at a time (``==`` becomes
``!=``, ``and`` becomes ``or``, ``in`` becomes ``not in``, a ``raise`` is dropped, ...),
writes it over the module, runs that module's own test file and counts the mutant killed when
the tests fail. The module is put back after each run. It reports the kill rate per module and
lists the survivors by line, to be killed by a test or explained as equivalent.

Not part of `make test`: a module takes minutes. Run one module with
`python bench/mutation.py wasstraat/duties.py`.
"""

from __future__ import annotations

import ast
import copy
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Each rule module and the tests that are its own.
TARGETS: dict[str, list[str]] = {
    # "Wat nu?" and the sync, with the stories of their newer rules: the loose ends of a
    # close, the borging's tasks, what holds up each product of each step, and the gate's.
    "wasstraat/guidance.py": ["tests/test_guidance.py", "tests/test_closing.py",
                              "tests/test_borging.py", "tests/test_what_next.py",
                              "tests/test_gate.py"],
    "wasstraat/duties.py": ["tests/test_duties.py"],
    "wasstraat/notifications/reminders.py": ["tests/test_reminders.py"],
    "wasstraat/api/guard.py": ["tests/test_api.py"],
    # Personal tokens are tested with the API; the identity provider's tokens with SSO.
    "wasstraat/api/tokens.py": ["tests/test_api.py", "tests/test_api_sso.py"],
    "wasstraat/mining/analysis.py": ["tests/test_mining.py"],
    "wasstraat/access.py": ["tests/test_routes.py", "tests/test_windows.py"],
    "wasstraat/windows.py": ["tests/test_windows.py"],
    # The result: the borging's rules and the benefits' rules, beside their stories.
    "wasstraat/sustain/services.py": ["tests/test_borging.py"],
    "wasstraat/benefits/services.py": ["tests/test_benefits.py"],
    # The plan's risk register.
    "wasstraat/risks/services.py": ["tests/test_risks.py"],
}
TIMEOUT = 900  # seconds for one mutant's test run
# Test processes per mutant (pytest-xdist); 1 runs the files in one process.
WORKERS = int(os.environ.get("MUTATION_WORKERS", "1"))
# Only the mutants on these lines ("140,152-155"): the survivors of a full run again, or the
# lines changed since one. Unset: every mutant of the module.
LINES = os.environ.get("MUTATION_LINES", "")

_FLIP = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.GtE, ast.GtE: ast.Lt,
         ast.Gt: ast.LtE, ast.LtE: ast.Gt, ast.In: ast.NotIn, ast.NotIn: ast.In,
         ast.Is: ast.IsNot, ast.IsNot: ast.Is}


@dataclass(frozen=True)
class Mutant:
    number: int
    line: int
    what: str


class _Mutator(ast.NodeTransformer):
    """Counts the places it can mutate; applies the one numbered ``target`` (None: none)."""

    def __init__(self, target: int | None = None) -> None:
        self.target = target
        self.seen: list[Mutant] = []

    def _place(self, node: ast.AST, what: str) -> bool:
        self.seen.append(Mutant(len(self.seen), getattr(node, "lineno", 0), what))
        return self.target == len(self.seen) - 1

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        for index, op in enumerate(node.ops):
            flipped = _FLIP.get(type(op))
            if flipped and self._place(node, f"{type(op).__name__} -> {flipped.__name__}"):
                node.ops[index] = flipped()
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        other = ast.Or if isinstance(node.op, ast.And) else ast.And
        if self._place(node, f"{type(node.op).__name__} -> {other.__name__}"):
            node.op = other()
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Not) and self._place(node, "not dropped"):
            return node.operand
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, bool) and self._place(node, f"{node.value} -> {not node.value}"):
            return ast.copy_location(ast.Constant(not node.value), node)
        return node

    def visit_Raise(self, node: ast.Raise) -> ast.AST:
        self.generic_visit(node)
        if self._place(node, "raise dropped"):
            return ast.copy_location(ast.Pass(), node)
        return node


def mutants_of(source: str) -> list[Mutant]:
    mutator = _Mutator()
    mutator.visit(ast.parse(source))
    return mutator.seen


def mutated(source: str, number: int) -> str:
    tree = _Mutator(number).visit(copy.deepcopy(ast.parse(source)))
    return ast.unparse(ast.fix_missing_locations(tree))


def _killed(tests: list[str]) -> bool:
    try:
        run = subprocess.run(  # noqa: S603 - our own interpreter on our own tests
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
             *(["-n", str(WORKERS)] if WORKERS > 1 else []), *tests],
            cwd=ROOT, capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return True  # a mutant that hangs the tests is found out too
    return run.returncode != 0


def chosen_lines(spec: str) -> set[int] | None:
    """ "140,152-155" as a set of line numbers; None for "" (every line)."""
    if not spec.strip():
        return None
    lines: set[int] = set()
    for part in spec.split(","):
        first, _dash, last = part.strip().partition("-")
        lines.update(range(int(first), int(last or first) + 1))
    return lines


def run_module(module: str, tests: list[str]) -> tuple[int, list[Mutant]]:
    path = ROOT / module
    original = path.read_text()
    survivors: list[Mutant] = []
    lines = chosen_lines(LINES)
    found = [m for m in mutants_of(original) if lines is None or m.line in lines]
    try:
        for mutant in found:
            path.write_text(mutated(original, mutant.number))
            if not _killed(tests):
                survivors.append(mutant)
    finally:
        path.write_text(original)
    return len(found), survivors


def main(modules: list[str]) -> int:
    chosen = {m: TARGETS[m] for m in modules} if modules else TARGETS
    for module, tests in chosen.items():
        started = time.monotonic()
        total, survivors = run_module(module, tests)
        rate = 100 * (total - len(survivors)) / total if total else 100.0
        print(f"{module}: {total - len(survivors)}/{total} killed ({rate:.0f}%) "
              f"in {time.monotonic() - started:.0f} s", flush=True)
        for mutant in survivors:
            print(f"  survived: line {mutant.line}: {mutant.what}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
