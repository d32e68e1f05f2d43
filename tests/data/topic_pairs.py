"""Build the blind evaluation set ``topic-pairs.tsv``: topic phrases co-mentioned across articles.

Usage (from the repository root; Python 3.11 standard library only)::

    python tests/data/topic_pairs.py [corpus_dir] > tests/data/topic-pairs.tsv

``corpus_dir`` defaults to ``<repo>/../shared/corpus/bulk``, resolved from this file's location.
Statistics go to stderr. The output is deterministic (``random.Random(13)``).

This script reads the scan markdown directly; it does not import foresight, so the set is made without
seeing the method it judges. The rules (also in ``tests/data/README.md``):

Articles
    Every ``*.md`` file is one scan. Its table text is every line that starts with ``|``, lowercased, with
    runs of whitespace collapsed to one space. Files with the same table text are copies of one article and
    count once (the first file in name order stands for it).

Cells (a)
    Each table row is split on ``|``. The first cell is ``name``; the text cells are every cell except the
    trailing ``relevancy`` number (name, description, change, 10-year, driving-force). A row with more cells
    than its header (a literal ``|`` inside a description) has the extra cells joined back into the
    description. Header and ``:---`` separator lines are skipped.

Phrase key (b)
    A ``name`` cell of a Concerns, Behaviors, Technologies or Issues row (not Signals, whose names describe
    shifts) is turned into a phrase key by:

    1. lowercasing, ``’`` to ``'``, dropping any parenthesised part (``(ai)``, ``(genai)``), turning hyphens
       into spaces, collapsing whitespace and trimming non-alphanumeric characters from both ends;
    2. dropping a leading ``potential for`` or ``the``;
    3. folding the plural of the last word (``fold``, below);
    4. dropping a last word that only names the kind of row: ``concern``, ``risk``, ``issue``,
       ``challenge``, ``threat``, ``implication``, ``technology``, when at least one word remains and the
       word before it is not a function word (``of``, ``on``, ``in``, ``to``, ``for``, ``and``, ``or``,
       ``with``, ``by``, ``from``, ``a``, ``an``, ``the``), and folding the new last word again
       (``data privacy concerns`` -> ``data privacy``, ``deepfake technology`` -> ``deepfake``).

    Plural fold of a word: none for ``NO_FOLD`` words (news, series, species, bias, lens, chaos, ethos,
    atlas, canvas, alias); ``-ies`` (5+ letters) -> ``-y``; ``-sses``, ``-shes``, ``-ches``, ``-xes``,
    ``-zzes`` lose ``es``; else a final ``s`` is dropped when the word has 4+ letters, does not end in
    ``ss``, ``us``, ``is`` or ``ics``.

    A key is a **candidate topic phrase** when it has 1 to 3 words, is the complete key of such a name in
    at least 3 distinct articles, and is not in ``STOPLIST``: ai, technology, innovation, change (too broad
    to be a topic; none is a full name in 3 articles anyway), regulatory, environmental, ethical,
    integration, scalability, misuse, exploitation, security, safety, accessibility, transparency,
    environmental impact (adjectives left once a kind word is dropped, and generic qualities or processes
    that are no topic on their own). The phrase shown in the file is the most frequent form of those names
    after steps 1, 2 and 4 but keeping hyphens and the plural (ties: alphabetical): ``Data Privacy
    Concerns`` is shown as ``data privacy``, ``Deepfakes`` as ``deepfakes``.

Mention (c)
    An article mentions a key when the key occurs in any of its text cells, case-insensitively, as whole
    words (not preceded or followed by a letter, digit or underscore), with a space or a hyphen accepted
    between the words, and the last word plural-tolerant: an optional ``s`` or ``es``, or for a key ending
    in consonant + ``y``, ``y`` or ``ies``. Matches never span two cells.

Pairs (d)
    Every pair of candidate phrases where neither key contains the other as a contiguous run of words
    (each word plural-folded), co-mentioned in at least 5 distinct articles.

Sample (e)
    The pairs are split into strata by co-mention count: 5-9, 10-24, 25+. Each stratum is sorted by
    (a, b) and ``random.Random(13).sample`` draws 17, 17 and 16 pairs (a stratum too small gives all it
    has, and the shortfall goes to the other strata in order). The four ``issue`` pairs are not in the pool.

Issue pairs (f)
    Four pairs from a user report are appended with ``source=issue``, counted by rule (c) whether or not
    their phrases are candidates.

Output: ``a  b  articles  a_articles  b_articles  source``, tab-separated, with a header; ``a`` < ``b`` by
key; rows in the order drawn (stratum 5-9, then 10-24, then 25+), then the issue pairs.
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

SEED = 13
MIN_NAME_ARTICLES = 3
MIN_PAIR_ARTICLES = 5
MAX_WORDS = 3
STRATA = ((5, 9, 17), (10, 24, 17), (25, None, 16))
KINDS = frozenset({"concerns", "behaviors", "technologies", "issues"})
KIND_WORDS = frozenset({"concern", "risk", "issue", "challenge", "threat", "implication", "technology"})
NO_FOLD = frozenset({"news", "series", "species", "bias", "lens", "chaos", "ethos", "atlas", "canvas", "alias"})
FUNCTION_WORDS = frozenset({"a", "an", "the", "of", "on", "in", "to", "for", "and", "or", "with", "by", "from"})
#: keys too generic to be a topic on their own: adjectives left once a kind word is dropped, generic
#: qualities and processes, and "ai", "technology", "innovation", "change" alone (too broad: "ai" is
#: mentioned in 725 of the 1,579 articles; none of these four is a full name in 3 articles anyway)
STOPLIST = frozenset({"ai", "technology", "innovation", "change", "regulatory", "environmental", "ethical",
                      "integration", "scalability", "misuse", "exploitation", "security", "safety", "accessibility",
                      "transparency", "environmental impact"})
ISSUE_PAIRS = (
    ("generative AI", "misinformation"),
    ("deepfakes", "misinformation"),
    ("AI chatbots", "mental health"),
    ("quantum computing", "cybersecurity"),
)


def fold(word: str) -> str:
    """Plural fold of one word (see the module docstring)."""
    if word in NO_FOLD:
        return word
    if len(word) >= 5 and word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return word[:-2]
    if word.endswith("s") and len(word) >= 4 and not word.endswith(("ss", "us", "is", "ics")):
        return word[:-1]
    return word


def surface(name: str) -> str:
    """Step 1 of the phrase key, keeping hyphens."""
    text = name.lower().replace("\u2019", "'")
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"^[^a-z0-9]+|[^a-z0-9]+$", "", text)


def _trim(words: list[str]) -> list[str]:
    """Steps 2 and 4: leading 'potential for' / 'the', a trailing kind word."""
    for prefix in (["potential", "for"], ["the"]):
        if words[: len(prefix)] == prefix and len(words) > len(prefix):
            words = words[len(prefix):]
    if len(words) > 1 and fold(words[-1]) in KIND_WORDS and words[-2] not in FUNCTION_WORDS:
        words = words[:-1]
    return words


def key_of(name: str) -> str:
    """The phrase key of a name (rule b, steps 1-4)."""
    words = _trim(surface(name).replace("-", " ").split())
    if not words:
        return ""
    words[-1] = fold(words[-1])
    return " ".join(words)


def display_of(name: str) -> str:
    """The name as shown in the file: steps 1, 2 and 4, keeping hyphens and the plural."""
    return " ".join(_trim(surface(name).split()))


def pattern_of(key: str) -> re.Pattern[str]:
    """Rule (c) on lowercased text: whole words, space or hyphen between words, plural-tolerant last word."""
    words = key.split()
    *head, last = words
    if len(last) >= 2 and last.endswith("y") and last[-2] not in "aeiou":
        last_re = re.escape(last[:-1]) + "(?:y|ies)"
    else:
        last_re = re.escape(last) + "(?:s|es)?"
    body = r"[\s\-]+".join([re.escape(w) for w in head] + [last_re])
    return re.compile(r"\b" + body + r"\b")  # keys start and end with a letter or digit


def parse(path: Path) -> tuple[str, list[tuple[str, str]], list[str]]:
    """(normalised table text, [(section, name)], [text cells]) of one scan."""
    lines = path.read_text(encoding="utf-8").splitlines()
    table = "\n".join(re.sub(r"\s+", " ", line.lower()).strip() for line in lines if line.startswith("|"))
    names: list[tuple[str, str]] = []
    cells: list[str] = []
    section, width = "", 0
    for line in lines:
        if line.startswith("## "):
            section, width = line[3:].strip().lower(), 0
            continue
        if not line.startswith("|"):
            continue
        parts = [c.strip() for c in line.strip().removeprefix("|").removesuffix("|").split("|")]
        if not width:  # header line
            width = len(parts)
            continue
        if all(set(p) <= set(":- ") for p in parts):
            continue
        if len(parts) > width:  # a literal | inside the description
            extra = len(parts) - width
            parts = [parts[0], "|".join(parts[1:2 + extra]), *parts[2 + extra:]]
        text = parts[:-1]  # drop relevancy
        cells.extend(c for c in text if c)
        if text and text[0]:
            names.append((section, text[0]))
    return table, names, cells


def contains(a: str, b: str) -> bool:
    """Whether one key holds the other as a contiguous run of (plural-folded) words."""
    wa, wb = [fold(w) for w in a.split()], [fold(w) for w in b.split()]
    if len(wa) < len(wb):
        wa, wb = wb, wa
    return any(wa[i: i + len(wb)] == wb for i in range(len(wa) - len(wb) + 1))


def main(argv: list[str]) -> int:
    corpus = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[2].parent / "shared/corpus/bulk"
    files = sorted(corpus.glob("*.md"))
    if not files:
        print(f"no scans in {corpus}", file=sys.stderr)
        return 1

    # articles, deduplicated on table text
    seen: set[str] = set()
    articles: list[tuple[str, list[tuple[str, str]], list[str]]] = []
    for path in files:
        table, names, cells = parse(path)
        if table in seen:
            continue
        seen.add(table)
        articles.append((path.name, names, cells))

    # rule (b): candidate phrases
    name_articles: dict[str, set[int]] = defaultdict(set)
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for i, (_, names, _) in enumerate(articles):
        for section, name in names:
            if section not in KINDS:
                continue
            key = key_of(name)
            if key and len(key.split()) <= MAX_WORDS:
                name_articles[key].add(i)
                forms[key][display_of(name)] += 1
    candidates = sorted(k for k, arts in name_articles.items()
                        if len(arts) >= MIN_NAME_ARTICLES and k not in STOPLIST)

    def display(key: str) -> str:
        if key in forms:
            return min(forms[key].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        return key

    # rule (c): mentions
    # cells joined by NUL, which no pattern can match across
    texts = ["\0".join(c.replace("\0", " ") for c in cells).lower() for _, _, cells in articles]

    def mentioned(key: str) -> frozenset[int]:
        pat, first = pattern_of(key), key.split()[0][:-1]  # a literal every match contains
        return frozenset(i for i, text in enumerate(texts) if first in text and pat.search(text))

    mentions = {k: mentioned(k) for k in candidates}

    # rule (d): qualifying pairs
    issue_keys = {tuple(sorted((key_of(a), key_of(b)))) for a, b in ISSUE_PAIRS}
    pairs: list[tuple[str, str, int]] = []
    for a, b in combinations(candidates, 2):
        if contains(a, b):
            continue
        n = len(mentions[a] & mentions[b])
        if n >= MIN_PAIR_ARTICLES:
            pairs.append((a, b, n))
    pool = [p for p in pairs if (p[0], p[1]) not in issue_keys]

    # rule (e): stratified sample
    rng = random.Random(SEED)
    strata = [sorted(p for p in pool if lo <= p[2] and (hi is None or p[2] <= hi)) for lo, hi, _ in STRATA]
    want = [n for _, _, n in STRATA]
    take = [min(w, len(s)) for w, s in zip(want, strata, strict=True)]
    short = sum(want) - sum(take)
    for i, s in enumerate(strata):
        extra = min(short, len(s) - take[i])
        take[i] += extra
        short -= extra
    sample = [p for s, t in zip(strata, take, strict=True) for p in rng.sample(s, t)]

    # output
    out = sys.stdout
    out.write("a\tb\tarticles\ta_articles\tb_articles\tsource\n")
    for a, b, n in sample:
        out.write(f"{display(a)}\t{display(b)}\t{n}\t{len(mentions[a])}\t{len(mentions[b])}\tsample\n")
    for ra, rb in ISSUE_PAIRS:
        (ka, da), (kb, db) = sorted([(key_of(ra), ra), (key_of(rb), rb)])
        ma = mentions[ka] if ka in mentions else mentioned(ka)
        mb = mentions[kb] if kb in mentions else mentioned(kb)
        da = display(ka) if ka in mentions else da.lower()
        db = display(kb) if kb in mentions else db.lower()
        out.write(f"{da}\t{db}\t{len(ma & mb)}\t{len(ma)}\t{len(mb)}\tissue\n")

    err = sys.stderr
    print(f"files {len(files)}, articles {len(articles)} ({len(files) - len(articles)} duplicate files)", file=err)
    stopped = sorted(k for k, arts in name_articles.items() if len(arts) >= MIN_NAME_ARTICLES and k in STOPLIST)
    print(f"candidate phrases {len(candidates)} (stoplisted {len(stopped)}: {', '.join(stopped)})", file=err)
    print(f"qualifying pairs {len(pairs)} (pool without issue pairs {len(pool)})", file=err)
    for (lo, hi, _), s, t in zip(STRATA, strata, take, strict=True):
        print(f"stratum {lo}-{hi if hi else ''}: {len(s)} pairs, sampled {t}", file=err)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
