"""Each package imports only the layers beneath it, and no module is part of an import circle
(docs/decisions/0017-layers.md). The imports are read from the source (ast), every one of
them, those inside functions too: an import put inside a function still depends on its module.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "selfeval"

TOOLKIT = {
    f"selfeval.outputs.{m}"
    for m in ("formatting", "tables", "disclosure", "render", "document", "accessibility")
}
"""The presentation toolkit: how figures and dates read, CSV/XLSX writing with the formula
guard, the templates, the disclosure rule. It imports nothing of the domain, so every layer may
use it; the rest of ``outputs`` (pages and charts of domain objects) stands above evaluation's
inputs."""

LAYERS: list[set[str]] = [
    {"selfeval", "errors", "settings"},
    {"cachefiles"},
    {"outputs toolkit"},
    {"schema", "calendar", "pseudonymise"},
    {"returns"},
    {"store"},
    {"validation"},
    {"indicators"},
    {"inspections"},
    {"benchmarks"},
    {"plans"},
    {"assurance"},
    {"access"},
    {"ingest_ssd"},
    {"ingest"},
    {"outputs"},
    {"evaluation"},
    {"region"},
    {"demo"},
    {"web"},
    {"cli"},
    {"__main__"},
]
"""Bottom first. A package imports its own modules and the packages of the layers below; two
packages of one layer never import each other. ``synth`` writes the real formats, so it stands
beside the packages whose formats it writes (``SYNTH_MAY_IMPORT``), and only the demo and
the shells above it import it."""

SYNTH_MAY_IMPORT = {"selfeval", "errors", "schema", "calendar", "returns", "assurance", "plans"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports() -> dict[str, set[str]]:
    """Each module of selfeval and the modules of selfeval it imports (anywhere in it)."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    out: dict[str, set[str]] = defaultdict(set)
    for mod, path in modules.items():
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                # ``from selfeval.x import y``: y is a module of x, or a name defined in x.
                names = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules]
                names = names or [base]
            else:
                continue
            for name in names:
                while name and name not in modules:
                    name = name.rpartition(".")[0]
                if name.startswith("selfeval") and name != mod:
                    out[mod].add(name)
    return out


def package_of(module: str) -> str:
    if module in TOOLKIT:
        return "outputs toolkit"
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "selfeval"


def layer_of(package: str) -> int:
    for i, layer in enumerate(LAYERS):
        if package in layer:
            return i
    raise AssertionError(f"selfeval.{package} is in no layer: add it to LAYERS")


def upward() -> set[tuple[str, str]]:
    found = set()
    for mod, targets in imports().items():
        a = package_of(mod)
        for target in targets:
            b = package_of(target)
            if a == b or (a == "selfeval" and b != "selfeval"):
                continue
            if a == "synth":
                if b not in SYNTH_MAY_IMPORT:
                    found.add((mod, target))
            elif b == "synth":
                if layer_of(a) < layer_of("demo"):
                    found.add((mod, target))
            elif layer_of(b) >= layer_of(a):
                found.add((mod, target))
    return found


def circles() -> set[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    graph = imports()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                scc.add(w)
                if w == v:
                    break
            if len(scc) > 1:
                found.add(frozenset(scc))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_every_package_has_a_layer():
    for mod in imports():
        if package_of(mod) != "synth":
            layer_of(package_of(mod))


def test_no_import_of_a_higher_layer():
    """No exceptions: each (module, imported module) found is an import of a layer above."""
    assert sorted(upward()) == [], "imports of a layer above"


def test_no_import_circle():
    """No exceptions: each set found is the modules of one import circle."""
    assert sorted(map(sorted, circles())) == [], "import circles"


def test_the_test_sees_a_circle_and_an_upward_import(tmp_path, monkeypatch):
    """The reader itself: two hand-made modules that import each other, one from a layer up."""
    pkg = tmp_path / "selfeval"
    (pkg / "store").mkdir(parents=True)
    (pkg / "evaluation").mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "store" / "__init__.py").write_text("")
    (pkg / "evaluation" / "__init__.py").write_text("")
    (pkg / "store" / "a.py").write_text("def f():\n    from selfeval.evaluation import b\n")
    (pkg / "evaluation" / "b.py").write_text("from selfeval.store.a import f\n")
    monkeypatch.setattr(__import__(__name__), "SRC", tmp_path)
    monkeypatch.setattr(__import__(__name__), "PACKAGE", pkg)
    assert upward() == {("selfeval.store.a", "selfeval.evaluation.b")}
    assert circles() == {frozenset({"selfeval.store.a", "selfeval.evaluation.b"})}
