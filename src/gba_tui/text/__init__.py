"""Script folding and the analyzer shared by indexing and querying."""
