"""The graph as one self-contained, interactive HTML page.

pyvis assembles the vis-network data (nodes, edges, options); the page itself comes
from ``templates/map.html`` with vis-network's script and stylesheet, read from the
installed pyvis package, inlined. The result opens from disk and makes no network
request at all: pyvis's own ``in_line`` mode still fetches bootstrap from a CDN, and
its physics left a 2,000-node graph still settling after seconds, so positions are
computed in Python (:func:`foresight.analysis.layout.layout_positions`) and physics
stays off in the browser.

Everything that comes from a scan is untrusted text. It reaches the page only as a
JSON block whose ``<``, ``>``, ``&`` and line separators are escaped, and the page
writes it with ``textContent``, never as markup. A Content-Security-Policy with the
hashes of the page's two scripts backs this up: no other script, inline handler or
remote resource can run or load.

Example:
    >>> import networkx as nx
    >>> graph = nx.DiGraph(scans={})
    >>> graph.add_node("https://w3id.org/foresight/id/a", type="Signal", label="Aerial Watch", relevancy=4)
    >>> page = render_html(graph, title="drones")
    >>> page.startswith("<!DOCTYPE html>") and "Aerial Watch" in page
    True
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from collections import Counter
from collections.abc import Hashable, Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from foresight.analysis.layout import layout_positions
from foresight.errors import ForesightError, UnknownNodeError
from foresight.files import atomic_write

if TYPE_CHECKING:
    import networkx as nx

DEFAULT_MAX_NODES = 5000
SIZE_BY = ("relevancy", "degree", "scans")

# Tableau 10, one colour per scan item type, in the order of the data model.
TYPE_COLOURS = {
    "Signal": "#e15759",
    "DrivingForce": "#f28e2b",
    "Shift": "#edc948",
    "Outlook": "#59a14f",
    "Concern": "#b07aa1",
    "Behavior": "#76b7b2",
    "Technology": "#4e79a7",
    "Issue": "#ff9da7",
    "Scan": "#9c755f",
    "Concept": "#bab0ac",
}
# Types the projection may add later get these, in order of their names, then grey.
FALLBACK_COLOURS = ("#17becf", "#bcbd22", "#8c564b", "#e377c2", "#7f7f7f")
UNKNOWN_COLOUR = "#c7c7c7"

# How an edge is drawn, by the method that drew it; any other method is an inference.
EDGE_STYLES: dict[str, dict[str, Any]] = {
    "structure": {"color": "#9aa5b1", "width": 1, "dashes": False},
    "curated": {"color": "#3e4c59", "width": 2, "dashes": False},
}
INFERRED_EDGE = {"color": "#c99a2e", "dashes": True}

# Node size in pixels (vis-network's ``size`` of a dot is its radius).
_SMALLEST, _LARGEST = 8.0, 30.0
# Above this many edges, vis-network hides edges while the view is dragged or zoomed.
_BUSY_EDGES = 3000

_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_CLOSE_SCRIPT = re.compile(r"</(script)", re.IGNORECASE)
_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=.*$", re.MULTILINE)


def render_html(
    graph: nx.DiGraph[str],
    *,
    title: str = "foresight map",
    size_by: str = "relevancy",
    max_nodes: int = DEFAULT_MAX_NODES,
    focus: str | None = None,
) -> str:
    """Render a projected graph as one self-contained interactive HTML page.

    Nodes are coloured by ``type`` (with a legend whose checkboxes hide and show a
    type), sized by ``size_by`` and placed by
    :func:`~foresight.analysis.layout.layout_positions`; hovering a node
    shows its type, label, description, relevancy and scan, clicking it pins the same
    card with a link to the source article; a search box selects and zooms to a node
    by label. Edges are labelled with their ``relation`` and show their method, score
    and evidence on hover.

    Args:
        graph: a directed graph (or multigraph) as :func:`foresight.derived.projection.project`
            builds it: nodes with ``type``, ``label``, ``description``, ``relevancy``, ``scan``
            (and optionally ``scans``), edges with ``relation``, ``score``, ``method`` and
            ``evidence``, and ``graph.graph["scans"]`` describing each scan.
        title: the page title and heading.
        size_by: ``"relevancy"`` (1-5), ``"degree"`` or ``"scans"`` (the number of scans
            naming the node).
        max_nodes: the largest graph rendered; a browser stays responsive up to a few
            thousand nodes.
        focus: a node to select and zoom to when the page opens.

    Returns:
        The HTML page as a string.

    Raises:
        ForesightError: the graph has more than ``max_nodes`` nodes, or ``size_by`` is unknown.
        UnknownNodeError: ``focus`` is not a node of the graph.

    Example:
        >>> import networkx as nx
        >>> graph = nx.DiGraph()
        >>> graph.add_edge("a", "b", relation="drives", method="structure", score=1.0)
        >>> "vis.Network" in render_html(graph, size_by="degree")
        True
    """
    from pyvis.edge import Edge
    from pyvis.network import Network

    count = graph.number_of_nodes()
    if count > max_nodes:
        raise ForesightError(
            f"the graph has {count:,} nodes, more than the {max_nodes:,} an HTML map shows; render part of it "
            f"with --focus NODE --depth N, or raise the limit with --max-nodes"
        )
    if size_by not in SIZE_BY:
        raise ForesightError(f"cannot size nodes by {size_by!r}; use one of {', '.join(SIZE_BY)}")
    if focus is not None and focus not in graph:
        raise UnknownNodeError(f"{focus} is not a node of the graph being rendered")

    types = _types(graph)
    colours = node_colours(types)
    groups = {kind: f"t{number}" for number, kind in enumerate(types)}
    sizes = node_sizes(graph, size_by)
    positions = layout_positions(graph)
    scans: Mapping[str, Mapping[str, Any]] = graph.graph.get("scans") or {}

    network = Network(directed=True)
    details: dict[str, dict[str, Any]] = {}
    used_scans: dict[str, dict[str, Any]] = {}
    for node, data in graph.nodes(data=True):
        node_id = str(node)
        kind = _type_of(data)
        x, y = positions[node]
        network.add_node(node_id, label=_label(node, data), group=groups[kind], size=sizes[node],
                         x=round(x, 1), y=round(y, 1), physics=False)
        scan = data.get("scan")
        scan_id = str(scan) if scan is not None else None
        if scan_id is not None and scan_id not in used_scans and scan_id in scans:
            used_scans[scan_id] = _scan_record(scans[scan_id])
        details[node_id] = {
            "type": kind,
            "description": _text(data.get("description")),
            "relevancy": _relevancy(data.get("relevancy")),
            "scans": _count(data.get("scans")),
            "scan": scan_id,
        }
    edge_details: dict[str, dict[str, Any]] = {}
    methods: Counter[str] = Counter()
    for number, (source, target, data) in enumerate(graph.edges(data=True)):
        edge_id = f"e{number}"
        relation = _text(data.get("relation")) or ""
        method = _text(data.get("method")) or "structure"
        score = _score(data.get("score"))
        methods[method] += 1
        style = EDGE_STYLES.get(method) or {**INFERRED_EDGE, "width": 1 + 2 * (score if score is not None else 0.5)}
        # pyvis's add_edge scans its whole node list per edge; the nodes are known to exist.
        network.edges.append(Edge(str(source), str(target), directed=True, id=edge_id, label=relation, **style).options)
        edge_details[edge_id] = {"relation": relation, "method": method, "score": score,
                                 "evidence": _text(data.get("evidence"))}

    busy = graph.number_of_edges() > _BUSY_EDGES
    network.options = _vis_options(groups, colours, busy=busy)
    vis_nodes, vis_edges, _, _, _, vis_options = network.get_network_data()
    counts = Counter(detail["type"] for detail in details.values())
    payload = {
        "sizeBy": size_by,
        "focus": str(focus) if focus is not None else None,
        "types": [{"name": kind, "display": _display(kind), "colour": colours[kind], "count": counts[kind]}
                  for kind in types],
        "methods": [{"name": method, "count": methods[method],
                     "colour": (EDGE_STYLES.get(method) or INFERRED_EDGE)["color"],
                     "dashes": bool((EDGE_STYLES.get(method) or INFERRED_EDGE)["dashes"])}
                    for method in sorted(methods, key=lambda name: (name not in EDGE_STYLES, name))],
        "nodes": vis_nodes,
        "edges": vis_edges,
        "options": json.loads(vis_options),
        "details": details,
        "edgeDetails": edge_details,
        "scans": used_scans,
    }
    return _fill_template(title, payload)


def write_html(graph: nx.DiGraph[str], path: str | Path, **options: Any) -> None:
    """Render ``graph`` with :func:`render_html` and write the page to ``path``.

    The page goes to a temporary file renamed at the end, so an interrupted write
    never leaves half a page behind.

    Args:
        graph: the graph to render.
        path: the HTML file to write.
        **options: passed on to :func:`render_html` (``title``, ``size_by``, ``max_nodes``, ``focus``).

    Raises:
        ForesightError: as :func:`render_html`.
        StoreError: the folder of ``path`` does not exist.
    """
    page = render_html(graph, **options).encode("utf-8")
    atomic_write(path, lambda stream: stream.write(page))


def node_colours(types: list[str]) -> dict[str, str]:
    """A colour for each node type: the data model's own, then fallbacks for new types.

    Args:
        types: the type names to colour.

    Returns:
        Type name to CSS hex colour.

    Example:
        >>> node_colours(["Signal", "Zebra"])
        {'Signal': '#e15759', 'Zebra': '#17becf'}
    """
    unknown = sorted(kind for kind in set(types) if kind not in TYPE_COLOURS)
    extra = dict(zip(unknown, FALLBACK_COLOURS, strict=False))
    return {kind: TYPE_COLOURS.get(kind) or extra.get(kind) or UNKNOWN_COLOUR for kind in types}


def node_sizes(graph: nx.DiGraph[str], size_by: str = "relevancy") -> dict[Hashable, float]:
    """The radius in pixels of each node's dot.

    Args:
        graph: the graph.
        size_by: ``"relevancy"`` (1-5, unknown relevancy gives the smallest dot),
            ``"degree"`` (edges in and out) or ``"scans"`` (the ``scans`` attribute,
            1 when absent); degree and scans grow with the square root, so the dot's
            area follows the count.

    Returns:
        Node to size.

    Example:
        >>> import networkx as nx
        >>> graph = nx.DiGraph()
        >>> graph.add_node("a", relevancy=5)
        >>> graph.add_node("b", relevancy=None)
        >>> node_sizes(graph)
        {'a': 30.0, 'b': 8.0}
    """
    if size_by == "relevancy":
        step = (_LARGEST - _SMALLEST) / 5
        return {node: _SMALLEST + step * (_relevancy(data.get("relevancy")) or 0)
                for node, data in graph.nodes(data=True)}
    if size_by == "degree":
        counts = {node: float(degree) for node, degree in graph.degree()}
    elif size_by == "scans":
        counts = {node: float(_count(data.get("scans")) or 1) for node, data in graph.nodes(data=True)}
    else:
        raise ForesightError(f"cannot size nodes by {size_by!r}; use one of {', '.join(SIZE_BY)}")
    largest = max(counts.values(), default=0.0)
    if largest <= 0:
        return dict.fromkeys(counts, _SMALLEST)
    return {node: round(_SMALLEST + (_LARGEST - _SMALLEST) * math.sqrt(count / largest), 2)
            for node, count in counts.items()}


def _vis_options(groups: Mapping[str, str], colours: Mapping[str, str], *, busy: bool) -> dict[str, Any]:
    """vis-network options: fixed positions, no physics, straight edges, a colour group per type."""
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "interaction": {"hover": True, "tooltipDelay": 200, "hideEdgesOnDrag": busy, "hideEdgesOnZoom": busy,
                        "navigationButtons": False, "keyboard": False, "multiselect": False},
        # Shifts, outlooks and driving forces are named by whole sentences: wrap them.
        "nodes": {"shape": "dot", "borderWidth": 1, "borderWidthSelected": 3, "widthConstraint": {"maximum": 220},
                  "font": {"size": 14, "face": "sans-serif", "color": "#1f2933", "strokeWidth": 3,
                           "strokeColor": "#ffffff"}},
        "edges": {"smooth": False, "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "arrowStrikethrough": False, "color": {"inherit": False, "opacity": 0.8}, "selectionWidth": 2,
                  "font": {"size": 10, "face": "sans-serif", "color": "#52606d", "strokeWidth": 2,
                           "strokeColor": "#ffffff", "align": "middle"}},
        "groups": {
            group: {"color": {"background": colours[kind], "border": _darker(colours[kind]),
                              "highlight": {"background": colours[kind], "border": "#111111"},
                              "hover": {"background": colours[kind], "border": "#111111"}}}
            for kind, group in groups.items()
        },
    }


def _fill_template(title: str, payload: Mapping[str, Any]) -> str:
    """The template with vis-network, the data and a policy allowing only the page's own scripts."""
    template = resources.files("foresight.export").joinpath("templates/map.html").read_text(encoding="utf-8")
    vis_js, vis_css = _vis_assets()
    values = {"title": html.escape(title), "vis_css": vis_css, "vis_js": vis_js, "data": script_json(payload)}
    page = _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"
        for body in _SCRIPT.findall(page)
    )
    return page.replace("script-src 'none'", f"script-src {hashes}", 1)


def _vis_assets() -> tuple[str, str]:
    """vis-network's script and stylesheet as pyvis ships them, safe to inline."""
    import pyvis

    for folder in ("templates/lib/vis-9.1.2", "lib/vis-9.1.2"):
        library = Path(pyvis.__file__).parent / folder
        if (library / "vis-network.min.js").is_file():
            break
    else:
        raise ForesightError(f"vis-network is missing from the pyvis package at {Path(pyvis.__file__).parent}; "
                             f"reinstall pyvis")
    script = (library / "vis-network.min.js").read_text(encoding="utf-8")
    style = (library / "vis-network.css").read_text(encoding="utf-8")
    # No source map to fetch, and nothing that ends the inline element early.
    script = _CLOSE_SCRIPT.sub(r"<\\/\1", _SOURCE_MAP.sub("", script))
    style = re.sub(r"</(style)", r"<\\/\1", style, flags=re.IGNORECASE)
    return script, style


def script_json(value: Any) -> str:
    """JSON that can sit inside an HTML ``<script>`` element without ending it.

    Example:
        >>> script_json({"label": "</script><b>&"})
        '{"label": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    return _JSON_UNSAFE.sub(lambda match: _JSON_ESCAPES[match.group(0)], text)


def _types(graph: nx.DiGraph[str]) -> list[str]:
    """The node types present, the data model's first in its order, then the others by name."""
    present = {_type_of(data) for _, data in graph.nodes(data=True)}
    known = [kind for kind in TYPE_COLOURS if kind in present]
    return known + sorted(present - set(known))


def _type_of(data: Mapping[str, Any]) -> str:
    return _text(data.get("type")) or "Thing"


def _display(kind: str) -> str:
    """``DrivingForce`` as ``Driving force``."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", kind).split(" ")
    return " ".join([words[0], *(word.lower() for word in words[1:])])


def _label(node: Hashable, data: Mapping[str, Any]) -> str:
    return _text(data.get("label")) or str(node)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


def _relevancy(value: Any) -> int | None:
    try:
        relevancy = int(value)
    except (TypeError, ValueError):
        return None
    return relevancy if 1 <= relevancy <= 5 else None


def _count(value: Any) -> int | None:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return None


def _score(value: Any) -> float | None:
    try:
        score = float(value)
    except (TypeError, ValueError):
        return None
    return round(score, 3) if math.isfinite(score) else None


def _web_url(value: Any) -> str | None:
    """The URL if it is an http(s) address: nothing else (``javascript:``, ``data:``) becomes a link."""
    text = _text(value)
    if text is None:
        return None
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return None
    return text.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _scan_record(scan: Mapping[str, Any]) -> dict[str, Any]:
    return {"title": _text(scan.get("title")), "date": _text(scan.get("date")), "url": _web_url(scan.get("url")),
            "pageUrl": _web_url(scan.get("page_url"))}


def _darker(colour: str) -> str:
    """The hex colour at two thirds of its brightness, for the border of a dot."""
    red, green, blue = (int(colour[position:position + 2], 16) * 2 // 3 for position in (1, 3, 5))
    return f"#{red:02x}{green:02x}{blue:02x}"
