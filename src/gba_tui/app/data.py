"""Display data for the panes, built off the UI thread: script conversion, order, highlights.

No Textual here: plain Rich renderables a worker can build and the app only places.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from rich.text import Text

from gba_tui.app.labels import list_entry
from gba_tui.collation import collation_key
from gba_tui.corpus.model import Article, Table
from gba_tui.entities.catalogue import TYPE_LABELS, CatalogueEntry, catalogue
from gba_tui.entities.model import Entity, EntityType
from gba_tui.render import (
    PART_STYLES,
    article_date,
    article_parts,
    marked_text,
    meta_line,
    parse_number,
    part_text,
    score_bar,
)
from gba_tui.search.titles import LIST_LIMIT
from gba_tui.text.script import convert_script

if TYPE_CHECKING:
    from gba_tui.search.searcher import Library, Results

Script = Literal["orig", "s", "t"]
Sort = Literal["score", "date", "title", "source"]
SCRIPT_LABELS = {"orig": "original", "s": "簡體", "t": "繁體"}
SORT_LABELS: dict[str, str] = {
    "score": "relevance",
    "date": "date, newest first",
    "title": "title (pinyin)",
    "source": "paper (pinyin)",
}
# Entity colours that keep 4.5:1 on the dark theme's panels in 256 colours as well.
ENTITY_STYLES = {
    "person": "bold #ffd75f",
    "org": "bold #5fafff",
    "place": "bold #87d787",
    "policy": "bold #d787ff",
    "programme": "bold #5fd7d7",
    "event": "bold #ffaf5f",
    "document": "#bcbcbc",
}
MATCH_STYLE = "bold black on yellow"
CURRENT_MATCH_STYLE = "bold black on #5fd7ff"  # cyan: apart from the yellow of the others


@dataclass(frozen=True)
class CopyRow:
    """Another paper's copy of a hit's story, listed under it when the story is expanded."""

    id: str
    title: str  # in the display script
    source: str
    date: str


@dataclass(frozen=True)
class RankRow:
    id: str
    rank: int
    score: float
    title: str  # plain, for sorting
    source: str
    date: str
    cells: tuple[Text, Text, Text, Text]  # score bar, title, source (+N), snippet
    story: str = ""  # the story's id when other papers ran it too
    copies: tuple[CopyRow, ...] = ()  # the other copies, earliest first


@dataclass(frozen=True)
class DataTableView:
    key: str
    label: Text
    table: Table
    article_id: str


@dataclass(frozen=True)
class View:
    """Everything the panes show for one state (results, filters, script, sort)."""

    script: Script
    sort: Sort
    titles: dict[str, tuple[str, str]]  # article id → (title, "source · byline"), display script
    doc_order: list[str]  # the document list: all articles, or the hits shown, in sort order
    rows: list[RankRow]
    entities: list[CatalogueEntry]
    entity_labels: dict[str, Text]
    tables: list[DataTableView]
    total: int | None  # hits, or None when no search is active
    understood: str = ""
    words: tuple[str, ...] = field(default=())
    query: str = ""
    corpus_size: int = 0
    dates: dict[str, str] = field(default_factory=dict)  # article id → date, where known
    timeline: tuple[tuple[str, int], ...] = ()  # (year or month, hits shown)
    preview: bool = False  # titles only, read before the index opened
    all_copies: bool = True  # False: each story once, by its best-ranked copy
    copies_total: int = 0  # matching articles before stories were folded
    listed: int = 0  # without a search: the articles in the list's order (only the first shown)

    @property
    def folded_away(self) -> int:
        """Copies of the listed stories not shown as hits of their own."""
        if self.total is None or self.all_copies:
            return 0
        return max(0, self.copies_total - self.total)

    @property
    def shown(self) -> int:
        return len(self.rows) if self.total is not None else len(self.doc_order)

    @property
    def capped(self) -> bool:
        return self.total is not None and self.total > len(self.rows)

    @property
    def has_dates(self) -> bool:
        return bool(self.dates)


def count_label(shown: int, total: int, noun: str) -> str:
    """'12 hits', '1 hit', '200 of 2,933 hits': the whole is always said when it is capped."""
    nouns = noun if total != 1 else noun.rstrip("s")
    if shown < total:
        return f"{shown:,} of {total:,} {nouns}"
    return f"{total:,} {nouns}"


def hits_label(view: View) -> str:
    """'12 hits', or with stories folded '12 stories (15 articles)'; 'N of M' when capped."""
    total = view.total or 0
    if not view.folded_away:
        return count_label(len(view.rows), total, "hits")
    stories = count_label(len(view.rows), total, "stories")
    return f"{stories} ({view.copies_total:,} articles)"


def article_label(a: Article, script: str) -> tuple[str, str]:
    """(title, "source · byline") for the document list, in the display script."""
    return list_label(a.title, a.source, a.byline_names, script)


def list_label(title: str, source: str, byline: str, script: str) -> tuple[str, str]:
    return list_entry(*(convert_script(x, script) for x in (title, source, byline)))


def preview_view(titles: Sequence[tuple[str, str, str, str]], listed: int = 0) -> View:
    """The document list straight from the title list or the pages: (id, title, source,
    byline), as printed (OpenCC is not loaded yet); its first LIST_LIMIT listed. listed: all
    the articles, when titles holds only the first of them."""
    listed = max(listed, len(titles))
    titles = titles[:LIST_LIMIT]
    return View(
        "orig",
        "score",
        {aid: list_entry(t, s, b) for aid, t, s, b in titles},
        [aid for aid, *_ in titles],
        [],
        [],
        {},
        [],
        None,
        corpus_size=listed,
        preview=True,
        listed=listed,
    )


def order_key(sort: Sort, title: str, source: str, date: str, rank: int) -> tuple[Any, ...]:
    """Sort order of a row or an article; ties keep rank (or page) order."""
    if sort == "title":
        return (collation_key(title), rank)
    if sort == "source":
        return (collation_key(source), rank)
    if sort == "date":
        # Newest first; undated last.
        return (date == "", tuple(-ord(c) for c in date), rank)
    return (rank,)


def timeline(dates: Iterable[str]) -> tuple[tuple[str, int], ...]:
    """Hits per month (per year when they span more than two years), oldest first."""
    dated = [d for d in dates if d]
    if not dated:
        return ()
    years = {d[:4] for d in dated}
    width = 4 if len(years) > 2 else 7
    counts = Counter(d[:width] for d in dated)
    return tuple(sorted(counts.items()))


def build_view(
    library: Library,
    results: Results | None,
    script: Script,
    sort: Sort = "score",
    keep: Iterable[str] = (),
) -> View:
    """The panes' data for the current results (or the whole corpus when there are none).
    keep: ids whose titles the view must know besides the hits (the marked articles). A
    search reads only its hits, their other copies and those: at 50,000 articles, reading
    every record for each search cost seconds."""
    listed = 0
    if results is None:
        # The whole corpus: its list from the store's light columns, not its records.
        light = library.list_rows()
        articles: list[Article] = []
    else:
        # Hits come with their articles; other copies and marks need only what lists show
        # (200 hits of 100-copy stories were 20,000 records: 2 s at 50k).
        hits = {h.id: h.article for h in results.hits}
        wanted = {m for h in results.hits for m in h.other_copies} | set(keep)
        articles = list(hits.values())
        light = [(a.id, a.title, a.source, a.byline_names, article_date(a)) for a in articles]
        light += library.list_rows(wanted - hits.keys())
    titles = {aid: list_label(t, src, b, script) for aid, t, src, b, _ in light}
    dates = {aid: d for aid, *_, d in light if d}
    rows: list[RankRow] = []
    if results is not None:
        best = results.hits[0].score if results.hits else 1.0
        copies = copy_rows({r[0]: r for r in light}, results, script)
        for h in results.hits:
            rows.append(
                RankRow(
                    h.id,
                    h.rank,
                    h.score,
                    h.title,
                    h.source,
                    dates.get(h.id, ""),
                    (
                        score_bar(h.score, best),
                        marked_text(h.title, h.title_marks, "bold yellow", script),
                        source_cell(h.source, len(h.other_copies), script),
                        marked_text(h.snippet.text, h.snippet.marks, MATCH_STYLE, script),
                    ),
                    h.story.id if h.story else "",
                    copies.get(h.id, ()),
                )
            )
        rows.sort(key=lambda r: order_key(sort, r.title, r.source, r.date, r.rank))
        doc_order = [r.id for r in rows]
        ids = doc_order
        entities = {h.id: h.entities for h in results.hits}  # read with the hits
    else:
        ranked = sorted(
            enumerate(light),
            key=lambda p: order_key(sort, p[1][1], p[1][2], p[1][4], p[0]),
        )
        doc_order = [row[0] for _, row in ranked]
        listed = len(doc_order)
        # A list of 50,000 entries is read by nobody and took seconds to lay out: the first
        # LIST_LIMIT in the chosen order are listed (search or sort to see others), and the
        # sidebar and tables are those of the articles listed.
        doc_order = doc_order[:LIST_LIMIT]
        # The sidebar in the list's order when capped, else in page order, as ever.
        ids = doc_order if listed > LIST_LIMIT else [row[0] for row in light]
        found = library.with_entities(doc_order) if doc_order else {}
        articles = [a for a, _ in found.values()]
        entities = {aid: e for aid, (_, e) in found.items()}
    # From the records already read: the store's entity map reads a record for each lookup.
    entries = catalogue(entities, ids)
    labels = {}
    for e in entries:
        # The count first: a long name is cut at the pane's edge, its count never is.
        label = Text(f"{len(e.articles):>3} ", style="#bcbcbc")
        label.append(convert_script(e.name, script), style=ENTITY_STYLES.get(e.type, ""))
        labels[f"{e.type}:{e.key}"] = label
    tables = []
    by_id = {a.id: a for a in articles}
    table_order = doc_order if results is None else [h.id for h in results.hits]
    for a in (by_id[i] for i in table_order if i in by_id):
        for n, t in enumerate(a.tables):
            label = Text(convert_script(t.title or a.title, script), style="bold")
            label.append("  " + convert_script(a.title, script), style="#a8a8a8")
            tables.append(DataTableView(f"{a.id}#{n}", label, t, a.id))
    return View(
        script,
        sort,
        titles,
        doc_order,
        rows,
        entries,
        labels,
        tables,
        None if results is None else results.total,
        "" if results is None else results.understood,
        tuple(results.words) if results is not None else (),
        "" if results is None else results.query,
        len(library.articles),
        dates,
        timeline(r.date for r in rows),
        all_copies=True if results is None else results.all_copies,
        listed=listed,
        copies_total=0 if results is None else (results.copies_total or results.total),
    )


COPIES_STYLE = "bold #5fd7ff"  # the +N of other copies: 9:1 on the panel in 256 colours


def source_cell(source: str, others: int, script: str) -> Text:
    """The paper, then +N when N other articles ran the same story."""
    cell = Text(convert_script(source, script))
    if others:
        cell.append(f" +{others}", style=COPIES_STYLE)
    return cell


def copy_rows(
    found: dict[str, tuple[str, str, str, str, str]], results: Results, script: str
) -> dict[str, tuple[CopyRow, ...]]:
    """For each hit of a story, its other copies (title, paper, date), earliest first;
    found: the copies' (id, title, paper, byline, date) by id."""
    out: dict[str, tuple[CopyRow, ...]] = {}
    for h in results.hits:
        rows = []
        for m in h.other_copies:
            row = found.get(m)
            if row is not None:
                title, source = (convert_script(x, script) for x in row[1:3])
                rows.append(CopyRow(m, title, source, row[4]))
        if rows:
            out[h.id] = tuple(rows)
    return out


def entity_groups(entries: list[CatalogueEntry]) -> list[tuple[str, list[CatalogueEntry]]]:
    groups: dict[EntityType, list[CatalogueEntry]] = {}
    for e in entries:
        groups.setdefault(e.type, []).append(e)
    return [(TYPE_LABELS[t], es) for t, es in groups.items()]


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


@dataclass(frozen=True)
class Occurrence:
    """One match of the query in the reader: its block and character span there."""

    block: int
    start: int
    end: int


def reader_blocks(
    article: Article, entities: Iterable[Entity], words: Iterable[str], script: str
) -> tuple[list[Text], list[Occurrence]]:
    """The reader's blocks as Rich Text (matches highlighted, entities coloured) and every
    occurrence of the query's words, in reading order, for n / N."""
    from gba_tui.search.snippets import match_spans

    words = [w for w in words if w.strip()]
    names = []
    for e in entities:
        for n in (e.name, *e.aliases):
            if len(n) >= 2:
                names.append((n, e.type))
    blocks: list[Text] = []
    found: list[Occurrence] = []

    def block(text: str, style: str = "", entity_colours: bool = True) -> None:
        shown = convert_script(text, script)
        if len(shown) != len(text):
            shown = text  # marks are offsets in the printed text
        t = Text(shown, style=style)
        if entity_colours:
            for name, etype in names:
                for a, b in match_spans(text, [name]):
                    t.stylize(ENTITY_STYLES.get(etype, ""), a, b)
        for a, b in match_spans(text, words) if words else []:
            t.stylize(MATCH_STYLE, a, b)
            found.append(Occurrence(len(blocks), a, b))
        blocks.append(t)

    for part in article_parts(article):
        style = PART_STYLES.get(part.kind, "")
        if part.kind == "meta":
            blocks.append(
                Text(
                    f"{meta_line(article, script)}  "
                    f"⟨{article.path} lines {article.line_start}–{article.line_end}⟩",
                    style=PART_STYLES["meta"],
                )
            )
        elif part.kind == "title":
            block(part.text, "bold underline")
        elif part.kind == "kicker":
            block(part.text, style, False)
        elif part.kind == "table" and part.table is not None:
            t = part.table
            block(
                t.title
                + "\n"
                + "\n".join("  ".join(r) for r in t.rows)
                + ("\n" + t.source_note if t.source_note else "")
            )
        else:
            block(part_text(part), style)
    return blocks, found


# ---------------------------------------------------------------- two copies compared

CHANGE_STYLES = {  # on the dark panels, each at least 7:1 in 256 colours; words say it too
    "same": "#bcbcbc",
    "added": "bold #87d787",
    "cut": "bold #ff8787",
    "reworded": "bold #ffd75f",
}
CHANGE_LABELS = {"same": "same", "added": "added", "cut": "cut", "reworded": "reworded"}


@dataclass(frozen=True)
class Comparison:
    """Two copies of a story aligned sentence by sentence, in the display script."""

    left: str  # citations: title · paper · date · id
    right: str
    rows: tuple[tuple[str, str, str], ...]  # (change, left sentence, right sentence)

    def count(self, change: str) -> int:
        return sum(r[0] == change for r in self.rows)


def article_text(article: Article) -> str:
    """What two copies are compared on: the paragraphs, one per line."""
    return "\n".join(article.paragraphs)


def compare_copies(left: Article, right: Article, script: str) -> Comparison:
    """Align two copies (stories.compare, after script folding) and convert for display."""
    from gba_tui.export import citation
    from gba_tui.stories import compare

    rows = compare(article_text(left), article_text(right))
    shown = tuple(
        (r.change, convert_script(r.left, script), convert_script(r.right, script)) for r in rows
    )
    return Comparison(citation(left, script), citation(right, script), shown)
