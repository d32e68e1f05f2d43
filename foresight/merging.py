"""Decide which names, across scans, name the same concept.

Every scan words things its own way: "Surveillance Expansion", "Increased
Surveillance". This module turns a name into the *terms* it is about (stemmed
words, minus stopwords and the stock words scans wrap around a topic: "increased",
"rise of", "concerns", ...; abbreviations spelled out) and scores two names by the
terms they share, each weighted by how rare it is among all names (sharing "data"
says little, sharing "flatulence" says a lot).

* Equal terms: the same concept (score 1, method ``normalized-name``).
* One name's terms inside the other's, the rest carrying little weight, or a high
  weighted overlap (typos forgiven): the same concept (method ``fuzzy-name``).
* A middling overlap: *likely* the same (a ``skos:closeMatch`` for a curator to review).

Names are compared within a kind (issues with issues). Candidate pairs come from
blocking on shared terms, skipping terms so common that they would pair everything.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from foresight.text import STOPWORDS, stem, tokens

#: Two names at least this close are the same concept (0.83: a common word added, "Long-term Neglect" and
#: "Neglecting Long-Term Environmental Impact", reaches 0.81).
SAME = 0.83
#: Two names at least this close are likely the same: listed for review, not merged.
LIKELY = 0.6
#: the last term of the key of a sense of its own (``concepts._split_senses``): "\0sense 2"
SENSE_MARK = "\0sense "
#: When one name's terms hold the other's, what the longer one adds counts this many times its weight
EXTRA_WEIGHT = 2.0

# Words scans wrap around a topic without changing what it is.
_FILLER_TEXT = """
increased increase increasing rise rising growing growth grow emerging emergence expansion expanding
expanded greater heightened enhanced surge boom spread widespread shift shifting transition move toward trend
movement wave concern concerned worry worries issue risk threat problem impact effect role use usage utilization
utilisation implementation integration potential possible future evolving evolution changing change
development developments concept strategy approach practice campaign
technology technological system tool platform software solution application app service
"""
#: every stock word scans wrap around a topic (topics strip them from the ends of a name)
WRAPPERS = frozenset(stem(word) for word in _FILLER_TEXT.split())
# ... of which these change what a name is about: "Transparency in AI Development" is not "Transparency in AI
# Usage", nor "Renewable Energy Integration" "Renewable Energy Transition" (a sample of merged concepts found
# them merged)
_MEANINGFUL_TEXT = "development integration implementation use usage utilization utilisation application"
FILLERS = WRAPPERS - frozenset(stem(word) for word in _MEANINGFUL_TEXT.split())
#: a kind word after these names what the name is about: "Mental Health Implications of Technology" is not
#: "Mental Health Implications", "Trust in Technology" not "Expansion through Trust"; "Blockchain Technology" is
#: "Blockchain"
OBJECT_MARKERS = frozenset({"of", "in", "on", "for", "through", "with", "to", "from", "by", "into", "via", "about"})
_OBJECT_FILLER_TEXT = "technology technological system tool platform software solution application app service"
OBJECT_FILLERS = frozenset(stem(word) for word in _OBJECT_FILLER_TEXT.split())
_TECHNOLOGICAL, _TECHNOLOGY = stem("technological"), stem("technology")
#: stopwords that say something in a name: "Commercialization of Public Spaces" is not "... of Space"
_NAME_WORDS = frozenset({"public", "people", "low", "lower", "high", "higher", "new", "novel"})
NAME_STOPWORDS = STOPWORDS - _NAME_WORDS

# Words that only mark a row's kind, stance or trend: two wordings that differ in these alone name one thing
# (docs/audits/concept-rules.md, rule 1); any other difference, kind words such as "platform" included, may
# not ("AI Training Systems" for models, "AI Training Platforms" for retraining workers)
_MARKER_TEXT = """
increased increase increasing rise rising growing growth grow emerging emergence expansion expanding expanded
greater heightened surge boom spread widespread trend movement wave concern concerned worry worries issue risk threat
problem potential possible future challenge crisis consideration reflection advocacy strategy technique approach
practice impact effect implication change changing role awareness
"""
MARKERS = frozenset(stem(word) for word in _MARKER_TEXT.split())

# Words that say the same in a name: each maps to the first of its group.
_SYNONYM_TEXT = """
dependence dependency reliance overreliance overdependence
erosion loss decline declining degradation diminishing diminished
regulation legislation law
collaboration cooperation partnership
global international worldwide
online digital internet
vehicle car
"""
SYNONYMS = {stem(word): stem(group.split()[0]) for group in _SYNONYM_TEXT.strip().splitlines()
            for word in group.split()}

# Abbreviations and their spelled-out terms (stems), both ways.
_ABBREVIATIONS = {
    "ai": "artificial intelligence",
    "ml": "machine learning",
    "llm": "large language model",
    "nlp": "natural language processing",
    "vr": "virtual reality",
    "ar": "augmented reality",
    "xr": "extended reality",
    "iot": "internet of things",
    "ev": "electric vehicle",
    "agi": "artificial general intelligence",
    "genai": "generative artificial intelligence",
    "dei": "diversity equity inclusion",
    "esg": "environmental social governance",
    "ubi": "universal basic income",
    "3d": "three dimensional",
    "ugc": "user generated content",
    "saas": "software as a service",
    "api": "application programming interface",
    "cbdc": "central bank digital currency",
    "dao": "decentralized autonomous organization",
    "nft": "non fungible token",
    "gpu": "graphic processing unit",
    "crispr": "crispr",
}
_SPELLED = {key: tuple(stem(w) for w in value.split() if w not in STOPWORDS) for key, value in
            _ABBREVIATIONS.items()}
_PARENTHESES = re.compile(r"\s*\([^)]*\)")


def abbreviations() -> dict[tuple[str, ...], str]:
    """What each known abbreviation stands for, as stemmed words (stopwords kept), to the abbreviation.

    >>> abbreviations()[("internet", "of", "thing")]
    'iot'
    """
    return {tuple(tokens(value)): key for key, value in _ABBREVIATIONS.items() if tokens(value) != [key]}


def name_terms(name: str) -> tuple[str, ...]:
    """The terms a name is about: sorted, stemmed, no stopwords or filler words, abbreviations spelled out.

    >>> name_terms("Increased Surveillance"), name_terms("Surveillance Expansion")
    (('surveillance',), ('surveillance',))
    >>> name_terms("Large Language Models (LLMs)") == name_terms("LLMs")
    True
    >>> name_terms("BIM (Building Information Modeling)") == name_terms("Building Information Modeling")
    True
    """
    bare = _spelled_form(name)
    words = _terms(tokens(bare))
    if not set(words) - _NAME_WORDS:  # a name made only of filler words ("Growing Concerns", "New Technologies")
        words = [w for w in tokens(bare) if w not in NAME_STOPWORDS] or tokens(bare)  # is about those words
    return tuple(sorted(set(words)))


def _terms(stems: Sequence[str], previous: str = "") -> list[str]:
    """The terms among a name's stemmed words, in order (see :func:`name_terms`); ``previous``: the word before.

    A kind word ("technology", "software", "platform", ...) is a term where it names what the name is about:
    after *of*, *in*, ... ("Dependence on Technology"), or before a word that is no filler, which it then
    narrows ("Software Security", "Platform Economy"); trailing, it only says what kind of thing the name is
    ("Blockchain Technology" is "Blockchain").
    """
    words: list[str] = []
    for at, word in enumerate(stems):
        spelled = _SPELLED.get(word)
        if spelled:
            words.extend(spelled)
        elif word not in NAME_STOPWORDS and (len(word) > 1 or word.isdigit()) and (
                word not in FILLERS or (word in OBJECT_FILLERS and (
                    previous in OBJECT_MARKERS or (not words and _modifies(stems[at + 1:]))))):
            # "Technological Dependence" is "Dependence on Technology"
            words.append(_TECHNOLOGY if word == _TECHNOLOGICAL else SYNONYMS.get(word, word))
        elif word == _TECHNOLOGICAL:
            words.append(_TECHNOLOGY)
        previous = word
    return words


def _modifies(following: Sequence[str]) -> bool:
    """Whether the words after a name's first kind word begin with a term it modifies ("Software Security"),
    not a filler, stopword or marker; after another term it ends a compound ("Assistive Technology
    Advancements")."""
    return bool(following) and following[0] not in FILLERS and following[0] not in STOPWORDS and (
        len(following[0]) > 1)


#: Words after which a name names what its head applies to: "AI *in* Recruitment" (AI used for hiring) is not
#: "Recruitment *in* AI" (hiring people into AI work), though both have the same terms. "of" is no such word for
#: a swap: "Mental Health Impact of Isolation" is "Impact of Isolation on Mental Health".
ROLE_MARKERS = frozenset({"in", "for", "on", "by", "through", "into", "via", "within", "across"})
#: ... while a field after any of these narrows a name: "Environmental Impact of Battery Disposal"
FIELD_MARKERS = ROLE_MARKERS | {"of"}


@dataclass(frozen=True)
class Roles:
    """A name's head terms, and the terms of what it applies to (after its first role marker)."""

    head: frozenset[str]
    object: frozenset[str]


def roles(name: str, markers: frozenset[str] = ROLE_MARKERS) -> Roles | None:
    """The head and object of a name, split at the first role marker with terms on both sides (filler words
    such as "Rise of" are no head); ``None`` when the name has no such marker.

    >>> roles("Rise of AI in Education") == Roles(frozenset(name_terms("AI")), frozenset(name_terms("Education")))
    True
    >>> roles("AI Regulation") is None
    True
    """
    words = tokens(_spelled_form(name))
    for at, word in enumerate(words):
        if word not in markers or at == 0:
            continue
        head = frozenset(_terms(words[:at]))
        if not head:
            continue
        thing = frozenset(_terms(words[at + 1:], word))
        return Roles(head, thing) if thing else None
    return None


def reversed_roles(a: str, b: str) -> bool:
    """Whether two names swap head and object: "AI in Talent Acquisition" and "Talent Acquisition in AI".

    >>> reversed_roles("AI in Talent Acquisition", "Talent Acquisition in AI")
    True
    >>> reversed_roles("AI in Talent Acquisition", "AI and Talent Acquisition")
    False
    """
    left, right = roles(a), roles(b)
    return (left is not None and right is not None and bool(left.head & right.object)
            and bool(left.object & right.head) and not left.head & right.head)


def narrows(longer: str, shorter: tuple[str, ...]) -> bool:
    """Whether ``longer`` is the name of terms ``shorter`` restricted to a field: what its head applies to is all
    it adds ("Data Overload in Intelligence" narrows "Data Overload"; "Erosion of Privacy Rights" does not narrow
    "Privacy Erosion").

    >>> narrows("Data Overload in Intelligence", name_terms("Data Overload"))
    True
    >>> narrows("Erosion of Privacy Rights", name_terms("Privacy Erosion"))
    False
    """
    split = roles(longer, FIELD_MARKERS)
    if split is None:
        return False
    extra = set(name_terms(longer)) - set(shorter)
    return bool(extra) and extra <= split.object and not split.object & set(shorter) and bool(
        split.head & set(shorter))


#: letters with dots: "A.I.", "U.S."
_DOTTED = re.compile(r"\b((?:[A-Za-z]\.){2,4})")


def _undotted(match: re.Match[str]) -> str:
    return match.group(1).replace(".", "") + " "


def _spelled_form(name: str) -> str:
    """A name without the parenthesis that repeats it: "BIM (Building Information Modeling)" is the longer part;
    dotted letters joined: "A.I." is "AI", "U.S." is "US"."""
    name = _DOTTED.sub(_undotted, name)
    inside = " ".join(re.findall(r"\(([^)]*)\)", name))
    outside = _PARENTHESES.sub(" ", name).strip()
    if inside and len(tokens(inside)) > len(tokens(outside)):
        return inside
    return outside or name


@dataclass
class TermWeights:
    """How much each term says: its inverse document frequency among a set of names."""

    weights: dict[str, float] = field(default_factory=dict)
    default: float = 1.0

    @classmethod
    def of(cls, names: Iterable[tuple[str, ...]]) -> TermWeights:
        counts: Counter[str] = Counter()
        total = 0
        for terms in names:
            total += 1
            counts.update(terms)
        weights = {term: math.log((total + 1) / (count + 0.5)) for term, count in counts.items()}
        return cls(weights, math.log((total + 1) / 0.5))

    def __call__(self, term: str) -> float:
        return self.weights.get(term, self.default)


@dataclass(frozen=True)
class Verdict:
    """How close two names are (0-1), and how that was decided."""

    score: float
    method: str
    evidence: str

    @property
    def same(self) -> bool:
        return self.score >= SAME

    @property
    def likely(self) -> bool:
        return LIKELY <= self.score < SAME


def compare(a: tuple[str, ...], b: tuple[str, ...], weight: TermWeights) -> Verdict:
    """Score two names by their terms (see :func:`name_terms`).

    Example:
        >>> weights = TermWeights.of([("data", "privacy"), ("data", "security"), ("data",), ("privacy",)])
        >>> compare(("data", "privacy"), ("data", "security"), weights).same
        False
        >>> compare(("privacy",), ("privacy",), weights).method
        'normalized-name'
    """
    if a == b:
        return Verdict(1.0, "normalized-name", f"same terms: {' '.join(a)}")
    if any(term.startswith(SENSE_MARK) for term in (*a, *b)):
        # a sense of its own (its rows describe another thing than its terms' other wordings) is never merged by
        # its terms: compared without the mark, it is at most a likely merge
        bare = compare(tuple(t for t in a if not t.startswith(SENSE_MARK)),
                       tuple(t for t in b if not t.startswith(SENSE_MARK)), weight)
        return Verdict(min(bare.score, round(LIKELY + (SAME - LIKELY) / 2, 3)), "fuzzy-name",
                       f"{bare.evidence}; a sense of its own")
    shared = set(a) & set(b)
    only_a = [t for t in a if t not in shared]
    only_b = [t for t in b if t not in shared]
    # spelling variants (organisation/organization) and forms of one word (technology/technological) count as shared
    for term in list(only_a):
        match = next((other for other in only_b if _variants(term, other)), None)
        if match:
            only_a.remove(term)
            only_b.remove(match)
            shared.add(term)
    if not shared:
        return Verdict(0.0, "fuzzy-name", "no shared term")
    # fsum: exact, so a set's iteration order (which varies between runs) cannot move a score across a threshold
    common = math.fsum(weight(t) for t in shared)
    rest_a = math.fsum(weight(t) for t in only_a)
    rest_b = math.fsum(weight(t) for t in only_b)
    jaccard = common / (common + rest_a + rest_b)
    # one name inside the other: the same concept when what the longer one adds says little
    contained = 0.0
    if not only_a or not only_b:
        extra = rest_a + rest_b
        contained = common / (common + EXTRA_WEIGHT * extra)
    score = max(jaccard, contained)
    evidence = f"shared terms {' '.join(sorted(shared))}"
    if only_a or only_b:
        # a key's mark of a sense or role of its own ("\0sense 2") is shown as "[sense 2]"
        evidence += f"; differ by {' '.join(f'[{t[1:]}]' if t[:1] == chr(0) else t for t in sorted(only_a + only_b))}"
    return Verdict(round(score, 3), "fuzzy-name", evidence)


#: endings that make another form of a word, not a compound
_SUFFIXES = ("ing", "ed", "al", "ally", "ical", "ation", "ations", "ment", "ments", "ness", "ity", "ities", "ly",
             "er", "ers", "ism", "ist", "ists", "ive", "ise", "ize", "ised", "ized")


def _variants(a: str, b: str) -> bool:
    """Whether two terms are spellings or forms of one word.

    >>> _variants("technological", "technology"), _variants("community", "communication")
    (True, False)
    """
    if min(len(a), len(b)) <= 4:
        return False
    short, long = sorted((a, b), key=len)
    if long.startswith(short) and len(long) - len(short) >= 4 and not long.endswith(_SUFFIXES):
        return False  # a compound: "healthcare" is not "health"
    if fuzz.ratio(a, b) >= 88:
        return True
    common = 0
    for left, right in zip(a, b, strict=False):
        if left != right:
            break
        common += 1
    return common >= 6 and common >= 0.8 * min(len(a), len(b))


@dataclass(frozen=True)
class Pair:
    """Two distinct name keys of one kind, with their verdict."""

    a: tuple[str, ...]
    b: tuple[str, ...]
    verdict: Verdict


#: A term shared by more names than this is too common to block on.
MAX_BLOCK = 2000


def key_blocks(key: tuple[str, ...], weight: TermWeights) -> list[str]:
    """The rarest terms of a key that carry more than ``1 - LIKELY`` of its weight.

    Two keys scoring at least :data:`LIKELY` share most of their weight, so they share
    at least one term of their prefixes (prefix filtering, with terms ordered rarest first).
    """
    ordered = sorted(key, key=lambda t: (-weight(t), t))
    total = sum(weight(t) for t in ordered)
    prefix, covered = [], 0.0
    for term in ordered:
        prefix.append(term)
        covered += weight(term)
        if covered > (1.0 - LIKELY) * total + 1e-9:
            break
    return prefix


def candidate_pairs(keys: Sequence[tuple[str, ...]], weight: TermWeights) -> list[Pair]:
    """Score the pairs of keys that can be alike; keep the likely and the same, sorted (deterministic).

    Blocking: keys are indexed by their prefix terms (see :func:`key_blocks`), so only
    keys sharing a rare term are compared; a block larger than :data:`MAX_BLOCK` is skipped.
    """
    blocks: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        for term in key_blocks(key, weight):
            blocks.setdefault(term, []).append(index)
    seen: set[tuple[int, int]] = set()
    found: list[Pair] = []
    for term in sorted(blocks):
        members = blocks[term]
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        for i, left in enumerate(members):
            for right in members[i + 1:]:
                pair = (left, right)
                if pair in seen:
                    continue
                seen.add(pair)
                verdict = compare(keys[left], keys[right], weight)
                if verdict.score >= LIKELY:
                    found.append(Pair(keys[left], keys[right], verdict))
    found.sort(key=lambda p: (-p.verdict.score, p.a, p.b))
    return found


def same_concept(a: str, b: str, weight: TermWeights | None = None) -> Verdict:
    """Whether two names name the same concept (names alone; see :func:`compare`)."""
    left, right = name_terms(a), name_terms(b)
    return compare(left, right, weight or TermWeights())


def weights_for(names: Mapping[str, int] | Iterable[str]) -> TermWeights:
    """Term weights from a collection of names."""
    return TermWeights.of(name_terms(name) for name in names)


#: the words a wording's form ignores: function words only ("Change" and "Needs" tell wordings apart)
_FORM_STOPWORD_TEXT = """
a an and or nor the of in on for to from by with within without into onto via per among amid about above across
after against at as between through toward towards under until up upon over out off down during before is are be
been being it its this that these those their his her our your my which who whom what when where while how why than
then there so such both each all any some no not only own same other s
"""
_FORM_STOPWORDS = frozenset(_FORM_STOPWORD_TEXT.split())


def name_form(name: str) -> tuple[str, ...]:
    """A wording with case, plurals, word order, stopwords, abbreviations and synonyms ignored, but no other word:
    what tells two wordings of one key apart.

    >>> name_form("A.I. Training Systems") == name_form("Artificial Intelligence Training System")
    True
    >>> name_form("AI Training Systems") == name_form("AI Training Platforms")
    False
    """
    words: set[str] = set()
    for word in tokens(_spelled_form(name)):
        if word not in _FORM_STOPWORDS:
            words.update(SYNONYMS.get(part, part) for part in _SPELLED.get(word, (word,)))
    return tuple(sorted(words))


def marked_only(a: Iterable[str], b: Iterable[str]) -> bool:
    """Whether two sets of stemmed words differ only in :data:`MARKERS`, synonyms and word endings.

    >>> marked_only(["security", "risk"], ["security"]), marked_only(["sustainable"], ["sustainability"])
    (True, True)
    >>> marked_only(["ai", "training", "system"], ["ai", "training", "platform"])
    False
    """
    left = {SYNONYMS.get(word, word) for word in a} - MARKERS
    right = {SYNONYMS.get(word, word) for word in b} - MARKERS
    only_left, only_right = left - right, right - left
    return all(any(_variants(x, y) for y in only_right) for x in only_left) and all(
        any(_variants(x, y) for y in only_left) for x in only_right)
