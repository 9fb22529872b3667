"""The Whoosh schema: one document per article, text fields through the CJK analyzer.

Fields hold term frequencies but no positions: Whoosh finds candidates and ranks them (BM25F);
whether a multi-character word really occurs as a sequence is then checked on the folded
text kept beside the index (see searcher.py). Positions would double the index and make every
phrase check a slow walk through Python.
"""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, TEXT, Schema

from gba_tui.text.analysis import FoldedBigramFrequency, cjk_analyzer

# Bump when the schema, the analyzer or the side store changes: older indexes are refused.
SCHEMA_VERSION = 9

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
}
# Fields Whoosh indexes (and ranks by); the entity filters are answered from the side store,
# and the entities field holds one keyword per entity (its folded name and aliases), since
# bigrams of every entity name would add a third to the postings and the build time.
TEXT_FIELDS = ("title", "text", "source", "byline")
RANKED_FIELDS = (*TEXT_FIELDS, "entities")


def build_schema() -> Schema:
    analyzer = cjk_analyzer()
    fields = {
        "id": ID(stored=True, unique=True, sortable=True),
        "path": ID(stored=True),
        "entities": KEYWORD(commas=True, lowercase=True, scorable=True),
    }
    for name in TEXT_FIELDS:
        field = TEXT(analyzer=analyzer, phrase=False, field_boost=SEARCH_FIELDS.get(name, 1.0))
        field.format = FoldedBigramFrequency(field_boost=SEARCH_FIELDS.get(name, 1.0))
        fields[name] = field
    return Schema(**fields)
