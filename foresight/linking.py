"""Find the links between the rows of one scan from their texts alone.

A scan lists signals, concerns, behaviors, technologies and issues in separate
tables, but its rows talk about each other: the description of the issue *Chilling
Effect on Free Expression* says "public self-censorship measured in monitored
districts", which is the name of one of the scan's behaviors. Those references are
what turn a scan's tables into pathways (technology -> behavior -> issue).

Two matchers, each leaving evidence a user can read:

* ``name-mention``: the name of one row appears, word for word (after light
  normalisation), in the text of another; a row named exactly like another is the
  strongest case.
* ``shared-terms``: the two rows share distinctive words, weighted by how rare each
  word is among the scan's own rows (a word every row uses says nothing), with the
  scan's keywords counting as phrases.

The relation and its direction follow from the two rows' kinds (a technology
*enables* a behavior, a behavior *raises* an issue, ...; see :data:`RELATION_RULES`), but
only where one row's text names the other: rows that merely share words are ``relatedTo``,
and a safeguard (a ban, a court, encryption: :func:`mitigates`) *mitigates* what it is
linked with.
Each row keeps at most :data:`MAX_LINKS_PER_ROW` inferred links, the strongest, so
a long scan does not become a clique.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from foresight.model import Scan
from foresight.text import content_terms, holds_run, stem, tokens

MAX_LINKS_PER_ROW = 3
#: Lowest score a shared-terms link needs.
MIN_SHARED_SCORE = 0.3

# (kind a, kind b) -> (kind the link starts from, relation). Pairs not listed are relatedTo.
RELATION_RULES: dict[frozenset[str], tuple[str, str]] = {
    frozenset({"Technology", "Behavior"}): ("Technology", "enables"),
    frozenset({"Technology", "Signal"}): ("Technology", "enables"),
    frozenset({"Technology", "Issue"}): ("Technology", "raises"),
    frozenset({"Technology", "Concern"}): ("Technology", "raises"),
    frozenset({"Behavior", "Issue"}): ("Behavior", "raises"),
    frozenset({"Behavior", "Concern"}): ("Behavior", "raises"),
    frozenset({"Signal", "Issue"}): ("Signal", "raises"),
    frozenset({"Signal", "Concern"}): ("Signal", "raises"),
}

@dataclass(frozen=True)
class Row:
    """One row of a scan, as the linker sees it.

    ``index`` is the row's position among the scan's signals followed by its items,
    the order :func:`scan_rows` gives.
    """

    index: int
    kind: str
    label: str
    text: str


@dataclass(frozen=True)
class RowLink:
    """A link found between two rows of a scan, with its evidence."""

    source: int
    target: int
    relation: str
    score: float
    method: str
    evidence: str


_KIND_CLASS = {"concern": "Concern", "behavior": "Behavior", "technology": "Technology", "issue": "Issue"}


def scan_rows(scan: Scan) -> list[Row]:
    """The scan's signals then its items, as linker rows."""
    rows = [Row(index, "Signal", signal.name, " ".join(filter(None, (signal.name, signal.description))))
            for index, signal in enumerate(scan.signals)]
    offset = len(rows)
    rows.extend(Row(offset + index, _KIND_CLASS[item.kind.value], item.label,
                    " ".join(filter(None, (item.name, item.description))))
                for index, item in enumerate(scan.items))
    return rows


def _related(a: Row, b: Row) -> tuple[Row, Row, str]:
    # undirected: keep file order so the same scan always gives the same triple
    return (a, b, "relatedTo") if a.index < b.index else (b, a, "relatedTo")


def _orient(a: Row, b: Row, method: str = "name-mention") -> tuple[Row, Row, str]:
    """The link between two rows: its direction and relation.

    Only a row whose text names the other says how they stand (``name-mention``); rows that
    merely share words, and a row named after the other ("RISC-V Adoption" after "RISC-V"), are
    ``relatedTo``. A safeguard (a name with a cue of :data:`MITIGATION_CUES`:
    a ban, a court, encryption ...) *mitigates* the issue or concern it is linked with, and the
    technology it answers ("Emergence of New Laws" mitigates "Deepfakes"), rather than raising or
    being enabled by it.
    """
    rule = RELATION_RULES.get(frozenset({a.kind, b.kind}))
    if rule is None or a.kind == b.kind or method != "name-mention" or _named_after(a, b):
        return _related(a, b)
    start, relation = rule
    source, target = (a, b) if a.kind == start else (b, a)
    if relation == "raises" and mitigates(source.label):
        return source, target, "mitigates"
    if relation == "enables" and mitigates(target.label):
        return target, source, "mitigates"  # the behavior or signal answers the technology
    return source, target, relation


def _named_after(a: Row, b: Row) -> bool:
    """Whether one row is named after the other ("Quantum Error Correction Limitations", "RISC-V Adoption"): it
    is an aspect of the other, which neither causes nor enables it (a hand check found 13 of 20 such links
    "raising" a concern wrong)."""
    left, right = tokens(a.label), tokens(b.label)
    return bool(left) and bool(right) and (holds_run(right, left) or holds_run(left, right))


#: words in a name that make it a safeguard: what it is linked with, it mitigates
_MITIGATION_CUES_TEXT = """
ban bans banning banned prohibition moratorium regulation regulations regulating regulate regulatory law laws
legislation act acts court courts ruling lawsuit lawsuits litigation oversight audit audits auditing safeguard
safeguards protection protections protecting encryption encrypted detection detecting detector verification
verifying authentication watermark watermarking fact checking moderation guardrail guardrails compliance
accountability governance standard standards guideline guidelines certification consent mitigation mitigating
countermeasure countermeasures defense defence prevention preventing anti cybersecurity
"""
MITIGATION_CUES = frozenset(stem(word) for word in _MITIGATION_CUES_TEXT.split())
#: ... unless the name says the safeguard is missing, weak, or itself the problem ("Lack of Regulation")
_NOT_MITIGATION_TEXT = """
lack lacking absence absent weak weakening loophole loopholes gap gaps evasion evading bypass bypassing
circumvention threat threats risk risks attack attacks breach breaches challenge challenges failure failures erosion
rollback repeal deregulation inadequate insufficient uncertainty burden overreach concern concerns
"""
_NOT_MITIGATION = frozenset(stem(word) for word in _NOT_MITIGATION_TEXT.split())


def mitigates(name: str) -> bool:
    """Whether a row's name makes it a safeguard (see :data:`MITIGATION_CUES`).

    >>> mitigates("Data Protection Review Court"), mitigates("Deepfake Detection Tools"), mitigates("Deepfakes")
    (True, True, False)
    >>> mitigates("Lack of Regulation"), mitigates("Regulatory Challenges")
    (False, False)
    """
    words = set(tokens(name))
    return bool(words & MITIGATION_CUES) and not words & _NOT_MITIGATION


def infer_links(scan: Scan) -> list[RowLink]:
    """The links between a scan's rows that their texts show.

    Args:
        scan: the scan; its keywords count as phrases for the shared-terms matcher.

    Returns:
        Links ordered by source row, then target row; at most one per pair of rows,
        the strongest, and at most :data:`MAX_LINKS_PER_ROW` inferred links per row.

    Example:
        >>> from foresight.model import Item, ItemKind, Scan
        >>> scan = Scan(id="s", title="t", items=(
        ...     Item(ItemKind.TECHNOLOGY, "Live Facial Recognition", "Cameras that match faces."),
        ...     Item(ItemKind.BEHAVIOR, "Self-Censorship", "People under live facial recognition stay home.")))
        >>> [(link.relation, link.method, link.score) for link in infer_links(scan)]
        [('enables', 'name-mention', 0.9)]
    """
    rows = scan_rows(scan)
    if len(rows) < 2:
        return []
    words = [tokens(row.text) for row in rows]
    vocab = [set(w) for w in words]
    names = [_Name(tokens(row.label)) for row in rows]
    terms = [content_terms(w) for w in words]
    frequency: Counter[str] = Counter(term for row_terms in terms for term in row_terms)
    count = len(rows)
    weight = {term: math.log((count + 1) / n) for term, n in frequency.items()}
    # fsum: exact, so the order a set gives its terms in (which varies between runs) cannot change a score
    mass = [math.fsum(weight[t] for t in row_terms) for row_terms in terms]
    keywords = [phrase for phrase in (tokens(k) for k in scan.keywords) if len(phrase) > 1]
    phrases = [{" ".join(k) for k in keywords if holds_run(w, k)} for w in words]
    best: dict[tuple[int, int], RowLink] = {}

    def offer(a: Row, b: Row, score: float, method: str, evidence: str) -> None:
        source, target, relation = _orient(a, b, method)
        key = (min(a.index, b.index), max(a.index, b.index))
        current = best.get(key)
        if current is None or score > current.score:
            best[key] = RowLink(source.index, target.index, relation, round(score, 3), method, evidence)

    def mentions(i: int, j: int) -> bool:
        """Whether row j's text names row i."""
        name = names[i]
        return name.usable and name.words <= vocab[j] and holds_run(words[j], name.tokens)

    # rows of one name are linked pairwise; a name repeated more than a few times, to its first row only
    # (pairwise, a scan repeating one name thousands of times would make millions of links)
    named_alike: dict[tuple[str, ...], list[int]] = {}
    for index, name in enumerate(names):
        if name.usable:
            named_alike.setdefault(tuple(name.tokens), []).append(index)
    for group in named_alike.values():
        pairs = itertools.combinations(group, 2) if len(group) <= _PAIRWISE_NAMES else \
            ((group[0], other) for other in group[1:])
        for i, j in pairs:
            offer(rows[i], rows[j], 1.0, "name-mention", f"both rows are named '{rows[i].label}'")

    for i, j in _pairs_sharing_a_term(terms):
        # both matchers need a shared word: a name mentioned is a shared word too
        a, b = rows[i], rows[j]
        if names[i].usable and names[i].tokens == names[j].tokens:
            continue
        named = (i, j) if mentions(i, j) else (j, i) if mentions(j, i) else None
        if named:
            row, other = rows[named[0]], rows[named[1]]
            offer(a, b, names[named[0]].score, "name-mention",
                  f"the {other.kind.lower()} '{other.label}' names "
                  f"the {row.kind.lower()} '{row.label}' in its text")
            continue
        shared = terms[i] & terms[j]
        common_phrases = phrases[i] & phrases[j]
        if (len(shared) < 2 and not common_phrases) or not mass[i] or not mass[j]:
            continue
        overlap = math.fsum(weight[t] for t in shared) / min(mass[i], mass[j])
        score = min(0.8, overlap + 0.1 * len(common_phrases))
        if score < MIN_SHARED_SCORE:
            continue
        ranked = sorted(shared, key=lambda t: (-weight[t], t))
        parts = []
        if common_phrases:
            parts.append("shared keyword " + ", ".join(f"'{p}'" for p in sorted(common_phrases)))
        if ranked:
            parts.append("shared terms " + ", ".join(ranked[:6]))
        offer(a, b, score, "shared-terms", "; ".join(parts))
    return _cap(best.values())


def _pairs_sharing_a_term(terms: list[set[str]]) -> list[tuple[int, int]]:
    """The pairs of rows (i < j, in order) that share a term held by few rows.

    In a scan of tens of rows that is every pair sharing a word. A term held by more than
    a tenth of the rows of a big scan (and more than 64) says little about any one pair and
    would make the pairs quadratic in the rows, so it proposes none.
    """
    postings: dict[str, list[int]] = {}
    for index, row_terms in enumerate(terms):
        for term in row_terms:
            postings.setdefault(term, []).append(index)
    limit = max(_COMMON_ROWS, len(terms) // 10)
    pairs: set[tuple[int, int]] = set()
    for holders in postings.values():
        if 1 < len(holders) <= limit:
            pairs.update(itertools.combinations(holders, 2))
    return sorted(pairs)


#: a term held by more rows than this (or a tenth of a big scan's rows) proposes no pairs
_COMMON_ROWS = 64
#: rows sharing one name are linked pairwise up to this many, else each to the first
_PAIRWISE_NAMES = 8


class _Name:
    """A row's name as words, and whether it is specific enough to count when another row uses it."""

    __slots__ = ("score", "tokens", "usable", "words")

    def __init__(self, name_tokens: list[str]) -> None:
        self.tokens = name_tokens
        self.words = set(name_tokens)
        topical = content_terms(name_tokens)
        # a one-word name must be a long, topical word to count as a reference
        self.usable = bool(topical) and not (len(name_tokens) == 1 and len(name_tokens[0]) < 6)
        self.score = 0.9 if len(topical) > 1 else 0.6


def _cap(links: Iterable[RowLink]) -> list[RowLink]:
    """Keep each row's strongest links only (name mentions of a whole name always stay)."""
    ordered = sorted(links, key=lambda link: (-link.score, link.source, link.target))
    kept: list[RowLink] = []
    degree: Counter[int] = Counter()
    for link in ordered:
        strong = link.method == "name-mention" and link.score >= 0.9
        if not strong and (degree[link.source] >= MAX_LINKS_PER_ROW or degree[link.target] >= MAX_LINKS_PER_ROW):
            continue
        kept.append(link)
        degree[link.source] += 1
        degree[link.target] += 1
    return sorted(kept, key=lambda link: (link.source, link.target))
