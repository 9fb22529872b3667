"""The Whoosh schema: one document per article, text fields through the CJK analyzer."""

from __future__ import annotations

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from gba_tui.text.analysis import cjk_analyzer

# Bump when the schema or the analyzer changes: an index built otherwise is incompatible.
SCHEMA_VERSION = 3

# Where a word may match, and how much a match there counts (BM25F field weights).
SEARCH_FIELDS = {
    "title": 3.0,
    "heading": 1.5,
    "body": 1.0,
    "captions": 0.6,
    "byline": 1.0,
    "source": 0.5,
    "entities": 0.8,
}

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


def build_schema() -> Schema:
    text = cjk_analyzer()
    fields = {
        "id": ID(stored=True, unique=True),
        "path": ID(stored=True),
        "ordinal": NUMERIC(stored=True, sortable=True),
        "title": TEXT(analyzer=text, stored=False, field_boost=SEARCH_FIELDS["title"]),
        "heading": TEXT(analyzer=text, field_boost=SEARCH_FIELDS["heading"]),
        "body": TEXT(analyzer=text, field_boost=SEARCH_FIELDS["body"]),
        "captions": TEXT(analyzer=text, field_boost=SEARCH_FIELDS["captions"]),
        "byline": TEXT(analyzer=text, field_boost=SEARCH_FIELDS["byline"]),
        "source": TEXT(analyzer=text, field_boost=SEARCH_FIELDS["source"]),
        "entities": TEXT(analyzer=text, field_boost=SEARCH_FIELDS["entities"]),
        "person": TEXT(analyzer=text),
        "org": TEXT(analyzer=text),
        "place": TEXT(analyzer=text),
        "policy": TEXT(analyzer=text),
        # The whole article and its entities as JSON: list, show and snippets read it back.
        "doc": STORED(),
    }
    return Schema(**fields)
