"""The explorer's panes: document list, ranking table, data tables, entity sidebar, top bar.

Each pane holds reactives the main screen binds to its own (`data_bind`): the screen owns
the state, a pane only draws it and posts what the user chose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.message import Message
from textual.reactive import var
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from gba_tui.app.messages import ArticleOpened
from gba_tui.render import wrap_lines

if TYPE_CHECKING:
    from gba_tui.app.data import RankRow, View

VIM_KEYS: list[BindingType] = [
    Binding("j", "cursor_down", "Down", show=False, id="down"),
    Binding("k", "cursor_up", "Up", show=False, id="up"),
]
META_STYLE = "#a8a8a8"  # bylines: 7.6:1 on the panel in 256 colours (the old "dim" was 1.9:1)
# Relevance and date run high to low, title and paper A to Z (by pinyin).
SORT_ARROWS = {"score": " ▼", "date": " ▼", "title": " ▲", "source": " ▲"}


def pane_css(widget: str, extra: str = "") -> str:
    """The border every pane shares: a readable title (the default took the dark border
    colour), and when focused a heavy accent border with a bold accent title."""
    return f"""
    {widget} {{
        border: round $panel; border-title-color: $text-muted;
        border-subtitle-color: $text-muted; {extra}
    }}
    {widget}:focus {{
        border: heavy $accent; border-title-style: bold;
        border-title-color: $accent; border-subtitle-color: $accent;
    }}
    """


class TopBar(Static):
    """Corpus, article and hit counts, active filters, marks, display script, sort."""

    DEFAULT_CSS = """
    TopBar { height: 1; background: $primary; color: $foreground; padding: 0 1;
             text-wrap: nowrap; text-overflow: ellipsis; }
    """


class QueryStatus(Static):
    """Under the search box: why a query could not run, why nothing matched, what to try."""

    DEFAULT_CSS = """
    QueryStatus { height: auto; max-height: 3; padding: 0 1; color: $text-warning;
                  background: $warning-muted; display: none; }
    QueryStatus.shown { display: block; }
    QueryStatus.error { color: $text-error; background: $error-muted; }
    QueryStatus.info { color: $text; background: $boost; }
    """

    def say(self, text: str, kind: str = "warning") -> None:
        self.update(text)
        self.set_class(bool(text), "shown")
        self.set_class(kind == "error", "error")
        self.set_class(kind == "info", "info")


class DocumentList(OptionList):
    """Every article (title, source, byline), or the current hits, or the marked ones.

    Each entry is laid out here, not by the OptionList: the title wrapped to the pane with a
    hanging indent (at most two lines, then an ellipsis), the source and byline below. Lines
    never wrap again afterwards, so an entry's height does not depend on when the scrollbar
    appeared, and a double-width character is never split between lines.
    """

    DEFAULT_CSS = pane_css(
        "DocumentList", "text-wrap: nowrap; text-overflow: ellipsis; scrollbar-gutter: stable;"
    )
    BINDINGS: ClassVar[list[BindingType]] = VIM_KEYS
    TITLE_LINES = 2
    INDENT = 2  # the mark and a space

    view: var[View | None] = var(None, always_update=True)
    marked: var[frozenset[str]] = var(frozenset())
    marks_only: var[bool] = var(False)
    _order: list[str] = []
    _laid_out_at = 0

    def watch_view(self) -> None:
        self._redraw()

    def watch_marks_only(self) -> None:
        self._redraw()

    def watch_marked(self, old: frozenset[str], new: frozenset[str]) -> None:
        if self.marks_only:
            self._redraw()
            return
        shown = set(self._order)  # marking all of 9,600 hits: only the listed ones redraw
        for aid in (old ^ new) & shown:
            self.replace_option_prompt(aid, self._entry(aid))

    @property
    def order(self) -> list[str]:
        """The ids the list shows, top to bottom."""
        view = self.view
        if view is None:
            return []
        if self.marks_only:
            return [i for i in view.titles if i in self.marked]
        return view.doc_order

    def _redraw(self) -> None:
        if not self.is_mounted:
            return
        order = self.order
        self._order = order
        self._laid_out_at = self._text_width()
        current = self.highlighted_option.id if self.highlighted_option else None
        self.clear_options()
        if not order and self.view is not None:
            why = "no marked articles: space marks one" if self.marks_only else self._empty()
            self.add_option(Option(Text(why, style="italic"), disabled=True))
            return
        self.add_options([Option(self._entry(i), id=i) for i in order])
        view = self.view
        if view is not None and not self.marks_only and view.listed > len(order):
            more = f"… and {view.listed - len(order):,} more: search, or s to sort, to see them"
            self.add_option(Option(Text(more, style="italic"), disabled=True))
        if current in order:
            self.highlighted = order.index(current)
        elif order:
            self.highlighted = 0

    def _empty(self) -> str:
        view = self.view
        if view is not None and view.total == 0:
            return "no article matches: see the hint under the search box"
        return "no articles"

    def _text_width(self) -> int:
        padding = self.get_component_styles("option-list--option").padding.width
        return max(8, self.scrollable_content_region.width - padding - self.INDENT)

    def _entry(self, article_id: str) -> Text:
        view = self.view
        title, meta = view.titles.get(article_id, (article_id, "")) if view else (article_id, "")
        date = view.dates.get(article_id, "") if view else ""
        width = self._laid_out_at or self._text_width()
        title_text = wrap_lines(Text(title, style="bold"), width, self.TITLE_LINES)
        # The mark alone is green: as the Text's base style it had coloured the titles too.
        entry = Text()
        entry.append("✓ " if article_id in self.marked else "  ", style="bold green")
        pad = " " * self.INDENT
        for n, line in enumerate(title_text.split("\n")):
            entry.append_text((Text("\n" + pad) if n else Text()) + line)
        meta = " · ".join(x for x in (date, meta) if x)
        if meta:
            entry.append("\n" + pad + meta, style=META_STYLE)
        return entry

    def on_resize(self) -> None:
        if self._order and self._text_width() != self._laid_out_at:
            self._redraw()

    @property
    def current_id(self) -> str | None:
        return self.highlighted_option.id if self.highlighted_option else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(ArticleOpened(event.option.id))


class Timeline(Static):
    """Hits of the current query over time: one bar per month (or year) in the ranking's
    header; hidden when the articles carry no dates."""

    DEFAULT_CSS = """
    Timeline { height: 1; padding: 0 1; display: none; color: $text-muted; }
    Timeline.shown { display: block; }
    """
    BARS = " ▁▂▃▄▅▆▇█"
    view: var[View | None] = var(None, always_update=True)

    def watch_view(self, view: View | None) -> None:
        periods = view.timeline if view is not None else ()
        self.set_class(bool(periods), "shown")
        if not periods:
            return
        top = max(n for _, n in periods)
        bars = Text()
        for _, n in periods:
            bars.append(self.BARS[max(1, round(8 * n / top))], style="bold green")
        label = "of the hits shown" if view is not None and view.capped else "hits"
        self.update(
            Text(f"{periods[0][0]} ") + bars + Text(f" {periods[-1][0]}  {label} over time")
        )


class RankingTable(DataTable):
    """Ranked hits: mark, rank, score bar, title, source, date, snippet with highlights."""

    DEFAULT_CSS = pane_css("RankingTable", "height: 1fr;")
    BINDINGS: ClassVar[list[BindingType]] = VIM_KEYS
    ROW_LINES = 3
    COPY_LINES = 2  # a story's copy listed under its hit: title, paper and date

    view: var[View | None] = var(None, always_update=True)
    marked: var[frozenset[str]] = var(frozenset())
    expanded: var[frozenset[str]] = var(frozenset())  # hits whose story's copies are listed
    _drawn_width = 0
    COPY = "\t"  # joins a hit's id and its copy's in the key of a copy's row

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self._redraw()

    def watch_view(self) -> None:
        self._redraw()

    def watch_expanded(self) -> None:
        self._redraw()

    def watch_marked(self, old: frozenset[str], new: frozenset[str]) -> None:
        if self.view is None:
            return
        ranks = {r.id: r.rank for r in self.view.rows}
        changed = old ^ new
        for aid in changed:
            if aid in ranks:
                self.update_cell(aid, "mark", self.flag(aid, new, ranks[aid]))
        for r in self.view.rows:
            if r.id in self.expanded:
                for c in r.copies:
                    if c.id in changed:
                        key = f"{r.id}{self.COPY}{c.id}"
                        self.update_cell(key, "mark", self.copy_flag(c.id, new))

    def on_resize(self) -> None:
        if self.size.width != self._drawn_width:
            self._redraw()

    def _widths(self, view: View | None) -> dict[str, int]:
        """The columns fitted to the pane: the paper's name whole (香港文匯報 never wraps),
        the date when there is one, and the title and snippet share the rest."""
        rows = view.rows if view is not None else []
        source = max([6, *(cell_len(r.cells[2].plain) for r in rows)])
        widths = {"mark": 3, "score": 11, "source": min(source, 14)}
        if view is not None and view.has_dates:
            widths["date"] = 10
        padding = 2 * self.cell_padding * (len(widths) + 2)
        inner = self.size.width - sum(widths.values()) - padding - 2
        widths["title"] = max(8, inner * 2 // 5)
        widths["snippet"] = max(10, inner - widths["title"])
        return widths

    LABELS: ClassVar[dict[str, str]] = {
        "mark": "#",
        "score": "score",
        "title": "title",
        "source": "source",
        "date": "date",
        "snippet": "snippet",
    }
    SORTED_COLUMN: ClassVar[dict[str, str]] = {
        "score": "score",
        "title": "title",
        "source": "source",
        "date": "date",
    }

    def _redraw(self) -> None:
        if not self.is_mounted:
            return
        view = self.view
        current = self._current_key()
        self._drawn_width = self.size.width
        self.clear(columns=True)
        widths = self._widths(view)
        order = ["mark", "score", "title", "source", "date", "snippet"]
        sorted_col = self.SORTED_COLUMN.get(view.sort, "") if view is not None else ""
        for key in order:
            if key in widths:
                arrow = SORT_ARROWS.get(key, "") if key == sorted_col and view else ""
                label = self.LABELS[key] + arrow
                self.add_column(label, key=key, width=widths[key])
        if view is None:
            return
        for r in view.rows:
            score, title, source, snippet = r.cells
            cells: list[Any] = [
                self.flag(r.id, self.marked, r.rank),
                score,
                wrap_lines(title, widths["title"], self.ROW_LINES),
                source,
            ]
            if "date" in widths:
                cells.append(Text(r.date, style=META_STYLE))
            cells.append(wrap_lines(snippet, widths["snippet"], self.ROW_LINES))
            self.add_row(*cells, key=r.id, height=self.ROW_LINES)
            if r.id in self.expanded:
                self._add_copies(r, widths)
        keys = [k.value for k in self.rows]
        # The same row again, or the hit of a copy whose story was collapsed.
        for wanted in (current, current.split(self.COPY)[0] if current else None):
            if wanted in keys:
                self.move_cursor(row=keys.index(wanted))
                break
        else:
            if keys:
                self.move_cursor(row=0)

    def _add_copies(self, row: RankRow, widths: dict[str, int]) -> None:
        """The story's other copies under its hit, indented: paper and date, then title."""
        for c in row.copies:
            cells: list[Any] = [
                self.copy_flag(c.id, self.marked),
                Text("copy", style=META_STYLE),
                wrap_lines(Text(c.title), widths["title"], self.COPY_LINES),
                Text(c.source),
            ]
            if "date" in widths:
                cells.append(Text(c.date, style=META_STYLE))
            note = Text(f"copy of #{row.rank} · C compares", style=META_STYLE)
            cells.append(wrap_lines(note, widths["snippet"], self.COPY_LINES))
            self.add_row(*cells, key=f"{row.id}{self.COPY}{c.id}", height=self.COPY_LINES)

    @staticmethod
    def flag(article_id: str, marked: frozenset[str], rank: int) -> Text:
        return Text("✓" if article_id in marked else " ", style="bold green") + Text(
            f"{rank:>2}", style="bold"
        )

    @staticmethod
    def copy_flag(article_id: str, marked: frozenset[str]) -> Text:
        return Text("✓" if article_id in marked else " ", style="bold green") + Text(
            " ↳", style=META_STYLE
        )

    def _current_key(self) -> str | None:
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0))
        return row_key.value

    @property
    def current_id(self) -> str | None:
        """The article under the cursor: a hit, or a copy listed under an expanded story."""
        key = self._current_key()
        return key.split(self.COPY)[-1] if key else None

    @property
    def current_hit(self) -> str | None:
        """The hit under the cursor, or the hit a listed copy belongs to."""
        key = self._current_key()
        return key.split(self.COPY)[0] if key else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.post_message(ArticleOpened(event.row_key.value.split(self.COPY)[-1]))


class TableList(OptionList):
    """The printed tables found in the current articles; Enter goes to the chosen one."""

    DEFAULT_CSS = pane_css("TableList", "height: auto; max-height: 8;")
    BINDINGS: ClassVar[list[BindingType]] = VIM_KEYS
    view: var[View | None] = var(None, always_update=True)

    def watch_view(self, view: View | None) -> None:
        self.clear_options()
        tables = view.tables if view is not None else []
        if not tables:
            self.add_option(Option(Text("no data tables in these articles"), disabled=True))
            return
        self.add_options([Option(t.label, id=t.key) for t in tables])
        self.highlighted = 0


class TablesView(DataTable):
    """A printed table (the innovation-cluster ranking …): ← → move between columns (the
    view scrolls to them), `s` sorts by the column under the cursor, again to reverse."""

    DEFAULT_CSS = pane_css("TablesView", "height: 1fr;")
    BINDINGS: ClassVar[list[BindingType]] = [
        *VIM_KEYS,
        Binding("s", "sort_column", "Sort by this column", id="sort-column"),
    ]
    sorted_by: tuple[int, bool] | None = None  # (column, descending)
    _header: list[str] = []

    def on_mount(self) -> None:
        self.cursor_type = "cell"
        self.border_title = "Table"

    def show(self, header: list[str], rows: list[list[Any]]) -> None:
        self.clear(columns=True)
        self._header = header
        self.sorted_by = None
        for n, h in enumerate(header):
            self.add_column(h, key=str(n))
        for r in rows:
            self.add_row(*r)
        self.border_title = "Table · s sorts the column under the cursor" if header else "Table"

    def action_sort_column(self) -> None:
        col = self.cursor_column
        if not self._header or col >= len(self._header):
            return

        def key(cell: object) -> tuple[int, Any]:
            text = str(cell).strip().split(" ")[0] if cell is not None else ""
            try:
                return (0, float(text.replace(",", "").replace("%", "")))
            except ValueError:
                from gba_tui.collation import collation_key

                return (1, collation_key(text))

        # First press: numbers high to low, words A to Z (pinyin); again: the other way.
        numeric = self.row_count > 0 and key(self.get_cell_at(Coordinate(0, col)))[0] == 0
        if self.sorted_by is not None and self.sorted_by[0] == col:
            descending = not self.sorted_by[1]
        else:
            descending = numeric
        self.sorted_by = (col, descending)
        self.sort(str(col), key=key, reverse=descending)
        arrow = " ▼" if descending else " ▲"
        for n, h in enumerate(self._header):
            self.columns[self.ordered_columns[n].key].label = Text(
                h + (arrow if n == col else ""), style="bold" if n == col else ""
            )
        self.border_title = f"Table · sorted by {self._header[col]}{arrow} (s reverses)"
        self.refresh()


class EntitySidebar(OptionList):
    """Entities of the current results, grouped by type with counts; Enter filters by one."""

    DEFAULT_CSS = pane_css("EntitySidebar", "text-wrap: nowrap; text-overflow: ellipsis;")
    BINDINGS: ClassVar[list[BindingType]] = VIM_KEYS
    LIMIT = 25
    view: var[View | None] = var(None, always_update=True)

    @dataclass
    class Chosen(Message):
        query: str
        label: str

    def watch_view(self, view: View | None) -> None:
        from gba_tui.app.data import entity_groups

        self.clear_options()
        self._queries: dict[str, tuple[str, str]] = {}
        if view is None or view.preview:
            return
        groups = entity_groups(view.entities)
        if not groups:
            self.add_option(Option(Text("no entities in these articles"), disabled=True))
            return
        options: list[Option] = []
        for title, entries in groups:
            options.append(
                Option(Text(f"{title} ({len(entries)})", style="bold reverse"), disabled=True)
            )
            for e in entries[: self.LIMIT]:
                oid = f"{e.type}:{e.key}"
                self._queries[oid] = (e.query, e.name)
                options.append(Option(view.entity_labels.get(oid, Text(e.name)), id=oid))
            if len(entries) > self.LIMIT:
                more = f"  … {len(entries) - self.LIMIT} more (the CLI's `entities` lists all)"
                options.append(Option(Text(more, style=META_STYLE), disabled=True))
        self.add_options(options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        oid = event.option.id
        if oid is not None and oid in getattr(self, "_queries", {}):
            query, name = self._queries[oid]
            self.post_message(self.Chosen(query, name))


__all__ = [
    "DocumentList",
    "EntitySidebar",
    "QueryStatus",
    "RankingTable",
    "TableList",
    "TablesView",
    "Timeline",
    "TopBar",
]
