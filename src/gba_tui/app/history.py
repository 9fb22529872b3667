"""Search history kept between sessions, in the user's state folder (XDG_STATE_HOME on Linux)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

KEEP = 200


def history_file() -> Path:
    """~/.local/state/gba-tui/history.txt, or wherever the platform keeps state."""
    from platformdirs import user_state_dir

    return Path(user_state_dir("gba-tui", appauthor=False)) / "history.txt"


class SearchHistory:
    """Queries newest last; ↑ / ↓ in the search box walk back and forth through them."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.entries: list[str] = []
        self.position: int | None = None  # index while walking; None at the live query
        if path is not None:
            try:
                lines = path.read_text("utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                lines = []  # no history yet, or an unreadable one: start afresh
            self.entries = [x for x in lines if x.strip()][-KEEP:]

    def add(self, query: str) -> None:
        query = query.strip()
        self.position = None
        if not query:
            return
        if query in self.entries:
            self.entries.remove(query)
        self.entries = [*self.entries, query][-KEEP:]
        self._save()

    def older(self) -> str | None:
        if not self.entries:
            return None
        pos = len(self.entries) if self.position is None else self.position
        self.position = max(0, pos - 1)
        return self.entries[self.position]

    def newer(self) -> str | None:
        if self.position is None:
            return None
        if self.position + 1 >= len(self.entries):
            self.position = None
            return ""
        self.position += 1
        return self.entries[self.position]

    def _save(self) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".history.", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write("\n".join(self.entries) + "\n")
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only home: the history lives for this session only
