"""Cold ``foresight validate``: a fresh process per run, wall time and peak RSS, as the user waits.

Usage::

    python benchmarks/validate.py [--store PATH] [--bulk ../shared/corpus/bulk] [--repeats 5] [--engine graphs]

Without ``--store`` the bulk scans are ingested into a temporary store first (not timed
here: ``commands.py`` times ingest). Each run is ``foresight --store S validate`` in a fresh
process; the table gives every run, the median and the spread (min–max), and peak RSS
(``ru_maxrss`` of the child). Target (issue 12): under 30 s and under 1 GB on the 1,591 bulk
scans on 2 cores. Figures, not a test: the exit status is 0 whatever they are, and when
``../shared`` is absent.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from commands import foresight_executable, run_cli

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path)
    parser.add_argument("--bulk", type=Path, default=ROOT.parent / "shared" / "corpus" / "bulk")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--engine", default="graphs")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args(argv)
    executable = foresight_executable()
    if executable is None:
        print("no foresight executable: install the project first")
        return 0
    with tempfile.TemporaryDirectory(prefix="foresight-validate-") as work:
        store = args.store
        if store is None:
            if not args.bulk.is_dir():
                print(f"skipped: {args.bulk} is absent")
                return 0
            store = Path(work) / "store"
            made = run_cli([executable, "--store", str(store), "ingest", str(args.bulk), "-q"], ROOT, args.timeout)
            if not made.ok:
                print(f"ingest failed: {made.failure()}")
                return 0
            print(f"ingested {args.bulk} in {made.seconds:.1f} s")
        runs = []
        for number in range(1, args.repeats + 1):
            run = run_cli([executable, "--store", str(store), "validate", "--engine", args.engine], ROOT, args.timeout)
            verdict = run.out.strip().splitlines()[0] if run.ok and run.out.strip() else run.failure()
            print(f"run {number}: {run.seconds:6.2f} s, {run.rss_mb:7.0f} MB  {verdict}")
            runs.append(run)
        times = [run.seconds for run in runs]
        print(f"validate --engine {args.engine}: median {statistics.median(times):.2f} s "
              f"(min {min(times):.2f}, max {max(times):.2f}, {len(times)} runs); "
              f"peak RSS {max(run.rss_mb for run in runs):.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
