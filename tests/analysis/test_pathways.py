"""Driving force -> signal -> shift -> outlook chains."""

from __future__ import annotations

from foresight.analysis.pathways import DRIVER_CUTOFF, change_pathways, word_match
from foresight.derived.projection import project
from foresight.store.base import Store
from foresight.text import tokens


def test_every_signal_row_is_one_chain(corpus_store: tuple[Store, object]) -> None:
    store, _ = corpus_store
    graph = project(store)
    chains = change_pathways(graph, limit=100_000)
    signals = [n for n, kind in graph.nodes(data="type") if kind == "Signal"]
    assert len(chains) == len(signals)
    complete = [c for c in chains if c.driving_force and c.shift and c.outlook]
    assert len(complete) > 0.9 * len(chains)
    for chain in complete[:50]:
        assert graph.edges[chain.driving_force, chain.signal]["relation"] == "drives"
        assert graph.edges[chain.signal, chain.shift]["relation"] == "hasShift"
        assert graph.edges[chain.shift, chain.outlook]["relation"] == "leadsTo"
        assert all(graph.nodes[n]["type"] in ("Issue", "Concern") for n in chain.raises)
    relevancies = [c.relevancy or 0 for c in chains]
    assert relevancies == sorted(relevancies, reverse=True)


def test_driver_keeps_forces_holding_every_word(corpus_store: tuple[Store, object]) -> None:
    store, _ = corpus_store
    graph = project(store)
    chains = change_pathways(graph, driver="surveillance", limit=1000)
    assert chains
    for chain in chains:
        assert chain.driving_force is not None
        assert "surveillance" in tokens(graph.nodes[chain.driving_force]["label"]) or chain.match < 100
    # the seed scan's force 'Government's desire to enhance security measures in response to crime.'
    crime = change_pathways(graph, driver="security measures crime", limit=1000)
    assert any(graph.nodes[c.signal]["label"] == "Surveillance Expansion" for c in crime)


def test_near_spellings_count_and_other_words_do_not() -> None:
    assert word_match(set(tokens("survelliance")), "Fear of mass surveillance in democracies.") >= DRIVER_CUTOFF
    assert word_match(set(tokens("protest")), "Data protection case law.") < DRIVER_CUTOFF


def test_theme_and_keyword_filter_by_scan_vocabulary(examples_store: Store) -> None:
    graph = project(examples_store)
    scans = graph.graph["scans"]
    themed = change_pathways(graph, theme="human rights", limit=1000)
    assert themed and all("human rights" in scans[c.scan]["themes"] for c in themed)
    keyed = change_pathways(graph, keyword="drones", limit=1000)
    assert keyed and all(any("drones" in k for k in scans[c.scan]["keywords"]) for c in keyed)
    assert len(keyed) < len(change_pathways(graph, limit=1000))
