"""The whole build as a user runs it, cold CLI processes: ingest (concepts, topics, embeddings), one new scan, answers.

    python benchmarks/semantic_build.py [--count 10000] [--skip-generated] [--work DIR]

For the bulk scans and a generated corpus of ``--count`` scans (``benchmarks/corpus.py``), each in a fresh
store with an empty embedding cache:

1. ``foresight ingest DIR`` in a fresh process: wall time, the process's peak RSS, the embedding cache's
   size and the whole derived folder's size;
2. one new scan added (``foresight ingest FILE``, a real scan of ``../shared/corpus/real`` the store has never
   seen, so its texts are embedded too), three times with three different scans: wall time and peak RSS each,
   and how the derived data followed (in place, or in full and why: :mod:`foresight.derived.incremental`);
3. cold answers: ``topics``, ``concepts``, ``paths "deepfakes" "misinformation"``, ``topics "mental health"``,
   five fresh processes each: median and slowest.

Run with the semantic extra, and with ``FORESIGHT_SEMANTIC=off`` for the lexical figures. Figures, not a
test: exit status 0; without ``../shared`` it says so and stops. Stores live in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import DEFAULT_BULK, generate_corpus  # noqa: E402

COMMAND = [sys.executable, "-m", "foresight.cli"]
QUESTIONS = [["topics", "-n", "10"], ["concepts", "-n", "10"], ["paths", "deepfakes", "misinformation"],
             ["topics", "mental health"]]


def run(store: Path, *args: str) -> tuple[float, float]:
    """Run one command in a fresh process: (seconds, peak RSS in MB of that process)."""
    seconds, peak, _ = run_told(store, *args)
    return seconds, peak


def run_told(store: Path, *args: str) -> tuple[float, float, str]:
    """Run one command in a fresh process: (seconds, peak RSS in MB of that process, what it said on stderr)."""
    wrapper = ("import resource, subprocess, sys, time; start = time.perf_counter(); "
               "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
               "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, "
               "code)")
    result = subprocess.run([sys.executable, "-c", wrapper, *COMMAND, "--store", str(store), *args],
                            capture_output=True, text=True, check=True)
    seconds, peak, code = result.stdout.split()
    if code != "0":
        raise RuntimeError(f"{args} failed with {code}: {result.stderr[-2000:]}")
    return float(seconds), float(peak), result.stderr


def _how(stderr: str) -> str:
    """How ``ingest`` said the derived data followed: in place, or in full and why."""
    said = " ".join(stderr.split())
    return said.split("concepts updated", 1)[1].strip() if "concepts updated" in said else "(not said)"


def size(path: Path) -> float:
    """Megabytes of a file, or of every file in a folder."""
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6 if path.exists() else 0.0


def measure(name: str, corpus: Path, work: Path, extra: list[Path]) -> None:
    store = work / name
    seconds, peak = run(store, "ingest", str(corpus), "-q")
    derived = store.with_name(store.name + ".cache") / "derived"
    print(f"{name}: ingest {seconds:.1f} s, peak RSS {peak:.0f} MB, embedding cache "
          f"{size(derived / 'embeddings.sqlite'):.1f} MB, derived data {size(derived):.1f} MB", flush=True)
    added = []
    for path in extra:
        seconds, peak, said = run_told(store, "ingest", str(path))
        added.append(seconds)
        print(f"{name}: one new scan ({path.name}): {seconds:.2f} s, peak RSS {peak:.0f} MB, concepts updated "
              f"{_how(said)}", flush=True)
    print(f"{name}: one new scan, {len(added)} times: " + ", ".join(f"{s:.2f} s" for s in added)
          + f" (median {statistics.median(added):.2f} s)", flush=True)
    for question in QUESTIONS:
        times = sorted(run(store, *question)[0] for _ in range(5))
        print(f"{name}: {' '.join(question)}: median {statistics.median(times):.2f} s, slowest {times[-1]:.2f} s",
              flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--skip-generated", action="store_true")
    parser.add_argument("--work", type=Path, help="keep the stores here (default: a temporary folder)")
    args = parser.parse_args(argv)
    from foresight.derived.embeddings import mode

    real = DEFAULT_BULK.parent / "real"
    if not DEFAULT_BULK.is_dir() or not real.is_dir():
        print(f"skipped: {DEFAULT_BULK} or {real} is absent")
        return 0
    extra = sorted(real.glob("*.md"))[:3]
    print(f"matching: {mode()}; {os.cpu_count()} cores", flush=True)
    work = args.work or Path(tempfile.mkdtemp(prefix="foresight-build-"))
    try:
        measure("bulk", DEFAULT_BULK, work, extra)
        if not args.skip_generated:
            corpus = work / "generated"
            started = time.perf_counter()
            generate_corpus(corpus, args.count, DEFAULT_BULK)
            print(f"generated {args.count:,} scans in {time.perf_counter() - started:.1f} s", flush=True)
            measure(f"generated-{args.count}", corpus, work, extra)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
