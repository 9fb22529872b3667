"""Messages workers and widgets post upward; small dataclasses, handled with @on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rich.text import Text
from textual.message import Message

if TYPE_CHECKING:
    from gba_tui.app.data import Occurrence, View
    from gba_tui.search.searcher import Library

Severity = Literal["information", "warning", "error"]


@dataclass
class LibraryReady(Message):
    """The index is open: articles and entities can be shown and searched."""

    library: Library
    report: str = ""


@dataclass
class ArticlesPreview(Message):
    """Articles read straight from the pages or the title list while the index opens or
    builds: (id, title, source, byline) as printed."""

    titles: list[tuple[str, str, str, str]]
    building: bool = False
    listed: int = 0  # all the articles, when only the first of them are in titles


@dataclass
class IndexProgress(Message):
    done: int
    total: int
    what: str


@dataclass
class ViewReady(Message):
    """Display data built in a worker (converted script, highlights, order) for the panes."""

    generation: int
    view: View
    results: object = None  # the Results it came from, kept for marks and export


@dataclass
class QueryProblem(Message):
    """A query that cannot be run: said under the search box until the query changes."""

    generation: int
    text: str


@dataclass
class HitIds(Message):
    """Every id a query matches (not only those shown): for `a`, mark all."""

    generation: int
    ids: tuple[str, ...]


@dataclass
class ReaderReady(Message):
    """The reader's blocks and every occurrence of the query's words, built in a worker."""

    generation: int
    blocks: list[Text]
    occurrences: list[Occurrence]


@dataclass
class Notice(Message):
    """Something a person should know (a failure, a finished export): a notification."""

    text: str
    severity: Severity = "error"


@dataclass
class ArticleOpened(Message):
    """Enter on an article, in the document list or the ranking: open it in the reader."""

    article_id: str
