"""The import graph: no circle between the app's modules (function-level imports counted), and
no module imports the app's own code inside a function except the app factory."""

from __future__ import annotations

import ast

import grimp

from wasstraat import ROOT

# The app factory imports the blueprints and their helpers inside create_app, as Flask's
# tutorial does: the package's __init__ runs before any of its modules, so at its top those
# imports would each import the whole app.
FUNCTION_LEVEL_ALLOWED = {"wasstraat/__init__.py"}


def _circles(graph: grimp.ImportGraph) -> list[set[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(component)

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_the_import_graph_has_no_circle():
    # Type-only imports (models naming each other in annotations) do not run: not counted.
    graph = grimp.build_graph("wasstraat", exclude_type_checking_imports=True)
    assert _circles(graph) == []


def test_a_circle_would_be_found():
    graph = grimp.ImportGraph()
    for module in ("a", "b", "c"):
        graph.add_module(module)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="c")
    assert _circles(graph) == []
    graph.add_import(importer="c", imported="a")
    assert _circles(graph) == [{"a", "b", "c"}]


def test_only_the_app_factory_imports_the_app_inside_a_function():
    inside = []
    for path in sorted((ROOT / "wasstraat").rglob("*.py")):
        name = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for statement in ast.walk(node):
                own = (isinstance(statement, ast.ImportFrom) and statement.level > 0) or (
                    isinstance(statement, ast.ImportFrom | ast.Import)
                    and any((alias.name if isinstance(statement, ast.Import)
                             else statement.module or "").startswith("wasstraat")
                            for alias in statement.names))
                if own and name not in FUNCTION_LEVEL_ALLOWED:
                    inside.append(f"{name}:{statement.lineno}")
    assert inside == []
