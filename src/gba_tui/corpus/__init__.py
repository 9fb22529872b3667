"""Newspaper pages on disk turned into articles."""
