"""Help: every key, generated from the bindings (never written twice)."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

QUERY_SYNTAX = (
    '科技保險  all words   ·   量子 OR 保險   ·   量子 NOT 保險   ·   ( … )   ·   "exact phrase"\n'
    "title:  source:  byline:  entity:  person:  org:  place:  policy:   (either script)"
)


def keys_table(sections: list[tuple[str, list[Binding]]]) -> Table:
    table = Table(show_header=True, expand=True, box=None, padding=(0, 2))
    table.add_column("key", style="bold cyan", no_wrap=True)
    table.add_column("action")
    table.add_column("where", style="dim")
    for where, bindings in sections:
        for b in bindings:
            if not b.description:
                continue
            key = b.key_display or b.key
            table.add_row(key, b.description, where)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="close-help")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 100; height: 90%; border: thick $accent;
        background: $surface; padding: 1 2; }
    """

    def __init__(self, sections: list[tuple[str, list[Binding]]]) -> None:
        super().__init__()
        self.sections = sections
        self.table = keys_table(sections)

    def on_mount(self) -> None:
        # Focused, so ↑ ↓ and Page Up/Down scroll the keys at 80x24, where they do not fit.
        self.query_one(VerticalScroll).focus()

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("[b]gba-tui keys[/b]  (Escape closes)\n")
            yield Static(self.table, id="keys")
            yield Static("\n[b]Queries[/b]\n" + QUERY_SYNTAX, markup=True)
