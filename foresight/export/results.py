"""Write SELECT results as CSV, TSV or JSON, per the SPARQL 1.1 results formats."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from foresight.store.base import SelectResult

if TYPE_CHECKING:
    from rdflib.term import Node

RESULT_FORMATS = ("table", "csv", "tsv", "json")


def to_csv(result: SelectResult) -> str:
    """SPARQL 1.1 CSV: plain values, no types."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if term is None else str(term) for term in row])
    return buffer.getvalue()


def _tsv_term(term: Node | None) -> str:
    if term is None:
        return ""
    from rdflib import BNode

    from foresight.store.base import encode_term

    if isinstance(term, BNode):
        return f"_:{term}"
    return encode_term(term).replace("\t", "\\t")


def to_tsv(result: SelectResult) -> str:
    """SPARQL 1.1 TSV: terms in their SPARQL syntax."""
    lines = ["\t".join("?" + name for name in result.variables)]
    lines.extend("\t".join(_tsv_term(term) for term in row) for row in result.rows)
    return "\n".join(lines) + "\n"


def _json_term(term: Node) -> dict[str, Any]:
    from rdflib import BNode, Literal

    if isinstance(term, Literal):
        out: dict[str, Any] = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype:
            out["datatype"] = str(term.datatype)
        return out
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    return {"type": "uri", "value": str(term)}


def to_json(result: SelectResult | bool) -> str:
    """SPARQL 1.1 JSON results (SELECT or ASK)."""
    if isinstance(result, bool):
        return json.dumps({"head": {}, "boolean": result})
    bindings = [
        {name: _json_term(term) for name, term in zip(result.variables, row, strict=True) if term is not None}
        for row in result.rows
    ]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False, indent=1)


def shorten(term: Node | None) -> str:
    """A term for display: IRIs with foresight's prefixes, literals as their text."""
    if term is None:
        return ""
    from rdflib import URIRef

    from foresight.vocab import compact

    text = str(term)
    return (compact(text) or text) if isinstance(term, URIRef) else text
