"""A Whoosh segment writer that gathers postings in memory, grouped by term.

Whoosh's own writer puts every posting (one per distinct term of each field of each article,
about 1,500 an article here) through a pool that pickles it to a temporary run file and
heap-merges the runs back in order, then asks the segment's length column for the posting's
document length one call at a time. Profiled on a 2,000-article build those three steps took
half of the whole build. Here a segment's postings are kept per term in compact arrays (a
rebuild commits a segment every 2,000 articles, so a segment's postings fit in memory), the
terms are sorted once, and the lengths are read from each field's column once per segment. The
files written are Whoosh's own (the default codec), so reading is unchanged.
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from gba_tui.search.codec import ArticleCodec
from gba_tui.text.lean_whoosh import lean_imports

with lean_imports():
    from whoosh.system import emptybytes
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


class _TermPostings:
    """One term's postings in one field, in the order they were added (document order)."""

    __slots__ = ("docnums", "values", "weights")

    def __init__(self) -> None:
        self.docnums = array("q")
        self.weights = array("d")
        self.values: list[bytes] = []


class TermPool:
    """Stands in for Whoosh's PostingPool: the same add / iter_postings / cleanup calls."""

    def __init__(self) -> None:
        self._terms: dict[tuple[str, bytes], _TermPostings] = {}
        # Value bytes repeat (a frequency format stores the count): keep one object per value.
        self._values: dict[bytes, bytes] = {}
        # Terms whose postings came out of document order (a merged segment may add them so).
        self._unordered: set[tuple[str, bytes]] = set()

    def add(self, item: Posting) -> None:
        """One posting as Whoosh's pool takes it (merging a segment in goes this way)."""
        fieldname, tbytes, docnum, weight, vbytes = item
        if docnum >= 0:  # below 0: a spelling word, and this schema keeps no spelling graph
            self.add_terms(fieldname, docnum, [(tbytes, 0, weight, vbytes)])

    def add_terms(self, fieldname: str, docnum: int, items: Iterable[Any]) -> int:
        """One field's terms of one document, as its field.index() gives them:
        (term bytes, frequency, weight, value bytes). Returns the field's length."""
        length = 0
        terms, values, unordered = self._terms, self._values, self._unordered
        for tbytes, freq, weight, vbytes in items:
            length += freq
            key = (fieldname, tbytes)
            postings = terms.get(key)
            if postings is None:
                postings = terms[key] = _TermPostings()
            elif postings.docnums[-1] > docnum:
                unordered.add(key)
            postings.docnums.append(docnum)
            postings.weights.append(weight)
            value = vbytes or emptybytes
            postings.values.append(values.setdefault(value, value))
        return length

    def terms(self) -> Iterator[tuple[str, bytes, _TermPostings]]:
        """Each (field, term) in Whoosh's order, its postings by document number."""
        for key in sorted(self._terms):
            postings = self._terms[key]
            if key in self._unordered:
                docnums = postings.docnums
                order = sorted(range(len(docnums)), key=docnums.__getitem__)
                postings.docnums = array("q", (docnums[i] for i in order))
                postings.weights = array("d", (postings.weights[i] for i in order))
                postings.values = [postings.values[i] for i in order]
            yield key[0], key[1], postings

    def iter_postings(self) -> Iterator[Posting]:
        for fieldname, tbytes, postings in self.terms():
            for docnum, weight, value in zip(
                postings.docnums, postings.weights, postings.values, strict=True
            ):
                yield fieldname, tbytes, docnum, weight, value

    def cleanup(self) -> None:
        self._terms.clear()
        self._values.clear()
        self._unordered.clear()


class _Lengths:
    """Each field's document lengths read once per segment, not once per posting."""

    def __init__(self, reader: Any, doc_count: int) -> None:
        self._reader = reader
        self._doc_count = doc_count
        self._fields: dict[str, list[int]] = {}

    def of_field(self, fieldname: str) -> list[int]:
        lengths = self._fields.get(fieldname)
        if lengths is None:
            read = self._reader.doc_field_length
            lengths = [read(d, fieldname) for d in range(self._doc_count)]
            self._fields[fieldname] = lengths
        return lengths


class ArticleWriter(SegmentWriter):  # type: ignore[misc]
    """Whoosh's SegmentWriter with the in-memory pool and a term-at-a-time posting writer."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        kwargs.setdefault("codec", ArticleCodec(blocklimit=POSTINGS_BLOCK))
        super().__init__(ix, **kwargs)
        self.pool = TermPool()
        # The short path below writes no spelling words and no term vectors.
        self._plain = not any(f.vector or f.separate_spelling() for _, f in self.schema.items())

    def add_document(self, **fields: Any) -> None:
        """Whoosh's add_document without its per-posting tuples (same postings, lengths and
        columns); documents with boosts or other underscore keys, and schemas with spelling or
        term vectors, go the general way."""
        if not self._plain or any(name.startswith("_") for name in fields):
            super().add_document(**fields)
            return
        self._check_state()
        schema, docnum, perdoc = self.schema, self.docnum, self.perdocwriter
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
                    length = self.pool.add_terms(name, docnum, field.index(value))
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
        self.perdocwriter.close()
        reader = self.per_document_reader()
        try:
            _write_terms(self.fieldwriter, self.schema, _Lengths(reader, self.docnum), self.pool)
        finally:
            reader.close()
        self.fieldwriter.close()


def _write_terms(fieldwriter: Any, schema: Any, lengths: _Lengths, pool: TermPool) -> None:
    """What Whoosh's FieldWriter.add_postings does, a term at a time instead of a posting."""
    current: str | None = None
    field_lengths: list[int] = []
    for fieldname, tbytes, postings in pool.terms():
        if fieldname != current:
            if current is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            field_lengths = lengths.of_field(fieldname)
            current = fieldname
        fieldwriter.start_term(tbytes)
        add = fieldwriter.add
        for docnum, weight, value in zip(
            postings.docnums, postings.weights, postings.values, strict=True
        ):
            add(docnum, weight, value, field_lengths[docnum])
        fieldwriter.finish_term()
    if current is not None:
        fieldwriter.finish_field()


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
