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


def read_titles(
    index_dir: Path, offset: int = 0, limit: int | None = None
) -> list[list[str]] | None:
    """[id, headline, paper, byline] rows of the live generation in page order, from offset,
    at most limit of them; None when there is no index or it cannot be read."""
    from gba_tui.search.store import read_title_rows

    try:
        manifest = json.loads((index_dir / MANIFEST).read_text("utf-8"))
        gen = int(str(manifest["generation"]).rpartition("-")[2])
        return read_title_rows(index_dir / str(manifest["store"]), gen, offset, limit)
    except (OSError, ValueError, KeyError, TypeError, sqlite3.Error):
        return None
