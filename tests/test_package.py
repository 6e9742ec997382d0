"""The installed package: one `infercheck` namespace, nothing generic on sys.path."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest


def _python(code: str, cwd) -> subprocess.CompletedProcess:
    # Run outside the source checkout, where the folders `checker/`, `reports/`... are not
    # on sys.path: what a user of the installed package sees.
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


PARTS = ("checker", "cli", "reports", "runner", "schemas")


@pytest.mark.parametrize("name", PARTS)
def test_no_generic_top_level_package(name, tmp_path):
    done = _python(f"import {name}", tmp_path)
    assert done.returncode != 0
    assert "ModuleNotFoundError" in done.stderr


def test_every_part_lives_under_infercheck(tmp_path):
    done = _python("import infercheck.checker, infercheck.cli, infercheck.reports, "
                   "infercheck.runner, infercheck.schemas; print(infercheck.cli.main.name)", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "main"


def _modules() -> dict[str, Path]:
    """Every module of the installed package, by dotted name, with its source file."""
    out = {}
    # `infercheck` is a namespace whose parts are the top-level folders; walk each part.
    for part in PARTS:
        top = importlib.import_module(f"infercheck.{part}")
        names = [top.__name__] + [i.name for i in pkgutil.walk_packages(top.__path__, f"{top.__name__}.")]
        for name in names:
            spec = importlib.util.find_spec(name)
            if spec and spec.origin and spec.origin.endswith(".py"):
                out[name] = Path(spec.origin)
    return out


def _imports(name: str, path: Path, known: set[str]):
    """(imported module, line, inside a function) for each import of an infercheck module."""
    tree = ast.parse(path.read_text("utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    in_function = {id(n) for f in functions for n in ast.walk(f)}
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}".rstrip(".")
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        for target in targets:
            yield target, node.lineno, id(node) in in_function


def test_no_import_cycle():
    modules = _modules()
    known = set(modules)
    graph = {name: {t for t, _, _ in _imports(name, path, known) if t in known and t != name}
             for name, path in modules.items()}
    state: dict[str, int] = {}
    trail: list[str] = []

    def visit(name):
        state[name] = 1
        trail.append(name)
        for nxt in sorted(graph[name]):
            if state.get(nxt) == 1:
                cycle = trail[trail.index(nxt):] + [nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        trail.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)
    assert len(graph) > 40  # the walk saw the whole package


def _commented(lines: list[str], index: int) -> bool:
    """The import on this line, or the block of imports it belongs to, carries a comment."""
    if "#" in lines[index]:
        return True
    while index > 0 and lines[index - 1].strip().startswith(("import ", "from ")):
        index -= 1
    return index > 0 and lines[index - 1].strip().startswith("#")


def test_imports_inside_functions_say_why():
    """Only optional or heavy dependencies are imported on demand, each with a comment why."""
    modules = _modules()
    bare = []
    for name, path in modules.items():
        lines = path.read_text("utf-8").splitlines()
        for target, line, inside in _imports(name, path, set(modules)):
            if inside and not _commented(lines, line - 1):
                bare.append(f"{name}:{line} imports {target}")
    assert not bare, bare


def test_the_core_never_imports_a_suite():
    modules = _modules()
    suites = ("infercheck.checker.inference", "infercheck.checker.mobile")
    for name, path in modules.items():
        if name.startswith("infercheck.checker.core"):
            for target, line, _ in _imports(name, path, set(modules)):
                assert not target.startswith(suites), f"{name}:{line} imports {target}"
                assert not target.startswith(("infercheck.runner", "infercheck.reports",
                                              "infercheck.cli")), f"{name}:{line} imports {target}"


def test_only_the_cli_imports_checker_runner_and_reports():
    modules = _modules()
    for name, path in modules.items():
        parts = {t.split(".")[1] for t, _, _ in _imports(name, path, set(modules))
                 if t.startswith("infercheck.") and t.count(".") >= 1}
        if {"checker", "runner", "reports"} <= parts | {name.split(".")[1]}:
            assert name.startswith("infercheck.cli"), name


def test_importing_the_core_loads_no_suite(tmp_path):
    done = _python("import sys, infercheck.checker.core.engine; "
                   "print(sorted(m for m in sys.modules if m.startswith(('infercheck.checker.inference', "
                   "'infercheck.checker.mobile', 'infercheck.checker.suites'))))", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_every_source_folder_is_a_listed_package():
    """A folder missing from pyproject's list would be missing from the wheel."""
    tomllib = pytest.importorskip("tomllib")
    project = Path(__file__).resolve().parents[1]
    config = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    mapping = config["package-dir"]
    for name, folder in mapping.items():
        for path in [project / folder, *(project / folder).rglob("*")]:
            if path.is_dir() and path.name != "__pycache__" and any(
                    f.is_file() and f.suffix in (".py", ".yaml", ".json", ".js", ".css", ".j2")
                    for f in path.iterdir()):
                rel = path.relative_to(project / folder).parts
                assert ".".join((name, *rel)) in listed, path
