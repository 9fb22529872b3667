"""The export dialog: a file path, prefilled; Enter saves, Escape cancels."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class ExportDialog(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel-export")]
    DEFAULT_CSS = """
    ExportDialog { align: center middle; }
    ExportDialog Label { width: 1fr; }
    ExportDialog > Vertical { width: 80%; max-width: 90; height: auto; border: thick $accent;
        background: $surface; padding: 1 2; }
    """

    def __init__(self, path: str, what: str) -> None:
        super().__init__()
        self.path = path
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Export {self.what} to Markdown — Enter saves, Escape cancels")
            yield Input(value=self.path, id="export-path")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def save(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
