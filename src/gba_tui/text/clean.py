"""The one place text from outside is cleaned: file names, file contents, queries, argv.

Lone surrogates (bytes that were not UTF-8, carried by Python as U+DC80–U+DCFF) become
U+FFFD, which every encoder accepts; bidi controls (U+202A–202E, U+2066–2069, U+200E/F) and
zero-width characters (U+200B–200D, U+2060, U+FEFF) are removed: they are invisible, and a
zero-width joiner inside a word would otherwise cut it in two.
"""

from __future__ import annotations

import re

_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """text with lone surrogates replaced by U+FFFD and invisible controls removed."""
    return _INVISIBLE.sub("", _SURROGATE.sub("\ufffd", text))
