"""The graph as one self-contained, interactive HTML page.

pyvis assembles the vis-network data (nodes, edges, options); the page itself comes
from ``templates/map.html`` with vis-network's script and stylesheet, read from the
installed pyvis package, inlined. The result opens from disk and makes no network
request at all: pyvis's own ``in_line`` mode still fetches bootstrap from a CDN, and
its physics left a 2,000-node graph still settling after seconds, so positions are
computed here in Python and physics stays off in the browser.

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
# One unit of the layout (the ideal edge length) in pixels.
_SPACING = 110.0
# Components are packed in rows about this much wider than high, like a screen.
_ASPECT = 1.6
# Layout: exact repulsion within this many edge lengths, a grid of at most this many
# cells a side beyond it for components of more than _FAR_FIELD nodes.
_NEAR = 1.5
_GRID_CELLS = 128
_FAR_FIELD = 150
# Above this many edges, vis-network hides edges while the view is dragged or zoomed.
_BUSY_EDGES = 3000

_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_CLOSE_SCRIPT = re.compile(r"</(script)", re.IGNORECASE)
_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=.*$", re.MULTILINE)


def render_html(
    graph: nx.DiGraph,
    *,
    title: str = "foresight map",
    size_by: str = "relevancy",
    max_nodes: int = DEFAULT_MAX_NODES,
    focus: str | None = None,
) -> str:
    """Render a projected graph as one self-contained interactive HTML page.

    Nodes are coloured by ``type`` (with a legend whose checkboxes hide and show a
    type), sized by ``size_by`` and placed by :func:`layout_positions`; hovering a node
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


def write_html(graph: nx.DiGraph, path: str | Path, **options: Any) -> None:
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


def node_sizes(graph: nx.DiGraph, size_by: str = "relevancy") -> dict[Hashable, float]:
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


def layout_positions(
    graph: nx.Graph, *, iterations: int = 60, seed: int = 7, spacing: float = _SPACING
) -> dict[Hashable, tuple[float, float]]:
    """Place the nodes: a force-directed layout per connected component, components packed in rows.

    Fruchterman-Reingold, with every step near-linear in the number of nodes: about
    0.3 s for 2,000 nodes where networkx's ``spring_layout`` takes seconds. In a
    component of up to ``_FAR_FIELD`` nodes every pair repels exactly; in a larger one
    pairs closer than ``_NEAR`` (found with a k-d tree) repel exactly and farther ones
    through a density grid convolved by FFT, as in particle-mesh simulations. All
    components are simulated together, each in its own square and repelling only
    itself, then packed largest first in rows by their bounding boxes. The result
    depends only on the graph's nodes, edges and ``seed``.

    Args:
        graph: any networkx graph; edge direction is ignored.
        iterations: simulation steps.
        seed: seed of the initial random placement.
        spacing: the ideal edge length, in output units (pixels for vis-network).

    Returns:
        Node to (x, y), y growing downwards as on screen.

    Example:
        >>> import networkx as nx
        >>> positions = layout_positions(nx.path_graph(3))
        >>> sorted(positions) == [0, 1, 2]
        True
    """
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    nodes = list(graph)
    count = len(nodes)
    if count == 0:
        return {}
    index = {node: number for number, node in enumerate(nodes)}
    pairs = np.array([(index[source], index[target]) for source, target in graph.edges() if source != target],
                     dtype=np.int64).reshape(-1, 2)
    pairs = np.unique(np.sort(pairs, axis=1), axis=0)
    heads, tails = pairs[:, 0], pairs[:, 1]
    adjacency = coo_matrix((np.ones(len(pairs)), (heads, tails)), shape=(count, count))
    _, component = connected_components(adjacency, directed=False)
    sizes = np.bincount(component)

    # Start each component in a square of its own, of area about one unit per node.
    rng = np.random.default_rng(seed)
    sides = np.sqrt(sizes) + 0.5
    corners = _pack(np.column_stack([sides, sides]), margin=3.0)
    position = rng.random((count, 2)) * sides[component, None] + corners[component]
    temperature = 0.1 * sides[component] + 0.1

    small = _pairs_within(component, sizes, largest=_FAR_FIELD)
    large = [np.flatnonzero(component == label) for label in np.flatnonzero(sizes > _FAR_FIELD)]
    crowd = np.concatenate(large) if large else np.zeros(0, dtype=np.int64)
    for step in range(iterations):
        displacement = np.zeros((count, 2))
        close = small
        if len(crowd):
            near = crowd[cKDTree(position[crowd]).query_pairs(_NEAR, output_type="ndarray")]
            close = np.concatenate([small, near[component[near[:, 0]] == component[near[:, 1]]]])
        if len(close):
            delta = position[close[:, 0]] - position[close[:, 1]]
            distance2 = np.maximum((delta**2).sum(axis=1), 1e-4)
            push = delta / distance2[:, None]  # k^2 / d along the unit vector, k = 1
            displacement += _scatter(close[:, 0], push, count) - _scatter(close[:, 1], push, count)
        for members in large:
            displacement[members] += _far_repulsion(position[members])
        if len(pairs):
            delta = position[heads] - position[tails]
            pull = delta * np.sqrt((delta**2).sum(axis=1))[:, None]  # d^2 / k along the unit vector
            displacement += _scatter(tails, pull, count) - _scatter(heads, pull, count)
        # A weak pull to the component's centre keeps loose parts from drifting off.
        centre = np.column_stack([np.bincount(component, weights=position[:, axis]) / sizes for axis in (0, 1)])
        displacement -= 0.02 * (position - centre[component])
        length = np.maximum(np.sqrt((displacement**2).sum(axis=1)), 1e-9)
        cooling = 1 - step / iterations
        position += displacement * (np.minimum(length, temperature * cooling) / length)[:, None]

    # Pack the finished components by their bounding boxes, largest first.
    low = np.column_stack([np.full(len(sizes), np.inf)] * 2)
    high = -low
    np.minimum.at(low, component, position)
    np.maximum.at(high, component, position)
    corners = _pack(high - low + 1.0, margin=1.5)
    placed = (position - low[component] + corners[component]) * spacing
    return {node: (float(placed[number, 0]), float(placed[number, 1])) for number, node in enumerate(nodes)}


def _pairs_within(component: Any, sizes: Any, *, largest: int) -> Any:
    """Every pair of nodes (as rows of two indices) inside each component of 2 to ``largest`` nodes."""
    import numpy as np

    order = np.argsort(component, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    blocks = [np.zeros((0, 2), dtype=np.int64)]
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= largest)]):
        members = order[starts[sizes == size][:, None] + np.arange(size)]  # one row per component
        first, second = np.triu_indices(size, 1)
        blocks.append(np.column_stack([members[:, first].ravel(), members[:, second].ravel()]))
    return np.concatenate(blocks)


def _far_repulsion(position: Any) -> Any:
    """Repulsion on each point from all points further than ``_NEAR``, through a density grid.

    The points are binned to a grid of about one unit per cell, the grid is convolved
    (by FFT) with the force of one point, ``delta / |delta|^2``, and each point reads
    the force at its cell: O(cells log cells) instead of O(points^2).
    """
    import numpy as np
    from scipy import fft

    low = position.min(axis=0)
    extent = float((position.max(axis=0) - low).max()) + 1e-9
    cells = int(min(_GRID_CELLS, max(8, math.ceil(extent) + 1)))
    step = extent / (cells - 1)
    cell = np.rint((position - low) / step).astype(np.int64)
    density = np.bincount(cell[:, 0] * cells + cell[:, 1], minlength=cells * cells).reshape(cells, cells)
    offsets = np.arange(-(cells - 1), cells) * step
    dx, dy = np.meshgrid(offsets, offsets, indexing="ij")
    distance2 = dx * dx + dy * dy
    far = distance2 > _NEAR * _NEAR
    kernel = np.zeros(distance2.shape, dtype=complex)
    kernel[far] = (dx[far] + 1j * dy[far]) / distance2[far]
    # Linear convolution through a zero-padded FFT; the "same" part starts at cells - 1.
    shape = [fft.next_fast_len(3 * cells - 2)] * 2
    grid = fft.ifft2(fft.fft2(density, shape) * fft.fft2(kernel, shape))
    field = grid[cell[:, 0] + cells - 1, cell[:, 1] + cells - 1]
    return np.column_stack([field.real, field.imag])


def _scatter(rows: Any, vectors: Any, count: int) -> Any:
    """Sum 2-d ``vectors`` into ``count`` rows (``np.add.at``, but several times faster)."""
    import numpy as np

    return np.column_stack([np.bincount(rows, weights=vectors[:, axis], minlength=count) for axis in (0, 1)])


def _pack(boxes: Any, *, margin: float) -> Any:
    """Top-left corners that put boxes (width, height) in rows, largest first, in about a screen's shape."""
    import numpy as np

    order = np.argsort(-(boxes[:, 0] * boxes[:, 1]), kind="stable")
    area = float(((boxes[:, 0] + margin) * (boxes[:, 1] + margin)).sum())
    width = max(math.sqrt(area * _ASPECT), float(boxes[:, 0].max()))
    corners = np.zeros_like(boxes, dtype=float)
    x = y = row_height = 0.0
    for number in order:
        box_width, box_height = boxes[number]
        if x > 0 and x + box_width > width:
            x, y, row_height = 0.0, y + row_height + margin, 0.0
        corners[number] = (x, y)
        x += box_width + margin
        row_height = max(row_height, float(box_height))
    return corners


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


def _types(graph: nx.DiGraph) -> list[str]:
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
