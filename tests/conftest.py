"""Shared fixtures: the real seed pages, and a throwaway index built from them once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

# Snapshot and Pilot tests must not depend on the developer's own settings.
os.environ.pop("GBA_TUI_CORPUS", None)
os.environ.pop("GBA_TUI_INDEX", None)


@pytest.fixture(scope="session")
def seeds() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def corpus():
    from gba_tui.corpus.library import load_corpus

    return load_corpus(SEEDS)


@pytest.fixture(scope="session")
def articles(corpus):
    return corpus.articles


def by_title(articles, fragment: str):
    found = [a for a in articles if fragment in a.title]
    assert len(found) == 1, f"{fragment!r} matched {[a.title for a in found]}"
    return found[0]


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    from gba_tui.search.indexer import update_index

    where = tmp_path_factory.mktemp("index")
    update_index(SEEDS, where)
    return where


@pytest.fixture(scope="session")
def library(index_dir):
    from gba_tui.search.searcher import Library

    lib = Library(index_dir)
    yield lib
    lib.close()


INSURANCE_IDS = ["000_d921b2ee65c7f66c-1", "004_761257e38312902a-1"]


@pytest.fixture(autouse=True)
def state_home(tmp_path, monkeypatch):
    """The search history goes to a throwaway state folder, never the developer's own."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state"


async def wait_workers(app):
    """Wait for the workers; one cancelled by a newer one of its group is not a failure."""
    from textual.worker import WorkerCancelled

    for _ in range(5):
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue


def contrast_in_256_colours(style: str, background: tuple[int, int, int]) -> float:
    """WCAG contrast of a Rich style's colour (white if it has none), as a 256-colour terminal
    shows it, against a background colour."""
    from rich.color import Color, ColorSystem
    from rich.style import Style

    def luminance(triplet):  # type: ignore[no-untyped-def]
        def channel(c):  # type: ignore[no-untyped-def]
            c = c / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(x) for x in triplet)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    colour = Style.parse(style).color or Color.parse("white")
    fg = colour.downgrade(ColorSystem.EIGHT_BIT).get_truecolor()
    lighter, darker = sorted((luminance(fg), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
