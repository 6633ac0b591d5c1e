"""The house shapes that keep the code readable, checked on the source: a refusal has one path
(errors.py), a screen view stays short because services and page helpers do the work, and
"today" is the organisation's day (clock.py), not the server's."""

from __future__ import annotations

import ast
from pathlib import Path

from wasstraat import ROOT

PACKAGE = Path(ROOT) / "wasstraat"
# The command line answers a refusal as a click error; errors.py is the one path of the app.
MAY_CATCH_REFUSALS = {"errors.py", "cli.py"}
LONGEST_VIEW = 20


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text())


def _catches_refusals(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return any(isinstance(n, ast.Name | ast.Attribute)
               and (getattr(n, "id", None) or getattr(n, "attr", None)) in {
                   "WorkflowError", "InvalidInput", "ConflictError", "PasswordPolicyError"}
               for n in names)


def test_no_view_or_service_catches_a_refusal_errors_py_answers_them_all():
    catching = [f"{name}:{node.lineno}" for name, tree in _modules()
                if name not in MAY_CATCH_REFUSALS
                for node in ast.walk(tree)
                if isinstance(node, ast.ExceptHandler) and node.type is not None
                and _catches_refusals(node)]
    assert catching == []


def _views(tree: ast.Module):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Call) and getattr(d.func, "attr", "") == "route"
                for d in node.decorator_list):
            yield node


def test_screen_views_stay_short():
    long_views = [f"{name}:{view.name} ({view.end_lineno - view.lineno + 1} lines)"
                  for name, tree in _modules() if not name.startswith("api/")
                  for view in _views(tree)
                  if view.end_lineno - view.lineno + 1 > LONGEST_VIEW]
    assert long_views == []


def _asks_the_server_for_today(node: ast.AST) -> bool:
    """``date.today()`` or ``datetime.now()`` without a zone: the server's day, which on a
    UTC machine is yesterday in Amsterdam for an hour each night."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return False
    owner = getattr(node.func.value, "id", None)
    return ((owner, node.func.attr) == ("date", "today")
            or ((owner, node.func.attr) == ("datetime", "now") and not node.args
                and not node.keywords))


def test_today_is_the_organisations_day_everywhere():
    asking = [f"{name}:{node.lineno}" for name, tree in _modules()
              for node in ast.walk(tree) if _asks_the_server_for_today(node)]
    assert asking == []


def test_the_checks_find_what_they_look_for():
    tree = ast.parse("def f():\n    try:\n        pass\n    except errors.WorkflowError:\n"
                     "        pass\n")
    handler = next(n for n in ast.walk(tree) if isinstance(n, ast.ExceptHandler))
    assert _catches_refusals(handler)
    routed = ast.parse("@bp.route('/')\ndef view():\n" + "    x = 1\n" * 25)
    assert [v.name for v in _views(routed)] == ["view"]
    calls = [n for n in ast.walk(ast.parse("date.today(); datetime.now(); datetime.now(UTC)"))
             if isinstance(n, ast.Call)]
    assert [_asks_the_server_for_today(c) for c in calls] == [True, True, False]
