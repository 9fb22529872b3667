"""Dates as newspapers print them: page headers, web headers, datelines, print citations."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_D = r"[0-9０-９]"
# 2024年8月31日, 2025 年/4 月/11 日 (a page header's slashes), 113年8月31日 (the Republic's years).
_CHINESE_DATE = re.compile(
    rf"(?:(?P<y>{_D}{{2,4}})\s*年\s*[/／]?\s*)?(?:(?P<m>{_D}{{1,2}})\s*月\s*[/／]?\s*)(?:(?P<d>{_D}{{1,2}})\s*[日号號])?"
)
# 2024-08-31, 2024/8/31, 2024.08.31 (a web header's or a footer's numeric date).
_NUMERIC_DATE = re.compile(
    rf"(?<!{_D})(?P<y>(?:19|20){_D}{{2}})(?P<sep>[-/.．／])(?P<m>{_D}{{1,2}})(?P=sep)(?P<d>{_D}{{1,2}})(?!{_D})"
)
# A day alone, as a dateline prints it: 香港22日電.
_DAY_ONLY = re.compile(rf"(?P<d>{_D}{{1,2}})\s*日")


@dataclass(frozen=True)
class DateParts:
    """What a printed date says; any part may be unknown."""

    year: int | None = None
    month: int | None = None
    day: int | None = None

    @property
    def iso(self) -> str:
        """YYYY-MM-DD, or YYYY-MM when the day is unknown; "" without a year and month."""
        if self.year is None or self.month is None:
            return ""
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def completed_by(self, context: DateParts | None) -> DateParts:
        """A dateline's day (and month) completed with the page's month and year.

        A report filed on 31 December and printed on 1 January belongs to the year before."""
        if context is None or context.year is None:
            return self
        if self.year is not None:
            return self
        month = self.month if self.month is not None else context.month
        if month is None:
            return self
        year = context.year
        if self.month is None and self.day and context.day and self.day > context.day:
            # 31日電 on a page of 1 April: the day belongs to the month before.
            month -= 1
            if month == 0:
                month, year = 12, year - 1
        elif context.month is not None and month > context.month:
            year -= 1
        return DateParts(year, month, self.day)


def _int(s: str | None) -> int | None:
    return int(s.translate(_DIGITS)) if s else None


def _valid(y: int | None, m: int | None, d: int | None) -> bool:
    if m is not None and not 1 <= m <= 12:
        return False
    if d is not None and not 1 <= d <= 31:
        return False
    return y is None or 1900 <= y <= 2100


def _year(raw: str | None) -> int | None:
    y = _int(raw)
    if y is None:
        return None
    if 60 <= y < 200:  # 民國113年 = 2024: Taiwan prints the Republic's years
        return y + 1911
    return y if y >= 1900 else None


def find_dates(text: str) -> list[DateParts]:
    """Every date printed in text, in order: full dates, months of a year, days of a month."""
    found: list[tuple[int, DateParts]] = []
    for m in _NUMERIC_DATE.finditer(text):
        y, mo, d = _int(m.group("y")), _int(m.group("m")), _int(m.group("d"))
        if _valid(y, mo, d):
            found.append((m.start(), DateParts(y, mo, d)))
    for m in _CHINESE_DATE.finditer(text):
        if any(start == m.start() for start, _ in found):
            continue
        y, mo, d = _year(m.group("y")), _int(m.group("m")), _int(m.group("d"))
        if m.group("y") and y is None:
            continue
        if _valid(y, mo, d):
            found.append((m.start(), DateParts(y, mo, d)))
    return [parts for _, parts in sorted(found, key=lambda f: f[0])]


def full_date(text: str) -> DateParts | None:
    """The first date with year, month and day in text."""
    return next((d for d in find_dates(text) if d.year and d.month and d.day), None)


def best_date(text: str) -> DateParts | None:
    """The most complete date in text (a page header may print only the month)."""
    dates = [d for d in find_dates(text) if d.year and d.month]
    if not dates:
        return None
    return max(dates, key=lambda d: d.day is not None)


def dateline_day(text: str) -> DateParts | None:
    """The day a dateline names: 12月23日 or 22日 (a year is rare there, but kept)."""
    dates = find_dates(text)
    if dates:
        return dates[0]
    m = _DAY_ONLY.search(text)
    if m and _valid(None, None, _int(m.group("d"))):
        return DateParts(day=_int(m.group("d")))
    return None
