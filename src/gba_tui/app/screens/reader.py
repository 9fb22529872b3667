"""The reader: one article in full, every match highlighted (n / N), entities coloured."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from gba_tui.app.labels import SCRIPT_NAMES
from gba_tui.app.messages import Notice, ReaderReady
from gba_tui.render import wrap_text

if TYPE_CHECKING:
    from gba_tui.app.data import Occurrence
    from gba_tui.corpus.model import Article

NEXT_SCRIPT = {"orig": "s", "s": "t", "t": "orig"}


class Block(Widget):
    """A paragraph laid out by the CJK line breaker (no closing mark opens a line)."""

    DEFAULT_CSS = """
    Block { height: auto; margin: 0 0 1 0; }
    Block.match { border-left: thick $warning; padding-left: 1; }
    Block.current { background: $boost; }
    """

    def __init__(self, text: Text, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.text = text

    def show(self, text: Text) -> None:
        self.text = text
        self.refresh(layout=True)

    def _lines(self, width: int) -> list[Text]:
        return wrap_text(self.text, max(4, width))

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        return len(self._lines(width))

    def render(self) -> Text:
        return Text("\n").join(self._lines(self.content_size.width or self.size.width))

    def line_of(self, offset: int) -> int:
        """The wrapped line that holds character `offset`."""
        seen = 0
        for n, line in enumerate(self._lines(self.content_size.width or 40)):
            seen += len(line.plain) + 1
            if offset < seen:
                return n
        return 0


class ReaderScreen(Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape", "back", "Back", id="reader-back"),
        Binding("n", "next_match", "Next match", id="next-match"),
        Binding("N", "previous_match", "Prev match", key_display="N", id="previous-match"),
        Binding("t", "toggle_script", "繁/簡", id="reader-toggle-script"),
        Binding("y", "copy_citation", "Copy citation", id="reader-copy-citation"),
        # Not in the footer (it would push ? and q off at 80 columns): the status line says
        # "+2 copies (c compares)" when other papers ran the article.
        Binding("c", "compare", "Compare copies", show=False, id="reader-compare"),
        Binding("j", "scroll_down", "Down", show=False, id="reader-down"),
        Binding("k", "scroll_up", "Up", show=False, id="reader-up"),
    ]
    DEFAULT_CSS = """
    ReaderScreen #reader { padding: 1 2; }
    ReaderScreen #reader-status { height: 1; background: $primary; padding: 0 1; }
    """

    def __init__(
        self,
        article: Article,
        entities: Any,
        words: tuple[str, ...],
        script: str,
        copies: int = 0,
        compare: Callable[[str, str], None] | None = None,
    ) -> None:
        super().__init__()
        self.article = article
        self.copies = copies  # other papers' copies of this story
        self._compare = compare
        self.entities = entities
        self.words = words
        self.script = script
        self.occurrences: list[Occurrence] = []
        self.base: list[Text] = []
        self.current = -1
        self.generation = 0
        self.ready = False

    def compose(self) -> ComposeResult:
        yield Static(id="reader-status")
        yield VerticalScroll(id="reader")
        # Compact, so that ? and q still fit at 80 columns after the reader's own keys.
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#reader").focus()
        self._status()
        self.render_article()

    @property
    def match_count(self) -> int:
        return len(self.occurrences)

    def _status(self) -> None:
        # The counter first: at 80 columns the end of the line is cut, not the counter.
        n = len(self.occurrences)
        if not self.ready:
            where = "laying out…"
        elif not self.words:
            where = "no search"
        elif not n:
            where = "no matches in this article"
        elif self.current >= 0:
            where = f"match {self.current + 1}/{n} (n N)"
        else:
            where = f"{n} matches"
        a = self.article
        copies = f"  ·  +{self.copies} copies (c compares)" if self.copies else ""
        self.query_one("#reader-status", Static).update(
            Text(
                f"{where}  ·  {SCRIPT_NAMES[self.script]}{copies}  ·  y cites  ·  {a.id}"
                f"  ·  {a.path}:{a.line_start}-{a.line_end}"
            )
        )

    @work(thread=True, exclusive=True, group="reader", exit_on_error=False)
    def render_article(self) -> None:
        from gba_tui.app.data import reader_blocks

        generation = self.generation
        blocks, found = reader_blocks(self.article, self.entities, self.words, self.script)
        if not get_current_worker().is_cancelled:
            self.post_message(ReaderReady(generation, blocks, found))

    @on(ReaderReady)
    async def show_blocks(self, message: ReaderReady) -> None:
        message.stop()
        if message.generation != self.generation or not self.is_attached:
            return  # a newer render (script toggled again) is on its way, or we were closed
        scroll = self.query_one("#reader", VerticalScroll)
        await scroll.remove_children()
        if not self.is_attached:
            return  # dismissed while the old blocks were removed
        hit_blocks = {o.block for o in message.occurrences}
        widgets = []
        for n, text in enumerate(message.blocks):
            w = Block(text, id=f"block-{n}")
            w.set_class(n in hit_blocks, "match")
            widgets.append(w)
        await scroll.mount_all(widgets)
        if not self.is_attached:
            return
        self.base = message.blocks
        self.occurrences = message.occurrences
        self.ready = True
        # The script toggles, the matches stay: conversion keeps offsets, so the counter holds.
        if self.occurrences:
            self._go(max(0, min(self.current, len(self.occurrences) - 1)))
        self._status()

    def on_unmount(self) -> None:
        # Work still running for a closed reader would touch blocks that are gone.
        self.workers.cancel_group(self, "reader")

    def action_back(self) -> None:
        self.workers.cancel_group(self, "reader")
        self.dismiss()

    def action_next_match(self) -> None:
        self._jump(1)

    def action_previous_match(self) -> None:
        self._jump(-1)

    def _jump(self, step: int) -> None:
        if not self.ready:
            return  # the keys that come before the layout wait for the first match
        if not self.occurrences:
            self.notify("no matches in this article", severity="information")
            return
        self._go((self.current + step) % len(self.occurrences))

    def _go(self, index: int) -> None:
        from gba_tui.app.data import CURRENT_MATCH_STYLE

        found = self.query(Block)
        if not found:
            return
        blocks = {b.id: b for b in found}
        if 0 <= self.current < len(self.occurrences):
            old = self.occurrences[self.current]
            widget = blocks.get(f"block-{old.block}")
            if widget is not None:
                widget.show(self.base[old.block])
                widget.remove_class("current")
        self.current = index
        occ = self.occurrences[index]
        target = blocks.get(f"block-{occ.block}")
        if target is None:
            return
        text = self.base[occ.block].copy()
        text.stylize(CURRENT_MATCH_STYLE, occ.start, occ.end)
        target.show(text)
        target.add_class("current")
        self.call_after_refresh(self._scroll_to_match, target, occ.start)
        self._status()

    def _scroll_to_match(self, target: Block, offset: int) -> None:
        if not self.is_attached or not target.is_attached:
            return
        scroll = self.query_one("#reader", VerticalScroll)
        line = target.line_of(offset)
        top = target.virtual_region.y + line - scroll.scrollable_content_region.height // 3
        if line < scroll.scrollable_content_region.height // 2:
            scroll.scroll_to_widget(target, top=True, animate=False)
        else:
            scroll.scroll_to(y=max(0, top), animate=False)

    def action_toggle_script(self) -> None:
        self.script = NEXT_SCRIPT[self.script]
        self.generation += 1
        self.render_article()

    def action_copy_citation(self) -> None:
        from gba_tui.export import citation

        text = citation(self.article, self.script)
        self.app.copy_to_clipboard(text)
        self.notify(f"copied: {text}", title="Citation")

    def action_compare(self) -> None:
        if not self.copies or self._compare is None:
            self.notify("no other paper ran this article: nothing to compare", timeout=4)
            return
        self._compare(self.article.id, self.script)

    def action_scroll_down(self) -> None:
        self.query_one("#reader", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#reader", VerticalScroll).scroll_up()

    @on(Notice)
    def relay(self, message: Notice) -> None:
        self.notify(message.text, severity=message.severity)
