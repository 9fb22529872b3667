"""The command line: subcommands → core calls → Rich or JSON output. The only place argv is read."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from gba_tui import __version__
from gba_tui.config import Settings, resolve
from gba_tui.corpus.loader import CorpusError
from gba_tui.corpus.model import Article
from gba_tui.search.indexer import IndexProblem
from gba_tui.search.story_index import StoryRef

if TYPE_CHECKING:
    from rich.console import Console

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input from the user: one line on stderr, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line a person can act on, not argparse's usage block.
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def article_summary(a: Article) -> dict[str, Any]:
    """The `list --json` object: a contract scripts rely on; add fields, never rename."""
    return {
        "id": a.id,
        "title": a.title,
        "source": a.source,
        "byline": a.byline_names,
        "reporters": list(a.byline),
        "kicker": a.kicker,
        "subtitle": a.subtitle,
        "dateline": a.dateline,
        "date": a.date,
        "agency": a.agency,
        "path": a.path,
        "line_start": a.line_start,
        "line_end": a.line_end,
        "chars": a.chars,
    }


def article_detail(a: Article) -> dict[str, Any]:
    """The `show --json` object."""
    out = article_summary(a)
    out.update(
        {
            "body": a.body,
            "paragraphs": list(a.paragraphs),
            "subheadings": list(a.subheadings),
            "captions": list(a.captions),
            "tables": [[list(r) for r in t.rows] for t in a.tables],
            "table_details": [
                {"title": t.title, "rows": [list(r) for r in t.rows], "source_note": t.source_note}
                for t in a.tables
            ],
            "boxes": [asdict(b) for b in a.boxes],
            "byline_text": a.byline_text,
            "title_printed": a.title_printed,
            "extras": list(a.extras),
            "page_header": list(a.page_header),
        }
    )
    return out


def _dump(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def _stderr_console() -> Console:
    # Rich loads only when something is printed with it: `search --json` never needs it.
    from rich.console import Console

    return Console(stderr=True)


def _console() -> Console:
    from rich.console import Console

    return Console()


def build_progress(console: Console):  # type: ignore[no-untyped-def]
    """A Rich progress bar on a terminal; nothing when output goes to a file or pipe."""
    if not console.is_terminal:
        return contextlib.nullcontext(None)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("indexing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    )


def build_workers() -> int:
    """Processes that write a big rebuild's segments: one per core, none on a single core.
    (The explorer builds in its own process: it must not fork while Textual runs.)"""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(cores or 1, 4) if (cores or 1) > 1 else 0


def run_update(settings: Settings, rebuild: bool = False, only_if_needed: bool = False):  # type: ignore[no-untyped-def]
    """Build or update the index with a progress bar on a terminal; the report, or None."""
    from gba_tui.search.indexer import ensure_index, update_index

    workers = build_workers()
    if not sys.stderr.isatty():  # no bar to draw, so no Rich to load
        if only_if_needed:
            return ensure_index(settings.corpus, settings.index, workers=workers)
        return update_index(settings.corpus, settings.index, rebuild=rebuild, workers=workers)
    console = _stderr_console()
    with build_progress(console) as progress:
        task = progress.add_task("", total=None) if progress else None

        def tick(done: int, total: int, what: str) -> None:
            if progress is not None:
                progress.update(task, completed=done, total=total, description=what)

        if only_if_needed:
            return ensure_index(settings.corpus, settings.index, progress=tick, workers=workers)
        return update_index(
            settings.corpus, settings.index, rebuild=rebuild, progress=tick, workers=workers
        )


def open_library(settings: Settings):  # type: ignore[no-untyped-def]
    """The index, built or brought up to date first when missing or older than the corpus."""
    from gba_tui.search.indexer import IndexUnwritable, read_manifest_head
    from gba_tui.search.searcher import Library

    try:
        report = run_update(settings, only_if_needed=True)
    except IndexUnwritable as exc:
        if read_manifest_head(settings.index) is None:
            raise
        # The pages changed but the index cannot be written: answer from the last one.
        print(f"gba-tui: {exc}; answering from the index as last built", file=sys.stderr)
        report = None
    if report is not None:
        print(f"gba-tui: {report.summary()}", file=sys.stderr)
    return Library(settings.index, vectorise=False)  # one command, one process


def _articles(settings: Settings) -> tuple[Article, ...]:
    return open_library(settings).articles


def run_app(settings: Settings) -> int:
    """Open the explorer. The corpus folder must exist; the index is built in the app."""
    from gba_tui.corpus.loader import page_files

    page_files(settings.corpus)  # a missing folder is a one-line error, before the screen opens
    from gba_tui.app.app import run

    return run(settings)


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    articles = _articles(settings)
    if args.json:
        _dump([article_summary(a) for a in articles])
        return 0
    from rich.table import Table

    table = Table(title=f"{len(articles)} articles in {settings.corpus}")
    for col in ("id", "title", "source", "byline", "lines"):
        table.add_column(col, overflow="fold")
    for a in articles:
        table.add_row(a.id, a.title, a.source, a.byline_names, f"{a.line_start}-{a.line_end}")
    _console().print(table)
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    article = open_library(settings).article(args.id)
    if article is None:
        raise UsageError(f"no article with id {args.id!r} (see `gba-tui list`)")
    if args.json:
        _dump(article_detail(article))
        return 0
    from gba_tui.render import article_view

    _console().print(article_view(article, args.script))
    return 0


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    report = run_update(settings, rebuild=args.rebuild)
    print(report.summary())
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from gba_tui.search.query import QueryError

    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    library = open_library(settings)
    try:
        results = library.search(" ".join(args.query), limit=args.limit, all_copies=args.all_copies)
    except QueryError as exc:
        raise UsageError(f"bad query: {exc}") from None
    if args.json:
        _dump(results.to_json())
        return 0
    for note in results.warnings:
        print(f"gba-tui: note: {note}", file=sys.stderr)
    from gba_tui.render import ranking_table

    console = _console()
    folded = results.copies_total - results.total
    console.print(
        f"[bold]{results.total}[/] hits for [cyan]{results.understood}[/]"
        + (f" (showing {len(results.hits)})" if len(results.hits) < results.total else "")
        + (f"; {folded} more copies of these stories (--all-copies)" if folded > 0 else "")
    )
    if results.hits:
        console.print(ranking_table(results, args.script))
    return 0


def story_summary(story: StoryRef, articles: dict[str, Article]) -> dict[str, Any]:
    """The `stories --json` object: the story, its earliest copy and every copy."""
    members = [articles[m] for m in story.members if m in articles]
    return {
        "id": story.id,
        "level": story.level,
        "earliest": story.id,
        "outlets": list(dict.fromkeys(a.source for a in members if a.source)),
        "members": [
            {"id": a.id, "title": a.title, "source": a.source, "date": a.date, "path": a.path}
            for a in members
        ],
    }


def cmd_stories(args: argparse.Namespace, settings: Settings) -> int:
    library = open_library(settings)
    stories = library.stories()
    ids = {m for s in stories for m in s.members}
    articles = {i: a for i in ids if (a := library.article(i)) is not None}
    summaries = [story_summary(s, articles) for s in stories]
    if args.json:
        _dump(summaries)
        return 0
    from rich.table import Table as RichTable

    table = RichTable(expand=True)
    for col in ("story", "kind", "copies", "outlets", "earliest copy"):
        table.add_column(col)
    for s in summaries:
        first = s["members"][0] if s["members"] else {"title": s["id"], "date": ""}
        table.add_row(
            first["title"],
            s["level"],
            str(len(s["members"])),
            "、".join(s["outlets"]),
            " ".join(x for x in (first["date"], s["id"]) if x),
        )
    console = _console()
    noun = "story" if len(summaries) == 1 else "stories"
    console.print(f"[bold]{len(summaries)}[/] {noun} ran in more than one article")
    if summaries:
        console.print(table)
    return 0


def cmd_entities(args: argparse.Namespace, settings: Settings) -> int:
    from gba_tui.entities.catalogue import TYPE_ORDER, catalogue
    from gba_tui.search.query import QueryError

    if args.type and args.type not in TYPE_ORDER:
        raise UsageError(f"--type must be one of {', '.join(TYPE_ORDER)}")
    library = open_library(settings)
    ids = None
    if args.query:
        try:
            # The hits' ids only: no snippets for thousands of hits (港: 32,000, 44 s).
            ids = library.matching_ids(args.query)
        except QueryError as exc:
            raise UsageError(f"bad query: {exc}") from None
    # A query's articles' entities read at once, not a query an article.
    entities_of = library.entities_of if ids is None else library.entities_of.of(ids)
    entries = catalogue(entities_of, ids, args.type)
    if args.limit:
        entries = entries[: args.limit]
    if args.json:
        _dump([e.to_json() for e in entries])
        return 0
    from rich.table import Table

    table = Table(title=f"{len(entries)} entities" + (f" in {args.query}" if args.query else ""))
    for col, just in (
        ("name", "left"),
        ("type", "left"),
        ("articles", "right"),
        ("mentions", "right"),
    ):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for e in entries:
        table.add_row(e.name, e.type, str(len(e.articles)), str(e.count))
    _console().print(table)
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from gba_tui.export import ExportError, collect_items, render_markdown, write_atomically
    from gba_tui.search.query import QueryError

    query = " ".join(args.query).strip()
    ids = [i.strip() for i in (args.ids or "").split(",") if i.strip()]
    if not query and not ids and not args.all:
        raise UsageError(
            "give a QUERY, --ids ID,ID or --all (refusing to export everything by default)"
        )
    if args.output != "-":
        out = Path(args.output).expanduser()
        if out.is_dir():
            raise UsageError(f"{out} is a folder; give a file name")
        if os.path.lexists(out) and not args.force:  # a dangling link counts as there
            raise UsageError(f"{out} exists; use --force to overwrite it")
        if not (out.parent if str(out.parent) else Path(".")).is_dir():
            raise UsageError(f"folder {out.parent} does not exist")
    library = open_library(settings)
    try:
        items, meta = collect_items(library, query or None, ids or None, str(settings.corpus))
    except QueryError as exc:
        raise UsageError(f"bad query: {exc}") from None
    except ExportError as exc:
        raise UsageError(str(exc)) from None
    text = render_markdown(items, meta, full=args.full, script=args.script)
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    try:
        path = write_atomically(Path(args.output), text, force=args.force)
    except ExportError as exc:
        raise UsageError(str(exc)) from None
    noun = "article" if len(items) == 1 else "articles"
    print(f"exported {len(items)} {noun} to {path}", file=sys.stderr)
    return 0


QUERY_HELP = """\
query language:
  科技保險            every word must match (either script: 科技保险 finds the same)
  量子 OR 保險        either word
  量子 NOT 保險       the first without the second (also: 量子 -保險)
  (量子 OR 人工智能) 香港   parentheses group
  "耐心資本"          an exact phrase, across punctuation too
  title:灣區          in the headline only; also source:, byline:
  entity: person: org: place: policy:   articles that name that entity
A word of several Chinese characters matches as a sequence, never as scattered characters.
Unbalanced quotes or parentheses are closed for you; a query over 1000 characters is refused.
"""


def build_parser() -> _Parser:
    p = _Parser(
        prog="gba-tui",
        description="Explore Chinese-language news about the Greater Bay Area innovation economy.",
        epilog="With no command, opens the explorer.",
    )
    p.add_argument("--version", action="version", version=f"gba-tui {__version__}")
    p.add_argument(
        "--corpus", metavar="DIR", help="folder of page files (default: seeds/ or $GBA_TUI_CORPUS)"
    )
    p.add_argument(
        "--index", metavar="DIR", help="index folder (default: index/ or $GBA_TUI_INDEX)"
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    s = sub.add_parser("list", help="list the articles", description="List the articles.")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_list)

    s = sub.add_parser("show", help="show one article", description="Show one article in full.")
    s.add_argument("id", help="article id, as in `gba-tui list`")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.add_argument("--script", choices=("orig", "t", "s"), default="orig", help="display script")
    s.set_defaults(func=cmd_show)

    s = sub.add_parser(
        "index",
        help="build or update the search index",
        description="Build the index, or update it for new, changed and removed pages.",
    )
    s.add_argument("--rebuild", action="store_true", help="rebuild from scratch")
    s.set_defaults(func=cmd_index)

    s = sub.add_parser(
        "search",
        help="search the articles",
        description="Search the articles.",
        epilog=QUERY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("query", nargs="+", help="the query (see below)")
    s.add_argument("--limit", type=int, default=20, metavar="N", help="at most N hits (default 20)")
    s.add_argument(
        "--all-copies",
        action="store_true",
        help="list every copy of a story (reprints, wires run by several papers), not the best",
    )
    s.add_argument("--json", action="store_true", help="print JSON")
    s.add_argument("--script", choices=("orig", "t", "s"), default="orig", help="display script")
    s.set_defaults(func=cmd_search)

    s = sub.add_parser(
        "entities",
        help="people, organisations, places and policies named",
        description="The entities the articles name, or those of a query's results.",
    )
    s.add_argument(
        "--type", metavar="T", help="person, org, place, policy, programme, event, document"
    )
    s.add_argument("--query", metavar="Q", help="only the articles this query finds")
    s.add_argument("--limit", type=int, metavar="N", help="at most N entities")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_entities)

    s = sub.add_parser(
        "stories",
        help="stories several papers ran: reprints and edited copies",
        description="Stories that ran in more than one article (the same text, or an edited "
        "version of it, in either script), with their copies, outlets and earliest copy.",
    )
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_stories)

    s = sub.add_parser(
        "export",
        help="export articles to Markdown",
        description="Export a query's hits, chosen articles or all to Markdown, ready to cite.",
    )
    s.add_argument("query", nargs="*", help="the query (as for search)")
    s.add_argument(
        "--ids", metavar="ID,ID", help="these articles (with a query: its hits among them)"
    )
    s.add_argument("--all", action="store_true", help="every article (when no query or ids)")
    s.add_argument("--full", action="store_true", help="whole articles, tables as GFM tables")
    s.add_argument(
        "--script",
        choices=("orig", "t", "s"),
        default="orig",
        help="original (default), Traditional or Simplified",
    )
    s.add_argument("--force", action="store_true", help="overwrite an existing file")
    s.add_argument(
        "-o", "--output", metavar="FILE", required=True, help="the file to write (- for stdout)"
    )
    s.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    s.set_defaults(func=cmd_export)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        settings = resolve(args.corpus, args.index)
        if not args.command:
            return run_app(settings)
        return int(args.func(args, settings))
    except UsageError as exc:
        print(f"gba-tui: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except IndexProblem as exc:
        print(f"gba-tui: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except CorpusError as exc:
        print(f"gba-tui: {exc} (give an existing folder with --corpus DIR)", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("gba-tui: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
