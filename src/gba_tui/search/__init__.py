"""The Whoosh index of articles: schema, building, querying, snippets."""
