"""Kill foresight at random moments and check that running the same command again repairs the store.

Three commands are cut short with ``kill -9`` (SIGKILL: no cleanup runs):

* ``ingest CORPUS`` into an empty store;
* ``concepts --rebuild`` on a complete store;
* an incremental refresh: ``ingest EXTRA`` into a store that holds CORPUS (in place, when CORPUS holds 500
  articles or more: :mod:`foresight.derived.incremental`).

After each kill the same command is run again to the end, and the store's N-Quads
(``foresight export --format nquads``, lines sorted) must equal those of a clean
build of the same scans. Each kill lands at a moment drawn uniformly from the
command's own uninterrupted run time, measured first; the figures printed say at
what fraction of it each kill landed, and whether the store came out equal.

Usage::

    python benchmarks/kill.py [--corpus ../shared/corpus/bulk] [--extra FILE] [--kills 20] [--seed 0] [--work DIR]
                              [--only refresh]

Exit status 1 when any store differs from its clean build.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "bulk"
DEFAULT_EXTRA = ROOT / "tests" / "data" / "mini.md"
COMMAND = [sys.executable, "-m", "foresight.cli"]


@dataclass
class Trial:
    """One kill: which command, when (seconds and fraction of a whole run), and whether the store recovered."""

    phase: str
    at: float
    fraction: float
    killed: bool
    equal: bool


def foresight(store: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the CLI to the end."""
    result = subprocess.run([*COMMAND, "--store", str(store), *args], capture_output=True, text=True,
                            env={**os.environ, "FORESIGHT_OVERRIDES": ""}, cwd=ROOT)
    if check and result.returncode != 0:
        raise RuntimeError(f"foresight {' '.join(args)} failed: {result.stderr.strip()[:500]}")
    return result


def fingerprint(store: Path) -> tuple[str, int]:
    """The store's quads as sorted N-Quads: their digest and count."""
    result = foresight(store, "export", "--format", "nquads")
    lines = sorted(line for line in result.stdout.splitlines() if line.strip())
    return hashlib.sha256("\n".join(lines).encode()).hexdigest(), len(lines)


def fresh(store: Path) -> None:
    shutil.rmtree(store, ignore_errors=True)
    shutil.rmtree(store.with_name(store.name + ".cache"), ignore_errors=True)


def timed(store: Path, *args: str) -> float:
    start = time.perf_counter()
    foresight(store, *args)
    return time.perf_counter() - start


def kill_at(store: Path, args: list[str], delay: float) -> bool:
    """Start the command and SIGKILL it after ``delay`` seconds; False when it ended first."""
    process = subprocess.Popen([*COMMAND, "--store", str(store), *args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env={**os.environ, "FORESIGHT_OVERRIDES": ""}, cwd=ROOT)
    try:
        process.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True


def copy_store(source: Path, target: Path) -> None:
    fresh(target)
    shutil.copytree(source, target)
    cache = source.with_name(source.name + ".cache")
    if cache.is_dir():
        shutil.copytree(cache, target.with_name(target.name + ".cache"))


def run(corpus: Path, extra: Path, kills: int, seed: int, work: Path, only: str | None = None) -> list[Trial]:
    """Build the clean stores, then make ``kills`` kills spread over the three commands."""
    rng = random.Random(seed)
    base, whole = work / "clean-base", work / "clean-whole"
    fresh(base)
    fresh(whole)
    ingest_time = timed(base, "ingest", str(corpus), "-q")
    base_print = fingerprint(base)
    timed(whole, "ingest", str(corpus), "-q")
    refresh_time = timed(whole, "ingest", str(extra), "-q")
    whole_print = fingerprint(whole)
    rebuild_time = timed(base, "concepts", "--rebuild")
    if fingerprint(base) != base_print:
        raise RuntimeError("concepts --rebuild on a complete store changed it")
    print(f"clean runs: ingest {ingest_time:.1f} s ({base_print[1]:,} quads), concepts --rebuild "
          f"{rebuild_time:.1f} s, incremental refresh {refresh_time:.1f} s ({whole_print[1]:,} quads)", flush=True)
    phases = [(name, seconds) for name, seconds in (("ingest", ingest_time), ("concepts --rebuild", rebuild_time),
                                                     ("refresh", refresh_time)) if not only or name == only]
    trials = []
    store = work / "store"
    for number in range(kills):
        phase, duration = phases[number % len(phases)]
        delay = rng.uniform(0.05, 1.0) * duration
        if phase == "ingest":
            fresh(store)
            args, expected = ["ingest", str(corpus), "-q"], base_print
        elif phase == "concepts --rebuild":
            copy_store(base, store)
            args, expected = ["concepts", "--rebuild"], base_print
        else:
            copy_store(base, store)
            args, expected = ["ingest", str(extra), "-q"], whole_print
        killed = kill_at(store, args, delay)
        foresight(store, *args)  # the same command again, to the end
        equal = fingerprint(store) == expected
        trials.append(Trial(phase, round(delay, 2), round(delay / duration, 2), killed, equal))
        print(f"  kill {number + 1:>2}: {phase:<19} at {delay:5.2f} s ({delay / duration:4.0%} of a run)"
              f"{'' if killed else ' (ended first)'}: {'equal to a clean build' if equal else 'DIFFERENT'}",
              flush=True)
    return trials


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the scans of the clean build")
    parser.add_argument("--extra", type=Path, default=DEFAULT_EXTRA, help="the scan the incremental refresh adds")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, help="keep the stores here (default: a temporary folder)")
    parser.add_argument("--only", choices=["ingest", "concepts --rebuild", "refresh"],
                        help="kill this command only")
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        print(f"no corpus at {args.corpus} (../shared beside the project); nothing to kill")
        return 0
    with tempfile.TemporaryDirectory(prefix="foresight-kill-") as temporary:
        work = args.work or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        trials = run(args.corpus, args.extra, args.kills, args.seed, work, args.only)
    killed = [t for t in trials if t.killed]
    equal = sum(t.equal for t in trials)
    print(f"{equal} of {len(trials)} stores equal to a clean build after the command was run again "
          f"({len(killed)} killed mid-run, {len(trials) - len(killed)} ended before the kill)")
    for phase in dict.fromkeys(t.phase for t in trials):
        mine = [t for t in trials if t.phase == phase]
        print(f"  {phase}: {sum(t.equal for t in mine)} of {len(mine)} equal, "
              f"{sum(t.killed for t in mine)} killed mid-run")
    return 0 if equal == len(trials) else 1


if __name__ == "__main__":
    sys.exit(main())
