"""The package's shape: no import cycles, no module over 700 lines, and the layer order the README
states is the one import-linter enforces (pyproject.toml)."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "contract"
MAX_LINES = 700


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its __init__.py)."""
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py")) if "_specs" not in path.parts}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST):
    """Every import statement, at any depth (inside functions and classes too), except those under
    `if TYPE_CHECKING:`, which never run."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _absolute(module: str | None, level: int, importer: str, is_package: bool) -> str:
    if level == 0:
        return module or ""
    base = importer.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that `name` imports. `from a.b import c` counts as importing `a.b.c`
    when that is a module, else `a.b`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in _imports(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = _absolute(node.module, node.level, name, path.name == "__init__.py")
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        found |= {target for target in targets if target in known and target != name}
    return found


def import_graph() -> dict[str, set[str]]:
    modules = package_modules()
    known = set(modules)
    return {name: imports_of(name, path, known) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import(tmp_path):
    # A three-module loop whose closing import sits inside a function, plus a module outside it and a
    # TYPE_CHECKING import that would close a second loop if it were counted.
    sources = {
        "a": "from pkg import b\n",
        "b": "import pkg.c\n",
        "c": "def late():\n    from pkg.a import thing\n    return thing\n",
        "d": "from typing import TYPE_CHECKING\nimport pkg.a\nif TYPE_CHECKING:\n    from pkg import d\n",
    }
    known = {f"pkg.{n}" for n in sources}
    graph = {}
    for n, text in sources.items():
        (tmp_path / f"{n}.py").write_text(text, encoding="utf-8")
        graph[f"pkg.{n}"] = imports_of(f"pkg.{n}", tmp_path / f"{n}.py", known)
    assert graph["pkg.c"] == {"pkg.a"}
    assert graph["pkg.d"] == {"pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.c"]]


def test_relative_imports_resolve_against_the_importing_module():
    assert _absolute("x", 1, "contract.spec.loader", is_package=False) == "contract.spec.x"
    assert _absolute("x", 1, "contract.spec", is_package=True) == "contract.spec.x"
    assert _absolute(None, 2, "contract.spec.loader", is_package=False) == "contract"


def test_the_package_has_no_import_cycles():
    graph = import_graph()
    assert "contract.spec.loader" in graph["contract.evaluation.evaluate"]  # the graph sees real imports
    found = cycles(graph)
    assert not found, "import cycles (counting imports inside functions): " + "; ".join(
        " <-> ".join(component) for component in found
    )


def test_no_module_is_over_700_lines():
    lengths = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in package_modules().items()}
    assert lengths["contract.spec.loader"] > 100  # lines are being counted
    over = {name: n for name, n in sorted(lengths.items()) if n > MAX_LINES}
    assert not over, f"modules over {MAX_LINES} lines: " + ", ".join(f"{name} ({n})" for name, n in over.items())


def pyproject_layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (layers,) = [c["layers"] for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return layers


def readme_layers() -> list[str]:
    """The layers in the order the README's "How it is built" section lists them: the rows of its
    table whose first cell is a `contract.*` module."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## How it is built", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `(contract\.\w+)` \|", section, flags=re.MULTILINE)


def test_the_readme_states_the_layer_order_import_linter_enforces():
    readme = readme_layers()
    assert len(readme) >= 2, "the README's 'How it is built' section lists no layers"
    assert readme == pyproject_layers()


def test_every_layer_in_the_order_is_a_package_of_contract():
    modules = package_modules()
    for layer in pyproject_layers():
        assert any(name == layer or name.startswith(layer + ".") for name in modules), layer
    top_level = {name.split(".")[1] for name in modules if name.count(".") >= 1}
    assert top_level - {layer.split(".")[1] for layer in pyproject_layers()} <= {"__main__"}
