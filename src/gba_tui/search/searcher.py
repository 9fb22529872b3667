"""Run queries against the index: parse, match, rank (BM25F), snippets; list and show articles."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh.scoring import BM25F

from gba_tui.corpus.model import Article, article_from_dict
from gba_tui.search.indexer import IndexDamaged, read_manifest
from gba_tui.search.query import And, Node, Not, Or, Word, describe, parse_query, positive_words
from gba_tui.search.schema import FILTER_FIELDS, SEARCH_FIELDS
from gba_tui.search.snippets import Snippet, make_snippet, match_spans
from gba_tui.text.analysis import query_tokens


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
    entities: tuple[dict[str, Any], ...] = ()

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

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "hits": [h.to_json() for h in self.hits],
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


def _field_query(fieldname: str, text: str) -> wq.Query:
    tokens = query_tokens(text)
    if not tokens:
        return wq.NullQuery
    if len(tokens) == 1:
        return wq.Term(fieldname, tokens[0])
    return wq.Phrase(fieldname, tokens)


def to_whoosh(node: Node) -> wq.Query:
    """The Whoosh query for a parsed query; plain words search every field, weighted."""
    if isinstance(node, Word):
        if node.field:
            return _field_query(FILTER_FIELDS[node.field], node.text)
        return wq.Or([_field_query(f, node.text) for f in SEARCH_FIELDS])
    if isinstance(node, Not):
        return wq.Not(to_whoosh(node.item))
    parts = [to_whoosh(x) for x in node.items]
    if isinstance(node, Or):
        return wq.Or(parts)
    positives = [p for p in parts if not isinstance(p, wq.Not)]
    if not positives:
        parts = [wq.Every(), *parts]
    return wq.And(parts)


def article_text(article: Article) -> str:
    return article.full_text


class Library:
    """An open index: every article, and search over them. Thread-safe for readers."""

    def __init__(self, index_dir: Path) -> None:
        from whoosh import index as whoosh_index

        manifest = read_manifest(index_dir)
        if manifest is None:
            raise IndexDamaged(index_dir, "no index built yet")
        try:
            self._ix = whoosh_index.open_dir(str(index_dir / manifest["generation"]))
            self._searcher = self._ix.searcher(weighting=BM25F())
            stored = list(self._searcher.documents())
        except Exception as exc:  # noqa: BLE001 - whatever Whoosh raises, the index is unusable
            raise IndexDamaged(index_dir, f"{type(exc).__name__}: {exc}") from None
        expected = sum(p.get("articles", 0) for p in manifest["pages"].values())
        if len(stored) != expected:
            raise IndexDamaged(index_dir, f"{len(stored)} articles stored, manifest says {expected}")
        self.index_dir = index_dir
        self.manifest = manifest
        self._lock = threading.Lock()
        docs: dict[str, dict[str, Any]] = {}
        for d in stored:
            try:
                docs[d["id"]] = json.loads(d["doc"])
            except (KeyError, ValueError, TypeError) as exc:
                raise IndexDamaged(index_dir, f"unreadable stored article: {exc}") from None
        order = sorted(docs, key=lambda i: (i.rsplit("-", 1)[0], int(i.rsplit("-", 1)[1])))
        self._order = {aid: n for n, aid in enumerate(order)}
        self.articles: tuple[Article, ...] = tuple(article_from_dict(docs[i]["article"]) for i in order)
        self._by_id = {a.id: a for a in self.articles}
        self.entities_of: dict[str, tuple[dict[str, Any], ...]] = {
            i: tuple(docs[i].get("entities", ())) for i in order
        }
        self._folded: dict[str, str] = {}

    def close(self) -> None:
        self._searcher.close()
        self._ix.close()

    def article(self, article_id: str) -> Article | None:
        return self._by_id.get(article_id)

    @property
    def skipped(self) -> dict[str, Any]:
        return dict(self.manifest.get("skipped", {}))

    def search(self, text: str, limit: int | None = 50, within: Iterable[str] | None = None) -> Results:
        """Run a query; QueryError for one that cannot be run. `within` limits to those ids."""
        node = parse_query(text)
        q = to_whoosh(node)
        if within is not None:
            ids = list(within)
            q = wq.And([q, wq.Or([wq.Term("id", i) for i in ids])]) if ids else wq.NullQuery
        with self._lock:
            found = self._searcher.search(q, limit=None)
            scored = [(hit["id"], hit.score or 0.0) for hit in found]
        # Ties go to page order, so the same query gives the same list every time.
        scored.sort(key=lambda x: (-round(x[1], 6), self._order.get(x[0], 0)))
        words = [w.text for w in positive_words(node)]
        selected = scored if limit is None else scored[:limit]
        hits = tuple(
            self._hit(n, aid, score, words) for n, (aid, score) in enumerate(selected, start=1)
        )
        return Results(text, describe(node), len(scored), hits, tuple(words))

    def _hit(self, rank: int, aid: str, score: float, words: list[str]) -> Hit:
        a = self._by_id[aid]
        body = "\n".join([*a.paragraphs, *a.captions, *(b.text for b in a.boxes)])
        snippet = make_snippet(body, words)
        title_marks = tuple(match_spans(a.title, words))
        full = a.full_text
        terms = tuple(w for w in words if match_spans(full, [w]))
        return Hit(rank, aid, a.title, a.source, score, terms, snippet, title_marks, a,
                   self.entities_of.get(aid, ()))
