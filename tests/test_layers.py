"""The import contract: foresight's layers, bottom first, and no import that runs backwards.

Every module under ``foresight/`` is parsed with :mod:`ast` (nothing is imported) and
every import is checked: at module level, inside functions and under
``if TYPE_CHECKING:`` alike, since an import for annotations is a dependency too.
``docs/architecture.md`` shows the same table; :func:`test_docs_show_the_layer_table` keeps it so.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "foresight"

#: The layers, bottom first: (level, name, modules, what it is). A module may import
#: modules of its own layer and of any lower level. Layers that share a level are
#: independent: none imports another (readers, the RDF mapping and the stores only meet
#: in ingest). ``pkg.*`` stands for a package and every module in it.
LAYERS: tuple[tuple[int, str, tuple[str, ...], str], ...] = (
    (0, "base", ("foresight", "foresight.errors", "foresight.files", "foresight.formats", "foresight.resources",
                 "foresight.text", "foresight.versions", "foresight.vocab"),
     "errors, file writing, text helpers, format tables, vocabulary IRIs and N-Triples terms: no RDF library, "
     "no domain"),
    (1, "model", ("foresight.model", "foresight.linking", "foresight.merging", "foresight.steep"),
     "the domain: frozen dataclasses and the pure rules over them (links inferred between a scan's rows, "
     "names judged to be one concept, STEEP categories of a name); no I/O"),
    (2, "read", ("foresight.readers.*",), "scan files (markdown, YAML) to model objects"),
    (2, "map", ("foresight.mapping",), "model objects to RDF terms of the ontology"),
    (2, "store", ("foresight.store.*",), "RDF datasets with SPARQL: embedded Oxigraph, rdflib, a SPARQL server"),
    (3, "derived", ("foresight.derived.*",),
     "what is computed from a store and kept: the projection to networkx, concepts, indexes"),
    (4, "analysis", ("foresight.analysis.*",), "free functions over a graph or an index that return plain data"),
    (4, "analytics", ("foresight.analytics.*",),
     "foresight analyses (trends, emerging, MICMAC, cross-impact, STEEP, scenario axes, centrality, communities) "
     "as free functions over plain data and the index"),
    (5, "export", ("foresight.export.*",),
     "writers: RDF dumps, GraphML, GEXF, Kumu JSON, HTML maps, query results, command output"),
    (6, "pipeline", ("foresight.explore", "foresight.ingest", "foresight.search", "foresight.stats",
                     "foresight.validate"),
     "whole-store operations the commands call: ingest (read, map, store, then refresh what is derived), "
     "search, stats and SHACL validation, and the records shown of a node, pathway or topic"),
    (7, "serve", ("foresight.serve.*",),
     "the local web app and SPARQL endpoint of foresight serve, a thin skin over the layers below, as the CLI is"),
    (8, "cli", ("foresight.cli",), "the command line, a thin skin over the layers below; the only user of typer"),
)

#: Only the command line may import these.
CLI_ONLY = ("typer", "click")
#: A plugin registered by name (``"foresight.readers.yaml:read_yaml"``) is imported when used: an import too.
PLUGIN = re.compile(r"foresight(?:\.\w+)+:\w+")


@dataclass(frozen=True)
class Import:
    """One import statement's target, as a module or package name."""

    module: str
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def covers(pattern: str, module: str) -> bool:
    if pattern.endswith(".*"):
        package = pattern.removesuffix(".*")
        return module == package or module.startswith(package + ".")
    return module == pattern


def layer_of(module: str) -> tuple[int, str] | None:
    for level, name, patterns, _ in LAYERS:
        if any(covers(pattern, module) for pattern in patterns):
            return level, name
    return None


def imports(path: Path, known: set[str]) -> list[Import]:
    """Every import in a module, wherever it is: ``from a import b`` names ``a.b`` when that is a module."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: dict[Import, None] = {}  # in order, once each (``from a import b, c`` is one import of ``a``)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update((Import(alias.name, node.lineno), None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                target = f"{base}.{alias.name}"
                found[Import(target if target in known else base, node.lineno)] = None
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and PLUGIN.fullmatch(node.value):
            found[Import(node.value.partition(":")[0], node.lineno)] = None
    return list(found)


def violations() -> list[str]:
    known = modules()
    found: list[str] = []
    for module, path in known.items():
        where = path.relative_to(ROOT)
        here = layer_of(module)
        assert here is not None, f"{where}: {module} is in no layer; add it to LAYERS and docs/architecture.md"
        for imported in imports(path, set(known)):
            if imported.module.split(".")[0] in CLI_ONLY and module != "foresight.cli":
                found.append(f"{where}:{imported.line}: {module} imports {imported.module}; only foresight.cli may")
            if not (imported.module == "foresight" or imported.module.startswith("foresight.")):
                continue
            if imported.module == "foresight.cli" and module != "foresight.cli":
                found.append(f"{where}:{imported.line}: {module} imports foresight.cli; nothing may")
                continue
            there = layer_of(imported.module)
            if there is None or there == here:
                continue
            if there[0] >= here[0]:
                relation = "beside" if there[0] == here[0] else "above"
                found.append(f"{where}:{imported.line}: {module} ({here[1]}) imports {imported.module} "
                             f"({there[1]}): {there[1]} is {relation} {here[1]}")
    return found


def test_no_import_runs_backwards() -> None:
    found = violations()
    assert not found, "imports against the layers (see docs/architecture.md):\n" + "\n".join(found)


def test_every_layer_names_real_modules() -> None:
    known = modules()
    for _, name, patterns, _ in LAYERS:
        for pattern in patterns:
            package = pattern.removesuffix(".*")
            assert package in known, f"layer {name}: {pattern} matches no module"


@pytest.mark.parametrize("source", [
    "from foresight.cli import app\n",
    "def f():\n    import typer\n",
    "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from foresight.derived.index import GraphIndex\n",
    "from ..mapping import iri\n",
    "READERS = {'markdown': 'foresight.derived.index:read'}\n",
])
def test_the_check_sees_backward_imports(source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a store module written into a copy of the tree: each of these imports is one the check must report
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path / "foresight")
    for module in ("__init__", "cli", "mapping", "store/__init__", "derived/__init__", "derived/index"):
        (tmp_path / "foresight" / f"{module}.py").parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "foresight" / f"{module}.py").write_text("")
    (tmp_path / "foresight" / "store" / "base.py").write_text(source)
    found = violations()
    assert len(found) == 1
    assert found[0].startswith("foresight/store/base.py:")


def layer_table() -> str:
    """The layer table as docs/architecture.md shows it."""
    lines = ["| level | layer | modules | what it is |", "| --- | --- | --- | --- |"]
    for level, name, patterns, what in LAYERS:
        shown = ", ".join(f"`{pattern}`" for pattern in patterns)
        lines.append(f"| {level} | {name} | {shown} | {what} |")
    return "\n".join(lines) + "\n"


def test_docs_show_the_layer_table() -> None:
    docs = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert layer_table() in docs, "docs/architecture.md must show the table in tests/test_layers.py:\n" + layer_table()


def test_the_readme_layout_names_every_module() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout"):]
    missing = []
    for path in sorted((ROOT / "foresight").rglob("*.py")):
        if not path.read_text(encoding="utf-8").strip("\n").count("\n"):
            continue  # an empty package marker
        relative = path.relative_to(ROOT / "foresight")
        folder = f"foresight/{relative.parent}/" if relative.parent != Path(".") else "foresight/"
        rows = [line for line in layout.splitlines() if line.startswith("| `" + folder)
                or (folder == "foresight/" and line.startswith("| `foresight/" + relative.name))]
        if not any(f"`{relative.name}`" in row or f"`{folder}{relative.name}`" in row for row in rows):
            missing.append(str(relative))
    assert not missing, f"README's layout table does not name {missing}"
