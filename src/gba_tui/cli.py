"""The command line: subcommands → core calls → Rich or JSON output. The only place argv is read."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any, NoReturn

from rich.console import Console

from gba_tui import __version__
from gba_tui.config import Settings, resolve
from gba_tui.corpus.loader import CorpusError
from gba_tui.corpus.model import Article

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
            "extras": list(a.extras),
        }
    )
    return out


def _dump(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def _articles(settings: Settings) -> tuple[Article, ...]:
    from gba_tui.corpus.library import load_corpus

    return load_corpus(settings.corpus).articles


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
    Console().print(table)
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    articles = {a.id: a for a in _articles(settings)}
    article = articles.get(args.id)
    if article is None:
        raise UsageError(f"no article with id {args.id!r} (see `gba-tui list`)")
    if args.json:
        _dump(article_detail(article))
        return 0
    from gba_tui.render import article_view

    Console().print(article_view(article, args.script))
    return 0


def build_parser() -> _Parser:
    p = _Parser(
        prog="gba-tui",
        description="Explore Chinese-language news about the Greater Bay Area innovation economy.",
        epilog="With no command, opens the explorer.",
    )
    p.add_argument("--version", action="version", version=f"gba-tui {__version__}")
    p.add_argument("--corpus", metavar="DIR", help="folder of page files (default: seeds/ or $GBA_TUI_CORPUS)")
    p.add_argument("--index", metavar="DIR", help="index folder (default: index/ or $GBA_TUI_INDEX)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    s = sub.add_parser("list", help="list the articles", description="List the articles.")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_list)

    s = sub.add_parser("show", help="show one article", description="Show one article in full.")
    s.add_argument("id", help="article id, as in `gba-tui list`")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.add_argument("--script", choices=("orig", "t", "s"), default="orig", help="display script")
    s.set_defaults(func=cmd_show)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        settings = resolve(args.corpus, args.index)
        if not args.command:
            return cmd_list(argparse.Namespace(json=False), settings)
        return int(args.func(args, settings))
    except UsageError as exc:
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
