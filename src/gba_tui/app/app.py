"""The explorer `gba-tui` opens: the app shell around MainScreen (help, quit, palette).

The state and the work live on the screen (screens/main.py); the app only holds the
settings, the search history and the keys that work everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from gba_tui.app.history import SearchHistory, history_file
from gba_tui.app.screens.main import MainScreen, SearchBox
from gba_tui.config import Settings


class GbaApp(App[None]):
    """gba-tui: explore Greater Bay Area innovation news in either script."""

    CSS_PATH = Path(__file__).parent / "app.tcss"
    TITLE = "gba-tui"
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
        # While typing in the search box ? and q are characters: F1 and ctrl+q do the same,
        # and the footer shows them only then (check_action), so it always names help and quit.
        Binding("f1", "help_while_typing", "Help", id="help-f1"),
        Binding("ctrl+q", "quit_while_typing", "Quit", id="quit-ctrl-q"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("help_while_typing", "quit_while_typing"):
            # Only in the search box: elsewhere (the export dialog) ? and q show as they are.
            return isinstance(self.focused, SearchBox)
        return True

    def action_help_while_typing(self) -> None:
        self.action_help()

    async def action_quit_while_typing(self) -> None:
        await self.action_quit()

    def __init__(self, settings: Settings, history: SearchHistory | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.history = history if history is not None else SearchHistory(history_file())
        self.main = MainScreen(settings, self.history)

    def get_default_screen(self) -> Screen[None]:
        return self.main

    def action_help(self) -> None:
        from gba_tui.app.screens.compare import CompareScreen
        from gba_tui.app.screens.help import HelpScreen
        from gba_tui.app.screens.reader import ReaderScreen
        from gba_tui.app.widgets.panes import TablesView

        if isinstance(self.screen, HelpScreen):
            return
        sections: list[tuple[str, list[Binding]]] = [
            ("explorer", list(MainScreen.BINDINGS)),
            (
                "lists",
                [
                    Binding("up,down,j,k", "", "Move", key_display="↑↓ j k"),
                    Binding("enter", "", "Open the article / choose the entity"),
                    Binding(
                        "up,down", "", "Earlier / later searches (search box)", key_display="↑↓"
                    ),
                ],
            ),
            (
                "data tables",
                [
                    Binding("left,right", "", "Column (the table scrolls)", key_display="← →"),
                    *(b for b in TablesView.BINDINGS if isinstance(b, Binding)),
                ],
            ),
            ("reader", list(ReaderScreen.BINDINGS)),
            ("compare", list(CompareScreen.BINDINGS)),
            ("everywhere", [*self.BINDINGS, Binding("ctrl+p", "", "Command palette")]),
        ]
        self.push_screen(HelpScreen(sections))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, MainScreen):
            for b in MainScreen.BINDINGS:
                if not b.description or b.action.startswith(("cycle_pane", "leave_search")):
                    continue
                action = getattr(screen, f"action_{b.action.split('(')[0]}")
                yield SystemCommand(b.description, f"key: {b.key_display or b.key}", action)
        yield SystemCommand("Help", "every key (?)", self.action_help)


def run(settings: Settings) -> int:
    app = GbaApp(settings)
    app.run()
    return app.return_code or 0
