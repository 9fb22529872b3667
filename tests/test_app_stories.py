"""Pilot tests of stories in the explorer: +N in the ranking, a story expanded and collapsed,
every copy on request, the compare view, and the export's "Also in" (app and CLI alike).

The pages are our own (tests/story_pages.py): a Simplified wire, a Traditional paper that
adds a local paragraph, another that reprints it as sent, and a different report of the day."""

from __future__ import annotations

import pytest

from conftest import contrast_in_256_colours, wait_workers
from gba_tui.app.app import GbaApp
from gba_tui.app.screens.compare import CompareScreen
from gba_tui.app.screens.reader import ReaderScreen
from gba_tui.app.widgets.panes import RankingTable
from gba_tui.config import Settings
from story_pages import LOCAL_PARAGRAPH, write_pages
from test_app import export_from_app_and_cli, search, settle

OWN_REPORT = "hk-a10-1"
COPIES = {"nf-a03-1", "hk-a08-1", "mo-b02-1"}


@pytest.fixture(scope="module")
def story_index(tmp_path_factory):
    from gba_tui.search.indexer import update_index

    where = tmp_path_factory.mktemp("stories")
    pages = write_pages(where / "pages")
    update_index(pages, where / "index")
    return pages, where / "index"


def make_app(story_index):
    pages, index = story_index
    return GbaApp(Settings(pages, index, True))


def ranking(app) -> RankingTable:
    return app.screen.query_one("#hits", RankingTable)


def source_cells(app) -> list[str]:
    table = ranking(app)
    return [str(table.get_cell(k, "source")) for k in table.rows]


async def test_stories_folded_with_plus_n_and_counts(story_index):
    app = make_app(story_index)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "河套")
        view = app.main.view
        ids = [r.id for r in view.rows]
        # One copy of the wire story and the other report: two stories, four articles.
        assert len(ids) == 2 and OWN_REPORT in ids and len(set(ids) & COPIES) == 1
        assert any(s.endswith(" +2") for s in source_cells(app))
        assert "2 stories (4 articles)" in str(ranking(app).border_title)
        assert "2 stories (4 articles)" in str(app.screen.query_one("#topbar").render())


async def test_g_expands_and_collapses_the_story(story_index):
    app = make_app(story_index)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "河套")
        table = ranking(app)
        first = app.main.view.rows[0].id
        assert first in COPIES and table.row_count == 2
        await pilot.press("g")
        await settle(app, pilot)
        assert table.row_count == 4
        listed = [str(k.value).split("\t")[-1] for k in table.rows]
        assert set(listed[:3]) == COPIES and listed[3] == OWN_REPORT
        # The copies sit under their hit, indented, with paper and date.
        second = list(table.rows)[1]
        assert "↳" in str(table.get_cell(second, "mark"))
        title = str(table.get_cell(second, "title")).replace("\n", "")
        assert title.startswith(("河套港園", "河套香港园区"))
        papers = {str(table.get_cell(k, "source")) for k in list(table.rows)[1:3]}
        assert papers <= {"南方日報", "香港新報", "濠江晨報"} and len(papers) == 2
        # Enter on a copy opens that copy; space marks it.
        await pilot.press("j", "space")
        copy_id = table.current_id
        assert copy_id in COPIES and copy_id != first and copy_id in app.main.marked
        await pilot.press("g")  # on a copy: its story closes, the cursor goes back to the hit
        await settle(app, pilot)
        assert table.row_count == 2 and table.current_id == first


async def test_all_copies_toggle(story_index):
    app = make_app(story_index)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "河套")
        await pilot.press("G")
        await settle(app, pilot)
        assert app.main.all_copies
        assert {r.id for r in app.main.view.rows} == COPIES | {OWN_REPORT}
        assert "4 hits" in str(ranking(app).border_title)
        assert "all copies" in str(app.screen.query_one("#topbar").render())
        # Marking all hits takes every copy now; with stories folded, one per story.
        await pilot.press("a")
        await settle(app, pilot)
        assert app.main.marked == COPIES | {OWN_REPORT}
        await pilot.press("A", "G")
        await settle(app, pilot)
        assert not app.main.all_copies and len(app.main.view.rows) == 2


async def test_help_and_palette_name_the_story_keys(story_index):
    from gba_tui.app.screens.help import HelpScreen

    app = make_app(story_index)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause(0.1)
        assert isinstance(app.screen, HelpScreen)
        keys = str(app.screen.table.columns[1]._cells)
        for words in ("Other copies of this story", "All copies of every story", "Other copy"):
            assert words in keys
        await pilot.press("escape")
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "All copies of every story (again: one per story)" in commands
        assert "Compare this copy with another" in commands


async def open_compare(app, pilot, article_id):
    """Search, open the given copy in the reader, press c."""
    await search(app, pilot, "河套")
    await pilot.press("g")
    await settle(app, pilot)
    table = ranking(app)
    keys = [str(k.value) for k in table.rows]
    row = next(n for n, k in enumerate(keys) if k.split("\t")[-1] == article_id)
    table.move_cursor(row=row)
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, ReaderScreen) and app.screen.article.id == article_id
    assert "+2 copies" in str(app.screen.query_one("#reader-status").render())
    await pilot.press("c")
    await settle(app, pilot)


def compare_text(app) -> str:
    screen = app.screen
    head = str(screen.query_one("#compare-head").render())
    body = screen.query_one("#compare-rows").render()
    import io

    from rich.console import Console

    console = Console(width=screen.size.width, record=True, file=io.StringIO())
    console.print(body)
    return head + "\n" + console.export_text()


async def test_compare_shows_the_added_paragraph_and_switches_script(story_index):
    app = make_app(story_index)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await open_compare(app, pilot, "nf-a03-1")
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        # Against the Hong Kong paper's copy: the wire's four paragraphs the same, one added.
        while screen.right_id != "hk-a08-1":
            await pilot.press("o")
            await settle(app, pilot)
        c = screen.comparison
        assert [r[2] for r in c.rows if r[0] == "added"] == [LOCAL_PARAGRAPH]
        assert {r[0] for r in c.rows} == {"same", "added"}
        text = compare_text(app)
        assert "added" in text and "4 same  1 added" in text
        assert "南方日報" in text and "香港新報" in text and "nf-a03-1" in text
        # t: Simplified, then Traditional; the added paragraph follows the script.
        await pilot.press("t")
        await settle(app, pilot)
        assert screen.script == "s"
        added = [r[2] for r in screen.comparison.rows if r[0] == "added"]
        assert added == ["本港创科界人士普遍欢迎，认为园区可为本地大学的研究成果提供落地空间。"]
        assert "简体" in compare_text(app) or "簡體" in compare_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ReaderScreen)


async def test_compare_from_the_ranking_and_stacked_when_narrow(story_index):
    app = make_app(story_index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "河套")
        await pilot.press("C")
        await settle(app, pilot)
        assert isinstance(app.screen, CompareScreen)
        text = compare_text(app)
        assert "◀" in text and "▶" in text and "=" in text
        await pilot.press("escape")
        await settle(app, pilot)
        # The other report stands alone: C says so and opens nothing.
        await pilot.press("j", "C")
        await pilot.pause(0.1)
        assert not isinstance(app.screen, CompareScreen)


async def test_escape_while_the_comparison_runs_does_not_crash(story_index, monkeypatch):
    import threading

    import gba_tui.stories as stories

    release = threading.Event()
    real = stories.compare

    def slow(left, right):
        release.wait(5)
        return real(left, right)

    monkeypatch.setattr(stories, "compare", slow)
    app = make_app(story_index)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "河套")
        await pilot.press("C")
        await pilot.pause(0.05)
        assert isinstance(app.screen, CompareScreen) and app.screen.comparison is None
        await pilot.press("escape")
        release.set()
        await wait_workers(app)
        await pilot.pause(0.2)
        assert not isinstance(app.screen, CompareScreen)
        assert app.main.view is not None and app.return_code is None


async def test_app_and_cli_export_name_the_other_copies_alike(story_index, tmp_path, monkeypatch):
    pages, index = story_index
    monkeypatch.chdir(tmp_path)
    app_md, cli_md = await export_from_app_and_cli(
        make_app(story_index), pages, index, "河套", tmp_path
    )
    assert app_md == cli_md
    text = (tmp_path / "cli.md").read_text("utf-8")
    # Every copy goes out (the export keeps them all), each naming the other two.
    also = [x for x in text.splitlines() if x.startswith("Also in: ")]
    assert len(also) == 3
    assert all(x.count("`") == 4 for x in also)
    hk_line = next(x for x in also if "`hk-a08-1`" in x)
    assert "*香港新報* 2025-12-22 `hk-a08-1`" in hk_line
    assert "Also in" not in text.split("`hk-a10-1`")[1].split("## ")[0]


async def test_change_colours_pass_contrast_in_256_colours(story_index):
    from gba_tui.app.data import CHANGE_STYLES, COPIES_STYLE

    app = make_app(story_index)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "河套")
        panel = ranking(app).styles.background.rgb
        assert contrast_in_256_colours(COPIES_STYLE, panel) >= 4.5
        await pilot.press("C")
        await settle(app, pilot)
        body = app.screen.query_one("#compare-body").styles.background.rgb
        for change, style in CHANGE_STYLES.items():
            assert contrast_in_256_colours(style, body) >= 7, change
