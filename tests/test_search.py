"""Cross-script search over the seed pages: folding, sequences, operators, fields, snippets."""

from __future__ import annotations

import pytest

from conftest import INSURANCE_IDS, by_title
from gba_tui.search.query import QueryError, parse_query
from gba_tui.text.analysis import query_tokens
from gba_tui.text.script import fold_script
from story_pages import write_pages


def ids(results):
    return [h.id for h in results.hits]


def test_insurance_in_both_scripts_same_hits_same_order(library):
    trad = library.search("科技保險")
    simp = library.search("科技保险")
    assert ids(trad) == ids(simp)
    assert sorted(ids(trad)) == INSURANCE_IDS
    assert [h.score for h in trad.hits] == [h.score for h in simp.hits]


def test_simplified_query_finds_traditional_pages(library, articles):
    found = ids(library.search("大湾区"))
    trad_pages = {
        a.id for a in articles if a.source in ("大公報", "香港文匯報") and "大灣區" in a.full_text
    }
    assert trad_pages and trad_pages <= set(found)


def test_full_and_half_width_match(library):
    assert ids(library.search("首台（套）")) == ["004_761257e38312902a-1"]
    assert ids(library.search("首台(套)")) == ["004_761257e38312902a-1"]


def test_latin_words_case_insensitive(library, articles):
    interview = by_title(articles, "灣區科創登頂全球榜單")
    assert ids(library.search("QFLP")) == [interview.id]
    assert ids(library.search("qflp")) == [interview.id]
    assert "003_467b954d3e2b3a27-1" in ids(library.search("pct"))


def test_latin_words_match_whole(library, articles):
    # The interview spells out "Qualified Foreign Limited Partnership": "qualified" finds it,
    # but a letter or a fragment inside that word is not a match (Chinese has no such edges).
    interview = by_title(articles, "灣區科創登頂全球榜單")
    assert ids(library.search("qualified")) == [interview.id]
    assert library.search("d").total == 0
    assert library.search("qualifi").total == 0
    hit = library.search("QFLP").hits[0]
    marked = {hit.snippet.text[a:b] for a, b in hit.snippet.marks}
    assert marked == {"QFLP"}


def test_not_excludes_both_insurance_articles(library):
    found = ids(library.search("量子 NOT 保險"))
    assert found and not set(found) & set(INSURANCE_IDS)
    assert set(found) == set(ids(library.search("量子 -保险")))


def test_phrase_and_word(library):
    assert sorted(ids(library.search('"耐心資本" AND 保險'))) == INSURANCE_IDS


def test_sequence_not_scattered_characters(library):
    # 保 and 港 both occur all over; the sequence 保港 occurs nowhere.
    assert library.search("保").total > 0 and library.search("港").total > 0
    assert library.search("保港").total == 0
    assert query_tokens("科技保險") == ["科技", "技保", "保险"]


def test_single_character_query(library):
    assert library.search("穗").total >= 2


def test_or_and_parentheses(library):
    a = set(ids(library.search("QFLP")))
    b = set(ids(library.search("交易商协会")))
    assert set(ids(library.search("QFLP OR 交易商協會"))) == a | b
    both = set(ids(library.search("(QFLP OR 交易商協會) 香港")))
    assert both <= a | b


def test_field_filters(library):
    assert set(ids(library.search("source:北京商报"))) == {
        f"004_761257e38312902a-{n}" for n in range(1, 5)
    }
    by = ids(library.search("byline:毛丽娟"))
    assert len(by) == 3
    titled = ids(library.search("title:科技保险"))
    assert sorted(titled) == INSURANCE_IDS
    assert library.search("title:QFLP").total == 0


def test_title_weighted_above_body(library):
    res = library.search("科技保险")
    # Both insurance stories carry the words in the headline; they outrank body-only mentions.
    assert sorted(ids(res)[:2]) == INSURANCE_IDS


def test_hits_carry_what_scripts_need(library):
    hit = library.search("科技保险").hits[0]
    j = hit.to_json()
    for key in ("rank", "id", "title", "source", "score", "snippet", "terms"):
        assert key in j
    assert j["rank"] == 1 and j["terms"] == ["科技保险"]


def test_snippet_marks_traditional_characters_for_simplified_query(library):
    hit = next(h for h in library.search("科技保险").hits if h.source == "大公報")
    text = hit.snippet.text
    marked = [text[a:b] for a, b in hit.snippet.marks]
    assert marked and all(m == "科技保險" for m in marked)
    assert [hit.title[a:b] for a, b in hit.title_marks] == ["科技保險"]


def test_fold_keeps_length_and_offsets():
    for s in ["香港科技大學（廣州）", "內地發布科技保險", "裏着於隨着麵"]:
        assert len(fold_script(s)) == len(s)
    assert fold_script("科技保險") == "科技保险"


def test_no_hits_is_not_an_error(library):
    res = library.search("火星殖民")
    assert res.total == 0 and res.hits == ()


@pytest.mark.parametrize(
    "query",
    [
        '"耐心資本',
        "(量子 OR 保險",
        "量子 OR 保險)",
        "OR",
        "AND 量子",
        "量子 NOT",
        "title:",
        "title: 科技",
        "NOT NOT 保險",
        "((((",
        "))))",
        '""',
        "科技\x00保險\x07",
        "：：",
        "-",
        "NOT",
    ],
)
def test_malformed_queries_are_read_leniently_or_refused(library, query):
    try:
        library.search(query)
    except QueryError as exc:
        assert str(exc)


def test_overlong_query_refused(library):
    with pytest.raises(QueryError, match="too long"):
        library.search("科" * 10_000)


def test_unbalanced_quote_closed_at_end():
    node = parse_query('"耐心資本')
    assert node.text == "耐心資本" and node.phrase


@pytest.mark.parametrize(
    "query",
    ["科技保险", "大湾区", "香港", "港", "(量子 OR 人工智能) 香港", "創新 NOT 保險", "title:灣區"],
)
def test_matching_ids_are_the_uncapped_search_in_its_order(library, query):
    # Marking and exporting every hit ask for ids only: the same ones, ranked the same.
    assert library.matching_ids(query) == ids(library.search(query, limit=None))
    folded = library.search(query, limit=None, all_copies=False)
    assert library.matching_ids(query, all_copies=False) == ids(folded)


def test_matching_ids_fold_stories_as_search_does(tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from gba_tui.search.indexer import update_index
    from gba_tui.search.searcher import Library

    update_index(write_pages(tmp_path / "pages"), tmp_path / "index")
    lib = Library(tmp_path / "index")
    try:
        for all_copies in (True, False):
            hits = lib.search("河套", limit=None, all_copies=all_copies)
            assert lib.matching_ids("河套", all_copies=all_copies) == ids(hits)
        assert len(lib.matching_ids("河套", all_copies=False)) == 2
        assert len(lib.matching_ids("河套", all_copies=True)) == 4
    finally:
        lib.close()


def test_search_modules_load_without_whooshs_unused_imports(tmp_path):
    """A search process imports neither urllib.request nor asyncio for Whoosh (43 ms of every
    query's process), and a later import of either still gets the real module."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import gba_tui.search.searcher, gba_tui.search.indexer\n"
        "print(sorted(m for m in ('urllib.request', 'asyncio', 'cached_property')"
        " if m in sys.modules))\n"
        "import urllib.request, whoosh.compat, whoosh.reading\n"
        "print(callable(urllib.request.urlopen), callable(whoosh.compat.urlretrieve))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[0] == "[]"
    assert out[1] == "True True"
