"""Page → articles: headline, kicker, subtitle, byline, source, captions, boxes, tables.

The rules read layout the way a sub-editor would: headlines are short lines without sentence
punctuation, an article starts where a headline block carries a kicker or subtitle, or is followed
by a source marker (【大公報訊】) or its own byline; side boxes are runs of list items, label:value
lines and "資料來源" notes; crossheads are single headline-like lines inside an article.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

from gba_tui.corpus.ids import article_id
from gba_tui.corpus.model import Article, Box, Page, Table
from gba_tui.corpus.reflow import display_width, is_closed, join_wrapped

# Bump when segmentation changes its output: indexes built before are rebuilt on next use.
SEGMENTER_VERSION = 4

# ---------------------------------------------------------------- line and paragraph patterns

_CAPTION_MARKS = "▲▶◀▼△►"
_ITEM_MARKS = "●■◆◇•・※"
_CAPTION_CREDIT = re.compile(
    r"(?:攝|摄|供圖|供图|資料圖片|资料图片|新華社|新华社|中新社|圖片來源[^。]*)$"
)
_CAPTION_WORDS = re.compile(r"圖為|图为|圖片|图片|供圖|供图|攝$|摄$|新華社$|新华社$|中新社$")
_SOURCE_MARKER = re.compile(r"^【(?P<src>[^】]{2,12}?)(?:訊|讯)】")
_SOURCE_MARKER_INLINE = re.compile(
    r"^(?P<src>[\u4e00-\u9fff]{2,8}?)(?:訊|讯)\s*[（(](?P<who>[^）)]{0,40})[）)]"
)
_REPORTER = re.compile(r"(?:記者|记者|通訊員|通讯员)")
_BYLINE_LINE = re.compile(
    r"^[●■◆]?\s*(?:文\s*[/／]\s*)?(?P<src>[\u4e00-\u9fff]{0,12}?)"
    r"(?:全媒體|全媒体)?(?:記者|记者|通訊員|通讯员)\s*(?P<rest>[^，。：:；]{1,30})$"
)
_DESK_BYLINE = re.compile(
    r"^(?P<src>[\u4e00-\u9fff]{2,10}?)(?:綜合報道|综合报道|綜合报道|編譯|编译)$"
)
_REPORT_WORDS = re.compile(r"(?:報道|报道|報導|报导|整理|攝|摄|撰文)$")
_SOURCE_NOTE = re.compile(r"^(?:資料來源|资料来源|來源|来源|數據來源|数据来源)[：:]")
_FIELD_LINE = re.compile(r"^[^\s：:，。]{2,10}[：:].*[、，,]")
# Users' own folders hold Markdown: "# " opens an article, "## " and deeper head a section.
_MD_HEADING = re.compile(r"^(#{1,6})\s+(?=\S)")
_SENTENCE_PUNCT = re.compile(r"[，。；,;]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LABEL_SIGNS = re.compile(r"[·‧•②③④⑤⑥①⑦⑧⑨]|[A-Za-z]{3,}")

# Common surnames: an author's name printed alone under a column headline starts with one.
_SURNAMES = set(
    "王李張张劉刘陳陈楊杨黃黄趙赵吳吴周徐孫孙馬马朱胡郭何高林羅罗鄭郑梁謝谢宋唐許许韓韩馮冯"
    "鄧邓曹彭曾蕭萧田董袁潘于蔣蒋蔡余杜葉叶程蘇苏魏呂吕丁任沈姚盧卢姜崔鍾钟譚谭陸陆汪范金石"
    "廖賈贾夏韋韦付方白鄒邹孟熊秦邱江尹薛閻闫段雷侯龍龙史陶黎賀贺顧顾毛郝龔龚邵萬万錢钱嚴严"
    "覃武戴莫孔向湯汤倪凌莊庄丘盛"
)

# Dateline cities that follow a reporter's name ("記者盧靜怡廣州報道").
_DATELINE_CITIES = [
    "香港",
    "澳門",
    "澳门",
    "廣州",
    "广州",
    "深圳",
    "珠海",
    "佛山",
    "東莞",
    "东莞",
    "中山",
    "江門",
    "江门",
    "惠州",
    "肇慶",
    "肇庆",
    "北京",
    "上海",
    "天津",
    "重慶",
    "重庆",
    "西安",
    "杭州",
    "南京",
    "武漢",
    "武汉",
    "成都",
    "長沙",
    "长沙",
    "鄭州",
    "郑州",
    "濟南",
    "济南",
    "青島",
    "青岛",
    "廈門",
    "厦门",
    "福州",
    "南寧",
    "南宁",
    "海口",
    "三亞",
    "三亚",
    "合肥",
    "南昌",
    "昆明",
    "貴陽",
    "贵阳",
    "蘭州",
    "兰州",
    "瀋陽",
    "沈阳",
    "大連",
    "大连",
    "哈爾濱",
    "哈尔滨",
    "長春",
    "长春",
    "石家莊",
    "石家庄",
    "太原",
    "呼和浩特",
    "銀川",
    "银川",
    "西寧",
    "西宁",
    "烏魯木齊",
    "乌鲁木齐",
    "拉薩",
    "拉萨",
    "台北",
    "臺北",
    "南沙",
    "前海",
    "橫琴",
    "横琴",
    "河套",
    "蘇州",
    "苏州",
    "寧波",
    "宁波",
    "無錫",
    "无锡",
    "溫州",
    "温州",
    "汕頭",
    "汕头",
    "湛江",
    "倫敦",
    "伦敦",
    "紐約",
    "纽约",
    "東京",
    "东京",
    "新加坡",
    "華盛頓",
    "华盛顿",
    "日內瓦",
    "日内瓦",
    "首爾",
    "首尔",
    "北京報道",
]


@lru_cache(maxsize=1)
def _to_traditional():  # type: ignore[no-untyped-def]
    from gba_tui.text.script import to_traditional

    return to_traditional


def canonical_source(name: str) -> str:
    """A paper's name in its Traditional form, so 北京商报 and 北京商報 are one source."""
    name = name.strip().strip("●■◆ ")
    if name in ("本報", "本报", ""):
        return ""
    return _to_traditional()(name)


# ---------------------------------------------------------------- paragraphs with provenance


@dataclass
class Unit:
    """A reflowed run of lines: one paragraph, heading, caption, item, table row or byline."""

    kind: str
    lines: list[int]  # 0-based line numbers on the page
    raw: list[str]
    gap_before: bool = True  # a blank line separates it from what came before
    level: int = 0  # a Markdown heading's level (# is 1); 0 for a printed page's lines

    @property
    def text(self) -> str:
        if self.level:
            return _MD_HEADING.sub("", self.raw[0].strip(), count=1).strip()
        if self.kind in ("heading", "table", "byline"):
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
    return not (_BYLINE_LINE.match(s) or _DESK_BYLINE.match(s) or _SOURCE_NOTE.match(s))


def _is_byline_line(s: str) -> bool:
    if len(s) > 40:
        return False
    m = _BYLINE_LINE.match(s)
    if m:
        rest = m.group("rest").strip()
        # "記者 毛麗娟" or "記者盧靜怡廣州報道": a short name run, not a sentence about reporters.
        return len(rest) <= 16 and not _SENTENCE_PUNCT.search(rest)
    return bool(_DESK_BYLINE.match(s))


def _line_kind(s: str) -> str:
    if "\t" in s.strip("\t") and len([c for c in s.split("\t") if c.strip()]) >= 2:
        return "table"
    if s[0] in _CAPTION_MARKS:
        return "caption"
    if _is_byline_line(s):
        return "byline"
    if s[0] in _ITEM_MARKS or re.match(r"^[-–—*]\s", s):
        return "item"
    if _SOURCE_NOTE.match(s):
        return "source_note"
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


def reflow_paragraphs(lines: list[str]) -> list[Unit]:
    """Group a page's lines into units, joining lines that a hard wrap split."""
    nonempty = [i for i, line in enumerate(lines) if line.strip()]
    widths = [display_width(lines[i].strip()) for i in nonempty]
    units: list[Unit] = []
    prev_line = -2
    for k, i in enumerate(nonempty):
        s = lines[i].strip()
        adjacent = i == prev_line + 1
        md = _MD_HEADING.match(s)
        if md:
            level = len(md.group(1))
            units.append(Unit("heading", [i], [lines[i]], gap_before=not adjacent, level=level))
            prev_line = i
            continue
        kind = _line_kind(s)
        cur = units[-1] if units else None
        if cur and _continues(cur, s, kind, lines):
            cur.lines.append(i)
            cur.raw.append(lines[i])
            prev_line = i
            continue
        if kind == "heading":
            kind = _heading_or_column_line(k, nonempty, widths, lines, cur, adjacent)
        if kind == "caption" and cur and cur.kind in ("caption", "item") and len(s) <= 8:
            # "資料圖片" printed on its own line under a caption.
            cur.kind = "caption"
            cur.lines.append(i)
            cur.raw.append(lines[i])
            prev_line = i
            continue
        units.append(Unit(kind, [i], [lines[i]], gap_before=not adjacent))
        prev_line = i
    for u in units:
        # A bulleted line that turns out to describe a picture is a caption.
        if u.kind == "item" and _CAPTION_WORDS.search(u.text):
            u.kind = "caption"
    return units


def _heading_or_column_line(
    k: int,
    nonempty: list[int],
    widths: list[int],
    lines: list[str],
    cur: Unit | None,
    adjacent: bool,
) -> str:
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


def _continues(cur: Unit, s: str, kind: str, lines: list[str]) -> bool:
    """Whether line s carries on the paragraph cur (the last line of cur ends mid-sentence)."""
    if cur.kind not in ("body", "caption", "item", "field"):
        return False
    if kind == "caption" and cur.kind not in ("item", "caption"):
        return False
    if (
        kind in ("table", "byline", "source_note", "field")
        or s[0] in _CAPTION_MARKS + _ITEM_MARKS + "【"
    ):
        return False
    if re.match(r"^[-–—*]\s", s):
        return False
    last = lines[cur.last].strip()
    if is_closed(last) or (cur.kind == "caption" and _CAPTION_CREDIT.search(last)):
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
        # List items wrap in a narrow box: one runs on only while its lines fill the box.
        return full
    # Shaped text (a lead set in a triangle) narrows line by line, so allow some slack.
    return kind != "heading" or len(cur.lines) == 1 or w_last >= 0.7 * widest


# ---------------------------------------------------------------- bylines and sources


def split_names(rest: str) -> tuple[tuple[str, ...], str]:
    """'盧靜怡廣州報道' → (('盧靜怡',), '廣州'); '李陽波、張仕珍西安報道' → both names, '西安'."""
    rest = _REPORT_WORDS.sub("", rest.strip()).strip()
    city = ""
    for c in sorted(_DATELINE_CITIES, key=len, reverse=True):
        if rest.endswith(c) and len(rest) > len(c) + 1:
            city, rest = c, rest[: -len(c)]
            break
    names = tuple(n for n in re.split(r"[、，,\s/／]+", rest) if 2 <= len(n) <= 4 and _HAN.match(n))
    return names, city


@dataclass
class Credit:
    source: str = ""
    names: tuple[str, ...] = ()
    city: str = ""
    printed: str = ""


def byline_credit(s: str) -> Credit:
    m = _BYLINE_LINE.match(s)
    if m:
        names, city = split_names(m.group("rest"))
        return Credit(canonical_source(m.group("src") or ""), names, city, s)
    m = _DESK_BYLINE.match(s)
    if m:
        return Credit(canonical_source(m.group("src")), (), "", s)
    return Credit(printed=s)


def marker_credit(paragraph: str) -> Credit | None:
    """Source and reporters from the opening marker of a report: 【大公報訊】記者X廣州報道：…"""
    m = _SOURCE_MARKER.match(paragraph)
    if m:
        after = paragraph[m.end() : m.end() + 40]
        credit = Credit(canonical_source(m.group("src")), printed=m.group(0))
        head = re.split(r"[：:]", after, maxsplit=1)[0]
        r = _REPORTER.search(head)
        if r and len(head) < 36:
            credit.names, credit.city = split_names(head[r.end() :])
            credit.printed = head
        return credit
    m = _SOURCE_MARKER_INLINE.match(paragraph)
    if m:
        who = m.group("who")
        r = _REPORTER.search(who)
        names, city = split_names(who[r.end() :]) if r else ((), "")
        return Credit(canonical_source(m.group("src")), names, city, m.group(0))
    return None


def _lead_title(paragraph: str) -> str:
    """A title for an article printed without a headline: its lead's first clause, after the
    source and reporter marker (南方日报讯 (记者/李明) 广州南沙昨日举行… → 广州南沙昨日举行…)."""
    text = paragraph
    credit = marker_credit(paragraph)
    if credit is not None and credit.printed and paragraph.startswith(credit.printed):
        text = paragraph[len(credit.printed) :].lstrip(" ：:，,")
    text = text.strip() or paragraph.strip()
    clause = re.split(r"[，。；！？,;!?]", text, maxsplit=1)[0].strip()
    if 6 <= len(clause) <= 30:
        return clause
    return text[:24] + ("…" if len(text) > 24 else "")


# ---------------------------------------------------------------- heading blocks


def _is_label(text: str, longest: int) -> bool:
    """A kicker or column tag: short, marked as a series (·, ②), a Latin column name, or a
    short quoted tag such as 「國之重器」＋跨境合作."""
    if len(text) <= 8 and longest > len(text):
        return True
    if text.startswith("「") and len(text) <= 12 and " " not in text:
        return True
    return bool(_LABEL_SIGNS.search(text))


def _is_author(text: str) -> bool:
    return 2 <= len(text) <= 3 and text[0] in _SURNAMES and all(_HAN.match(c) for c in text)


@dataclass
class Headline:
    title: str = ""
    kicker: str = ""
    subtitle: str = ""
    author: str = ""
    decks: int = 0  # how many printed units the block had: more than one marks a new article


def _heading_texts(block: list[Unit]) -> list[str]:
    """Join a headline printed over two adjacent lines; keep separate decks apart."""
    texts: list[str] = []
    for u in block:
        t = u.text.strip()
        if texts and not u.gap_before and len(texts[-1]) + len(t) <= 30:
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
    units: list[Unit] = field(default_factory=list)
    credit: Credit = field(default_factory=Credit)
    has_byline: bool = False


def _blocks(units: list[Unit]) -> list[tuple[int, int]]:
    """Runs of consecutive heading units, as (first, last+1) indices."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        if units[i].kind == "heading":
            j = i + 1
            # A Markdown "# " heading always opens a block of its own.
            while j < len(units) and units[j].kind == "heading" and units[j].level != 1:
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def _is_prose(u: Unit) -> bool:
    return u.kind == "body" and (len(u.text) >= 150 or bool(marker_credit(u.text)))


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
        j += 1
    return j if boxy else None


def segment_page(page: Page) -> list[Article]:
    """Cut one page into its articles; every non-empty line lands in exactly one article."""
    lines = page.lines
    units = reflow_paragraphs(lines)
    if not units:
        return []
    drafts: list[_Draft] = []
    boxes: list[tuple[int, int]] = []  # unit spans that are side boxes
    i = 0
    blocks = {a: b for a, b in _blocks(units)}
    while i < len(units):
        if i in blocks and units[i].level > 1 and drafts:
            # A Markdown section heading: part of the article it sits in, never a new one.
            drafts[-1].units.extend(units[i : blocks[i]])
            i = blocks[i]
            continue
        if i in blocks:
            end = blocks[i]
            box_end = None if units[i].level == 1 else _box_end(units, i, end)
            if box_end is not None:
                boxes.append((i, box_end))
                if not drafts:
                    drafts.append(_Draft(i, Headline()))
                drafts[-1].units.extend(units[i:box_end])
                i = box_end
                continue
            headline = parse_headline(units[i:end])
            if (
                not drafts
                or units[i].level == 1
                or _starts_article(units, i, end, headline, drafts[-1], blocks)
            ):
                drafts.append(
                    _Draft(i, headline, list(units[i:end]), has_byline=bool(headline.author))
                )
            else:
                drafts[-1].units.extend(units[i:end])
            i = end
            continue
        if not drafts:
            drafts.append(_Draft(i, Headline()))
        d = drafts[-1]
        u = units[i]
        d.units.append(u)
        if (
            u.kind == "byline"
            and not _in_box(i, boxes)
            or u.kind == "body"
            and marker_credit(u.text)
        ):
            d.has_byline = True
        i += 1
    articles = [_build(page, n, d, units, boxes) for n, d in enumerate(drafts, start=1)]
    page_source = Counter(a.source for a in articles if a.source).most_common(1)
    if page_source:
        src = page_source[0][0]
        articles = [a if a.source else replace(a, source=src) for a in articles]
    return articles


def _in_box(i: int, boxes: list[tuple[int, int]]) -> bool:
    return any(a <= i < b for a, b in boxes)


def _starts_article(
    units: list[Unit], start: int, end: int, headline: Headline, current: _Draft, blocks: dict
) -> bool:
    # What follows the headline up to the next heading block is this block's own section.
    nxt = end
    while nxt < len(units) and units[nxt].kind in ("caption",):
        nxt += 1
    if nxt < len(units) and units[nxt].kind == "body" and marker_credit(units[nxt].text):
        return True
    if headline.decks >= 2:
        return True
    section_end = next((a for a in sorted(blocks) if a >= end), len(units))
    own_byline = any(u.kind == "byline" for u in units[end:section_end])
    return own_byline and current.has_byline


def _build(
    page: Page, n: int, d: _Draft, units: list[Unit], boxes: list[tuple[int, int]]
) -> Article:
    head = d.headline
    paragraphs: list[str] = []
    subheadings: list[str] = []
    captions: list[str] = []
    box_list: list[Box] = []
    tables: list[Table] = []
    extras: list[str] = []
    credit = Credit()
    byline_text = ""
    in_headline = set()
    if head.title:
        # The heading block's units are consumed by the headline fields.
        k = d.start_unit
        while k < len(units) and units[k].kind == "heading" and units[k] in d.units:
            in_headline.add(id(units[k]))
            k += 1
    byline_names: tuple[str, ...] = (head.author,) if head.author else ()
    if head.author:
        byline_text = head.author

    pending_items: list[str] = []
    pending_title = ""

    def flush_items() -> None:
        nonlocal pending_items, pending_title
        if pending_items:
            box_list.append(Box(pending_title, tuple(pending_items)))
        elif pending_title:
            subheadings.append(pending_title)
            paragraphs.append(pending_title)
        pending_items, pending_title = [], ""

    unit_index = {id(u): k for k, u in enumerate(units)}
    current_box: tuple[int, int] | None = None
    box_lines: list[str] = []
    box_title = ""
    table_rows: list[tuple[str, ...]] = []
    table_title = ""

    def flush_table(note: str = "") -> None:
        nonlocal table_rows, table_title
        if table_rows:
            tables.append(Table(table_title, tuple(table_rows), note))
        table_rows, table_title = [], ""

    def flush_box() -> None:
        nonlocal box_lines, box_title, current_box
        if box_title or box_lines:
            box_list.append(Box(box_title, tuple(box_lines)))
        box_lines, box_title, current_box = [], "", None

    for u in d.units:
        if id(u) in in_headline:
            continue
        k = unit_index[id(u)]
        span = next(((a, b) for a, b in boxes if a <= k < b), None)
        text = u.text
        if span is not None:
            if span != current_box:
                flush_items()
                flush_box()
                current_box = span
            if u.kind == "table":
                if not table_rows:
                    table_title, box_title = box_title, ""
                table_rows.append(tuple(c.strip() for c in u.raw[0].strip("\n").split("\t")))
            elif u.kind == "source_note" and table_rows:
                flush_table(text)
            elif u.kind == "heading" and not box_title and not box_lines:
                box_title = text
            else:
                box_lines.append(text)
            continue
        if current_box is not None:
            flush_table()
            flush_box()
        if u.kind == "table":
            table_rows.append(tuple(c.strip() for c in u.raw[0].strip("\n").split("\t")))
            continue
        if table_rows and u.kind == "source_note":
            flush_table(text)
            continue
        flush_table()
        if u.kind == "item":
            pending_items.append(text)
            continue
        if u.kind == "heading":
            flush_items()
            pending_title = text
            continue
        flush_items()
        if u.kind == "caption":
            captions.append(text)
        elif u.kind == "byline" and not byline_text:
            c = byline_credit(text)
            byline_text = c.printed
            byline_names = byline_names or c.names
            credit = Credit(c.source or credit.source, byline_names, c.city or credit.city)
        elif u.kind in ("body", "field"):
            mc = marker_credit(text) if not paragraphs else None
            if mc:
                credit = Credit(mc.source, mc.names or byline_names, mc.city, mc.printed)
                byline_names = byline_names or mc.names
            paragraphs.append(text)
        else:
            extras.append(text)
    flush_items()
    flush_table()
    flush_box()
    all_lines = [ln for u in d.units for ln in u.lines]
    title = head.title
    if not title:
        first = next((p for p in paragraphs), next((c for c in captions), page.path))
        title = _lead_title(first)
    return Article(
        id=article_id(page.path, n),
        path=page.path,
        line_start=min(all_lines) + 1,
        line_end=max(all_lines) + 1,
        title=title,
        kicker=head.kicker,
        subtitle=head.subtitle,
        byline=tuple(byline_names),
        byline_text=byline_text,
        dateline=credit.city,
        source=credit.source,
        title_printed=bool(head.title),
        paragraphs=tuple(paragraphs),
        subheadings=tuple(subheadings),
        captions=tuple(captions),
        boxes=tuple(box_list),
        tables=tuple(tables),
        extras=tuple(extras),
    )
