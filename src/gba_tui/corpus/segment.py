"""Page → articles: headline, kicker, subtitle, byline, source, dates, captions, boxes, tables.

The rules read layout the way a sub-editor would. A page is first cut into units (paragraphs
rejoined across hard wraps, headings, captions, bylines, list items, table rows) and its frame
(running header and footer) set aside; a headline is a short deck without a closing full stop that
is followed by a lead, a byline, a caption or another deck; an article starts where a headline block
is followed by its own lead or byline, carries a kicker or subtitle, or where a new dateline opens
a report printed without a headline. Who, where and when come from corpus.credits and the frame.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib.resources import files
from typing import Literal

from gba_tui.corpus.credits import (
    Credit,
    byline_credit,
    end_byline,
    is_web_header,
    lead_credit,
    print_citation,
    web_header_credit,
)
from gba_tui.corpus.dates import DateParts, full_date
from gba_tui.corpus.frame import Frame, read_frame
from gba_tui.corpus.ids import article_id
from gba_tui.corpus.model import Article, Box, Page, Table
from gba_tui.corpus.reflow import display_width, is_closed, join_wrapped

# Bump when segmentation changes its output: indexes built before are rebuilt on next use.
SEGMENTER_VERSION = 5

UnitKind = Literal[
    "heading",
    "body",
    "caption",
    "item",
    "field",
    "table",
    "byline",
    "source_note",
    "frame",
    "webhead",
]

# ---------------------------------------------------------------- line and paragraph patterns

_CAPTION_MARKS = "▲▶◀▼△►"
_ITEM_MARKS = "●■◆◇•・※"
# A photo credit closes a caption: …攝, …供圖, （資料圖片）, (新华社记者 刘大伟 摄), 圖片來源：…
_CAPTION_CREDIT = re.compile(
    r"(?:攝|摄|供圖|供图|資料圖片|资料图片|新華社|新华社|中新社|圖片來源[^。]*|图片来源[^。]*)$"
    r"|[（(][^（()）]{0,30}(?:攝|摄|供圖|供图|圖片|图片|提供|圖|图)[)）]$"
)
_CAPTION_WORDS = re.compile(
    r"圖為|图为|圖片$|图片$|供圖|供图|攝$|摄$|新華社$|新华社$|中新社$"
    r"|(?:攝影|摄影)[：:\s]*[\u4e00-\u9fff]{2,4}$"
    r"|[（(][^（()）]{0,30}(?:攝|摄|供圖|供图|圖片|图片|圖源|图源|組圖|组图)[^（()）]{0,20}[)）]$"
)
_SOURCE_NOTE = re.compile(r"^(?:資料來源|资料来源|來源|来源|數據來源|数据来源)[：:]")
_FIELD_LINE = re.compile(r"^[^\s：:，。]{2,10}[：:].*[、，,]")
# Users' own folders hold Markdown: "# " opens an article, "## " and deeper head a section.
_MD_HEADING = re.compile(r"^(#{1,6})\s+(?=\S)")
_SENTENCE_PUNCT = re.compile(r"[，。；,;]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LABEL_SIGNS = re.compile(r"[·‧•②③④⑤⑥①⑦⑧⑨]|[A-Za-z]{3,}")
# A line ending in one of these runs on into the next, whatever the layout.
_RUNS_ON = "，、：:；;「『（(《“‘—-"
# A wire headline may hold a comma, a question mark, a colon or a dash; never a full stop.
_HEADLINE_MAX = 56


# ---------------------------------------------------------------- paragraphs with provenance


@dataclass
class Unit:
    """A reflowed run of lines: one paragraph, heading, caption, item, table row or byline."""

    kind: UnitKind
    lines: list[int]  # 0-based line numbers on the page
    raw: list[str]
    gap_before: bool = True  # a blank line separates it from what came before
    level: int = 0  # a Markdown heading's level (# is 1); 0 for a printed page's lines

    @property
    def text(self) -> str:
        if self.level:
            return _MD_HEADING.sub("", self.raw[0].strip(), count=1).strip()
        if self.kind in ("heading", "table", "byline", "frame", "webhead"):
            return " ".join(r.strip() for r in self.raw)
        marker = re.match(r"^\s*([-–—*]\s+)", self.raw[0])
        if marker:
            # Keep a list item's printed marker; the rest reflows like any paragraph.
            rest = [self.raw[0][marker.end() :], *self.raw[1:]]
            return "- " + join_wrapped(rest)
        return join_wrapped(self.raw)

    @property
    def first(self) -> int:
        return self.lines[0]

    @property
    def last(self) -> int:
        return self.lines[-1]

    def take(self, i: int, line: str) -> None:
        self.lines.append(i)
        self.raw.append(line)


def _is_heading_line(s: str) -> bool:
    if not 2 <= len(s) <= 48 or len(_HAN.findall(s)) < 2:
        return False
    if s[0] in _CAPTION_MARKS + _ITEM_MARKS + "【-" or "\t" in s:
        return False
    if s[-1] in "。；，、：:,;" or (is_closed(s) and s[-1] not in "！？!?」"):
        return False
    outside_quotes = re.sub(r"「[^」]*」|《[^》]*》|（[^）]*）|\([^)]*\)", "", s)
    if _SENTENCE_PUNCT.search(outside_quotes) or "、" in outside_quotes:
        return False
    return byline_credit(s) is None and not _SOURCE_NOTE.match(s) and not _opens_lead(s)


def _opens_lead(s: str) -> bool:
    """Whether a line opens a report with its credit (新华社广州6月11日电, 【大公報訊】)."""
    credit = lead_credit(s)
    return credit is not None and bool(
        credit.source or credit.agency or credit.filed or credit.reporters
    )


def _unclosed(s: str) -> bool:
    """A line with a bracket opened and not closed runs on into the next: (新華社記者 / 陸蕓)."""
    return s.count("(") + s.count("（") > s.count(")") + s.count("）")


def _is_credit_line(s: str) -> bool:
    """A lead's credit printed on a line of its own (中央社／ 香港3日電): it works as a byline."""
    if len(s) > 40:
        return False
    credit = lead_credit(s)
    return (
        credit is not None
        and not _unclosed(s)
        and len(s) - len(credit.printed) <= 2
        and bool(credit.source or credit.agency or credit.filed or credit.reporters)
    )


def _line_kind(s: str) -> UnitKind:
    if "\t" in s.strip("\t") and len([c for c in s.split("\t") if c.strip()]) >= 2:
        return "table"
    if s[0] in _CAPTION_MARKS:
        return "caption"
    if byline_credit(s) is not None or _is_credit_line(s):
        return "byline"
    if _SOURCE_NOTE.match(s):
        return "source_note"
    if is_web_header(s):
        return "webhead"
    if s[0] in _ITEM_MARKS or re.match(r"^[-–—*]\s", s):
        # A bulleted line that describes a picture is a caption.
        return "caption" if _CAPTION_WORDS.search(s) else "item"
    if len(s) < 160 and _CAPTION_WORDS.search(s):
        return "caption"
    if _FIELD_LINE.match(s) and len(s) < 120:
        return "field"
    if _is_heading_line(s):
        return "heading"
    return "body"


def _column_width(widths: list[int], k: int) -> int | None:
    """The width of the narrow column around non-empty line k, if it sits in one."""
    near = [w for j, w in enumerate(widths[max(0, k - 6) : k + 7], start=max(0, k - 6)) if j != k]
    near = sorted(w for w in near if 16 <= w <= 64)
    return near[len(near) // 2] if len(near) >= 4 else None


def wrap_width(lines: list[str]) -> int | None:
    """The fixed width (in characters) a hard-wrapped page was cut at, if it was.

    Text extracted from a PDF, or a page saved at a fixed width, has most of its lines exactly
    as long as its column; the last line of each paragraph is shorter. A page of one line per
    paragraph has no such width."""
    lengths = [len(s.strip()) for s in lines if len(s.strip()) >= 8]
    if len(lengths) < 8:
        return None
    counts = Counter(lengths)
    width = max(counts, key=lambda w: (counts[w] + counts.get(w - 1, 0), w))
    near = counts[width] + counts.get(width - 1, 0)
    return width if near >= max(6, 0.35 * len(lengths)) else None


def _frame_lines(lines: list[str], nonempty: list[int]) -> dict[int, Frame]:
    """The page's running header and footer lines, by line number."""
    edge = set(nonempty[:2] + nonempty[-2:])
    frames = {}
    for i in nonempty:
        f = read_frame(lines[i], at_edge=i in edge)
        if f is not None:
            frames[i] = f
    if len(frames) == len(nonempty):
        return {}  # a page of nothing but frame-like lines: keep them as text
    return frames


@dataclass(frozen=True)
class _Layout:
    """How the page sets its text: the width it was wrapped at, and whether blank lines part
    its paragraphs (then a blank line says nothing) or only its articles."""

    wrap: int | None
    blank_lines_part_paragraphs: bool
    # Some extractions leave a blank line after every line: then a blank line says nothing.
    blank_after_every_line: bool

    @classmethod
    def of(cls, lines: list[str]) -> _Layout:
        filled = [k for k, line in enumerate(lines) if line.strip()]
        after_blank = sum(1 for k in filled[1:] if not lines[k - 1].strip())
        # A page that parts only its articles has a blank line every few dozen lines at most.
        share = after_blank / max(1, len(filled))
        lengths = sorted(len(lines[k].strip()) for k in filled) or [0]
        # Short lines each followed by a blank line: a column extracted line by line. (Whole
        # paragraphs each followed by a blank line are an ordinary page of paragraphs.)
        every_line = share >= 0.6 and lengths[len(lengths) // 2] <= 40
        return cls(wrap_width(lines), share >= 0.15, every_line)


def reflow_paragraphs(lines: list[str]) -> list[Unit]:
    """Group a page's lines into units, joining lines that a hard wrap split."""
    nonempty = [i for i, line in enumerate(lines) if line.strip()]
    widths = [display_width(lines[i].strip()) for i in nonempty]
    frames = _frame_lines(lines, nonempty)
    layout = _Layout.of(lines)
    units: list[Unit] = []
    prev_line = -2
    for k, i in enumerate(nonempty):
        s = lines[i].strip()
        adjacent = i == prev_line + 1
        prev_line = i
        md = _MD_HEADING.match(s)
        if md:
            level = len(md.group(1))
            units.append(Unit("heading", [i], [lines[i]], gap_before=not adjacent, level=level))
            continue
        if i in frames:
            units.append(Unit("frame", [i], [lines[i]], gap_before=not adjacent))
            continue
        kind = _line_kind(s)
        cur = units[-1] if units else None
        opening = all(u.kind in ("frame", "webhead") for u in units[:-1])
        # The next two lines: a lead's credit may wrap ("海峡飞虹消息(特派香港" / "记者…)").
        after = "".join(lines[j].strip() for j in nonempty[k + 1 : k + 3])
        if kind == "heading" and after and (_opens_lead(after) or _is_credit_line(after)):
            cur = None  # a headline over its lead never carries on the text before it
        if cur and _continues(cur, s, kind, lines, adjacent, layout, opening):
            cur.take(i, lines[i])
            continue
        if kind == "heading":
            kind = _heading_or_column_line(k, nonempty, widths, lines, cur, adjacent)
        if kind == "caption" and cur and adjacent and _caption_wrapped(cur, lines, layout):
            # A caption's first line filled the column; its credit came on the next.
            cur.kind = "caption"
            cur.take(i, lines[i])
            continue
        if kind == "caption" and cur and cur.kind in ("caption", "item") and len(s) <= 8:
            # "資料圖片" printed on its own line under a caption.
            cur.kind = "caption"
            cur.take(i, lines[i])
            continue
        units.append(Unit(kind, [i], [lines[i]], gap_before=not adjacent))
    for u in units:
        # A bulleted line that turns out to describe a picture is a caption.
        if u.kind == "item" and _CAPTION_WORDS.search(u.text):
            u.kind = "caption"
    _frame_web_headers(units)
    _promote_headlines(units)
    return units


def _frame_web_headers(units: list[Unit]) -> None:
    """Web headers above a page's first headline or text (時間：… 來源：…, 來源：堅料網) say when
    and where the page appeared: they are the page's frame, like a printed page's header."""
    for u in units:
        if u.kind == "webhead" or (u.kind == "source_note" and is_web_header(u.text)):
            u.kind = "frame"
        elif u.kind != "frame":
            return


def _heading_or_column_line(
    k: int,
    nonempty: list[int],
    widths: list[int],
    lines: list[str],
    cur: Unit | None,
    adjacent: bool,
) -> UnitKind:
    """A headline-like line that fills a narrow column, flush against the text around it, is
    a wrapped line of that text; a real headline is shorter or stands apart."""
    col = _column_width(widths, k)
    # A headline set across columns is wider than the column; one set in it is narrower.
    if not col or not col - 4 <= widths[k] <= col + 2:
        return "heading"
    i = nonempty[k]
    nxt = nonempty[k + 1] if k + 1 < len(nonempty) else None
    next_adjacent = nxt == i + 1
    next_is_heading = nxt is not None and _is_heading_line(lines[nxt].strip())
    if next_adjacent and not next_is_heading:
        return "body"
    if cur is not None and cur.kind == "heading" and adjacent and not next_is_heading:
        return "body"
    return "heading"


def _continues(
    cur: Unit,
    s: str,
    kind: UnitKind,
    lines: list[str],
    adjacent: bool,
    layout: _Layout,
    opening: bool,
) -> bool:
    """Whether line s carries on the paragraph cur (the last line of cur ends mid-sentence).

    An ordered list of the layout's stop signs, most certain first (complexity 13): split into
    functions, the order they are tried in, which is the rule, would no longer be read here."""
    if cur.kind not in ("body", "caption", "item", "field"):
        return False
    if kind == "caption" and cur.kind not in ("item", "caption"):
        return False
    if cur.kind == "caption" and not adjacent and not layout.blank_after_every_line:
        return False  # a caption ends at a blank line
    if kind in ("table", "byline", "source_note", "field", "webhead") or s[0] in (
        _CAPTION_MARKS + _ITEM_MARKS + "【"
    ):
        return False
    if re.match(r"^[-–—*]\s", s) or _opens_lead(s):
        return False
    last = lines[cur.last].strip()
    if is_closed(last) or (cur.kind == "caption" and _CAPTION_CREDIT.search(last)):
        return False
    wrap = layout.wrap
    if wrap and len(cur.lines) == 1 and _wider_than_column(last, wrap):
        return False  # a headline set across the column, not the column's text
    if (
        wrap
        and adjacent
        and len(last) < wrap - 1
        and last[-1] not in _RUNS_ON
        and not _unclosed(last)
    ):
        # On a page cut at a fixed width, a short line ends its paragraph or headline.
        return False
    if opening and _stands_alone(cur, last, s, wrap):
        return False
    w_last = display_width(last)
    if w_last > 64:
        # A long line ending mid-sentence was cut by a column break; a headline is not its tail.
        return kind != "heading"
    if cur.kind == "field" and kind == "heading" and w_last > 40:
        return False  # a label:value line ends at its list; the next label heads a new entry
    widest = max(display_width(lines[j].strip()) for j in cur.lines[-4:])
    full = len(cur.lines) == 1 or w_last >= 0.8 * widest
    if cur.kind in ("item", "field"):
        # List items wrap in a narrow box: one runs on only while its lines fill the box,
        # measured against the lines before it (a one-line item is not full by itself).
        return full and w_last >= 0.8 * _recent_width(lines, cur.last)
    # Shaped text (a lead set in a triangle) narrows line by line, so allow some slack.
    return kind != "heading" or len(cur.lines) == 1 or w_last >= 0.7 * widest


def _caption_wrapped(cur: Unit, lines: list[str], layout: _Layout) -> bool:
    """Whether cur is the first line of a caption the page's column wrapped."""
    last = lines[cur.last].strip()
    return (
        layout.wrap is not None
        and cur.kind in ("heading", "body")
        and len(cur.lines) == 1
        and len(last) >= layout.wrap - 1
        and not is_closed(last)
    )


def _wider_than_column(line: str, wrap: int) -> bool:
    """Longer than the page's column; a punctuation mark hung past the edge does not count."""
    return len(line) > wrap + 1 or (len(line) == wrap + 1 and _HAN.match(line[-1]) is not None)


def _recent_width(lines: list[str], last: int, count: int = 4) -> int:
    """The widest of the last few non-empty lines up to line last: the box's or column's width."""
    widths: list[int] = []
    k = last
    while k >= 0 and len(widths) < count:
        if lines[k].strip():
            widths.append(display_width(lines[k].strip()))
        k -= 1
    return max(widths, default=0)


def _stands_alone(cur: Unit, last: str, s: str, wrap: int | None) -> bool:
    """A page's first line, short and without a closing stop, before a much longer one on a
    page of one line per paragraph: a headline with a comma or a question mark, not a wrap."""
    if wrap or cur.kind != "body" or len(cur.lines) != 1 or last[-1] in _RUNS_ON:
        return False
    if len(last) > _HEADLINE_MAX or "。" in last:
        return False
    return len(s) > max(40, 1.5 * len(last))


def _headline_shaped(u: Unit) -> bool:
    text = u.text
    if u.kind != "body" or u.level or len(u.lines) > 2 or not 4 <= len(text) <= _HEADLINE_MAX:
        return False
    # A headline may end with a question or an exclamation mark, never with a full stop.
    if text[-1] in "。；;…，、：:," or "。" in text:
        return False
    return len(_HAN.findall(text)) >= 4 and text.count("，") + text.count(",") <= 2


def _promote_headlines(units: list[Unit]) -> None:
    """A headline-shaped body unit followed by a lead, byline, web header, caption or a deck,
    or opening the page before its text, is a headline (a wire headline may hold a comma)."""
    real = [u for u in units if u.kind != "frame"]
    for n, u in enumerate(real):
        if not _headline_shaped(u):
            continue
        nxt = real[n + 1] if n + 1 < len(real) else None
        if nxt is None:
            continue
        prev = real[n - 1] if n else None
        opens = nxt.kind in ("byline", "webhead", "caption") or (
            nxt.kind == "body" and _opens_lead(nxt.text)
        )
        deck = nxt.kind == "heading" and not nxt.level
        first = prev is None and nxt.kind == "body" and len(nxt.text) > len(u.text)
        after_text = prev is None or prev.kind != "body" or is_closed(prev.text)
        if after_text and (opens or deck or first):
            u.kind = "heading"


# ---------------------------------------------------------------- headlines without a printed one


def _lead_title(paragraph: str) -> str:
    """A title for an article printed without a headline: its lead's first clause, after the
    source and reporter credit (南方日报讯 (记者/李明) 广州南沙昨日举行… → 广州南沙昨日举行…)."""
    text = paragraph
    credit = lead_credit(paragraph)
    if credit is not None and credit.printed and paragraph.startswith(credit.printed):
        text = paragraph[len(credit.printed) :].lstrip(" ：:，,")
    text = text.strip(" ／/|｜") or paragraph.strip()
    # The first clause, with the next joined while it is too short to say anything (23日起,…).
    pieces = re.split(r"([，。；！？,;!?])", text)
    clause = pieces[0]
    k = 1
    while len(clause.strip()) < 6 and k + 1 < len(pieces) and pieces[k] in "，,":
        clause += pieces[k] + pieces[k + 1]
        k += 2
    clause = clause.strip()
    if 6 <= len(clause) <= 60:
        return clause
    return text[:30] + ("…" if len(text) > 30 else "")


# ---------------------------------------------------------------- heading blocks


def _is_label(text: str, longest: int) -> bool:
    """A kicker or column tag: short, marked as a series (·, ②), a Latin column name, or a
    short quoted tag such as 「國之重器」＋跨境合作."""
    if len(text) <= 8 and longest > len(text):
        return True
    if text.startswith("「") and len(text) <= 12 and " " not in text:
        return True
    return bool(_LABEL_SIGNS.search(text))


@lru_cache(maxsize=1)
def _surnames() -> frozenset[str]:
    """The project's one surname list (entities/surnames.tsv, both scripts, compound surnames
    too): a columnist's name printed alone under a column's headline starts with one."""
    text = files("gba_tui.entities").joinpath("surnames.tsv").read_text("utf-8")
    return frozenset(
        cell
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
        for cell in line.split("\t")
        if cell.strip()
    )


def _is_author(text: str) -> bool:
    if not (2 <= len(text) <= 3 and all(_HAN.match(c) for c in text)):
        return False
    return text[0] in _surnames() or text[:2] in _surnames()


@dataclass
class Headline:
    title: str = ""
    kicker: str = ""
    subtitle: str = ""
    author: str = ""
    decks: int = 0  # how many printed units the block had: more than one marks a new article


def _one_headline(before: str, after: str) -> bool:
    """Whether two adjacent heading lines are one headline printed over two lines. A columnist's
    name under the headline is not part of it, nor is a column's short tag above it."""
    if len(before) + len(after) > 30 or _is_author(after):
        return False
    return not (len(before) <= 6 and len(after) >= 2 * len(before))


def _heading_texts(block: list[Unit]) -> list[str]:
    """Join a headline printed over two adjacent lines; keep separate decks apart."""
    texts: list[str] = []
    for u in block:
        t = u.text.strip()
        if texts and not u.gap_before and _one_headline(texts[-1], t):
            texts[-1] = f"{texts[-1]} {t}"
        else:
            texts.append(t)
    return texts


def parse_headline(block: list[Unit]) -> Headline:
    texts = _heading_texts(block)
    author = ""
    if len(texts) > 1 and _is_author(texts[-1]):
        author = texts.pop()
    longest = max(len(t) for t in texts)
    labels = [_is_label(t, longest) for t in texts]
    candidates = [i for i, t in enumerate(texts) if not labels[i] and len(t) >= 5]
    if not candidates:
        candidates = list(range(len(texts)))
    # Printed order is kicker, headline, subtitle. The headline is set in the largest type, so
    # of the first two full decks it is the one with fewer characters (the subtitle explains);
    # a short deck after the subtitle is a tag.
    h = min(candidates[:2], key=lambda i: (len(texts[i]), i))
    kicker = [t for i, t in enumerate(texts) if i < h or (i > h and labels[i])]
    subtitle = [t for i, t in enumerate(texts) if i > h and not labels[i]]
    if len(subtitle) > 1 and len(subtitle[-1]) <= 10 and " " not in subtitle[-1]:
        kicker.append(subtitle.pop())
    joined = any(not u.gap_before for u in block[1:])
    return Headline(
        title=texts[h],
        kicker=" ".join(kicker),
        subtitle=" ".join(subtitle),
        author=author,
        decks=len(texts) + (1 if author else 0) + (1 if joined else 0),
    )


# ---------------------------------------------------------------- the page


@dataclass
class _Draft:
    start_unit: int
    headline: Headline
    units: list[int] = field(default_factory=list)  # indices into the page's units
    has_byline: bool = False
    has_lead: bool = False
    has_prose: bool = False


def _blocks(units: list[Unit]) -> dict[int, int]:
    """Runs of consecutive heading units: first index → last index + 1."""
    runs: dict[int, int] = {}
    i = 0
    while i < len(units):
        if units[i].kind == "heading":
            j = i + 1
            # A Markdown "# " heading always opens a block of its own.
            while j < len(units) and units[j].kind == "heading" and units[j].level != 1:
                j += 1
            runs[i] = j
            i = j
        else:
            i += 1
    return runs


def _is_prose(u: Unit) -> bool:
    return u.kind == "body" and (len(u.text) >= 150 or _opens_lead(u.text))


def _opens_next_article(units: list[Unit], j: int) -> bool:
    """A lead, or a byline under a headline: not a box's line (a box's own credit, such as
    記者 X 整理, closes the box and is followed by no text of its own)."""
    u = units[j]
    if u.kind == "body":
        return _opens_lead(u.text)
    if u.kind in ("byline", "webhead"):
        return j > 0 and units[j - 1].kind == "heading"
    return False


def _box_end(units: list[Unit], start: int, end_of_block: int) -> int | None:
    """If the heading block at start opens a side box, the index just past the box."""
    j = end_of_block
    last_heading = None
    boxy = False
    while j < len(units):
        u = units[j]
        if u.kind == "heading":
            if last_heading is None or units[j - 1].kind != "heading":
                last_heading = j
        elif _is_prose(u):
            if last_heading is None:
                return None
            j = last_heading
            break
        elif u.kind == "source_note":
            boxy = True
            j += 1
            break
        elif u.kind in ("item", "field", "table"):
            boxy = True
        elif u.kind == "byline" and not boxy:
            return None
        elif _opens_next_article(units, j):
            # A lead, or a headline's byline, after the box's lines belongs to the next
            # article, and so does the headline above it.
            j = last_heading if last_heading is not None and last_heading > end_of_block else j
            break
        j += 1
    return j if boxy else None


def _reads_as_headline(units: list[Unit], start: int, layout: _Layout) -> bool:
    """A heading that cannot be a crosshead: set wider than the page's column, or standing
    after a blank line on a page whose paragraphs are not parted by blank lines."""
    if layout.wrap and max(len(r.strip()) for r in units[start].raw) > layout.wrap + 2:
        return True
    return not layout.blank_lines_part_paragraphs and units[start].gap_before and start > 0


def _starts_article(
    units: list[Unit],
    start: int,
    end: int,
    headline: Headline,
    current: _Draft,
    blocks: dict[int, int],
    layout: _Layout,
) -> bool:
    """Whether the heading block units[start:end] opens a new article or heads a section."""
    if current.has_prose and _reads_as_headline(units, start, layout):
        return True
    nxt = end
    while nxt < len(units) and units[nxt].kind == "caption":
        nxt += 1
    if nxt < len(units):
        after = units[nxt]
        if after.kind == "body" and _opens_lead(after.text):
            return True
        if after.kind == "webhead":
            return True
        if nxt > end and after.kind in ("body", "byline") and current.has_prose:
            return True  # a headline over a photo and its caption, then the text
        if nxt == end and after.kind == "byline" and current.has_prose:
            return True
    kicker = headline.kicker
    if headline.decks >= 2 and (len(kicker) <= 16 or _LABEL_SIGNS.search(kicker)):
        # Kicker, headline and subtitle open an article; two long lines with no short headline
        # among them are captions or crossheads (a kicker is a tag, never a sentence).
        return True
    section_end = next((a for a in sorted(blocks) if a >= end), len(units))
    own_byline = any(u.kind == "byline" for u in units[end:section_end])
    return own_byline and current.has_byline


def _opens_headless_report(u: Unit, current: _Draft) -> bool:
    """A new dateline in the running text opens a report printed without a headline."""
    return u.kind == "body" and current.has_prose and _opens_lead(u.text)


def _take_block(
    units: list[Unit],
    i: int,
    blocks: dict[int, int],
    layout: _Layout,
    drafts: list[_Draft],
    boxes: list[tuple[int, int]],
) -> int:
    """Place the heading block at i: a section heading, a side box, a new article's headline
    or a crosshead of the current one. Returns the index after what it took."""
    u, end = units[i], blocks[i]
    if u.level > 1 and drafts:
        # A Markdown section heading: part of the article it sits in, never a new one.
        drafts[-1].units.extend(range(i, end))
        return end
    box_end = None if u.level == 1 else _box_end(units, i, end)
    if box_end is not None:
        boxes.append((i, box_end))
        if not drafts:
            drafts.append(_Draft(i, Headline()))
        drafts[-1].units.extend(k for k in range(i, box_end) if units[k].kind != "frame")
        return box_end
    headline = parse_headline(units[i:end])
    opens = not drafts or u.level == 1
    if opens or _starts_article(units, i, end, headline, drafts[-1], blocks, layout):
        drafts.append(_Draft(i, headline, list(range(i, end)), has_byline=bool(headline.author)))
    else:
        drafts[-1].units.extend(range(i, end))
    return end


def _take_unit(
    units: list[Unit], i: int, drafts: list[_Draft], boxes: list[tuple[int, int]]
) -> None:
    """Add a text unit to the current article (a new dateline opens a headline-less one)."""
    u = units[i]
    if not drafts or _opens_headless_report(u, drafts[-1]):
        drafts.append(_Draft(i, Headline()))
    d = drafts[-1]
    d.units.append(i)
    if u.kind == "byline" and not _in_box(i, boxes):
        d.has_byline = True
    if u.kind == "body" and _opens_lead(u.text):
        d.has_byline = d.has_lead = True
    if _is_prose(u) or (u.kind == "body" and len(u.text) >= 40):
        d.has_prose = True


def _cut_drafts(units: list[Unit], lines: list[str]) -> tuple[list[_Draft], list[tuple[int, int]]]:
    """The page's units grouped into articles, and the spans of units that are side boxes."""
    layout = _Layout.of(lines)
    drafts: list[_Draft] = []
    boxes: list[tuple[int, int]] = []
    blocks = _blocks(units)
    i = 0
    while i < len(units):
        if units[i].kind == "frame":
            i += 1
        elif i in blocks:
            i = _take_block(units, i, blocks, layout, drafts, boxes)
        else:
            _take_unit(units, i, drafts, boxes)
            i += 1
    return drafts, boxes


def _in_box(i: int, boxes: list[tuple[int, int]]) -> bool:
    return any(a <= i < b for a, b in boxes)


# ---------------------------------------------------------------- one article's parts


@dataclass
class _Parts:
    """What one article's units become, filled unit by unit in reading order."""

    paragraphs: list[str] = field(default_factory=list)
    subheadings: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    bylines: list[Credit] = field(default_factory=list)
    web_headers: list[Credit] = field(default_factory=list)
    byline_text: str = ""
    pending_items: list[str] = field(default_factory=list)
    pending_title: str = ""
    table_rows: list[tuple[str, ...]] = field(default_factory=list)
    table_title: str = ""
    box_span: tuple[int, int] | None = None
    box_lines: list[str] = field(default_factory=list)
    box_title: str = ""

    def flush_items(self) -> None:
        """A run of list items is a box; a lone heading before ordinary text is a crosshead."""
        if self.pending_items:
            self.boxes.append(Box(self.pending_title, tuple(self.pending_items)))
        elif self.pending_title:
            self.subheadings.append(self.pending_title)
            self.paragraphs.append(self.pending_title)
        self.pending_items, self.pending_title = [], ""

    def flush_table(self, note: str = "") -> None:
        if self.table_rows:
            self.tables.append(Table(self.table_title, tuple(self.table_rows), note))
        self.table_rows, self.table_title = [], ""

    def flush_box(self) -> None:
        if self.box_title or self.box_lines:
            self.boxes.append(Box(self.box_title, tuple(self.box_lines)))
        self.box_lines, self.box_title, self.box_span = [], "", None

    def add_boxed(self, u: Unit, span: tuple[int, int]) -> None:
        """A unit inside a side box: its title, a table row, a note, or one of its lines."""
        if span != self.box_span:
            self.flush_items()
            self.flush_box()
            self.box_span = span
        text = u.text
        if u.kind == "table":
            if not self.table_rows:
                self.table_title, self.box_title = self.box_title, ""
            self.table_rows.append(_cells(u))
        elif u.kind == "source_note" and self.table_rows:
            self.flush_table(text)
        elif u.kind == "heading" and not self.box_title and not self.box_lines:
            self.box_title = text
        else:
            self.box_lines.append(text)

    def add(self, u: Unit) -> None:
        """A unit of the article's own text."""
        if self.box_span is not None:
            self.flush_table()
            self.flush_box()
        text = u.text
        if u.kind == "table":
            self.table_rows.append(_cells(u))
            return
        if self.table_rows and u.kind == "source_note":
            self.flush_table(text)
            return
        self.flush_table()
        if u.kind == "item":
            self.pending_items.append(text)
            return
        if u.kind == "heading":
            self.flush_items()
            self.pending_title = text
            return
        self.flush_items()
        if u.kind == "caption":
            self.captions.append(text)
        elif u.kind == "byline" and not self.byline_text:
            self.byline_text = text
            credit = byline_credit(text) or lead_credit(text)
            if credit is not None:
                self.bylines.append(credit)
        elif u.kind in ("body", "field"):
            self.paragraphs.append(text)
        elif u.kind == "webhead":
            self.web_headers.append(web_header_credit(text))
            self.extras.append(text)
        else:
            self.extras.append(text)

    def close(self) -> None:
        self.flush_items()
        self.flush_table()
        self.flush_box()


def _cells(u: Unit) -> tuple[str, ...]:
    return tuple(c.strip() for c in u.raw[0].strip("\n").split("\t"))


# ---------------------------------------------------------------- who, where and when


@dataclass(frozen=True)
class _PageFacts:
    """What the page's frame says for every article on it."""

    header: tuple[str, ...] = ()
    paper: str = ""
    date: DateParts | None = None


def _page_facts(units: list[Unit]) -> _PageFacts:
    texts = [u.text for u in units if u.kind == "frame"]
    known = [f for t in texts if (f := read_frame(t, at_edge=True)) is not None]
    web = [web_header_credit(t) for t in texts if is_web_header(t)]
    paper = next((f.paper for f in known if f.paper), "") or next(
        (c.source for c in web if c.source), ""
    )
    dates = [f.date for f in known if f.date is not None and f.date.year and f.date.month]
    dates += [c.published for c in web if c.published is not None]
    date = max(dates, key=lambda d: d.day is not None) if dates else None
    return _PageFacts(tuple(texts), paper, date)


def _article_credit(parts: _Parts, page: _PageFacts) -> Credit:
    """The article's credit: its lead, then its byline, web header, end byline and citation;
    a wire story run by a paper keeps the paper as source and the wire as agency."""
    lead = next((c for p in parts.paragraphs[:2] if (c := lead_credit(p)) is not None), None)
    credit = lead or Credit()
    for other in [*parts.bylines, *parts.web_headers]:
        credit = credit.merged(other)
    tail = parts.paragraphs[-1] if parts.paragraphs else ""
    end = end_byline(tail) if tail else None
    if end is not None:
        credit = credit.merged(end)
    for text in reversed(parts.paragraphs[-3:] + parts.extras[-3:]):
        cited = print_citation(text)
        if cited is not None:
            credit = credit.merged(cited)
            break
    paper = next((c.source for c in parts.web_headers if c.source), "") or page.paper
    if credit.source and paper and paper != credit.source:
        # The page's paper printed it; the outlet the lead names delivered it (a wire, or
        # another paper's report it reprints).
        credit = replace(credit, source=paper, agency=credit.source)
    if not credit.source and paper:
        credit = replace(credit, source=paper)
    return credit


def _article_date(credit: Credit, parts: _Parts, page: _PageFacts) -> str:
    """The report's day: its dateline's day completed with the month and year the page or web
    header prints, else the date the page or web header prints, else a full date in the lead's
    first sentence, else the month the page header gives."""
    context = credit.published or page.date
    if credit.filed is not None:
        filed = credit.filed.completed_by(context)
        if filed.iso and filed.day is not None:
            return filed.iso
    if credit.published is not None and credit.published.iso:
        return credit.published.iso
    if page.date is not None and page.date.day is not None:
        return page.date.iso
    lead = parts.paragraphs[0] if parts.paragraphs else ""
    first_sentence = re.split(r"[。！？]", lead, maxsplit=1)[0][:80]
    stated = full_date(first_sentence)
    if stated is not None:
        return stated.iso
    return page.date.iso if page.date is not None else ""


# ---------------------------------------------------------------- assembling an article


def _headline_units(d: _Draft, units: list[Unit]) -> set[int]:
    """The units of the draft's headline block, consumed by title, kicker and subtitle."""
    taken: set[int] = set()
    if not d.headline.title:
        return taken
    k = d.start_unit
    while k < len(units) and units[k].kind == "heading" and k in d.units:
        taken.add(k)
        k += 1
    return taken


def _build(
    page: Page,
    n: int,
    d: _Draft,
    units: list[Unit],
    boxes: list[tuple[int, int]],
    facts: _PageFacts,
) -> Article:
    head = d.headline
    parts = _Parts(byline_text=head.author)
    skip = _headline_units(d, units)
    for k in d.units:
        if k in skip:
            continue
        span = next(((a, b) for a, b in boxes if a <= k < b), None)
        if span is not None:
            parts.add_boxed(units[k], span)
        else:
            parts.add(units[k])
    parts.close()
    if head.title and parts.paragraphs and _same_words(parts.paragraphs[0], head.title):
        # A web page that prints its headline twice: the copy is not the lead.
        parts.extras.insert(0, parts.paragraphs.pop(0))
    credit = _article_credit(parts, facts)
    reporters = (head.author,) if head.author else credit.reporters
    title = head.title
    if not title:
        first = next(iter(parts.paragraphs), next(iter(parts.captions), page.path))
        title = _lead_title(first)
    all_lines = [ln for k in d.units for ln in units[k].lines]
    return Article(
        id=article_id(page.path, n),
        path=page.path,
        line_start=min(all_lines) + 1,
        line_end=max(all_lines) + 1,
        title=title,
        kicker=head.kicker,
        subtitle=head.subtitle,
        byline=tuple(reporters),
        byline_text=parts.byline_text,
        dateline=credit.dateline,
        source=credit.source,
        agency=credit.agency,
        date=_article_date(credit, parts, facts),
        page_header=facts.header,
        title_printed=bool(head.title),
        paragraphs=tuple(parts.paragraphs),
        subheadings=tuple(parts.subheadings),
        captions=tuple(parts.captions),
        boxes=tuple(parts.boxes),
        tables=tuple(parts.tables),
        extras=tuple(parts.extras),
    )


def _same_words(a: str, b: str) -> bool:
    squeeze = re.compile(r"\s+")
    return squeeze.sub("", a) == squeeze.sub("", b)


def segment_page(page: Page) -> list[Article]:
    """Cut one page into its articles; every non-empty line lands in exactly one article, or in
    the page's frame (its running header and footer), which every article carries."""
    units = reflow_paragraphs(page.lines)
    if not units:
        return []
    drafts, boxes = _cut_drafts(units, page.lines)
    facts = _page_facts(units)
    articles = [_build(page, n, d, units, boxes, facts) for n, d in enumerate(drafts, start=1)]
    page_source = Counter(a.source for a in articles if a.source).most_common(1)
    if page_source:
        src = page_source[0][0]
        articles = [a if a.source else replace(a, source=src) for a in articles]
    return articles
