"""Who, which organisations, where, and which policies an article names."""
