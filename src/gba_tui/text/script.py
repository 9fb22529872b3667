"""OpenCC: fold Traditional and Simplified for search, convert for display."""

from __future__ import annotations

import threading
import unicodedata
from functools import lru_cache

import opencc

_lock = threading.Lock()


@lru_cache(maxsize=8)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def _convert(config: str, text: str) -> str:
    # OpenCC objects are not documented as thread-safe; the app calls from worker threads.
    with _lock:
        return _converter(config).convert(text)


# Full-width ASCII (！ to ～) and the ideographic space: the forms NFKC changes most in news.
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


class _CharacterNfkc(dict[int, str]):
    """Code point → its NFKC form where that is one character, else the character itself;
    filled as characters are met, for str.translate."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        n = unicodedata.normalize("NFKC", ch)
        self[code] = out = n if len(n) == 1 else ch
        return out


_NFKC = _CharacterNfkc()


def normalize_width(text: str) -> str:
    """NFKC per character, so full- and half-width forms match and offsets stay put.
    By str.translate over a table of the characters met (a loop over an article's characters
    took half the time of snippets for 200 hits)."""
    text = text.translate(_FULL_WIDTH)
    if unicodedata.is_normalized("NFKC", text):
        return text
    return text.translate(_NFKC)


def fold_script(text: str) -> str:
    """Fold to Simplified for matching, keeping the length (and so offsets) of the original.

    hk2s maps character for character; where a phrase rule would change the length we fall
    back to converting each character alone, so a highlight never lands on the wrong place.
    """
    text = normalize_width(text)
    folded = _convert("hk2s", text)
    if len(folded) == len(text):
        folded = _convert("t2s", folded)
        if len(folded) == len(text):
            return folded
    return "".join(_single(c) for c in text)


@lru_cache(maxsize=65536)
def _single(ch: str) -> str:
    out = _convert("t2s", _convert("hk2s", ch))
    return out if len(out) == 1 else ch


def searchable(text: str) -> str:
    """Folded, lower-cased text a query word is looked for in (as a plain substring)."""
    return fold_script(text).lower()


def _latin(ch: str) -> bool:
    """A character of a Latin word as the analyzer cuts them: [0-9A-Za-z] and accented."""
    return ch != "" and ch <= "\u024f" and ch.isalnum()


def has_latin_edge(word: str) -> bool:
    """Whether word starts or ends with a Latin letter or digit, so its edges must be checked."""
    return _latin(word[:1]) or _latin(word[-1:])


def find_word(text: str, word: str, start: int = 0, end: int | None = None) -> int:
    """str.find, except that a Latin word must not be part of a longer one.

    Chinese has no word edges, so 科技 is found inside 科技保險; but "ai" is not found in
    "said", nor "d" in "Qualified": the index holds Latin words whole, and so must matching.
    """
    stop = len(text) if end is None else end
    i = text.find(word, start, stop)
    if not has_latin_edge(word):
        return i
    left, right = _latin(word[:1]), _latin(word[-1:])
    while i != -1 and (
        (left and i > 0 and _latin(text[i - 1]))
        or (right and i + len(word) < len(text) and _latin(text[i + len(word)]))
    ):
        i = text.find(word, i + 1, stop)
    return i


def count_word(text: str, word: str, start: int = 0, end: int | None = None) -> int:
    """str.count with find_word's edges for Latin words."""
    if not has_latin_edge(word):
        return text.count(word, start, len(text) if end is None else end)
    n, i = 0, find_word(text, word, start, end)
    while i != -1:
        n += 1
        i = find_word(text, word, i + len(word), end)
    return n


def to_simplified(text: str) -> str:
    """Display conversion to Simplified (the reader's `t` toggle, exports)."""
    return _convert("hk2s", text)


def to_traditional(text: str) -> str:
    """Display conversion to Traditional, Hong Kong standard where it differs."""
    return _convert("s2hk", text)


def convert_script(text: str, script: str) -> str:
    """script: 'orig' (unchanged), 't' (Traditional) or 's' (Simplified)."""
    if script == "s":
        return to_simplified(text)
    if script == "t":
        return to_traditional(text)
    return text
