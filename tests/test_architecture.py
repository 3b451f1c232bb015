"""The package's shape: stages import one way, shared ideas have one home, functions stay short."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "leaflets"
# Each stage may import those to its left, never those to its right.
PIPELINE = ["errors", "paper", "reproducible", "content", "outputs", "assemble", "render",
            "build", "verify", "scaffold", "desk", "cli"]


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """Every leaflets module `path` imports, at any depth of the code (functions included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("leaflets"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in known else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("leaflets"))
    return {name for name in found if name in known and name != module_name(path)}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for other in sorted(graph[node]):
            if state.get(other) == 1:
                found.append(stack[stack.index(other):] + [other])
            elif other not in state:
                visit(other)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_no_import_cycle_not_even_inside_a_function():
    known = modules()
    graph = {name: imports(path, known) for name, path in known.items()}
    assert cycles(graph) == []


def test_imports_run_down_the_pipeline():
    known = modules()
    upward = []
    for name, path in known.items():
        if stage(name) not in PIPELINE:
            continue
        for imported in imports(path, known):
            if stage(imported) in PIPELINE and \
                    PIPELINE.index(stage(imported)) > PIPELINE.index(stage(name)):
                upward.append(f"{name} imports {imported}")
    assert upward == []


def test_at_most_eight_top_level_modules():
    top = [p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert len(top) <= 8, top


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: module_name(p))
def test_no_function_over_60_lines(path):
    long = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            if node.end_lineno - start + 1 > 60:
                long.append(f"{node.name}: {node.end_lineno - start + 1} lines")
    assert long == []


def test_every_stage_is_a_package_of_its_own():
    for package in ("content", "assemble", "render", "build", "desk"):
        assert (PACKAGE / package / "__init__.py").is_file()
