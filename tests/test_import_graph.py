"""The core's imports, read from its source: no circles inside ``voices/``, and no MkDocs.

Read with ``ast`` rather than by importing, so an import inside a function counts as much as
one at the top: a circle hidden in a function is still a circle, only a later one.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import REPO

PACKAGE = "voices"
GENERATOR_PACKAGES = ("mkdocs", "material")  # the generator and its theme live in hooks/ only


def module_names(root: Path, package: str = PACKAGE) -> dict[str, Path]:
    """Every module of the package and its subpackages: ``voices.content.loading`` → its file."""
    modules = {}
    for file in sorted((root / package).rglob("*.py")):
        parts = file.relative_to(root).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = file
    return modules


def imported_modules(module: str, file: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that import statements anywhere in the file reach (inside
    functions, ``if`` and ``try`` blocks too). ``from x import y`` reaches ``x.y`` when that is a
    module, else ``x`` itself."""
    tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from . import x, from ..y import z
                here = module.split(".") if file.name == "__init__.py" else module.split(".")[:-1]
                here = here[: len(here) - (node.level - 1)]
                base = ".".join([*here, base] if base else here)
            names += [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
    return {name for name in names if name in modules and name != module}


def import_graph(root: Path, package: str = PACKAGE) -> dict[str, set[str]]:
    """Which of the package's modules each of its modules imports."""
    modules = module_names(root, package)
    return {module: imported_modules(module, file, modules) for module, file in modules.items()}


def import_groups(graph: dict[str, set[str]]) -> list[set[str]]:
    """The groups of modules that import each other, directly or through others (Tarjan's
    strongly connected components of more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One shortest circle through each group of modules that import each other, ``[a, b, a]``."""
    return [_shortest_circle(graph, group) for group in import_groups(graph)]


def _shortest_circle(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    best: list[str] = []
    for start in sorted(group):
        paths = {start: [start]}
        frontier = [start]
        found = None
        while frontier and found is None:
            following = []
            for node in frontier:
                for target in sorted(graph[node] & group):
                    if target == start:
                        found = [*paths[node], start]
                        break
                    if target not in paths:
                        paths[target] = [*paths[node], target]
                        following.append(target)
                if found:
                    break
            frontier = following
        if found and (not best or len(found) < len(best)):
            best = found
    return best


def test_the_core_has_no_import_circles():
    graph = import_graph(REPO)
    found = [
        " -> ".join(_shortest_circle(graph, group))
        + f"  (the circle joins: {', '.join(sorted(group))})"
        for group in import_groups(graph)
    ]
    assert not found, "import circles in voices/:\n" + "\n".join(found)


def test_a_circle_is_found_and_named_even_through_an_import_inside_a_function(tmp_path):
    """The checker itself: a package whose circle closes only inside a function, and through
    the ``from package import module`` and relative forms."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.sub import b\n")
    (package / "sub" / "b.py").write_text("from . import c\n")
    (package / "sub" / "c.py").write_text("def late():\n    from pkg.a import thing\n")
    (package / "d.py").write_text("import pkg.a\n")  # leads into the circle, is not part of it
    assert circles(import_graph(tmp_path, "pkg")) == [["pkg.a", "pkg.sub.b", "pkg.sub.c", "pkg.a"]]
    (package / "sub" / "c.py").write_text("def late():\n    pass\n")
    assert circles(import_graph(tmp_path, "pkg")) == []


def generator_imports(root: Path, package: str = PACKAGE) -> list[str]:
    """Every import of MkDocs or its theme anywhere in the package's files, at any depth of the
    file (functions, ``try`` blocks) and by ``importlib.import_module("...")`` or ``__import__``."""
    found = []
    for module, file in module_names(root, package).items():
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif (
                isinstance(node, ast.Call)
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and ast.unparse(node.func)
                in ("importlib.import_module", "import_module", "__import__")
            ):
                names = [node.args[0].value]
            found += [
                f"{module}:{node.lineno}: {name}"
                for name in names
                if name.split(".")[0] in GENERATOR_PACKAGES
            ]
    return found


def test_the_core_package_imports_no_mkdocs():
    """The content and the core must outlive MkDocs: only hooks/ may import it, or its theme."""
    assert generator_imports(REPO) == []
    # And importing every module of the core loads neither (nothing reaches them indirectly).
    code = (
        "import importlib, pkgutil, sys, voices\n"
        "for module in pkgutil.walk_packages(voices.__path__, 'voices.'):\n"
        "    module.name != 'voices.__main__' and importlib.import_module(module.name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout.strip() == "[]"


def test_an_import_of_mkdocs_at_any_depth_is_found(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "deep.py").write_text(
        "def f():\n    try:\n        from material.plugins import x\n"
        "    except ImportError:\n        pass\n"
    )
    (package / "late.py").write_text("import importlib\nimportlib.import_module('mkdocs.config')\n")
    (package / "fine.py").write_text("import markdown\nfrom pkg import deep\n")
    assert generator_imports(tmp_path, "pkg") == [
        "pkg.deep:3: material.plugins",
        "pkg.late:2: mkdocs.config",
    ]
