"""Score STEEP tags against a blind labelling: how often foresight's category is one the labeller accepts.

    python benchmarks/steep_score.py DIR      # DIR holds steep-labelled.tsv and steep-key.tsv (benchmarks/audit.py)

Prints the share of tags right (foresight's category among the labeller's) with a 95 % Wilson interval, the
same for the second category where one was given, by method (lexicon, exemplars, both), and every miss.
Figures, not a test: exit status 0.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from semantic import wilson


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    with (args.folder / "steep-labelled.tsv").open(encoding="utf-8", newline="") as handle:
        labelled = {row["n"]: row for row in csv.DictReader(handle, delimiter="\t")}
    with (args.folder / "steep-key.tsv").open(encoding="utf-8", newline="") as handle:
        given = {row["n"]: row for row in csv.DictReader(handle, delimiter="\t")}
    right = seconds = seconds_right = 0
    by_method: dict[str, list[int]] = {}
    misses = []
    for n, row in labelled.items():
        accepted = {c.strip() for c in row["categories"].split(",") if c.strip()}
        tag = given[n]
        hit = tag["category"] in accepted
        right += hit
        by_method.setdefault(tag["method"], [0, 0])[0] += hit
        by_method[tag["method"]][1] += 1
        if tag["second"]:
            seconds += 1
            seconds_right += tag["second"] in accepted
        if not hit:
            gave = tag["category"] or "-"
            misses.append(f"  {n:>3} {row['label'][:60]!r}: gave {gave}, labelled {row['categories']}")
    total = len(labelled)
    low, high = wilson(right, total)
    print(f"right: {right} of {total} = {right / total:.1%} [{low:.1%}, {high:.1%}]")
    if seconds:
        low, high = wilson(seconds_right, seconds)
        print(f"second categories accepted: {seconds_right} of {seconds} [{low:.1%}, {high:.1%}]")
    for method, (hits, count) in sorted(by_method.items()):
        print(f"  by {method}: {hits} of {count}")
    print("misses:", *misses, sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
