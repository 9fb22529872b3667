"""The index's quick article list, readable without Whoosh or OpenCC.

The explorer shows this list first; importing the indexer would load Whoosh and OpenCC
(about 80 ms) before anything is on screen, so the reader lives here, on json and sqlite3
alone. The list is read a page at a time from the store.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

MANIFEST = "manifest.json"
# The manifest is one JSON object with its page table last, on its own line after this: what
# a search needs (the generation, its store, a digest of the pages' sizes and mtimes) is read
# without parsing a table of every page (1.7 MB at 12,500 pages: 33 ms a process).
PAGES_MARK = '\n,"pages":'
# The most entries the explorer's document list holds without a search, as many as the hits a
# search lists: a list of 50,000 is read by nobody and took Textual seconds to lay out, and at
# 54,503 articles 1,000 entries put the list at 1.06 s and the first search at 2.24 s, 200 at
# 0.84 s and 1.79 s (app/data.py's build_view; benchmarks/bench_startup.py).
LIST_LIMIT = 200


def manifest_head_text(index_dir: Path) -> tuple[str, bool]:
    """The manifest's text up to its page table, closed as a JSON object, and whether the
    page table was left out (a manifest written before the table came last: the whole)."""
    text = (index_dir / MANIFEST).read_text("utf-8")
    head, mark, _ = text.partition(PAGES_MARK)
    return (head + "}", True) if mark else (text, False)


def read_titles(
    index_dir: Path, offset: int = 0, limit: int | None = None
) -> list[list[str]] | None:
    """[id, headline, paper, byline] rows of the live generation in page order, from offset,
    at most limit of them; None when there is no index or it cannot be read."""
    from gba_tui.search.store import read_title_rows

    try:
        manifest = json.loads(manifest_head_text(index_dir)[0])
        gen = int(str(manifest["generation"]).rpartition("-")[2])
        return read_title_rows(index_dir / str(manifest["store"]), gen, offset, limit)
    except (OSError, ValueError, KeyError, TypeError, sqlite3.Error):
        return None


def article_count(index_dir: Path) -> int | None:
    """How many articles the live generation holds (the manifest says), or None."""
    try:
        manifest = json.loads(manifest_head_text(index_dir)[0])
        return int(manifest["articles"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
