"""Rich renderables shared by the CLI and the app: an article, a ranking, an entity table.

`article_parts` is the one walk over an article's parts; the CLI view, the explorer's reader
and the Markdown export each turn its parts into their own form.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from gba_tui.corpus.model import Article, Box, Table
from gba_tui.text.script import convert_script

PartKind = Literal[
    "kicker",
    "title",
    "subtitle",
    "meta",
    "paragraph",
    "subheading",
    "box",
    "caption",
    "table",
    "extra",
]


@dataclass(frozen=True)
class Part:
    """One piece of an article in reading order; `text` is as printed (original script)."""

    kind: PartKind
    text: str = ""
    box: Box | None = None
    table: Table | None = None


def article_parts(article: Article) -> Iterator[Part]:
    """Headline block, provenance, body (crossheads in place), boxes, captions, tables, extras."""
    if article.kicker:
        yield Part("kicker", article.kicker)
    yield Part("title", article.title)
    if article.subtitle:
        yield Part("subtitle", article.subtitle)
    yield Part("meta")
    subheads = set(article.subheadings)
    for p in article.paragraphs:
        yield Part("subheading" if p in subheads else "paragraph", p)
    for box in article.boxes:
        yield Part("box", box.text, box=box)
    for c in article.captions:
        yield Part("caption", c)
    for t in article.tables:
        yield Part("table", t.title, table=t)
    for x in article.extras:
        yield Part("extra", x)


def article_date(article: object) -> str:
    """The article's date (ISO YYYY-MM-DD or YYYY-MM), or "" when the page gave none."""
    return str(getattr(article, "date", "") or "")


def provenance(article: Article) -> str:
    return f"{article.path}:{article.line_start}-{article.line_end}"


# ---------------------------------------------------------------- CJK line breaking

# Characters that may not start a line (closing brackets, commas, full stops ...) and that may
# not end one (opening brackets, quotes): the common set of the Chinese and Japanese rules.
NO_LINE_START = frozenset("，。、；：？！）」』】》〉’”…·,.;:?!)]}%—～")
NO_LINE_END = frozenset("（「『【《〈‘“([{")
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.%+/'")


def line_breaks(text: str, width: int) -> list[int]:
    """Offsets where `text` breaks into lines of at most `width` cells.

    Chinese may break between any two characters, except before closing punctuation or after
    opening punctuation (the character before moves down with it); Latin words and numbers
    stay whole when they fit on a line; a newline always breaks."""
    width = max(2, width)
    breaks: list[int] = []
    start, used, i = 0, 0, 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            breaks.append(i + 1)
            start, used, i = i + 1, 0, i + 1
            continue
        w = cell_len(ch)
        if used + w <= width or i == start:
            used += w
            i += 1
            continue
        cut = i
        # Keep a Latin word or a number whole.
        if ch in _WORD:
            j = cut
            while j > start and text[j - 1] in _WORD:
                j -= 1
            if j > start:
                cut = j
        # Kinsoku: pull back so the next line does not open with a closing mark and this one
        # does not end with an opening one; a few characters at most.
        for _ in range(4):
            if cut - 1 > start and (text[cut] in NO_LINE_START or text[cut - 1] in NO_LINE_END):
                cut -= 1
            else:
                break
        if cut < n and text[cut] == " ":
            cut += 1  # a space at a break is dropped from the next line's start
        breaks.append(cut)
        start, i = cut, cut
        used = 0
    return breaks


def wrap_text(text: Text, width: int) -> list[Text]:
    """`text` as lines of at most `width` cells by `line_breaks`, styles kept."""
    offsets = [b for b in line_breaks(text.plain, width) if 0 < b < len(text.plain)]
    lines = list(text.divide(offsets)) if offsets else [text.copy()]
    for line in lines:
        line.rstrip()
        if line.plain.endswith("\n"):
            line.right_crop(1)
    return lines


def wrap_lines(text: Text, width: int, max_lines: int | None = None) -> Text:
    """`text` wrapped for CJK; past `max_lines` the last line ends with an ellipsis."""
    lines = wrap_text(text, width)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last.cell_len > width - 1 and len(last.plain) > 1:
            last.right_crop(1)
        if not last.plain.endswith("…"):
            last.append("…")
    return Text("\n").join(lines)


# ---------------------------------------------------------------- renderables


def data_table(table: Table, script: str = "orig") -> RichTable:
    """A printed table with its numbers right-aligned and bars beside numeric columns."""
    conv = lambda s: convert_script(s, script)  # noqa: E731
    out = RichTable(title=conv(table.title) or None, show_lines=False, expand=False)
    numeric = [_is_number_column(table, c) for c in range(len(table.header))]
    for c, head in enumerate(table.header):
        out.add_column(conv(head), justify="right" if numeric[c] else "left")
    for row in table.data_rows:
        out.add_row(*[conv(cell) for cell in row])
    if table.source_note:
        out.caption = conv(table.source_note)
    return out


def _is_number_column(table: Table, col: int) -> bool:
    cells = [r[col] for r in table.data_rows if col < len(r)]
    return bool(cells) and all(parse_number(c) is not None for c in cells)


def parse_number(cell: str) -> float | None:
    try:
        return float(cell.replace(",", "").replace("%", "").strip())
    except ValueError:
        return None


def meta_line(article: Article, script: str = "orig") -> str:
    """Paper · byline · dateline · date, in the display script."""
    fields = (article.source, article.byline_names, article.dateline, article_date(article))
    return " · ".join(convert_script(x, script) for x in fields if x)


PART_STYLES: dict[str, str] = {
    "kicker": "italic magenta",
    "title": "bold",
    "subtitle": "cyan",
    "subheading": "bold yellow",
    "box": "green",
    "caption": "italic",
    "extra": "#a8a8a8",
    "meta": "#a8a8a8",
}


def part_text(part: Part) -> str:
    """A text part as one string: a box's lines under a bar, a caption after a camera."""
    if part.kind == "box" and part.box is not None:
        box = part.box
        return ("▌" + box.title + "\n" if box.title else "") + "\n".join("▌" + x for x in box.lines)
    if part.kind == "caption":
        return "📷 " + part.text
    return part.text


def article_view(
    article: Article, script: str = "orig", marks: list[tuple[int, int]] | None = None
) -> RenderableType:
    """The whole article for a terminal: headline block, provenance, body, captions, tables."""
    parts: list[RenderableType] = []
    for part in article_parts(article):
        if part.kind == "meta":
            meta = " · ".join(x for x in (meta_line(article, script), provenance(article)) if x)
            parts += [Text(meta, style=PART_STYLES["meta"]), Text("")]
        elif part.kind == "table" and part.table is not None:
            parts.append(data_table(part.table, script))
        else:
            parts.append(
                Text(convert_script(part_text(part), script), style=PART_STYLES.get(part.kind, ""))
            )
            if part.kind in ("paragraph", "subheading", "box"):
                parts.append(Text(""))
    return Group(*parts)


def marked_text(
    text: str,
    marks: tuple[tuple[int, int], ...] | list[tuple[int, int]],
    style: str = "bold black on yellow",
    script: str = "orig",
) -> Text:
    """Text with the matched characters styled; conversion keeps length, so marks stay put."""
    shown = convert_script(text, script)
    if len(shown) != len(text):
        shown = text
    out = Text(shown, overflow="fold")
    for a, b in marks:
        out.stylize(style, a, b)
    return out


def score_bar(score: float, best: float, width: int = 5) -> Text:
    filled = 0 if best <= 0 else max(1, round(width * score / best))
    return (
        Text(f"{score:5.1f} ", style="bold")
        + Text("█" * filled, style="green")
        + Text("░" * (width - filled), style="#808080")
    )


def _copies_mark(hit) -> str:  # type: ignore[no-untyped-def]
    """+3 when three other articles ran the same story (their copies are folded away)."""
    others = len(getattr(hit, "other_copies", ()))
    return f" +{others}" if others else ""


def ranking_table(results, script: str = "orig", marked: set[str] | None = None) -> RichTable:  # type: ignore[no-untyped-def]
    """Ranked hits: rank, score with a bar, title, source, snippet with highlights."""
    marked = marked or set()
    table = RichTable(expand=True, show_lines=False, title=None)
    table.add_column("#", justify="right", width=3, no_wrap=True)
    table.add_column("score", width=16, no_wrap=True)
    table.add_column("title", ratio=2)
    table.add_column("source", no_wrap=True)
    table.add_column("snippet", ratio=4)
    best = max((h.score for h in results.hits), default=0.0)
    for h in results.hits:
        flag = "✓" if h.id in marked else ""
        table.add_row(
            f"{flag}{h.rank}",
            score_bar(h.score, best),
            marked_text(h.title, h.title_marks, "bold yellow", script),
            convert_script(h.source, script) + _copies_mark(h),
            marked_text(h.snippet.text, h.snippet.marks, script=script),
        )
    return table
