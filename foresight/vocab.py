"""Namespaces and the IRIs foresight mints.

``fs:`` (``https://w3id.org/foresight/ontology#``) is the one namespace of our own,
for the classes and properties declared in ``ontology/foresight.ttl``. Instances
live under ``https://w3id.org/foresight/id/``: the same input gives the same IRIs
on any machine, because every IRI is built from the scan id and the row's own text.
:func:`iri` and :func:`literal` write terms as N-Triples (and SPARQL) text, for the
mapping, the stores and the derived graphs alike.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from urllib.parse import quote, unquote

from foresight.text import spell_symbols

FS = "https://w3id.org/foresight/ontology#"
ID = "https://w3id.org/foresight/id/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
SH = "http://www.w3.org/ns/shacl#"

PREFIXES: dict[str, str] = {
    "fs": FS,
    "fsid": ID,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "prov": PROV,
    "dcterms": DCTERMS,
    "schema": SCHEMA,
}

#: Every graph foresight writes is named under this IRI (on a shared server, others are left alone).
GRAPH_PREFIX = ID + "graph/"
ONTOLOGY_GRAPH = GRAPH_PREFIX + "ontology"
VOCABULARY_GRAPH = GRAPH_PREFIX + "vocabulary"
SCAN_GRAPH_PREFIX = GRAPH_PREFIX + "scan/"

#: The names of the scan-level vocabularies' concept schemes, shared by the vocabulary and concepts graphs.
SCHEME_NAMES = {"Keyword": "Keywords", "Theme": "Themes", "Category": "Categories", "ScanType": "Scan types"}
# Concept schemes for the scan-level vocabularies, by the fs: class of their concepts.
SCHEMES = {
    "Keyword": ID + "scheme/keywords",
    "Theme": ID + "scheme/themes",
    "Category": ID + "scheme/categories",
    "ScanType": ID + "scheme/scan-types",
}

# What each kind of thing is called in the ontology: the fs: class names, defined here once.
#: The fs: classes of the rows a scan lists (the nodes of the projected graph), in the data model's order.
ITEM_TYPES = ("Signal", "DrivingForce", "Shift", "Outlook", "Concern", "Behavior", "Technology", "Issue")
#: The fs: classes ``foresight stats`` counts: scans and their articles, the rows, links, the vocabularies.
COUNTED_TYPES = ("Scan", "Article", *ITEM_TYPES, "Link", *SCHEMES)
#: The kinds of row merged into concepts, with the folder of their concepts' IRIs.
CONCEPT_KINDS = {"Signal": "signals", "Concern": "concerns", "Behavior": "behaviors", "Technology": "technologies",
                 "Issue": "issues", "DrivingForce": "driving-forces", "Outlook": "outlooks",
                 "Keyword": "keywords", "Theme": "themes"}


def sparql_prefixes() -> str:
    """The PREFIX lines for every namespace above, to put in front of a query."""
    return "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())


def slug(text: str, limit: int = 60) -> str:
    """A lowercase ASCII slug of a text, or a short hash when nothing ASCII is left.

    >>> slug("AI in Crime Prediction")
    'ai-in-crime-prediction'
    >>> slug("Vue d'ensemble de l'Assemblée")
    'vue-d-ensemble-de-l-assemblee'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    result = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(result) > limit:
        result = result[:limit].rsplit("-", 1)[0] or result[:limit]
    return result or "h" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def concept_key(text: str) -> str:
    """The key under which two wordings count as the same keyword, theme or category."""
    return slug(spell_symbols(" ".join(text.split())).casefold(), limit=80)


def scan_iri(scan_id: str) -> str:
    """The IRI of a scan, from its id."""
    return f"{ID}scan/{quote(scan_id, safe='-_.~')}"


def scan_graph_iri(scan_id: str) -> str:
    """The named graph holding everything read from one scan."""
    return f"{SCAN_GRAPH_PREFIX}{quote(scan_id, safe='-_.~')}"


def scan_id_of_graph(graph: str) -> str:
    """The scan id a scan graph is named after (the inverse of :func:`scan_graph_iri`).

    >>> scan_id_of_graph(scan_graph_iri("a b-1"))
    'a b-1'
    """
    return unquote(graph.removeprefix(SCAN_GRAPH_PREFIX))


def compact(iri: str, prefixes: Mapping[str, str] | None = None) -> str | None:
    """An IRI written with one of foresight's prefixes (or those given), the longest namespace first; else ``None``.

    >>> compact("https://w3id.org/foresight/ontology#Signal"), compact("https://example.org/x")
    ('fs:Signal', None)
    """
    for prefix, namespace in sorted((prefixes or PREFIXES).items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return None


def article_iri(article_id: str) -> str:
    """The IRI of a source article, from its corpus id."""
    return f"{ID}article/{quote(article_id, safe='-_.~')}"


def concept_iri(cls: str, text: str) -> str:
    """The IRI of a keyword, theme, category or scan type, shared by every scan using it."""
    folder = SCHEMES[cls].rsplit("/", 1)[1]
    return f"{ID}{folder}/{concept_key(text)}"


_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def is_safe_iri(text: str) -> bool:
    """Whether a user-given IRI can be written into RDF as it is."""
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text)) and not _IRI_FORBIDDEN.search(text)


def iri(value: str) -> str:
    """An IRI as an N-Triples (and SPARQL) term.

    >>> iri(FS + "Signal")
    '<https://w3id.org/foresight/ontology#Signal>'
    """
    return f"<{value}>"


def literal(value: str | int, datatype: str | None = None) -> str:
    """A literal as an N-Triples (and SPARQL) term, escaped; plain strings are xsd:string.

    >>> print(literal('say "no"\\n'))
    "say \\"no\\"\\n"
    >>> literal(3)
    '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    if isinstance(value, int):
        return f'"{value}"^^<{XSD}integer>'
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'
