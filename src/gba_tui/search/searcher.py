"""Run queries against the index: parse, match, rank (BM25F), snippets; list and show articles."""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from gba_tui.corpus.model import Article, article_from_dict
from gba_tui.entities.model import Entity
from gba_tui.search.indexer import (
    IndexDamaged,
    generation_number,
    open_whoosh,
    read_manifest_head,
)
from gba_tui.search.matching import LATIN_RUN, IndexMatcher, char_term, latin_term, needle
from gba_tui.search.query import Node, describe, parse_query, positive_words, query_warnings
from gba_tui.search.ranking import (
    CHARACTER_B,
    CHARACTER_K1,
    VECTOR_ARCHIVE,
    IndexStats,
    PostingsDamaged,
    Scores,
    TermPostings,
    TermTable,
    add_character_scores,
    bm25f_scores,
    field_norms,
    read_postings,
    scores_of,
    scores_within,
    top_scores,
)
from gba_tui.search.schema import FILTER_FIELDS, SEARCH_FIELDS, TEXT_FIELDS
from gba_tui.search.snippets import Snippet, make_snippet, match_spans
from gba_tui.search.store import StoreReader, open_store
from gba_tui.search.story_index import StoryRef, read_stories, story_copies
from gba_tui.text.analysis import query_tokens
from gba_tui.text.clean import clean_text

if TYPE_CHECKING:
    from gba_tui.stories import Level


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


def ranking_terms(
    node: Node, frequency: Callable[[str, str], int] | None = None
) -> list[tuple[str, str]]:
    """What the exact matches are ranked by (BM25F), as (field, term): for each positive word,
    its rarest term in the headline (weighted) and in the text. The exact match already proved
    the word is there as a sequence; its rarest term says how much it counts."""
    terms: list[tuple[str, str]] = []
    for w in positive_words(node):
        tokens = list(dict.fromkeys(query_tokens(w.text)))
        if not tokens:
            continue
        if w.field and FILTER_FIELDS[w.field] not in TEXT_FIELDS:
            # Entity filters rank by the entity's keyword when typed in full.
            terms.append(("entities", needle(w.text)))
            continue
        for f in [FILTER_FIELDS[w.field]] if w.field else list(SEARCH_FIELDS):
            rarest = min(tokens, key=lambda t: frequency(f, t)) if frequency else tokens[-1]
            terms.append((f, rarest))
    return terms


def _single_characters(node: Node) -> list[str]:
    """Plain one-character Chinese words: the index keeps no unigrams for them to rank by."""
    out = []
    for w in positive_words(node):
        n = needle(w.text)
        if not w.field and len(n) == 1 and not n.isascii():
            out.append(n)
    return out


P = ParamSpec("P")
R = TypeVar("R")


def _reads_index(
    method: Callable[Concatenate[Library, P], R],
) -> Callable[Concatenate[Library, P], R]:
    """What a damaged index raises while it is read (a store SQLite cannot read, postings
    not as Whoosh writes them) turned into the IndexDamaged a user can act on: one line and
    `index --rebuild` in the CLI, a rebuild in the explorer."""

    @functools.wraps(method)
    def reading(library: Library, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(library, *args, **kwargs)
        except (sqlite3.DatabaseError, PostingsDamaged) as exc:
            why = f"{type(exc).__name__}: {exc}"
            raise IndexDamaged(library.index_dir, why) from None

    return reading


class Library:
    """An open index: search, and articles read on demand. Safe to share between threads.

    Opening reads the manifest and the Whoosh table of contents, nothing that grows with the
    corpus; articles, their entities and folded text come from the store by document number.
    """

    def __init__(self, index_dir: Path, vectorise: bool | None = None) -> None:
        manifest = read_manifest_head(index_dir)
        if manifest is None:
            raise IndexDamaged(index_dir, "no index built yet")
        gen_dir = index_dir / manifest["generation"]
        try:
            self._ix = open_whoosh(gen_dir)
            self._reader = self._ix.reader()
            doc_count = self._reader.doc_count()
            # Big postings scored in numpy, for an archive of VECTOR_ARCHIVE articles unless
            # told: a process that runs one query never earns back numpy's import (54,503
            # articles: 0.60 s a query process with it, 0.53 without).
            self._vectorised = doc_count >= VECTOR_ARCHIVE if vectorise is None else vectorise
            self._conn = open_store(index_dir / manifest["store"])
            gen = generation_number(manifest["generation"])
            self._store = StoreReader(self._conn, gen, self._vectorised)
            self._leaves = list(self._reader.leaf_readers())
            self._terms = TermTable(self._leaves)
            self._stats = IndexStats(self._reader, self._terms)
            segments = [(r.segment(), o) for r, o in self._leaves]
            deleted = {o + d for seg, o in segments if seg is not None for d in seg.deleted_docs()}
            stored = self._store.count()
            if not self._store.has_maps():
                raise LookupError("no length and row maps for the generation")
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
            self._all_documents,
            self._docs_of_term,
            self._sequences,
            self._folded_of,
            self._dated,
            self._terms.doc_frequency,
        )
        self._norms: tuple[int, Sequence[float]] | None = None
        self._recent_terms: dict[tuple[str, str], TermPostings] = {}
        self._norms_of_field: dict[tuple[str, float], Sequence[float]] = {}
        self._story_of: dict[int, int] | None = None
        self._light: list[tuple[str, str, str, str, str]] | None = None
        self.articles = ArticleSequence(self)
        self.entities_of = EntityMap(self)

    @_reads_index
    def warm_up(self) -> None:
        """Read now what a first search would read (a big archive's numpy, the story heads,
        the one-character norms, the live documents a NOT subtracts from: 0.1 s at 54,503
        articles), for a caller with time to spare while a person types (the explorer, once
        its list is up)."""
        if self._vectorised:
            import numpy  # noqa: F401

        self._stories()
        self._character_norms()
        self._all_documents()

    def close(self) -> None:
        self._reader.close()
        self._ix.close()
        self._conn.close()

    # ------------------------------------------------------------ the store, on demand

    def _all_documents(self) -> frozenset[int]:
        if self._universe is None:
            every = range(self._reader.doc_count_all())
            self._universe = frozenset(every) - self._deleted
        return self._universe

    def _term_postings(self, field: str, term: str) -> TermPostings:
        """A term's live postings, read a block at a time. The last few terms are kept: a
        query reads a word's postings to match it and again to rank it."""
        key = (field, term)
        with self._lock:
            found = self._recent_terms.pop(key, None)
            if found is None:
                found = read_postings(self._terms, field, term, self._deleted)
            self._recent_terms[key] = found
            while len(self._recent_terms) > RECENT_TERMS:
                del self._recent_terms[next(iter(self._recent_terms))]
        return found

    def _docs_of_term(self, field: str, term: str) -> frozenset[int]:
        return frozenset(self._term_postings(field, term).docs)

    def _field_norms(self, field: str, avgfl: float) -> Sequence[float]:
        key = (field, avgfl)
        with self._lock:
            if key not in self._norms_of_field:
                norms = field_norms(self._leaves, field, avgfl)
                self._norms_of_field[key] = self._as_array(norms)
            return self._norms_of_field[key]

    def _as_array(self, values: list[float]) -> Sequence[float]:
        """Values numpy reads on every query, kept as its array when scores are computed in
        numpy (a list of 54,503 converted on each use: 3 ms a term)."""
        if not self._vectorised:
            return values
        import numpy as np

        array: Any = np.asarray(values)  # indexed as a sequence is (the loop's few postings)
        return array

    def _sequences(self, fields: tuple[str, ...], word: str) -> set[int]:
        with self._lock:
            return self._store.match(fields, word)

    def _dated(self, kind: str, value: str) -> set[int]:
        with self._lock:
            return self._store.dated(kind, value)

    def _folded_of(self, docs: Iterable[int], field: str) -> dict[int, str]:
        with self._lock:
            return {d: f[field] for d, f in self._store.folded(docs, (field,)).items()}

    def _docnum(self, article_id: str) -> int | None:
        with self._lock:
            return self._store.docnums_of_ids([article_id]).get(article_id)

    def _records(self, docs: Iterable[int]) -> dict[int, tuple[Article, tuple[Entity, ...]]]:
        with self._lock:
            raw = self._store.records(docs)
        return {d: (article_from_dict(r), _entities(e)) for d, (r, e) in raw.items()}

    def article(self, article_id: str) -> Article | None:
        return self.articles_by_id([article_id]).get(article_id)

    @_reads_index
    def list_rows(self, ids: Iterable[str] | None = None) -> list[tuple[str, str, str, str, str]]:
        """(id, headline, paper, byline, date) of every article in page order (the same list
        each time: read it, never change it), or of the given ids: what lists show, without
        reading the articles."""
        with self._lock:
            if ids is not None:
                return self._store.list_rows_of(ids)
            # Read once: every change of sort or script rebuilds the list from it (0.5 s for
            # 54,503 rows), and a generation's articles never change.
            if self._light is None:
                self._light = self._store.list_rows()
            return self._light

    def articles_by_id(self, ids: Iterable[str]) -> dict[str, Article]:
        """The articles of these ids (ids not in the index left out), read in one query."""
        return {aid: a for aid, (a, _) in self.with_entities(ids).items()}

    @_reads_index
    def count(self) -> int:
        """Articles in this generation."""
        with self._lock:
            return self._store.count()

    @_reads_index
    def page_of_records(self, offset: int, limit: int) -> list[tuple[int, str, str, str]]:
        """Article records in page order, a page at a time: (docnum, record, entities, id)."""
        with self._lock:
            return self._store.page_of_records(offset, limit)

    @_reads_index
    def ids_at(self, offset: int, limit: int) -> list[str]:
        """Article ids in page order, a page at a time."""
        with self._lock:
            return self._store.ids_at(offset, limit)

    @_reads_index
    def with_entities(self, ids: Iterable[str]) -> dict[str, tuple[Article, tuple[Entity, ...]]]:
        """The articles of these ids and their entities (ids not in the index left out), read
        in one query."""
        with self._lock:
            docs = self._store.docnums_of_ids(ids)
        found = self._records(docs.values())
        return {aid: found[d] for aid, d in docs.items() if d in found}

    @_reads_index
    def entities_of_ids(self, ids: Iterable[str]) -> dict[str, tuple[Entity, ...]]:
        """The entities of these articles (ids not in the index left out), in the ids' order,
        read in one query without the articles' records."""
        wanted = list(ids)
        with self._lock:
            docs = self._store.docnums_of_ids(wanted)
            stored = self._store.entities_of_docnums(docs.values())
        return {
            aid: _entities(stored[docs[aid]])
            for aid in wanted
            if aid in docs and docs[aid] in stored
        }

    @_reads_index
    def page_of_entities(self, offset: int, limit: int) -> list[tuple[str, tuple[Entity, ...]]]:
        """(id, entities) of articles in page order, a page at a time."""
        with self._lock:
            rows = self._store.page_of_entities(offset, limit)
        return [(aid, _entities(e)) for aid, e in rows]

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

    @_reads_index
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

    @_reads_index
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
    ) -> tuple[list[int], frozenset[int], Scores, int]:
        """(the ranked documents shown, every match, their scores, matches before folding)."""
        exact = self._texts.matching(node)
        if within is not None:
            with self._lock:
                allowed = set(self._store.docnums_of_ids(within).values())
            exact = exact & allowed
        copies_total = len(exact)
        scores: Scores = {}  # only what scored: most of a big result set never does
        if exact:
            with self._lock:
                terms = ranking_terms(node, self._stats.doc_frequency)
                scores = bm25f_scores(
                    self._stats,
                    terms,
                    self._term_postings,
                    self._field_norms,
                    exact,
                    self._vectorised,
                )
        for ch in _single_characters(node):
            scores = self._score_character(ch, exact, scores)
        if not all_copies:
            exact = self._fold_stories(exact, scores)
            scores = scores_within(scores, exact)
        return self._select(scores, exact, limit), exact, scores, copies_total

    # ------------------------------------------------------------ stories

    def _stories(self) -> dict[int, int]:
        """Document → its story's earliest copy, for articles other papers ran too; read
        once, on the first search that needs it (only grouped articles are listed)."""
        if self._story_of is None:
            with self._lock:
                self._story_of = read_stories(
                    self._conn, self._store.gen, self._store.docnum_of_row()
                )
        return self._story_of

    def _fold_stories(self, exact: frozenset[int], scores: Scores) -> frozenset[int]:
        """Each story's best-scored matching copy (ties: the earliest copy); the rest dropped."""
        story_of = self._stories()
        grouped = exact & story_of.keys()
        best: dict[int, int] = {}
        score = scores_of(scores, grouped).get
        # A higher score wins, then being the earliest copy, (score, d == head) compared
        # inline: a common word meets 21,819 grouped copies at 54,503 articles.
        for d in grouped:
            head = story_of[d]
            kept = best.get(head)
            if kept is None:
                best[head] = d
                continue
            mine, theirs = score(d, 0.0), score(kept, 0.0)
            if mine > theirs or (mine == theirs and d == head and kept != head):
                best[head] = d
        return exact - (grouped - set(best.values()))

    def _story_refs(self, docs: list[int]) -> dict[int, StoryRef]:
        with self._lock:
            rows = story_copies(self._conn, self._store.gen, docs, self._store.docnum_of_row())
        copies: dict[int, list[tuple[bool, tuple[str, int, int], str]]] = {}
        level_of: dict[int, tuple[int, Level]] = {}
        for head, d, level, order, aid in rows:
            copies.setdefault(head, []).append((d != head, order, aid))
            level_of[d] = (head, level)
        members = {head: tuple(aid for *_, aid in sorted(c)) for head, c in copies.items()}
        out: dict[int, StoryRef] = {}
        for d in docs:
            if d in level_of:
                head, level = level_of[d]
                out[d] = StoryRef(members[head][0], members[head], level)
        return out

    def story(self, article_id: str) -> StoryRef | None:
        """The story an article belongs to, if other papers ran it too."""
        return self.stories_of([article_id]).get(article_id)

    @_reads_index
    def stories_of(self, article_ids: Iterable[str]) -> dict[str, StoryRef]:
        """The stories of many articles at once (an export of thousands): id → story, for
        those other papers ran too."""
        with self._lock:
            docs = self._store.docnums_of_ids(list(article_ids))
        refs = self._story_refs(list(docs.values()))
        return {aid: refs[d] for aid, d in docs.items() if d in refs}

    @_reads_index
    def stories(self) -> list[StoryRef]:
        """Every story of the corpus, earliest copy first, in the order of their earliest copies."""
        story_of = self._stories()
        heads = sorted(set(story_of.values()))
        refs = self._story_refs(heads)
        with self._lock:
            order = self._store.orders(heads)
        return [refs[h] for h in sorted(heads, key=lambda h: order.get(h, 0)) if h in refs]

    def _select(self, scores: Scores, exact: frozenset[int], limit: int | None) -> list[int]:
        """The top `limit` by score, ties in page order; then unscored matches in page order.

        Only the documents that can reach the top have their page order read: those above
        the limit-th score, then as many of those tied with it as fit, first in page order."""
        top = top_scores(scores, limit)
        if limit is not None and top is not None:
            cutoff, near = top
            above = {d: v for d, v in near.items() if v > cutoff}
            # All of source:北京商报's 4,000 matches score alike: the tie is cut in SQL.
            tied = [d for d, v in near.items() if v == cutoff]
            with self._lock:
                order = self._store.orders(above)
                last = self._store.first_in_page_order(tied, limit - len(above))
            return sorted(above, key=lambda d: (-above[d], order.get(d, 0))) + last
        rounded = {d: round(v, 6) for d, v in scores.items() if v > 0}
        with self._lock:
            order = self._store.orders(rounded)
        ranked = sorted(rounded, key=lambda d: (-rounded[d], order.get(d, 0)))
        rest = exact.difference(rounded)
        if rest:
            with self._lock:
                ranked += self._store.first_in_page_order(
                    rest, None if limit is None else limit - len(ranked)
                )
        return ranked

    def _character_postings(self, field: str, ch: str) -> TermPostings:
        term = latin_term(field, ch) if LATIN_RUN.fullmatch(ch) else char_term(field, ch)
        return self._term_postings("grams", term)

    def _character_norms(self) -> tuple[int, Sequence[float]]:
        """(articles, k1 * (1 - b + b * text length / average) by document number): the length
        part of BM25 for one-character words, computed once per open index."""
        if self._norms is None:
            with self._lock:
                n, lengths = self._store.text_lengths()
            n = max(n, 1)
            avg_len = max(1.0, sum(lengths) / n)
            k1, b = CHARACTER_K1, CHARACTER_B
            # Computed once a distinct length (54,503 articles have 3,000): a search process
            # computing them one by one spent 10 ms.
            of_length = {v: k1 * (1 - b + b * v / avg_len) for v in set(lengths)}
            norms = list(map(of_length.__getitem__, lengths))
            # Documents past the map's last (none live) get the norm of an empty text.
            norms += [k1 * (1 - b + b * 0 / avg_len)] * (self._reader.doc_count_all() - len(norms))
            self._norms = n, self._as_array(norms)
        return self._norms

    def _score_character(self, ch: str, docs: frozenset[int], scores: Scores) -> Scores:
        """BM25 for a one-character word, counted in the folded text (headline counts thrice)."""
        title, text = self._character_postings("title", ch), self._character_postings("text", ch)
        articles, norms = self._character_norms()
        return add_character_scores(title, text, norms, articles, docs, scores, self._vectorised)

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
        needles = {w: needle(w) for w in words}  # folded once a word, not once a field
        terms = tuple(w for w in words if any(needles[w] in v for v in folded.values()))
        return Hit(rank, a.id, a.title, a.source, score, terms, snippet, title_marks, a, entities)

    def _hit(self, rank: int, aid: str, score: float, words: list[str]) -> Hit:
        """One hit by article id (the benchmark times snippets with it)."""
        d = self._docnum(aid)
        if d is None:
            raise KeyError(aid)
        with self._lock:
            folded = self._store.folded([d]).get(d, {})
        return self._make_hit(rank, self._records([d])[d], folded, score, words)


# Terms whose postings are kept decoded: the words of a query or two.
RECENT_TERMS = 8


def _entities(stored: list[dict[str, Any]]) -> tuple[Entity, ...]:
    """An article's entities as the store keeps them (Entity.to_json's records)."""
    return tuple(map(Entity.from_json, stored))


class ArticleSequence(Sequence[Article]):
    """Every article in page order, read from the store a page at a time."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self._len: int | None = None

    def __len__(self) -> int:
        if self._len is None:
            self._len = self._library.count()
        return self._len

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        n = len(self)
        i = index + n if index < 0 else index
        if not 0 <= i < n:
            raise IndexError(index)
        rows = self._library.page_of_records(i, 1)
        return article_from_dict(json.loads(rows[0][1]))

    def __iter__(self) -> Iterator[Article]:
        offset, batch = 0, 500
        while True:
            rows = self._library.page_of_records(offset, batch)
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
        return self._library.entities_of_ids([article_id])[article_id]

    def of(self, article_ids: Iterable[str]) -> dict[str, tuple[Entity, ...]]:
        """The entities of many articles, read at once, in their order (unknown ids left
        out): what a lookup an article costs one query for."""
        return self._library.entities_of_ids(article_ids)

    def __iter__(self) -> Iterator[str]:
        offset, batch = 0, 2000
        while True:
            ids = self._library.ids_at(offset, batch)
            yield from ids
            if len(ids) < batch:
                return
            offset += batch

    def __len__(self) -> int:
        return len(self._library.articles)

    def items(self):  # type: ignore[no-untyped-def, override]
        """(id, entities) in page order, a page of the store at a time."""
        offset, batch = 0, 2000
        while True:
            rows = self._library.page_of_entities(offset, batch)
            yield from rows
            if len(rows) < batch:
                return
            offset += batch
