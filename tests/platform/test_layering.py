"""The layers point one way — views → admin_app → models — read from the source with `ast`:

- models import nothing of admin_app but admin_app.extensions, and nothing of views;
- admin_app imports views only where create_app registers them (EXCEPTIONS below);
- models and views import no project module inside a function (a hidden import cycle);
  admin_app may (create_app and the CLI import lazily);
- no module-level import cycle between project modules.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ("admin_app", "models", "views")
# (file, function, imported name): the one place admin_app reaches into views.
EXCEPTIONS = {("admin_app/__init__.py", "create_app", "views.register_views")}


@dataclass(frozen=True)
class Import:
    path: str  # the importing file, relative to the repository root
    line: int
    target: str  # "models.clock.JST" for `from models.clock import JST`
    function: str | None  # the enclosing function, None at module (or class) level

    @property
    def top(self) -> str:
        return self.target.split(".")[0]

    def __str__(self) -> str:
        where = f" in {self.function}()" if self.function else ""
        return f"{self.path}:{self.line}{where}: {self.target}"


def module_name(path: str) -> str:
    parts = path.removesuffix(".py").split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, path: str) -> list[Import]:
    """Every import in a file, each imported name as a dotted target."""
    package = module_name(path).split(".")
    if not path.endswith("__init__.py"):
        package = package[:-1]
    found: list[Import] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, child.name)
                continue
            if isinstance(child, ast.Import):
                found.extend(Import(path, child.lineno, a.name, function) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    up = package[: len(package) - (child.level - 1)]
                    base = ".".join([*up, *([base] if base else [])])
                found.extend(
                    Import(path, child.lineno, f"{base}.{a.name}", function) for a in child.names
                )
            visit(child, function)

    visit(ast.parse(source, filename=path), None)
    return found


def violations(imports: list[Import]) -> list[str]:
    problems = []
    for imp in imports:
        layer = imp.path.split("/")[0]
        if layer == "models" and imp.top == "views":
            problems.append(f"models import views: {imp}")
        if (
            layer == "models"
            and imp.top == "admin_app"
            and not (
                imp.target == "admin_app.extensions"
                or imp.target.startswith("admin_app.extensions.")
            )
        ):
            problems.append(f"models import admin_app beyond its extensions: {imp}")
        if (
            layer == "admin_app"
            and imp.top == "views"
            and (imp.path, imp.function, imp.target) not in EXCEPTIONS
        ):
            problems.append(f"admin_app imports views: {imp}")
        if layer in ("models", "views") and imp.function and imp.top in PROJECT:
            problems.append(f"import inside a function (a hidden cycle?): {imp}")
    return problems


def project_files() -> dict[str, str]:
    return {
        str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
        for layer in PROJECT
        for p in sorted((ROOT / layer).rglob("*.py"))
    }


def project_imports() -> list[Import]:
    return [i for path, source in project_files().items() for i in imports_of(source, path)]


def import_graph(imports: list[Import], modules: set[str]) -> dict[str, set[str]]:
    """Module-level imports between these modules (`from pkg import mod` imports pkg.mod)."""
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for imp in imports:
        if imp.function is None and imp.top in PROJECT:
            source = module_name(imp.path)
            target = imp.target if imp.target in modules else imp.target.rpartition(".")[0]
            if target in modules and target != source:
                edges[source].add(target)
    return edges


def cycles(imports: list[Import], modules: set[str]) -> list[list[str]]:
    """Module-level import cycles between these modules: the strongly connected components of
    more than one module (Tarjan)."""
    edges = import_graph(imports, modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def close(node: str) -> None:
        component = [stack.pop()]
        while component[-1] != node:
            component.append(stack.pop())
        if len(component) > 1:
            found.append(sorted(component))

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges[node]:
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            close(node)

    for module in sorted(modules):
        if module not in index:
            connect(module)
    return found


# --- the tree ---------------------------------------------------------------------------------


def test_the_layers_point_one_way():
    assert violations(project_imports()) == []


def test_no_module_level_import_cycle():
    modules = {module_name(p) for p in project_files()}
    assert cycles(project_imports(), modules) == []


def test_the_one_exception_is_still_needed():
    """An exception nobody uses any more is removed, not kept as a loophole."""
    used = {(i.path, i.function, i.target) for i in project_imports()}
    assert EXCEPTIONS <= used


# --- the checker fails when it should -----------------------------------------------------


@pytest.mark.parametrize(
    ("path", "source", "problem"),
    [
        (
            "models/a.py",
            "from admin_app.security import current_access\n",
            "models import admin_app beyond its extensions",
        ),
        ("models/a.py", "import admin_app.audit\n", "models import admin_app beyond"),
        ("models/a.py", "from admin_app import security\n", "models import admin_app beyond"),
        ("models/a.py", "from views.base import exists\n", "models import views"),
        ("models/staff/a.py", "from ...views import base\n", "models import views"),
        ("models/a.py", "def f():\n    from models.clock import JST\n", "inside a function"),
        (
            "models/a.py",
            "class A:\n    def f(self):\n        import models.clock\n",
            "inside a function",
        ),
        (
            "views/a.py",
            "async def f():\n    from admin_app.extensions import db\n",
            "inside a function",
        ),
        ("views/a.py", "def f():\n    if True:\n        from .b import c\n", "inside a function"),
        ("admin_app/cli.py", "from views import register_views\n", "admin_app imports views"),
        (
            "admin_app/__init__.py",
            "def other():\n    from views import register_views\n",
            "admin_app imports views",
        ),
        (
            "admin_app/__init__.py",
            "def create_app():\n    from views.base import exists\n",
            "admin_app imports views",
        ),
    ],
)
def test_the_checker_refuses(path, source, problem):
    found = violations(imports_of(source, path))
    assert len(found) == 1 and problem in found[0], found


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("models/a.py", "from admin_app.extensions import db\n"),
        ("models/a.py", "from admin_app import extensions\n"),
        ("models/a.py", "def f():\n    from sqlalchemy.dialects.postgresql import insert\n"),
        ("models/a.py", "from models.clock import JST\n"),
        ("views/a.py", "from admin_app.security import allowed\nfrom models import Facility\n"),
        ("admin_app/__init__.py", "def create_app():\n    from views import register_views\n"),
        ("admin_app/cli.py", "def command():\n    from models.clock import today_local\n"),
    ],
)
def test_the_checker_lets_pass(path, source):
    assert violations(imports_of(source, path)) == []


def test_the_cycle_finder_finds_a_cycle():
    files = {
        "models/a.py": "from models.b import x\n",
        "models/b.py": "def f():\n    pass\nfrom models import a\n",
        "models/c.py": "from models.a import y\n",
    }
    imports = [i for path, source in files.items() for i in imports_of(source, path)]
    assert cycles(imports, {"models.a", "models.b", "models.c"}) == [["models.a", "models.b"]]
    lazy = imports_of("def f():\n    from models import a\n", "models/b.py")
    assert cycles(imports[:1] + lazy, {"models.a", "models.b"}) == []
