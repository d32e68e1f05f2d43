"""A plain rdflib Dataset in memory, queried by rdflib's own SPARQL engine (``--store rdflib:``).

This is what a user without foresight's stores would have: the baseline the scale
benchmark compares against (``benchmarks/scale.py``), and a third backend for the
parity tests. It is much slower than Oxigraph on anything but small graphs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

from foresight.errors import QueryError, StoreError
from foresight.store.base import QueryResult, SelectResult, Store, dump_format, is_update, prefixed_graph
from foresight.vocab import FS, GRAPH_PREFIX, PREFIXES

if TYPE_CHECKING:
    from rdflib.term import Node


class RdflibStore(Store):
    """An in-memory rdflib ``Dataset`` whose default graph is the union of its named graphs."""

    def __init__(self) -> None:
        from rdflib import Dataset

        self.location = "rdflib"
        self._dataset = Dataset(default_union=True)
        for prefix, namespace in PREFIXES.items():
            self._dataset.bind(prefix, namespace)

    def close(self) -> None:
        self._dataset.close()

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        self.check_query(sparql)
        if is_update(sparql):
            raise QueryError("this is a SPARQL update, not a query; pass --update to change the store")
        from pyparsing import ParseException

        try:
            result = self._dataset.query(sparql, initNs=PREFIXES, initBindings=dict(bindings or {}))  # type: ignore[arg-type]
        except ParseException as error:
            raise QueryError(f"invalid SPARQL: {error}") from None
        except Exception as error:  # rdflib's engine raises many kinds while evaluating
            raise QueryError(f"query failed: {type(error).__name__}: {error}") from None
        if result.type == "ASK":
            return bool(result.askAnswer)
        if result.type == "SELECT":
            variables = [str(variable) for variable in result.vars or []]
            return SelectResult(variables, [tuple(row) for row in result])  # type: ignore[arg-type]
        graph = prefixed_graph()
        for triple in result:
            graph.add(triple)  # type: ignore[arg-type]
        return graph

    def _update(self, sparql: str) -> None:
        from pyparsing import ParseException

        try:
            self._dataset.update(sparql, initNs=PREFIXES)
        except ParseException as error:
            raise QueryError(f"invalid SPARQL update: {error}") from None

    def _replace_graphs(self, graphs: Sequence[str], nquads: str, markers: str) -> None:
        from rdflib import URIRef

        for graph in graphs:
            self._dataset.remove_graph(URIRef(graph))
        for text in (nquads, markers):
            if text:
                try:
                    self._dataset.parse(data=text, format="nquads")
                except Exception as error:  # the parser's own exception types
                    raise StoreError(f"rdflib: writing failed ({type(error).__name__}: {error})") from None

    def graph_names(self) -> set[str]:
        return {str(context.identifier) for context in self._dataset.contexts()
                if str(context.identifier).startswith(GRAPH_PREFIX) and len(context)}

    def digests(self) -> dict[str, str]:
        from rdflib import URIRef

        predicate = URIRef(FS + "contentDigest")
        return {str(graph): str(digest) for _, _, digest, graph in self._dataset.quads((None, predicate, None, None))
                if graph is not None}

    def digest_of(self, graph: str) -> str | None:
        from rdflib import URIRef

        context = self._dataset.graph(URIRef(graph))
        for digest in context.objects(None, URIRef(FS + "contentDigest")):
            return str(digest)
        return None

    def has_graph(self, graph: str) -> bool:
        from rdflib import URIRef

        return len(self._dataset.graph(URIRef(graph))) > 0

    def triple_count(self) -> int:
        return sum(len(context) for context in self._dataset.contexts()
                   if str(context.identifier).startswith(GRAPH_PREFIX))

    def dump(self, output: IO[bytes], fmt: str) -> None:
        from rdflib.util import guess_format

        spec = dump_format(fmt)
        # rdflib's name for the format, from the extension of its files ("ttl" is "turtle")
        rdflib_format = guess_format("file" + spec.extension)
        if rdflib_format is None:
            raise QueryError(f"rdflib cannot write {fmt} ({spec.extension} files)")
        if spec.kind == "dataset":
            output.write(self._dataset.serialize(format=rdflib_format, encoding="utf-8"))
            return
        union = prefixed_graph()
        for s, p, o, _ in self._dataset.quads((None, None, None, None)):
            union.add((s, p, o))
        output.write(union.serialize(format=rdflib_format, encoding="utf-8"))

    def dataset(self) -> Any:
        """The underlying rdflib Dataset."""
        return self._dataset
