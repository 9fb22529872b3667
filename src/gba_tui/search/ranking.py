"""BM25F as Whoosh scores it, computed a block of postings at a time.

The exact matches of a query are known before ranking (search/matching.py); what is left is a
score for each. Whoosh's top-N search scores through a matcher, five Python calls a posting,
and its block-skipping saves little when a word is in most articles (大灣區 at 54,503 articles:
49,000 matches scored, 75 of 85 ms). Here each term's postings are read a block at a time
(ids and weights in one piece) and scored with Whoosh's own formula, statistics and length
column: the same numbers, so the same order. Small posting lists are scored in a loop, big ones
in numpy (the same operations on the same doubles); one-character words, which the index
keeps no unigrams of, are scored here by BM25 over the folded text's character counts.
"""

from __future__ import annotations

import copy
import heapq
import io
import pickle
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from math import log
from typing import Any

from gba_tui.text.lean_whoosh import lean_imports

with lean_imports():
    from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo, W3TermsReader
    from whoosh.matching.wrappers import FilterMatcher
    from whoosh.reading import TermNotFound

# Whoosh's BM25F defaults (whoosh.scoring.BM25F), which the index has always ranked by.
B, K1 = 0.75, 1.2
# BM25's parameters for one-character words (scored here, not by Whoosh).
CHARACTER_K1, CHARACTER_B = 1.2, 0.75

_INT = struct.Struct("!i")  # whoosh.system's int: a block's length

Block = tuple[list[int], Sequence[float]]  # a block of postings: ids, weights

Leaves = Sequence[tuple[Any, int]]  # each segment's reader and its first document number


class IndexStats:
    """What BM25F needs of the whole index (document frequency, idf, average field length),
    computed as Whoosh's searcher computes them, from its reader: a search process then never
    loads whoosh.searching and whoosh.query (12 ms). Document frequencies come from `terms`
    when given (a TermTable: each term looked up once), else from the reader."""

    def __init__(self, reader: Any, terms: TermTable | None = None) -> None:
        self.reader = reader
        self.schema = reader.schema
        self._doc_count_all = reader.doc_count_all()
        self._terms = terms
        self._idf: dict[tuple[str, str], float] = {}

    def doc_frequency(self, field: str, term: str) -> int:
        if self._terms is not None:
            return self._terms.doc_frequency(field, term)
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


# A segment whose postings are read through Whoosh's matcher (term_entry).
THROUGH_MATCHER = object()
# segment_blocks's entry when the caller has not looked the term up.
_NOT_LOOKED_UP = object()


def term_entry(reader: Any, field: str, term: str) -> Any:
    """A term's entry in one segment's term table (its W3TermInfo: document frequency and
    where its postings are), None when the segment lacks the term, THROUGH_MATCHER when its
    postings are not read from the file here: the empty reader of an index whose pages were
    all skipped; postings kept in the term table, which whoosh 2.7.5 never writes."""
    terms = getattr(reader, "_terms", None)
    if not isinstance(terms, W3TermsReader):
        return THROUGH_MATCHER
    try:
        tbytes = reader._text_to_bytes(field, term)
        value_of = getattr(terms._tindex, "value_of", None)  # segments our codec opened
        if value_of is None:
            info = terms.term_info(field, tbytes)
        else:
            value = value_of(terms._keycoder(field, tbytes))
            if value is None:
                return None
            info = W3TermInfo.from_bytes(value)
    except (KeyError, TermNotFound):
        return None
    except DAMAGE as exc:
        raise PostingsDamaged(f"the term table cannot be read ({type(exc).__name__})") from None
    return THROUGH_MATCHER if info.is_inlined() else info


def segment_blocks(
    reader: Any, field: str, term: str, entry: Any = _NOT_LOOKED_UP, offset: int = 0
) -> Iterator[Block]:
    """A term's postings in one segment, (ids, weights) a block at a time, the ids the
    segment's plus offset, deleted documents left in (the callers keep only live matches);
    entry: the term's term_entry in the segment, looked up when not given. Read from the
    postings file directly, in one read a term: Whoosh's matcher costs 0.13 ms a segment
    before its first posting (four terms in 28 segments at 54,503 articles: 15 ms a query),
    then a file read, a seek and a generator a block."""
    if entry is _NOT_LOOKED_UP:
        entry = term_entry(reader, field, term)
    if entry is THROUGH_MATCHER:
        yield from _matcher_blocks(reader, field, term, offset)
        return
    if entry is None:
        return
    start, length = entry.extent()
    if isinstance(length, tuple):  # whoosh 2.7.5 reads the length as a 1-tuple
        length = length[0]
    try:
        yield from _file_blocks(reader._terms._postfile.get(start, length), offset)
    except DAMAGE as exc:
        why = f"{type(exc).__name__}: {exc}"
        raise PostingsDamaged(f"the postings of {field}:{term} cannot be read ({why})") from None


# Terms whose entries a TermTable keeps: a query's words, each with its bigrams in two fields.
KEPT_TERMS = 256


class TermTable:
    """The segments' term tables, a term looked up once in each segment for all a query
    asks of it: the document frequency of each of a word's bigrams (to rank by the rarest),
    its idf, then its postings. Each lookup is a hash probe and a read in every segment (28
    at 54,503 articles: 0.3 ms a term); a query looked its rarest bigrams up three times.
    Safe to share between threads (a lookup done twice at worst)."""

    def __init__(self, leaves: Leaves) -> None:
        self.leaves = leaves
        self._kept: dict[tuple[str, str], tuple[Any, ...]] = {}

    def entries(self, field: str, term: str) -> tuple[Any, ...]:
        """The term's term_entry in each segment, in the leaves' order."""
        key = (field, term)
        found = self._kept.get(key)
        if found is None:
            found = tuple(term_entry(reader, field, term) for reader, _ in self.leaves)
            if len(self._kept) >= KEPT_TERMS:
                self._kept.clear()
            self._kept[key] = found
        return found

    def doc_frequency(self, field: str, term: str) -> int:
        """Whoosh's reader.doc_frequency: deleted documents counted."""
        total = 0
        for (reader, _), entry in zip(self.leaves, self.entries(field, term), strict=True):
            if entry is THROUGH_MATCHER:
                total += int(reader.doc_frequency(field, term))
            elif entry is not None:
                total += entry.doc_frequency()
        return total


class PostingsDamaged(ValueError):
    """A term's postings that cannot be read as Whoosh writes them: a damaged file."""


# What reading damaged bytes as a pickle, a zlib stream or a struct raises.
DAMAGE = (
    ValueError,
    TypeError,
    IndexError,
    EOFError,
    pickle.UnpicklingError,
    zlib.error,
    struct.error,
)


def _file_blocks(data: bytes, offset: int = 0) -> Iterator[Block]:
    """The blocks of a term's postings as stored, in Whoosh's layout (W3PostingsWriter):
    a header, then each block's length (negative for the last), its info (count, last id,
    max weight, compression, lengths) pickled, its (id deltas, weights, values) pickled and
    compressed. offset: added to every id (the segment's first document number)."""
    if data[:4] != WHOOSH3_HEADER_MAGIC:
        raise ValueError("no postings header")
    pos, last = 4, False
    while not last:
        (size,) = _INT.unpack_from(data, pos)
        last, size = size < 0, abs(size)
        block = io.BytesIO(data[pos + 4 : pos + 4 + size])
        count, _, _, compression, _, _ = pickle.load(block)
        raw = block.read()
        deltas, weights, _ = pickle.loads(zlib.decompress(raw) if compression else raw)
        # Summed by itertools.accumulate in C from the offset (a block's first delta is its
        # first id), not Whoosh's generator and an addition a posting.
        yield list(accumulate(deltas, initial=offset))[1:], _weights(weights, count)
        pos += 4 + size


def _weights(weights: Any, count: int) -> Sequence[float]:
    """A block's weights as Whoosh's _read_weights gives them: None for all 1.0, one float
    for all alike, else as stored (a tuple: not copied)."""
    if weights is None:
        return [1.0] * count
    if isinstance(weights, float):
        return [weights] * count
    return tuple(weights)


def _matcher_blocks(reader: Any, field: str, term: str, offset: int = 0) -> Iterator[Block]:
    try:
        m = reader.postings(field, term)
    except TermNotFound:
        return
    if isinstance(m, FilterMatcher):  # deleted documents: the callers drop them
        m = m.child
    while m.is_active():
        yield [offset + m.id()], [m.weight()]
        m.next()


def segment_length_bytes(reader: Any, field: str) -> bytes | None:
    """Every document's length byte of a field in one segment (Whoosh's one-byte code of
    a length: whoosh.util.numeric.byte_to_length), from its length column in one piece, or
    None when the column is not laid out as expected. Whoosh reads it a document at a time,
    four calls and a file read each."""
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        if reader.is_atomic():
            column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
            if column is not None and column._fixedlen == 1:
                raw = bytes(column._dbfile.get(column._basepos, column._count))
                # Past the column's end Whoosh gives the default byte: 0.
                return raw + bytes(reader.doc_count_all() - len(raw))
    except (AttributeError, TypeError, ValueError):
        pass
    return None


@dataclass(frozen=True)
class TermPostings:
    """A term's live postings in document order: document numbers and weights (its count,
    times the field's boost)."""

    docs: list[int]
    weights: list[float]

    def __len__(self) -> int:
        return len(self.docs)


def read_postings(terms: TermTable, field: str, term: str, deleted: frozenset[int]) -> TermPostings:
    docs: list[int] = []
    weights: list[float] = []
    for (reader, offset), entry in zip(terms.leaves, terms.entries(field, term), strict=True):
        for ids, ws in segment_blocks(reader, field, term, entry, offset):
            docs.extend(ids)
            weights.extend(ws)
    if deleted and not deleted.isdisjoint(docs):
        kept = [(d, w) for d, w in zip(docs, weights, strict=True) if d not in deleted]
        docs, weights = [d for d, _ in kept], [w for _, w in kept]
    return TermPostings(docs, weights)


def field_norms(leaves: Leaves, field: str, avgfl: float) -> list[float]:
    """K1 * ((1 - B) + B * length / avgfl) for every document, by document number: the part
    of BM25's denominator that depends on the document, as Whoosh computes it. A length is
    stored as one of 256 codes: the norm is computed once a code and looked up (54,503
    articles: 23 ms a search process, computed one by one)."""
    from whoosh.util.numeric import byte_to_length

    of_code = [K1 * ((1 - B) + B * byte_to_length(b) / avgfl) for b in range(256)]
    norms: list[float] = []
    for reader, offset in leaves:
        codes = segment_length_bytes(reader, field)
        if codes is None:
            lengths = (reader.doc_field_length(d, field, 1) for d in range(reader.doc_count_all()))
            norms[offset:] = [K1 * ((1 - B) + B * fl / avgfl) for fl in lengths]
        else:
            norms[offset:] = map(of_code.__getitem__, codes)
    return norms


# An archive of this many articles or more scores big posting lists in numpy: scoring a
# posting in Python costs about half a microsecond (港 at 54,503 articles has 81,000), and
# importing numpy 70 ms, which a search process on a smaller archive should not pay (at
# 10,865 articles 科技 AND 保險 has 25,000 postings: 12 ms in Python).
VECTOR_ARCHIVE = 20_000
# ... for a query of at least this many postings (below it, arrays cost more than the loop).
VECTOR_POSTINGS = 2_000

Postings = Callable[[str, str], TermPostings]
Norms = Callable[[str, float], Sequence[float]]


def bm25f_scores(
    stats: IndexStats,
    terms: Sequence[tuple[str, str]],
    postings_of: Postings,
    norms_of: Norms,
    docs: frozenset[int],
    vectorised: bool = False,
) -> dict[int, float] | DenseScores:
    """Each of `docs` that holds any of the terms → the sum of its terms' BM25F scores
    (Whoosh's bm25() with the index's idf and average field length); terms in the order given,
    so a word's headline part is added before its text part, as Whoosh's union adds them.
    vectorised: a big archive's (VECTOR_ARCHIVE), computed in numpy when the query is big,
    and kept there (DenseScores)."""
    found = [(field, term, postings_of(field, term)) for field, term in terms]
    if vectorised and sum(len(p) for *_, p in found) >= VECTOR_POSTINGS:
        return _bm25f_vectorised(stats, found, norms_of, docs)
    scores: dict[int, float] = {}
    get = scores.get
    k1p1 = K1 + 1
    for field, term, p in found:
        if not stats.schema[field].scorable:  # Whoosh scores these by the weight alone
            for d, w in zip(p.docs, p.weights, strict=True):
                if d in docs:
                    scores[d] = get(d, 0.0) + w
            continue
        if docs.isdisjoint(p.docs):
            continue
        idf = stats.idf(field, term)
        norm = norms_of(field, stats.avg_field_length(field) or 1)
        for d, w in zip(p.docs, p.weights, strict=True):
            if d in docs:
                scores[d] = get(d, 0.0) + idf * ((w * k1p1) / (w + norm[d]))
    return scores


def _bm25f_vectorised(
    stats: IndexStats,
    found: list[tuple[str, str, TermPostings]],
    norms_of: Norms,
    docs: frozenset[int],
) -> DenseScores:
    """bm25f_scores in numpy: the same operations in the same order on the same doubles."""
    import numpy as np

    scores = DenseScores(docs, stats.reader.doc_count_all())
    k1p1 = K1 + 1
    for field, term, p in found:
        ids = np.array(p.docs, dtype=np.int64)
        weights = np.array(p.weights, dtype=np.float64)
        keep = scores.wanted[ids]
        ids, weights = ids[keep], weights[keep]
        if not ids.size:
            continue
        if stats.schema[field].scorable:
            idf = stats.idf(field, term)
            norm = np.asarray(norms_of(field, stats.avg_field_length(field) or 1))
            scores.add(ids, idf * ((weights * k1p1) / (weights + norm[ids])))
        else:
            scores.add(ids, weights)
    return scores


class DenseScores(Mapping[int, float]):
    """A big archive's scores by document number, kept in numpy: the sum so far of each
    document's scores, and whether it has one (the keys of the dict it stands for). The top
    of a ranking is taken from the arrays (top); a dict of every score, 54,000 of them for a
    common word (5 ms to make, 10 to sift in Python), is made only when iterated."""

    def __init__(self, docs: frozenset[int], size: int) -> None:
        import numpy as np

        self._np = np
        self.docs = docs
        self.wanted = _mask(np, docs, size)  # the documents that may score: the matches
        self.total = np.zeros(size)
        self.scored = np.zeros(size, dtype=bool)
        self._dict: dict[int, float] | None = None

    def add(self, ids: Any, values: Any) -> None:
        """Add each value to its document's score (ids without repeats)."""
        self.total[ids] += values
        self.scored[ids] = True
        self._dict = None

    @classmethod
    def from_dict(cls, scores: dict[int, float], docs: frozenset[int], size: int) -> DenseScores:
        """Scores computed one by one, to be added to in numpy."""
        out = cls(docs, size)
        if scores:
            np = out._np
            count = len(scores)
            ids = np.fromiter(scores.keys(), dtype=np.int64, count=count)
            out.add(ids, np.fromiter(scores.values(), dtype=np.float64, count=count))
        return out

    def only(self, docs: frozenset[int]) -> DenseScores:
        """These scores of the given documents alone (the sums shared, not copied)."""
        out = copy.copy(self)
        out.docs, out.wanted = docs, _mask(self._np, docs, len(self.total))
        out.scored, out._dict = self.scored & out.wanted, None
        return out

    def top(self, limit: int) -> tuple[float, dict[int, float]] | None:
        """The limit-th best positive score rounded to 6 places, and every score at least
        that (less 1e-6) rounded, as Library._select rounds them; None when fewer than limit
        documents score above 0."""
        np = self._np
        positive = self.scored & (self.total > 0)
        count = int(np.count_nonzero(positive))
        if count < limit:
            return None
        values = self.total[positive]
        cutoff = round(float(np.partition(values, count - limit)[count - limit]), 6)
        near = np.flatnonzero(positive & (self.total >= cutoff - 1e-6))
        # Ties share a value (source:北京商报's 17,000 matches all score alike): each distinct
        # value is rounded once, not once a document (14 ms).
        distinct, which = np.unique(self.total[near], return_inverse=True)
        rounded = [round(v, 6) for v in distinct.tolist()]
        return cutoff, dict(
            zip(near.tolist(), map(rounded.__getitem__, which.ravel().tolist()), strict=True)
        )

    def of(self, docs: Iterable[int]) -> dict[int, float]:
        """The scores of those of these documents that have one."""
        np = self._np
        ids = np.fromiter(docs, dtype=np.int64)
        ids = ids[self.scored[ids]]
        return dict(zip(ids.tolist(), self.total[ids].tolist(), strict=True))

    def get(self, d: int, default: Any = None) -> Any:
        return float(self.total[d]) if 0 <= d < len(self.scored) and self.scored[d] else default

    def _as_dict(self) -> dict[int, float]:
        if self._dict is None:
            held = self._np.flatnonzero(self.scored)
            self._dict = dict(zip(held.tolist(), self.total[held].tolist(), strict=True))
        return self._dict

    def __getitem__(self, d: int) -> float:
        return self._as_dict()[d]

    def __iter__(self) -> Iterator[int]:
        return iter(self._as_dict())

    def __len__(self) -> int:
        return int(self._np.count_nonzero(self.scored))


def _mask(np: Any, docs: frozenset[int], size: int) -> Any:
    mask = np.zeros(size, dtype=bool)
    mask[np.fromiter(docs, dtype=np.int64, count=len(docs))] = True
    return mask


def add_character_scores(
    title: TermPostings,
    text: TermPostings,
    norms: Sequence[float],
    articles: int,
    docs: frozenset[int],
    scores: Scores,
    vectorised: bool = False,
) -> Scores:
    """BM25 for a one-character word, counted in the folded text (the headline's count
    thrice), added to `scores` (made for `docs`) for those of `docs` that hold it. `norms`:
    the text-length part of each document's denominator (k1 * (1 - b + b * length /
    average)); `articles`: live documents. The index keeps no unigrams for Whoosh to rank
    such a word by. Returns the scores, kept in numpy when they were or when this word's
    postings are big enough (vectorised)."""
    big = vectorised and len(title) + len(text) >= VECTOR_POSTINGS
    if big and not isinstance(scores, DenseScores):
        scores = DenseScores.from_dict(scores, docs, len(norms))
    if isinstance(scores, DenseScores):
        scores.add(*_character_arrays(title, text, norms, articles, scores.wanted))
        return scores
    in_title = dict(zip(title.docs, title.weights, strict=True))
    in_text = dict(zip(text.docs, text.weights, strict=True))
    counted = in_title.keys() | in_text.keys()
    idf = _character_idf(articles, len(counted))
    k1p1 = CHARACTER_K1 + 1
    title_count, text_count, get = in_title.get, in_text.get, scores.get
    for i in counted & docs:
        tf = 3 * int(title_count(i, 0)) + int(text_count(i, 0))
        if tf:
            scores[i] = get(i, 0.0) + idf * tf * k1p1 / (tf + norms[i])
    return scores


def _character_arrays(
    title: TermPostings, text: TermPostings, norms: Sequence[float], articles: int, wanted: Any
) -> tuple[Any, Any]:
    """(documents, their scores) of add_character_scores in numpy, for the wanted ones: the
    same operations on the same doubles as the loop."""
    import numpy as np

    size = len(norms)
    tf = np.zeros(size)
    title_ids = np.array(title.docs, dtype=np.int64)
    text_ids = np.array(text.docs, dtype=np.int64)
    # Whole counts (int() in the loop): the weights are counts stored as floats.
    tf[title_ids] += 3 * np.trunc(np.array(title.weights, dtype=np.float64))
    tf[text_ids] += np.trunc(np.array(text.weights, dtype=np.float64))
    counted = np.zeros(size, dtype=bool)
    counted[title_ids] = True
    counted[text_ids] = True
    idf = _character_idf(articles, int(np.count_nonzero(counted)))
    held = np.flatnonzero(counted & wanted & (tf > 0))
    tf_held = tf[held]
    return held, idf * tf_held * (CHARACTER_K1 + 1) / (tf_held + np.asarray(norms)[held])


def _character_idf(articles: int, df: int) -> float:
    return log(1 + (articles - df + 0.5) / (df + 0.5))


# A query's scores by document number: a dict, or numpy arrays for a big archive's big query.
Scores = dict[int, float] | DenseScores


def scores_within(scores: Scores, docs: frozenset[int]) -> Scores:
    """The scores of these documents alone."""
    if isinstance(scores, DenseScores):
        return scores.only(docs)
    return {d: v for d, v in scores.items() if d in docs}


def scores_of(scores: Scores, docs: Iterable[int]) -> Mapping[int, float]:
    """Something to look many of these documents' scores up in at Python speed."""
    return scores.of(docs) if isinstance(scores, DenseScores) else scores


def top_scores(scores: Scores, limit: int | None) -> tuple[float, dict[int, float]] | None:
    """The limit-th best positive score rounded to 6 places (rounding keeps order) and every
    score near it or above, rounded; None when fewer than limit documents score above 0. Only
    scores near the cutoff are rounded (45,000 scores: rounding all took 30 ms)."""
    if limit is None:
        return None
    if isinstance(scores, DenseScores):
        return scores.top(limit)
    positive = scores  # BM25 scores are; copied only when one is not (4 ms at 54,000)
    if min(scores.values(), default=1.0) <= 0:
        positive = {d: v for d, v in scores.items() if v > 0}
    if len(positive) < limit:
        return None
    cutoff = round(heapq.nlargest(limit, positive.values())[-1], 6)
    near = {d: v for d, v in positive.items() if v >= cutoff - 1e-6}
    rounded = {v: round(v, 6) for v in set(near.values())}  # ties: each value rounded once
    return cutoff, {d: rounded[v] for d, v in near.items()}
