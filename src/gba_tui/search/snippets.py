"""Snippets with matches marked at the right characters, computed on the folded text.

Folding keeps the length, so an offset found in the folded (Simplified, NFKC) text is the
offset in the original: a Simplified query marks the Traditional characters it matched.
This replaces Whoosh's highlighter, which re-analyses every hit and is the slow part.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from gba_tui.text.analysis import pieces
from gba_tui.text.script import find_word, fold_script

Span = tuple[int, int]


@dataclass(frozen=True)
class Snippet:
    text: str
    marks: tuple[Span, ...]  # offsets into text


def match_spans(text: str, words: list[str], folded: str | None = None) -> list[Span]:
    """Every place in text where one of the words matches, merged and sorted.

    A word is marked whole where it is printed as typed; only where it is not (a phrase
    broken by punctuation, say) are its pieces marked.
    """
    low = (fold_script(text) if folded is None else folded).lower()
    spans: list[Span] = []
    for word in words:
        for needles in _needle_tiers(word):
            found = [(s, s + len(n)) for n in needles for s in _find_all(low, n)]
            if found:
                spans.extend(found)
                break
    return merge(spans)


def _find_all(haystack: str, needle: str) -> list[int]:
    out, start = [], find_word(haystack, needle)
    while start != -1:
        out.append(start)
        start = find_word(haystack, needle, start + 1)
    return out


@functools.lru_cache(maxsize=256)
def _needle_tiers(word: str) -> tuple[tuple[str, ...], ...]:
    """What a word is looked for as, best first: whole, its runs of word characters, its
    pieces. Cached: the same few words are looked for in each hit's headline and text (200
    hits: 400 foldings and tokenisations of one word)."""
    folded = fold_script(word).lower().strip()
    compact = re.sub(r"\s+", "", folded)
    if not compact:
        return ()
    runs = tuple(m for m in re.split(r"[^\w]+", compact) if m)
    tokens = tuple(t for t, *_ in pieces(folded))
    return ((compact,), runs, tokens)


def merge(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def make_snippet(text: str, words: list[str], width: int = 90) -> Snippet:
    """The window of about `width` characters with the most matches, and where they are."""
    spans = match_spans(text, words)
    if not spans:
        cut = text[:width].replace("\n", " ")
        return Snippet(cut + ("…" if len(text) > width else ""), ())
    best_start, best_count = spans[0][0], 0
    for s, _ in spans:
        count = sum(1 for a, b in spans if s <= a and b <= s + width)
        if count > best_count:
            best_start, best_count = s, count
    start = max(0, best_start - width // 4)
    # Start at a sentence or clause boundary when one is close.
    boundary = max(text.rfind(c, max(0, start - 12), best_start) for c in "。！？；\n")
    if boundary != -1 and best_start - boundary < width // 2:
        start = boundary + 1
    end = min(len(text), start + width)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    window = text[start:end]
    marks = tuple(
        (max(a, start) - start + len(prefix), min(b, end) - start + len(prefix))
        for a, b in spans
        if b > start and a < end
    )
    return Snippet((prefix + window + suffix).replace("\n", " "), marks)
