"""A Whoosh segment writer that gathers postings in memory, grouped by term.

Whoosh's own writer puts every posting (one per distinct term of each field of each article,
about 1,500 an article here) through a pool that pickles it to a temporary run file and
heap-merges the runs back in order, then asks the segment's length column for the posting's
document length one call at a time. Profiled on a 2,000-article build those three steps took
half of the whole build. Here a field's postings are flat lists (a rebuild commits a segment
every 2,000 articles, so a segment's postings fit in memory), fed a document's term counts at
a time (formats with term_counts: no tuple per posting), sorted once with numpy, and handed to
Whoosh's posting writer a block at a time. The files written are Whoosh's own, byte for byte
(the default codec), so reading is unchanged. One process, 2,163 articles: 31.3 -> 23.1 s.
"""

from __future__ import annotations

import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import repeat
from operator import sub
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from gba_tui.search.codec import ArticleCodec
from gba_tui.text.lean_whoosh import lean_imports

with lean_imports():
    from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
    from whoosh.compat import dumps
    from whoosh.formats import Existence, Frequency
    from whoosh.system import _INT_SIZE, emptybytes, pack_uint, pack_ushort, unpack_uint
    from whoosh.util.numeric import length_to_byte
    from whoosh.writing import SegmentWriter


if TYPE_CHECKING:
    from concurrent.futures import Future

P = TypeVar("P")
R = TypeVar("R")
# Pages handed to the workers before the first one's result is waited for: enough that a
# worker never idles while this process writes the store, few enough to hold in memory.
PREPARED_AHEAD = 16

# Postings a Whoosh block holds (its default is 128). Search reads a term's postings whole
# (search/ranking.py), and each block costs a seek, an unpickled header and a decompression:
# with a segment's postings in one block, 港's 2,144 postings at 2,163 articles read in 0.4 ms,
# not 0.7. Whoosh's block-skipping, which smaller blocks serve, is not used.
POSTINGS_BLOCK = 4096

# (fieldname, term bytes, docnum, weight, value bytes): what Whoosh's pool is given.
Posting = tuple[str, bytes, int, float, bytes | None]
_FREQUENCY_SIZE = _INT_SIZE  # a Frequency posting's value: the count as 4 bytes


class _FieldPostings:
    """One field's postings in one segment, flat, in the order they were added: a term id,
    document number and frequency each; the weight is the frequency times the field's boost
    (what Whoosh's Frequency and Existence formats give) but where noted otherwise. Terms get
    ids as they are first seen (text as str from term_counts, bytes from field.index or a
    merged segment); the flush sorts them."""

    __slots__ = ("boost", "docnums", "freqs", "ids", "odd_weights", "sorted", "vocab")

    def __init__(self, boost: float) -> None:
        self.boost = boost
        self.vocab: dict[str | bytes, int] = {}
        self.ids: list[int] = []
        self.docnums: list[int] = []
        self.freqs: list[int] = []
        self.odd_weights: dict[int, float] = {}  # posting → its weight, where not freq * boost
        self.sorted: tuple[Any, ...] = ()  # docnums, freqs, weights, by term (terms())

    def add_counts(self, docnum: int, counts: Mapping[str, int]) -> None:
        vocab = self.vocab
        # set.difference walks the smaller side; dict_keys - dict_keys walked the vocabulary.
        new = set(counts).difference(vocab)
        if new:
            vocab.update(zip(new, range(len(vocab), len(vocab) + len(new)), strict=True))
        self.ids.extend(map(vocab.__getitem__, counts))
        self.docnums.extend(repeat(docnum, len(counts)))
        self.freqs.extend(counts.values())

    def add_one(self, term: bytes, docnum: int, freq: int, weight: float) -> None:
        vocab = self.vocab
        if weight != freq * self.boost:
            self.odd_weights[len(self.ids)] = weight
        self.ids.append(vocab.setdefault(term, len(vocab)))
        self.docnums.append(docnum)
        self.freqs.append(freq)

    def terms(self) -> Iterator[tuple[bytes, int, int]]:
        """Each term as bytes in Whoosh's order, with the span of its postings in the sorted
        columns (docnums ascending within a term)."""
        keys = [k.encode("utf-8") if isinstance(k, str) else k for k in self.vocab]
        ordered = sorted(set(keys))
        rank_of = {k: n for n, k in enumerate(ordered)}
        ranks = np.array([rank_of[k] for k in keys], dtype=np.int64)
        term_ranks = ranks[np.array(self.ids, dtype=np.int64)]
        docnums = np.array(self.docnums, dtype=np.int64)
        order = np.lexsort((docnums, term_ranks))
        freqs = np.array(self.freqs, dtype=np.int64)
        weights = freqs * self.boost
        for at, weight in self.odd_weights.items():
            weights[at] = weight
        self.sorted = (docnums[order], freqs[order], weights[order])
        self.ids, self.docnums, self.freqs = [], [], []  # held as the arrays above now
        bounds = np.searchsorted(term_ranks[order], np.arange(len(ordered) + 1)).tolist()
        for n, tbytes in enumerate(ordered):
            yield tbytes, bounds[n], bounds[n + 1]


class TermPool:
    """Stands in for Whoosh's PostingPool (the same add / iter_postings / cleanup calls), for
    fields whose format is Existence or Frequency: a posting's value is then its frequency
    (or nothing), so a field's postings are four flat arrays, sorted once when written."""

    def __init__(self, schema: Any) -> None:
        self._schema = schema
        self._fields: dict[str, _FieldPostings] = {}

    def field(self, fieldname: str) -> _FieldPostings:
        postings = self._fields.get(fieldname)
        if postings is None:
            boost = self._schema[fieldname].format.field_boost
            postings = self._fields[fieldname] = _FieldPostings(boost)
        return postings

    def add(self, item: Posting) -> None:
        """One posting as Whoosh's pool takes it (merging a segment in goes this way)."""
        fieldname, tbytes, docnum, weight, vbytes = item
        if docnum >= 0:  # below 0: a spelling word, and this schema keeps no spelling graph
            sized = self._schema[fieldname].format.posting_size == _FREQUENCY_SIZE
            freq = unpack_uint(vbytes)[0] if sized and vbytes else 1
            self.field(fieldname).add_one(tbytes, docnum, freq, weight)

    def add_terms(self, fieldname: str, docnum: int, items: Iterable[Any]) -> int:
        """One field's terms of one document, as its field.index() gives them:
        (term bytes, frequency, weight, value bytes). Returns the field's length."""
        length = 0
        add_one = self.field(fieldname).add_one
        for tbytes, freq, weight, _vbytes in items:
            length += freq
            add_one(tbytes, docnum, freq, weight)
        return length

    def add_counts(self, fieldname: str, docnum: int, counts: Mapping[str, int]) -> int:
        """One field's term counts of one document (a format's term_counts, weighed as
        Frequency weighs them: count times the field's boost); its length."""
        if counts:
            self.field(fieldname).add_counts(docnum, counts)
        return sum(counts.values())

    def fields(self) -> list[tuple[str, _FieldPostings]]:
        return sorted(self._fields.items())

    def iter_postings(self) -> Iterator[Posting]:
        for fieldname, postings in self.fields():
            sized = self._schema[fieldname].format.posting_size == _FREQUENCY_SIZE
            for tbytes, lo, hi in postings.terms():
                docnums, freqs, weights = (column[lo:hi].tolist() for column in postings.sorted)
                for docnum, freq, weight in zip(docnums, freqs, weights, strict=True):
                    value = pack_uint(freq) if sized else emptybytes
                    yield fieldname, tbytes, docnum, weight, value

    def cleanup(self) -> None:
        self._fields.clear()


class _Lengths:
    """Each field's document lengths read once per segment, not once per posting."""

    def __init__(self, reader: Any, doc_count: int) -> None:
        self._reader = reader
        self._doc_count = doc_count

    def of_field(self, fieldname: str) -> Any:
        read = self._reader.doc_field_length
        # None: a field without lengths (not scorable); add_posting skips a 0 the same way.
        lengths = [read(d, fieldname) or 0 for d in range(self._doc_count)]
        return np.array(lengths, dtype=np.int64)


def _pooled_format(field: Any) -> bool:
    """Whether the pool can hold this field's postings: values that are the frequency or
    nothing (Whoosh's Frequency and Existence formats)."""
    fmt = field.format
    return isinstance(fmt, (Existence, Frequency)) and fmt.posting_size in (0, _FREQUENCY_SIZE)


class ArticleWriter(SegmentWriter):  # type: ignore[misc]
    """Whoosh's SegmentWriter with the in-memory pool and a term-at-a-time posting writer."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        kwargs.setdefault("codec", ArticleCodec(blocklimit=POSTINGS_BLOCK))
        super().__init__(ix, **kwargs)
        # The short path below writes no spelling words and no term vectors, and only
        # Existence and Frequency postings.
        self._plain = all(
            not (f.vector or f.separate_spelling()) and (not f.indexed or _pooled_format(f))
            for _, f in self.schema.items()
        )
        if self._plain:
            self.pool = TermPool(self.schema)

    def add_document(self, **fields: Any) -> None:
        """Whoosh's add_document without its per-posting tuples (same postings, lengths and
        columns); documents with boosts or other underscore keys, and schemas with spelling or
        term vectors, go the general way."""
        if not self._plain or any(name.startswith("_") for name in fields):
            super().add_document(**fields)
            return
        self._check_state()
        schema, docnum, perdoc, pool = self.schema, self.docnum, self.perdocwriter, self.pool
        self._check_fields(schema, fields)
        perdoc.start_doc(docnum)
        try:
            for name in sorted(fields):
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    # A format that counts its own terms skips Whoosh's tuple per posting.
                    counts = getattr(field.format, "term_counts", None)
                    if counts is not None:
                        length = pool.add_counts(name, docnum, counts(value))
                    else:
                        length = pool.add_terms(name, docnum, field.index(value))
                    if not field.scorable:
                        length = 0
                perdoc.add_field(name, field, value if field.stored else None, length)
                if field.column_type:
                    perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        if not self._plain:
            super()._flush_segment()
            return
        self.perdocwriter.close()
        reader = self.per_document_reader()
        try:
            lengths = _Lengths(reader, self.docnum)
            fieldwriter = self.fieldwriter
            for fieldname, postings in self.pool.fields():
                field = self.schema[fieldname]
                fieldwriter.start_field(fieldname, field)
                _write_field(fieldwriter, field, postings, lengths.of_field(fieldname))
                fieldwriter.finish_field()
        finally:
            reader.close()
        self.fieldwriter.close()


def _write_field(fieldwriter: Any, field: Any, postings: _FieldPostings, lengths: Any) -> None:
    """What Whoosh's FieldWriter.add_postings does for one field, a term at a time: each
    term's blocks and term info written as W3PostingsWriter and W3FieldWriter write them
    (the same bytes; tests/test_postings.py compares them), from the field's sorted columns
    a block's slice at a time (most terms have a handful of postings: numpy operations per
    block cost more than they saved)."""
    postfile = fieldwriter._postfile
    compression = fieldwriter._postwriter._compression
    limit = fieldwriter._postwriter._blocklimit
    prefix = pack_ushort(fieldwriter._fieldid)
    add_term = fieldwriter._tindex.add
    terms = list(postings.terms())
    docnums, freqs, weights = postings.sorted
    # The writer keeps weights in an array("f"), its largest as given (a double); values
    # are a Frequency's counts as 4 bytes each, joined. Columns are made Python lists a
    # block at a time: whole, the text field's took 300 MB of a worker at 2,000 articles.
    weights32 = weights.astype(np.float32)
    values = freqs.astype(">u4").tobytes() if field.format.posting_size == _FREQUENCY_SIZE else b""
    lengths_of = lengths[docnums]
    for tbytes, first, end in terms:
        info = W3TermInfo()
        start = postfile.tell()
        postfile.write(WHOOSH3_HEADER_MAGIC)
        for lo in range(first, end, limit):
            hi = min(lo + limit, end)
            ids = docnums[lo:hi].tolist()
            present = [n for n in lengths_of[lo:hi].tolist() if n]
            top = max(weights[lo:hi].tolist())
            block = _Block(
                ids,
                weights32[lo:hi].tolist(),
                top if top > 0 else 0,
                min(present) if present else None,
                max(present) if present else 0,
            )
            info.add_block(block)
            data = dumps((block.deltas(), block.mini_weights(), values[lo * 4 : hi * 4] or None), 2)
            if compression:
                data = zlib.compress(data, compression)
            head = dumps(
                (
                    len(ids),
                    ids[-1],
                    block.max_weight(),
                    compression,
                    length_to_byte(block.min_length()),
                    length_to_byte(block.max_length()),
                ),
                2,
            )
            size = len(head) + len(data)
            postfile.write_int(-size if hi == end else size)
            postfile.write(head)
            postfile.write(data)
        info.set_extent(start, postfile.tell() - start)
        add_term(prefix + tbytes, info.to_bytes())


class _Block:
    """One block of a term's postings (at most the codec's block limit), with the statistics
    W3TermInfo.add_block reads, as W3PostingsWriter.add_posting would have gathered them."""

    __slots__ = ("_ids", "_maxlength", "_maxweight", "_minlength", "_weights")

    def __init__(
        self,
        ids: list[int],
        weights: list[float],
        maxweight: float,
        minlength: int | None,
        maxlength: int,
    ) -> None:
        self._ids = ids
        self._weights = weights
        self._maxweight = maxweight
        self._minlength = minlength  # the shortest field length that is not 0
        self._maxlength = maxlength

    def __len__(self) -> int:
        return len(self._ids)

    def min_id(self) -> int:
        return self._ids[0]

    def max_id(self) -> int:
        return self._ids[-1]

    def min_length(self) -> int | None:
        return self._minlength

    def max_length(self) -> int:
        return self._maxlength

    def max_weight(self) -> float:
        return self._maxweight

    def deltas(self) -> tuple[int, ...]:
        ids = self._ids
        return (ids[0], *map(sub, ids[1:], ids))

    def mini_weights(self) -> tuple[float, ...] | float | None:
        """W3PostingsWriter._mini_weights: None when every weight is 1, one weight when all
        are the same, else all of them."""
        weights = self._weights
        first = weights[0]
        if first == 1.0 and weights.count(1.0) == len(weights):
            return None
        if weights.count(first) == len(weights):
            return first
        return tuple(weights)


# ---------------------------------------------------------------- where a build's segments go


class Segments:
    """Where a build's documents are written, one Whoosh segment at a time: here, by one
    ArticleWriter, committed at each cut (a rebuild) or once at the end (an update)."""

    def __init__(self, ix: Any) -> None:
        self._ix = ix
        self._writer = ArticleWriter(ix)

    def prepare(self, prepare: Callable[[P], R], items: Iterable[P]) -> Iterator[R]:
        """prepare(item) for each item, in order."""
        return map(prepare, items)

    def add_document(self, document: dict[str, Any]) -> None:
        self._writer.add_document(**document)

    def delete_by_term(self, field: str, value: str) -> None:
        self._writer.delete_by_term(field, value)

    def cut(self) -> None:
        """Close the segment being written; the next document opens another."""
        self._writer.commit(merge=False)
        self._writer = ArticleWriter(self._ix)

    def commit(self, mergetype: Any = None) -> None:
        if mergetype is None:
            self._writer.commit(merge=False)
        else:
            self._writer.commit(mergetype=mergetype)

    def cancel(self) -> None:
        self._writer.cancel()


class SegmentFarm(Segments):
    """A rebuild's pages prepared and its segments written by worker processes, while this
    one writes the store in page order: preparing (segmenting, entities) and Whoosh's
    posting writer, both pure Python, are most of a build, pages are prepared independently
    and a new generation's segments are independent of one another. Workers are forked (no
    new interpreter, no file descriptors handed over); each writes whole segments into the
    generation's folder without Whoosh's lock, and this process lists them in one commit."""

    def __init__(self, ix: Any, workers: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self._ix = ix
        self._writer = ArticleWriter(ix)  # holds Whoosh's lock and writes the table of contents
        self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        # Fork the workers now, before this process holds a segment's documents (a fork
        # shares its memory with the worker until either writes to it).
        self._pool.submit(int).result()
        self._batch: list[dict[str, Any]] = []
        self._pending: list[Any] = []

    def prepare(self, prepare: Callable[[P], R], items: Iterable[P]) -> Iterator[R]:
        """prepare(item) for each item, in order, a few items ahead in the workers."""
        ahead: deque[Future[R]] = deque()
        pending = iter(items)
        for item in pending:
            ahead.append(self._pool.submit(prepare, item))
            if len(ahead) >= PREPARED_AHEAD:
                yield ahead.popleft().result()
        while ahead:
            yield ahead.popleft().result()

    def add_document(self, document: dict[str, Any]) -> None:
        self._batch.append(document)

    def cut(self) -> None:
        if self._batch:
            folder, name = self._ix.storage.folder, self._ix.indexname
            self._pending.append(self._pool.submit(_write_segment, folder, name, self._batch))
            self._batch = []

    def commit(self, mergetype: Any = None) -> None:
        self.cut()
        try:
            written = [f.result() for f in self._pending]
        finally:
            self._pool.shutdown()
        writer = self._writer
        writer._close_segment()  # its own segment stayed empty
        writer._commit_toc([*writer.segments, *written])
        writer._finish()

    def cancel(self) -> None:
        self._pool.shutdown(cancel_futures=True)
        self._writer.cancel()


def _write_segment(folder: str, indexname: str, documents: list[dict[str, Any]]) -> Any:
    """In a worker: one segment of the given documents, finished but not yet listed."""
    from whoosh.filedb.filestore import FileStorage

    ix = FileStorage(folder, supports_mmap=False).open_index(indexname)
    writer = ArticleWriter(ix, _lk=False)
    for document in documents:
        writer.add_document(**document)
    # Not _finish(): the temporary folder is shared with the other writers of this index.
    return writer._finalize_segment()
