"""The ``foresight`` command: a thin skin over the library.

Each command opens the store, calls one or two library functions and prints.
User mistakes (a bad file, a bad query, a missing store) arrive here as
:class:`~foresight.errors.ForesightError` and are printed as one line on stderr
with exit status 1, no traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import typer

from foresight.errors import ForesightError

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


def _stderr() -> Any:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _stdout() -> Any:
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
    from rich.markup import escape

    return escape(text)


def _open(read_only: bool = False) -> Any:
    from foresight.store import open_store

    return open_store(state.store, read_only=read_only)


@app.callback()
def main_options(
    store: str | None = typer.Option(
        None, "--store", "-s", envvar="FORESIGHT_STORE", show_envvar=True,
        help="Store location: a directory (default .foresight/store) or memory:.",
    ),
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True),
) -> None:
    """Turn horizon-scanning signal scans into a policy-foresight knowledge graph."""
    if version:
        from importlib.metadata import version as package_version

        typer.echo(f"foresight {package_version('foresight')}")
        raise typer.Exit(0)
    state.store = store


@app.command()
@reports_errors
def ingest(
    paths: list[str] = typer.Argument(..., help="Scan files (.md, .yaml), directories or glob patterns."),
    strict: bool = typer.Option(False, "--strict", help="Treat warnings as errors: such scans are not ingested."),
    force: bool = typer.Option(False, "--force", help="Rewrite scans even when their file has not changed."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the summary line and errors."),
) -> None:
    """Read signal scans into the store, one named graph per scan.

    Re-ingesting an unchanged file does nothing; a changed file replaces exactly
    its own scan's graph. A bad file is reported and the others are still read.

    Example: foresight ingest data/examples ../shared/corpus/scans
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from foresight.ingest import ingest as run_ingest

    err = _stderr()
    with _open() as store:
        show = sys.stderr.isatty() and not quiet
        with Progress(TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=True, disable=not show) as progress:
            task = progress.add_task("ingest", total=None)

            def advance(done: int, total: int, path: Path) -> None:
                progress.update(task, completed=done, total=total)

            report = run_ingest(store, paths, strict=strict, force=force, progress=advance)
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
    )
    if report.errors:
        raise typer.Exit(1)


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
            "top": {name: [{"label": label, "scans": n} for label, n in rows] for name, rows in figures.top.items()},
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
    for name, rows in figures.top.items():
        table = Table(title=f"top {name}", title_justify="left")
        table.add_column(name[:-1] if not name.endswith("ies") else name[:-3] + "y")
        table.add_column("scans", justify="right")
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
    update: bool = typer.Option(False, "--update", help="Allow a SPARQL update that changes the store."),
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
        with _open() as store:
            store.update(text)
            _stdout().print(f"update done; {store.triple_count()} triples in the store")
        return
    with _open(read_only=True) as store:
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


def _print_result(result: Any, fmt: str) -> None:
    from foresight.export.results import shorten, to_csv, to_json, to_tsv

    if isinstance(result, bool):
        typer.echo(to_json(result) if fmt == "json" else ("true" if result else "false"))
        return
    if fmt == "csv":
        typer.echo(to_csv(result), nl=False)
    elif fmt == "tsv":
        typer.echo(to_tsv(result), nl=False)
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


class ExportFormat(StrEnum):
    turtle = "turtle"
    trig = "trig"
    nquads = "nquads"
    nt = "nt"
    jsonld = "jsonld"
    xml = "xml"


@app.command()
@reports_errors
def export(
    fmt: ExportFormat = typer.Option(ExportFormat.trig, "--format", "-f", help="RDF format to write."),
    output: Path | None = typer.Option(None, "--output", "-o", help="File to write (default: stdout)."),
) -> None:
    """Export the whole graph as RDF.

    trig, nquads and jsonld keep one named graph per scan; turtle, nt and xml
    write the union of all graphs.

    Example: foresight export --format turtle -o foresight.ttl
    """
    from foresight.export import export as run_export

    with _open(read_only=True) as store:
        if output is None:
            run_export(store, fmt.value, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            run_export(store, fmt.value, output)
            _stderr().print(f"wrote {output} ({output.stat().st_size} bytes)")


@app.command()
@reports_errors
def validate(
    show_report: bool = typer.Option(False, "--report", help="Print the full SHACL report even when it conforms."),
) -> None:
    """Check the graph against the SHACL shapes in ontology/shapes.ttl; exit 1 when it does not conform.

    Example: foresight validate
    """
    from foresight.validate import validate_store

    with _open(read_only=True) as store:
        report = validate_store(store)
    if report.conforms:
        _stdout().print("conforms: the graph satisfies every shape")
        if show_report:
            typer.echo(report.text)
        return
    typer.echo(report.text)
    _stderr().print(f"[bold red]does not conform:[/] {report.violations} violations")
    raise typer.Exit(1)


@app.command()
@reports_errors
def search(
    text: str = typer.Argument(..., help="Words to look for in names and descriptions."),
    node_type: str | None = typer.Option(None, "--type", "-t", help="Only these types, comma-separated "
                                         "(Signal, DrivingForce, Shift, Outlook, Concern, Behavior, Technology, "
                                         "Issue, Scan)."),
    limit: int = typer.Option(20, "--limit", "-n", help="How many matches to show."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """Find nodes whose name or description holds the text, best matches first.

    Example: foresight search "facial recognition" --type Technology
    """
    from foresight.analysis.search import search as run_search
    from foresight.errors import QueryError

    if fmt not in {"table", "json"}:
        raise QueryError(f"--format {fmt}: use table or json")
    types = [name.strip() for name in node_type.split(",")] if node_type else None
    with _open(read_only=True) as store:
        matches = run_search(store, text, types, limit)
    if fmt == "json":
        import json
        from dataclasses import asdict

        typer.echo(json.dumps([asdict(match) for match in matches], indent=1, ensure_ascii=False))
        return
    from rdflib import URIRef
    from rich.table import Table

    from foresight.export.results import shorten

    table = Table(caption=f"{len(matches)} matches", caption_justify="left")
    for column in ("type", "label", "relevancy", "node"):
        table.add_column(column, overflow="fold")
    for match in matches:
        table.add_row(match.type, _escape(match.label), str(match.relevancy or ""), shorten(URIRef(match.node)))
    _stdout().print(table)


def main() -> None:
    """Entry point of the ``foresight`` command."""
    app()


if __name__ == "__main__":
    main()
