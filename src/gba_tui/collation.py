"""Orders Chinese titles and names as a reader expects: by pinyin (Hanyu Pinyin, tone
numbers), then by the character; digits and Latin letters first, in their own order."""

from __future__ import annotations

from functools import lru_cache

# Code-point order (內 < 加 < 廣 < 深 < 港) is an order no Chinese reader uses. pypinyin reads
# Traditional and Simplified alike (廣/广 both guang3), so one order serves both scripts.
from pypinyin import Style, pinyin

CharKey = tuple[int, str, str]


@lru_cache(maxsize=32768)
def _char_key(ch: str) -> CharKey:
    # One character at a time, cached: pypinyin's phrase segmentation took 1.2 s for 3,000
    # titles and still read 重慶 as zhong4; per character it is ~40 ms, with the same heteronym
    # slips on a title's first character only.
    if ch.isascii():
        return (0, ch.lower(), ch)
    reading = pinyin(ch, style=Style.TONE3, errors="default")[0][0]
    if reading and reading != ch:
        return (1, reading, ch)
    return (2, "", ch)  # no reading (a rare character, punctuation): code-point order


def collation_key(text: str) -> tuple[CharKey, ...]:
    """A sort key for a title or name: each character as (class, pinyin, character)."""
    return tuple(_char_key(ch) for ch in text)
