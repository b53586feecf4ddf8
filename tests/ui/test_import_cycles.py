"""No import loop among the modules of ``ui/``.

Every import counts: at module level, inside a function, and under ``TYPE_CHECKING``
(a loop that only type checkers follow still ties the modules together for a reader;
docs/ui-layout.md). The graph is read from the source with :mod:`ast`, so a loop is
found whether or not any test happens to import the modules in the order that breaks.
"""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "ui"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(node: ast.Import | ast.ImportFrom, name: str, is_package: bool) -> list[str]:
    """The modules an import statement names (``from . import a`` names ``ui`` and ``ui.a``)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if node.level:
        base = name.split(".") if is_package else name.split(".")[:-1]
        base = base[:len(base) - node.level + 1]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    return [target] + [f"{target}.{a.name}" for a in node.names]


def import_graph(root: Path = UI) -> dict[str, set[str]]:
    files = {module_name(p, root): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        edges = graph.setdefault(name, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in imported(node, name, path.name == "__init__.py"):
                    # importing a module runs its packages' __init__ too (except the
                    # importer's own packages: they are already being imported)
                    while target:
                        if target in files and target != name \
                                and not name.startswith(target + "."):
                            edges.add(target)
                        target = target.rpartition(".")[0]
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import loop (as the list of its modules, the first repeated at the end), or None."""
    state: dict[str, int] = {}          # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_no_import_loop_among_ui_modules():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import loop in ui/: " + " -> ".join(cycle)


def test_the_check_finds_a_loop(tmp_path):
    """The check itself: a loop through a function-level and a TYPE_CHECKING import is found."""
    root = tmp_path / "ui"
    (root / "sub").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "sub" / "__init__.py").write_text("")
    (root / "a.py").write_text("def f():\n    from .sub import b\n")
    (root / "sub" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..a import f\n")
    (root / "c.py").write_text("from . import a\n")
    graph = import_graph(root)
    assert graph["ui.c"] == {"ui.a"}
    assert find_cycle(graph) == ["ui.a", "ui.sub.b", "ui.a"]
    (root / "sub" / "b.py").write_text("import os\n")
    assert find_cycle(import_graph(root)) is None
