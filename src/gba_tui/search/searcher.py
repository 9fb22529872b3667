"""Run queries against the index: parse, match, rank (BM25F), snippets; list and show articles."""

from __future__ import annotations

import heapq
import json
import math
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gba_tui.corpus.model import Article, article_from_dict
from gba_tui.entities.model import Entity
from gba_tui.search.indexer import IndexDamaged, generation_number, open_whoosh, read_manifest
from gba_tui.search.matching import LATIN_RUN, IndexMatcher, char_term, latin_term, needle
from gba_tui.search.query import Node, describe, parse_query, positive_words, query_warnings
from gba_tui.search.schema import FILTER_FIELDS, SEARCH_FIELDS, TEXT_FIELDS
from gba_tui.search.snippets import Snippet, make_snippet, match_spans
from gba_tui.search.store import StoreReader, open_store
from gba_tui.search.story_index import StoryRef, read_stories
from gba_tui.text.analysis import query_tokens
from gba_tui.text.clean import clean_text
from gba_tui.text.lean_whoosh import lean_imports

if TYPE_CHECKING:
    from gba_tui.stories import Level

with lean_imports():
    from whoosh import query as wq
    from whoosh.codec.whoosh3 import W3LeafMatcher
    from whoosh.query.compound import DefaultOr
    from whoosh.reading import TermNotFound
    from whoosh.scoring import BM25F


class ColumnLengthBM25F(BM25F):  # type: ignore[misc]
    """Whoosh's BM25F, with each segment's field lengths read from its length column in one
    piece. Whoosh reads a document's length for every document it scores, through four calls
    and a file read each: 70 of the 150 ms that ranking 8,700 matches took at 10,000 articles.
    The same numbers (the column's length bytes, decoded by Whoosh's own table), so the same
    scores; any segment whose column is not laid out as expected is scored Whoosh's way."""

    def scorer(self, searcher, fieldname, text, qf=1):  # type: ignore[no-untyped-def]
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if hasattr(scorer, "dfl"):
            lengths = _segment_lengths(searcher.reader(), fieldname)
            if lengths is not None:
                scorer.dfl = lengths.__getitem__
        return scorer


def _segment_lengths(reader: Any, fieldname: str) -> list[int] | None:
    """Every document's length of a field in one segment (cached on its reader), or None."""
    cache = reader.__dict__.setdefault("_gba_lengths", {})
    if fieldname not in cache:
        cache[fieldname] = None
        try:
            from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
            from whoosh.util.numeric import byte_to_length

            if reader.is_atomic():
                column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
                if column is not None and column._fixedlen == 1:
                    raw = column._dbfile.get(column._basepos, column._count)
                    table = [byte_to_length(b) for b in range(256)]
                    # Past the column's end Whoosh gives the default byte: 0.
                    lengths = [table[b] for b in raw]
                    lengths += [table[0]] * (reader.doc_count_all() - len(lengths))
                    cache[fieldname] = lengths
        except (AttributeError, TypeError, ValueError):
            pass
    return cache[fieldname]


@dataclass(frozen=True)
class Hit:
    """One ranked article for a query."""

    rank: int
    id: str
    title: str
    source: str
    score: float
    terms: tuple[str, ...]  # the query words this article matched
    snippet: Snippet
    title_marks: tuple[tuple[int, int], ...]
    article: Article
    entities: tuple[Entity, ...] = ()
    # The story this copy belongs to, when other papers ran it too (None when it stands alone).
    story: StoryRef | None = None

    @property
    def other_copies(self) -> tuple[str, ...]:
        return self.story.others(self.id) if self.story else ()

    def to_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "score": round(self.score, 4),
            "snippet": self.snippet.text,
            "marks": [list(m) for m in self.snippet.marks],
            "terms": list(self.terms),
            "byline": self.article.byline_names,
            "path": self.article.path,
            "line_start": self.article.line_start,
            "line_end": self.article.line_end,
            "date": self.article.date,
            "agency": self.article.agency,
            "story": self.story.to_json() if self.story else None,
        }


@dataclass(frozen=True)
class Results:
    """A query's ranked hits. Filtering returns new Results."""

    query: str
    understood: str
    total: int
    hits: tuple[Hit, ...]
    words: tuple[str, ...] = ()
    filters: tuple[str, ...] = field(default=())
    # Each story shown once (its best-ranked copy), unless all copies were asked for.
    all_copies: bool = True
    copies_total: int = 0  # matching articles before stories were folded; total after
    warnings: tuple[str, ...] = ()  # e.g. an unknown field, searched as text

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "hits": [h.to_json() for h in self.hits],
            "all_copies": self.all_copies,
            "copies_total": self.copies_total or self.total,
            "warnings": list(self.warnings),
        }

    @property
    def ids(self) -> list[str]:
        return [h.id for h in self.hits]

    def sorted_by(self, key: str) -> Results:
        """Hits ordered by 'score', 'title' or 'source'; ranks stay the relevance ranks."""
        if key == "title":
            hits = sorted(self.hits, key=lambda h: (h.title, h.rank))
        elif key == "source":
            hits = sorted(self.hits, key=lambda h: (h.source, h.rank))
        else:
            hits = sorted(self.hits, key=lambda h: h.rank)
        return replace(self, hits=tuple(hits))


def ranking_query(
    node: Node, frequency: Callable[[str, str], int] | None = None
) -> wq.Query | None:
    """What Whoosh ranks the exact matches by (BM25F): for each positive word, its rarest term
    in the headline (weighted) and in the text. The exact match already proved the word is
    there as a sequence; one term per field keeps Whoosh's top-N search able to skip blocks.
    None when no word has an indexed term."""
    parts: list[wq.Query] = []
    for w in positive_words(node):
        tokens = list(dict.fromkeys(query_tokens(w.text)))
        if not tokens:
            continue
        fields = [FILTER_FIELDS[w.field]] if w.field else list(SEARCH_FIELDS)
        alts: list[wq.Query] = []
        if w.field and fields[0] not in TEXT_FIELDS:
            # Entity filters rank by the entity's keyword when typed in full.
            alts.append(wq.Term("entities", needle(w.text)))
            fields = []
        for f in fields:
            rarest = min(tokens, key=lambda t: frequency(f, t)) if frequency else tokens[-1]
            alts.append(wq.Term(f, rarest))
        if alts:
            parts.append(alts[0] if len(alts) == 1 else _union(alts))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else _union(parts)


def _union(parts: list[wq.Query]) -> wq.Query:
    # Whoosh's plain Or preloads and scores every posting of a segment under 5,000 documents
    # when it has three or more clauses, and a rebuild writes segments of 2,000: (人工智能 OR
    # 量子) 香港 took 85 ms at 10,000 articles. The binary tree of unions skips what cannot
    # reach the top N.
    return DefaultOr(parts)


def _single_characters(node: Node) -> list[str]:
    """Plain one-character Chinese words: the index keeps no unigrams for them to rank by."""
    out = []
    for w in positive_words(node):
        n = needle(w.text)
        if not w.field and len(n) == 1 and not n.isascii():
            out.append(n)
    return out


class Library:
    """An open index: search, and articles read on demand. Safe to share between threads.

    Opening reads the manifest and the Whoosh table of contents, nothing that grows with the
    corpus; articles, their entities and folded text come from the store by document number.
    """

    def __init__(self, index_dir: Path) -> None:
        manifest = read_manifest(index_dir)
        if manifest is None:
            raise IndexDamaged(index_dir, "no index built yet")
        gen_dir = index_dir / manifest["generation"]
        try:
            self._ix = open_whoosh(gen_dir)
            self._searcher = self._ix.searcher(weighting=ColumnLengthBM25F())
            self._conn = open_store(index_dir / manifest["store"])
            self._store = StoreReader(self._conn, generation_number(manifest["generation"]))
            leaves = self._searcher.leaf_searchers()
            self._leaves = [(s.reader(), offset) for s, offset in leaves]
            segments = [(r.segment(), o) for r, o in self._leaves]
            deleted = {o + d for seg, o in segments if seg is not None for d in seg.deleted_docs()}
            doc_count = self._searcher.doc_count()
            stored = self._store.count()
        except Exception as exc:  # noqa: BLE001 - whatever Whoosh or SQLite raise, it is unusable
            raise IndexDamaged(index_dir, f"{type(exc).__name__}: {exc}") from None
        expected = int(manifest["articles"])
        if not doc_count == stored == expected:
            raise IndexDamaged(
                index_dir,
                f"{doc_count} articles indexed, {stored} stored, {expected} expected",
            )
        self.index_dir = index_dir
        self.manifest = manifest
        self._lock = threading.RLock()
        self._deleted = frozenset(deleted)
        self._universe: frozenset[int] | None = None
        self._texts = IndexMatcher(
            self._all_documents, self._docs_of_term, self._sequences, self._folded_of, self._dated
        )
        self._lengths: dict[int, int] | None = None
        self._story_of: dict[int, tuple[int, Level]] | None = None
        self.articles = ArticleSequence(self)
        self.entities_of = EntityMap(self)

    def close(self) -> None:
        self._searcher.close()
        self._ix.close()
        self._conn.close()

    # ------------------------------------------------------------ the store, on demand

    def _all_documents(self) -> frozenset[int]:
        if self._universe is None:
            every = range(self._searcher.reader().doc_count_all())
            self._universe = frozenset(every) - self._deleted
        return self._universe

    def _matchers(self, field: str, term: str) -> Iterator[tuple[Any, int]]:
        """Each segment's postings of a term, with the segment's first document number."""
        for reader, offset in self._leaves:
            try:
                m = reader.postings(field, term)
            except TermNotFound:
                continue
            yield m, offset

    def _docs_of_term(self, field: str, term: str) -> set[int]:
        """The live documents holding a term: whole blocks of ids at a time (科技 at 10,000
        articles is 9,000 postings; a Python call for each was most of the lookup)."""
        out: set[int] = set()
        with self._lock:
            for m, offset in self._matchers(field, term):
                if isinstance(m, W3LeafMatcher):
                    while m.is_active():
                        m._read_ids()
                        out.update(map(offset.__add__, m._ids))
                        m._next_block()
                else:
                    out.update(offset + d for d in m.all_ids())
        return out - self._deleted if self._deleted else out

    def _postings(self, field: str, term: str) -> list[tuple[int, float]]:
        """(document, weight) of a term's live postings, a block at a time."""
        out: list[tuple[int, float]] = []
        with self._lock:
            for m, offset in self._matchers(field, term):
                if isinstance(m, W3LeafMatcher):
                    # Whole blocks of ids and weights, not a Python call per posting
                    # (港 at 50,000 articles: 45,000 postings).
                    while m.is_active():
                        m._read_ids()
                        m._read_weights()
                        out.extend(zip([offset + i for i in m._ids], m._weights, strict=True))
                        m._next_block()
                else:
                    while m.is_active():
                        out.append((offset + m.id(), m.weight()))
                        m.next()
        if self._deleted:
            out = [p for p in out if p[0] not in self._deleted]
        return out

    def _sequences(self, field: str, word: str) -> set[int]:
        with self._lock:
            return self._store.match(field, word)

    def _dated(self, kind: str, value: str) -> set[int]:
        with self._lock:
            return self._store.dated(kind, value)

    def _folded_of(self, docs: Iterable[int], field: str) -> dict[int, str]:
        with self._lock:
            return {d: f[field] for d, f in self._store.folded(docs, (field,)).items()}

    def _text_lengths(self) -> dict[int, int]:
        if self._lengths is None:
            with self._lock:
                self._lengths = self._store.text_lengths()
        return self._lengths

    def _docnum(self, article_id: str) -> int | None:
        with self._lock:
            return self._store.docnums_of_ids([article_id]).get(article_id)

    def _records(self, docs: Iterable[int]) -> dict[int, tuple[Article, tuple[Entity, ...]]]:
        with self._lock:
            raw = self._store.records(docs)
        return {
            d: (article_from_dict(r), tuple(map(Entity.from_json, e))) for d, (r, e) in raw.items()
        }

    def article(self, article_id: str) -> Article | None:
        return self.articles_by_id([article_id]).get(article_id)

    def list_rows(self, ids: Iterable[str] | None = None) -> list[tuple[str, str, str, str, str]]:
        """(id, headline, paper, byline, date) of every article in page order, or of the
        given ids: what lists show, without reading the articles."""
        with self._lock:
            return self._store.list_rows() if ids is None else self._store.list_rows_of(ids)

    def articles_by_id(self, ids: Iterable[str]) -> dict[str, Article]:
        """The articles of these ids (ids not in the index left out), read in one query."""
        with self._lock:
            docs = self._store.docnums_of_ids(ids)
        found = self._records(docs.values())
        return {aid: found[d][0] for aid, d in docs.items() if d in found}

    @property
    def skipped(self) -> dict[str, Any]:
        return dict(self.manifest.get("skipped", {}))

    # ------------------------------------------------------------ search

    def search(
        self,
        text: str,
        limit: int | None = 50,
        within: Iterable[str] | None = None,
        all_copies: bool = True,
    ) -> Results:
        """Run a query; QueryError for one that cannot be run. `within` limits to those ids;
        all_copies=False shows each story once, by its best-ranked copy."""
        text = clean_text(text)  # the query is echoed in results: no lone surrogates
        node = parse_query(text)
        results = self.search_node(node, text, limit, within, all_copies)
        return replace(results, warnings=tuple(query_warnings(text)))

    def search_node(
        self,
        node: Node,
        text: str,
        limit: int | None = 50,
        within: Iterable[str] | None = None,
        all_copies: bool = True,
    ) -> Results:
        selected, exact, scores, copies_total = self._ranked(node, limit, within, all_copies)
        words = [w.text for w in positive_words(node)]
        found = self._records(selected)
        with self._lock:
            folded = self._store.folded(selected)
        stories = self._story_refs(selected)
        hits = tuple(
            replace(
                self._make_hit(n, found[d], folded.get(d, {}), scores.get(d, 0.0), words),
                story=stories.get(d),
            )
            for n, d in enumerate(selected, start=1)
        )
        return Results(
            text,
            describe(node),
            len(exact),
            hits,
            tuple(words),
            all_copies=all_copies,
            copies_total=copies_total,
        )

    def matching_ids(self, text: str, all_copies: bool = True) -> list[str]:
        """Every matching article's id, in the order search(text, limit=None) ranks them,
        without snippets or records: what marking or exporting all hits needs (9,600 hits:
        search() spends most of its 8 s building snippets). QueryError for a bad query."""
        node = parse_query(clean_text(text))
        selected, *_ = self._ranked(node, None, None, all_copies)
        with self._lock:
            ids = self._store.ids_of_docnums(selected)
        return [ids[d] for d in selected if d in ids]

    def _ranked(
        self,
        node: Node,
        limit: int | None,
        within: Iterable[str] | None,
        all_copies: bool,
    ) -> tuple[list[int], frozenset[int], dict[int, float], int]:
        """(the ranked documents shown, every match, their scores, matches before folding)."""
        exact = self._texts.matching(node)
        if within is not None:
            with self._lock:
                allowed = set(self._store.docnums_of_ids(within).values())
            exact = exact & allowed
        copies_total = len(exact)
        scores: dict[int, float] = {}  # only what scored: most of a big result set never does
        with self._lock:
            q = ranking_query(node, self._searcher.doc_frequency)
            # Folding stories drops copies from the top: rank a few times more to fill it.
            wanted = limit if all_copies or limit is None else 4 * limit
            if exact and q is not None:
                scores.update(self._rank(q, exact, wanted))
        for ch in _single_characters(node):
            self._score_character(ch, exact, scores)
        if not all_copies:
            exact = self._fold_stories(exact, scores)
            scores = {d: v for d, v in scores.items() if d in exact}
        return self._select(scores, exact, limit), exact, scores, copies_total

    # ------------------------------------------------------------ stories

    def _stories(self) -> dict[int, tuple[int, Level]]:
        """Document → (its story's earliest copy, level), for articles other papers ran too;
        read once, on the first search that needs it (only grouped articles are listed)."""
        if self._story_of is None:
            with self._lock:
                self._story_of = read_stories(self._conn, self._store.gen)
        return self._story_of

    def _fold_stories(self, exact: frozenset[int], scores: dict[int, float]) -> frozenset[int]:
        """Each story's best-scored matching copy (ties: the earliest copy); the rest dropped."""
        story_of = self._stories()
        best: dict[int, int] = {}
        for d in exact & story_of.keys():
            head = story_of[d][0]
            kept = best.get(head)
            if kept is None or _better_copy(d, kept, head, scores):
                best[head] = d
        dropped = (exact & story_of.keys()) - set(best.values())
        return exact - dropped

    def _story_refs(self, docs: list[int]) -> dict[int, StoryRef]:
        story_of = self._stories()
        heads = {story_of[d][0] for d in docs if d in story_of}
        if not heads:
            return {}
        members = {d: h for d, (h, _) in story_of.items() if h in heads}
        with self._lock:
            ids = self._store.ids_of_docnums(members)
            order = self._store.orders(members)
        out: dict[int, StoryRef] = {}
        for d in docs:
            if d not in story_of:
                continue
            head, level = story_of[d]
            copies = sorted(
                (m for m, h in members.items() if h == head),
                key=lambda m: (m != head, order.get(m, 0)),
            )
            out[d] = StoryRef(ids[head], tuple(ids[m] for m in copies), level)
        return out

    def story(self, article_id: str) -> StoryRef | None:
        """The story an article belongs to, if other papers ran it too."""
        return self.stories_of([article_id]).get(article_id)

    def stories_of(self, article_ids: Iterable[str]) -> dict[str, StoryRef]:
        """The stories of many articles at once (an export of thousands): id → story, for
        those other papers ran too."""
        with self._lock:
            docs = self._store.docnums_of_ids(list(article_ids))
        refs = self._story_refs(list(docs.values()))
        return {aid: refs[d] for aid, d in docs.items() if d in refs}

    def stories(self) -> list[StoryRef]:
        """Every story of the corpus, earliest copy first, in the order of their earliest copies."""
        story_of = self._stories()
        heads = sorted({h for h, _ in story_of.values()})
        refs = self._story_refs(heads)
        with self._lock:
            order = self._store.orders(heads)
        return [refs[h] for h in sorted(heads, key=lambda h: order.get(h, 0)) if h in refs]

    def _select(
        self, scores: dict[int, float], exact: frozenset[int], limit: int | None
    ) -> list[int]:
        """The top `limit` by score, ties in page order; then unscored matches in page order.

        Only the documents that can reach the top have their page order read: the best
        `limit` scores and everything tied with the last of them."""
        rounded = {d: round(v, 6) for d, v in scores.items() if v > 0}
        if limit is not None and len(rounded) >= limit:
            cutoff = heapq.nlargest(limit, rounded.values())[-1]
            contenders = [d for d, v in rounded.items() if v >= cutoff]
        else:
            contenders = list(rounded)
        with self._lock:
            order = self._store.orders(contenders)
        ranked = sorted(contenders, key=lambda d: (-rounded[d], order.get(d, 0)))
        if limit is not None and len(ranked) >= limit:
            return ranked[:limit]
        rest = exact.difference(rounded)
        if rest:
            with self._lock:
                ranked += self._store.first_in_page_order(
                    rest, None if limit is None else limit - len(ranked)
                )
        return ranked

    def _rank(self, q: wq.Query, exact: frozenset[int], limit: int | None) -> dict[int, float]:
        """BM25F scores from Whoosh for (at least) the best `limit` of the exact matches.

        A few matches are scored one by one, skipping the matcher to each; many are ranked
        with Whoosh's own top-N search (it skips blocks that cannot make the top N), asking
        for more until enough of its top N are exact matches."""
        if limit is None or len(exact) <= 800:
            return self._score_each(q, exact)
        want = limit + 16
        while True:
            found = self._searcher.search(q, limit=want)
            scores = {}
            for hit in found:
                if hit.docnum in exact:
                    scores[hit.docnum] = hit.score or 0.0
            if len(scores) >= limit + 16 or len(found) < want or want >= 8 * (limit + 16):
                break
            want *= 4
        if len(scores) < min(len(exact), limit):
            return self._score_each(q, exact)
        return scores

    def _score_each(self, q: wq.Query, exact: frozenset[int]) -> dict[int, float]:
        wanted = sorted(exact)
        scores: dict[int, float] = {}
        context = self._searcher.context()
        for leaf, offset in self._searcher.leaf_searchers():
            m = q.matcher(leaf, context)
            top = offset + leaf.doc_count_all()
            for docnum in wanted:
                if docnum < offset or docnum >= top:
                    continue
                if not m.is_active():
                    break
                local = docnum - offset
                if m.id() < local:
                    m.skip_to(local)
                if m.is_active() and m.id() == local:
                    scores[docnum] = m.score()
        return scores

    def _char_counts(self, field: str, ch: str) -> dict[int, int]:
        term = latin_term(field, ch) if LATIN_RUN.fullmatch(ch) else char_term(field, ch)
        return {d: int(w) for d, w in self._postings("grams", term)}

    def _score_character(self, ch: str, docs: frozenset[int], scores: dict[int, float]) -> None:
        """BM25 for a one-character word, counted in the folded text (headline counts thrice)."""
        in_title, in_text = self._char_counts("title", ch), self._char_counts("text", ch)
        df = len(in_title.keys() | in_text.keys())
        lengths = self._text_lengths()
        n = max(len(lengths), 1)
        avg_len = max(1.0, sum(lengths.values()) / n)
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        k1, b = 1.2, 0.75
        for i in docs:
            tf = 3 * in_title.get(i, 0) + in_text.get(i, 0)
            if tf:
                norm = k1 * (1 - b + b * lengths.get(i, 0) / avg_len)
                scores[i] = scores.get(i, 0.0) + idf * tf * (k1 + 1) / (tf + norm)

    def _make_hit(
        self,
        rank: int,
        found: tuple[Article, tuple[Entity, ...]],
        folded: dict[str, str],
        score: float,
        words: list[str],
    ) -> Hit:
        a, entities = found
        body = "\n".join([*a.paragraphs, *a.captions, *(b.text for b in a.boxes)])
        snippet = make_snippet(body, words)
        title_marks = tuple(match_spans(a.title, words))
        terms = tuple(w for w in words if any(needle(w) in v for v in folded.values()))
        return Hit(rank, a.id, a.title, a.source, score, terms, snippet, title_marks, a, entities)

    def _hit(self, rank: int, aid: str, score: float, words: list[str]) -> Hit:
        """One hit by article id (the benchmark times snippets with it)."""
        d = self._docnum(aid)
        if d is None:
            raise KeyError(aid)
        with self._lock:
            folded = self._store.folded([d]).get(d, {})
        return self._make_hit(rank, self._records([d])[d], folded, score, words)


def _better_copy(d: int, kept: int, head: int, scores: dict[int, float]) -> bool:
    """Whether copy d outranks the kept one: a higher score, then being the earliest copy."""
    return (scores.get(d, 0.0), d == head) > (scores.get(kept, 0.0), kept == head)


class ArticleSequence(Sequence[Article]):
    """Every article in page order, read from the store a page at a time."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self._len: int | None = None

    def __len__(self) -> int:
        if self._len is None:
            with self._library._lock:
                self._len = self._library._store.count()
        return self._len

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        n = len(self)
        i = index + n if index < 0 else index
        if not 0 <= i < n:
            raise IndexError(index)
        with self._library._lock:
            rows = self._library._store.page_of_records(i, 1)
        return article_from_dict(json.loads(rows[0][1]))

    def __iter__(self) -> Iterator[Article]:
        with self._library._lock:
            store = self._library._store
            offset, batch = 0, 500
        while True:
            with self._library._lock:
                rows = store.page_of_records(offset, batch)
            for _, record, _, _ in rows:
                yield article_from_dict(json.loads(record))
            if len(rows) < batch:
                return
            offset += batch


class EntityMap(Mapping[str, tuple[Entity, ...]]):
    """Article id → its entities, read from the store on demand; iterates in page order."""

    def __init__(self, library: Library) -> None:
        self._library = library

    def __getitem__(self, article_id: str) -> tuple[Entity, ...]:
        d = self._library._docnum(article_id)
        if d is None:
            raise KeyError(article_id)
        return self._library._records([d])[d][1]

    def __iter__(self) -> Iterator[str]:
        offset, batch = 0, 2000
        while True:
            with self._library._lock:
                ids = self._library._store.ids_at(offset, batch)
            yield from ids
            if len(ids) < batch:
                return
            offset += batch

    def __len__(self) -> int:
        return len(self._library.articles)

    def items(self):  # type: ignore[no-untyped-def, override]
        """(id, entities) in page order, a page of the store at a time."""
        offset, batch = 0, 500
        while True:
            with self._library._lock:
                rows = self._library._store.page_of_records(offset, batch)
            for _, _, entities, aid in rows:
                yield aid, tuple(map(Entity.from_json, json.loads(entities)))
            if len(rows) < batch:
                return
            offset += batch
