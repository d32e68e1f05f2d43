"""Exports of the concept level (GraphML, GEXF, Kumu JSON) and Kumu JSON of the row level, on the real scans."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from foresight.analytics.steep import CATEGORIES, TAGGED_KINDS
from foresight.derived.embeddings import semantic_enabled
from foresight.export import kumu_blueprint
from tests.conftest import cli


def test_kumu_blueprint_of_the_concept_level(real_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "kumu.json"
    result = cli(real_dir, "export", "-f", "kumu", "--level", "concepts", "--min-articles", "2", "-o", str(out))
    assert result.exit_code == 0, result.output
    blueprint = json.loads(out.read_text(encoding="utf-8"))
    elements, connections = blueprint["elements"], blueprint["connections"]
    labels = [element["label"] for element in elements]
    assert len(labels) == len({label.casefold() for label in labels})  # Kumu joins elements by label
    assert all(element["articles"] >= 2 for element in elements)
    concepts = json.loads(cli(real_dir, "concepts", "--min-articles", "2", "-n", "100000", "-f", "json").stdout)
    topics = json.loads(cli(real_dir, "topics", "--min-articles", "2", "-n", "100000", "-f", "json").stdout)
    assert len(elements) == len(concepts) + len(topics)
    assert {e["type"] for e in elements} >= {"Topic", "DrivingForce", "Technology"}
    tagged = [e for e in elements if e["type"] in TAGGED_KINDS]
    assert all("STEEP" not in e for e in elements if e["type"] not in TAGGED_KINDS)
    assert all(set(e.get("STEEP", [])) <= set(CATEGORIES) and len(e.get("STEEP", [])) <= 2 for e in tagged)
    # the lexicon leaves some names untagged; the semantic extra's exemplars place every one
    untagged = sum(1 for e in tagged if not e.get("STEEP"))
    assert untagged < len(tagged) and (untagged == 0 or not semantic_enabled())
    assert any("topics" in e for e in tagged)
    dated = [e for e in elements if "first seen" in e]  # a concept of undated scans only has no first seen
    assert len(dated) > 0.9 * len(elements) and all(e["first seen"] <= e["last seen"] for e in dated)
    assert connections and {c["from"] for c in connections} | {c["to"] for c in connections} <= set(labels)
    co = [c for c in connections if c["type"] == "coOccursWith"]
    assert co and all(c["direction"] == "undirected" and c["strength"] >= 1 and c["scans"] for c in co)
    print(f"Kumu blueprint of the real scans' concepts (2+ articles): {len(elements)} elements, "
          f"{len(connections)} connections")


def test_graphml_and_gexf_of_the_concept_level_hold_the_same_graph(real_dir: Path, tmp_path: Path) -> None:
    graphs = []
    for fmt in ("graphml", "gexf"):
        out = tmp_path / f"concepts.{fmt}"
        result = cli(real_dir, "export", "-f", fmt, "--level", "concepts", "--min-articles", "3", "-o", str(out))
        assert result.exit_code == 0, result.output
        graphs.append(nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out))
    graphml, gexf = graphs
    assert graphml.number_of_nodes() == gexf.number_of_nodes() > 0
    assert graphml.number_of_edges() == gexf.number_of_edges() > 0
    data = next(d for _, d in graphml.nodes(data=True) if d["type"] == "Technology")
    assert data["articles"] >= 3 and data["first"] <= data["last"]
    assert any(d.get("steep") for _, d in graphml.nodes(data=True))
    relations = {d["relation"] for _, _, d in graphml.edges(data=True)}
    assert "coOccursWith" in relations and "broader" in relations


def test_levels_are_for_graph_formats(real_dir: Path) -> None:
    result = cli(real_dir, "export", "-f", "turtle", "--level", "concepts")
    assert result.exit_code == 1 and "turtle is an RDF format" in result.output
    result = cli(real_dir, "export", "-f", "kumu", "--level", "articles")
    assert result.exit_code == 1 and "--level is rows or concepts" in result.output


def test_kumu_labels_stay_unique_and_untrusted_text_stays_data() -> None:
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_node("a", type="Signal", label="AI")
    graph.add_node("b", type="Topic", label="ai")
    graph.add_node("c", type="Topic", label="AI (Topic)")
    graph.add_node("d", type="Issue", label='"}, {"label": "x')
    graph.add_edge("a", "b", relation="broader", support=2)
    graph.add_edge("d", "a", relation="relatedTo")
    blueprint = json.loads(json.dumps(kumu_blueprint(graph)))
    labels = [e["label"] for e in blueprint["elements"]]
    assert labels[:2] == ["AI", "ai (Topic)"] and len({label.casefold() for label in labels}) == 4
    assert blueprint["elements"][3]["label"] == '"}, {"label": "x'
    assert blueprint["connections"] == [
        {"from": "AI", "to": "ai (Topic)", "type": "broader", "direction": "directed", "strength": 2},
        {"from": '"}, {"label": "x', "to": "AI", "type": "relatedTo", "direction": "undirected"}]


def test_kumu_of_the_row_level(store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "rows.json"
    assert cli(store_dir, "export", "-f", "kumu", "-o", str(out)).exit_code == 0
    blueprint = json.loads(out.read_text(encoding="utf-8"))
    signal = next(e for e in blueprint["elements"] if e["label"] == "Statutory Oversight Boards")
    assert signal["type"] == "Signal" and signal["relevancy"] == 5 and signal["scan title"]
