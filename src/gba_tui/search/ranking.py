"""BM25F as Whoosh scores it, computed a block of postings at a time.

The exact matches of a query are known before ranking (search/matching.py); what is left is a
score for each. Whoosh's top-N search scores through a matcher, five Python calls a posting,
and its block-skipping saves little when a word is in most articles (大灣區 at 54,503 articles:
49,000 matches scored, 75 of 85 ms). Here each term's postings are read a block at a time
(ids and weights in one piece) and scored in one loop with Whoosh's own formula, statistics
and length column: the same numbers, so the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import accumulate
from math import log
from typing import Any

from gba_tui.text.lean_whoosh import lean_imports

with lean_imports():
    from whoosh.codec.whoosh3 import W3LeafMatcher
    from whoosh.matching.wrappers import FilterMatcher
    from whoosh.reading import TermNotFound

# Whoosh's BM25F defaults (whoosh.scoring.BM25F), which the index has always ranked by.
B, K1 = 0.75, 1.2

Leaves = Sequence[tuple[Any, int]]  # each segment's reader and its first document number


class IndexStats:
    """What BM25F needs of the whole index (document frequency, idf, average field length),
    computed as Whoosh's searcher computes them, from its reader: a search process then never
    loads whoosh.searching and whoosh.query (12 ms)."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.schema = reader.schema
        self._doc_count_all = reader.doc_count_all()
        self._idf: dict[tuple[str, str], float] = {}

    def doc_frequency(self, field: str, term: str) -> int:
        return int(self.reader.doc_frequency(field, term))

    def idf(self, field: str, term: str) -> float:
        """Whoosh's WeightingModel.idf, cached as its searcher caches it."""
        key = (field, term)
        if key not in self._idf:
            n = self.doc_frequency(field, term)
            self._idf[key] = log(self._doc_count_all / (n + 1)) + 1
        return self._idf[key]

    def avg_field_length(self, field: str) -> float:
        return float(self.reader.field_length(field) / (self._doc_count_all or 1))


def leaf_postings(leaves: Leaves, field: str, term: str) -> Iterator[tuple[Any, int, Any]]:
    """Each segment's matcher of a term: (reader, first document number, matcher). Deleted
    documents are left in (the callers keep only live matches): unwrapped, Whoosh's block
    matcher can be read a block at a time."""
    for reader, offset in leaves:
        try:
            m = reader.postings(field, term)
        except TermNotFound:
            continue
        if isinstance(m, FilterMatcher):
            m = m.child
        yield reader, offset, m


def blocks(m: Any) -> Iterator[tuple[Sequence[int], Sequence[float]]]:
    """A matcher's (segment-local ids, weights), a block at a time (a posting at a time for
    a matcher that is not Whoosh's block matcher)."""
    if isinstance(m, W3LeafMatcher):
        while m.is_active():
            yield _block(m)
            m._next_block()
        return
    while m.is_active():
        yield (m.id(),), (m.weight(),)
        m.next()


def _block(m: Any) -> tuple[Sequence[int], Sequence[float]]:
    """The current block's ids and weights, decoded as Whoosh's _read_ids/_read_weights do
    but in C: its ids are deltas, summed by itertools.accumulate rather than a generator
    (a third of reading 港's 90,000 postings at 54,503 articles)."""
    if m._data is None:
        m._read_data()
    ids, weights = m._data[0], m._data[1]
    if not m._byteids:
        ids = list(accumulate(ids))
    if weights is None:
        weights = [1.0] * m._blocklength
    elif isinstance(weights, float):
        weights = [weights] * m._blocklength
    return ids, weights


def segment_lengths(reader: Any, field: str) -> list[int] | None:
    """Every document's length of a field in one segment, from its length column in one
    piece (cached on the reader), or None when the column is not laid out as expected.
    Whoosh reads it a document at a time, four calls and a file read each."""
    cache = reader.__dict__.setdefault("_gba_lengths", {})
    if field not in cache:
        cache[field] = None
        try:
            from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
            from whoosh.util.numeric import byte_to_length

            if reader.is_atomic():
                column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
                if column is not None and column._fixedlen == 1:
                    raw = column._dbfile.get(column._basepos, column._count)
                    table = [byte_to_length(b) for b in range(256)]
                    # Past the column's end Whoosh gives the default byte: 0.
                    lengths = [table[b] for b in raw]
                    lengths += [table[0]] * (reader.doc_count_all() - len(lengths))
                    cache[field] = lengths
        except (AttributeError, TypeError, ValueError):
            pass
    return cache[field]


def term_weights(leaves: Leaves, field: str, term: str) -> dict[int, float]:
    """Document number → the term's weight (its count, times the field's boost), for every
    posting of the term, deleted documents included."""
    out: dict[int, float] = {}
    for _, offset, m in leaf_postings(leaves, field, term):
        for ids, weights in blocks(m):
            out.update(zip(map(offset.__add__, ids), weights, strict=True))
    return out


def field_norms(leaves: Leaves, field: str, avgfl: float) -> list[float]:
    """K1 * ((1 - B) + B * length / avgfl) for every document, by document number: the part
    of BM25's denominator that depends on the document, as Whoosh computes it."""
    norms: list[float] = []
    for reader, offset in leaves:
        lengths = segment_lengths(reader, field)
        if lengths is None:
            lengths = [reader.doc_field_length(d, field, 1) for d in range(reader.doc_count_all())]
        norms[offset:] = [K1 * ((1 - B) + B * fl / avgfl) for fl in lengths]
    return norms


def bm25f_scores(
    searcher: IndexStats,
    terms: Sequence[tuple[str, str]],
    weights_of: Callable[[str, str], dict[int, float]],
    norms_of: Callable[[str, float], Sequence[float]],
    docs: frozenset[int],
) -> dict[int, float]:
    """Each of `docs` that holds any of the terms → the sum of its terms' BM25F scores
    (Whoosh's bm25() with the index's idf and average field length); terms in the order given,
    so a word's headline part is added before its text part, as Whoosh's union adds them."""
    scores: dict[int, float] = {}
    get = scores.get
    k1p1 = K1 + 1
    for field, term in terms:
        weights = weights_of(field, term)
        held = weights.keys() & docs
        if not searcher.schema[field].scorable:  # Whoosh scores these by the weight alone
            for d in held:
                scores[d] = get(d, 0.0) + weights[d]
            continue
        if not held:
            continue
        idf = searcher.idf(field, term)
        norm = norms_of(field, searcher.avg_field_length(field) or 1)
        for d in held:
            w = weights[d]
            scores[d] = get(d, 0.0) + idf * ((w * k1p1) / (w + norm[d]))
    return scores
