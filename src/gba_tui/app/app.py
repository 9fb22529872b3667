"""The explorer `gba-tui` opens: search box, document list, ranking table, entity sidebar, reader.

State flows down (the screen keeps results, filters, marks, script and pushes them to the
panes); events flow up (panes post small messages). Every Whoosh, OpenCC or segmenter call runs
in an exclusive thread worker, and a result older than the newest request is dropped.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Input, OptionList, ProgressBar
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from gba_tui.app.labels import SCRIPT_NAMES, list_entry
from gba_tui.app.messages import (
    ArticleOpened,
    ArticlesPreview,
    IndexProgress,
    LibraryReady,
    Notice,
    ViewReady,
)
from gba_tui.app.widgets.panes import DocumentList, EntitySidebar, RankingTable, TablesView, TopBar
from gba_tui.config import Settings

SEARCH_DEBOUNCE = 0.15
SCRIPTS = ("orig", "s", "t")
SORTS = ("score", "title", "source")
NARROW = 110  # columns below which the panes collapse to the focused one


class MainScreen(Screen[None]):
    """The explorer's one working screen."""

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        # A priority binding runs as the key arrives, before the keys queued behind it are
        # handed to the focused pane; check_action lets "/" type itself in the search box.
        Binding(
            "slash", "focus_search", "Search", key_display="/", id="focus-search", priority=True
        ),
        Binding("tab", "cycle_pane(1)", "Next pane", show=False, id="next-pane"),
        Binding("shift+tab", "cycle_pane(-1)", "Previous pane", show=False, id="previous-pane"),
        Binding("space", "toggle_mark", "Mark", id="toggle-mark"),
        Binding("a", "mark_all", "Mark all hits", id="mark-all"),
        Binding("e", "export", "Export", id="export"),
        Binding("t", "toggle_script", "繁/簡", id="toggle-script"),
        Binding("c", "clear_filters", "Clear filters", id="clear-filters"),
        Binding("s", "cycle_sort", "Sort", id="cycle-sort"),
        Binding("d", "toggle_tables", "Data tables", id="toggle-tables"),
        Binding("escape", "leave_search", "Results", show=False, id="leave-search"),
    ]

    def compose(self) -> ComposeResult:
        yield TopBar("gba-tui · opening the index…", id="topbar")
        yield Input(
            placeholder="Search, either script: 科技保險  量子 NOT 保險  person:謝寶劍",
            id="search",
        )
        yield ProgressBar(id="progress", show_eta=False)
        with Horizontal(id="main"):
            yield DocumentList(id="documents")
            with ContentSwitcher(initial="hits", id="centre"):
                yield RankingTable(id="hits")
                with Vertical(id="tables-pane"):
                    yield OptionList(id="table-list")
                    yield TablesView(id="table-view")
            yield EntitySidebar(id="entities")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#documents").border_title = "Articles"
        self.query_one("#hits").border_title = "Ranking"
        self.query_one("#entities").border_title = "Entities"
        self.query_one("#table-list").border_title = "Data tables"
        self.query_one("#progress").display = False
        # Start on the list, so every key works at once; / goes to the search box.
        self.query_one("#documents", DocumentList).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "focus_search" and isinstance(self.focused, Input))

    # The actions live on the app, which holds the state; the screen only routes keys.
    def action_focus_search(self) -> None:
        self.set_focus(self.query_one("#search", Input))

    def action_cycle_pane(self, step: int) -> None:
        self.app.cycle_pane(step)  # type: ignore[attr-defined]

    def action_toggle_mark(self) -> None:
        self.app.toggle_mark()  # type: ignore[attr-defined]

    def action_mark_all(self) -> None:
        self.app.mark_all()  # type: ignore[attr-defined]

    def action_export(self) -> None:
        self.app.open_export()  # type: ignore[attr-defined]

    def action_toggle_script(self) -> None:
        self.app.toggle_script()  # type: ignore[attr-defined]

    def action_clear_filters(self) -> None:
        self.app.clear_filters()  # type: ignore[attr-defined]

    def action_cycle_sort(self) -> None:
        self.app.cycle_sort()  # type: ignore[attr-defined]

    def action_toggle_tables(self) -> None:
        self.app.toggle_tables()  # type: ignore[attr-defined]

    def action_leave_search(self) -> None:
        if self.focused is self.query_one("#search"):
            self.app.focus_pane("hits")  # type: ignore[attr-defined]


class GbaApp(App[None]):
    """gba-tui: explore Greater Bay Area innovation news in either script."""

    CSS_PATH = Path(__file__).parent / "app.tcss"
    TITLE = "gba-tui"
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.library: Any = None
        self.results: Any = None
        self.view: Any = None
        self.query_text = ""
        self.filters: list[tuple[str, str]] = []  # (query filter, label)
        self.marked: set[str] = set()
        self.script = "orig"
        self.sort = "score"
        self.generation = 0
        self.started = time.perf_counter()
        self.ready_at: float | None = None
        self._library_opening = False

    def get_default_screen(self) -> Screen[None]:
        return MainScreen()

    def on_mount(self) -> None:
        self.show_titles()
        self.call_after_refresh(self._collapse, "documents")

    def _open_library_once(self) -> None:
        # The index (Whoosh, OpenCC) loads once the article list is painted: started earlier,
        # its imports would hold the interpreter while the list is still on its way.
        if not self._library_opening:
            self._library_opening = True
            self.open_library()

    @work(thread=True, exclusive=True, group="titles", exit_on_error=False)
    def show_titles(self) -> None:
        """The article list from the index's small title file: shown before anything slow."""
        from gba_tui.search.titles import read_titles

        rows = read_titles(self.settings.index)
        if rows and self.library is None:
            self.post_message(ArticlesPreview([(r[0], r) for r in rows]))
        else:
            self.call_from_thread(self._open_library_once)

    # ------------------------------------------------------------ opening the index

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def open_library(self) -> None:
        from gba_tui.corpus.library import load_corpus
        from gba_tui.corpus.loader import CorpusError
        from gba_tui.search.indexer import (
            IndexDamaged,
            IndexProblem,
            is_stale,
            read_manifest,
            scan_corpus,
            update_index,
        )
        from gba_tui.search.searcher import Library

        corpus, index = self.settings.corpus, self.settings.index
        try:
            try:
                manifest = read_manifest(index)
                fresh = manifest is not None and not is_stale(manifest, scan_corpus(corpus), corpus)
                if fresh:
                    self.post_message(LibraryReady(Library(index)))
                    return
            except IndexDamaged as exc:
                self.post_message(Notice(f"{exc} — rebuilding it now", "warning"))
            # Show the articles straight from the pages while the index builds.
            preview = load_corpus(corpus)
            self.post_message(ArticlesPreview([(a.id, a) for a in preview.articles]))

            def progress(done: int, total: int, what: str) -> None:
                self.post_message(IndexProgress(done, total, what))

            report = update_index(corpus, index, rebuild=False, progress=progress)
            self.post_message(LibraryReady(Library(index), report.summary().splitlines()[0]))
        except (CorpusError, IndexProblem, OSError) as exc:
            self.post_message(Notice(str(exc)))

    @on(ArticlesPreview)
    def show_preview(self, message: ArticlesPreview) -> None:
        self.call_after_refresh(self._open_library_once)
        if not self._main() or self.view is not None:
            return  # the full view is already there
        docs = self.screen.query_one("#documents", DocumentList)
        labels = {}
        for aid, a in message.titles:
            # Titles come from the index manifest (a list) or from pages just segmented. They
            # show as printed: OpenCC is not loaded yet, and the full view follows in a moment.
            title, source, byline = (
                a[1:4] if isinstance(a, list) else (a.title, a.source, a.byline_names)
            )
            labels[aid] = list_entry(title, source, byline)
        docs.show([aid for aid, _ in message.titles], labels, self.marked)
        building = (
            self.library is None and not isinstance(message.titles[0][1], list)
            if message.titles
            else False
        )
        self._top(
            f"{len(message.titles)} articles"
            + (" · building the index…" if building else " · loading…")
        )
        if self.ready_at is None:
            self.ready_at = time.perf_counter()

    @on(IndexProgress)
    def show_progress(self, message: IndexProgress) -> None:
        if not self._main():
            return
        bar = self.screen.query_one("#progress", ProgressBar)
        bar.display = True
        bar.update(total=message.total, progress=message.done)
        self._top(f"indexing {message.done}/{message.total} pages · {message.what}")

    @on(LibraryReady)
    def library_ready(self, message: LibraryReady) -> None:
        self.library = message.library
        if self._main():
            self.screen.query_one("#progress").display = False
        if message.report:
            self.notify(message.report, title="Index")
        skipped = self.library.skipped
        if skipped:
            listed = "; ".join(f"{path}: {rec.get('reason', '?')}" for path, rec in skipped.items())
            noun = "file" if len(skipped) == 1 else "files"
            self.notify(f"skipped {len(skipped)} {noun}: {listed}", severity="warning", timeout=10)
        self.refresh_view()

    @on(Notice)
    def show_notice(self, message: Notice) -> None:
        self.notify(message.text, severity=message.severity, timeout=8)  # type: ignore[arg-type]

    # ------------------------------------------------------------ searching

    @on(Input.Changed, "#search")
    def typed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.run_search(debounce=True)

    @on(Input.Submitted, "#search")
    def submitted(self, event: Input.Submitted) -> None:
        self.query_text = event.value
        self.run_search(debounce=False, then_focus="hits")

    def effective_query(self) -> str:
        parts = [self.query_text.strip()] if self.query_text.strip() else []
        parts += [q for q, _ in self.filters]
        return " ".join(parts)

    def run_search(self, debounce: bool = False, then_focus: str | None = None) -> None:
        self.generation += 1
        self._pending_focus = then_focus
        if self.library is not None:
            self._search_worker(self.generation, self.effective_query(), self.script, debounce)

    def refresh_view(self) -> None:
        """Rebuild the panes' data for the current query, filters and script."""
        self.run_search(debounce=False)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search_worker(self, generation: int, query: str, script: str, debounce: bool) -> None:
        from gba_tui.app.data import build_view
        from gba_tui.search.query import QueryError

        worker = get_current_worker()
        if debounce:
            time.sleep(SEARCH_DEBOUNCE)  # typing goes on: a newer request cancels this one
        if worker.is_cancelled or generation != self.generation:
            return
        results = None
        if query:
            try:
                results = self.library.search(query, limit=200)
            except QueryError as exc:
                self.post_message(Notice(f"bad query: {exc}", "warning"))
                return
            if self.sort != "score":
                results = results.sorted_by(self.sort)
        view = build_view(self.library, results, script)
        if not worker.is_cancelled and generation == self.generation:
            self.post_message(ViewReady(generation, (results, view)))

    @on(ViewReady)
    def apply_view(self, message: ViewReady) -> None:
        if message.generation != self.generation or not self._main():
            return  # stale: a newer search or toggle is on its way
        self.results, self.view = message.view
        view = self.view
        screen = self.screen
        screen.query_one("#documents", DocumentList).show(view.doc_order, view.titles, self.marked)
        screen.query_one("#hits", RankingTable).show(view.rows, self.marked)
        from gba_tui.app.data import entity_groups

        screen.query_one("#entities", EntitySidebar).show(
            entity_groups(view.entities), view.entity_labels
        )
        table_list = screen.query_one("#table-list", OptionList)
        table_list.clear_options()
        table_list.add_options([Option(t.label, id=t.key) for t in view.tables])
        if view.tables:
            table_list.highlighted = 0
        self._update_titles()
        focus = getattr(self, "_pending_focus", None)
        self._pending_focus = None
        if focus:
            self.focus_pane(focus)
        else:
            focused = self.screen.focused
            self._collapse(focused.id if focused is not None and focused.id else "hits")
        if self.ready_at is None:
            self.ready_at = time.perf_counter()

    def _update_titles(self) -> None:
        v = self.view
        screen = self.screen
        n_articles = len(self.library.articles) if self.library else 0
        hits = "" if v is None or v.total is None else f" · {v.total} hits"
        filters = ""
        if self.filters:
            filters = " · filters: " + ", ".join(label for _, label in self.filters) + " (c clears)"
        name = self.settings.corpus.name or str(self.settings.corpus)
        self._top(
            f"gba-tui · {name} · {n_articles} articles{hits}{filters} · "
            f"script: {SCRIPT_NAMES[self.script]} · sort: {self.sort}"
        )
        screen.query_one("#documents").border_title = (
            f"Articles ({len(v.doc_order)})" if v else "Articles"
        )
        screen.query_one("#hits").border_title = (
            f"Ranking · {v.total} hits · {v.understood}"
            if v and v.total is not None
            else "Ranking · type a query"
        )
        screen.query_one("#entities").border_title = (
            f"Entities ({len(v.entities)})" if v else "Entities"
        )

    def _top(self, text: str) -> None:
        if self._main():
            self.screen.query_one("#topbar", TopBar).update(Text(text))

    def _main(self) -> bool:
        return isinstance(self.screen, MainScreen)

    # ------------------------------------------------------------ panes and marks

    PANES = ("search", "documents", "hits", "entities")

    def focus_pane(self, name: str) -> None:
        if not self._main():
            return
        if name == "hits" and self.screen.query_one("#centre", ContentSwitcher).current != "hits":
            name = "table-list"
        widget = self.screen.query_one(f"#{name}")
        self._collapse(name)
        self.screen.set_focus(widget)  # at once, for the keys already queued behind this one

    def cycle_pane(self, step: int) -> None:
        focused = self.screen.focused
        current = focused.id if focused is not None else "search"
        order = list(self.PANES)
        if current in ("table-list", "table-view"):
            current = "hits"
        idx = order.index(current) if current in order else 0
        self.focus_pane(order[(idx + step) % len(order)])

    def _collapse(self, focus: str) -> None:
        """Below NARROW columns only one pane shows: the focused one (the ranking by default)."""
        found = self.screen.query("#main")
        if not found:
            return  # resized before the screen was composed
        main = found.first()
        narrow = self.size.width < NARROW
        main.set_class(narrow, "narrow")
        shown = focus if focus in ("documents", "entities") else "centre"
        for pane in ("documents", "centre", "entities"):
            self.screen.query_one(f"#{pane}").set_class(narrow and pane != shown, "collapsed")

    def on_resize(self) -> None:
        if self._main():
            focused = self.screen.focused
            self._collapse(focused.id if focused is not None and focused.id else "hits")

    def _current_article_id(self) -> str | None:
        focused = self.screen.focused
        if isinstance(focused, (DocumentList, RankingTable)):
            return focused.current_id
        return None

    def toggle_mark(self) -> None:
        aid = self._current_article_id()
        if aid is None:
            return
        self.marked.symmetric_difference_update({aid})
        self._show_marks([aid])

    def mark_all(self) -> None:
        if self.view is None or not self.view.rows:
            self.notify("no hits to mark: search first", severity="warning")
            return
        ids = [r.id for r in self.view.rows]
        self.marked.update(ids)
        self._show_marks(ids)
        self.notify(f"marked {len(ids)} hits")

    def _show_marks(self, ids: Iterable[str]) -> None:
        if self.view is None:
            return
        docs = self.screen.query_one("#documents", DocumentList)
        hits = self.screen.query_one("#hits", RankingTable)
        ranks = {r.id: r.rank for r in self.view.rows}
        for aid in ids:
            if aid in self.view.doc_order:
                docs.show_mark(aid)
            if aid in ranks:
                hits.update_cell(aid, "mark", RankingTable.flag(aid, self.marked, ranks[aid]))
        self.screen.query_one(
            "#documents"
        ).border_title = f"Articles ({len(self.view.doc_order)}) · {len(self.marked)} marked"

    # ------------------------------------------------------------ script, sort, filters, tables

    def toggle_script(self) -> None:
        self.script = SCRIPTS[(SCRIPTS.index(self.script) + 1) % len(SCRIPTS)]
        self.refresh_view()

    def cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        if self.view is not None and self.view.rows:
            key = {
                "score": lambda r: r.rank,
                "title": lambda r: (r.title, r.rank),
                "source": lambda r: (r.source, r.rank),
            }[self.sort]
            rows = sorted(self.view.rows, key=key)  # type: ignore[arg-type]
            self.screen.query_one("#hits", RankingTable).show(rows, self.marked)
        self._update_titles()

    def clear_filters(self) -> None:
        if not self.filters:
            self.notify("no filters to clear", severity="information")
            return
        self.filters.clear()
        self.refresh_view()

    @on(EntitySidebar.Chosen)
    def add_filter(self, message: EntitySidebar.Chosen) -> None:
        if message.query not in [q for q, _ in self.filters]:
            self.filters.append((message.query, message.query))
        self._pending_focus = "hits"
        self.generation += 1
        self._search_worker(self.generation, self.effective_query(), self.script, False)
        self._pending_focus = "hits"

    def toggle_tables(self) -> None:
        switcher = self.screen.query_one("#centre", ContentSwitcher)
        switcher.current = "tables-pane" if switcher.current == "hits" else "hits"
        if switcher.current == "tables-pane":
            if self.view is None or not self.view.tables:
                self.notify("no tables in these articles", severity="information")
            self.screen.set_focus(self.screen.query_one("#table-list"))
        else:
            self.screen.set_focus(self.screen.query_one("#hits"))

    @on(OptionList.OptionHighlighted, "#table-list")
    def show_table(self, event: OptionList.OptionHighlighted) -> None:
        if self.view is None:
            return
        chosen = next((t for t in self.view.tables if t.key == event.option.id), None)
        if chosen is not None:
            self._table_worker(chosen.table, self.script)

    @work(thread=True, exclusive=True, group="table", exit_on_error=False)
    def _table_worker(self, table: Any, script: str) -> None:
        from gba_tui.app.data import table_cells

        header, rows = table_cells(table, script)
        self.call_from_thread(self.screen.query_one("#table-view", TablesView).show, header, rows)

    # ------------------------------------------------------------ reader

    @on(ArticleOpened)
    def open_article(self, message: ArticleOpened) -> None:
        if self.library is None:
            self.notify("the index is still being built", severity="warning")
            return
        from gba_tui.app.screens.reader import ReaderScreen

        article = self.library.article(message.article_id)
        if article is None:
            return
        words = self.view.words if self.view is not None else ()
        entities = self.library.entities_of.get(article.id, ())
        self.push_screen(ReaderScreen(article, entities, words, self.script))

    # ------------------------------------------------------------ export

    def open_export(self) -> None:
        if self.library is None:
            self.notify("the index is still being built", severity="warning")
            return
        from gba_tui.app.screens.export_dialog import ExportDialog
        from gba_tui.export import default_export_name

        if self.marked:
            n = len(self.marked)
            what = f"{n} marked article" + ("s" if n > 1 else "")
        elif self.view is not None and self.view.rows:
            n = len(self.view.rows)
            what = f"the {n} hits" if n > 1 else "the one hit"
        else:
            self.notify(
                "nothing to export: mark articles (space) or search first", severity="warning"
            )
            return
        path = str(Path.cwd() / default_export_name(self.query_text or "selection"))

        def chosen(result: str | None) -> None:
            if result:
                self._export_worker(
                    result, self.effective_query(), sorted(self.marked), self.script
                )

        self.push_screen(ExportDialog(path, what), chosen)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export_worker(self, path: str, query: str, marked: list[str], script: str) -> None:
        from gba_tui.export import ExportError, collect_items, render_markdown, write_atomically
        from gba_tui.search.query import QueryError

        try:
            if marked:
                order = {a.id: n for n, a in enumerate(self.library.articles)}
                ids = sorted(marked, key=lambda i: order.get(i, 0))
                items, meta = collect_items(
                    self.library, query or None, ids, str(self.settings.corpus)
                )
                got = {i.article.id for i in items}
                rest = [i for i in ids if i not in got]
                if rest:  # marked articles the query does not match still go out
                    items += collect_items(self.library, None, rest)[0]
            else:
                items, meta = collect_items(self.library, query, None, str(self.settings.corpus))
            text = render_markdown(items, meta, full=False, script=script)
            written = write_atomically(Path(path), text)
        except (ExportError, QueryError, OSError) as exc:
            self.post_message(Notice(f"export failed: {exc}"))
            return
        noun = "article" if len(items) == 1 else "articles"
        self.post_message(Notice(f"exported {len(items)} {noun} to {written}", "information"))

    # ------------------------------------------------------------ help and the command palette

    def action_help(self) -> None:
        from gba_tui.app.screens.help import HelpScreen
        from gba_tui.app.screens.reader import ReaderScreen

        sections = [
            ("explorer", list(MainScreen.BINDINGS)),
            (
                "lists",
                [
                    Binding("up,down,j,k", "", "Move", key_display="↑↓ j k"),
                    Binding("enter", "", "Open the article / choose the entity"),
                ],
            ),
            ("reader", list(ReaderScreen.BINDINGS)),
            ("everywhere", list(self.BINDINGS) + [Binding("ctrl+p", "", "Command palette")]),
        ]
        self.push_screen(HelpScreen(sections))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, MainScreen):
            for b in MainScreen.BINDINGS:
                if b.description and b.id not in ("leave-search",):
                    action = getattr(screen, f"action_{b.action.split('(')[0]}")
                    if b.action.startswith("cycle_pane"):
                        continue
                    yield SystemCommand(b.description, f"key: {b.key_display or b.key}", action)
        yield SystemCommand("Help", "every key (?)", self.action_help)


def run(settings: Settings) -> int:
    app = GbaApp(settings)
    app.run()
    return app.return_code or 0
