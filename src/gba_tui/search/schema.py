"""The Whoosh schema: one document per article, text fields through the CJK analyzer.

Fields hold term frequencies but no positions: Whoosh ranks (BM25F) and answers words of one
or two characters (a bigram of the text fields, or a term of `grams`: every character, every
whole Latin word, and the bigrams of the entity fields). Longer words are found as sequences
by the store's FTS5 trigram index (search/store.py). Positions would double the index and make
every phrase check a slow walk through Python.
"""

from __future__ import annotations

from gba_tui.text.analysis import FoldedBigramFrequency, cjk_analyzer
from gba_tui.text.lean_whoosh import lean_imports

with lean_imports():
    from whoosh.columns import NumericColumn
    from whoosh.fields import COLUMN, ID, KEYWORD, TEXT, FieldType, Schema
    from whoosh.formats import Frequency
    from whoosh.system import pack_uint

# Bump when the schema, the analyzer or the side store changes: older indexes are refused.
# 15: `entities` grams only where no typed field has them; the store row a column, not terms
# (14: the manifest's page digest, its table last; 13: grams counted by the field)
SCHEMA_VERSION = 15

# Where a plain word may match, and how much a match there counts (BM25F field weights).
SEARCH_FIELDS = {"title": 3.0, "text": 1.0}

# Query prefixes a user may type, and the field each searches.
FILTER_FIELDS = {
    "title": "title",
    "source": "source",
    "byline": "byline",
    "entity": "entities",
    "person": "person",
    "org": "org",
    "place": "place",
    "policy": "policy",
    "date": "date",
    "after": "date",
    "before": "date",
}
# Filters on the article's date (ISO, YYYY-MM-DD or YYYY-MM): date: is the day, month or year
# given; after: is that day or later; before: is earlier than it. Undated articles never match.
DATE_FILTERS = ("date", "after", "before")
# Fields Whoosh indexes (and ranks by); the entity filters are answered from the side store,
# and the entities field holds one keyword per entity (its folded name and aliases), since
# bigrams of every entity name would add a third to the postings and the build time.
TEXT_FIELDS = ("title", "text", "source", "byline")
RANKED_FIELDS = (*TEXT_FIELDS, "entities")


def build_schema() -> Schema:
    analyzer = cjk_analyzer()
    fields = {
        "page": ID(),  # the page's key, so an update deletes a page's articles at once
        # The article's row in the store, read from its column only: as a NUMERIC it also
        # wrote 16 terms an article that nothing searched.
        "row": COLUMN(NumericColumn("Q")),
        "grams": GramField(),
        "entities": KEYWORD(commas=True, lowercase=True, scorable=True),
    }
    for name in TEXT_FIELDS:
        field = TEXT(analyzer=analyzer, phrase=False, field_boost=SEARCH_FIELDS.get(name, 1.0))
        field.format = FoldedBigramFrequency(field_boost=SEARCH_FIELDS.get(name, 1.0))
        fields[name] = field
    return Schema(**fields)


class GramField(FieldType):
    """Terms made by search/matching.py's gram_terms from an article's folded fields (field →
    text), not by an analyzer; counted where the document is written (a build's worker)."""

    indexed = True
    # Scorable only so Whoosh keeps a length column: without one, its segment writer asks
    # the file system whether the column exists for every posting (half the build time).
    scorable = True
    stored = False

    def __init__(self) -> None:
        self.format = GramFrequency()
        self.analyzer = cjk_analyzer()
        self.vector = None

    def index(self, value, **kwargs):  # type: ignore[no-untyped-def]
        from gba_tui.search.matching import gram_terms  # matching imports this module

        return ((t.encode("utf-8"), n, float(n), pack_uint(n)) for t, n in gram_terms(value))


class GramFrequency(Frequency):
    """Whoosh's Frequency format, for GramField: its terms counted by gram_counts."""

    def term_counts(self, value: dict[str, str]) -> dict[str, int]:
        from gba_tui.search.matching import gram_counts  # matching imports this module

        return gram_counts(value)
