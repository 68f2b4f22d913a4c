"""The house rules, read from the source (``docs/ARCHITECTURE.md``).

- no import circles between modules, imports inside functions and ``TYPE_CHECKING``
  blocks included;
- no module imports another module's private (``_name``) names;
- nothing outside ``dida_view.gui`` imports Qt, but the report's PDF writer and the audit's
  charts, which paint with QtGui (``dida_view.report.pdf``, ``dida_view.report.charts``);
- nothing imports upward: each package imports only the packages below it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dida_view"
QT_MODULES = ("dida_view.gui", "dida_view.report.pdf", "dida_view.report.charts",
              "dida_view.__main__")

# the layers, bottom first: a package may import its own modules and those of the layers
# below it (a layer is one or more packages that never import each other's modules upward)
LAYERS = [
    {"dida_view", "dida_view.errors", "dida_view.paths", "dida_view.catalogue"},
    {"dida_view.io", "dida_view.synthetic"},
    {"dida_view.model"},
    {"dida_view.method"},
    {"dida_view.render"},
    {"dida_view.session"},
    {"dida_view.report"},
    {"dida_view.audit"},
    {"dida_view.viewmodel"},
    {"dida_view.cli", "dida_view.gui", "dida_view.__main__"},
]


def modules() -> dict[str, Path]:
    out = {}
    for p in PACKAGE.rglob("*.py"):
        rel = p.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(rel.parts)
        out[name.removesuffix(".__init__")] = p
    return out


def imports(name: str, path: Path, mods: dict[str, Path]) -> list[tuple[str, str | None]]:
    """(imported module, imported name or None) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = name.split(".") if is_pkg else name.split(".")[:-1]
                parts = parts[:len(parts) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            for a in node.names:
                full = f"{base}.{a.name}"
                out.append((full, None) if full in mods else (base, a.name))
    return [(m, n) for m, n in out if m.startswith("dida_view")]


def graph() -> tuple[dict[str, set[str]], list[str]]:
    mods = modules()
    edges: dict[str, set[str]] = {m: set() for m in mods}
    private = []
    for m, p in mods.items():
        for target, name in imports(m, p, mods):
            dest = target
            while dest not in mods and "." in dest:
                dest = dest.rsplit(".", 1)[0]
            if dest in mods and dest != m:
                edges[m].add(dest)
            if name and name.startswith("_") and not name.startswith("__"):
                private.append(f"{m} imports {target}.{name}")
    return edges, private


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out = []
    counter = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(edges[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def layer_of(module: str) -> int:
    best, level = -1, -1
    for i, layer in enumerate(LAYERS):
        for pkg in layer:
            if (module == pkg or module.startswith(pkg + ".")) and len(pkg) > best:
                best, level = len(pkg), i
    return level


def test_no_import_circles():
    edges, _ = graph()
    assert circles(edges) == []


def test_the_circle_finder_finds_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_private_names_across_modules():
    _, private = graph()
    assert private == []


def test_nothing_imports_upward():
    edges, _ = graph()
    upward = [f"{m} -> {t}" for m, ts in edges.items() for t in ts
              if layer_of(t) > layer_of(m)]
    assert upward == []


def test_every_module_has_a_layer():
    assert [m for m in modules() if layer_of(m) < 0] == []


def test_only_the_gui_and_the_pdf_writer_import_qt():
    qt_free = sorted(m for m in modules() if not m.startswith(QT_MODULES))
    code = ("import importlib, sys\n"
            f"for m in {qt_free!r}:\n"
            "    importlib.import_module(m)\n"
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
            "assert not bad, bad\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_package_says_what_goes_in():
    for init in PACKAGE.rglob("__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 40 and "TODO" not in doc, init


def test_architecture_doc_names_every_package_and_only_files_that_exist():
    """docs/ARCHITECTURE.md: every package has its row, and every module it names is
    there (a renamed module must be renamed in the doc too)."""
    import re

    doc = (PACKAGE.parent / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    packages = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `(\w+)/` \|.*$", doc, re.M)}
    assert sorted(rows) == packages
    for pkg, row in rows.items():
        for name in re.findall(r"`([\w/]+\.py)", row):
            found = [p for p in (PACKAGE / pkg).rglob(Path(name).name)
                     if p.as_posix().endswith(name)]
            assert found, f"{pkg}/: {name} named in docs/ARCHITECTURE.md does not exist"
    for layer in LAYERS:
        for pkg in layer:
            assert f"`{pkg.removeprefix('dida_view.')}`" in doc or pkg == "dida_view", pkg
