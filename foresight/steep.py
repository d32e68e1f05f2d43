"""STEEP(LE)+V tags: which domain of change a concept belongs to.

Seven categories, the usual horizon-scanning split: social, technological, economic, environmental, political,
legal, and values (ethics, trust, rights). A concept is tagged from its name (and description, when it has
one):

1. **Lexicon.** Each category has a list of words and phrases (:data:`LEXICON`, stems as
   :func:`foresight.text.tokens` makes them). Every hit counts one for its category; a phrase counts once, not
   also for its words. A technology word counts 0.75 when another category's word is there too
   (:data:`TECHNOLOGY_WEIGHT`).
2. **Exemplars** (the semantic extra). Each category has a dozen short exemplar phrases (:data:`EXEMPLARS`,
   written for foresight, none taken from a scan). The concept's name is embedded (it already is: the merger
   embeds every name); its closeness to a category is the mean cosine to the category's :data:`NEAREST`
   closest exemplars, and the closeness to all seven is turned into shares (a softmax at :data:`TEMPERATURE`),
   added to the lexicon's shares at :data:`SEMANTIC_WEIGHT`, less :data:`VALUES_OFFSET` for values. A concept
   without any lexicon hit is tagged by the exemplars alone. (The name with its description was tried too: as
   right on 240 hand-labelled concepts, 210 against 209, and a description costs an embedding each, about 50
   minutes for the first call at 10,000 scans.)

The tag is the category with the highest score; a second category is kept when it scores at least
:data:`SECOND` of the first (a concept can be both economic and technological).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from foresight.text import tokens

if TYPE_CHECKING:
    import numpy as np

CATEGORIES = ("social", "technological", "economic", "environmental", "political", "legal", "values")

_LEXICON_TEXT = {
    "social": """society social community communities people public culture cultural education educational school
        student teacher learning family families parent child children youth young elderly aging ageing
        generation generational demographic lifestyle behavior behaviour habit consumer consumers wellbeing
        well-being health healthcare mental loneliness isolation identity gender migration migrant urban city
        cities housing home leisure entertainment sport sports media news journalism misinformation
        disinformation online-community workforce worker workers skill skills literacy inclusion diversity
        inequality accessibility religion food diet fitness sleep relationship relationships dating social-media
        mental-health public-health digital-divide upskilling reskilling teamwork psychology psychological
        motivation""",
    "technological": """technology technologies technological tech ai artificial-intelligence algorithm algorithms
        software hardware digital data computing computer quantum robot robots robotic robotics automation
        automated internet platform platforms app apps device devices sensor sensors blockchain chip chips
        semiconductor semiconductors cyber cybersecurity innovation machine-learning model models llm chatbot
        chatbots generative gpt vr ar virtual-reality augmented-reality biotech biotechnology genetic genomics
        crispr drone drones satellite satellites network networks 5g cloud neural engineering autonomous
        wearable wearables smartphone computing-power open-source large-language-model deep-learning
        deepfake deepfakes encryption 3d-printing nanotechnology fusion""",
    "economic": """economic economy economies market markets business businesses industry industries company
        companies corporate corporation finance financial investment investments investor investors cost costs
        price prices pricing revenue profit profits trade tariff tariffs supply-chain job jobs employment
        unemployment labor labour wage wages income inflation startup startups funding venture capital commerce
        retail productivity competition competitive monopoly bank banks banking insurance real-estate gdp
        recession currency currencies crypto cryptocurrency spending consumer-spending affordability pricing
        subscription advertising monetization gig-economy job-displacement workforce-displacement""",
    "environmental": """environment environmental climate carbon emission emissions sustainability sustainable
        energy renewable renewables solar wind fossil coal oil gas pollution biodiversity ecosystem ecosystems
        water drought flood floods heat heatwave weather wildfire wildfires waste recycling circular green
        ocean oceans species conservation nature natural-resources agriculture farming deforestation
        climate-change global-warming net-zero electric-vehicle electric-vehicles ev evs battery batteries
        grid environmental-impact extreme-weather""",
    "political": """political politics government governments governance policy policies policymaker policymakers
        election elections democracy democratic geopolitical geopolitics state national-security security
        military defense defence war conflict diplomacy sanction sanctions parliament congress president
        minister party activism activist protest protests sovereignty nation nations international
        authoritarian censorship propaganda public-sector public-policy surveillance tension tensions rivalry
        alliance alliances bilateral foreign sovereign nationalism export-controls politician politicians""",
    "legal": """law laws legal regulation regulations regulatory regulator regulators legislation legislative
        compliance court courts lawsuit lawsuits litigation copyright copyrights intellectual-property patent
        patents liability liabilities license licensing antitrust contract contracts enforcement ruling judge
        judicial gdpr ban bans lawful unlawful criminal crime prosecution rights-law data-protection""",
    "values": """ethics ethical moral morality trust transparency accountability fairness fair bias biases justice
        authenticity autonomy dignity human-rights rights values value responsibility responsible integrity
        freedom consent equity privacy honesty meaning purpose spirituality empathy humanity
        human-connection manipulation manipulative deception deceptive exploitation discrimination harm""",
}


def _entries(text: str) -> list[tuple[str, ...]]:
    return [tuple(tokens(entry.replace("-", " "))) for entry in text.split()]


#: each category's words and phrases, as stems
LEXICON: dict[str, list[tuple[str, ...]]] = {category: _entries(text) for category, text in _LEXICON_TEXT.items()}

#: short phrases of what each category is about, embedded as its exemplars (the semantic extra)
EXEMPLARS: dict[str, tuple[str, ...]] = {
    "social": ("changing family life", "loneliness and social isolation", "mental health of teenagers",
               "remote learning in schools", "community volunteering", "shifts in consumer habits",
               "generational differences in media use", "public health campaigns", "work-life balance of employees",
               "cultural trends among young people", "urban lifestyle changes", "skills and lifelong learning"),
    "technological": ("machine learning models", "new smartphone features", "cloud computing platforms",
                      "robotics in factories", "quantum computing research", "software development tools",
                      "cybersecurity software", "autonomous vehicles", "data infrastructure", "wearable devices",
                      "generative AI systems", "open source code"),
    "economic": ("rising prices and inflation", "startup funding and venture capital", "job losses in manufacturing",
                 "global trade tariffs", "company profits and revenue", "labour market shortages", "cost of living",
                 "investment in new markets", "business models of platforms", "productivity growth",
                 "supply chain costs", "wages and income"),
    "environmental": ("climate change impacts", "renewable energy adoption", "carbon emissions reduction",
                      "plastic pollution", "biodiversity loss", "water scarcity", "sustainable agriculture",
                      "extreme weather events", "recycling and circular economy",
                      "energy consumption of data centres", "deforestation", "electric vehicle batteries"),
    "political": ("government policy decisions", "national elections", "geopolitical rivalry between states",
                  "military use of drones", "national security threats", "state surveillance",
                  "public protests against the government", "international diplomacy", "foreign interference",
                  "political polarisation", "sanctions between countries", "power of authoritarian regimes"),
    "legal": ("new data protection law", "copyright infringement lawsuits", "court rulings",
              "regulatory compliance requirements", "liability for harm", "bans and legal restrictions",
              "intellectual property rights", "enforcement by regulators", "legislation on artificial intelligence",
              "contracts and licensing", "antitrust cases", "criminal prosecution"),
    "values": ("ethical concerns about AI", "trust in institutions", "transparency and accountability",
               "fairness and bias", "privacy as a human right", "authenticity of content", "moral responsibility",
               "human dignity", "misinformation undermining truth", "equity and inclusion", "meaning and purpose",
               "respect for autonomy"),
}
#: the closest exemplars of a category whose cosines are averaged
NEAREST = 3
#: a technology word counts this much beside another category's word: in these scans technology is the setting
#: of most concepts ("Regulation of AI" is legal, "Ethical Frameworks for AI" values)
TECHNOLOGY_WEIGHT = 0.75
#: the weight of the exemplars' shares against the lexicon's
SEMANTIC_WEIGHT = 0.5
#: taken off the values score where the exemplars vote: abstract names drift towards values' exemplars, which
#: three blind development rounds (seeds 21-23, docs/audits) found too often (27 tags for 36 labels, 9 of them
#: wrong); 0.2 to 0.3 all gave the same count there
VALUES_OFFSET = 0.2
#: the softmax temperature over the exemplars' cosines
TEMPERATURE = 0.05
#: a second category is kept from this share of the first's score
SECOND = 0.75

@dataclass(frozen=True)
class Tag:
    """A concept's STEEP tag: its category, a second one when close, the scores, and how it was found."""

    category: str | None
    second: str | None = None
    scores: Mapping[str, float] = field(default_factory=dict)
    method: str = "lexicon"
    hits: tuple[str, ...] = ()


def _by_first_word() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    found: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for category, listed in LEXICON.items():
        for entry in listed:
            if entry:
                found.setdefault(entry[0], []).append((entry, category))
    for entries in found.values():
        entries.sort(key=lambda item: (-len(item[0]), CATEGORIES.index(item[1])))
    return found


_FIRST_WORDS = _by_first_word()


def lexicon_hits(text: str) -> Counter[str]:
    """How many lexicon words or phrases of each category a text holds (the longest entry at each word wins,
    so a phrase hides its own words).

    >>> sorted(lexicon_hits("Climate change litigation against oil companies").items())
    [('economic', 1), ('environmental', 2), ('legal', 1)]
    """
    words = tokens(text)
    found: Counter[str] = Counter()
    position = 0
    while position < len(words):
        for entry, category in _FIRST_WORDS.get(words[position], ()):
            if tuple(words[position:position + len(entry)]) == entry:
                found[category] += 1
                position += len(entry)
                break
        else:
            position += 1
    return found


def _softmax(values: Sequence[float]) -> list[float]:
    top = max(values)
    exps = [math.exp((v - top) / TEMPERATURE) for v in values]
    total = sum(exps)
    return [e / total for e in exps]


#: texts whose vectors are read and compared at once (memory stays a few tens of MB at any size)
CHUNK = 20_000


def exemplar_cosines(texts: Sequence[str], vectors: Callable[[Sequence[str]], np.ndarray]) -> list[list[float]]:
    """How close each text is to each category (in :data:`CATEGORIES` order): the mean cosine of its vector to
    the category's :data:`NEAREST` closest exemplars."""
    import numpy as np

    def unit(matrix: np.ndarray) -> np.ndarray:
        found: np.ndarray = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        return found

    phrases = [phrase for category in CATEGORIES for phrase in EXEMPLARS[category]]
    # the exemplars are read with the first chunk: one look-up of the kept vectors when there are few texts
    head = unit(np.asarray(vectors([*phrases, *texts[:CHUNK]]), dtype=np.float32))
    exemplars = head[:len(phrases)]
    found: list[list[float]] = []
    for first in range(0, len(texts), CHUNK):
        rows = head[len(phrases):] if first == 0 else unit(np.asarray(vectors(texts[first:first + CHUNK]),
                                                                      dtype=np.float32))
        cosines = rows @ exemplars.T
        columns, start = [], 0
        for category in CATEGORIES:
            end = start + len(EXEMPLARS[category])
            columns.append(np.sort(cosines[:, start:end], axis=1)[:, -NEAREST:].mean(axis=1))
            start = end
        found.extend([float(value) for value in row] for row in np.stack(columns, axis=1))
    return found


def tag_texts(texts: Sequence[str], vectors: Callable[[Sequence[str]], np.ndarray] | None = None,
              names: Sequence[str] | None = None) -> list[Tag]:
    """The tag of each text (a name, or "name: description"); the exemplars read ``names`` (one a text:
    the concepts' names, embedded when they were merged) or else the texts.

    Example:
        >>> [t.category for t in tag_texts(["Carbon emissions of data centres", "Copyright lawsuits"])]
        ['environmental', 'legal']
    """
    semantic: list[list[float]] | None = None
    if vectors is not None and texts:
        semantic = [_softmax(row) for row in exemplar_cosines(list(names or texts), vectors)]
    found = []
    for number, text in enumerate(texts):
        hits = lexicon_hits(text)
        total = sum(hits.values())
        weighted = {category: hits[category] * (TECHNOLOGY_WEIGHT if category == "technological" and
                                                  total > hits[category] else 1.0) for category in CATEGORIES}
        weight_sum = sum(weighted.values())
        scores = {category: weighted[category] / weight_sum if weight_sum else 0.0 for category in CATEGORIES}
        method = "lexicon"
        if semantic is not None:
            shares = dict(zip(CATEGORIES, semantic[number], strict=True))
            weight = SEMANTIC_WEIGHT if total else 1.0
            scores = {c: scores[c] + weight * shares[c] - (VALUES_OFFSET if c == "values" else 0.0)
                      for c in CATEGORIES}
            method = "lexicon+exemplars" if total else "exemplars"
        found.append(_tag(scores, method, tuple(sorted(hits.elements()))))
    return found


def _tag(scores: Mapping[str, float], method: str, hits: tuple[str, ...]) -> Tag:
    ranked = sorted(CATEGORIES, key=lambda c: (-scores[c], CATEGORIES.index(c)))
    best = scores[ranked[0]]
    if best <= 0:
        return Tag(None, None, dict(scores), "none", hits)
    second = ranked[1] if scores[ranked[1]] >= SECOND * best else None
    return Tag(ranked[0], second, {c: round(v, 4) for c, v in scores.items()}, method, hits)


def tag_concepts(concepts: Sequence[tuple[str, str | None]],
                 vectors: Callable[[Sequence[str]], np.ndarray] | None = None) -> list[Tag]:
    """The tag of each concept ((label, description) each), read from "label: description"
    (:func:`foresight.derived.concepts.described`: the text the merger embeds to tell senses apart, so many are
    embedded already)."""
    return tag_texts([described_text(label, description) for label, description in concepts], vectors,
                     [" ".join(label.split()) for label, _ in concepts])


def described_text(label: str, description: str | None) -> str:
    """What a concept is tagged from: "label: description", spaces tidied, or the label alone."""
    about = " ".join(str(description or "").split())
    return f"{' '.join(label.split())}: {about}" if about else " ".join(label.split())


#: the kinds of row tagged by default: what changes and why (not keywords, themes, shifts or outlooks)
TAGGED_KINDS = ("DrivingForce", "Signal", "Technology", "Issue", "Concern", "Behavior")
