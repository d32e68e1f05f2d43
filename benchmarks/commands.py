"""Cold CLI latency: each command a fresh ``foresight`` process, timed end to end as the user waits.

Usage::

    python benchmarks/commands.py [--corpora bulk,generated,replicated] [--count 10000] [--count-large 50000]
                                  [--work DIR] [--repeats 7] [--bulk ../shared/corpus/bulk] [--timeout 900]
    python benchmarks/commands.py --store PATH [--repeats 7]

For each corpus:

1. **ingest**: ``foresight --store DIR/<name>/store ingest <corpus> -q`` in a fresh process,
   timed from start to exit: what ingest spends leaving the store and its derived data
   (``<store>.cache``: projection pieces, concepts) ready. With ``--work DIR`` a store
   already at ``DIR/<name>/store`` is reused, not ingested again (the time of the ingest
   that built it is read back from ``DIR/<name>/ingest.txt``);
2. **sizes**: the store folder and its cache folder ``<store>.cache`` on disk (sums of file
   sizes, whatever is inside);
3. **query terms**: names that exist in that store, picked at run time from
   ``foresight concepts --type KIND --format json``: the Technology named in most scans
   (``show``, ``neighbors``, ``timeline``, ``render --focus``), that and the most named
   Issue (a Concern when there is no Issue) for ``paths``, two content words of the most
   named DrivingForce for ``pathways --driver``, and two adjacent words of a label for
   ``search``;
4. **commands**: ``show``, ``paths``, ``pathways --driver``, ``neighbors --depth 2``,
   ``timeline``, ``search``, ``concepts``, ``render --focus``, the analyses ``micmac --top 30``,
   ``emerging``, ``emerging --level topics``, ``steep``, ``axes --top 30``,
   ``cross-impact --top 30``, ``centrality`` and ``communities``, and ``foresight --help``,
   each run ``--repeats`` times, one after the other, each time a fresh process with its
   output written to a file. Wall time from spawning to exit (p50, nearest-rank p95, the
   first run apart) and peak RSS (``ru_maxrss`` of that child, from ``os.wait4``; the max
   over the runs). A non-zero exit is reported in the table (``exit N`` and the first
   line of stderr), not raised.

Corpora: ``bulk`` (the real scans of ``../shared/corpus/bulk``), ``generated`` (``--count``
scans from ``corpus.py``'s ``generate_corpus``), ``replicated`` (the bulk scans copied round
up to ``--count`` by ``paths.py``'s ``replicate``) and, only with ``--count-large N``,
``generated-large`` (N generated scans). Without ``--work`` everything lives in a temporary
folder removed at the end; nothing is written into the repository. ``--store PATH`` times an
existing store only. Figures, not tests: the exit status is 0 whatever they are, and when
``../shared`` is absent.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import itertools
import json
import math
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import DEFAULT_BULK, generate_corpus
from paths import replicate

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ("bulk", "generated", "replicated")
LARGE = "generated-large"
DEFAULT_REPEATS = 7
DEFAULT_TIMEOUT = 900.0
TERM_CANDIDATES = 20  # concepts listed per kind when picking the query terms
FUNCTION_WORDS = frozenset({
    "a", "about", "across", "after", "against", "also", "among", "an", "and", "are", "as", "at", "be", "been",
    "before", "between", "both", "by", "can", "each", "for", "from", "has", "have", "in", "into", "is", "its", "more",
    "not", "of", "on", "or", "other", "over", "per", "such", "than", "that", "the", "their", "these", "this",
    "through", "to", "toward", "towards", "was", "were", "which", "while", "who", "will", "with", "within", "without",
})


# -- one process -----------------------------------------------------------------------------------


@dataclass
class Run:
    """One finished child process.

    Attributes:
        seconds: wall time from spawning it to its exit.
        rss_mb: its peak resident set size (its own children included).
        code: its exit status; None when it was killed at the timeout.
        out: what it wrote on stdout.
        err: what it wrote on stderr.
    """

    seconds: float
    rss_mb: float
    code: int | None
    out: str
    err: str

    @property
    def ok(self) -> bool:
        return self.code == 0

    def failure(self) -> str:
        """``exit N: first stderr line`` (or the timeout), for the table."""
        if self.code is None:
            return "killed at the timeout"
        lines = [line.strip() for line in self.err.splitlines() if line.strip()] or ["(no stderr)"]
        # a Python traceback says what went wrong on its last line
        return f"exit {self.code}: {lines[-1] if lines[0].startswith('Traceback') else lines[0]}"


def run_cli(argv: list[str], cwd: Path, timeout: float) -> Run:
    """Run ``argv`` in ``cwd`` with its output in files, and wait for it without polling.

    The child is waited for with ``waitid(WNOWAIT)`` (it stays a zombie, so its pid cannot
    be reused while the timeout may still kill it), then reaped with ``wait4``, whose
    resource usage is that child's alone: its ``ru_maxrss`` is the child's peak.
    """
    with tempfile.TemporaryFile(dir=cwd) as out, tempfile.TemporaryFile(dir=cwd) as err:
        lock = threading.Lock()
        state = {"exited": False, "killed": False}
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)

        def kill() -> None:
            with lock:
                if not state["exited"]:
                    os.kill(process.pid, signal.SIGKILL)
                    state["killed"] = True

        timer = threading.Timer(timeout, kill)
        timer.start()
        os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
        seconds = time.perf_counter() - start
        with lock:
            state["exited"] = True
        timer.cancel()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        out.seek(0)
        err.seek(0)
        return Run(seconds=seconds, rss_mb=usage.ru_maxrss / 1024,  # kB on Linux
                   code=None if state["killed"] else process.returncode,
                   out=out.read().decode("utf-8", "replace"), err=err.read().decode("utf-8", "replace"))


def foresight_executable() -> str | None:
    """The ``foresight`` script of this interpreter's environment, else the one on PATH."""
    beside = Path(sys.executable).with_name("foresight")
    return str(beside) if beside.is_file() else shutil.which("foresight")


# -- sizes -----------------------------------------------------------------------------------------


def folder_mb(folder: Path) -> float:
    """Sum of the sizes of the files under ``folder`` (0 when it is missing), in MB."""
    if folder.is_file():
        return folder.stat().st_size / 1e6
    total = 0
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):  # a file removed meanwhile
            if path.is_file() and not path.is_symlink():
                total += path.stat().st_size
    return total / 1e6


def cache_folder(store: Path) -> Path:
    return store.with_name(store.name + ".cache")


def describe_sizes(store: Path) -> list[str]:
    cache = cache_folder(store)
    lines = [f"store on disk      {folder_mb(store):10,.1f} MB   {store}"]
    if not cache.exists():
        lines.append(f"cache on disk      {0:10,.1f} MB   {cache} (absent)")
        return lines
    lines.append(f"cache on disk      {folder_mb(cache):10,.1f} MB   {cache}")
    entries = sorted(((entry.name + ("/" if entry.is_dir() else ""), folder_mb(entry)) for entry in cache.iterdir()),
                     key=lambda entry: -entry[1])
    lines += [f"  {name:<16} {size:10,.1f} MB" if len(name) <= 16 else f"  {size:27,.1f} MB   {name}"
              for name, size in entries]
    return lines


# -- query terms -----------------------------------------------------------------------------------


@dataclass
class Terms:
    """Names found in a store to query it with (None: none of that kind).

    Attributes:
        technology: label of the Technology concept named in most scans.
        target: label of the most named Issue (else Concern), the other end of ``paths``.
        driver: two content words of the most named DrivingForce that has two.
        phrase: two adjacent words of a label, for ``search``.
        notes: where each came from, for the report.
    """

    technology: str | None = None
    target: str | None = None
    driver: str | None = None
    phrase: str | None = None
    notes: list[str] = field(default_factory=list)


def _words(label: str) -> list[str]:
    return re.findall(r"[^\W\d_][\w'-]*", label)


def _content_words(label: str) -> list[str]:
    return [word for word in _words(label) if len(word) > 2 and word.lower() not in FUNCTION_WORDS]


def _phrase(label: str) -> str | None:
    """The first two adjacent words of ``label`` that are not both function words, outside brackets."""
    words = _words(re.sub(r"\([^)]*\)", " ", label))
    for first, second in itertools.pairwise(words):
        if first.lower() not in FUNCTION_WORDS and second.lower() not in FUNCTION_WORDS:
            return f"{first} {second}"
    return None


def _top_concepts(command: list[str], cwd: Path, kind: str, timeout: float) -> tuple[list[dict[str, object]], str]:
    """The concepts of ``kind`` named in most scans, and an error (empty when none)."""
    run = run_cli([*command, "concepts", "--type", kind, "--format", "json", "-n", str(TERM_CANDIDATES)], cwd,
                  timeout)
    if not run.ok:
        return [], f"concepts --type {kind}: {run.failure()}"
    try:
        found = json.loads(run.out)
    except ValueError as error:
        return [], f"concepts --type {kind}: output is not JSON ({error})"
    return [concept for concept in found if isinstance(concept, dict) and concept.get("label")], ""


def pick_terms(command: list[str], cwd: Path, timeout: float) -> Terms:
    terms = Terms()

    def note(role: str, concept: dict[str, object], extra: str = "") -> None:
        scans = concept.get("scans", "?")
        terms.notes.append(f"{role:<11} {extra}{concept['kind']} {str(concept['label'])!r}, "
                           f"named in {scans} scan{'' if scans == 1 else 's'}")

    technologies, error = _top_concepts(command, cwd, "Technology", timeout)
    if error:
        terms.notes.append(error)
    if technologies:
        terms.technology = str(technologies[0]["label"])
        note("technology", technologies[0])
    for kind in ("Issue", "Concern"):
        targets, error = _top_concepts(command, cwd, kind, timeout)
        if error:
            terms.notes.append(error)
        if targets:
            terms.target = str(targets[0]["label"])
            note("paths to", targets[0])
            break
    drivers, error = _top_concepts(command, cwd, "DrivingForce", timeout)
    if error:
        terms.notes.append(error)
    for concept in drivers:
        words = _content_words(str(concept["label"]))
        if len(words) >= 2:
            terms.driver = " ".join(words[:2]).lower()
            note("driver", concept, f"{terms.driver!r} from ")
            break
    for concept in technologies + drivers:
        phrase = _phrase(str(concept["label"]))
        if phrase:
            terms.phrase = phrase
            note("search", concept, f"{phrase!r} from ")
            break
    return terms


# -- the commands ----------------------------------------------------------------------------------


@dataclass
class Timing:
    """The runs of one command (empty when it was skipped, with the reason)."""

    name: str
    argv: list[str]
    runs: list[Run] = field(default_factory=list)
    skipped: str = ""


def command_lines(terms: Terms, html: Path) -> list[tuple[str, list[str] | str]]:
    """Each timed command after ``foresight --store S``: its table name and arguments, or why it cannot run."""
    tech, target, driver, phrase = terms.technology, terms.target, terms.driver, terms.phrase
    no_tech = "no Technology concept in the store"
    return [
        ("show", ["show", tech] if tech else no_tech),
        ("paths", ["paths", tech, target] if tech and target else "no Technology, or no Issue nor Concern"),
        ("pathways --driver", ["pathways", "--driver", driver] if driver else "no DrivingForce with 2 content words"),
        ("neighbors --depth 2", ["neighbors", tech, "--depth", "2"] if tech else no_tech),
        ("timeline", ["timeline", tech] if tech else no_tech),
        ("search", ["search", phrase] if phrase else "no label of two words"),
        ("concepts", ["concepts"]),
        ("render --focus", ["render", "--focus", tech, "-o", str(html)] if tech else no_tech),
        ("micmac --top 30", ["micmac", "--top", "30", "-f", "json"]),
        ("emerging", ["emerging", "-f", "json"]),
        ("emerging --level topics", ["emerging", "--level", "topics", "-f", "json"]),
        ("steep", ["steep", "-f", "json"]),
        ("axes --top 30", ["axes", "--top", "30", "-f", "json"]),
        ("cross-impact --top 30", ["cross-impact", "--top", "30"]),
        ("centrality", ["centrality", "-f", "json"]),
        ("communities", ["communities", "-f", "json"]),
    ]


def time_commands(executable: str, store: Path, cwd: Path, repeats: int, timeout: float,
                  terms: Terms) -> list[Timing]:
    with_store = [executable, "--store", str(store)]
    planned = [(name, [*with_store, *args] if isinstance(args, list) else [], args if isinstance(args, str) else "")
               for name, args in command_lines(terms, cwd / "focus.html")]
    planned.append(("--help", [executable, "--help"], ""))
    timings = []
    for name, argv, skipped in planned:
        timing = Timing(name, argv, skipped=skipped)
        if not skipped:
            print(f"  {name} x {repeats}", flush=True)
            timing.runs = [run_cli(argv, cwd, timeout) for _ in range(repeats)]
        timings.append(timing)
    return timings


def _p95(times: list[float]) -> float:
    """Nearest rank: the smallest time that at least 95 % of the runs do not exceed."""
    ordered = sorted(times)
    return ordered[max(1, math.ceil(0.95 * len(ordered))) - 1]


def _result(timing: Timing) -> str:
    if timing.skipped:
        return f"skipped: {timing.skipped}"
    failed = [run for run in timing.runs if not run.ok]
    if failed:
        share = "" if len(failed) == len(timing.runs) else f" in {len(failed)} of {len(timing.runs)} runs"
        return f"{failed[0].failure()}{share}"[:110]
    last = timing.runs[-1].out
    return "ok, no pathway" if "no pathway" in last.lower() else "ok"


def print_table(timings: list[Timing]) -> None:
    header = f"{'command':<20} {'p50 s':>7} {'p95 s':>7} {'first s':>7} {'peak RSS MB':>11} {'out lines':>9}  result"
    print(header)
    print("-" * 100)
    for timing in timings:
        if not timing.runs:
            print(f"{timing.name:<20} {'':>7} {'':>7} {'':>7} {'':>11} {'':>9}  {_result(timing)}")
            continue
        times = [run.seconds for run in timing.runs]
        print(f"{timing.name:<20} {statistics.median(times):7.2f} {_p95(times):7.2f} {times[0]:7.2f} "
              f"{max(run.rss_mb for run in timing.runs):11,.0f} {len(timing.runs[-1].out.splitlines()):9,}  "
              f"{_result(timing)}")


# -- what is measured ------------------------------------------------------------------------------


def library_state() -> str:
    """Where the ``foresight`` command imports the library from, and a digest of that source now.

    The library may be edited while this runs (and ``PYTHONPATH`` may point the command at
    another copy): the state before and after tells whether all the figures are of one version.
    """
    # -P: not the current folder first on sys.path, which the foresight command does not have either
    probe = subprocess.run([sys.executable, "-P", "-c", "import foresight.cli; print(foresight.cli.__file__)"],
                           capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["?"])[-1]
        return f"foresight.cli does not import ({last}): every command will fail"
    package = Path(probe.stdout.strip()).parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    where = str(package)
    if package == ROOT / "foresight":
        git = ["git", "-C", str(ROOT)]
        commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
        changed = subprocess.run([*git, "status", "--porcelain", "--", "foresight"], capture_output=True, text=True,
                                 check=False)
        where += f" at commit {commit.stdout.strip() or '?'}" + (" with uncommitted changes" if changed.stdout else "")
    return f"{where}, *.py digest {digest.hexdigest()[:12]}"


def warn_if_changed(state: str) -> None:
    """Say so when the library is not what :func:`library_state` found at the start of the run."""
    now = library_state()
    if now != state:
        print(f"WARNING: the library changed during the run ({state} -> {now}): the figures may mix versions")


# -- corpora and stores ----------------------------------------------------------------------------


def _scan_count(folder: Path) -> int:
    return sum(1 for _ in folder.glob("*.md")) if folder.is_dir() else 0


def prepare_corpus(name: str, folder: Path, bulk: Path, count: int) -> Path:
    """The scans to ingest for corpus ``name``: the bulk folder itself, or ``folder/scans`` written (or reused)."""
    if name == "bulk":
        return bulk
    scans = folder / "scans"
    if _scan_count(scans) == count:
        print(f"[{name}] reusing the {count:,} scans in {scans}", flush=True)
        return scans
    shutil.rmtree(scans, ignore_errors=True)
    start = time.perf_counter()
    if name == "replicated":
        replicate(bulk, scans, count)
    else:
        generate_corpus(scans, count, bulk)
    print(f"[{name}] wrote {count:,} scans to {scans} in {time.perf_counter() - start:.1f} s", flush=True)
    return scans


def ingest(executable: str, name: str, store: Path, scans: Path, cwd: Path, timeout: float) -> list[str] | None:
    """Ingest ``scans`` into a fresh ``store`` with the CLI; lines for the report, or None when it failed.

    A failed or interrupted ingest removes the store and its cache, so that the next run
    with the same ``--work`` ingests again instead of reusing half a store.
    """
    argv = [executable, "--store", str(store), "ingest", str(scans), "-q"]
    print(f"[{name}] {shlex.join(argv)}", flush=True)
    done = False
    try:
        run = run_cli(argv, cwd, timeout)
        done = run.ok
    finally:
        if not done:
            shutil.rmtree(store, ignore_errors=True)
            shutil.rmtree(cache_folder(store), ignore_errors=True)
    scans_count = _scan_count(scans)
    if not done:
        print(f"[{name}] ingest failed after {run.seconds:.1f} s: {run.failure()}", flush=True)
        return None
    lines = [f"ingest             {run.seconds:10.1f} s    {scans_count:,} scans ({scans_count / run.seconds:,.0f} "
             f"scans/s), peak RSS {run.rss_mb:,.0f} MB, {date.today().isoformat()}: {shlex.join(argv)}"]
    lines += [f"  {line}" for line in run.out.splitlines() if line.strip()]
    return lines


def measure(executable: str, name: str, store: Path, ingest_lines: list[str], repeats: int,
            timeout: float) -> None:
    """Pick the terms, time the commands on ``store`` and print the corpus's block."""
    with tempfile.TemporaryDirectory(prefix="foresight-commands-") as scratch:
        cwd = Path(scratch)  # no foresight-overrides.yaml of the caller's folder; the map is written here
        print(f"[{name}] picking query terms", flush=True)
        terms = pick_terms([executable, "--store", str(store)], cwd, timeout)
        print(f"[{name}] timing {repeats} cold runs of each command", flush=True)
        timings = time_commands(executable, store, cwd, repeats, timeout, terms)
    print()
    print(f"== {name}: {store} ==")
    for line in [*ingest_lines, *describe_sizes(store)]:
        print(line)
    print("query terms (the concepts named in most scans, by kind):")
    for line in terms.notes:
        print(f"  {line}")
    print(f"commands (each a fresh process, {repeats} runs, stdout and stderr to files; --store {store}):")
    for timing in timings:
        if timing.argv:
            shown = timing.argv[3:] if timing.name != "--help" else timing.argv[1:]
            print(f"  foresight {shlex.join(shown)}")
    print()
    print_table(timings)
    print(flush=True)


def run_corpus(executable: str, name: str, work: Path, bulk: Path, count: int, repeats: int,
               timeout: float) -> None:
    folder = work / name
    store = folder / "store"
    record = folder / "ingest.txt"
    if store.exists():
        before = record.read_text(encoding="utf-8").splitlines() if record.exists() else []
        expected = _scan_count(folder / "scans") if name != "bulk" else _scan_count(bulk)
        print(f"[{name}] reusing the store {store} (not ingested again)", flush=True)
        lines = [f"reused store, {expected:,} scans in its corpus folder; built by:", *before] if before else \
            ["reused store (how it was ingested is not recorded)"]
        if name != "bulk" and expected != count:
            lines.append(f"NOTE: --count is {count:,} but the store was built from {expected:,} scans")
    else:
        folder.mkdir(parents=True, exist_ok=True)
        scans = prepare_corpus(name, folder, bulk, count)
        with tempfile.TemporaryDirectory(prefix="foresight-commands-") as scratch:
            result = ingest(executable, name, store, scans, Path(scratch), timeout * 4)
        if result is None:
            print(f"\n== {name}: ingest failed, no timings ==\n", flush=True)
            return
        record.write_text("\n".join(result) + "\n", encoding="utf-8")
        lines = result
    measure(executable, name, store, lines, repeats, timeout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", default=",".join(CORPORA),
                        help=f"comma-separated, among {', '.join(CORPORA)} (default all)")
    parser.add_argument("--count", type=int, default=10_000, help="generated and replicated scans (default 10000)")
    parser.add_argument("--count-large", type=int, default=0,
                        help=f"also a generated corpus of this many scans, as '{LARGE}' (default: none)")
    parser.add_argument("--work", type=Path,
                        help="keep corpora and stores in DIR/<name>/ and reuse a DIR/<name>/store that exists "
                             "(default: a temporary folder removed at the end)")
    parser.add_argument("--store", type=Path, help="time this existing store only (no corpus, no ingest)")
    parser.add_argument("--repeats", type=int, default=DEFAULT_REPEATS,
                        help=f"cold runs of each command (default {DEFAULT_REPEATS})")
    parser.add_argument("--bulk", type=Path, default=DEFAULT_BULK, help=f"the bulk scans (default {DEFAULT_BULK})")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help=f"seconds before a timed command is killed (default {DEFAULT_TIMEOUT:.0f}; "
                             "an ingest gets 4 times as long)")
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.corpora.split(",") if name.strip()]
    unknown = sorted(set(names) - set(CORPORA))
    if unknown:
        parser.error(f"--corpora: unknown {', '.join(unknown)} (known: {', '.join(CORPORA)})")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.store is not None and not args.store.is_dir():
        parser.error(f"--store {args.store}: no such folder")
    executable = foresight_executable()
    if executable is None:
        print("benchmark skipped: no foresight command beside this Python nor on PATH (pip install -e . first)")
        return 0
    bulk: Path = args.bulk
    if args.store is None and (not bulk.is_dir() or not any(bulk.glob("*.md"))):
        print(f"benchmark skipped: no bulk scans at {bulk} (../shared/corpus beside the project is needed)")
        return 0

    print(f"foresight cold CLI benchmark, {date.today().isoformat()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {executable}")
    state = library_state()
    print(f"library: {state}")
    if args.store is not None:
        measure(executable, str(args.store), args.store.resolve(),
                ["existing store (--store): not ingested here"], args.repeats, args.timeout)
    else:
        print(f"bulk: {bulk.resolve()}")
        if args.count_large:
            names.append(LARGE)
        with contextlib.ExitStack() as stack:
            if args.work is None:
                work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="foresight-commands-")))
            else:
                work = args.work.resolve()
                work.mkdir(parents=True, exist_ok=True)
            print(f"work: {work}" + (" (temporary, removed at the end)" if args.work is None else ""), flush=True)
            for name in names:
                count = args.count_large if name == LARGE else args.count
                run_corpus(executable, name, work, bulk.resolve(), count, args.repeats, args.timeout)
    warn_if_changed(state)
    return 0


if __name__ == "__main__":
    sys.exit(main())
