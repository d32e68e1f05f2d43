"""SHACL validation of the store against ``ontology/shapes.ttl``, one scan graph at a time.

Each scan graph is checked on its own, with the vocabulary graph beside it (where the
keywords' preferred labels live) and the ontology's class hierarchy: a scan is valid or
not by what it says, whatever the other scans say. The store is read a graph at a time,
so time grows with the store and memory with its largest graph.

The checks are the SHACL Core constraints the shapes use (``sh:targetClass``, predicate and
inverse paths, counts, datatype, class, node kind, length, pattern, ranges and qualified
counts), compiled once from the shapes file. A shape using anything else is refused by
name rather than passed over; ``engine="pyshacl"`` validates the union of the graphs with
pySHACL instead, for any shape, at a cost in time and memory.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from foresight.errors import ForesightError
from foresight.resources import ontology_path, shapes_path
from foresight.store.base import Store
from foresight.store.sparql import STATE_GRAPH
from foresight.vocab import (
    FS,
    GRAPH_PREFIX,
    ONTOLOGY_GRAPH,
    PREFIXES,
    RDF,
    SCAN_GRAPH_PREFIX,
    SH,
    VOCABULARY_GRAPH,
    XSD,
    compact,
    scan_id_of_graph,
)

RDF_TYPE = RDF + "type"
RDF_LANG_STRING = RDF + "langString"
#: graphs that hold no data to validate: the ontology, and the store's own bookkeeping
_NOT_DATA = (ONTOLOGY_GRAPH, STATE_GRAPH)
#: at most this many violations are kept per graph (the count stays exact)
_KEPT_PER_GRAPH = 50


class UnsupportedShapeError(ForesightError):
    """The shapes use a SHACL feature the per-graph validator does not check."""


@dataclass(frozen=True)
class Violation:
    """One value (or missing value) of one node that breaks one constraint."""

    graph: str
    focus: str
    path: str
    component: str
    message: str


@dataclass
class ValidationReport:
    """The outcome of a SHACL validation."""

    conforms: bool
    violations: int
    text: str
    #: graphs checked
    graphs: int = 0
    #: the violations kept, by graph (at most 50 a graph; ``violations`` counts them all)
    failing: dict[str, list[Violation]] = field(default_factory=dict)
    #: the file each failing scan graph was read from, when it says
    files: dict[str, str] = field(default_factory=dict)


# ----- terms -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Term:
    """An RDF term as N-Quads writes it: ``kind`` is "I" (IRI), "B" (blank node) or "L" (literal)."""

    kind: str
    value: str
    datatype: str | None = None
    language: str | None = None

    def __str__(self) -> str:
        if self.kind == "I":
            return f"<{self.value}>"
        if self.kind == "B":
            return f"_:{self.value}"
        if self.datatype in _NUMERIC:
            return self.value
        short = self.value if len(self.value) <= 60 else self.value[:57] + "…"
        return repr(short) + (f"@{self.language}" if self.language else "")


_TERM = r'(<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:\^\^<[^>]*>|@[A-Za-z0-9-]+)?)'
_QUAD = re.compile(rf"{_TERM}\s+{_TERM}\s+{_TERM}(?:\s+{_TERM})?\s*\.\s*$")


def _term(text: str) -> Term:
    from foresight.derived.projection import literal_parts

    if text.startswith("<"):
        return Term("I", text[1:-1])
    if text.startswith("_:"):
        return Term("B", text[2:])
    body, datatype, language = literal_parts(text)
    return Term("L", body, datatype or (RDF_LANG_STRING if language else XSD + "string"), language)


Triples = dict[str, dict[str, set[Term]]]


@dataclass
class _Data:
    """One graph's triples, indexed for the checks: by subject, by object (for inverse paths), types."""

    out: Triples = field(default_factory=dict)
    into: Triples = field(default_factory=dict)
    types: dict[str, set[str]] = field(default_factory=dict)

    def add(self, s: Term, p: str, o: Term, inverse: frozenset[str]) -> None:
        key = _key(s)
        self.out.setdefault(key, {}).setdefault(p, set()).add(o)
        if p in inverse:
            self.into.setdefault(_key(o), {}).setdefault(p, set()).add(s)
        if p == RDF_TYPE and o.kind == "I":
            self.types.setdefault(key, set()).add(o.value)


def _key(term: Term) -> str:
    return term.value if term.kind == "I" else "_:" + term.value


def _parse(line: str, ending: str) -> tuple[Term, str, Term]:
    """A line ``s p o <graph> .`` as its terms (the graph's ending known, no pattern is needed)."""
    if line.endswith(ending):
        s, p, o = line[:-len(ending)].split(" ", 2)
        return _node(s), p[1:-1], _node(o) if o[0] != '"' else _term(o)
    match = _QUAD.match(line)
    if match is None:
        raise ForesightError(f"validate: the store gave a line that is no N-Quads: {line[:80]!r}")
    return _term(match.group(1)), _term(match.group(2)).value, _term(match.group(3))


@functools.lru_cache(maxsize=1 << 16)
def _node(text: str) -> Term:
    return _term(text)


def _read(lines: Iterable[str], graph: str, checker: _Checker, whole: bool) -> _Data:
    """A graph's triples the checks need: all of them (``whole``), else those of the nodes shapes target.

    In a big graph of the store's own (the concepts), only the triples a check can use are
    parsed (types and the shapes' paths), and of them only those of targeted nodes are kept.
    """
    ending = f" <{graph}> .\n"
    data = _Data()
    if whole:
        for line in lines:
            s, p, o = _parse(line, ending)
            data.add(s, p, o, checker.inverse)
        return data
    wanted = {f"<{path}>" for path in checker.paths | {RDF_TYPE}}
    held: list[tuple[Term, str, Term]] = []
    for line in lines:
        first = line.find(" ")
        if line[first + 1:line.find(" ", first + 1)] in wanted:
            s, p, o = _parse(line, ending)
            if p == RDF_TYPE:
                data.add(s, p, o, checker.inverse)
            else:
                held.append((s, p, o))
    targeted = {node for node, types in data.types.items() if checker.targets_any(types)}
    for s, p, o in held:
        if _key(s) in targeted or (p in checker.inverse and _key(o) in targeted):
            data.add(s, p, o, checker.inverse)
    return data


# ----- shapes --------------------------------------------------------------------------------------

_LEXICAL = {
    XSD + "integer": re.compile(r"[+-]?\d+"),
    XSD + "decimal": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    XSD + "date": re.compile(r"-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?"),
    XSD + "boolean": re.compile(r"true|false|1|0"),
}
_PROPERTY_KEYS = {"path", "minCount", "maxCount", "datatype", "class", "nodeKind", "minLength", "pattern",
                  "minInclusive", "maxInclusive", "qualifiedValueShape", "qualifiedMaxCount", "qualifiedMinCount",
                  "name", "description", "message"}
_SHAPE_KEYS = {"targetClass", "property"}


@dataclass(frozen=True)
class PropertyCheck:
    """The constraints of one ``sh:property`` of a node shape."""

    path: str
    inverse: bool = False
    min_count: int | None = None
    max_count: int | None = None
    datatype: str | None = None
    cls: str | None = None
    node_kind: str | None = None
    min_length: int | None = None
    pattern: re.Pattern[str] | None = None
    min_inclusive: Decimal | None = None
    max_inclusive: Decimal | None = None
    qualified_class: str | None = None
    qualified_min: int | None = None
    qualified_max: int | None = None

    @property
    def label(self) -> str:
        return ("^" if self.inverse else "") + _short(self.path)


@dataclass(frozen=True)
class Shape:
    """A node shape: the classes it targets and its property checks."""

    name: str
    targets: frozenset[str]
    properties: tuple[PropertyCheck, ...]


def _number_of(values: dict[str, Any], key: str) -> int | None:
    value = values.get(key)
    return int(str(value)) if value is not None else None


def _decimal_of(values: dict[str, Any], key: str) -> Decimal | None:
    value = values.get(key)
    return Decimal(str(value)) if value is not None else None


def compile_shapes(text: str | None = None) -> tuple[Shape, ...]:
    """The node shapes of a SHACL file (``ontology/shapes.ttl`` by default), as checks.

    Raises:
        UnsupportedShapeError: a shape uses a SHACL feature these checks do not cover.
    """
    import rdflib
    from rdflib import BNode, URIRef

    graph = rdflib.Graph().parse(data=text if text is not None else shapes_path().read_text(encoding="utf-8"),
                                 format="turtle")
    sh = rdflib.Namespace(SH)

    def name_of(predicate: rdflib.term.Node) -> str | None:
        return str(predicate)[len(SH):] if str(predicate).startswith(SH) else None

    def refuse(where: str, what: str) -> UnsupportedShapeError:
        return UnsupportedShapeError(f"{shapes_path().name}: {where} uses {what}, which 'foresight validate' "
                                     "does not check; use 'foresight validate --engine pyshacl'")

    shapes = []
    for node in sorted(set(graph.subjects(rdflib.RDF.type, sh.NodeShape)), key=str):
        where = _short(str(node))
        for predicate in set(graph.predicates(node)):
            local = name_of(predicate)
            if local is not None and local not in _SHAPE_KEYS:
                raise refuse(where, f"sh:{local}")
        checks = []
        for prop in graph.objects(node, sh.property):
            values: dict[str, Any] = {}
            for predicate, value in graph.predicate_objects(prop):
                local = name_of(predicate)
                if local is None:
                    continue
                if local not in _PROPERTY_KEYS:
                    raise refuse(where, f"sh:{local}")
                values[local] = value
            path, inverse = values.get("path"), False
            if isinstance(path, BNode):
                inner = graph.value(path, sh.inversePath)
                if not isinstance(inner, URIRef) or len(set(graph.predicates(path))) != 1:
                    raise refuse(where, "a path other than a predicate or its inverse")
                path, inverse = inner, True
            if not isinstance(path, URIRef):
                raise refuse(where, "a property without a predicate path")
            qualified = values.get("qualifiedValueShape")
            qualified_class = None
            if qualified is not None:
                qualified_class = graph.value(qualified, sh["class"])
                if qualified_class is None or len(set(graph.predicates(qualified))) != 1:
                    raise refuse(where, "a qualified value shape other than one sh:class")

            pattern = values.get("pattern")
            checks.append(PropertyCheck(
                path=str(path), inverse=inverse, min_count=_number_of(values, "minCount"),
                max_count=_number_of(values, "maxCount"),
                datatype=str(values["datatype"]) if "datatype" in values else None,
                cls=str(values["class"]) if "class" in values else None,
                node_kind=str(values["nodeKind"])[len(SH):] if "nodeKind" in values else None,
                min_length=_number_of(values, "minLength"),
                pattern=re.compile(str(pattern)) if pattern is not None else None,
                min_inclusive=_decimal_of(values, "minInclusive"),
                max_inclusive=_decimal_of(values, "maxInclusive"),
                qualified_class=str(qualified_class) if qualified_class is not None else None,
                qualified_min=_number_of(values, "qualifiedMinCount"),
                qualified_max=_number_of(values, "qualifiedMaxCount")))
        targets = frozenset(str(target) for target in graph.objects(node, sh.targetClass))
        shapes.append(Shape(str(node), targets, tuple(sorted(checks, key=lambda c: (c.path, c.inverse)))))
    return tuple(shapes)


def superclasses() -> dict[str, set[str]]:
    """Each class of the ontology with all its superclasses (itself included)."""
    import rdflib

    ontology = rdflib.Graph().parse(ontology_path(), format="turtle")
    parents: dict[str, set[str]] = {}
    for child, parent in ontology.subject_objects(rdflib.RDFS.subClassOf):
        if isinstance(parent, rdflib.URIRef):
            parents.setdefault(str(child), set()).add(str(parent))
    closed: dict[str, set[str]] = {}
    for cls in parents:
        seen, stack = {cls}, [cls]
        while stack:
            for above in parents.get(stack.pop(), set()):
                if above not in seen:
                    seen.add(above)
                    stack.append(above)
        closed[cls] = seen
    return closed


# ----- checking ------------------------------------------------------------------------------------

class _Checker:
    def __init__(self, shapes: tuple[Shape, ...], supers: dict[str, set[str]]) -> None:
        self.shapes = shapes
        self.supers = supers
        self.inverse = frozenset(check.path for shape in shapes for check in shape.properties if check.inverse)
        self.paths = frozenset(check.path for shape in shapes for check in shape.properties)

    def closed(self, classes: Iterable[str]) -> set[str]:
        """The classes with all their superclasses."""
        return set().union(*(self.supers.get(cls, {cls}) for cls in classes))

    def targets_any(self, classes: Iterable[str]) -> bool:
        """Whether any shape targets a node of one of these classes."""
        closed = self.closed(classes)
        return any(shape.targets & closed for shape in self.shapes)

    def classes(self, node: str, data: _Data, shared: _Data) -> set[str]:
        return self.closed(data.types.get(node, set()) | shared.types.get(node, set()))

    def check(self, graph: str, data: _Data, shared: _Data) -> Iterator[Violation]:
        for node, types in data.types.items():
            classes = self.closed(types)
            for shape in self.shapes:
                if shape.targets & classes:
                    for check in shape.properties:
                        yield from self.check_property(graph, node, check, data, shared)

    def values(self, node: str, check: PropertyCheck, data: _Data, shared: _Data) -> set[Term]:
        mine, theirs = (data.into, shared.into) if check.inverse else (data.out, shared.out)
        found = mine.get(node, {}).get(check.path, set())
        extra = theirs.get(node, {}).get(check.path)
        return found | extra if extra else found

    def check_property(self, graph: str, node: str, check: PropertyCheck, data: _Data,
                       shared: _Data) -> Iterator[Violation]:
        values = self.values(node, check, data, shared)

        def violation(component: str, message: str) -> Violation:
            return Violation(graph, node, check.label, component, message)

        if check.min_count is not None and len(values) < check.min_count:
            yield violation("MinCount", f"{len(values)} value(s) of {check.label}, fewer than {check.min_count}")
        if check.max_count is not None and len(values) > check.max_count:
            yield violation("MaxCount", f"{len(values)} values of {check.label}, more than {check.max_count}")
        if check.qualified_class is not None:
            conforming = sum(1 for value in values
                             if check.qualified_class in self.classes(_key(value), data, shared))
            if check.qualified_max is not None and conforming > check.qualified_max:
                yield violation("QualifiedMaxCount", f"{conforming} values of {check.label} are "
                                f"{_short(check.qualified_class)}, more than {check.qualified_max}")
            if check.qualified_min is not None and conforming < check.qualified_min:
                yield violation("QualifiedMinCount", f"{conforming} value(s) of {check.label} are "
                                f"{_short(check.qualified_class)}, fewer than {check.qualified_min}")
        for value in sorted(values, key=str):
            for component, problem in self.value_problems(check, value, data, shared):
                yield violation(component, f"value {value} of {check.label} {problem}")

    def value_problems(self, check: PropertyCheck, value: Term, data: _Data,
                       shared: _Data) -> Iterator[tuple[str, str]]:
        if check.datatype is not None:
            lexical = _LEXICAL.get(check.datatype)
            if value.kind != "L" or value.datatype != check.datatype:
                yield "Datatype", f"is not of datatype {_short(check.datatype)}"
            elif lexical is not None and not lexical.fullmatch(value.value):
                yield "Datatype", f"is no valid {_short(check.datatype)}"
        if check.cls is not None and check.cls not in self.classes(_key(value), data, shared):
            yield "Class", f"is not a {_short(check.cls)}"
        if check.node_kind is not None and not _node_kind_holds(check.node_kind, value):
            yield "NodeKind", f"is not of node kind {check.node_kind}"
        if check.min_length is not None and (value.kind == "B" or len(value.value) < check.min_length):
            yield "MinLength", f"is shorter than {check.min_length} character(s)"
        if check.pattern is not None and (value.kind == "B" or not check.pattern.search(value.value)):
            yield "Pattern", f"does not match {check.pattern.pattern!r}"
        if check.min_inclusive is not None or check.max_inclusive is not None:
            number = _number(value)
            if number is None:
                yield "MinInclusive" if check.min_inclusive is not None else "MaxInclusive", "is not a number"
            else:
                if check.min_inclusive is not None and number < check.min_inclusive:
                    yield "MinInclusive", f"is less than {check.min_inclusive}"
                if check.max_inclusive is not None and number > check.max_inclusive:
                    yield "MaxInclusive", f"is more than {check.max_inclusive}"


def _node_kind_holds(kind: str, value: Term) -> bool:
    allowed = {"IRI": "I", "BlankNode": "B", "Literal": "L", "BlankNodeOrIRI": "BI", "BlankNodeOrLiteral": "BL",
               "IRIOrLiteral": "IL"}.get(kind, "")
    return value.kind in allowed


_NUMERIC = {XSD + name for name in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                                    "nonNegativeInteger", "positiveInteger", "negativeInteger",
                                    "nonPositiveInteger", "unsignedInt", "unsignedLong")}


def _number(value: Term) -> Decimal | None:
    if value.kind != "L" or value.datatype not in _NUMERIC:
        return None
    try:
        number = Decimal(value.value.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


#: foresight's prefixes, and the shapes' own for naming a shape
_PREFIXES = {**PREFIXES, "fsh": "https://w3id.org/foresight/shapes#"}


def _short(iri: str) -> str:
    return compact(iri, _PREFIXES) or f"<{iri}>"


# ----- the store -----------------------------------------------------------------------------------

def validate_store(store: Store, *, engine: str = "graphs",
                   progress: Callable[[int, int], None] | None = None) -> ValidationReport:
    """Validate the store's data graphs against the SHACL shapes.

    Args:
        store: the store to check.
        engine: ``graphs`` (each scan graph on its own, with the vocabulary graph beside it;
            linear in the store) or ``pyshacl`` (the union of the graphs, by pySHACL, for
            shapes beyond what ``graphs`` checks).
        progress: called after each graph with (done, total).

    Raises:
        UnsupportedShapeError: with ``graphs``, when a shape uses a feature it does not check.
        ForesightError: for an unknown engine.
    """
    if engine == "pyshacl":
        return _validate_union(store)
    if engine != "graphs":
        raise ForesightError(f"unknown validation engine {engine!r}; use 'graphs' or 'pyshacl'")
    checker = _Checker(compile_shapes(), superclasses())
    names = sorted(name for name in store.graph_names() if name.startswith(GRAPH_PREFIX) and name not in _NOT_DATA)
    shared = (_read(store.graph_lines(VOCABULARY_GRAPH), VOCABULARY_GRAPH, checker, whole=True)
              if VOCABULARY_GRAPH in names else _Data())
    report = ValidationReport(True, 0, "", graphs=len(names))
    for done, name in enumerate(names, start=1):
        if name == VOCABULARY_GRAPH:
            data, beside = shared, _Data()
        else:
            data = _read(store.graph_lines(name), name, checker, whole=name.startswith(SCAN_GRAPH_PREFIX))
            beside = shared
        found = list(checker.check(name, data, beside))
        if found:
            report.violations += len(found)
            report.failing[name] = found[:_KEPT_PER_GRAPH]
            source = _source_file(data)
            if source:
                report.files[name] = source
        if progress:
            progress(done, len(names))
    report.conforms = report.violations == 0
    report.text = report_text(report)
    return report


def _source_file(data: _Data) -> str | None:
    for properties in data.out.values():
        for value in properties.get(FS + "sourceFile", ()):
            return value.value
    return None


def graph_label(graph: str) -> str:
    """A graph as a report names it: ``scan <id>`` for a scan graph, else its IRI in short."""
    if graph.startswith(SCAN_GRAPH_PREFIX):
        return "scan " + scan_id_of_graph(graph)
    return _short(graph)


def report_text(report: ValidationReport, limit: int | None = 20) -> str:
    """The violations as lines of text, grouped by graph (the first ``limit`` graphs; ``None``: all)."""
    if report.conforms:
        return f"conforms: {report.graphs} graphs checked, every shape satisfied"
    lines = [f"{report.violations} violations in {len(report.failing)} of {report.graphs} graphs"]
    for number, (graph, found) in enumerate(sorted(report.failing.items())):
        if limit is not None and number >= limit:
            lines.append(f"… and {len(report.failing) - limit} more graphs (--report shows them all)")
            break
        file = report.files.get(graph)
        lines.append(f"{graph_label(graph)}" + (f" (from {file})" if file else ""))
        for violation in found:
            lines.append(f"  {_short(violation.focus)}: {violation.message} (sh:{violation.component}"
                         "ConstraintComponent)")
    return "\n".join(lines)


def _validate_union(store: Store) -> ValidationReport:
    """pySHACL over the union of the data graphs, with the ontology beside it."""
    import pyshacl
    import rdflib

    data = store.query(
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{GRAPH_PREFIX}") && ?g != <{ONTOLOGY_GRAPH}>) }}'
    )
    assert isinstance(data, rdflib.Graph)
    shapes = rdflib.Graph().parse(shapes_path(), format="turtle")
    ontology = rdflib.Graph().parse(ontology_path(), format="turtle")
    conforms, report_graph, text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True
    )
    sh = rdflib.Namespace(SH)
    violations = sum(1 for _ in report_graph.subjects(rdflib.RDF.type, sh.ValidationResult))
    return ValidationReport(bool(conforms), violations, str(text))
