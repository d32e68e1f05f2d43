"""The ``foresight`` command: a thin skin over the library.

Each command opens the store, calls one or two library functions and prints.
User mistakes (a bad file, a bad query, a missing store) arrive here as
:class:`~foresight.errors.ForesightError` and are printed as one line on stderr
with exit status 1, no traceback.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from foresight.errors import ForesightError

if TYPE_CHECKING:  # the CLI imports its libraries inside each command, so that --help stays instant
    import networkx as nx
    from rich.console import Console
    from rich.progress import Progress

    from foresight.analysis.paths import Hop, Pathway
    from foresight.analysis.pathways import Chain
    from foresight.analysis.resolve import Names
    from foresight.derived.concepts import Overrides
    from foresight.derived.index import GraphIndex
    from foresight.store.base import SelectResult, Store

    Graph = nx.DiGraph[str]
from foresight.formats import FORMAT_NAMES

app = typer.Typer(
    name="foresight",
    help="Turn horizon-scanning signal scans into a policy-foresight knowledge graph.\n\n"
    "Example: foresight ingest data/examples && foresight stats",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)

F = TypeVar("F", bound=Callable[..., Any])


class _State:
    store: str | None = None


state = _State()


def _stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _stdout() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def reports_errors(function: F) -> F:
    """Turn a ForesightError into one line on stderr and exit status 1."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ForesightError as error:
            _stderr().print(f"[bold red]error:[/] {_escape(str(error))}")
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _escape(text: str) -> str:
    """Scan text made safe to print: no rich markup, no terminal escape sequences."""
    from rich.markup import escape

    from foresight.export.output import terminal_safe

    return escape(terminal_safe(text))


def _open(read_only: bool = False) -> Store:
    from foresight.store import open_store
    from foresight.store.config import exposed_secrets

    store = open_store(state.store, read_only=read_only)
    exposed = exposed_secrets() if store.location.startswith(("http://", "https://")) else None
    if exposed:
        _stderr().print(f"[yellow]warning:[/] {_escape(exposed)}")
    store.check()  # a SPARQL server that does not query the union of its graphs is reported up front
    return store


@app.callback()
def main_options(
    store: str | None = typer.Option(
        None, "--store", "-s", envvar="FORESIGHT_STORE", show_envvar=True,
        help="Store location: a directory (default .foresight/store), memory:, an http(s) SPARQL endpoint, "
        "or a store named in the config file (credentials: FORESIGHT_STORE_USER/FORESIGHT_STORE_PASSWORD).",
    ),
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True,
                                 callback=lambda given: _print_version(given)),
) -> None:
    """Turn horizon-scanning signal scans into a policy-foresight knowledge graph."""
    state.store = store


def _print_version(given: bool) -> None:
    if given:
        from importlib.metadata import version as package_version

        typer.echo(f"foresight {package_version('foresight')}")
        raise typer.Exit(0)


_OVERRIDES = typer.Option(
    None, "--overrides", envvar="FORESIGHT_OVERRIDES", show_envvar=True,
    help="The curator's overrides for concepts (YAML: merge, never, rename); default "
    "foresight-overrides.yaml in the current folder when it exists.")
DEFAULT_OVERRIDES = Path("foresight-overrides.yaml")
_ALLOW_SERVICE = typer.Option(False, "--allow-service",
                              help="Let the query call other endpoints (SERVICE): it then reaches the network.")


class ViewFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


_FORMAT_HELP = "table, json or csv (the JSON shape of each command: docs/json.md)."


_STEEP = typer.Option(None, "--steep", help="Only what is tagged with this STEEP(LE)+V category: social, "
                      "technological, economic, environmental, political, legal or values.")


def _steep_category(text: str | None) -> str | None:
    """The STEEP category a --steep option names, checked."""
    if text is None:
        return None
    from foresight.analytics.steep import CATEGORIES

    wanted = text.strip().lower()
    if wanted not in CATEGORIES:
        raise ForesightError(f"--steep is one of {', '.join(CATEGORIES)}, not {text!r}")
    return wanted


def _concept_categories(index: GraphIndex, steep: str | None) -> dict[str, list[str]] | None:
    """Each concept's STEEP categories when --steep asks for them (stored with the concepts)."""
    if steep is None:
        return None
    from foresight.analytics.steep import concept_steep

    return concept_steep(index)


def _topic_categories(index: GraphIndex, steep: str | None) -> dict[str, list[str]] | None:
    """Each topic's STEEP categories when --steep asks for them."""
    if steep is None:
        return None
    from foresight.analytics.steep import topic_categories

    return topic_categories(index)


def _overrides_path(path: Path | None) -> Path | None:
    if path is not None:
        if not path.is_file():
            from foresight.errors import ForesightError

            raise ForesightError(f"{path}: no such overrides file")
        return path
    return DEFAULT_OVERRIDES if DEFAULT_OVERRIDES.is_file() else None


@app.command()
@reports_errors
def ingest(
    paths: list[str] = typer.Argument(..., help="Scan files (.md, .yaml), directories or glob patterns."),
    strict: bool = typer.Option(False, "--strict", help="Treat warnings as errors: such scans are not ingested."),
    force: bool = typer.Option(False, "--force", help="Rewrite scans even when their file has not changed."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the summary line and errors."),
    prune: bool = typer.Option(False, "--prune", help="Remove every scan of the store not read in this run, so "
                               "the store holds exactly the scans given (refused when a file failed)."),
    concepts: bool = typer.Option(True, "--concepts/--no-concepts",
                                  help="Rebuild the concepts across scans after writing (skip it for a quick "
                                  "re-ingest into a big store; run foresight concepts --rebuild later)."),
    overrides: Path | None = _OVERRIDES,
) -> None:
    """Read signal scans into the store, one named graph per scan.

    Re-ingesting an unchanged file does nothing; a changed file replaces exactly
    its own scan's graph. A bad file is reported and the others are still read.

    Example: foresight ingest data/examples ../shared/corpus/scans
    """
    from foresight.ingest import ingest as run_ingest

    err = _stderr()
    with _open() as store:
        show = sys.stderr.isatty() and not quiet
        with _progress(show) as progress:
            reading = progress.add_task("reading", total=None)
            # scans safely in the store: on a server, writing lags behind reading, and a run cut
            # short resumes from here
            storing = progress.add_task("stored", total=None)

            def advance(done: int, total: int, path: Path) -> None:
                progress.update(reading, completed=done, total=total)
                progress.update(storing, total=total)

            def landed(count: int) -> None:
                progress.update(storing, completed=count)

            report = run_ingest(store, paths, strict=strict, force=force, progress=advance, stored=landed)
        if prune:
            from foresight.ingest import remove_scans
            from foresight.vocab import scan_graph_iri

            if report.errors:
                err.print(f"[bold red]error:[/] not pruning: {len(report.errors)} file(s) failed, and their scans "
                          "would go too; fix them, or run without --prune")
            else:
                kept = {scan_graph_iri(scan_id) for scan_id in report.read_ids}
                report.removed = remove_scans(store, [g for g in store.scan_digests() if g not in kept])
        from foresight.ingest import refresh_views

        # even when no scan changed: a run cut short may have left the concepts or indexes behind
        rules = _rules(overrides)
        # scans of new articles, and nothing replaced or removed: the derived data may take them in place
        added = report.written_ids if not (report.replaced or report.removed) else []
        with _building(store, rules, show and concepts):
            concept_set = refresh_views(store, rules, concepts=concepts, added=added)
        triples = store.triple_count()
    if not quiet:
        for warning in report.warnings:
            err.print(f"[yellow]warning:[/] {_escape(str(warning))}")
    for error in report.errors:
        err.print(f"[bold red]error:[/] {_escape(str(error))}")
    _stdout().print(
        f"{report.files} files: {report.written} scans written, {report.unchanged} unchanged, "
        f"{report.failed} failed; {report.rows} rows ({report.skipped_rows} skipped), "
        f"{len(report.warnings)} warnings; {report.triples} triples written, {triples} in the store"
        + (f"; {len(report.replaced)} earlier versions of changed files replaced" if report.replaced else "")
        + (f"; {len(report.removed)} scans removed" if prune else "")
    )
    if concept_set is not None:
        from foresight.derived.embeddings import mode

        if not quiet:
            err.print(f"matching: {mode()}" + (f"; concepts updated {_escape(concept_set.built)}"
                                                if concept_set.built else ""))
        if concept_set.superseded:
            _stdout().print(f"{concept_set.superseded} scans are copies or older revisions of "
                            f"{concept_set.superseded_articles} articles scanned again; only the newest of each counts")
        _stdout().print(f"{concept_set.concepts} concepts, {concept_set.recurring} named in 3 or more articles; "
                        f"{concept_set.review} likely merges to review (foresight concepts --review)")
    if report.errors:
        raise typer.Exit(1)


@app.command()
@reports_errors
def remove(
    scans: list[str] = typer.Argument(..., help="Scan files, scan ids, article ids (every scan of "
                                      "the article), scan IRIs, or the file names scans were read from."),
    overrides: Path | None = _OVERRIDES,
) -> None:
    """Remove scans from the store, and bring the concepts and every derived view up to date.

    Example: foresight remove data/examples/1328adec02ad8e20036bac1cfd123475.md
    """
    from foresight.errors import UnknownNodeError
    from foresight.ingest import find_scans, refresh_views, remove_scans

    with _open() as store:
        graphs, missing = find_scans(store, scans)
        if missing:
            raise UnknownNodeError(f"no scan in the store for {', '.join(repr(name) for name in missing)}; "
                                   "nothing removed")
        removed = remove_scans(store, graphs)
        summary = refresh_views(store, _rules(overrides))  # the vocabulary and concepts follow
        triples = store.triple_count()
    _stdout().print(f"{len(removed)} scans removed; {triples} triples in the store"
                    + (f"; {summary.concepts} concepts" if summary else ""))


@app.command()
@reports_errors
def stats(
    top: int = typer.Option(10, "--top", help="How many keywords, themes and categories to list."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Counts by type, top keywords, themes and categories, and the page-date range.

    Example: foresight stats --top 5
    """
    from foresight.stats import graph_stats

    with _open(read_only=True) as store:
        figures = graph_stats(store, top=top)
    if as_json:
        import json

        typer.echo(json.dumps({
            "triples": figures.triples,
            "counts": figures.counts,
            "superseded_scans": figures.superseded,
            "top": {name: [{"label": label, "articles": n} for label, n in rows] for name, rows in figures.top.items()},
            "page_dates": {"first": figures.first_date and figures.first_date.isoformat(),
                           "last": figures.last_date and figures.last_date.isoformat()},
        }, indent=1, ensure_ascii=False))
        return
    from rich.table import Table

    out = _stdout()
    counts = Table(title=f"{figures.triples} triples", title_justify="left")
    counts.add_column("type")
    counts.add_column("count", justify="right")
    for name, count in figures.counts.items():
        counts.add_row(name, str(count))
    out.print(counts)
    if figures.superseded:
        out.print(f"{figures.superseded} scans are copies or older revisions of an article scanned again: only the "
                  "newest scan of each article counts")
    for name, rows in figures.top.items():
        table = Table(title=f"top {name}", title_justify="left")
        table.add_column(name[:-1] if not name.endswith("ies") else name[:-3] + "y")
        table.add_column("articles", justify="right")
        for label, n in rows:
            table.add_row(_escape(label), str(n))
        out.print(table)
    if figures.first_date and figures.last_date:
        out.print(f"page dates: {figures.first_date.isoformat()} to {figures.last_date.isoformat()}")
    else:
        out.print("page dates: none")


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    turtle = "turtle"
    nt = "nt"
    jsonld = "jsonld"


@app.command()
@reports_errors
def sparql(
    query: str = typer.Argument(..., help="A SPARQL query, a file holding one, '-' for stdin, "
                                "or the name of a saved query in ontology/queries."),
    fmt: OutputFormat | None = typer.Option(
        None, "--format", "-f",
        help="table|csv|tsv|json for SELECT and ASK; turtle|nt|jsonld for CONSTRUCT and DESCRIBE.",
    ),
    update: bool = typer.Option(False, "--update", help="Allow a SPARQL update that changes the store; the "
                                "concepts graph is brought up to date after it."),
    allow_service: bool = _ALLOW_SERVICE,
    overrides: Path | None = _OVERRIDES,
) -> None:
    """Run a SPARQL 1.1 query over all scan graphs (read-only unless --update).

    The prefixes fs:, fsid:, skos:, prov:, dcterms:, schema:, rdfs:, xsd: are predeclared.

    Example: foresight sparql "SELECT ?s ?label WHERE { ?s a fs:Signal ; rdfs:label ?label } LIMIT 5"
    """
    from foresight.errors import QueryError
    from foresight.store.base import SelectResult, is_update

    text = _query_text(query)
    if is_update(text):
        if not update:
            raise QueryError("this is a SPARQL update; pass --update to change the store")
        from foresight.ingest import refresh_views

        with _open() as store:
            store.allow_service = allow_service
            store.update(text)  # the store's generation changes: what is derived from it is rebuilt
            # and the concepts graph in the store follows at once, for the next SPARQL query too
            with _stderr().status("bringing the concepts up to date", spinner="dots") if sys.stderr.isatty() \
                    else contextlib.nullcontext():
                refresh_views(store, _rules(overrides))
            _stdout().print(f"update done; {store.triple_count()} triples in the store")
        return
    with _open(read_only=True) as store:
        store.allow_service = allow_service
        result = store.query(text)
    chosen = fmt.value if fmt else None
    if isinstance(result, (SelectResult, bool)):
        chosen = chosen or "table"
        if chosen not in {"table", "csv", "tsv", "json"}:
            raise QueryError(f"--format {chosen} is for CONSTRUCT/DESCRIBE; use table, csv, tsv or json")
        _print_result(result, chosen)
        return
    chosen = chosen or "turtle"
    if chosen not in {"turtle", "nt", "jsonld"}:
        raise QueryError(f"--format {chosen} is for SELECT/ASK; use turtle, nt or jsonld")
    rdflib_format = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}[chosen]
    typer.echo(result.serialize(format=rdflib_format), nl=False)


def _query_text(query: str) -> str:
    from foresight.errors import QueryError
    from foresight.resources import saved_queries

    if query == "-":
        return sys.stdin.read()
    saved = saved_queries()
    if query in saved:
        return saved[query].read_text(encoding="utf-8")
    if re.fullmatch(r"[A-Za-z][\w-]*", query) and not Path(query).is_file():
        # a bare word is no query: the user meant a saved one
        from rapidfuzz import process

        close = [name for name, _, _ in process.extract(query, list(saved), limit=3, score_cutoff=70)]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise QueryError(f"no saved query named {query!r}{hint} (foresight queries lists them)")
    if "\n" not in query and len(query) < 4096:
        path = Path(query)
        if path.suffix in {".rq", ".sparql", ".txt"} or path.is_file():
            if not path.is_file():
                raise QueryError(f"{query}: no such query file")
            try:
                return path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise QueryError(f"{query}: not UTF-8 text") from None
    return query


def _print_result(result: SelectResult | bool, fmt: str) -> None:
    from foresight.export.output import terminal_safe
    from foresight.export.results import shorten, to_csv, to_json, to_tsv

    if isinstance(result, bool):
        typer.echo(to_json(result) if fmt == "json" else ("true" if result else "false"))
        return
    if fmt == "csv":
        typer.echo(terminal_safe(to_csv(result)), nl=False)
    elif fmt == "tsv":
        typer.echo(terminal_safe(to_tsv(result)), nl=False)
    elif fmt == "json":
        typer.echo(to_json(result))
    else:
        from rich.table import Table

        table = Table(caption=f"{len(result.rows)} rows", caption_justify="left")
        for name in result.variables:
            table.add_column(name, overflow="fold")
        for row in result.rows:
            table.add_row(*(_escape(shorten(term)) for term in row))
        _stdout().print(table)


@app.command()
@reports_errors
def queries(
    fmt: ViewFormat = typer.Option(ViewFormat.table, "--format", "-f", help=_FORMAT_HELP),
) -> None:
    """List the saved queries (ontology/queries) that foresight sparql NAME runs.

    Example: foresight queries
    """
    from foresight.export.output import emit, field
    from foresight.resources import saved_queries

    records = []
    for name, path in saved_queries().items():
        text = path.read_text(encoding="utf-8")
        comments = [line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("#")]
        form = next((word.upper() for word in re.findall(r"[A-Za-z]+", "\n".join(
            line for line in text.splitlines() if not line.lstrip().startswith("#")))
            if word.upper() in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")), "")
        records.append({"name": name, "form": form, "description": " ".join(comments), "file": str(path)})
    emit(records, [field("name"), field("form"), field("description")], fmt.value,
         caption=f"{len(records)} saved queries; run one with foresight sparql NAME")


# The choices come from the one table of formats; mypy cannot see members made from a list.
ExportFormat = StrEnum("ExportFormat", [(name, name) for name in FORMAT_NAMES])  # type: ignore[misc]


@app.command()
@reports_errors
def export(
    fmt: ExportFormat = typer.Option(ExportFormat("trig"), "--format", "-f", help="RDF format to write."),
    output: Path | None = typer.Option(None, "--output", "-o", help="File to write (default: stdout)."),
    level: str = typer.Option("rows", "--level", help="For graphml, gexf, html and kumu: rows (every item of every "
                              "scan) or concepts (concepts and topics across articles)."),
    min_articles: int = typer.Option(1, "--min-articles", help="With --level concepts: only concepts and topics "
                                     "named in this many articles or more."),
    overrides: Path | None = _OVERRIDES,
) -> None:
    """Export the whole graph as RDF, or a graph as GraphML, GEXF, Kumu JSON or an HTML map.

    trig, nquads and jsonld keep one named graph per scan; turtle, nt and xml
    write the union of all graphs. graphml, gexf and kumu write the pathway graph
    (typed nodes, weighted links with their evidence) for Gephi, yEd, Cytoscape or
    Kumu; html the interactive map of the whole graph (see render for parts of it).
    With --level concepts they write the concept level instead: concepts and topics
    with their STEEP categories, topics, articles and first/last seen, and the
    links among them with support and evidence.

    Example: foresight export --format kumu --level concepts --min-articles 3 -o kumu.json
    """
    from foresight.export import export as run_export

    if level not in ("rows", "concepts"):
        from foresight.errors import ForesightError

        raise ForesightError(f"export: --level is rows or concepts, not {level!r}")
    with _open(read_only=True) as store:
        rules = _rules(overrides) if level == "concepts" else None
        if output is None:
            run_export(store, fmt.value, sys.stdout.buffer, level=level, min_articles=min_articles, overrides=rules)
            sys.stdout.buffer.flush()
        else:
            run_export(store, fmt.value, output, level=level, min_articles=min_articles, overrides=rules)
            _stderr().print(f"wrote {output} ({output.stat().st_size} bytes)")


@app.command()
@reports_errors
def validate(
    show_report: bool = typer.Option(False, "--report", help="Print every failing graph and violation kept, not "
                                     "the first 20 graphs."),
    engine: str = typer.Option("graphs", "--engine", help="graphs: each scan graph on its own (fast, linear); "
                               "pyshacl: the union of all graphs with pySHACL, for any shape (slow on big stores)."),
) -> None:
    """Check each scan graph against the SHACL shapes in ontology/shapes.ttl; exit 1 naming the scans that fail.

    Example: foresight validate
    """
    from foresight.export.output import terminal_safe
    from foresight.validate import report_text, validate_store

    with _open(read_only=True) as store, _progress(sys.stderr.isatty()) as progress:
        task = progress.add_task("checking", total=None)
        report = validate_store(store, engine=engine,
                                progress=lambda done, total: progress.update(task, completed=done, total=total))
    if engine == "pyshacl":
        if report.conforms:
            _stdout().print("conforms: the graph satisfies every shape")
        if show_report or not report.conforms:
            typer.echo(terminal_safe(report.text))
    elif report.conforms:
        _stdout().print(f"conforms: {report.graphs} graphs checked, every shape satisfied")
    else:
        typer.echo(terminal_safe(report_text(report, limit=None if show_report else 20)))
    if not report.conforms:
        _stderr().print(f"[bold red]does not conform:[/] {report.violations} violations"
                        + (f" in {len(report.failing)} graphs" if report.failing else ""))
        raise typer.Exit(1)


@app.command()
@reports_errors
def search(
    text: str = typer.Argument(..., help="Words to look for in names and descriptions."),
    node_type: str | None = typer.Option(None, "--type", "-t", help="Only these types, comma-separated "
                                         "(Signal, DrivingForce, Shift, Outlook, Concern, Behavior, Technology, "
                                         "Issue, Scan)."),
    limit: int = typer.Option(20, "--limit", "-n", help="How many matches to show."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or csv."),
    overrides: Path | None = _OVERRIDES,
) -> None:
    """Find nodes whose name or description holds the text, best matches first.

    Example: foresight search "facial recognition" --type Technology
    """
    from foresight.analysis.resolve import suggest
    from foresight.errors import QueryError
    from foresight.search import SEARCH_TYPES, check_search

    if fmt not in {"table", "json", "csv"}:
        raise QueryError(f"--format {fmt}: use table, json or csv")
    types = check_search(text, [name.strip() for name in node_type.split(",")] if node_type else None)
    with _open(read_only=True) as store:
        index = _index(store, False, overrides)
        matches = index.search(text, types or list(SEARCH_TYPES), limit)
        hints = suggest(index, text) if not matches else []
        scans = index.scans(match.scan for match in matches if match.scan)
    if hints:
        _stderr().print(f"no match for {_escape(text)!r}; names close to it: "
                        + "; ".join(_escape(repr(hint)) for hint in hints))
    from foresight.export.output import Column, emit, field, scan_ref

    records = [{"node": m.node, "type": m.type, "label": m.label, "score": m.score, "relevancy": m.relevancy,
                "scan": scan_ref(scans, m.scan)} for m in matches]
    def short(record: Mapping[str, Any]) -> str:
        from rdflib import URIRef

        from foresight.export.results import shorten

        return shorten(URIRef(record["node"])) if fmt == "table" else str(record["node"])

    emit(records, [field("type"), field("label"), field("relevancy"),
                   Column("scan", lambda r: _where(r["scan"])), Column("node", short)],
         fmt, caption=f"{len(records)} matches")




_ROWS = typer.Option(False, "--rows", help="Work on each scan's own rows instead of the concepts across scans.")


@contextlib.contextmanager
def _building(store: Store, rules: Overrides, show: bool) -> Iterator[None]:
    """A bar while the concepts and indexes are built, and one for the texts embedded (the semantic extra)."""
    from foresight.derived import views

    derived = views(store, rules)
    with _progress(show) as progress:
        progress.add_task("concepts", total=None)
        embedding = progress.add_task("embedding", total=None, visible=False)
        if show:
            derived.embedding_progress = lambda done, total: progress.update(embedding, completed=done, total=total,
                                                                             visible=True)
        try:
            yield
        finally:
            derived.embedding_progress = None


def _progress(show: bool) -> Progress:
    """Progress bars on stderr (description, bar, done of total, time), gone when done; ``show``: drawn at all."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=_stderr(), transient=True, disable=not show)


def _decide(path: Path, overrides: Path | None, default: str | None) -> None:
    """Write a review file's decisions into the overrides file, then rebuild the concepts."""
    from foresight.derived.concepts import Overrides, append_decisions, read_decisions, refresh_concepts

    target = overrides if overrides is not None else DEFAULT_OVERRIDES  # --overrides or FORESIGHT_OVERRIDES
    decisions = read_decisions(path, default)
    append_decisions(target, decisions)
    with _open() as store:
        refresh_concepts(store, _rules(target) if target.is_file() else Overrides(), force=True)
    _stdout().print(f"{len(decisions.merge)} merges accepted, {len(decisions.never)} rejected, "
                    f"{decisions.undecided} left undecided; written to {target}")


def _rules(overrides: Path | None) -> Overrides:
    from foresight.derived.concepts import load_overrides

    return load_overrides(_overrides_path(overrides))


def _index(store: Store, rows: bool, overrides: Path | None) -> GraphIndex:
    """The index of the row graph or of the concept graph (built when missing or stale)."""
    from foresight.derived import views

    return views(store, _rules(overrides)).index("rows" if rows else "concepts")


def _resolve(names: Names, text: str, types: list[str] | None = None) -> list[str]:
    """The nodes a name stands for; says on stderr when they are not exactly what was typed."""
    from foresight.analysis.resolve import resolve_names

    found = resolve_names(names, text, types)
    if found.note:
        _stderr().print(f"[dim]{_escape(found.note)}[/]")
    return found.nodes


def _types_option(text: str | None) -> list[str] | None:
    from foresight.analysis.resolve import check_types
    from foresight.vocab import ITEM_TYPES

    return check_types(text.split(",") if text else None, ITEM_TYPES)


def _name(graph: Graph, node: str) -> str:
    data = graph.nodes[node]
    return f"{data.get('label')} [{data.get('type')}]"


def _where(ref: dict[str, Any] | None) -> str:
    from foresight.export.output import where

    return where(ref)


def _scan_line(graph: Graph, scan: str | None) -> str:
    from foresight.explore import scan_of

    return _where(scan_of(graph, scan)) or (scan or "")


def _apart(index: GraphIndex, starts: list[str], ends: list[str]) -> tuple[list[str], list[str]]:
    """The ends of pathways between two phrases (:func:`foresight.explore.apart`), saying what both held."""
    from foresight.explore import apart

    starts, ends, note = apart(index, starts, ends)
    if note:
        _stderr().print(f"[dim]{_escape(note)}[/]")
    return starts, ends


@app.command()
@reports_errors
def show(
    node: str = typer.Argument(..., help="A node name (all nodes with that name) or IRI."),
    node_type: str | None = typer.Option(None, "--type", "-t", help="Only nodes of these types, comma-separated."),
    fmt: ViewFormat = typer.Option(ViewFormat.table, "--format", "-f", help=_FORMAT_HELP),
    rows: bool = _ROWS,
    overrides: Path | None = _OVERRIDES,
) -> None:
    """Everything about a node: type, text from each scan, relevancy, neighbours by relation with evidence, sources.

    By default a name stands for its concept across scans: what each scan says of it,
    with date and article link, and its links gathered from all of them. With --rows,
    each scan's row is shown on its own.

    Example: foresight show "Public Self-Censorship"
    """
    from foresight.analysis.neighbors import describe
    from foresight.explore import edge_scan, profile_records

    with _open(read_only=True) as store:
        index = _index(store, rows, overrides)
        nodes = _resolve(index, node, _types_option(node_type))
        # every attribute of the nodes shown; of their neighbours, what a link is shown with
        graph = index.subgraph(index.ball(index.ids(nodes), 1), full=index.ids(nodes))
        details = describe(graph, nodes)
    records = profile_records(graph, details)
    if fmt is not ViewFormat.table:
        from foresight.export.output import emit, field

        flat = [{"node": record["label"], "type": record["type"], "relation": name, "other": other["label"],
                 "other_type": other["type"], "score": other["hop"]["score"], "evidence": other["hop"]["evidence"],
                 "scan": _where(other["hop"]["scan"]),
                 "article": (other["hop"]["scan"] or {}).get("article")}
                for record in records for name, others in record["relations"].items() for other in others]
        emit(records if fmt is ViewFormat.json else flat,
             [field(name) for name in ("node", "type", "relation", "other", "other_type", "score", "evidence",
                                       "scan", "article")], fmt.value)
        return
    from rich.table import Table

    out = _stdout()
    for d in details:
        relevancy = f" · relevancy {d.relevancy}" if d.relevancy is not None else ""
        out.print(f"[bold]{_escape(d.label)}[/] [{_escape(d.type)}]{relevancy}")
        out.print(f"  {_escape(d.node)}")
        if d.description:
            out.print(f"  {_escape(d.description)}")
        if d.alt_labels:
            out.print(f"  also worded: {_escape('; '.join(d.alt_labels))}")
        sources = d.texts or [{"scan": d.scan, "label": d.label, "description": None, "line": d.line}]
        if d.texts:
            out.print(f"  named in {len({text['scan'].get('iri') for text in d.texts})} scans:")
        for text in sources:
            scan = text["scan"]
            line = text.get("line")
            where = f"{scan.get('file')}, line {line}" if scan.get("file") and line else scan.get("file") or ""
            out.print(f"  scan: {_escape(_scan_line(graph, scan.get('iri')))}"
                      + (f" ({_escape(where)})" if where else ""))
            if d.texts:
                said = f"{text.get('label')}: {text.get('description')}" if text.get("description") else \
                    str(text.get("label"))
                out.print(f"    {_escape(said)}")
            if scan.get("url"):
                out.print(f"    article: {_escape(str(scan['url']))}")
        if not d.relations:
            out.print("  no links\n")
            continue
        table = Table(show_header=True, box=None, padding=(0, 1), pad_edge=False)
        for column in ("relation", "node", "score", "evidence", "scan"):
            table.add_column(column, overflow="fold")
        for name, hops in d.relations.items():
            for number, hop in enumerate(hops):
                start, end = (d.node, hop.node) if hop.forward else (hop.node, d.node)
                table.add_row(name if number == 0 else "", _escape(_name(graph, hop.node)), f"{hop.score:.2f}",
                              _escape(hop.evidence), _escape(_scan_line(graph, edge_scan(graph, start, end))))
        out.print(table)
        out.print()


def _hop_label(hop: Hop) -> str:
    return f"-{hop.relation}->" if hop.forward else f"<-{hop.relation}-"


@app.command()
@reports_errors
def paths(
    source: str = typer.Argument(..., metavar="FROM", help="Where pathways start: a node name or IRI."),
    target: str = typer.Argument(..., metavar="TO", help="Where pathways end: a node name or IRI."),
    k: int = typer.Option(5, "-k", help="How many pathways."),
    max_hops: int = typer.Option(5, "--max-hops", help="The longest pathway, in hops."),
    via: str | None = typer.Option(None, "--via", help="Types the nodes in between must have, comma-separated "
                                   "(e.g. Behavior)."),
    fmt: ViewFormat = typer.Option(ViewFormat.table, "--format", "-f", help=_FORMAT_HELP),
    rows: bool = _ROWS,
    overrides: Path | None = _OVERRIDES,
) -> None:
    """The k best pathways between two nodes, each hop with its relation and evidence.

    Names are matched ignoring case; a near miss is corrected when it is close, and
    answered with "did you mean" otherwise. Pathways are ranked by hops, link scores
    and relevancy; the same pathway worded alike in other scans is counted, not repeated.

    Example: foresight paths "Live Facial Recognition" "Chilling Effect on Free Expression"
    """
    from foresight.errors import ForesightError
    from foresight.search import best_paths

    through = _types_option(via)
    if k < 1 or max_hops < 1:
        raise ForesightError("paths: -k and --max-hops must be at least 1")
    with _open(read_only=True) as store:
        index = _index(store, rows, overrides)
        starts, ends = _apart(index, _resolve(index, source), _resolve(index, target))
        graph, found = best_paths(index, starts, ends, k=k, max_hops=max_hops, via=through)
    _print_pathways(graph, found, fmt, f"no pathway of at most {max_hops} hops from {source!r} to {target!r}")


def _print_pathways(graph: Graph, found: list[Pathway], fmt: ViewFormat, empty: str) -> None:
    from foresight.explore import edge_scan, pathway_records, pathway_scans

    records = pathway_records(graph, found)
    if fmt is not ViewFormat.table:
        from foresight.export.output import emit, field

        labels = {node["iri"]: node["label"] for record in records for node in record["nodes"]}
        flat = [{"pathway": record["rank"], "hop": number, "from": labels.get(hop["from"]),
                 "relation": hop["relation"] if hop["forward"] else f"{hop['relation']} (against)",
                 "to": labels.get(hop["to"]), "score": hop["score"], "method": hop["method"],
                 "evidence": hop["evidence"], "scan": _where(hop["scan"]),
                 "article": (hop["scan"] or {}).get("article")}
                for record in records for number, hop in enumerate(record["hops"], start=1)]
        emit(records if fmt is ViewFormat.json else flat,
             [field(name) for name in ("pathway", "hop", "from", "relation", "to", "score", "method", "evidence",
                                       "scan", "article")], fmt.value)
        return
    out = _stdout()
    if not found:
        out.print(_escape(empty))
        return
    for rank, pathway in enumerate(found, start=1):
        again = f"; worded alike in {len(pathway.repeats)} more scans" if pathway.repeats else ""
        scans = pathway_scans(graph, pathway)
        where = _scan_line(graph, scans[0]) if len(scans) == 1 else f"evidence from {len(scans)} scans"
        out.print(f"[bold]{rank}.[/] {len(pathway.hops)} hops · cost {pathway.cost:.2f} · "
                  f"strength {pathway.strength:.2f} · {_escape(where)}{again}")
        out.print(f"   {_escape(_name(graph, pathway.nodes[0]))}")
        for hop in pathway.hops:
            start, end = (hop.source, hop.target) if hop.forward else (hop.target, hop.source)
            source = _scan_line(graph, edge_scan(graph, start, end))
            out.print(f"   {_hop_label(hop)} {_escape(_name(graph, hop.target))}")
            out.print(f"      [dim]{hop.method} {hop.score:.2f}: {_escape(hop.evidence)}"
                      + (f" ({_escape(source)})" if source and len(scans) > 1 else "") + "[/]")
    out.print(f"{len(found)} pathways")


@app.command()
@reports_errors
def pathways(
    driver: str | None = typer.Option(None, "--driver", help="Driving forces with these words (near spellings too)."),
    theme: str | None = typer.Option(None, "--theme", help="Only scans with a theme containing this text."),
    keyword: str | None = typer.Option(None, "--keyword", help="Only scans with a keyword containing this text."),
    limit: int = typer.Option(20, "--limit", "-n", help="How many chains."),
    fmt: ViewFormat = typer.Option(ViewFormat.table, "--format", "-f", help=_FORMAT_HELP),
    rows: bool = _ROWS,
    overrides: Path | None = _OVERRIDES,
) -> None:
    """Ranked change pathways: driving force -> signal -> shift -> outlook (and the issues the signal raises).

    Example: foresight pathways --driver "public controversy"
    """
    from foresight.explore import edge_scan, scan_of
    from foresight.search import pathway_chains

    with _open(read_only=True) as store:
        graph, chains = pathway_chains(_index(store, rows, overrides), driver=driver, theme=theme, keyword=keyword,
                                       limit=limit)

    def label(node: str | None) -> str | None:
        return graph.nodes[node]["label"] if node else None

    def chain_scan(chain: Chain) -> str | None:
        """The scan a chain is told in: the row's own, or where its force drives its signal, or the newest."""
        if chain.scan:
            return str(chain.scan)
        if chain.driving_force and graph.has_edge(chain.driving_force, chain.signal):
            return edge_scan(graph, chain.driving_force, chain.signal)
        own = graph.nodes[chain.signal].get("scan_list") or []
        return max(own, key=lambda scan: (graph.graph["scans"].get(scan, {}).get("date") or "", scan), default=None)

    records = [{
        "rank": rank, "driving_force": label(c.driving_force), "signal": label(c.signal),
        "shift": label(c.shift), "outlook": label(c.outlook), "raises": [label(n) for n in c.raises],
        "relevancy": c.relevancy, "match": c.match, "scan": scan_of(graph, chain_scan(c)),
        "scans": graph.nodes[c.signal].get("scans", 1),
        "nodes": {"driving_force": c.driving_force, "signal": c.signal, "shift": c.shift, "outlook": c.outlook},
    } for rank, c in enumerate(chains, start=1)]
    from foresight.export.output import Column, emit, field

    emit(records, [field("driving_force"), field("signal"), field("shift"), field("outlook"), field("raises"),
                   Column("rel.", lambda r: r["relevancy"]), Column("scan", lambda r: _where(r["scan"])),
                   Column("article", lambda r: (r["scan"] or {}).get("article"))],
         fmt.value, caption=f"{len(records)} pathways")


@app.command()
@reports_errors
def neighbors(
    node: str = typer.Argument(..., help="A node name or IRI."),
    depth: int = typer.Option(1, "--depth", "-d", help="How many hops out."),
    node_type: str | None = typer.Option(None, "--type", "-t", help="Only list neighbours of these types."),
    limit: int = typer.Option(200, "--limit", "-n", help="How many neighbours, nearest first (0: all)."),
    fmt: ViewFormat = typer.Option(ViewFormat.table, "--format", "-f", help=_FORMAT_HELP),
    rows: bool = _ROWS,
    overrides: Path | None = _OVERRIDES,
) -> None:
    """The nodes within N hops of a node, each with the hop that reaches it and its evidence.

    Example: foresight neighbors "Public Self-Censorship" --depth 2
    """
    from foresight.analysis.neighbors import neighbors as find_neighbors
    from foresight.errors import ForesightError
    from foresight.explore import hop_record, node_record

    wanted = _types_option(node_type)
    if depth < 1:
        raise ForesightError("neighbors: --depth must be at least 1")
    with _open(read_only=True) as store:
        index = _index(store, rows, overrides)
        nodes = _resolve(index, node)
        graph = index.subgraph(index.ball(index.ids(nodes), depth), full=False)
        found = [n for n in find_neighbors(graph, nodes, depth)
                 if wanted is None or graph.nodes[n.node].get("type") in wanted]
    from foresight.export.output import Column, emit, field

    shown = found[:limit] if limit > 0 else found
    records = [{**node_record(graph, n.node), "distance": n.distance, "via": n.via,
                "via_label": graph.nodes[n.via].get("label"),
                "hop": hop_record(graph, n.via, n.node, n.forward, n.relation, n.score, "", n.evidence)}
               for n in shown]
    emit(records, [field("distance", "hops"), Column("node", lambda r: f"{r['label']} [{r['type']}]"),
                   Column("reached over", lambda r: f"-{r['hop']['relation']}->" if r["hop"]["forward"]
                          else f"<-{r['hop']['relation']}-"),
                   field("via_label", "from"), Column("evidence", lambda r: r["hop"]["evidence"]),
                   Column("scan", lambda r: _where(r["hop"]["scan"]))],
         fmt.value, caption=f"{len(records)} of {len(found)} neighbours" + (
             " (--limit 0 lists all, --format csv for a file)" if len(records) < len(found) else ""))


class SizeBy(StrEnum):
    relevancy = "relevancy"
    degree = "degree"
    scans = "scans"


@app.command()
@reports_errors
def render(
    output: Path = typer.Option(Path("foresight-map.html"), "--output", "-o", help="The HTML file to write."),
    focus_on: str | None = typer.Option(None, "--focus", help="Map only the surroundings of this node (name or IRI)."),
    depth: int = typer.Option(2, "--depth", "-d", help="With --focus: how many hops out."),
    source: str | None = typer.Option(None, "--from", help="Map the best pathways from this node (with --to)."),
    target: str | None = typer.Option(None, "--to", help="Map the best pathways to this node (with --from)."),
    k: int = typer.Option(5, "-k", help="With --from/--to: how many pathways."),
    max_hops: int = typer.Option(5, "--max-hops", help="With --from/--to: the longest pathway, in hops."),
    sparql_query: str | None = typer.Option(None, "--sparql", help="Map what a SPARQL CONSTRUCT query returns "
                                            "(a file, a saved query name, or the query)."),
    size_by: SizeBy | None = typer.Option(None, "--size-by", help="Node size: scans (concepts, the default), "
                                          "relevancy (the default with --rows) or degree."),
    max_nodes: int = typer.Option(5000, "--max-nodes", help="Refuse maps larger than this."),
    title: str = typer.Option("foresight map", "--title", help="The page title."),
    rows: bool = _ROWS,
    overrides: Path | None = _OVERRIDES,
    allow_service: bool = _ALLOW_SERVICE,
) -> None:
    """Write one self-contained interactive HTML map: the whole graph, a focus, pathways, or a CONSTRUCT result.

    The page makes no network request: open it anywhere, attach it to a mail.

    Example: foresight render --focus "Public Self-Censorship" --depth 2 -o self-censorship.html
    """
    from foresight.analysis import subgraphs
    from foresight.errors import QueryError
    from foresight.export.html import write_html
    from foresight.store.base import SelectResult

    chosen = [name for name, given in (("--focus", focus_on), ("--from/--to", source or target),
                                       ("--sparql", sparql_query)) if given]
    if len(chosen) > 1:
        raise QueryError(f"render: choose one of {' and '.join(chosen)}")
    if bool(source) != bool(target):
        raise QueryError("render: --from and --to go together")
    with _open(read_only=True) as store:
        index = _index(store, rows, overrides)
        focus_node = None
        if focus_on:
            nodes = _resolve(index, focus_on)
            # what a map shows of a node and a link is in the light columns: no JSON to read
            view = subgraphs.focus(index.subgraph(index.ball(index.ids(nodes), depth), full=False), nodes, depth)
            focus_node = nodes[0]
        elif source and target:
            from foresight.analysis.paths import k_best_paths

            starts, ends = _apart(index, _resolve(index, source), _resolve(index, target))
            graph = index.subgraph(index.between(index.ids(starts), index.ids(ends), max_hops), full=False)
            found = k_best_paths(graph, starts, ends, k=k, max_hops=max_hops)
            if not found:
                raise QueryError(f"render: no pathway of at most {max_hops} hops from {source!r} to {target!r}")
            on_map = {n for pathway in found for nodes in (pathway.nodes, *pathway.repeats) for n in nodes}
            view = subgraphs.along(index.subgraph(index.ids(sorted(on_map))), found)
            focus_node = found[0].nodes[0]
        elif sparql_query:
            store.allow_service = allow_service
            result = store.query(_query_text(sparql_query))
            if isinstance(result, (bool, SelectResult)):
                raise QueryError("render --sparql needs a CONSTRUCT or DESCRIBE query")
            named = {str(term) for triple in result for term in (triple[0], triple[2])}
            view = subgraphs.from_rdf(index.subgraph(index.ids(sorted(named))), result)
        else:
            if index.node_count() > max_nodes:
                raise QueryError(f"the graph has {index.node_count():,} nodes, more than the {max_nodes:,} an HTML "
                                 "map shows; render part of it (--focus, --from/--to, --sparql) or raise --max-nodes")
            view = index.whole()
        sizing = size_by.value if size_by else ("relevancy" if rows else "scans")
        write_html(view, output, title=title, size_by=sizing, max_nodes=max_nodes, focus=focus_node)
    _stderr().print(f"wrote {output}: {view.number_of_nodes()} nodes, {view.number_of_edges()} edges "
                    f"({output.stat().st_size} bytes)")


@app.command()
@reports_errors
def concepts(
    node_type: str | None = typer.Option(None, "--type", "-t", help="Only concepts of these kinds, comma-separated "
                                         "(Issue, Technology, Behavior, Concern, Signal, DrivingForce, Outlook, "
                                         "Keyword, Theme)."),
    review: bool = typer.Option(False, "--review", help="List the likely merges left undecided, with their evidence."),
    rebuild: bool = typer.Option(False, "--rebuild", help="Rebuild the concepts and store them (for SPARQL)."),
    min_articles: int = typer.Option(1, "--min-articles", "--min-scans",
                                  help="Only concepts named in at least this many articles."),
    steep: str | None = _STEEP,
    limit: int = typer.Option(30, "--limit", "-n", help="How many to list."),
    overrides: Path | None = _OVERRIDES,
    fmt: ViewFormat = typer.Option(ViewFormat.table, "--format", "-f", help=_FORMAT_HELP),
    decide: Path | None = typer.Option(None, "--decide", help="A review file (concepts --review -f csv) with its "
                                       "decision column filled in (accept or reject): the decisions go into the "
                                       "overrides file and the concepts are rebuilt."),
    accept_all: bool = typer.Option(False, "--accept-all", help="With --decide: accept every undecided pair."),
    reject_all: bool = typer.Option(False, "--reject-all", help="With --decide: reject every undecided pair."),
) -> None:
    """Concepts across scans: rows of many scans that name the same thing, with how many scans name them.

    `--review` lists the merges foresight found likely but did not make; accept one by adding it under
    `merge:` in the overrides file, reject it under `never:`.

    Example: foresight concepts --type Concern --min-articles 3
    """
    from foresight.derived import views
    from foresight.derived.embeddings import mode

    kinds = _concept_kinds(node_type)
    category = _steep_category(steep)
    if decide is not None:
        _decide(decide, overrides, "accept" if accept_all else "reject" if reject_all else None)
        return
    if accept_all or reject_all:
        from foresight.errors import ForesightError

        raise ForesightError("--accept-all and --reject-all go with --decide FILE")
    rules = _rules(overrides)
    with _open(read_only=not rebuild) as store:
        if rebuild:
            from foresight.derived.concepts import refresh_concepts

            with _building(store, rules, sys.stderr.isatty()):
                refresh_concepts(store, rules, force=True)
        derived = views(store, rules)
        index = derived.index("concepts")
        if review:
            pending, total = index.review(kinds, limit)
        elif category is not None:
            tagged = _concept_categories(index, category) or {}
            every, _ = index.concept_list(kinds, min_articles, index.node_count())
            chosen = [c for c in every if category in tagged.get(c.iri, ())]
            shown, total = chosen[:limit], len(chosen)
        else:
            shown, total = index.concept_list(kinds, min_articles, limit)
    from foresight.export.output import Column, emit, field

    if review:
        records = [{"kind": a.kind, "a": a.label, "b": b.label, "score": score, "method": method,
                    "evidence": evidence, "a_scans": len(a.scans), "b_scans": len(b.scans),
                    "a_articles": len(a.articles), "b_articles": len(b.articles),
                    "a_iri": a.iri, "b_iri": b.iri} for a, b, score, method, evidence in pending]
        if fmt.value == "csv":  # a review file: fill in the decision column, then concepts --decide FILE
            columns = [field("kind"), field("a"), field("b"), field("a_articles"), field("b_articles"),
                       Column("score", lambda r: f"{r['score']:.2f}"), field("evidence"),
                       Column("decision", lambda r: "")]
        else:
            columns = [field("kind"), field("a", "concept"), field("a_articles", "articles"),
                       field("b", "likely the same as"), field("b_articles", "articles"),
                       Column("score", lambda r: f"{r['score']:.2f}"), field("evidence")]
        emit(records, columns, fmt.value,
             caption=f"{len(records)} of {total} likely merges, those changing most articles first; accept under "
             "merge:, reject under never: in the overrides file, or decide a whole file with --decide")
        return
    records = [{"iri": c.iri, "kind": c.kind, "label": c.label, "alt_labels": c.alt_labels,
                "articles": len(c.articles), "scans": len(c.scans), "rows": len(c.rows), "first": c.first,
                "last": c.last,
                "months": dict(sorted(c.months.items()))} for c in shown]

    def others(record: Mapping[str, Any]) -> str:
        alt = record["alt_labels"]
        return "; ".join(alt[:3]) + (f" (+{len(alt) - 3})" if len(alt) > 3 else "")

    emit(records, [field("kind"), field("label", "concept"), field("articles"), field("scans"), field("rows"),
                   field("first"),
                   field("last"), Column("also worded", others)], fmt.value,
         caption=f"{len(records)} of {total} concepts{' (stored)' if rebuild else ''}; matching: {mode()}")


@app.command()
@reports_errors
def topics(
    topic: str | None = typer.Argument(None, help="One topic, by its name: its concepts, narrower topics, "
                                       "associated topics and articles by month."),
    kind: str | None = typer.Option(None, "--kind", "-t", help="Rank topics by the articles whose rows of this kind "
                                    "hold them (DrivingForce: the recurring driving forces)."),
    min_articles: int = typer.Option(1, "--min-articles", help="Only topics named in at least this many articles "
                                     "(a topic is named in 5 at least, 2 in a corpus of a few hundred articles)."),
    steep: str | None = _STEEP,
    limit: int = typer.Option(30, "--limit", "-n", help="How many to list."),
    overrides: Path | None = _OVERRIDES,
    fmt: ViewFormat = typer.Option(ViewFormat.table, "--format", "-f", help=_FORMAT_HELP),
) -> None:
    """Topics above concepts: wordings that recur across articles, with their counts by article and month.

    A topic gathers every concept whose name holds its words ("Mental Health" gathers "Youth Mental Health
    Crisis" and the driving forces naming mental health); topics named together in more articles than chance
    are associated (co-occurrence, never a cause). With --kind DrivingForce, the recurring driving forces.

    Example: foresight topics --kind DrivingForce -n 20
    """
    from foresight.derived import views
    from foresight.explore import topic_record

    kinds = _concept_kinds(kind)
    if kinds and len(kinds) > 1:
        from foresight.errors import ForesightError

        raise ForesightError("topics: give one --kind")
    category = _steep_category(steep)
    with _open(read_only=True) as store:
        derived = views(store, _rules(overrides))
        index = derived.index("concepts")
        if topic is not None:
            record = topic_record(index, topic, limit)
        elif category is not None:
            tagged = _topic_categories(index, category) or {}
            every, _ = index.topic_list(min_articles, index.node_count(), kinds[0] if kinds else None)
            chosen = [t for t in every if category in tagged.get(t.iri, ())]
            shown, total = chosen[:limit], len(chosen)
        else:
            shown, total = index.topic_list(min_articles, limit, kinds[0] if kinds else None)
        if topic is None:
            labels = {t.iri: t.label for t in index.topics_by_iri({b for t in shown for b in t.broader})}
    from foresight.export.output import Column, emit, field

    if topic is not None:
        _print_topic(record, fmt)
        return
    records = [{"iri": t.iri, "label": t.label, "articles": len(t.articles),
                **({"kind_articles": t.kinds.get(kinds[0], 0)} if kinds else {}), "concepts": len(t.members),
                "broader": [labels.get(b, b) for b in t.broader], "first": t.first, "last": t.last,
                "kinds": dict(sorted(t.kinds.items())), "months": dict(sorted(t.months.items()))} for t in shown]
    columns = [field("label", "topic"), field("articles")]
    if kinds:
        columns.append(field("kind_articles", f"articles ({kinds[0]})"))
    columns += [field("concepts"), Column("under", lambda r: "; ".join(r["broader"])), field("first"),
                field("last")]
    what = f"topics held by the {kinds[0]} rows of the most articles" if kinds else "topics"
    if category:
        what += f" tagged {category}"
    least = f", named in {min_articles}+ articles" if min_articles > 1 else ""
    emit(records, columns, fmt.value, caption=f"{len(records)} of {total} {what}{least}")


#: the variables of a structural analysis (micmac, cross-impact): how many, around which topic, of which kind
_VARIABLES = typer.Option(20, "--top", "-n", help="How many variables: the recurring forces, or --topic and the "
                          "topics most associated with it.")
_SYSTEM = typer.Option(None, "--topic", help="The system around this topic (it and its associated topics), instead "
                       "of the recurring forces.")
_FORCE_KIND = typer.Option("DrivingForce", "--kind", "-t", help="Without --topic: the recurring topics of the rows "
                           "of this kind.")


@app.command()
@reports_errors
def micmac(
    top: int = _VARIABLES,
    topic: str | None = _SYSTEM,
    kind: str = _FORCE_KIND,
    steep: str | None = _STEEP,
    plot: Path | None = typer.Option(None, "--plot", help="Also draw the influence/dependence plane as .png or .svg."),
    overrides: Path | None = _OVERRIDES,
    fmt: ViewFormat = typer.Option(ViewFormat.table, "--format", "-f", help=_FORMAT_HELP),
) -> None:
    """MICMAC structural analysis: which forces drive the system, which relay it, which depend on it.

    The direct influence of one variable on another is the support of the evidence-backed links from its
    concepts to the other's (drives, enables, raises, leadsTo; mitigates counted too, and listed); indirect
    influence and dependence come from the powers of that matrix, until their ranking holds. Quadrants split
    at the means: influential, relay, dependent, autonomous.

    Example: foresight micmac --top 30 --plot micmac.png
    """
    from foresight.analytics.structural import micmac_records, structural_analysis
    from foresight.derived import views
    from foresight.errors import ForesightError

    if top < 2:
        raise ForesightError("micmac: --top must be at least 2")
    kinds = _concept_kinds(kind) or ["DrivingForce"]
    category = _steep_category(steep)
    if plot is not None:
        from foresight.files import chart_path

        chart_path(plot)  # a wrong extension is said before the analysis runs
    with _open(read_only=True) as store, _progress(sys.stderr.isatty()) as progress:
        progress.add_task("micmac", total=None)
        derived = views(store, _rules(overrides))
        index = derived.index("concepts")
        structure = structural_analysis(index, top=top, topic=topic, kind=kinds[0], steep=category)
    records = micmac_records(structure)
    if plot is not None:
        from foresight.analytics.plots import micmac_plot

        micmac_plot(structure.result, plot, f"MICMAC of {structure.what}")
        _stderr().print(f"wrote {plot}")
    from foresight.export.output import Column, emit, field

    result = structure.result
    held = f"ranking {'held from' if result.stable else 'still moving at'} power {result.power}"
    if not structure.matrix.weights.any():
        held = "no evidence-backed influence links among them"
    emit(records, [field("concept"), Column("influence", lambda r: f"{r['influence']:g}"),
                   Column("dependence", lambda r: f"{r['dependence']:g}"),
                   Column("indirect infl.", lambda r: f"{r['indirect_influence']:.1f}"),
                   Column("indirect dep.", lambda r: f"{r['indirect_dependence']:.1f}"), field("quadrant"),
                   Column("rank shift", lambda r: f"{r['influence_rank'] - r['indirect_influence_rank']:+d}"),
                   Column("mitigates", lambda r: f"{r['mitigating_out']:g}")],
         fmt.value, caption=f"MICMAC of {structure.what}; {held}; quadrants split at the means")


@app.command("cross-impact")
@reports_errors
def cross_impact(
    top: int = _VARIABLES,
    topic: str | None = _SYSTEM,
    kind: str = _FORCE_KIND,
    steep: str | None = _STEEP,
    scaled: bool = typer.Option(False, "--cib", help="Cells on the -3..+3 scale of cross-impact balances instead "
                                "of net evidence counts."),
    overrides: Path | None = _OVERRIDES,
    fmt: str = typer.Option("csv", "--format", "-f", help="csv (the matrix, for CIB/ScenarioWizard-style tools) or "
                            "json (every cell with its relations and evidence scans)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="File to write (default: stdout)."),
) -> None:
    """The cross-impact matrix of the recurring forces (or a topic's system), from evidence-backed links.

    The row variable acts on the column variable: each cell is the net support of the links from the row's
    concepts to the column's (drives, enables, raises, leads to, minus mitigates); --cib rescales it to -3..+3.
    The variables are those of micmac.

    Example: foresight cross-impact --top 12 --cib -o cross-impact.csv
    """
    from foresight.analytics.influence import cross_impact_rows
    from foresight.analytics.structural import structural_analysis
    from foresight.derived import views
    from foresight.errors import ForesightError

    if fmt not in ("csv", "json"):
        raise ForesightError(f"cross-impact: --format is csv or json, not {fmt!r}")
    if top < 2:
        raise ForesightError("cross-impact: --top must be at least 2")
    kinds = _concept_kinds(kind) or ["DrivingForce"]
    category = _steep_category(steep)
    with _open(read_only=True) as store, _progress(sys.stderr.isatty()) as progress:
        progress.add_task("cross-impact", total=None)
        derived = views(store, _rules(overrides))
        index = derived.index("concepts")
        if fmt == "json":
            from foresight.explore import cross_impact_records
            from foresight.export.output import to_json

            text = to_json(cross_impact_records(index, top=top, topic=topic, kind=kinds[0], steep=category)) + "\n"
        else:
            import csv
            import io

            from foresight.export.output import plain

            matrix = structural_analysis(index, top=top, topic=topic, kind=kinds[0], steep=category).matrix
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            for row in cross_impact_rows(matrix, scaled=scaled):
                writer.writerow([plain(cell) for cell in row])
            text = buffer.getvalue()
    if output is None:
        sys.stdout.write(text)
        return
    from foresight.files import atomic_write

    atomic_write(output, lambda stream: stream.write(text.encode("utf-8")))
    _stderr().print(f"wrote {output} ({output.stat().st_size} bytes)")


@app.command()
@reports_errors
def axes(
    top: int = typer.Option(20, "--top", "-n", help="How many recurring forces to consider."),
    kind: str = typer.Option("DrivingForce", "--kind", "-t", help="The recurring topics of the rows of this kind."),
    steep: str | None = _STEEP,
    pairs: int = typer.Option(5, "--pairs", help="How many pairs of axes to list."),
    min_outlooks: int = typer.Option(5, "--min-outlooks", help="The fewest distinct outlooks a force needs to be "
                                     "scored."),
    overrides: Path | None = _OVERRIDES,
    fmt: ViewFormat = typer.Option(ViewFormat.table, "--format", "-f", help=_FORMAT_HELP),
) -> None:
    """Scenario axes: the recurring forces ranked by impact x uncertainty, and the best pairs for a 2x2.

    Impact is a force's indirect influence in the MICMAC of the forces considered; uncertainty, how often its
    10-year outlooks on the same subject go opposite ways (one says more, the other less), shrunk towards the
    overall rate when there are few such pairs. Each axis shows its two poles: the most alike outlooks that
    contradict. A pair of axes scores both scores times how few articles they share; nested topics never pair.

    Example: foresight axes --top 30 --format json
    """
    from foresight.derived import views
    from foresight.errors import ForesightError
    from foresight.explore import axes_records

    if top < 2 or pairs < 0 or min_outlooks < 2:
        raise ForesightError("axes: --top and --min-outlooks must be at least 2, --pairs at least 0")
    kinds = _concept_kinds(kind) or ["DrivingForce"]
    category = _steep_category(steep)
    with _open(read_only=True) as store, _progress(sys.stderr.isatty()) as progress:
        progress.add_task("axes", total=None)
        derived = views(store, _rules(overrides))
        index = derived.index("concepts")
        found = axes_records(index, derived.vectors(), top=top, kind=kinds[0], min_outlooks=min_outlooks,
                             pairs=pairs, steep=category)
    records, pair_records, what = found["axes"], found["pairs"], found["considered"]
    if not found["contradicting"]:
        _stderr().print("no two outlooks of these forces contradict each other: their uncertainty cannot be told "
                        "apart (consider more forces with --top" +
                        (", or the semantic extra)" if derived.vectors() is None else ")"))
    if fmt is ViewFormat.json:
        from foresight.export.output import to_json

        sys.stdout.write(to_json(found) + "\n")
        return
    from foresight.export.output import Column, emit, field

    emit(records, [field("concept"), Column("score", lambda r: f"{r['score']:.2f}"),
                   Column("impact", lambda r: f"{r['impact_scaled']:.2f}"),
                   Column("uncertainty", lambda r: "" if r["uncertainty"] is None else f"{r['uncertainty']:.2f}"),
                   Column("contradicting", lambda r: f"{r['contradicting_pairs']} of {r['comparable_pairs']}"),
                   field("outlooks"), field("articles")],
         fmt.value, caption=f"scenario axes among {what}: impact (indirect influence) x uncertainty (outlooks "
                            "that contradict), each scaled by the largest")
    if fmt is not ViewFormat.table:
        return
    out = _stdout()
    out.print("\nthe best pairs for a 2x2 scenario matrix, each axis between its poles:" if pair_records else
              "\nno pair of axes: too few forces with outlooks to compare")
    for number, pair in enumerate(pair_records, start=1):
        out.print(f"{number}. {_escape(pair['first'])} x {_escape(pair['second'])} (score {pair['score']:.3f}, "
                  f"{100 * pair['overlap']:.0f} % of their articles shared)")
        for name, ends in pair["poles"].items():
            shown = " <-> ".join(f'"{_escape(end["outlook"])}"' for end in ends) or "no contradicting outlooks"
            out.print(f"   {_escape(name)}: {shown}")


@app.command()
@reports_errors
def centrality(
    kind: str = typer.Option("DrivingForce", "--kind", "-t", help="Rank the topics that rows of this kind hold; 'all' "
                             "for every topic."),
    between: bool = typer.Option(False, "--betweenness", help="Also estimate betweenness (the brokers between "
                                 "themes) from --samples sources; kept beside the store once computed."),
    samples: int = typer.Option(200, "--samples", help="Sources sampled for betweenness."),
    seed: int = typer.Option(13, "--seed", help="The seed of the betweenness sample."),
    steep: str | None = _STEEP,
    limit: int = typer.Option(20, "--limit", "-n", help="How many topics to list."),
    overrides: Path | None = _OVERRIDES,
    fmt: ViewFormat = typer.Option(ViewFormat.table, "--format", "-f", help=_FORMAT_HELP),
) -> None:
    """Centrality of the recurring forces: PageRank over the topic graph, and sampled betweenness on request.

    Topics are linked when named together in more articles than chance (both ways) and when an evidence-backed
    link (drives, enables, raises, leadsTo, mitigates) runs from a concept under one to a concept under the
    other. PageRank says which topics the links lead to most; betweenness, which lie between the others.

    Example: foresight centrality --betweenness --samples 200
    """
    from foresight.analytics.centrality import central_topics
    from foresight.derived import views
    from foresight.errors import ForesightError

    if samples < 1 or limit < 1:
        raise ForesightError("centrality: --samples and --limit must be at least 1")
    kinds = None if kind.strip().lower() == "all" else (_concept_kinds(kind) or ["DrivingForce"])
    category = _steep_category(steep)
    with _open(read_only=True) as store, _progress(sys.stderr.isatty()) as progress:
        progress.add_task("centrality", total=None)
        derived = views(store, _rules(overrides))
        index = derived.index("concepts")
        found, total = central_topics(index, kind=kinds[0] if kinds else None,
                                      samples=samples if between else None, seed=seed, kept=derived.kept,
                                      limit=limit, steep=category)
    from foresight.export.output import Column, emit, field

    records = [{"topic": c.label, "iri": c.iri, "pagerank": round(c.pagerank, 6), "pagerank_rank": c.pagerank_rank,
                "betweenness": None if c.betweenness is None else round(c.betweenness, 6),
                "betweenness_rank": c.betweenness_rank, "degree": c.degree, "articles": c.articles,
                "kind_articles": c.driving_force_articles} for c in found]
    columns = [field("topic"), Column("PageRank", lambda r: f"{1000 * r['pagerank']:.2f}"),
               Column("rank", lambda r: str(r["pagerank_rank"])), field("degree"), field("articles")]
    if between:
        columns[3:3] = [Column("betweenness", lambda r: f"{r['betweenness']:.4f}"),
                        Column("b. rank", lambda r: str(r["betweenness_rank"]))]
    what = (f"topics held by {kinds[0]} rows" if kinds else "topics") + (f" tagged {category}" if category else "")
    sampled = f"; betweenness from {samples} sampled sources (seed {seed})" if between else ""
    emit(records, columns, fmt.value, caption=f"{len(records)} of {total} {what}, by PageRank (per 1,000) over the "
                                              f"topic graph{sampled}")


@app.command()
@reports_errors
def communities(
    min_articles: int = typer.Option(3, "--min-articles", help="Topics named in this many of a year's articles "
                                     "take part in that year."),
    resolution: float = typer.Option(1.0, "--resolution", help="Louvain resolution: above 1 more and smaller "
                                     "communities, below 1 fewer and larger."),
    top: int = typer.Option(400, "--top", "-n", help="The topics of each year that take part: those named in the "
                            "most of its articles."),
    shown: int = typer.Option(6, "--members", help="How many topics of each community to list."),
    overrides: Path | None = _OVERRIDES,
    fmt: ViewFormat = typer.Option(ViewFormat.table, "--format", "-f", help=_FORMAT_HELP),
) -> None:
    """Communities of topics year by year, and how they change: new, continuing, merged, split or faded.

    Each year, the --top topics named in the most of that year's articles are linked when named together more
    often than chance, weighted by the
    articles they share, and split into communities (Louvain, fixed seed). A community is named by its most
    connected topic, and matched to the community of the year before with which it shares the most topics.

    Example: foresight communities --min-articles 3
    """
    from foresight.derived import views
    from foresight.errors import ForesightError
    from foresight.explore import communities_records

    if min_articles < 1 or resolution <= 0 or shown < 1 or top < 2:
        raise ForesightError("communities: --min-articles and --members must be at least 1, --top 2, --resolution "
                             "above 0")
    with _open(read_only=True) as store, _progress(sys.stderr.isatty()) as progress:
        progress.add_task("communities", total=None)
        index = views(store, _rules(overrides)).index("concepts")
        found = communities_records(index, min_articles=min_articles, resolution=resolution, top=top)
    records, gone = found["communities"], found["faded"]
    if fmt is ViewFormat.json:
        from foresight.export.output import to_json

        sys.stdout.write(to_json(found) + "\n")
        return
    from foresight.export.output import Column, emit, field

    emit(records, [field("year"), Column("#", lambda r: str(r["number"])), field("community"), field("size"),
                   field("articles"), field("change"),
                   Column("from", lambda r: "; ".join(f"{f['community']} ({f['jaccard']:.2f})" for f in r["from"])),
                   Column("topics", lambda r: ", ".join(r["topics"][:shown]))],
         fmt.value, caption=f"communities of the {top} topics named in the most of each year's articles "
                            f"({min_articles}+); "
                            f"{len(gone)} faded: " + "; ".join(f"{g['community']} after {g['year'][:4]}"
                                                              for g in gone[:10]) + (" ..." if len(gone) > 10 else ""))


@app.command()
@reports_errors
def emerging(
    months: int = typer.Option(6, "--months", help="The recent window, in months (ending at the latest month)."),
    level: str = typer.Option("concepts", "--level", help="concepts, or topics."),
    node_type: str | None = typer.Option(None, "--type", "-t", help="Only concepts of these kinds, comma-separated."),
    min_articles: int = typer.Option(3, "--min-articles", help="The fewest articles in the window."),
    significance: float = typer.Option(0.05, "--p", help="The one-sided p a rise must pass."),
    steep: str | None = _STEEP,
    limit: int = typer.Option(15, "--limit", "-n", help="How many to list."),
    overrides: Path | None = _OVERRIDES,
    fmt: ViewFormat = typer.Option(ViewFormat.table, "--format", "-f", help=_FORMAT_HELP),
) -> None:
    """Emerging concepts (or topics) and weak signals: named in a growing share of articles.

    The share of the window's articles that name an item is tested against its share of every article before
    the window (an exact test for two rates); what passes --p with --min-articles is listed, the strongest
    evidence first, as new (first seen in the window), weak signal (rare, rising) or growing, each with why.
    When nothing passes, it says what the window held.

    Example: foresight emerging --months 6 --type Technology
    """
    from foresight.derived import views
    from foresight.explore import emerging_records

    with _open(read_only=True) as store, _progress(sys.stderr.isatty()) as progress:
        progress.add_task("emerging", total=None)
        index = views(store, _rules(overrides)).index("concepts")
        found = emerging_records(index, months=months, level=level, kinds=_concept_kinds(node_type),
                                 min_articles=min_articles, significance=significance,
                                 steep=_steep_category(steep), limit=limit)
    if found.empty_because is not None:
        if fmt is not ViewFormat.table:
            from foresight.export.output import emit, field

            emit([], [field("concept"), field("score"), field("why")], fmt.value)
        _stderr().print(f"nothing emerging: {_escape(found.empty_because)}")
        return
    from foresight.export.output import Column, emit, field

    records, window = found.records, found.window
    emit(records, [field("kind"), field("concept"), field("category"), Column("score", lambda r: f"{r['score']:.1f}"),
                   field("why")], fmt.value,
         caption=f"{len(records)} of {found.passed} {level} rising in the last {months} months ({window[0]} to "
                 f"{window[-1]}), p <= {significance:g}, {min_articles}+ articles in the window")


@app.command()
@reports_errors
def steep(
    node_type: str | None = typer.Option(None, "--type", "-t", help="Tag concepts of these kinds, comma-separated "
                                         "(default: driving forces, signals, technologies, issues, concerns, "
                                         "behaviors)."),
    overrides: Path | None = _OVERRIDES,
    fmt: ViewFormat = typer.Option(ViewFormat.table, "--format", "-f", help=_FORMAT_HELP),
) -> None:
    """STEEP(LE)+V: how many articles raise social, technological, economic, environmental, political, legal and
    values concerns, in all and by year.

    Each concept is tagged from its name and description by a lexicon of each category's words and phrases;
    with the semantic extra, a name the lexicon cannot place goes to the nearest category description. A concept
    close to two categories counts for both. Articles are counted once per category.

    Example: foresight steep --format json
    """
    from foresight.derived import views
    from foresight.explore import steep_records

    with _open(read_only=True) as store, _progress(sys.stderr.isatty()) as progress:
        progress.add_task("steep", total=None)
        answer = steep_records(views(store, _rules(overrides)).index("concepts"), _concept_kinds(node_type))
    categories, years = answer["categories"], answer["years"]
    if fmt is ViewFormat.json:
        from foresight.export.output import to_json

        sys.stdout.write(to_json({key: value for key, value in answer.items() if key != "years"}) + "\n")
        return
    from foresight.export.output import Column, emit, field

    def in_year(year: str) -> Column:
        return Column(year, lambda record: str(record["by_year"][year]))

    columns = [field("category"), field("concepts"), field("articles"),
               Column("share", lambda r: f"{100 * r['share']:.1f} %"), *(in_year(year) for year in years)]
    emit(categories, columns, fmt.value,
         caption=f"articles raising each category, of {answer['articles']:,} dated articles; "
                 f"{answer['untagged']:,} of {answer['concepts']:,} concepts untagged")


def _print_topic(record: dict[str, Any], fmt: ViewFormat) -> None:
    from foresight.export.output import emit, field, to_json

    if fmt is ViewFormat.json:
        print(to_json(record))
        return
    if fmt is ViewFormat.csv:  # the associated topics: what a spreadsheet wants of one topic
        emit(record["associated"], [field("label", "associated topic"), field("support", "articles"),
                                    field("lift")], "csv")
        return
    out = _stdout()
    out.print(f"[bold]{_escape(record['label'])}[/] [Topic] named in {record['articles']} articles, "
              f"{record['first'] or '?'} to {record['last'] or '?'}")
    if record["months"]:
        out.print("  by month: " + ", ".join(f"{month} {count}" for month, count in record["months"].items()))
    if record["kinds"]:
        out.print("  articles by kind of row: " + ", ".join(f"{kind} {count}" for kind, count in
                                                            sorted(record["kinds"].items(), key=lambda x: -x[1])))
    if record["broader"]:
        out.print("  under: " + _escape("; ".join(b["label"] for b in record["broader"])))
    if record["narrower"]:
        more = record["narrower_count"] - len(record["narrower"])
        out.print("  narrower: " + _escape("; ".join(f"{t['label']} ({t['articles']})" for t in record["narrower"]))
                  + (f" and {more} more" if more > 0 else ""))
    out.print(f"\n[bold]concepts[/] ({record['concept_count']}, most named first)")
    for concept in record["concepts"]:
        out.print(f"  {_escape(concept['label'])} [{concept['kind']}] · {concept['articles']} articles")
    out.print("\n[bold]associated topics[/] (named together in more articles than chance; not a cause)")
    if not record["associated"]:
        out.print("  none")
    for other in record["associated"]:
        titles = "; ".join(f"{e['title'] or e['iri']} ({e['date'] or 'undated'})" for e in other["evidence"])
        more = other["support"] - len(other["evidence"])  # evidence keeps 50 scans; support counts every article
        out.print(f"  {_escape(other['label'])} · {other['support']} articles · lift {other['lift']:.1f}")
        out.print(f"    [dim]{_escape(titles)}{f'; and {more} more' if more > 0 else ''}[/]")


@app.command()
@reports_errors
def timeline(
    concept: str | None = typer.Argument(None, help="A concept, by any of its wordings or its IRI."),
    emerging_: bool = typer.Option(False, "--emerging", help="List the concepts growing fastest instead."),
    months: int = typer.Option(6, "--months", help="With --emerging: the recent window, in months."),
    node_type: str | None = typer.Option(None, "--type", "-t", help="Only concepts of these kinds, comma-separated."),
    limit: int = typer.Option(15, "--limit", "-n", help="With --emerging: how many concepts."),
    chart_path: Path | None = typer.Option(None, "--chart", help="Also draw the counts as a .png or .svg chart."),
    counts: bool = typer.Option(False, "--counts", help="Articles naming it each month, not their share of the "
                                "month's articles."),
    as_topic: bool = typer.Option(False, "--topic", help="CONCEPT names a topic: every concept under it counts."),
    steep: str | None = typer.Option(None, "--steep", help="Instead of a concept: the articles raising this STEEP "
                                     "category (social, technological, economic, environmental, political, legal, "
                                     "values)."),
    by: str = typer.Option("month", "--by", help="month or quarter."),
    overrides: Path | None = _OVERRIDES,
    fmt: ViewFormat = typer.Option(ViewFormat.table, "--format", "-f", help=_FORMAT_HELP),
) -> None:
    """The share of each month's articles that name a concept (a topic, or a STEEP category), with its trend;
    or, with --emerging, the concepts growing fastest.

    Months are the scans' page dates; --by quarter adds them up by quarter. The trend is the Mann-Kendall test on
    the shares (ties corrected), with Sen's slope; --counts shows raw counts instead of shares. "recent" ends at
    the latest month in the data.

    Example: foresight timeline "Live Facial Recognition" --chart lfr.png
    """
    from foresight.analysis.timeline import chart, emerging, monthly, recent_months
    from foresight.derived import views
    from foresight.derived.concepts import ConceptSet
    from foresight.errors import ForesightError, QueryError

    if (bool(concept) or steep is not None) == emerging_ or (concept and steep is not None):
        raise QueryError("timeline: give a CONCEPT, --steep CATEGORY or --emerging")
    if by not in ("month", "quarter"):
        raise ForesightError(f"timeline: --by is month or quarter, not {by!r}")
    category = _steep_category(steep)
    if months < 1:
        raise ForesightError("timeline: --months must be at least 1")
    kinds = _concept_kinds(node_type)
    latest = None
    with _open(read_only=True) as store:
        derived = views(store, _rules(overrides))
        index = derived.index("concepts")
        if emerging_:
            latest = index.latest_month()
            pool = index.concepts_in_months(recent_months(latest, months), kinds) if latest else []
            concept_set = ConceptSet({c.iri: c for c in pool}, {}, [], [])
        else:
            totals = index.articles_by_month()
            series = _timeline_series(derived, index, concept, kinds, as_topic, category)
    if emerging_:
        rising = emerging(concept_set, months=months, kinds=kinds, limit=limit, until=latest)
        if chart_path:
            chart({e.concept.label: [(month, float(n)) for month, n in monthly(e.concept)] for e in rising[:6]},
                  chart_path,
                  f"Emerging concepts, last {months} months")
        from foresight.export.output import Column, emit, field

        emit([{"iri": e.concept.iri, "kind": e.concept.kind, "label": e.concept.label,
               "recent": e.recent, "before": e.before, "growth_per_month": e.growth,
               "articles": len(e.concept.articles), "scans": len(e.concept.scans), "first": e.concept.first}
              for e in rising],
             [field("kind"), field("label", "concept"), field("recent"), field("before"),
              Column("growth/month", lambda r: f"{r['growth_per_month']:+.2f}"), field("articles", "all articles"),
              field("first", "first seen")], fmt.value,
             caption=f"articles in the last {months} months against the {months} before")
    else:
        from foresight.analytics.trends import regroup, share_trend

        records: list[dict[str, Any]] = []
        for one in series:
            grouped, grouped_totals = regroup(one["counts"], totals, by)
            found_trend = share_trend(grouped, grouped_totals, of="counts" if counts else "shares")
            trend = found_trend.trend
            records.append({"iri": one["iri"], "kind": one["kind"], "label": one["label"],
                            "articles": one["articles"], "scans": one["scans"], "first": one["first"],
                            "last": one["last"], "by": by,
                            "months": {p.period: p.count for p in found_trend.points},
                            "totals": {p.period: p.total for p in found_trend.points},
                            "shares": {p.period: round(p.share, 4) if p.total else None for p in found_trend.points},
                            "trend": {"of": found_trend.of, "direction": trend.direction,
                                      "p": round(trend.p, 4), "tau": round(trend.tau, 3),
                                      f"slope_per_{by}": round(trend.slope, 5), by + "s": trend.n}})
        if chart_path:
            drawn = {f"{r['label']} [{r['kind']}]": (r["months"] if counts else r["shares"]).items() for r in records}
            chart({name: [(m, float(v)) for m, v in values if v is not None] for name, values in drawn.items()},
                  chart_path, f"Articles naming {records[0]['label']}" if counts else
                  f"Share of articles naming {records[0]['label']}", ylabel="articles" if counts else
                  "share of articles")
        if fmt is not ViewFormat.table:
            from foresight.export.output import emit, field

            flat = [{"concept": r["label"], "kind": r["kind"], by: month, "articles": count,
                     f"{by}_articles": r["totals"][month], "share": r["shares"][month]}
                    for r in records for month, count in r["months"].items()]
            emit(records if fmt is ViewFormat.json else flat,
                 [field("concept"), field("kind"), field(by), field("articles"), field(f"{by}_articles"),
                  field("share")], fmt.value)
            return
        out = _stdout()
        for r in records:
            trend = r["trend"]
            slope = (f"{trend['slope_per_' + by]:+.2g} articles a {by}" if counts else
                     f"{100 * trend['slope_per_' + by]:+.2g} points a {by}")
            out.print(f"[bold]{_escape(r['label'])}[/] [{r['kind']}] · {r['articles']} articles ({r['scans']} scans) · "
                      f"{r['first']} to {r['last']} · {trend['direction']} (Mann-Kendall on the {by}ly "
                      f"{trend['of']}, p = {trend['p']:.2g}; Sen's slope {slope})")
            values = r["months"] if counts else {m: v or 0 for m, v in r["shares"].items()}
            peak = max(values.values(), default=0) or 1
            for month, value in values.items():
                of_month = (f"{r['months'][month]:>3} of {r['totals'][month]:>4}  {100 * value:5.1f} %"
                            if r["totals"][month] else "  no articles")
                shown = f"{value:>3}" if counts else of_month
                out.print(f"  {month:<7}  {shown}  {'█' * max(0, round(30 * value / peak))}")
    if chart_path:
        _stderr().print(f"wrote {chart_path}")


def _timeline_series(derived: Any, index: GraphIndex, name: str | None, kinds: list[str] | None, as_topic: bool,
                     category: str | None) -> list[dict[str, Any]]:
    """What a timeline follows, each with its articles by month: the concepts a name stands for, the topic it
    names (--topic), or the articles raising a STEEP category."""
    from collections import Counter

    from foresight.analysis.timeline import monthly
    from foresight.derived.index import ConceptNames
    from foresight.errors import UnknownNodeError

    if category is not None:
        from foresight.analytics.steep import TAGGED_KINDS

        tags = _concept_categories(index, category) or {}
        months = index.article_months()
        articles = {article for iri, _, _, _, named in index.concept_texts(list(TAGGED_KINDS))
                    if category in tags.get(iri, ()) for article in named if article in months}
        by_month = Counter(months[article] for article in articles)
        dated = sorted(by_month)
        return [{"iri": None, "kind": "STEEP", "label": category, "articles": len(articles), "scans": len(articles),
                 "first": dated[0] if dated else None, "last": dated[-1] if dated else None,
                 "counts": [(month, by_month.get(month, 0)) for month in (sorted(index.articles_by_month()))]}]
    assert name is not None
    if as_topic:
        topics, _ = index.topics_named(name)
        if not topics:
            raise UnknownNodeError(f"no topic named {name!r}; list them with 'foresight topics'")
        topic = topics[0]
        spans = sorted(topic.months)
        from foresight.analysis.timeline import month_range

        return [{"iri": topic.iri, "kind": "Topic", "label": topic.label, "articles": len(topic.articles),
                 "scans": len(topic.articles), "first": topic.first, "last": topic.last,
                 "counts": [(m, topic.months.get(m, 0)) for m in month_range(spans[0], spans[-1])] if spans else []}]
    found = index.concepts_by_iri(_resolve(ConceptNames(index, kinds), name))
    found.sort(key=lambda c: (-len(c.articles), c.iri))
    return [{"iri": c.iri, "kind": c.kind, "label": c.label, "articles": len(c.articles), "scans": len(c.scans),
             "first": c.first, "last": c.last, "counts": monthly(c)} for c in found]


def _concept_kinds(text: str | None) -> list[str] | None:
    from foresight.analysis.resolve import check_types
    from foresight.vocab import CONCEPT_KINDS

    return check_types(text.split(",") if text else None, CONCEPT_KINDS)


@app.command()
@reports_errors
def serve(
    port: int = typer.Option(8080, "--port", "-p", help="The port to listen on."),
    host: str = typer.Option("127.0.0.1", "--host", help="The interface to bind: loopback by default; any other "
                             "needs --token."),
    token: str | None = typer.Option(None, "--token", envvar="FORESIGHT_SERVE_TOKEN", show_envvar=True,
                                     help="A secret every request must carry (Authorization: Bearer TOKEN, or "
                                     "?token=TOKEN once in a browser); needed to bind another host than loopback."),
    query_timeout: float = typer.Option(10.0, "--query-timeout", help="Seconds a SPARQL query may run before it is "
                                        "cancelled."),
    workers: int = typer.Option(2, "--workers", help="SPARQL queries run at once (each in its own process)."),
    max_result_mb: int = typer.Option(16, "--max-result-mb", help="The largest SPARQL answer, in MB; a bigger one "
                                      "is refused, never cut."),
    overrides: Path | None = _OVERRIDES,
) -> None:
    """A local workbench over the store: search, concept profiles, pathways, the map, and a SPARQL endpoint.

    Pages at http://127.0.0.1:8080/; the read-only SPARQL 1.1 Protocol endpoint at /sparql (GET, POST form, POST
    application/sparql-query; results as JSON, XML, CSV or TSV, graphs as Turtle, N-Triples or JSON-LD by Accept).
    The derived data is loaded once and again when the store changes. Ctrl-C stops it.

    Example: foresight serve --port 8080
    """
    from foresight.errors import ForesightError
    from foresight.serve import KEEP_ALIVE_SECONDS, LOOPBACK
    from foresight.serve.app import Settings, create_app, store_folder
    from foresight.serve.sparql import Limits

    if host not in LOOPBACK and not token:
        raise ForesightError(f"--host {host} would open the store to other machines: give --token (or set "
                             "FORESIGHT_SERVE_TOKEN) so that only those who hold it get in")
    if not 0 < port < 65536 or query_timeout <= 0 or workers < 1 or max_result_mb < 1:
        raise ForesightError("serve: --port must be 1-65535, --query-timeout above 0, --workers and "
                             "--max-result-mb at least 1")
    location = store_folder(state.store or "")
    _open(read_only=True).close()  # a store that cannot be opened is said now, before the server starts
    import uvicorn

    settings = Settings(location, _overrides_path(overrides), host, port, token,
                        Limits(query_seconds=query_timeout, workers=workers,
                               result_bytes=max_result_mb * 1024 * 1024))
    shown = f"[{host}]" if ":" in host else host
    _stderr().print(f"serving {_escape(location)} at http://{shown}:{port}/ (SPARQL at /sparql); Ctrl-C stops it")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", access_log=False,
                timeout_graceful_shutdown=5, timeout_keep_alive=KEEP_ALIVE_SECONDS)


def main() -> None:
    """Entry point of the ``foresight`` command."""
    app()


if __name__ == "__main__":
    main()
