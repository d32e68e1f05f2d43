"""Topics above concepts, and the associations that link them across articles.

A **topic** is a wording that recurs across articles: the whole name of some concept
once its kind and trend words are set aside ("Rise of Deepfakes", "Deepfake Technology"
and "Deepfakes" all have the core *deepfake*), or a wording held inside three or more
names ("Urban Planning" in "Sustainable Urban Planning"), named by rows of at least
:data:`MIN_ARTICLES` articles (two in a corpus of a few hundred: :func:`thresholds`).
Every concept whose wording holds a topic's words, in order (an abbreviation and its
words are one: *AI* is *artificial intelligence*), is narrower than it
(``skos:broader``): its most specific topics only, since a topic holding another's
words is narrower than that one too ("generative AI" under "AI"). Sentences (driving
forces, outlooks) belong to topics but do not make them: a topic is a name someone
gave, so "what are the recurring forces?" is answered by the topics of the forces.

An **association** joins two topics named together in more articles than chance would
give, by different wordings of each article: support (the distinct articles naming
both), lift (how many times more often than if they were independent), PMI (log2 of
the lift) and the scans that are its evidence. It says that articles talk of both,
never that one causes the other. Each topic keeps its :data:`MAX_ASSOCIATIONS`
strongest.

Everything counts articles, not scans (:mod:`foresight.derived.articles`): a copy of an
article adds nothing.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from foresight.merging import SYNONYMS, WRAPPERS, abbreviations
from foresight.text import STOPWORDS, holds_run, stem, written_words
from foresight.vocab import ID, slug

if TYPE_CHECKING:
    from foresight.derived.articles import Edition
    from foresight.derived.concepts import Concept

#: a topic is named in the concepts of at least this many articles (fewer in a small corpus: see :func:`thresholds`)
MIN_ARTICLES = 5
#: the longest topic, in words (a spelled-out abbreviation is one)
MAX_WORDS = 4
#: a wording is a piece of a longer one when the longer one is held by this share of the names holding it
FRAGMENT = 0.8
#: a topic keeps this many other wordings (for finding it by name)
MAX_ALT_LABELS = 5
#: a wording inside longer names (never a name on its own) is a topic when this many names hold it
MIN_NAMES = 3
#: an association needs this many articles naming both topics (fewer in a small corpus) ...
MIN_SUPPORT = 3
#: ... and to be this many times more frequent than chance
MIN_LIFT = 1.5
#: a small corpus needs fewer: one article more for each this many articles, from 2 (recurring is 2)
ARTICLES_PER_STEP = 300
#: an association keeps the scans of this many supporting articles as its evidence, the newest (its support
#: counts them all): thousands of scans for two common topics would grow the concepts graph with the corpus squared
MAX_EVIDENCE = 50
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
EDGE_WORDS = _GRAMMAR | (WRAPPERS - _KEPT)
#: words the merger takes as synonyms that a topic keeps apart: "Digital Divide" is no topic "Internet"
_OWN_WORDS = frozenset({"online", "digital", "internet"})


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
    #: the counting scan of each supporting article, newest first (at most :data:`MAX_EVIDENCE`)
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


@functools.lru_cache(maxsize=1)
def _abbreviated() -> frozenset[str]:
    """The abbreviations themselves ("ai", "genai", "iot")."""
    return frozenset(_short_forms().values())


def holding_wording(wordings: Iterable[str], key: tuple[str, ...]) -> str | None:
    """The first of ``wordings`` that holds a topic's words (its evidence of being under the topic).

    >>> holding_wording(["Artificial Intelligence (AI)", "AI Tools"], ("ai", "tool"))
    'AI Tools'
    """
    for text in wordings:
        if key in _held(wording_terms(text)[0], {key: None}):
            return text
    return None


@functools.lru_cache(maxsize=1 << 17)
def _wording_terms(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    terms, written = _split(text)
    return tuple(terms), tuple(written)


def wording_terms(text: str) -> tuple[list[str], list[str]]:
    """A wording as topic terms (stemmed, lowercase, a spelled-out abbreviation as the abbreviation, so
    *artificial intelligence* is one term, *ai*) and, for each term, its words as written.

    >>> wording_terms("Rise of Artificial Intelligence Deepfakes")
    (['rise', 'of', 'ai', 'deepfake'], ['Rise', 'of', 'Artificial Intelligence', 'Deepfakes'])
    """
    terms, written = _wording_terms(text)
    return list(terms), list(written)


def _split(text: str) -> tuple[list[str], list[str]]:
    written = written_words(text)
    stems = [stem(word.lower()) for word in written]
    short = _short_forms()
    abbreviated = _abbreviated()
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
            terms.append(word if word in abbreviated or word in _OWN_WORDS else SYNONYMS.get(word, word))
            kept.append(written[position])
            position += 1
        if len(terms) > 1 and terms[-1] == terms[-2] and terms[-1] in abbreviated:
            terms.pop()  # "Artificial Intelligence (AI)": the abbreviation once, written short
            kept.append(min(kept.pop(), kept.pop(), key=len))
    return terms, kept


def _expand(key: tuple[str, ...]) -> tuple[str, ...]:
    """A topic's terms with each abbreviation that holds another one as its words: ("genai",) is ("generative",
    "ai")."""
    inside = _inner_abbreviations()
    return tuple(word for term in key for word in inside.get(term, (term,)))


@functools.lru_cache(maxsize=1)
def _inner_abbreviations() -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for words, short in sorted(_short_forms().items(), key=lambda item: (len(item[0]), item[0])):
        if short not in found and any(word in _abbreviated() for word in words):
            found[short] = words
    return found


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
        if word in _abbreviated():
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


def _held(terms: list[str], wanted: Mapping[tuple[str, ...], object]) -> set[tuple[str, ...]]:
    """The wordings of ``wanted`` a wording's terms hold, its abbreviations read as their words too."""
    found = {gram for gram in _grams(terms) if gram in wanted}
    words = list(_expand(tuple(terms)))
    if len(words) != len(terms):
        found |= {gram for gram in _grams(words) if gram in wanted}
    return found


def _grams(terms: list[str]) -> Iterable[tuple[str, ...]]:
    for size in range(1, MAX_WORDS + 1):
        for start in range(len(terms) - size + 1):
            yield tuple(terms[start:start + size])


def _inside(small: tuple[str, ...], big: tuple[str, ...]) -> bool:
    return len(small) < len(big) and holds_run(big, small)


def thresholds(articles: int) -> tuple[int, int]:
    """The articles a topic needs and the articles an association needs, in a corpus of ``articles``: 5 and 3
    above 1,200 articles, 2 and 2 up to 600 (a topic of a small corpus recurs when two articles name it).

    >>> thresholds(25), thresholds(700), thresholds(1591)
    ((2, 2), (3, 3), (5, 3))
    """
    least = min(MIN_ARTICLES, max(2, math.ceil(articles / ARTICLES_PER_STEP)))
    return least, min(MIN_SUPPORT, least)


def build_topics(concepts: Mapping[str, Concept], found: Mapping[str, Edition],
                 scans: Mapping[str, Mapping[str, Any]],
                 wording_articles: Mapping[str, Mapping[str, set[str]]] | None = None) -> TopicSet:
    """The topics of ``concepts`` and the associations between them (see the module docstring).

    Args:
        concepts: the concepts, by IRI, with the articles naming each.
        found: each scan as an edition of its article (which scan of an article counts).
        scans: what is known of each scan (its ``date``).
        wording_articles: for each concept, the articles naming it in each of its wordings: a topic is named by
            an article whose own wording holds its words (else every article of a concept holding them counts).
    """
    # the date of each article: that of the scan that counts
    dated: dict[str, str | None] = {}
    counting: dict[str, str] = {}
    for scan, edition in found.items():
        if edition.counts:
            dated[edition.article] = scans.get(scan, {}).get("date")
            counting[edition.article] = scan
    # every wording of every concept: (concept, terms, words as written, the articles using that wording)
    wordings: list[tuple[str, list[str], list[str], set[str]]] = []
    cores: dict[tuple[str, ...], Counter[str]] = {}
    for iri, concept in concepts.items():
        own = wording_articles.get(iri, {}) if wording_articles is not None else {}
        for text in (concept.label, *concept.alt_labels):
            terms, written = wording_terms(text)
            articles = own.get(text, concept.articles) if wording_articles is not None else concept.articles
            wordings.append((iri, terms, written, articles))
            if concept.kind in SENTENCE_KINDS:
                continue
            span = core(terms)
            if span is not None:
                start, end = span
                cores.setdefault(tuple(terms[start:end]), Counter())[" ".join(written[start:end])] += len(
                    articles) or 1
    # a wording of two words or more that names none on its own but recurs inside names is a candidate too
    # ("Urban Planning", inside "Sustainable Urban Planning" and "Climate Resilience in Urban Planning")
    inner: dict[tuple[str, ...], Counter[str]] = {}
    for iri, terms, written, _ in wordings:
        if concepts[iri].kind in SENTENCE_KINDS:
            continue
        for start, end in _spans(terms):
            gram = tuple(terms[start:end])
            if gram not in cores:
                inner.setdefault(gram, Counter())[" ".join(written[start:end])] += 1
    for gram, surfaces in inner.items():
        if sum(surfaces.values()) >= MIN_NAMES:
            cores[gram] = surfaces
    # the concepts holding each candidate wording, and the wordings (by number) holding it
    holders: dict[tuple[str, ...], list[str]] = {}
    holding_wordings: dict[tuple[str, ...], list[int]] = {}
    for number, (iri, terms, _, _) in enumerate(wordings):
        for gram in _held(terms, cores):
            if not holders.get(gram) or holders[gram][-1] != iri:
                holders.setdefault(gram, []).append(iri)
            holding_wordings.setdefault(gram, []).append(number)
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
    least, _ = thresholds(len(counting))
    articles_of: dict[tuple[str, ...], set[str]] = {}
    for gram in holders:
        named: set[str] = set()
        for number in holding_wordings[gram]:
            named |= wordings[number][3]
        if len(named) >= least:
            articles_of[gram] = named
    topics: dict[tuple[str, ...], Topic] = {}
    used: set[str] = set()
    for key in sorted(articles_of, key=lambda k: (-len(articles_of[k]), k)):
        surfaces = cores[key]
        label = min(surfaces, key=lambda s: (-surfaces[s], s.lower() != s and s.upper() != s and s.title() != s,
                                             len(s), s))
        # named by its terms, not its label: the label is the commonest wording, which may change with a scan
        iri = topic_iri(" ".join(key))
        number = 1
        while iri in used:
            number += 1
            iri = f"{topic_iri(' '.join(key))}-{number}"
        used.add(iri)
        others: dict[str, str] = {}
        for surface in sorted(surfaces, key=lambda s: (-surfaces[s], s)):  # each wording in its commonest case
            others.setdefault(" ".join(surface.casefold().split()), surface)
        others.pop(" ".join(label.casefold().split()), None)
        topic = Topic(iri, key, label, articles=articles_of[key], alt_labels=list(others.values())[:MAX_ALT_LABELS])
        days = sorted(day for article in topic.articles if (day := dated.get(article)))
        if days:
            topic.first, topic.last = days[0], days[-1]
            topic.months = Counter(day[:7] for day in days)
        topics[key] = topic
    # the hierarchy: each topic under the most specific topics inside its words
    # (an abbreviation counts as its words: "GenAI" is under "AI")
    expanded = {key: _expand(key) for key in topics}
    by_words = {words: key for key, words in expanded.items()}
    for key, topic in topics.items():
        words = expanded[key]
        within = [by_words[gram] for gram in _grams(list(words)) if gram != words and gram in by_words]
        topic.broader = sorted(topics[k].iri for k in within
                               if not any(_inside(expanded[k], expanded[o]) for o in within))
    # each concept under its most specific topics; articles by kind of row; and, for each article, the
    # wordings naming each topic in it (what tells two topics named together from one name holding both)
    of_concept: dict[str, list[str]] = {}
    by_kind: dict[tuple[tuple[str, ...], str], set[str]] = {}
    named_by: dict[tuple[str, str], set[int]] = {}
    held_by: dict[str, set[tuple[str, ...]]] = {}
    for number, (iri, terms, _, articles) in enumerate(wordings):
        held = _held(terms, topics)
        if not held:
            continue
        held_by.setdefault(iri, set()).update(held)
        kind = concepts[iri].kind
        for key in held:
            by_kind.setdefault((key, kind), set()).update(articles)
            for article in articles:
                named_by.setdefault((article, topics[key].iri), set()).add(number)
    for iri, held in held_by.items():
        specific = sorted(k for k in held if not any(_inside(expanded[k], expanded[other]) for other in held))
        of_concept[iri] = [topics[k].iri for k in specific]
        for k in specific:
            topics[k].members.append(iri)
    for (key, kind), named in by_kind.items():
        topics[key].kinds[kind] = len(named)
    by_iri = {topic.iri: topic for topic in topics.values()}
    ordered = dict(sorted(by_iri.items()))
    return TopicSet(ordered, of_concept, associations(ordered, counting, dated, named_by))


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


def associations(topics: Mapping[str, Topic], counting: Mapping[str, str], dated: Mapping[str, str | None],
                 named_by: Mapping[tuple[str, str], set[int]] | None = None) -> list[Association]:
    """The topics named together in :data:`MIN_SUPPORT` articles or more, at a lift of :data:`MIN_LIFT` or more,
    each topic keeping its :data:`MAX_ASSOCIATIONS` strongest.

    Named together means by different names: an article counts for two topics when it has a wording holding one
    and not the other, and one holding the other and not the one (``named_by``: the wordings naming each topic
    in each article); "Transparency in AI Operations" names "AI Operations" and "Transparency in AI" in one
    breath, not together. A topic and one it is narrower than are not associated (one holds the other).
    """
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
    _, support = thresholds(len(counting) or total)
    ancestors = _ancestors(topics)
    candidates: list[tuple[float, int, int, tuple[str, ...], float]] = []
    for i, j, count in zip(together.row, together.col, together.data, strict=True):
        if i >= j or count < support or total * count / (sizes[i] * sizes[j]) < MIN_LIFT:
            continue
        a, b = names[i], names[j]
        if a in ancestors[b] or b in ancestors[a]:
            continue
        both = topics[a].articles & topics[b].articles
        if named_by is not None:
            both = {article for article in both if _apart(named_by.get((article, a), set()),
                                                          named_by.get((article, b), set()))}
        lift = float(total * len(both) / (sizes[i] * sizes[j]))
        if len(both) < support or lift < MIN_LIFT:
            continue
        strength = math.log2(lift) * math.log2(1 + len(both))
        candidates.append((strength, int(i), int(j), tuple(sorted(both)), lift))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    kept: Counter[int] = Counter()
    day_of = {scan: str(dated.get(article) or "") for article, scan in counting.items()}
    found = []
    for _, i, j, supporting, lift in candidates:
        # kept when it is among the strongest of either end: a rare topic keeps its one link to a common one
        if kept[i] >= MAX_ASSOCIATIONS and kept[j] >= MAX_ASSOCIATIONS:
            continue
        kept[i] += 1
        kept[j] += 1
        evidence = sorted((counting.get(article, article) for article in supporting),
                          key=lambda scan: (day_of.get(scan, ""), scan), reverse=True)
        found.append(Association(names[i], names[j], len(supporting), round(lift, 3), tuple(evidence[:MAX_EVIDENCE])))
    found.sort(key=lambda x: (x.a, x.b))
    return found


def _apart(left: set[int], right: set[int]) -> bool:
    """Whether an article names two topics by different wordings: one holding the first and not the second, and
    one holding the second and not the first."""
    return bool(left - right) and bool(right - left)
