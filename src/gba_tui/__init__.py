"""gba-tui: a terminal explorer for Chinese-language news about the Greater Bay Area."""

__version__ = "0.1.0"
