"""A corpus folder read whole: its pages, their articles, and what was skipped."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gba_tui.corpus.loader import LoadReport, Skipped, load_folder
from gba_tui.corpus.model import Article, Page
from gba_tui.corpus.segment import segment_page


@dataclass(frozen=True)
class Corpus:
    root: Path
    pages: tuple[Page, ...]
    articles: tuple[Article, ...]
    skipped: tuple[Skipped, ...]

    def article(self, article_id: str) -> Article | None:
        return next((a for a in self.articles if a.id == article_id), None)

    def articles_on(self, path: str) -> tuple[Article, ...]:
        return tuple(a for a in self.articles if a.path == path)


def articles_of(report: LoadReport) -> tuple[Article, ...]:
    return tuple(a for page in report.pages for a in segment_page(page))


def load_corpus(root: Path) -> Corpus:
    """Read and segment every page below root (CorpusError if root is unusable)."""
    report = load_folder(root)
    return Corpus(root, report.pages, articles_of(report), report.skipped)
