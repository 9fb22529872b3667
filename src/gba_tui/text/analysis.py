"""The Whoosh analyzer shared by documents and queries: NFKC → fold → CJK bigrams.

A run of Chinese characters becomes its overlapping bigrams; a lone character (套 in 首台(套))
stays a unigram; Latin words and numbers are lower-cased words. Index and query cut text the
same way, so 科技保險 and 科技保险 give the same terms. Unigrams of longer runs are left out of
the index on purpose: they would add a third of the postings, and Whoosh's cost is per posting.
One-character queries and the check that a word occurs as a sequence (not scattered) are
answered from the folded text kept beside the index (search/searcher.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from operator import add

from gba_tui.text.lean_whoosh import lean_imports
from gba_tui.text.script import fold_script

with lean_imports():
    from whoosh.analysis import Token, Tokenizer
    from whoosh.formats import Frequency
    from whoosh.system import pack_uint

_PIECES = re.compile(
    r"(?P<cjk>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+)"
    r"|(?P<word>[0-9A-Za-z\u00c0-\u024f]+(?:[.,'][0-9A-Za-z]+)*)"
)


def pieces(folded: str) -> Iterator[tuple[str, int, int, int]]:
    """(token, position, start, end) for already-folded text."""
    pos = 0
    for m in _PIECES.finditer(folded):
        start = m.start()
        if m.lastgroup == "word":
            yield m.group().lower(), pos, start, m.end()
            pos += 1
            continue
        run = m.group()
        n = len(run)
        if n == 1:
            yield run, pos, start, start + 1
            pos += 1
            continue
        for i in range(n - 1):
            yield run[i : i + 2], pos + i, start + i, start + i + 2
        pos += n - 1


def query_tokens(text: str) -> list[str]:
    """The tokens a query word is matched by, in order."""
    return [t for t, *_ in pieces(fold_script(text))]


class CjkTokenizer(Tokenizer):
    """Folded bigrams and unigrams for Chinese, lower-cased words for Latin and numbers."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        folded = fold_script(value)
        for text, pos, start, end in pieces(folded):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t


def cjk_analyzer() -> CjkTokenizer:
    return CjkTokenizer()


class FoldedBigramFrequency(Frequency):
    """Whoosh's Frequency format, counting our tokens with a Counter instead of one Token
    object at a time: the same postings, a good part less time per article when indexing."""

    def word_values(self, value, analyzer, **kwargs):  # type: ignore[no-untyped-def]
        if not isinstance(analyzer, CjkTokenizer):
            return super().word_values(value, analyzer, **kwargs)
        fb = self.field_boost
        counts = self.term_counts(value)
        return ((w, n, n * fb, pack_uint(n)) for w, n in counts.items())

    def term_counts(self, value: str) -> Counter[str]:
        """The terms pieces() cuts from the folded value, counted: a run of Chinese is
        counted by its bigrams in one C call, not a token at a time (the index's writer
        takes these counts directly)."""
        counts: Counter[str] = Counter()
        folded = value if isinstance(value, Folded) else fold_script(value)
        for run, word in _PIECES.findall(folded):
            if word:
                counts[word.lower()] += 1
            elif len(run) == 1:
                counts[run] += 1
            else:
                counts.update(map(add, run, run[1:]))
        return counts


class Folded(str):
    """Text fold_script has already folded (a build folds each article's text once)."""

    __slots__ = ()
