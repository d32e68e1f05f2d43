"""Project the RDF store onto a networkx graph: typed nodes, weighted edges.

The projection keeps what pathway algorithms walk over: scan items (signals,
driving forces, shifts, outlooks, concerns, behaviors, technologies, issues) and
scans as nodes, and the relations between them as edges. Literals become node
attributes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from foresight.store.base import Store
from foresight.vocab import FS

if TYPE_CHECKING:
    import networkx as nx

NODE_TYPES = ("Scan", "Signal", "DrivingForce", "Shift", "Outlook", "Concern", "Behavior", "Technology", "Issue")
EDGE_RELATIONS = ("drives", "hasShift", "leadsTo", "hasOutlook", "enables", "raises", "mitigates", "relatedTo",
                  "fromScan")


def project(store: Store) -> nx.MultiDiGraph:
    """Build a directed multigraph of the store's items and their relations.

    Nodes are IRIs with attributes ``type`` (the fs: class name), ``label``,
    ``relevancy`` (or ``None``) and ``scan`` (the IRI of the scan the item is from).
    Edges carry ``relation`` (the fs: property name) and ``weight`` (1.0).

    Example:
        >>> from foresight.ingest import ingest
        >>> from foresight.store import open_store
        >>> store = open_store("memory:")
        >>> _ = ingest(store, ["data/examples"])
        >>> graph = project(store)
        >>> graph.nodes["https://w3id.org/foresight/id/scan/oversight-board-review"]["type"]
        'Scan'
    """
    import networkx as nx

    graph = nx.MultiDiGraph()
    types = " ".join(f"fs:{name}" for name in NODE_TYPES)
    nodes = store.select(f"""
        SELECT ?node ?type ?label ?relevancy ?scan WHERE {{
          VALUES ?type {{ {types} }}
          ?node a ?type .
          OPTIONAL {{ ?node rdfs:label ?label }}
          OPTIONAL {{ ?node dcterms:title ?label }}
          OPTIONAL {{ ?node fs:relevancy ?relevancy }}
          OPTIONAL {{ ?node fs:fromScan ?scan }}
        }}""")
    for node, kind, label, relevancy, scan in nodes.values():
        graph.add_node(node, type=kind.removeprefix(FS), label=label or node,
                       relevancy=int(relevancy) if relevancy is not None else None,
                       scan=scan if scan is not None else node)
    relations = " ".join(f"fs:{name}" for name in EDGE_RELATIONS)
    edges = store.select(f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {relations} }} ?s ?p ?o }}")
    for source, predicate, target in edges.values():
        if source in graph and target in graph:
            graph.add_edge(source, target, key=predicate.removeprefix(FS),
                           relation=predicate.removeprefix(FS), weight=1.0)
    return graph
