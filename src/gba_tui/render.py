"""Rich renderables shared by the CLI and the app: an article, a ranking, an entity table."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from gba_tui.corpus.model import Article, Table
from gba_tui.text.script import convert_script


def provenance(article: Article) -> str:
    return f"{article.path}:{article.line_start}-{article.line_end}"


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


def article_view(
    article: Article, script: str = "orig", marks: list[tuple[int, int]] | None = None
) -> RenderableType:
    """The whole article for a terminal: headline block, provenance, body, captions, tables."""
    conv = lambda s: convert_script(s, script)  # noqa: E731
    parts: list[RenderableType] = []
    if article.kicker:
        parts.append(Text(conv(article.kicker), style="italic magenta"))
    parts.append(Text(conv(article.title), style="bold"))
    if article.subtitle:
        parts.append(Text(conv(article.subtitle), style="cyan"))
    meta = " · ".join(
        x
        for x in (
            conv(article.source),
            conv(article.byline_names),
            conv(article.dateline),
            provenance(article),
        )
        if x
    )
    parts.append(Text(meta, style="dim"))
    parts.append(Text(""))
    subheads = set(article.subheadings)
    for p in article.paragraphs:
        parts.append(Text(conv(p), style="bold yellow" if p in subheads else ""))
        parts.append(Text(""))
    for box in article.boxes:
        if box.title:
            parts.append(Text("▌" + conv(box.title), style="bold green"))
        for line in box.lines:
            parts.append(Text("▌" + conv(line), style="green"))
        parts.append(Text(""))
    for c in article.captions:
        parts.append(Text("📷 " + conv(c), style="italic dim"))
    for t in article.tables:
        parts.append(data_table(t, script))
    for x in article.extras:
        parts.append(Text(conv(x), style="dim"))
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
        + Text("░" * (width - filled), style="dim")
    )


def ranking_table(results, script: str = "orig", marked: set[str] | None = None) -> RichTable:  # type: ignore[no-untyped-def]
    """Ranked hits: rank, score with a bar, title, source, snippet with highlights."""
    marked = marked or set()
    table = RichTable(expand=True, show_lines=False, title=None)
    table.add_column("#", justify="right", width=3, no_wrap=True)
    table.add_column("score", width=16, no_wrap=True)
    table.add_column("title", ratio=2)
    table.add_column("source", width=10, no_wrap=True)
    table.add_column("snippet", ratio=4)
    best = max((h.score for h in results.hits), default=0.0)
    for h in results.hits:
        flag = "✓" if h.id in marked else ""
        table.add_row(
            f"{flag}{h.rank}",
            score_bar(h.score, best),
            marked_text(h.title, h.title_marks, "bold yellow", script),
            convert_script(h.source, script),
            marked_text(h.snippet.text, h.snippet.marks, script=script),
        )
    return table
