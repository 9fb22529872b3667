"""The explorer's panes: document list, ranking table, data tables, entity sidebar, top bar."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from gba_tui.app.messages import ArticleOpened

VIM_KEYS: list[BindingType] = [
    Binding("j", "cursor_down", "Down", show=False, id="down"),
    Binding("k", "cursor_up", "Up", show=False, id="up"),
]


class TopBar(Static):
    """Corpus, article and hit counts, active filters, display script."""

    DEFAULT_CSS = """
    TopBar { height: 1; background: $primary; color: $foreground; padding: 0 1; }
    """


class DocumentList(OptionList):
    """Every article (title, source, byline), or the current hits; marked ones flagged.

    Each entry is laid out here, not by the OptionList: the title wrapped to the pane with a
    hanging indent (at most two lines, then an ellipsis), the source and byline below. Lines
    never wrap again afterwards, so an entry's height does not depend on when the scrollbar
    appeared, and a double-width character is never split between lines.
    """

    DEFAULT_CSS = """
    DocumentList { border: round $panel; text-wrap: nowrap; text-overflow: ellipsis;
                   scrollbar-gutter: stable; }
    DocumentList:focus { border: round $accent; }
    """
    BINDINGS: ClassVar[list[BindingType]] = VIM_KEYS
    TITLE_LINES = 2
    INDENT = 2  # the mark and a space

    _order: list[str] = []
    _labels: dict[str, tuple[str, str]] = {}
    _marked: set[str] = set()
    _laid_out_at = 0

    def show(self, order: list[str], labels: dict[str, tuple[str, str]], marked: set[str]) -> None:
        """order: article ids; labels: id -> (title, "source · byline") in the display script."""
        self._order, self._labels, self._marked = order, labels, marked
        self._laid_out_at = self._text_width()
        current = self.highlighted_option.id if self.highlighted_option else None
        self.clear_options()
        self.add_options([Option(self._entry(i), id=i) for i in order])
        if current in order:
            self.highlighted = order.index(current)
        elif order:
            self.highlighted = 0

    def show_mark(self, article_id: str) -> None:
        if article_id in self._order:
            self.replace_option_prompt(article_id, self._entry(article_id))

    def _text_width(self) -> int:
        padding = self.get_component_styles("option-list--option").padding.width
        return max(8, self.scrollable_content_region.width - padding - self.INDENT)

    def _entry(self, article_id: str) -> Text:
        title, meta = self._labels.get(article_id, (article_id, ""))
        width = self._laid_out_at or self._text_width()
        lines = list(Text(title, style="bold").wrap(self.app.console, width))
        if len(lines) > self.TITLE_LINES:
            rest = Text(title[sum(len(x.plain) for x in lines[: self.TITLE_LINES - 1]) :].strip())
            rest.stylize("bold")
            rest.truncate(width, overflow="ellipsis")
            lines = [*lines[: self.TITLE_LINES - 1], rest]
        entry = Text("✓ " if article_id in self._marked else "  ", style="bold green")
        pad = " " * self.INDENT
        for n, line in enumerate(lines):
            line.rstrip()
            entry.append_text((Text("\n" + pad) if n else Text()) + line)
        if meta:
            entry.append("\n" + pad + meta, style="dim")
        return entry

    def on_resize(self) -> None:
        if self._order and self._text_width() != self._laid_out_at:
            self.show(self._order, self._labels, self._marked)

    @property
    def current_id(self) -> str | None:
        return self.highlighted_option.id if self.highlighted_option else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(ArticleOpened(event.option.id))


class RankingTable(DataTable):
    """Ranked hits: mark, rank, score bar, title, source, snippet with highlights."""

    DEFAULT_CSS = """
    RankingTable { border: round $panel; height: 1fr; }
    RankingTable:focus { border: round $accent; }
    """
    BINDINGS: ClassVar[list[BindingType]] = VIM_KEYS

    # (label, key, width): the mark shares a column with the rank.
    FIXED = (("#", "mark", 3), ("score", "score", 11), ("source", "source", 8))
    _rows: list = []  # type: ignore[type-arg]
    _marked: set[str] = set()

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self._columns()

    def _columns(self) -> None:
        """Fit the columns to the pane: the title and the snippet share what is left."""
        self.clear(columns=True)
        padding = 2 * self.cell_padding * 5
        inner = self.size.width - sum(w for *_, w in self.FIXED) - padding - 1
        title_w = max(8, inner * 2 // 5)
        snippet_w = max(10, inner - title_w)
        (mark_l, mark_k, mark_w), (score_l, score_k, score_w), (src_l, src_k, src_w) = self.FIXED
        self.add_column(mark_l, key=mark_k, width=mark_w)
        self.add_column(score_l, key=score_k, width=score_w)
        self.add_column("title", key="title", width=title_w)
        self.add_column(src_l, key=src_k, width=src_w)
        self.add_column("snippet", key="snippet", width=snippet_w)

    def on_resize(self) -> None:
        if self._rows or not self.row_count:
            self.show(self._rows, self._marked)

    def show(self, rows: list, marked: set[str]) -> None:  # type: ignore[type-arg]
        current = self.current_id
        self._rows, self._marked = rows, marked
        self._columns()
        for r in rows:
            score, title, source, snippet = r.cells
            self.add_row(
                self.flag(r.id, marked, r.rank), score, title, source, snippet, key=r.id, height=3
            )
        if current and current in [r.id for r in rows]:
            self.move_cursor(row=[r.id for r in rows].index(current))
        elif rows:
            self.move_cursor(row=0)

    @staticmethod
    def flag(article_id: str, marked: set[str], rank: int) -> Text:
        return Text("✓" if article_id in marked else " ", style="bold green") + Text(
            f"{rank:>2}", style="bold"
        )

    @property
    def current_id(self) -> str | None:
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0))
        return row_key.value

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.post_message(ArticleOpened(event.row_key.value))


class TablesView(DataTable):
    """A printed table (the innovation-cluster ranking …), sortable by any column."""

    DEFAULT_CSS = """
    TablesView { border: round $panel; height: 1fr; }
    TablesView:focus { border: round $accent; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        *VIM_KEYS,
        Binding("s", "sort_column", "Sort by column", id="sort-column"),
    ]
    _reverse = False

    def on_mount(self) -> None:
        self.cursor_type = "cell"

    def show(self, header: list[str], rows: list[list]) -> None:  # type: ignore[type-arg]
        self.clear(columns=True)
        for n, h in enumerate(header):
            self.add_column(h, key=str(n))
        for r in rows:
            self.add_row(*r)

    def action_sort_column(self) -> None:
        col = self.cursor_column
        self._reverse = not self._reverse

        def key(cell: object) -> tuple[int, float | str]:
            text = str(cell).strip().split(" ")[0] if cell is not None else ""
            try:
                return (0, float(text.replace(",", "")))
            except ValueError:
                return (1, text)

        self.sort(str(col), key=key, reverse=self._reverse)


class EntitySidebar(OptionList):
    """Entities of the current results, grouped by type with counts; Enter filters by one."""

    DEFAULT_CSS = """
    EntitySidebar { border: round $panel; }
    EntitySidebar:focus { border: round $accent; }
    """
    BINDINGS: ClassVar[list[BindingType]] = VIM_KEYS

    @dataclass
    class Chosen(Message):
        query: str
        label: str

    def show(self, groups: list, labels: dict[str, Text], limit: int = 25) -> None:  # type: ignore[type-arg]
        self.clear_options()
        self._queries: dict[str, tuple[str, str]] = {}
        options: list[Option] = []
        for title, entries in groups:
            options.append(
                Option(Text(f"{title} ({len(entries)})", style="bold reverse"), disabled=True)
            )
            for e in entries[:limit]:
                oid = f"{e.type}:{e.key}"
                self._queries[oid] = (e.query, e.name)
                options.append(Option(labels.get(oid, Text(e.name)), id=oid))
        self.add_options(options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        oid = event.option.id
        if oid is not None and oid in getattr(self, "_queries", {}):
            query, name = self._queries[oid]
            self.post_message(self.Chosen(query, name))
