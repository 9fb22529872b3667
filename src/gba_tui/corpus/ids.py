"""Article ids from a page's relative path: readable for ordinary names, unique by construction.

A letter, digit, `_`, `-` or `/` of the path stays as it is; any other character (a space, a
dot, an emoji, a byte that was not UTF-8) is written `~` and the hex of its UTF-8 bytes, so two
paths never give the same id: `a b.txt` → `a~20b`, `a.b.txt` → `a~2Eb`, `😀.txt` →
`~F0~9F~98~80`. The usual `.txt` suffix is dropped; any other (`.md`) is kept after a plain
dot, which no escaped stem contains. The article's place on the page follows the last `-`.
"""

from __future__ import annotations


def _keep(ch: str) -> bool:
    return ch in "_-/" or (ch.isalnum() and not "\ud800" <= ch <= "\udfff")


def _escape(text: str) -> str:
    out = []
    for ch in text:
        if _keep(ch):
            out.append(ch)
        else:
            raw = ch.encode("utf-8", "surrogateescape")
            out.append("".join(f"~{b:02X}" for b in raw))
    return "".join(out)


def page_key(path: str) -> str:
    """The page part of its articles' ids (path relative to the corpus, with forward slashes)."""
    stem, dot, suffix = path.rpartition(".")
    if not dot or "/" in suffix:
        return _escape(path)
    if suffix == "txt":
        return _escape(stem)
    return f"{_escape(stem)}.{_escape(suffix)}"


def article_id(path: str, ordinal: int) -> str:
    """Stable id: the page's path and the article's place on it."""
    return f"{page_key(path)}-{ordinal}"


def display_path(path: str) -> str:
    """A path safe to store and print: bytes that were not UTF-8 (surrogate escapes) shown as
    U+FFFD, so JSON, SQLite and Whoosh never meet a lone surrogate."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
