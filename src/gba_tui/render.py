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
