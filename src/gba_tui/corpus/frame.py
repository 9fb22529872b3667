"""The page's frame: running headers and footers (paper, date, edition, section), not articles.

A PDF's text keeps the line every newspaper page carries at its top or foot —
`香港商報 2024年8月31日 星期六 A04 大灣區`, `南方日报/2025 年/4 月/11 日/第 005 版`, `- 5 -`.
It says where and when the page was printed: metadata for every article on the page, never a
headline or a kicker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gba_tui.corpus.credits import canonical_source, find_outlet
from gba_tui.corpus.dates import DateParts, best_date, find_dates

_HAN = r"\u4e00-\u9fff"
_WEEKDAY = re.compile(
    r"星期[一二三四五六日天]|[週周][一二三四五六日]|禮拜[一二三四五六日天]|礼拜[一二三四五六日天]"
)
_EDITION = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{1,2}\s?[0-9]{1,3}(?![0-9A-Za-z%])(?:\s*版)?"
    r"|第\s*[0-9０-９一二三四五六七八九十百]{1,4}\s*[版頁页]"
    r"|[0-9]{1,3}\s*版(?![權权])"
)
_PAGE_NUMBER_ONLY = re.compile(r"^[\s\-—–·|｜]*(?:第\s*)?[0-9]{1,3}(?:\s*[版頁页])?[\s\-—–·|｜]*$")
_DATE_SPAN = re.compile(
    r"(?:(?:19|20)\d{2}|1[0-4]\d)\s*年\s*[/／]?\s*\d{1,2}\s*月\s*[/／]?\s*\d{1,2}\s*[日号號]"
    r"|(?:19|20)\d{2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}"
    r"|(?:19|20)\d{2}\s*年\s*[/／]?\s*\d{1,2}\s*月"
    r"|\d{1,2}\s*月\s*\d{1,2}\s*日"
)
_OUTLET_WORD = re.compile(
    rf"[{_HAN}A-Za-z0-9]{{1,10}}?(?:日報|日报|晚報|晚报|商報|商报|時報|时报|報|报|新聞|新闻)"
)
_WEB_ADDRESS = re.compile(
    r"(?:網址|网址)?[：:]?\s*(?:https?://|www\.)[\w./-]+", re.ASCII | re.IGNORECASE
)
_SEPARATORS = re.compile(r"[\s/／|｜·•\-—–_=＝*＊【】\[\]()（）:：,，]+")
# Sentences are not frames: a frame line is a string of labels.
_SENTENCE = re.compile(r"[。；;！？!?]|[，,].*[，,]")


@dataclass(frozen=True)
class Frame:
    """A page header or footer as printed, and what it says."""

    text: str
    paper: str = ""
    date: DateParts | None = None


def _signals(s: str) -> tuple[int, str, DateParts | None, str]:
    """How many of date, weekday, edition and paper the line carries, and what is left."""
    rest = s
    date = None
    found = 0
    m = _DATE_SPAN.search(rest)
    if m:
        date = best_date(m.group(0)) or next(iter(find_dates(m.group(0))), None)
        rest = rest[: m.start()] + " " + rest[m.end() :]
        found += 1
    if _WEEKDAY.search(rest):
        rest = _WEEKDAY.sub(" ", rest)
        found += 1
    if _EDITION.search(rest):
        rest = _EDITION.sub(" ", rest)
        found += 1
    if _WEB_ADDRESS.search(rest):  # 南方日报网址：www.nfnews.com, a footer's address
        rest = _WEB_ADDRESS.sub(" ", rest)
        found += 1
    paper = ""
    for word in _SEPARATORS.split(rest):
        if not word:
            continue
        outlet = find_outlet(word)
        om = _OUTLET_WORD.match(word)
        if outlet is not None or (om and om.end() == len(word)):
            paper = canonical_source(word)
            rest = rest.replace(word, " ", 1)
            found += 1
            break
    return found, rest, date, paper


def read_frame(line: str, at_edge: bool) -> Frame | None:
    """The frame a line is, or None. at_edge: the line is among the first or last of its page,
    where a bare page number or a two-signal line is enough; elsewhere a frame needs three."""
    s = line.strip()
    if not s or len(s) > 64 or _SENTENCE.search(s):
        return None
    if at_edge and _PAGE_NUMBER_ONLY.match(s):
        return Frame(s)
    found, rest, date, paper = _signals(s)
    leftover = [w for w in _SEPARATORS.split(rest) if w]
    # What is not a date, weekday, edition or paper is a section name or two (要聞, 大灣區).
    if len(leftover) > 3 or sum(len(w) for w in leftover) > 10:
        return None
    if found >= 3 or (at_edge and found >= 2 and (date is not None or _EDITION.search(s))):
        return Frame(s, paper, date)
    return None
