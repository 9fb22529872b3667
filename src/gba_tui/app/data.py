"""Display data for the panes, built off the UI thread: script conversion, highlights, groups.

No Textual here: plain Rich renderables a worker can build and the app only places.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text

from gba_tui.app.labels import list_entry
from gba_tui.corpus.model import Article, Table
from gba_tui.entities.catalogue import TYPE_LABELS, CatalogueEntry, catalogue
from gba_tui.entities.model import Entity
from gba_tui.render import marked_text, parse_number, score_bar
from gba_tui.text.script import convert_script

SCRIPT_LABELS = {"orig": "original", "s": "簡體", "t": "繁體"}
ENTITY_STYLES = {
    "person": "bold #e5c07b",
    "org": "bold #61afef",
    "place": "bold #98c379",
    "policy": "bold #c678dd",
    "programme": "bold #56b6c2",
    "event": "bold #d19a66",
    "document": "#abb2bf",
}


@dataclass(frozen=True)
class RankRow:
    id: str
    rank: int
    score: float
    title: str  # plain, for sorting
    source: str
    cells: tuple[Text, Text, Text, Text]  # score bar, title, source, snippet


@dataclass(frozen=True)
class DataTableView:
    key: str
    label: Text
    table: Table
    article_id: str


@dataclass(frozen=True)
class View:
    """Everything the panes show for one state (results, filters, script)."""

    script: str
    titles: dict[str, tuple[str, str]]  # article id → (title, "source · byline"), display script
    doc_order: list[str]  # the document list: all articles, or the hits in rank order
    rows: list[RankRow]
    entities: list[CatalogueEntry]
    entity_labels: dict[str, Text]
    tables: list[DataTableView]
    total: int | None  # hits, or None when no search is active
    understood: str = ""
    words: tuple[str, ...] = field(default=())


def article_label(a: Article, script: str) -> tuple[str, str]:
    """(title, "source · byline") for the document list, in the display script."""
    return list_label(a.title, a.source, a.byline_names, script)


def list_label(title: str, source: str, byline: str, script: str) -> tuple[str, str]:
    return list_entry(*(convert_script(x, script) for x in (title, source, byline)))


def build_view(
    library: Any,
    results: Any | None,
    script: str,
    generation_words: Iterable[str] = (),
) -> View:
    """The panes' data for the current results (or the whole corpus when there are none)."""
    articles = library.articles
    titles = {a.id: article_label(a, script) for a in articles}
    rows: list[RankRow] = []
    if results is not None:
        for h in results.hits:
            rows.append(
                RankRow(
                    h.id,
                    h.rank,
                    h.score,
                    h.title,
                    h.source,
                    (
                        score_bar(h.score, results.hits[0].score if results.hits else 1.0),
                        marked_text(h.title, h.title_marks, "bold yellow", script),
                        Text(convert_script(h.source, script)),
                        marked_text(h.snippet.text, h.snippet.marks, script=script),
                    ),
                )
            )
        doc_order = [h.id for h in results.hits]
        ids = doc_order
    else:
        doc_order = [a.id for a in articles]
        ids = None
    entries = catalogue(library.entities_of, ids)
    labels = {}
    for e in entries:
        label = Text(convert_script(e.name, script), style=ENTITY_STYLES.get(e.type, ""))
        label.append(f"  {len(e.articles)}", style="dim")
        labels[f"{e.type}:{e.key}"] = label
    tables = []
    for a in articles if results is None else [h.article for h in results.hits]:
        for n, t in enumerate(a.tables):
            label = Text(convert_script(t.title or a.title, script), style="bold")
            label.append("  " + convert_script(a.title, script), style="dim")
            tables.append(DataTableView(f"{a.id}#{n}", label, t, a.id))
    return View(
        script,
        titles,
        doc_order,
        rows,
        entries,
        labels,
        tables,
        None if results is None else results.total,
        "" if results is None else results.understood,
        tuple(results.words) if results is not None else tuple(generation_words),
    )


def entity_groups(entries: list[CatalogueEntry]) -> list[tuple[str, list[CatalogueEntry]]]:
    groups: dict[str, list[CatalogueEntry]] = {}
    for e in entries:
        groups.setdefault(e.type, []).append(e)
    return [(TYPE_LABELS.get(t, t), es) for t, es in groups.items()]


def table_cells(table: Table, script: str) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of a printed table; numeric cells become (number, bar text)."""
    header = [convert_script(h, script) for h in table.header]
    numbers: dict[int, float] = {}
    for c in range(len(header)):
        vals = [parse_number(r[c]) for r in table.data_rows if c < len(r)]
        if vals and all(v is not None for v in vals):
            numbers[c] = max(v for v in vals if v is not None) or 1.0
    rows = []
    for r in table.data_rows:
        cells: list[Any] = []
        for c, cell in enumerate(r):
            value = parse_number(cell)
            if c in numbers and value is not None and c > 0:
                width = max(1, round(8 * value / numbers[c]))
                cells.append(Text(f"{cell:>8} ") + Text("█" * width, style="green"))
            else:
                cells.append(Text(convert_script(cell, script)))
        rows.append(cells)
    return header, rows


def reader_blocks(
    article: Article, entities: Iterable[Entity], words: Iterable[str], script: str
) -> tuple[list[Text], list[int]]:
    """The reader's paragraphs as Rich Text (matches highlighted, entities coloured) and the
    indexes of the blocks that hold a match, for n / N."""
    from gba_tui.search.snippets import match_spans

    words = [w for w in words if w.strip()]
    names = []
    for e in entities:
        for n in (e.name, *e.aliases):
            if len(n) >= 2:
                names.append((n, e.type))
    blocks: list[Text] = []
    hits: list[int] = []

    def block(text: str, style: str = "", entity_colours: bool = True) -> None:
        shown = convert_script(text, script)
        if len(shown) != len(text):
            shown = text
        t = Text(shown, style=style)
        if entity_colours:
            for name, etype in names:
                for a, b in match_spans(text, [name]):
                    t.stylize(ENTITY_STYLES.get(etype, ""), a, b)
        spans = match_spans(text, words) if words else []
        for a, b in spans:
            t.stylize("bold black on yellow", a, b)
        if spans:
            hits.append(len(blocks))
        blocks.append(t)

    if article.kicker:
        block(article.kicker, "italic magenta", False)
    block(article.title, "bold underline")
    if article.subtitle:
        block(article.subtitle, "cyan")
    meta = " · ".join(x for x in (article.source, article.byline_names, article.dateline) if x)
    blocks.append(
        Text(
            f"{convert_script(meta, script)}  "
            f"⟨{article.path} lines {article.line_start}–{article.line_end}⟩",
            style="dim",
        )
    )
    subheads = set(article.subheadings)
    for p in article.paragraphs:
        block(p, "bold yellow" if p in subheads else "")
    for box in article.boxes:
        block(
            ("▌" + box.title + "\n" if box.title else "") + "\n".join("▌" + x for x in box.lines),
            "green",
        )
    for c in article.captions:
        block("📷 " + c, "italic")
    for t in article.tables:
        block(
            t.title
            + "\n"
            + "\n".join("  ".join(r) for r in t.rows)
            + ("\n" + t.source_note if t.source_note else "")
        )
    for x in article.extras:
        block(x, "dim")
    return blocks, hits
