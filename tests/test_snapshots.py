"""SVG snapshots of the explorer at 120x40 and 80x24, cursor blink off, one class per feature."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from conftest import SEEDS, wait_workers
from gba_tui.app.app import GbaApp
from gba_tui.config import Settings


async def _settle(pilot):
    # The index loads after the first paint: wait for the full view, then for the workers.
    for _ in range(200):
        if pilot.app.main.view is not None and not pilot.app.main.view.preview:
            break
        await pilot.pause(0.025)
    for _ in range(6):
        await wait_workers(pilot.app)
        await pilot.pause(0.05)


def _app(index_dir):
    return GbaApp(Settings(SEEDS, index_dir, True))


async def _steady(pilot):
    for inp in pilot.app.query(Input):
        inp.cursor_blink = False
    await _settle(pilot)


async def _search(pilot, text="科技保险"):
    await _steady(pilot)
    await pilot.press("slash", *text, "enter")
    await _settle(pilot)


SIZES = [(120, 40), (80, 24)]


class TestStart:
    @pytest.mark.parametrize("size", SIZES)
    def test_first_screen(self, snap_compare, index_dir, size):
        assert snap_compare(_app(index_dir), terminal_size=size, run_before=_steady)


class TestSearch:
    @pytest.mark.parametrize("size", SIZES)
    def test_insurance_hits(self, snap_compare, index_dir, size):
        assert snap_compare(_app(index_dir), terminal_size=size, run_before=_search)


class TestReader:
    @pytest.mark.parametrize("size", SIZES)
    def test_reader_with_matches(self, snap_compare, index_dir, size):
        async def open_first(pilot):
            await _search(pilot)
            await pilot.press("enter")
            await _settle(pilot)
            await pilot.press("n", "n")  # the counter says match 3/N
            await _settle(pilot)

        assert snap_compare(_app(index_dir), terminal_size=size, run_before=open_first)


class TestScript:
    def test_simplified_display(self, snap_compare, index_dir):
        async def toggle(pilot):
            await _search(pilot)
            await pilot.press("t")
            await _settle(pilot)

        assert snap_compare(_app(index_dir), terminal_size=(120, 40), run_before=toggle)


class TestEmpty:
    @pytest.mark.parametrize("size", SIZES)
    def test_no_hits_explains_what_to_try(self, snap_compare, index_dir, size):
        async def nothing(pilot):
            await _search(pilot, "量子糾纏不存在")

        assert snap_compare(_app(index_dir), terminal_size=size, run_before=nothing)


class TestCapped:
    @pytest.mark.parametrize("size", SIZES)
    def test_n_of_m_hits(self, snap_compare, index_dir, size):
        app = _app(index_dir)
        app.main.HIT_LIMIT = 3  # type: ignore[misc]  # the seeds are too few to reach 200

        assert snap_compare(app, terminal_size=size, run_before=lambda p: _search(p, "大湾区"))


class TestDataTables:
    @pytest.mark.parametrize("size", SIZES)
    def test_sorted_column(self, snap_compare, index_dir, size):
        async def sort_pct(pilot):
            await _steady(pilot)
            await pilot.press("d")
            await _settle(pilot)
            await pilot.press("right", "right", "s")
            await _settle(pilot)

        assert snap_compare(_app(index_dir), terminal_size=size, run_before=sort_pct)


class TestNarrow:
    @pytest.mark.parametrize("size", [(80, 24), (100, 30)])
    def test_pane_tabs(self, snap_compare, index_dir, size):
        async def to_entities(pilot):
            await _search(pilot)
            await pilot.press("tab")
            await _settle(pilot)

        assert snap_compare(_app(index_dir), terminal_size=size, run_before=to_entities)


def _stories_app(tmp_path_factory):
    from gba_tui.search.indexer import update_index
    from story_pages import write_pages

    where = tmp_path_factory.mktemp("story-snap")
    pages = write_pages(where / "pages")
    update_index(pages, where / "index")
    return GbaApp(Settings(pages, where / "index", True))


class TestStories:
    @pytest.mark.parametrize("size", SIZES)
    def test_folded_ranking_with_an_expanded_story(self, snap_compare, tmp_path_factory, size):
        async def expand(pilot):
            await _search(pilot, "河套")
            await pilot.press("g")
            await _settle(pilot)

        app = _stories_app(tmp_path_factory)
        assert snap_compare(app, terminal_size=size, run_before=expand)

    @pytest.mark.parametrize("size", SIZES)
    def test_compare_view(self, snap_compare, tmp_path_factory, size):
        async def compare(pilot):
            await _search(pilot, "河套")
            await pilot.press("C")
            await _settle(pilot)
            while pilot.app.screen.right_id != "hk-a08-1":  # the copy with the added paragraph
                await pilot.press("o")
                await _settle(pilot)

        app = _stories_app(tmp_path_factory)
        assert snap_compare(app, terminal_size=size, run_before=compare)
