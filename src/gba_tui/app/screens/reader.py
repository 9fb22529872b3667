"""The reader: one article in full, matches highlighted (n / N), entities coloured by type."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from gba_tui.app.labels import SCRIPT_NAMES
from gba_tui.app.messages import Notice, ViewReady


class Block(Static):
    DEFAULT_CSS = """
    Block { margin: 0 0 1 0; }
    Block.match { border-left: thick $warning; padding-left: 1; }
    Block.current { background: $boost; }
    """


class ReaderScreen(Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape", "app.pop_screen", "Back", id="reader-back"),
        Binding("n", "next_match", "Next match", id="next-match"),
        Binding("N", "previous_match", "Previous match", id="previous-match"),
        Binding("t", "toggle_script", "繁/簡", id="reader-toggle-script"),
        Binding("j", "scroll_down", "Down", show=False, id="reader-down"),
        Binding("k", "scroll_up", "Up", show=False, id="reader-up"),
    ]
    DEFAULT_CSS = """
    ReaderScreen #reader { padding: 1 2; }
    ReaderScreen #reader-status { height: 1; background: $primary; padding: 0 1; }
    """

    def __init__(self, article: Any, entities: Any, words: tuple[str, ...], script: str) -> None:
        super().__init__()
        self.article = article
        self.entities = entities
        self.words = words
        self.script = script
        self.match_blocks: list[int] = []
        self.current = -1
        self.generation = 0

    def compose(self) -> ComposeResult:
        yield Static(id="reader-status")
        yield VerticalScroll(id="reader")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#reader").focus()
        self.render_article()

    def _status(self) -> None:
        a = self.article
        n = len(self.match_blocks)
        if not self.words:
            where = "no search"
        elif not n:
            where = "no matches in this article"
        elif self.current >= 0:
            where = f"match {self.current + 1}/{n} (n / N)"
        else:
            where = f"{n} paragraphs match"
        self.query_one("#reader-status", Static).update(
            Text(
                f"{a.id}  ·  {a.path}:{a.line_start}-{a.line_end}  ·  {where}"
                f"  ·  script: {SCRIPT_NAMES[self.script]}"
            )
        )

    @work(thread=True, exclusive=True, group="reader", exit_on_error=False)
    def render_article(self) -> None:
        from textual.worker import get_current_worker

        from gba_tui.app.data import reader_blocks

        generation = self.generation
        blocks, hits = reader_blocks(self.article, self.entities, self.words, self.script)
        if not get_current_worker().is_cancelled:
            self.post_message(ViewReady(generation, (blocks, hits)))

    @on(ViewReady)
    async def show_blocks(self, message: ViewReady) -> None:
        message.stop()
        if message.generation != self.generation:
            return  # a newer render (script toggled again) is on its way
        blocks, hits = message.view
        scroll = self.query_one("#reader", VerticalScroll)
        await scroll.remove_children()
        widgets = []
        for n, text in enumerate(blocks):
            w = Block(text, id=f"block-{n}")
            if n in hits:
                w.add_class("match")
            widgets.append(w)
        await scroll.mount_all(widgets)
        self.match_blocks = hits
        self.current = -1
        if hits:
            self.action_next_match()
        self._status()

    def action_next_match(self) -> None:
        self._jump(1)

    def action_previous_match(self) -> None:
        self._jump(-1)

    def _jump(self, step: int) -> None:
        if not self.match_blocks:
            self.notify("no matches in this article", severity="information")
            return
        for w in self.query(Block).filter(".current"):
            w.remove_class("current")
        self.current = (self.current + step) % len(self.match_blocks)
        target = self.query_one(f"#block-{self.match_blocks[self.current]}", Block)
        target.add_class("current")
        self.query_one("#reader", VerticalScroll).scroll_to_widget(target, top=True, animate=False)
        self._status()

    def action_toggle_script(self) -> None:
        self.script = {"orig": "s", "s": "t", "t": "orig"}[self.script]
        self.generation += 1
        self.render_article()

    def action_scroll_down(self) -> None:
        self.query_one("#reader", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#reader", VerticalScroll).scroll_up()

    @on(Notice)
    def relay(self, message: Notice) -> None:
        self.notify(message.text, severity=message.severity)  # type: ignore[arg-type]
