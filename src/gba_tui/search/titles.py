"""The index's quick article list, readable without Whoosh or OpenCC.

The explorer shows this list first; importing the indexer would load Whoosh and OpenCC
(about 80 ms) before anything is on screen, so the reader lives here, on json alone.
"""

from __future__ import annotations

import json
from pathlib import Path

MANIFEST = "manifest.json"
TITLES = "titles.json"


def read_titles(index_dir: Path) -> list[list[str]] | None:
    """The quick article list of the live generation, or None (no index, or unreadable)."""
    try:
        manifest = json.loads((index_dir / MANIFEST).read_text("utf-8"))
        rows = json.loads((index_dir / str(manifest["generation"]) / TITLES).read_text("utf-8"))
        return rows if isinstance(rows, list) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None
