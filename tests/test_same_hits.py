"""The index answers as before: the recorded hit lists of the seed queries and of 400 random
substrings of the seed articles in both scripts (tests/make_expected_hits.py), and, on a larger
synthetic corpus, the same matches as a plain scan of every article's folded text."""

from __future__ import annotations

import contextlib
import json
import random
from pathlib import Path

import pytest

from gba_tui.search.query import QueryError
from make_expected_hits import OUT, hit_lists


def test_seed_queries_and_substrings_same_hits_same_order(library):
    expected = json.loads(Path(OUT).read_text("utf-8"))
    got = hit_lists(library, list(expected))
    diffs = [q for q in expected if got[q] != expected[q]]
    assert not diffs, [(q, expected[q], got[q]) for q in diffs[:5]]


def _scan_matches(folded_by_doc: dict[int, dict[str, str]], field: str, word: str) -> set[int]:
    from gba_tui.text.script import find_word

    return {d for d, f in folded_by_doc.items() if find_word(f.get(field, ""), word) != -1}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory, articles):
    from gba_tui.search.indexer import update_index
    from gba_tui.search.searcher import Library

    rng = random.Random(7)
    pages = tmp_path_factory.mktemp("pages")
    texts = [a.full_text for a in articles]
    for n in range(40):
        parts = []
        for _ in range(3):
            src = rng.choice(texts)
            start = rng.randrange(0, max(1, len(src) - 400))
            parts.append(
                f"標題{n}\n\n【大公報訊】" + src[start : start + 400] + " AI said d-3 5G。"
            )
        (pages / f"p{n:03d}.txt").write_text("\n\n".join(parts) + "\n", "utf-8")
    where = tmp_path_factory.mktemp("index")
    update_index(pages, where)
    lib = Library(where)
    yield lib, texts
    lib.close()


@pytest.mark.parametrize(
    ("checked", "vectorised"),
    [(64, False), (0, True), (10**9, False)],
    ids=["as-set", "fts5-rows-in-numpy", "all-checked"],
)
def test_index_matching_equals_a_scan(synthetic, monkeypatch, checked, vectorised):
    """Long Chinese words by their bigrams, checked when few (or always, or never: FTS5), the
    FTS5 rows parsed one by one or in numpy, in one field or either: the matches a scan
    finds."""
    from gba_tui.search import matching

    lib, texts = synthetic
    monkeypatch.setattr(matching, "CHECKED_CANDIDATES", checked)
    monkeypatch.setattr(lib._store, "vectorised", vectorised)
    lib._texts._cache.clear()
    store = lib._store
    folded = store.folded(store.docnums())
    rng = random.Random(11)
    words = ["ai", "d", "5g", "said", "港", "，", "d-3", "。港"]
    for _ in range(300):
        t = rng.choice(texts)
        size = rng.choice([1, 2, 2, 3, 4, 6])
        start = rng.randrange(0, len(t) - size)
        words.append(t[start : start + size])
    from gba_tui.search.matching import needle

    for raw in words:
        w = needle(raw)
        if not w:
            continue
        scanned = {f: _scan_matches(folded, f, w) for f in ("title", "text")}
        for field, expected in scanned.items():
            assert set(lib._texts.find(field, w)) == expected, (field, w)
        # A plain word: either field, the long Chinese ones FTS5 must find looked up once.
        assert set(lib._texts.find_anywhere(w)) == scanned["title"] | scanned["text"], w


def test_scores_computed_in_numpy_equal_those_computed_one_by_one(library, monkeypatch):
    """A big corpus's postings are scored in numpy: the same floats as the loop, bit for bit."""
    from gba_tui.search import ranking

    queries = list(json.loads(Path(OUT).read_text("utf-8")))
    queries += ["港", "科技 AND 保險", "(人工智能 OR 量子) 香港", "source:大公報", "深"]

    def scores() -> dict[tuple[str, int | None, bool], tuple[int, list[tuple[str, float]]]]:
        """Every hit's score, and the top 3 or 20 with and without story copies (numpy keeps the
        scores in arrays and takes the top from them)."""
        out = {}
        for q in queries:
            for limit, copies in ((None, True), (3, True), (3, False), (20, False)):
                with contextlib.suppress(QueryError):  # some recorded substrings are not queries
                    r = library.search(q, limit=limit, all_copies=copies)
                    out[q, limit, copies] = (r.total, [(h.id, h.score) for h in r.hits])
        return out

    one_by_one = scores()
    monkeypatch.setattr(ranking, "VECTOR_POSTINGS", 0)
    monkeypatch.setattr(library, "_vectorised", True)  # as an archive of 20,000 articles
    in_numpy = scores()
    assert sum(len(v[1]) for v in in_numpy.values()) > 500
    assert in_numpy == one_by_one


def test_character_scores_added_in_numpy_to_scores_made_one_by_one(monkeypatch):
    """A big one-character word added to scores computed in a loop: turned into numpy, the
    same sums as the loop's, bit for bit, for every document."""
    from gba_tui.search import ranking
    from gba_tui.search.ranking import TermPostings, add_character_scores

    rng = random.Random(5)
    size = 400
    title = TermPostings(sorted(rng.sample(range(size), 60)), [float(rng.randint(1, 3))] * 60)
    in_text = sorted(rng.sample(range(size), 250))
    text = TermPostings(in_text, [float(rng.randint(1, 9)) for _ in in_text])
    norms = [rng.uniform(0.4, 2.5) for _ in range(size)]
    matches = frozenset(rng.sample(range(size), 300))
    earlier = {d: rng.uniform(0.1, 9.0) for d in rng.sample(sorted(matches), 120)}

    one_by_one = add_character_scores(title, text, norms, size, matches, dict(earlier))
    monkeypatch.setattr(ranking, "VECTOR_POSTINGS", 0)
    in_numpy = add_character_scores(title, text, norms, size, matches, dict(earlier), True)
    assert isinstance(in_numpy, ranking.DenseScores)
    assert dict(in_numpy) == one_by_one and len(one_by_one) > len(earlier)


def test_a_union_keeps_what_only_the_smaller_sets_hold():
    """Matches in either field: the biggest set as it is when the others add nothing (not
    copied), else everything in any of them."""
    from gba_tui.search.matching import _union

    text = frozenset(range(100))
    assert _union([frozenset({3, 5}), text]) is text
    assert _union([frozenset({3, 500}), text, frozenset({7, 900})]) == text | {500, 900}
    assert _union([]) == frozenset()


def test_a_plain_word_looked_up_in_both_fields_at_once_is_found_as_in_each(library, monkeypatch):
    """Headline words of the seeds, which FTS5 must find in the headlines and the text alike
    (no bigram check): one lookup of both fields finds what the two lookups find."""
    from gba_tui.search import matching
    from gba_tui.search.matching import needle

    monkeypatch.setattr(matching, "CHECKED_CANDIDATES", 0)
    store = library._store
    folded = store.folded(store.docnums())
    rng = random.Random(13)
    titles = [f["title"] for f in folded.values() if len(f["title"]) > 8]
    both = 0
    for _ in range(200):
        t = rng.choice(titles)
        size = rng.choice([3, 4, 5])
        start = rng.randrange(0, len(t) - size)
        w = needle(t[start : start + size])
        if len(w) < 3 or not matching._CJK_RUN.fullmatch(w):
            continue
        library._texts._cache.clear()
        scanned = {f: _scan_matches(folded, f, w) for f in ("title", "text")}
        assert set(library._texts.find_anywhere(w)) == scanned["title"] | scanned["text"], w
        both += bool(scanned["title"]) and bool(scanned["text"])
    assert both > 20
