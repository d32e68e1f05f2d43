"""Words of scan text, the way foresight compares them: normalised, lightly stemmed, stopwords known.

Linking rows inside a scan, matching a user's words against driving forces and
(later) merging names across scans all compare texts word by word; they share
these few functions so that they agree on what a word is.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence

# Words that carry no topic in a foresight scan: grammar, and the scans' own stock phrases.
_STOPWORD_TEXT = """
suggest suggests suggesting around toward topic topics a about above across after again against all also am an and
any are as at be because been before being between both but by can could did do does doing down during each few for
from further had has have having he her here hers him his how i if in into is it its itself just may might more most
much must my no nor not now of off on once only or other our out over own same she should so some such than that the
their them then there these they this those through to too under until up upon very was we were what when where
which while who whom why will with within without would you your yet via per among amid toward towards onto new
increase increased increasing increasingly growing growth grow rising rise use used using uses usage potential
potentially concern concerns concerned issue issues impact impacts lead leading leads need needs shift shifting
change changes changing move moving trend trends towards greater related regarding various like including include
includes significant significantly possible possibly become becoming becomes make makes making many several one two
three new novel current currently future year years decade decades ability able due given based effect effects role
way ways within across especially particularly level levels high higher low lower approach approaches among public
people
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_WORD = re.compile(r"[A-Za-z0-9]+")
# "C++" and "C#" are words of their own, not "c": the symbols after a letter or digit are spelled out
_SYMBOLS = re.compile(r"(?<=[A-Za-z0-9])(\+\+|#)")


def spell_symbols(text: str) -> str:
    """Spell out ``++`` and ``#`` after a letter or digit, so that C, C# and C++ stay three words.

    >>> spell_symbols("C, C# and C++ but #MeToo")
    'C, Csharp and Cpp but #MeToo'
    """
    if "#" not in text and "+" not in text:
        return text
    return _SYMBOLS.sub(lambda match: "pp" if match.group(1) == "++" else "sharp", text)


def normalise(text: str) -> str:
    """Lowercase ASCII text with every run of non-word characters turned into one space.

    >>> normalise("Public Self-Censorship, in cities.")
    'public self censorship in cities'
    """
    return " ".join(_words(text))


def _words(text: str) -> list[str]:
    return [word.lower() for word in written_words(text)]


def written_words(text: str) -> list[str]:
    """The words of a text as written (case kept): the words :func:`tokens` stems, one for one.

    >>> written_words("Assemblée's C++ rules")
    ['Assemblee', 's', 'Cpp', 'rules']
    """
    text = spell_symbols(text)
    if not text.isascii():  # accents folded: "Assemblée" is "assemblee"
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _WORD.findall(text)


def holds_run(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    """Whether ``needle`` occurs as consecutive words of ``haystack``.

    >>> holds_run(["rise", "of", "generative", "ai"], ["generative", "ai"]), holds_run(["ai", "x"], ["x", "ai"])
    (True, False)
    """
    size = len(needle)
    if not size or size > len(haystack):
        return False
    first = needle[0]
    return any(haystack[i] == first and all(haystack[i + k] == needle[k] for k in range(1, size))
               for i in range(len(haystack) - size + 1))


# Words ending in s that are not plurals.
_NOT_PLURAL_TEXT = """news series species analysis physics ethics economics politics logistics mathematics
diabetes lens gas bias status campus virus crisis basis thesis canvas atlas chaos alias census corpus consensus
genesis synthesis diagnosis prognosis emphasis hypothesis paralysis dialysis tennis always perhaps"""
_NOT_PLURAL = frozenset(_NOT_PLURAL_TEXT.split())


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light English stem: plural and possessive endings removed.

    >>> [stem(w) for w in ["policies", "cameras", "access", "bias", "protests", "news"]]
    ['policy', 'camera', 'access', 'bias', 'protest', 'news']
    """
    if word in _NOT_PLURAL:
        return word
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """The stemmed words of a text, in order (stopwords kept, for phrase matching)."""
    return [stem(word) for word in _words(text)]


def content_terms(words: list[str]) -> set[str]:
    """The words of a text that can carry its topic."""
    return {word for word in words if word not in STOPWORDS and len(word) > 2 and not word.isdigit()}




def name_key(text: str) -> str:
    """A name with case and spacing ignored (how names are looked up).

    >>> name_key("  Live  Facial Recognition ")
    'live facial recognition'
    """
    return " ".join(text.casefold().split())


def stem_key(text: str) -> str:
    """A name with each word stemmed, so that plurals and endings match.

    >>> stem_key("Protests") == stem_key("protest")
    True
    """
    return " ".join(tokens(text)) or name_key(text)


def newest_stamp(days: Iterable[str | None]) -> int:
    """The newest of some ISO dates as a number (20240131), 0 when none is a date.

    >>> newest_stamp(["2024-01-31", None, "2023-05-01"])
    20240131
    """
    day = max((d or "" for d in days), default="")
    return int(day.replace("-", "")) if day[:4].isdigit() else 0
