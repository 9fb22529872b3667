"""Two copies of one story side by side (stacked when narrow), sentence by sentence: what the
second copy added, cut or reworded, in the display script."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from gba_tui.app.labels import SCRIPT_NAMES
from gba_tui.render import wrap_text

if TYPE_CHECKING:
    from gba_tui.app.data import Comparison
    from gba_tui.search.searcher import Library
    from gba_tui.search.story_index import StoryRef

NEXT_SCRIPT = {"orig": "s", "s": "t", "t": "orig"}
SIDE_BY_SIDE = 110  # columns: below this the two copies are stacked, row by row


@dataclass
class ComparisonReady(Message):
    """The aligned rows, built in a worker; dropped when older than the newest request."""

    generation: int
    comparison: Comparison


class CompareScreen(Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape", "back", "Back", id="compare-back"),
        Binding("o", "other_copy", "Other copy", id="compare-other-copy"),
        Binding("t", "toggle_script", "繁/簡", id="compare-toggle-script"),
        Binding("j", "scroll_down", "Down", show=False, id="compare-down"),
        Binding("k", "scroll_up", "Up", show=False, id="compare-up"),
    ]
    DEFAULT_CSS = """
    CompareScreen #compare-head { height: auto; background: $primary; padding: 0 1; }
    CompareScreen #compare-body { padding: 0 1; }
    """

    def __init__(self, library: Library, story: StoryRef, left_id: str, script: str) -> None:
        super().__init__()
        self.library = library
        self.story = story
        self.left_id = left_id
        self.others = story.others(left_id)
        self.right_index = 0
        self.script = script
        self.generation = 0
        self.comparison: Comparison | None = None

    @property
    def right_id(self) -> str:
        return self.others[self.right_index]

    def compose(self) -> ComposeResult:
        yield Static(id="compare-head")
        with VerticalScroll(id="compare-body"):
            yield Static(id="compare-rows")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#compare-body").focus()
        self._show()
        self.run_comparison()

    def on_resize(self, event: events.Resize) -> None:
        self._show()

    def run_comparison(self) -> None:
        self.generation += 1
        self.comparison = None
        self._show()
        self._compare_worker(self.generation, self.left_id, self.right_id, self.script)

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def _compare_worker(self, generation: int, left_id: str, right_id: str, script: str) -> None:
        from gba_tui.app.data import compare_copies

        left, right = self.library.article(left_id), self.library.article(right_id)
        if left is None or right is None:
            return
        comparison = compare_copies(left, right, script)
        if not get_current_worker().is_cancelled:
            self.post_message(ComparisonReady(generation, comparison))

    @on(ComparisonReady)
    def comparison_ready(self, message: ComparisonReady) -> None:
        message.stop()
        if message.generation != self.generation or not self.is_attached:
            return  # a newer comparison is on its way, or the screen was closed
        self.comparison = message.comparison
        self._show()

    def _show(self) -> None:
        if not self.is_mounted:
            return
        head = self.query_one("#compare-head", Static)
        rows = self.query_one("#compare-rows", Static)
        c = self.comparison
        others = len(self.others)
        which = (
            f"▶ other copy {self.right_index + 1} of {others} (o: next)"
            if others > 1
            else "2 copies"
        )
        if c is None:
            head.update(Text(f"comparing…  ·  {which}  ·  {SCRIPT_NAMES[self.script]}"))
            rows.update("")
            return
        from gba_tui.app.data import CHANGE_STYLES

        title = Text()
        title.append("◀ ", style="bold")
        title.append(c.left + "\n")
        title.append("▶ ", style="bold")
        title.append(c.right + "\n")
        for k in ("same", "added", "cut", "reworded"):
            if c.count(k):
                title.append(f"{c.count(k)} {k}", style=CHANGE_STYLES[k] + " on default")
                title.append("  ")
        title.append(f" (▶ against ◀)  ·  {which}  ·  {SCRIPT_NAMES[self.script]}")
        head.update(title)
        width = self.query_one("#compare-body").scrollable_content_region.width or 80
        wide = self.size.width >= SIDE_BY_SIDE
        rows.update(side_by_side(c, width) if wide else stacked(c, width))

    def on_unmount(self) -> None:
        # A comparison still running for a closed screen must not touch it.
        self.workers.cancel_group(self, "compare")

    def action_back(self) -> None:
        self.workers.cancel_group(self, "compare")
        self.dismiss()

    def action_other_copy(self) -> None:
        if len(self.others) < 2:
            self.notify("this story has only these two copies", timeout=3)
            return
        self.right_index = (self.right_index + 1) % len(self.others)
        self.run_comparison()

    def action_toggle_script(self) -> None:
        self.script = NEXT_SCRIPT[self.script]
        self.run_comparison()

    def action_scroll_down(self) -> None:
        self.query_one("#compare-body", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#compare-body", VerticalScroll).scroll_up()


LABEL = 9  # "reworded" and a space
MARKERS = {"same": "=", "added": "+", "cut": "-", "reworded": "~"}


def _wrapped(text: str, width: int, style: str) -> Text:
    """CJK line breaking (no closing mark opens a line), done here: Rich would cut the
    sentence with an ellipsis, having no spaces to break at."""
    return Text("\n").join(wrap_text(Text(text, style=style), max(4, width)))


def side_by_side(c: Comparison, width: int) -> Table:
    """Three columns: the change, the first copy's sentence, the second's."""
    from gba_tui.app.data import CHANGE_STYLES

    half = (width - LABEL - 2) // 2
    table = Table(box=None, padding=(0, 1, 0, 0), show_edge=False, show_lines=True)
    table.add_column("", width=LABEL - 1, no_wrap=True)
    table.add_column("◀", width=half - 1)
    table.add_column("▶", width=half - 1)
    for change, left, right in c.rows:
        style = CHANGE_STYLES[change]
        text_style = CHANGE_STYLES["same"] if change == "same" else style
        table.add_row(
            Text(change, style=style),
            _wrapped(left, half - 1, text_style),
            _wrapped(right, half - 1, text_style),
        )
    return table


def stacked(c: Comparison, width: int) -> Text:
    """One row under the other: a sentence both print once, a changed one from each side."""
    from gba_tui.app.data import CHANGE_STYLES

    out: list[Text] = []
    for change, left, right in c.rows:
        style = CHANGE_STYLES[change]
        if change == "same":
            out.append(Text(f"{MARKERS[change]} same", style=style))
            out.append(_wrapped(right, width, style))
        else:
            out.append(Text(f"{MARKERS[change]} {change}", style=style))
            if left:
                out.append(_wrapped("◀ " + left, width, style))
            if right:
                out.append(_wrapped("▶ " + right, width, style))
        out.append(Text(""))
    return Text("\n").join(out)
