"""Topics above concepts, and the associations that link them across articles.

A **topic** is a wording that recurs across articles: the whole name of some concept
once its kind and trend words are set aside ("Rise of Deepfakes", "Deepfake Technology"
and "Deepfakes" all have the core *deepfake*), held in the names of concepts from at
least :data:`MIN_ARTICLES` articles. Every concept whose wording holds a topic's words,
in order (abbreviations spelled out: *AI* is *artificial intelligence*), is narrower
than it (``skos:broader``): its most specific topics only, since a topic holding
another's words is narrower than that one too ("generative AI" under "AI").
Sentences (driving forces, outlooks) belong to topics but do not make them: a topic is
a name someone gave, so "what are the recurring forces?" is answered by the topics of
the forces.

An **association** joins two topics named together in more articles than chance would
give: support (the distinct articles naming both), lift (how many times more often than
if they were independent), PMI (log2 of the lift) and the scans that are its evidence.
It says that articles talk of both, never that one causes the other. Each topic keeps
its :data:`MAX_ASSOCIATIONS` strongest.

Everything counts articles, not scans (:mod:`foresight.derived.articles`): a copy of an
article adds nothing.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from foresight.merging import FILLERS, SYNONYMS, abbreviations
from foresight.text import STOPWORDS, spell_symbols, stem
from foresight.vocab import ID, slug

if TYPE_CHECKING:
    from foresight.derived.articles import Edition
    from foresight.derived.concepts import Concept

#: a topic is named in the concepts of at least this many articles
MIN_ARTICLES = 5
#: the longest topic, in words (a spelled-out abbreviation is one)
MAX_WORDS = 4
#: a wording is a piece of a longer one when the longer one is held by this share of the names holding it
FRAGMENT = 0.8
#: two topics are one wording, not associated, when this share of the concepts of the smaller one hold both
OVERLAP = 0.5
#: a topic keeps this many other wordings (for finding it by name)
MAX_ALT_LABELS = 5
#: a wording inside longer names (never a name on its own) is a topic when this many names hold it
MIN_NAMES = 3
#: an association needs this many articles naming both topics ...
MIN_SUPPORT = 3
#: ... and to be this many times more frequent than chance
MIN_LIFT = 1.5
#: each topic keeps this many associations, the strongest (a topic named everywhere is no clique)
MAX_ASSOCIATIONS = 20
#: the kinds whose rows are sentences: they belong to topics, they do not make them
SENTENCE_KINDS = frozenset({"DrivingForce", "Outlook"})

#: words that neither start nor end a topic: grammar, and the kind and trend words of names
_GRAMMAR_TEXT = """
a an the of in on for to and or with by from at as into about over under between among via toward towards its their
our his her this that these those vs versus than amid across within without through it is are be due
"""
_GRAMMAR = frozenset(_GRAMMAR_TEXT.split())
#: words every field uses: not a topic on their own (in a longer wording they are: "supply chain", "market power")
_GENERIC_TEXT = """
challenge demand focus awareness advancement advance model understanding engagement management industry market
recognition cost measurement adoption access opportunity benefit need value process support response pressure
interest investment capability capacity efficiency quality performance success failure progress improvement
innovation research study data information knowledge experience environment landscape dynamic factor aspect sector
field area space resource condition situation context level standard practice policy tech user influence
"""
GENERIC = frozenset(stem(word) for word in _GENERIC_TEXT.split())
#: filler words of names that stay in a topic: "Deepfake Technology" is a topic of its own (under "Deepfakes"),
#: "Technological Advancement" the one most driving forces name
_KEPT_TEXT = """
technology technological system tool platform software solution application app service development strategy
approach practice campaign concept
"""
_KEPT = frozenset(stem(word) for word in _KEPT_TEXT.split())
EDGE_WORDS = _GRAMMAR | (FILLERS - _KEPT)
_SURFACE = re.compile(r"[A-Za-z0-9]+")


@dataclass
class Topic:
    """A recurring wording and the concepts narrower than it."""

    iri: str
    key: tuple[str, ...]
    label: str
    #: concepts whose most specific topics include this one
    members: list[str] = field(default_factory=list)
    #: the topics this one is narrower than (their words inside its own)
    broader: list[str] = field(default_factory=list)
    #: distinct articles naming it (through any concept, its narrower topics' too)
    articles: set[str] = field(default_factory=set)
    months: Counter[str] = field(default_factory=Counter)
    first: str | None = None
    last: str | None = None
    #: in how many articles a concept of each kind holds it (narrower topics' too): driving forces, issues, ...
    kinds: Counter[str] = field(default_factory=Counter)
    #: its other wordings, the most used first ("Artificial Intelligence" for "AI")
    alt_labels: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Association:
    """Two topics named together in ``support`` articles, ``lift`` times more than chance."""

    a: str
    b: str
    support: int
    lift: float
    #: the counting scan of each supporting article, newest first
    scans: tuple[str, ...]

    @property
    def pmi(self) -> float:
        return round(math.log2(self.lift), 3) if self.lift > 0 else 0.0

    @property
    def score(self) -> float:
        """How strong the association is for ranking pathways (0.3-0.8): more articles and a higher lift."""
        return round(min(0.8, 0.3 + 0.1 * math.log2(self.lift) + 0.05 * math.log2(self.support)), 3)


@dataclass
class TopicSet:
    """The topics, the topics of each concept, and the associations between topics."""

    topics: dict[str, Topic] = field(default_factory=dict)
    #: concept IRI -> its most specific topics
    of_concept: dict[str, list[str]] = field(default_factory=dict)
    associations: list[Association] = field(default_factory=list)


def topic_iri(label: str) -> str:
    return f"{ID}topic/{slug(label)}"


def _surface(text: str) -> list[str]:
    """The words of a text as written (case kept), split as :func:`foresight.text.tokens` splits."""
    text = spell_symbols(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _SURFACE.findall(text)


@functools.lru_cache(maxsize=1)
def _short_forms() -> dict[tuple[str, ...], str]:
    """Each abbreviation's words, and those words with the abbreviations inside them (*generative AI* is
    *GenAI*), to the abbreviation."""
    forms = abbreviations()
    for words, short in list(forms.items()):
        for inner, abbreviation in list(forms.items()):
            size = len(inner)
            for start in range(len(words) - size + 1):
                if inner != words and words[start:start + size] == inner:
                    forms.setdefault((*words[:start], abbreviation, *words[start + size:]), short)
    return forms


def wording_terms(text: str) -> tuple[list[str], list[str]]:
    """A wording as topic terms (stemmed, lowercase, a spelled-out abbreviation as the abbreviation, so
    *artificial intelligence* is one term, *ai*) and, for each term, its words as written.

    >>> wording_terms("Rise of Artificial Intelligence Deepfakes")
    (['rise', 'of', 'ai', 'deepfake'], ['Rise', 'of', 'Artificial Intelligence', 'Deepfakes'])
    """
    written = _surface(text)
    stems = [stem(word.lower()) for word in written]
    short = _short_forms()
    abbreviated = set(short.values())
    terms: list[str] = []
    kept: list[str] = []
    position = 0
    while position < len(stems):
        for size in (4, 3, 2):
            abbreviation = short.get(tuple(stems[position:position + size]))
            if abbreviation:
                terms.append(abbreviation)
                kept.append(" ".join(written[position:position + size]))
                position += size
                break
        else:
            word = stems[position]
            terms.append(word if word in abbreviated else SYNONYMS.get(word, word))
            kept.append(written[position])
            position += 1
        if len(terms) > 1 and terms[-1] == terms[-2] and terms[-1] in abbreviated:
            terms.pop()  # "Artificial Intelligence (AI)": the abbreviation once, written short
            kept.append(min(kept.pop(), kept.pop(), key=len))
    return terms, kept


def core(terms: list[str]) -> tuple[int, int] | None:
    """The span of ``terms`` left once grammar, kind and trend words are taken off both ends, when it can name a
    topic: one to :data:`MAX_WORDS` words; one word only when it ends the name (a head noun, not the adjective
    of "Ethical Concerns") and is not a word every field uses (:data:`GENERIC`, and "technology", "system",
    "tool" ...: topics with another word only).

    >>> terms = wording_terms("Growing Concerns over Deepfake Technology")[0]
    >>> start, end = core(terms); terms[start:end]
    ['deepfake', 'technology']
    >>> core(wording_terms("Ethical Concerns")[0]) is None
    True
    """
    start, end = 0, len(terms)
    while start < end and (terms[start] in EDGE_WORDS or len(terms[start]) == 1):
        start += 1
    while end > start and (terms[end - 1] in EDGE_WORDS or len(terms[end - 1]) == 1):
        end -= 1
    if end - start < 1 or end - start > MAX_WORDS:
        return None
    if end - start == 1:
        word = terms[start]
        if word in _short_forms().values():
            return start, end  # an abbreviation: "AI", "IoT"
        if (end != len(terms) or word in GENERIC or word in _KEPT or word in STOPWORDS or len(word) < 3
                or word.isdigit()):
            return None
    return start, end


def _spans(terms: list[str]) -> Iterable[tuple[int, int]]:
    """The spans of two to :data:`MAX_WORDS` terms that can be a topic inside a longer name."""
    for start in range(len(terms)):
        if terms[start] in EDGE_WORDS or len(terms[start]) == 1:
            continue
        for end in range(start + 2, min(len(terms), start + MAX_WORDS) + 1):
            # ending where a name ends or before a grammar or kind word: a head noun, not an adjective
            # ("Urban Planning" in "Sustainable Urban Planning", not "Awareness of Digital" in "Awareness of
            # Digital Privacy")
            if (terms[end - 1] not in EDGE_WORDS and len(terms[end - 1]) > 1
                    and (end == len(terms) or terms[end] in EDGE_WORDS)):
                yield start, end


def _grams(terms: list[str]) -> Iterable[tuple[str, ...]]:
    for size in range(1, MAX_WORDS + 1):
        for start in range(len(terms) - size + 1):
            yield tuple(terms[start:start + size])


def _inside(small: tuple[str, ...], big: tuple[str, ...]) -> bool:
    size = len(small)
    return size < len(big) and any(big[i:i + size] == small for i in range(len(big) - size + 1))


def build_topics(concepts: Mapping[str, Concept], found: Mapping[str, Edition],
                 scans: Mapping[str, Mapping[str, Any]]) -> TopicSet:
    """The topics of ``concepts`` and the associations between them (see the module docstring).

    Args:
        concepts: the concepts, by IRI, with the articles naming each.
        found: each scan as an edition of its article (which scan of an article counts).
        scans: what is known of each scan (its ``date``).
    """
    # the date of each article: that of the scan that counts
    dated: dict[str, str | None] = {}
    counting: dict[str, str] = {}
    for scan, edition in found.items():
        if edition.counts:
            dated[edition.article] = scans.get(scan, {}).get("date")
            counting[edition.article] = scan
    terms_of: dict[str, list[list[str]]] = {}
    written_of: dict[str, list[list[str]]] = {}
    cores: dict[tuple[str, ...], Counter[str]] = {}
    for iri, concept in concepts.items():
        wordings = []
        for text in (concept.label, *concept.alt_labels):
            terms, written = wording_terms(text)
            wordings.append(terms)
            written_of.setdefault(iri, []).append(written)
            if concept.kind in SENTENCE_KINDS:
                continue
            span = core(terms)
            if span is not None:
                start, end = span
                surface = " ".join(written[start:end])
                cores.setdefault(tuple(terms[start:end]), Counter())[surface] += len(concept.articles) or 1
        terms_of[iri] = wordings
    # a wording of two words or more that names none on its own but recurs inside names is a candidate too
    # ("Urban Planning", inside "Sustainable Urban Planning" and "Climate Resilience in Urban Planning")
    inner: dict[tuple[str, ...], Counter[str]] = {}
    for iri, wordings in terms_of.items():
        if concepts[iri].kind in SENTENCE_KINDS:
            continue
        for terms, written in zip(wordings, written_of[iri], strict=True):
            for start, end in _spans(terms):
                gram = tuple(terms[start:end])
                if gram not in cores:
                    inner.setdefault(gram, Counter())[" ".join(written[start:end])] += 1
    for gram, surfaces in inner.items():
        if sum(surfaces.values()) >= MIN_NAMES:
            cores[gram] = surfaces
    # the concepts holding each candidate wording, and the articles naming it
    holders: dict[tuple[str, ...], list[str]] = {}
    for iri, wordings in terms_of.items():
        held = {gram for terms in wordings for gram in _grams(terms) if gram in cores}
        for gram in held:
            holders.setdefault(gram, []).append(iri)
    # a wording that is mostly a piece of a longer one is no topic of its own: "Health Awareness" is held by the
    # names holding "Mental Health Awareness"
    around: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for longer in holders:
        for gram in _grams(list(longer)):
            if 1 < len(gram) < len(longer):
                around.setdefault(gram, []).append(longer)
    pieces = [gram for gram, longer in around.items() if gram in holders and any(
        len(holders[other]) >= FRAGMENT * len(holders[gram]) for other in longer)]
    for gram in pieces:
        del holders[gram]
    articles_of: dict[tuple[str, ...], set[str]] = {}
    for gram, members in holders.items():
        named: set[str] = set()
        for iri in members:
            named |= concepts[iri].articles
        if len(named) >= MIN_ARTICLES:
            articles_of[gram] = named
    topics: dict[tuple[str, ...], Topic] = {}
    used: set[str] = set()
    for key in sorted(articles_of, key=lambda k: (-len(articles_of[k]), k)):
        surfaces = cores[key]
        label = min(surfaces, key=lambda s: (-surfaces[s], s.lower() != s and s.upper() != s and s.title() != s,
                                             len(s), s))
        iri = topic_iri(label)
        number = 1
        while iri in used:
            number += 1
            iri = f"{topic_iri(label)}-{number}"
        used.add(iri)
        others = {" ".join(surface.casefold().split()): surface for surface in sorted(
            surfaces, key=lambda s: (-surfaces[s], s))}
        others.pop(" ".join(label.casefold().split()), None)
        topic = Topic(iri, key, label, articles=articles_of[key], alt_labels=list(others.values())[:MAX_ALT_LABELS])
        days = sorted(day for article in topic.articles if (day := dated.get(article)))
        if days:
            topic.first, topic.last = days[0], days[-1]
            topic.months = Counter(day[:7] for day in days)
        topics[key] = topic
    # the hierarchy: each topic under the most specific topics inside its words
    for key, topic in topics.items():
        within = [other for other in _grams(list(key)) if other != key and other in topics]
        topic.broader = sorted(topics[k].iri for k in within if not any(_inside(k, o) for o in within))
    # each concept under its most specific topics
    of_concept: dict[str, list[str]] = {}
    by_kind: dict[tuple[tuple[str, ...], str], set[str]] = {}
    for iri, wordings in terms_of.items():
        held = {gram for terms in wordings for gram in _grams(terms) if gram in topics}
        if not held:
            continue
        specific = sorted(k for k in held if not any(_inside(k, other) for other in held))
        of_concept[iri] = [topics[k].iri for k in specific]
        for k in specific:
            topics[k].members.append(iri)
        kind = concepts[iri].kind
        for k in held:
            by_kind.setdefault((k, kind), set()).update(concepts[iri].articles)
    for (key, kind), named in by_kind.items():
        topics[key].kinds[kind] = len(named)
    by_iri = {topic.iri: topic for topic in topics.values()}
    ordered = dict(sorted(by_iri.items()))
    holding = {topics[key].iri: set(holders[key]) for key in topics}
    return TopicSet(ordered, of_concept, associations(ordered, counting, dated, holding))


def _ancestors(topics: Mapping[str, Topic]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}

    def up(iri: str) -> set[str]:
        if iri not in found:
            found[iri] = set()
            for parent in topics[iri].broader:
                found[iri] |= {parent} | up(parent)
        return found[iri]

    for iri in topics:
        up(iri)
    return found


def _overlap(a: set[str], b: set[str]) -> bool:
    """Whether two topics are mostly named by the same concepts ("Mental Health" and "Health Support" by "Mental
    Health Support"): named in one name, they are one wording, not two topics named together."""
    return bool(a and b) and len(a & b) >= OVERLAP * min(len(a), len(b))


def associations(topics: Mapping[str, Topic], counting: Mapping[str, str],
                 dated: Mapping[str, str | None], holding: Mapping[str, set[str]] | None = None
                 ) -> list[Association]:
    """The topics named together in :data:`MIN_SUPPORT` articles or more, at a lift of :data:`MIN_LIFT` or more,
    each topic keeping its :data:`MAX_ASSOCIATIONS` strongest; a topic and one it is narrower than are not
    associated (one holds the other)."""
    import numpy as np
    from scipy import sparse

    names = list(topics)
    articles = sorted({article for topic in topics.values() for article in topic.articles})
    if len(names) < 2 or not articles:
        return []
    row_of = {article: number for number, article in enumerate(articles)}
    rows: list[int] = []
    cols: list[int] = []
    for column, iri in enumerate(names):
        for article in topics[iri].articles:
            rows.append(row_of[article])
            cols.append(column)
    incidence = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                                  shape=(len(articles), len(names)))
    together = (incidence.T @ incidence).tocoo()
    sizes = np.asarray(incidence.sum(axis=0)).ravel()
    total = len(articles)
    ancestors = _ancestors(topics)
    holding = holding or {}
    candidates: list[tuple[float, int, int, int, float]] = []
    for i, j, count in zip(together.row, together.col, together.data, strict=True):
        if i >= j or count < MIN_SUPPORT:
            continue
        lift = float(total * count / (sizes[i] * sizes[j]))
        if lift < MIN_LIFT:
            continue
        a, b = names[i], names[j]
        if a in ancestors[b] or b in ancestors[a] or _overlap(holding.get(a, set()), holding.get(b, set())):
            continue
        strength = math.log2(lift) * math.log2(1 + count)
        candidates.append((strength, int(i), int(j), int(count), lift))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    kept: Counter[int] = Counter()
    chosen: list[tuple[int, int, int, float]] = []
    for _, i, j, count, lift in candidates:
        # kept when it is among the strongest of either end: a rare topic keeps its one link to a common one
        if kept[i] >= MAX_ASSOCIATIONS and kept[j] >= MAX_ASSOCIATIONS:
            continue
        kept[i] += 1
        kept[j] += 1
        chosen.append((i, j, count, lift))
    day_of = {scan: str(dated.get(article) or "") for article, scan in counting.items()}
    found = []
    for i, j, count, lift in chosen:
        a, b = names[i], names[j]
        both = topics[a].articles & topics[b].articles
        evidence = sorted((counting.get(article, article) for article in both),
                          key=lambda scan: (day_of.get(scan, ""), scan), reverse=True)
        found.append(Association(a, b, count, round(lift, 3), tuple(evidence)))
    found.sort(key=lambda x: (x.a, x.b))
    return found
