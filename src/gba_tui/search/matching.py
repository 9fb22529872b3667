"""Exact matching on folded text: which articles contain a word as a sequence.

Each field's folded text for all articles is kept as one long string with a separator, so a
word is found with str.find (C speed) and each hit skips to the next article; a query of
several words becomes set operations. Whoosh then only ranks what matched.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache

from gba_tui.search.query import Node, Not, Or, Word
from gba_tui.search.schema import FILTER_FIELDS, SEARCH_FIELDS
from gba_tui.text.analysis import query_tokens
from gba_tui.text.script import count_word, find_word, has_latin_edge, searchable

SEP = "\x00"  # never in page text: the loader refuses files with NUL


def needle(text: str) -> str:
    """What a query word is looked for as, in folded text: spaces next to Chinese dropped."""
    folded = searchable(text).strip()
    return re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", folded)


class FoldedTexts:
    """The folded fields of every article, as one string per field."""

    def __init__(self, folded: Sequence[dict[str, str]]) -> None:
        self.size = len(folded)
        self._joined: dict[str, str] = {}
        self._starts: dict[str, list[int]] = {}
        self._lengths: dict[str, list[int]] = {}
        fields = set(SEARCH_FIELDS) | set(FILTER_FIELDS.values())
        for field in fields:
            parts = [f.get(field, "").replace(SEP, " ") for f in folded]
            lengths = [len(p) for p in parts]
            starts, pos = [], 0
            for n in lengths:
                starts.append(pos)
                pos += n + 1
            self._joined[field] = SEP.join(parts)
            self._starts[field] = starts
            self._lengths[field] = lengths
        self.find = lru_cache(maxsize=512)(self._find)

    def _find(self, field: str, word: str) -> frozenset[int]:
        """Indices of the articles whose field contains word."""
        text, starts = self._joined[field], self._starts[field]
        found: list[int] = []
        i = find_word(text, word)
        while i != -1:
            doc = bisect_right(starts, i) - 1
            found.append(doc)
            nxt = starts[doc + 1] if doc + 1 < len(starts) else len(text)
            i = find_word(text, word, nxt)
        return frozenset(found)

    def counts(self, field: str, docs: Iterable[int], word: str) -> dict[int, int]:
        """How often word occurs in each of docs: one loop, no call per article (a
        one-character query is counted in nearly every article)."""
        text, starts, lengths = self._joined[field], self._starts[field], self._lengths[field]
        if has_latin_edge(word):
            return {d: count_word(text, word, starts[d], starts[d] + lengths[d]) for d in docs}
        count = text.count
        return {d: count(word, starts[d], starts[d] + lengths[d]) for d in docs}

    def lengths(self, field: str) -> list[int]:
        """Every article's length in field, in article order."""
        return self._lengths[field]

    def matching(self, node: Node) -> frozenset[int]:
        """The articles that satisfy the query exactly."""
        if isinstance(node, Word):
            n = needle(node.text)
            if not n or not query_tokens(node.text):
                return frozenset()
            if node.field:
                return self.find(FILTER_FIELDS[node.field], n)
            out: frozenset[int] = frozenset()
            for field in SEARCH_FIELDS:
                out |= self.find(field, n)
            return out
        if isinstance(node, Not):
            return frozenset(range(self.size)) - self.matching(node.item)
        sets = [self.matching(x) for x in node.items]
        if isinstance(node, Or):
            return frozenset().union(*sets)
        result = sets[0]
        for s in sets[1:]:
            result &= s
        return result
