"""Property test: no query string, however malformed, makes the query layer raise anything but
QueryError (which the CLI turns into a one-line message and exit 2)."""

from __future__ import annotations

import contextlib
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gba_tui.search.query import QueryError, describe, parse_query
from gba_tui.search.searcher import ranking_terms

PIECES = st.sampled_from(
    [
        "科技",
        "保險",
        "保险",
        "QFLP",
        "OR",
        "AND",
        "NOT",
        "(",
        ")",
        "（",
        "）",
        '"',
        "“",
        "」",
        "「",
        "title:",
        "source:",
        "person:",
        "entity:",
        "-",
        ":",
        " ",
        "\x00",
        "\t",
        "首台（套）",
        "x" * 50,
    ]
)
QUERIES = st.one_of(
    st.text(max_size=60),
    st.lists(PIECES, max_size=25).map("".join),
    st.lists(PIECES, max_size=25).map(" ".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(QUERIES)
def test_parser_never_raises_unexpectedly(text):
    try:
        node = parse_query(text)
    except QueryError:
        return
    describe(node)
    ranking_terms(node)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(QUERIES)
def test_search_never_raises_unexpectedly(library, text):
    with contextlib.suppress(QueryError):
        library.search(text, limit=5)


@given(st.integers(min_value=1001, max_value=20_000))
@settings(max_examples=10, deadline=None)
def test_long_queries_refused(n):
    try:
        parse_query("科" * n)
    except QueryError as exc:
        assert "too long" in str(exc)
    else:
        raise AssertionError("a query over the limit was accepted")


# Any text at all, lone surrogates (from argv bytes that were not UTF-8), bidi and zero-width
# controls included: the parser and the search give results or QueryError, nothing else.
ANY_UNICODE = st.one_of(
    st.text(alphabet=st.characters(codec=None, blacklist_categories=()), max_size=40),
    st.lists(
        st.one_of(
            PIECES,
            st.sampled_from(["\udcff", "\udcfe", "\ud800", "\u200d", "\u202e", "\u2066", "\ufeff"]),
            st.sampled_from(["ＡＮＤ", "ＯＲ", "ＮＯＴ", "foo:bar", "title:"]),
        ),
        max_size=20,
    ).map("".join),
)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ANY_UNICODE)
def test_any_unicode_gives_results_or_query_error(library, text):
    with contextlib.suppress(QueryError):
        parse_query(text)
    try:
        results = library.search(text, limit=5)
    except QueryError:
        return
    json.dumps(results.to_json(), ensure_ascii=False).encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_width_folding_is_nfkc_a_character_at_a_time(text):
    """Folding keeps offsets: each character becomes its NFKC form when that is one character."""
    import unicodedata

    from gba_tui.text.script import normalize_width

    def one(ch: str) -> str:
        n = unicodedata.normalize("NFKC", ch)
        return n if len(n) == 1 else ch

    folded = normalize_width(text)
    assert len(folded) == len(text)
    assert folded == "".join(one(ch) for ch in text.replace("\u3000", " "))
