"""Messages workers and widgets post upward; small dataclasses, handled with @on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class LibraryReady(Message):
    """The index is open: articles and entities can be shown and searched."""

    library: Any
    report: str = ""


@dataclass
class ArticlesPreview(Message):
    """Articles read straight from the pages while the index is still being built."""

    titles: list[tuple[str, Any]]


@dataclass
class IndexProgress(Message):
    done: int
    total: int
    what: str


@dataclass
class ViewReady(Message):
    """Display data built in a worker (converted script, highlights) for the panes."""

    generation: int
    view: Any


@dataclass
class Notice(Message):
    """Something a person should know (a failure, a finished export): a notification."""

    text: str
    severity: str = "error"


@dataclass
class ArticleOpened(Message):
    """Enter on an article, in the document list or the ranking: open it in the reader."""

    article_id: str
