"""Run queries against the index: parse, match, rank (BM25F), snippets; list and show articles."""

from __future__ import annotations

import heapq
import math
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh.query.compound import DefaultOr
from whoosh.scoring import BM25F

from gba_tui.corpus.model import Article, article_from_dict
from gba_tui.entities.model import EntitiesByArticle, Entity
from gba_tui.search.indexer import IndexDamaged, read_manifest, read_store
from gba_tui.search.matching import FoldedTexts, needle
from gba_tui.search.query import Node, describe, parse_query, positive_words
from gba_tui.search.schema import FILTER_FIELDS, SEARCH_FIELDS, TEXT_FIELDS
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
    entities: tuple[Entity, ...] = ()

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
    """An open index: every article, and search over them. Safe to share between threads."""

    def __init__(self, index_dir: Path) -> None:
        from whoosh import index as whoosh_index

        manifest = read_manifest(index_dir)
        if manifest is None:
            raise IndexDamaged(index_dir, "no index built yet")
        gen_dir = index_dir / manifest["generation"]
        try:
            self._ix = whoosh_index.open_dir(str(gen_dir))
            self._searcher = self._ix.searcher(weighting=BM25F())
            ids_column = self._searcher.reader().column_reader("id")
            doc_count = self._searcher.doc_count()
            store = read_store(gen_dir, manifest["pages"])
        except Exception as exc:  # noqa: BLE001 - whatever Whoosh raises, the index is unusable
            raise IndexDamaged(index_dir, f"{type(exc).__name__}: {exc}") from None
        records = store["articles"]
        expected = sum(p.get("articles", 0) for p in manifest["pages"].values())
        if not doc_count == len(records) == expected:
            raise IndexDamaged(
                index_dir,
                f"{doc_count} articles indexed, {len(records)} stored, {expected} expected",
            )
        self.index_dir = index_dir
        self.manifest = manifest
        self._lock = threading.Lock()
        try:
            order = sorted(records, key=_page_order)
            self.articles: tuple[Article, ...] = tuple(
                article_from_dict(records[i]["article"]) for i in order
            )
            self._folded: list[dict[str, str]] = [records[i]["folded"] for i in order]
            self.entities_of = EntitiesByArticle(
                {i: records[i].get("entities", ()) for i in order}
            )
            self._order = {aid: n for n, aid in enumerate(order)}
            # Whoosh numbers documents itself; map its numbers to our order once.
            self._index_of_docnum: dict[int, int] = {}
            for docnum in self._searcher.reader().all_doc_ids():
                raw = ids_column[docnum]
                aid = raw.decode() if isinstance(raw, bytes) else raw
                self._index_of_docnum[docnum] = self._order[aid]
        except (KeyError, TypeError, ValueError) as exc:
            raise IndexDamaged(index_dir, f"index and side store disagree: {exc}") from None
        self._docnum_of = {i: d for d, i in self._index_of_docnum.items()}
        if len(self._docnum_of) != len(order):
            raise IndexDamaged(index_dir, "index and side store disagree")
        self._by_id = {a.id: a for a in self.articles}
        self._texts = FoldedTexts(self._folded)
        self._avg_len = max(
            1.0, sum(len(f.get("text", "")) for f in self._folded) / max(1, len(order))
        )

    def close(self) -> None:
        self._searcher.close()
        self._ix.close()

    def article(self, article_id: str) -> Article | None:
        return self._by_id.get(article_id)

    @property
    def skipped(self) -> dict[str, Any]:
        return dict(self.manifest.get("skipped", {}))

    def search(
        self, text: str, limit: int | None = 50, within: Iterable[str] | None = None
    ) -> Results:
        """Run a query; QueryError for one that cannot be run. `within` limits to those ids."""
        node = parse_query(text)
        return self.search_node(node, text, limit, within)

    def search_node(
        self, node: Node, text: str, limit: int | None = 50, within: Iterable[str] | None = None
    ) -> Results:
        exact = self._texts.matching(node)
        if within is not None:
            allowed = {self._order[i] for i in within if i in self._order}
            exact = exact & allowed
        scores: dict[int, float] = {}  # only what scored: most of a big result set never does
        with self._lock:
            q = ranking_query(node, self._searcher.doc_frequency)
            if exact and q is not None:
                scores.update(self._rank(q, exact, limit))
        for ch in _single_characters(node):
            self._score_character(ch, exact, scores)
        # Ties go to page order, so the same query gives the same list every time; unscored
        # matches follow in page order. Only the top `limit` are put in order.
        positive = [i for i, v in scores.items() if v > 0]

        def by_score(i: int) -> tuple[float, int]:
            return (-round(scores[i], 6), i)

        if limit is not None and len(positive) >= limit:
            selected = heapq.nsmallest(limit, positive, key=by_score)
        else:
            selected = sorted(positive, key=by_score) + sorted(exact.difference(positive))
            selected = selected if limit is None else selected[:limit]
        words = [w.text for w in positive_words(node)]
        hits = tuple(
            self._hit(n, self.articles[i].id, scores.get(i, 0.0), words)
            for n, i in enumerate(selected, start=1)
        )
        return Results(text, describe(node), len(exact), hits, tuple(words))

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
                i = self._index_of_docnum.get(hit.docnum)
                if i in exact:
                    scores[i] = hit.score or 0.0
            if len(scores) >= limit + 16 or len(found) < want or want >= 8 * (limit + 16):
                break
            want *= 4
        if len(scores) < min(len(exact), limit):
            return self._score_each(q, exact)
        return scores

    def _score_each(self, q: wq.Query, exact: frozenset[int]) -> dict[int, float]:
        wanted = sorted(self._docnum_of[i] for i in exact)
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
                    scores[self._index_of_docnum[docnum]] = m.score()
        return scores

    def _score_character(self, ch: str, docs: frozenset[int], scores: dict[int, float]) -> None:
        """BM25 for a one-character word, counted in the folded text (headline counts thrice)."""
        t = self._texts
        df = len(t.find("title", ch) | t.find("text", ch))
        n = max(t.size, 1)
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        k1, b = 1.2, 0.75
        in_title, in_text = t.counts("title", docs, ch), t.counts("text", docs, ch)
        lengths = t.lengths("text")
        for i in docs:
            tf = 3 * in_title[i] + in_text[i]
            if tf:
                norm = k1 * (1 - b + b * lengths[i] / self._avg_len)
                scores[i] = scores.get(i, 0.0) + idf * tf * (k1 + 1) / (tf + norm)

    def _hit(self, rank: int, aid: str, score: float, words: list[str]) -> Hit:
        a = self._by_id[aid]
        body = "\n".join([*a.paragraphs, *a.captions, *(b.text for b in a.boxes)])
        snippet = make_snippet(body, words)
        title_marks = tuple(match_spans(a.title, words))
        folded = self._folded[self._order[aid]]
        terms = tuple(w for w in words if any(needle(w) in v for v in folded.values()))
        return Hit(
            rank,
            aid,
            a.title,
            a.source,
            score,
            terms,
            snippet,
            title_marks,
            a,
            self.entities_of.get(aid, ()),
        )


def _page_order(aid: str) -> tuple[str, int]:
    page, _, n = aid.rpartition("-")
    return page, int(n) if n.isdigit() else 0
