"""The explorer's working screen: it owns the state (results, filters, marks, script, sort)
as reactives and pushes them down to the panes with data_bind; panes post messages up.

Every Whoosh, OpenCC or segmenter call runs in an exclusive thread worker, and a result older
than the newest request is dropped.
"""

from __future__ import annotations

import contextlib
import gc
import time
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, get_args

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Footer, Input, OptionList, ProgressBar, Tab, Tabs
from textual.worker import Worker, WorkerState, get_current_worker

from gba_tui.app.history import SearchHistory
from gba_tui.app.labels import SCRIPT_NAMES
from gba_tui.app.messages import (
    ArticleOpened,
    ArticlesPreview,
    HitIds,
    IndexProgress,
    LibraryReady,
    Notice,
    QueryProblem,
    ViewReady,
)
from gba_tui.app.widgets.panes import (
    DocumentList,
    EntitySidebar,
    QueryStatus,
    RankingTable,
    TableList,
    TablesView,
    Timeline,
    TopBar,
)

if TYPE_CHECKING:
    from gba_tui.app.data import Script, Sort, View
    from gba_tui.config import Settings
    from gba_tui.export import Selection
    from gba_tui.search.searcher import Library

SEARCH_DEBOUNCE = 0.15
SCRIPTS: tuple[Script, ...] = ("orig", "s", "t")
NARROW = 110  # columns below which the panes collapse to the focused one
PANES = ("search", "documents", "hits", "entities")
PANE_TITLES = {"documents": "Articles", "hits": "Ranking", "entities": "Entities"}
SORT_WORDS = {"score": "relevance", "date": "date", "title": "title", "source": "paper"}


class SearchBox(Input):
    """The query; ↑ and ↓ walk through the searches of this and earlier sessions."""

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("up", "history(-1)", "Earlier search", show=False, id="history-older"),
        Binding("down", "history(1)", "Later search", show=False, id="history-newer"),
    ]
    history: SearchHistory = SearchHistory()

    def action_history(self, step: int) -> None:
        text = self.history.older() if step < 0 else self.history.newer()
        if text is not None:
            self.value = text
            self.cursor_position = len(text)


class MainScreen(Screen[None]):
    """Search box, document list, ranking (or data tables), entity sidebar."""

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        # A priority binding runs as the key arrives, before the keys queued behind it are
        # handed to the focused pane; check_action lets "/" type itself in the search box.
        Binding(
            "slash", "focus_search", "Search", key_display="/", id="focus-search", priority=True
        ),
        Binding("tab", "cycle_pane(1)", "Next pane", show=False, id="next-pane"),
        Binding("shift+tab", "cycle_pane(-1)", "Previous pane", show=False, id="previous-pane"),
        Binding("space", "toggle_mark", "Mark", id="toggle-mark"),
        Binding("a", "mark_all", "Mark all hits (again: unmark)", show=False, id="mark-all"),
        Binding(
            "A", "clear_marks", "Clear all marks", key_display="A", show=False, id="clear-marks"
        ),
        Binding("m", "toggle_marks_view", "Marked articles", show=False, id="marks-view"),
        Binding("e", "export", "Export", id="export"),
        Binding("t", "toggle_script", "繁/簡", id="toggle-script"),
        Binding("s", "cycle_sort", "Sort", id="cycle-sort"),
        Binding("c", "clear_filters", "Clear filters", show=False, id="clear-filters"),
        Binding("d", "toggle_tables", "Data tables", show=False, id="toggle-tables"),
        Binding("y", "copy_citation", "Copy citation", show=False, id="copy-citation"),
        Binding(
            "g",
            "toggle_story",
            "Other copies of this story (again: hide)",
            show=False,
            id="expand-story",
        ),
        Binding(
            "G",
            "toggle_all_copies",
            "All copies of every story (again: one per story)",
            key_display="G",
            show=False,
            id="all-copies",
        ),
        Binding(
            "C",
            "compare",
            "Compare this copy with another",
            key_display="C",
            show=False,
            id="compare-copies",
        ),
        Binding("escape", "leave_search", "Back to the results", id="leave-search"),
    ]
    HIT_LIMIT: ClassVar[int] = 200  # hits laid out in the panes; "N of M" says when capped

    view: var[View | None] = var(None, always_update=True, init=False)
    marked: var[frozenset[str]] = var(frozenset(), init=False)
    marks_only: var[bool] = var(False, init=False)
    script: var[Script] = var("orig", init=False)
    sort: var[Sort] = var("score", init=False)
    filters: var[tuple[str, ...]] = var((), init=False)
    pane: var[str] = var("documents", init=False)
    # Each story once, by its best-ranked copy (+N says how many others ran it), unless G.
    all_copies: var[bool] = var(False, init=False)
    expanded: var[frozenset[str]] = var(frozenset(), init=False)  # hits with copies listed

    def __init__(self, settings: Settings, history: SearchHistory) -> None:
        super().__init__()
        self.settings = settings
        self.history = history
        self.library: Library | None = None
        self.query_text = ""
        self.generation = 0
        self.started = time.perf_counter()
        self.ready_at: float | None = None
        self.building: tuple[int, int] | None = None  # pages done / total while indexing
        self._pending_focus: str | None = None
        self._library_opening = False
        self._mark_all_generation = -1

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield TopBar("gba-tui · opening the index…", id="topbar")
        box = SearchBox(
            placeholder="Search, either script: 科技保險  量子 NOT 保險  person:謝寶劍  ↑ history",
            id="search",
        )
        box.history = self.history
        yield box
        yield QueryStatus(id="query-status")
        yield ProgressBar(id="progress", show_eta=True)
        tabs = Tabs(*(Tab(t, id=f"tab-{p}") for p, t in PANE_TITLES.items()), id="pane-tabs")
        tabs.can_focus = False
        yield tabs
        with Horizontal(id="main"):
            yield DocumentList(id="documents").data_bind(
                MainScreen.view, MainScreen.marked, MainScreen.marks_only
            )
            with ContentSwitcher(initial="ranking-pane", id="centre"):
                with Vertical(id="ranking-pane"):
                    yield Timeline(id="timeline").data_bind(MainScreen.view)
                    yield RankingTable(id="hits").data_bind(
                        MainScreen.view, MainScreen.marked, MainScreen.expanded
                    )
                with Vertical(id="tables-pane"):
                    yield TableList(id="table-list").data_bind(MainScreen.view)
                    yield TablesView(id="table-view")
            yield EntitySidebar(id="entities").data_bind(MainScreen.view)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#table-list").border_title = "Data tables"
        self.query_one("#progress").display = False
        self._update_titles()
        # Start on the list, so every key works at once; / goes to the search box.
        self.query_one("#documents", DocumentList).focus()
        self._apply_layout()
        self.show_titles()

    def on_unmount(self) -> None:
        # What the session froze (_warm_up) goes back to the garbage collector with it: the
        # screen and its library are cycles it alone would free.
        gc.unfreeze()

    def on_resize(self, event: events.Resize) -> None:
        self._apply_layout()

    def _apply_layout(self) -> None:
        """Below NARROW columns one pane shows, the focused one, with tabs naming the others."""
        if not self.is_mounted:
            return
        narrow = self.size.width < NARROW
        self.query_one("#main").set_class(narrow, "narrow")
        tabs = self.query_one("#pane-tabs", Tabs)
        tabs.display = narrow
        shown = self.pane if self.pane in ("documents", "entities") else "centre"
        for name in ("documents", "centre", "entities"):
            self.query_one(f"#{name}").set_class(narrow and name != shown, "collapsed")
        tab = f"tab-{self.pane if self.pane in PANE_TITLES else 'hits'}"
        if narrow and tabs.active != tab:
            tabs.active = tab

    def watch_pane(self) -> None:
        self._apply_layout()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        pane = self._pane_of(event.widget)
        if pane != "search":
            self.pane = pane

    @staticmethod
    def _pane_of(widget: Widget) -> str:
        wid = widget.id or ""
        if wid in ("table-list", "table-view", "hits"):
            return "hits"
        return wid if wid in PANES else "search"

    @on(Tabs.TabActivated, "#pane-tabs")
    def tab_chosen(self, event: Tabs.TabActivated) -> None:
        name = (event.tab.id or "").removeprefix("tab-")
        focused = self._pane_of(self.focused) if self.focused is not None else ""
        if name and name != focused:
            self.focus_pane(name)

    def focus_pane(self, name: str) -> None:
        if name == "hits" and self._tables_shown():
            tables = self.view.tables if self.view is not None else []
            name = "table-view" if tables else "table-list"
        widget = self.query_one(f"#{name}")
        if name != "search":
            self.pane = self._pane_of(widget)
        self.set_focus(widget)  # at once, for the keys already queued behind this one

    def _tables_shown(self) -> bool:
        return self.query_one("#centre", ContentSwitcher).current == "tables-pane"

    def action_cycle_pane(self, step: int) -> None:
        order = list(PANES)
        if self._tables_shown():
            order = ["search", "documents", "table-list", "table-view", "entities"]
        current = self.focused.id if self.focused is not None else "search"
        if current not in order:
            current = "hits" if current in ("table-list", "table-view") else "search"
        idx = order.index(current) if current in order else 0
        target = order[(idx + step) % len(order)]
        if target in ("table-list", "table-view"):
            self.pane = "hits"
            self.set_focus(self.query_one(f"#{target}"))
        else:
            self.focus_pane(target)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_search":
            return not isinstance(self.focused, Input)
        if action == "leave_search":
            return isinstance(self.focused, Input)  # shown in the footer while typing
        return True

    def action_focus_search(self) -> None:
        self.set_focus(self.query_one("#search", Input))

    def action_leave_search(self) -> None:
        self.focus_pane("hits" if self.view is not None and self.view.total else "documents")

    # ------------------------------------------------------------ opening the index

    def _open_library_once(self) -> None:
        # The index (Whoosh, OpenCC) loads once the article list is painted: started earlier,
        # its imports would hold the interpreter while the list is still on its way.
        if not self._library_opening:
            self._library_opening = True
            self.open_library()

    @work(thread=True, exclusive=True, group="titles", exit_on_error=False)
    def show_titles(self) -> None:
        """The article list from the index's small title file: shown before anything slow."""
        from gba_tui.search.titles import LIST_LIMIT, article_count, read_titles

        rows = read_titles(self.settings.index, 0, LIST_LIMIT)
        if rows and self.library is None:
            titles = [(r[0], r[1], r[2], r[3]) for r in rows]
            listed = article_count(self.settings.index) or len(titles)
            self.post_message(ArticlesPreview(titles, listed=listed))
        else:
            self.app.call_from_thread(self._open_library_once)

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def open_library(self, rebuild: bool = False) -> None:
        """Open the index, or build it (missing, outdated, damaged or stale) while the pages'
        own titles are listed. rebuild: from scratch, whatever it looks like (damage found
        while reading it, which opening does not see)."""
        from gba_tui.corpus.library import load_corpus
        from gba_tui.corpus.loader import CorpusError
        from gba_tui.corpus.scan import scan_corpus
        from gba_tui.search.indexer import (
            IndexDamaged,
            IndexProblem,
            is_stale,
            read_manifest_head,
            update_index,
        )
        from gba_tui.search.searcher import Library

        corpus, index = self.settings.corpus, self.settings.index
        try:
            try:
                manifest = None if rebuild else read_manifest_head(index)
                fresh = manifest is not None and not is_stale(manifest, scan_corpus(corpus), corpus)
                if fresh:
                    library = Library(index)
                    self.post_message(LibraryReady(library))
                    self._warm_up(library)
                    return
            except IndexDamaged as exc:
                self.post_message(Notice(f"{exc} — rebuilding it now", "warning"))
            # Show the articles straight from the pages while the index builds.
            preview = load_corpus(corpus)
            titles = [(a.id, a.title, a.source, a.byline_names) for a in preview.articles]
            self.post_message(ArticlesPreview(titles, building=True))

            def progress(done: int, total: int, what: str) -> None:
                self.post_message(IndexProgress(done, total, what))

            report = update_index(corpus, index, rebuild=rebuild, progress=progress)
            library = Library(index)
            self.post_message(LibraryReady(library, report.summary().splitlines()[0]))
            self._warm_up(library)
        except (CorpusError, IndexProblem, OSError) as exc:
            self.post_message(Notice(f"the index could not be built: {exc}"))
            self.building = None
            self.app.call_from_thread(self._update_titles)

    @staticmethod
    def _warm_up(library: Library) -> None:
        """What the first search would read, read while it is typed; damage, if any, is met
        (and repaired) by that search. Then what is loaded by now (Textual, Whoosh, the
        index's tables) is frozen for the session: the garbage collector's full passes, which
        a search's thousands of records set off, no longer walk it (8 ms a pass at 54,503
        articles; objects still go when nothing refers to them)."""
        from gba_tui.search.indexer import IndexProblem

        with contextlib.suppress(IndexProblem):
            library.warm_up()
        gc.collect()  # what is garbage already is not kept
        gc.freeze()

    @on(ArticlesPreview)
    def show_preview(self, message: ArticlesPreview) -> None:
        from gba_tui.app.data import preview_view

        self.call_after_refresh(self._open_library_once)
        if self.view is not None and not self.view.preview:
            return  # the full view is already there
        if message.building:
            self.building = (0, 0)
            if self.query_text.strip():
                self._say_building()
        self.view = preview_view(message.titles, message.listed)
        if self.ready_at is None:
            self.ready_at = time.perf_counter()

    @on(IndexProgress)
    def show_progress(self, message: IndexProgress) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.display = True
        bar.update(total=message.total, progress=message.done)
        self.building = (message.done, message.total)
        self._update_titles()
        if self.query_text.strip():
            self._say_building()

    def _say_building(self) -> None:
        done, total = self.building or (0, 0)
        pages = f" ({done:,} of {total:,} pages)" if total else ""
        self.query_one("#query-status", QueryStatus).say(
            f"The index is being built{pages}: your search runs as soon as it is ready.", "info"
        )

    @on(LibraryReady)
    def library_ready(self, message: LibraryReady) -> None:
        self.library = message.library
        self.building = None
        self.query_one("#progress").display = False
        if message.report:
            self.notify(message.report, title="Index")
        skipped = self.library.skipped
        if skipped:
            listed = "; ".join(f"{path}: {rec.get('reason', '?')}" for path, rec in skipped.items())
            noun = "file" if len(skipped) == 1 else "files"
            self.notify(f"skipped {len(skipped)} {noun}: {listed}", severity="warning", timeout=10)
        self.refresh_view(then_focus=self._pending_focus)

    @on(Notice)
    def show_notice(self, message: Notice) -> None:
        self.notify(message.text, severity=message.severity, timeout=8)

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        """A worker's error shown, not lost (workers do not end the app); an index found
        damaged while it was read (a search, marking all, an export) is rebuilt, as one
        found damaged on opening is."""
        from gba_tui.search.indexer import IndexDamaged

        error = event.worker.error
        if event.state != WorkerState.ERROR or error is None:
            return
        if isinstance(error, IndexDamaged):
            self.repair(error)
        else:
            self.notify(f"{event.worker.name} failed: {error}", severity="error", timeout=10)

    def repair(self, error: Exception) -> None:
        """Rebuild an index found damaged while it was read; searches wait for the new one."""
        if self.building is not None:
            return  # once, not for each search that meets the damage
        self.library, self.building = None, (0, 0)
        self.notify(f"{error} — rebuilding it now", severity="warning", timeout=10)
        if self.query_text.strip():
            self._say_building()
        self.open_library(rebuild=True)

    # ------------------------------------------------------------ searching

    @on(Input.Changed, "#search")
    def typed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.run_search(debounce=True)

    @on(Input.Submitted, "#search")
    def submitted(self, event: Input.Submitted) -> None:
        self.query_text = event.value
        self.history.add(event.value)
        self.run_search(debounce=False, then_focus="hits")

    def effective_query(self) -> str:
        parts = [self.query_text.strip()] if self.query_text.strip() else []
        return " ".join([*parts, *self.filters])

    def run_search(self, debounce: bool = False, then_focus: str | None = None) -> None:
        self.generation += 1
        self._pending_focus = then_focus
        if self.library is None:
            if self.query_text.strip() and self.building is not None:
                self._say_building()
            return  # runs once the index is open (library_ready)
        self._search_worker(
            self.library,
            self.generation,
            self.effective_query(),
            self.script,
            self.sort,
            debounce,
            self.all_copies,
            self.marked,
        )

    def refresh_view(self, then_focus: str | None = None) -> None:
        """Rebuild the panes' data for the current query, filters, script and sort."""
        self.run_search(debounce=False, then_focus=then_focus)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search_worker(
        self,
        library: Library,
        generation: int,
        query: str,
        script: Script,
        sort: Sort,
        debounce: bool,
        all_copies: bool = False,
        marked: frozenset[str] = frozenset(),
    ) -> None:
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
                results = library.search(query, limit=self.HIT_LIMIT, all_copies=all_copies)
            except QueryError as exc:
                self.post_message(QueryProblem(generation, str(exc)))
                return
        view = build_view(library, results, script, sort, keep=marked)
        if not worker.is_cancelled and generation == self.generation:
            self.post_message(ViewReady(generation, view, results))

    @on(QueryProblem)
    def bad_query(self, message: QueryProblem) -> None:
        if message.generation != self.generation:
            return
        # It stays under the search box until the query changes (a toast would pass).
        self.query_one("#query-status", QueryStatus).say(f"Bad query: {message.text}", "error")
        self.query_one("#hits").border_title = "Ranking · bad query (see under the search box)"

    @on(ViewReady)
    def apply_view(self, message: ViewReady) -> None:
        if message.generation != self.generation:
            return  # stale: a newer search or toggle is on its way
        if self.view is None or self.view.query != message.view.query:
            self.expanded = frozenset()  # a story opened under another query's hit
        self.view = message.view
        self._explain(message.view)
        focus, self._pending_focus = self._pending_focus, None
        if focus:
            self.focus_pane(focus)
        if self.ready_at is None:
            self.ready_at = time.perf_counter()

    def _explain(self, view: View) -> None:
        """What the query status line says after a search: nothing, or what to try."""
        status = self.query_one("#query-status", QueryStatus)
        if view.total == 0:
            hints = ["fewer or shorter words", "OR between words (量子 OR 保險)"]
            if self.filters:
                hints.append("c to clear the entity filters")
            status.say(
                f"No article matches {view.understood or view.query}. Either script finds the "
                f"same; try {', '.join(hints)}.",
                "warning",
            )
        elif view.capped:
            status.say(
                f"Showing the best {len(view.rows):,} of {view.total:,} hits: `a` marks all "
                f"{view.total:,}, `e` exports all of them.",
                "info",
            )
        else:
            status.say("")

    def watch_view(self, view: View | None) -> None:
        self._update_titles()
        if view is not None and not view.tables:
            self.query_one("#table-view", TablesView).show([], [])

    def watch_marked(self) -> None:
        self._update_titles()

    def watch_marks_only(self) -> None:
        self._update_titles()

    def watch_script(self) -> None:
        self.refresh_view()

    def watch_sort(self) -> None:
        self.refresh_view()

    def watch_filters(self) -> None:
        self.refresh_view(then_focus="hits")

    def watch_all_copies(self) -> None:
        self.expanded = frozenset()  # every copy is a hit now, or folded again
        self.refresh_view()

    def _update_titles(self) -> None:
        if not self.is_mounted:
            return
        from gba_tui.app.data import SORT_LABELS, count_label, hits_label

        v = self.view
        lib = self.library
        n_articles = len(lib.articles) if lib is not None else (v.corpus_size if v else 0)
        name = self.settings.corpus.name or str(self.settings.corpus)
        top = [f"gba-tui · {name} · {n_articles:,} articles"]
        if self.building is not None:
            done, total = self.building
            top.append(f"building the index {done:,}/{total:,} pages" if total else "building…")
        elif v is not None and v.preview:
            top.append("opening the index…")
        if v is not None and v.total is not None:
            top.append(hits_label(v))
        if self.filters:
            top.append("filters: " + ", ".join(self.filters) + " (c clears)")
        if self.marked:
            top.append(f"✓ {len(self.marked):,} marked (m lists)")
        if self.all_copies:
            top.append("all copies (G)")
        top.append(SCRIPT_NAMES[self.script])
        no_query = v is None or v.total is None
        top.append(
            f"sort: {'page' if no_query and self.sort == 'score' else SORT_WORDS[self.sort]}"
        )
        self.query_one("#topbar", TopBar).update(Text(" · ".join(top)))
        docs = self.query_one("#documents")
        if self.marks_only:
            docs.border_title = f"Marked ({len(self.marked)}) · m: all"
        elif v is not None and v.total is not None:
            noun = "stories" if v.folded_away else "hits"
            docs.border_title = f"Articles ({count_label(len(v.rows), v.total, noun)})"
            if v.capped:  # the pane is narrow: "hits" is in the ranking's title beside it
                docs.border_title = f"Articles ({len(v.rows):,} of {v.total:,})"
        else:
            docs.border_title = f"Articles ({n_articles:,})"
        docs.border_subtitle = f"✓ {len(self.marked):,}" if self.marked else ""
        hits = self.query_one("#hits")
        if v is not None and v.total is not None:
            hits.border_title = f"Ranking · {hits_label(v)}"
            hits.border_subtitle = f"sorted by {SORT_LABELS[v.sort]} (s)"
        else:
            hits.border_title = "Ranking · type a query (/)"
            order = "page order" if self.sort == "score" else SORT_LABELS[self.sort]
            hits.border_subtitle = f"list in {order} (s sorts)"
        ents = self.query_one("#entities")
        if v is None or v.preview:
            ents.border_title = "Entities"
        elif v.capped:
            ents.border_title = f"Entities ({len(v.entities)}) · top {len(v.rows):,}"
        else:
            ents.border_title = f"Entities ({len(v.entities)})"

    # ------------------------------------------------------------ marks

    def _current_article_id(self) -> str | None:
        focused = self.focused
        if isinstance(focused, (DocumentList, RankingTable)):
            return focused.current_id
        return None

    def action_toggle_mark(self) -> None:
        aid = self._current_article_id()
        if aid is None:
            self.notify("highlight an article in the list or the ranking first", timeout=4)
            return
        self.marked = self.marked ^ {aid}

    def action_mark_all(self) -> None:
        view = self.view
        if self.library is None or view is None or view.total is None:
            self.notify("no hits to mark: search first (/)", severity="warning")
            return
        if not view.capped:
            self._mark_hits(tuple(r.id for r in view.rows), view.total)
            return
        # Every hit, not only the ones laid out: their ids come from a search without a cap.
        self.notify(f"finding all {view.total:,} hits…", timeout=3)
        self._mark_all_generation = self.generation
        self._all_hits_worker(
            self.library, self.generation, self.effective_query(), self.all_copies
        )

    @work(thread=True, exclusive=True, group="mark-all", exit_on_error=False)
    def _all_hits_worker(
        self, library: Library, generation: int, query: str, all_copies: bool
    ) -> None:
        # Ids only: a search without a cap built a snippet per hit (8 s at 9,600 hits).
        ids = library.matching_ids(query, all_copies=all_copies)
        if not get_current_worker().is_cancelled:
            self.post_message(HitIds(generation, tuple(ids)))

    @on(HitIds)
    def all_hits_found(self, message: HitIds) -> None:
        if message.generation == self.generation:
            self._mark_hits(message.ids, len(message.ids))

    def _mark_hits(self, ids: tuple[str, ...], total: int) -> None:
        """`a` marks every hit; pressed again, with all of them marked, it unmarks them."""
        if set(ids) <= self.marked and ids:
            self.marked = self.marked - set(ids)
            self.notify(f"unmarked the {total:,} hits")
        else:
            self.marked = self.marked | set(ids)
            self.notify(f"marked all {total:,} hits · {len(self.marked):,} marked in all")

    def action_clear_marks(self) -> None:
        if not self.marked:
            self.notify("no marks to clear", timeout=3)
            return
        n = len(self.marked)
        self.marked = frozenset()
        self.marks_only = False
        self.notify(f"cleared {n} marks")

    def action_toggle_marks_view(self) -> None:
        self.marks_only = not self.marks_only
        if self.marks_only and self.view is not None and not self.marked <= self.view.titles.keys():
            self.refresh_view()  # marks from earlier searches: the view reads their titles
        self.focus_pane("documents")

    # ------------------------------------------------------------ script, sort, filters, tables

    def action_toggle_script(self) -> None:
        self.script = SCRIPTS[(SCRIPTS.index(self.script) + 1) % len(SCRIPTS)]

    def _sorts(self) -> list[Sort]:
        from gba_tui.app.data import Sort

        sorts: list[Sort] = list(get_args(Sort))
        if self.view is None or not self.view.has_dates:
            sorts.remove("date")
        return sorts

    def action_cycle_sort(self) -> None:
        if self._tables_shown():
            # In the data tables `s` sorts the table by the column under its cursor.
            table = self.query_one("#table-view", TablesView)
            self.set_focus(table)
            table.action_sort_column()
            return
        sorts = self._sorts()
        current = sorts.index(self.sort) if self.sort in sorts else -1
        self.sort = sorts[(current + 1) % len(sorts)]

    def action_clear_filters(self) -> None:
        if not self.filters:
            self.notify("no filters to clear", severity="information")
            return
        self.filters = ()

    @on(EntitySidebar.Chosen)
    def add_filter(self, message: EntitySidebar.Chosen) -> None:
        if message.query not in self.filters:
            self.filters = (*self.filters, message.query)

    def action_toggle_tables(self) -> None:
        switcher = self.query_one("#centre", ContentSwitcher)
        showing = switcher.current == "tables-pane"
        switcher.current = "ranking-pane" if showing else "tables-pane"
        if showing:
            self.focus_pane("hits")
            return
        tables = self.view.tables if self.view is not None else []
        if not tables:
            self.notify("no data tables in these articles", severity="information")
            self.set_focus(self.query_one("#table-list"))
            return
        self.pane = "hits"
        self._table_worker(tables[0].table, self.script)
        self.set_focus(self.query_one("#table-view"))

    @on(OptionList.OptionHighlighted, "#table-list")
    def show_table(self, event: OptionList.OptionHighlighted) -> None:
        if self.view is None:
            return
        chosen = next((t for t in self.view.tables if t.key == event.option.id), None)
        if chosen is not None:
            self._table_worker(chosen.table, self.script)

    @on(OptionList.OptionSelected, "#table-list")
    def go_to_table(self, event: OptionList.OptionSelected) -> None:
        self.set_focus(self.query_one("#table-view"))

    @work(thread=True, exclusive=True, group="table", exit_on_error=False)
    def _table_worker(self, table: object, script: str) -> None:
        from gba_tui.app.data import table_cells

        header, rows = table_cells(table, script)  # type: ignore[arg-type]
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.query_one("#table-view", TablesView).show, header, rows)

    # ------------------------------------------------------------ reader, citation

    @on(ArticleOpened)
    def open_article(self, message: ArticleOpened) -> None:
        if self.library is None:
            self.notify("the index is still being built: the reader opens once it is ready")
            return
        from gba_tui.app.screens.reader import ReaderScreen
        from gba_tui.search.indexer import IndexDamaged

        try:
            found = self.library.with_entities([message.article_id]).get(message.article_id)
            story = self.library.story(message.article_id)
        except IndexDamaged as exc:
            self.repair(exc)
            return
        if found is None:
            return
        article, entities = found
        words = self.view.words if self.view is not None else ()
        copies = len(story.members) - 1 if story else 0
        self.app.push_screen(
            ReaderScreen(article, entities, words, self.script, copies, self.open_compare)
        )

    def action_copy_citation(self) -> None:
        from gba_tui.export import citation
        from gba_tui.search.indexer import IndexDamaged

        aid = self._current_article_id()
        try:
            article = self.library.article(aid) if aid and self.library is not None else None
        except IndexDamaged as exc:
            self.repair(exc)
            return
        if article is None:
            self.notify("highlight an article in the list or the ranking first", timeout=4)
            return
        text = citation(article, self.script)
        self.app.copy_to_clipboard(text)
        self.notify(f"copied: {text}", title="Citation")

    # ------------------------------------------------------------ stories

    def _current_hit(self) -> str | None:
        focused = self.focused
        if isinstance(focused, RankingTable):
            return focused.current_hit
        return self._current_article_id()

    def action_toggle_story(self) -> None:
        """List the other copies of the highlighted hit's story under it, or hide them."""
        hit = self._current_hit()
        view = self.view
        row = next((r for r in view.rows if r.id == hit), None) if view is not None else None
        if row is None:
            self.notify("highlight a hit in the ranking first", timeout=4)
            return
        if not row.copies:
            self.notify("no other paper ran this article", timeout=4)
            return
        self.expanded = self.expanded ^ {row.id}
        if isinstance(self.focused, RankingTable) or row.id in self.expanded:
            self.focus_pane("hits")

    def action_toggle_all_copies(self) -> None:
        self.all_copies = not self.all_copies
        self.notify(
            "every copy of a story listed" if self.all_copies else "each story once (+N: copies)",
            timeout=3,
        )

    def action_compare(self) -> None:
        aid = self._current_article_id()
        if aid is None or self.library is None:
            self.notify("highlight an article in the list or the ranking first", timeout=4)
            return
        self.open_compare(aid, self.script)

    def open_compare(self, article_id: str, script: str) -> None:
        """The compare view of this copy against another copy of its story."""
        from gba_tui.app.screens.compare import CompareScreen
        from gba_tui.search.indexer import IndexDamaged

        try:
            story = self.library.story(article_id) if self.library is not None else None
        except IndexDamaged as exc:
            self.repair(exc)
            return
        if self.library is None or story is None:
            self.notify("no other paper ran this article: nothing to compare", timeout=4)
            return
        self.app.push_screen(CompareScreen(self.library, story, article_id, script))

    # ------------------------------------------------------------ export

    def action_export(self) -> None:
        if self.library is None:
            self.notify("the index is still being built", severity="warning")
            return
        from gba_tui.app.screens.export_dialog import ExportDialog
        from gba_tui.export import Selection, default_export_name

        view = self.view
        if self.marked:
            n = len(self.marked)
            what = f"{n} marked article" + ("s" if n > 1 else "")
        elif view is not None and view.total:
            what = f"all {view.total:,} hits" if view.total > 1 else "the one hit"
            if view.folded_away:
                # The export keeps every copy (each names the others): say so, not the stories.
                what = f"all {view.copies_total:,} matching articles ({view.total:,} stories)"
        else:
            self.notify(
                "nothing to export: mark articles (space) or search first", severity="warning"
            )
            return
        path = str(Path.cwd() / default_export_name(self.query_text or "selection"))
        # Page order from the list's light rows (read once): not every article's record.
        order = {row[0]: n for n, row in enumerate(self.library.list_rows())}
        ids = tuple(sorted(self.marked, key=lambda i: order.get(i, 0)))
        library, query, script = self.library, self.effective_query(), self.script
        selection = Selection(query, ids)

        def chosen(result: str | None) -> None:
            if result:
                self._export_worker(library, result, selection, script)

        self.app.push_screen(ExportDialog(path, what), chosen)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export_worker(
        self, library: Library, path: str, selection: Selection, script: str
    ) -> None:
        from gba_tui.export import ExportError, render_markdown, select_items, write_atomically
        from gba_tui.search.query import QueryError

        try:
            items, meta = select_items(library, selection, str(self.settings.corpus))
            text = render_markdown(items, meta, full=False, script=script)
            written = write_atomically(Path(path), text)
        except (ExportError, QueryError, OSError) as exc:
            self.post_message(Notice(f"export failed: {exc}"))
            return
        noun = "article" if len(items) == 1 else "articles"
        also = f" ({len(meta.unmatched)} not matching the query)" if meta.unmatched else ""
        self.post_message(Notice(f"exported {len(items)} {noun}{also} to {written}", "information"))
