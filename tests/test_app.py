"""Pilot tests: every key path of the explorer on the seed pages, asserting on what it shows."""

from __future__ import annotations

import sys

import pytest

from conftest import INSURANCE_IDS, SEEDS
from gba_tui.app.app import GbaApp, MainScreen
from gba_tui.app.messages import ViewReady
from gba_tui.app.screens.export_dialog import ExportDialog
from gba_tui.app.screens.help import HelpScreen
from gba_tui.app.screens.reader import ReaderScreen
from gba_tui.app.widgets.panes import DocumentList, EntitySidebar, RankingTable, TablesView
from gba_tui.config import Settings


def make_app(index_dir, corpus=SEEDS):
    return GbaApp(Settings(corpus, index_dir, True))


async def settle(app, pilot, pause=0.05):
    """Let the index load (it starts after the first paint) and the workers finish."""
    for _ in range(400):
        if app.main.view is not None and not app.main.view.preview:
            break
        await pilot.pause(0.025)
    for _ in range(6):
        await app.workers.wait_for_complete()
        await pilot.pause(pause)


async def search(app, pilot, text):
    await pilot.press("slash")
    for ch in text:
        await pilot.press(ch)
    await pilot.press("enter")
    await settle(app, pilot)


def doc_prompts(app):
    """Each entry's text with the list's own line breaks (wrapped title, meta line) undone."""
    docs = app.screen.query_one("#documents", DocumentList)
    prompts = [str(docs.get_option_at_index(i).prompt) for i in range(docs.option_count)]
    return [p.replace("\n  ", "").replace(" ", "") for p in prompts]


async def test_startup_lists_every_article(index_dir):
    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        assert app.main.library is not None
        prompts = doc_prompts(app)
        assert len(prompts) == 19 and "內地發布科技保險高質量發展路線圖" in prompts[0]
        assert "19 articles" in str(app.screen.query_one("#topbar").render())
        assert app.screen.focused is app.screen.query_one("#documents")


async def test_enter_searches_and_focuses_first_hit(index_dir):
    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "科技保险")
        table = app.screen.query_one("#hits", RankingTable)
        assert app.screen.focused is table and table.cursor_row == 0
        assert sorted(r.id for r in app.main.view.rows) == INSURANCE_IDS
        assert table.current_id == app.main.view.rows[0].id
        # The document list follows the result set.
        assert len(doc_prompts(app)) == 2
        top = str(app.screen.query_one("#topbar").render())
        assert "2 hits" in top


async def test_keys_typed_at_once_after_slash_go_to_the_search_box(index_dir):
    # A paste or tmux send-keys delivers "/", the query and Enter in one burst: none of them
    # may reach the pane that had focus before "/" (Enter there would open an article).
    from textual import events

    app = make_app(index_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for key, char in [("slash", "/"), *[(c, c) for c in "科技保险"], ("enter", "\r")]:
            app.post_message(events.Key(key, char))
        await settle(app, pilot)
        assert not isinstance(app.screen, ReaderScreen)
        assert app.screen.query_one("#search").value == "科技保险"
        assert app.screen.focused is app.screen.query_one("#hits", RankingTable)
        assert sorted(r.id for r in app.main.view.rows) == INSURANCE_IDS
        # In the search box "/" is a character, not the key that focuses it.
        # (Focusing selects the old query, so that typing replaces it; End keeps it.)
        await pilot.press("slash", "end", "slash")
        assert app.screen.query_one("#search").value == "科技保险/"


async def test_typing_searches_live_after_a_pause(index_dir):
    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        for ch in "QFLP":
            await pilot.press(ch)
        await pilot.pause(0.4)
        await settle(app, pilot)
        assert app.main.view.total == 1
        assert app.screen.focused is app.screen.query_one("#search")


async def test_stale_result_never_overwrites_newer(index_dir):
    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "科技保险")
        newest = app.main.view
        app.main.post_message(ViewReady(app.main.generation - 1, None))
        await pilot.pause(0.1)
        assert app.main.view is newest


async def test_tab_cycles_panes_and_jk_move(index_dir):
    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        seen = []
        for _ in range(4):
            await pilot.press("tab")
            seen.append(app.screen.focused.id)
        assert seen == ["hits", "entities", "search", "documents"]
        await pilot.press("shift+tab")
        assert app.screen.focused.id == "search"
        await pilot.press("tab")
        docs = app.screen.query_one("#documents", DocumentList)
        start = docs.highlighted
        await pilot.press("j", "j")
        assert docs.highlighted == start + 2
        await pilot.press("k")
        assert docs.highlighted == start + 1


async def test_reader_opens_with_matches_and_goes_back(index_dir):
    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "科技保险")
        await pilot.press("enter")
        await settle(app, pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.article.id == app.main.view.rows[0].id
        assert reader.match_count >= 3 and reader.current == 0
        await pilot.press("n")
        assert reader.current == 1
        await pilot.press("N", "N")
        assert reader.current == reader.match_count - 1
        text = " ".join(str(b.render()) for b in reader.query("Block"))
        assert "provenance" not in text and "lines 5–27" in text
        await pilot.press("t")
        await settle(app, pilot)
        assert reader.script == "s"
        text = " ".join(str(b.render()) for b in reader.query("Block"))
        assert "内地发布科技保险" in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_reader_from_document_list(index_dir):
    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.article.id == "000_d921b2ee65c7f66c-2"


async def test_marks_in_list_and_ranking_and_mark_all(index_dir):
    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("space")
        assert app.main.marked == {"000_d921b2ee65c7f66c-1"}
        assert doc_prompts(app)[0].startswith("✓")
        await pilot.press("space")
        assert app.main.marked == set()
        await search(app, pilot, "科技保险")
        await pilot.press("space")
        assert app.main.marked == {app.main.view.rows[0].id}
        await pilot.press("a")
        assert app.main.marked == set(INSURANCE_IDS)
        cell = app.screen.query_one("#hits", RankingTable).get_cell(INSURANCE_IDS[1], "mark")
        assert str(cell).startswith("✓")


async def test_toggle_script_everywhere(index_dir):
    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "科技保險")
        await pilot.press("t")
        await settle(app, pilot)
        assert app.main.script == "s"
        assert "内地发布科技保险" in doc_prompts(app)[0]
        table = app.screen.query_one("#hits", RankingTable)
        assert "内地发布" in str(table.get_cell(INSURANCE_IDS[0], "title"))
        side = app.screen.query_one("#entities", EntitySidebar)
        labels = [str(side.get_option_at_index(i).prompt) for i in range(side.option_count)]
        assert any("国家知识产权局" in x for x in labels)
        await pilot.press("t")
        await settle(app, pilot)
        assert app.main.script == "t"
        assert "AI未來產業" in " ".join(doc_prompts(app))
        assert "繁體" in str(app.screen.query_one("#topbar").render())


async def test_entity_filter_and_clear(index_dir):
    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        side = app.screen.query_one("#entities", EntitySidebar)
        side.focus()
        target = next(
            i
            for i in range(side.option_count)
            if side.get_option_at_index(i).id
            and "謝寶劍" in str(side.get_option_at_index(i).prompt)
        )
        side.highlighted = target
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.main.filters == ("person:謝寶劍",)
        assert app.main.view.total == 2
        assert "filters: person:謝寶劍" in str(app.screen.query_one("#topbar").render())
        await pilot.press("c")
        await settle(app, pilot)
        assert app.main.filters == () and app.main.view.total is None


async def test_sort_applies_to_list_and_ranking_with_an_indicator(index_dir):
    # Defect 9: s reorders the ranking and the document list, the header says how, and
    # titles go by pinyin (廣 guang before 內 nei before 深 shen), not by code point.
    from gba_tui.collation import collation_key

    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "大湾区")
        table = app.screen.query_one("#hits", RankingTable)
        await pilot.press("s")
        await settle(app, pilot)
        assert app.main.sort == "title"
        ids = [table.coordinate_to_cell_key((r, 0)).row_key.value for r in range(table.row_count)]
        titles = [app.main.library.article(i).title for i in ids]
        assert titles == sorted(titles, key=collation_key) and titles != sorted(titles)
        docs = app.screen.query_one("#documents", DocumentList)
        assert docs.order == ids  # the list follows the same order
        assert "title ▼" in str(table.ordered_columns[2].label)
        assert "sorted by title (pinyin)" in str(table.border_subtitle)
        await pilot.press("s")
        await settle(app, pilot)
        assert app.main.sort == "source"
        await pilot.press("s")
        await settle(app, pilot)
        assert app.main.sort == "score"
        # With no query the whole list sorts too.
        app.screen.query_one("#search").value = ""
        await pilot.pause(0.3)
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        order = docs.order
        firsts = [app.main.library.article(i).title for i in order]
        assert firsts == sorted(firsts, key=collation_key) and len(order) == 19


async def test_data_tables_view(index_dir):
    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        view = app.screen.query_one("#table-view", TablesView)
        assert view.row_count == 5 and len(view.columns) == 5
        assert str(view.get_cell_at((0, 1))) == "深圳—香港—廣州"
        view.focus()
        view.move_cursor(column=2)
        await pilot.press("s")  # sort by PCT applications
        firsts = [str(view.get_cell_at((r, 1))) for r in range(5)]
        assert firsts[0] == "北京" or firsts[-1] == "北京"
        assert "█" in str(view.get_cell_at((0, 2)))
        await pilot.press("d")
        assert app.screen.query_one("#centre").current == "ranking-pane"


async def test_export_dialog_saves_and_cancels(index_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "科技保险")
        await pilot.press("e")
        await pilot.pause(0.1)
        assert isinstance(app.screen, ExportDialog)
        value = app.screen.query_one("#export-path").value
        assert value.startswith(str(tmp_path)) and value.endswith(".md")
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen) and not list(tmp_path.glob("*.md"))
        await pilot.press("space", "e")
        await pilot.pause(0.1)
        await pilot.press("enter")
        await settle(app, pilot)
        files = list(tmp_path.glob("*.md"))
        assert len(files) == 1
        text = files[0].read_text("utf-8")
        assert text.count("\n## ") == 1 and "**科技保險**" in text  # only the marked one


async def test_export_failure_is_a_notification(index_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "科技保险")
        await pilot.press("e")
        await pilot.pause(0.1)
        app.screen.query_one("#export-path").value = "/no/such/folder/x.md"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert any("export failed" in n.message for n in app._notifications)


async def test_bad_query_is_a_notification(index_dir):
    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#search").value = "科" * 2000
        await pilot.press("slash", "enter")
        await settle(app, pilot)
        status = app.screen.query_one("#query-status")
        assert status.display and "too long" in str(status.render())
        await pilot.pause(0.5)
        assert status.display  # it stays, unlike a toast
        assert "bad query" in str(app.screen.query_one("#hits").border_title)


async def test_damaged_index_rebuilt_with_notice(tmp_path):
    from gba_tui.search.indexer import update_index

    where = tmp_path / "ix"
    update_index(SEEDS, where)
    (where / "manifest.json").write_text("garbage")
    app = make_app(where)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot, 0.2)
        assert any("damaged" in n.message for n in app._notifications)
        assert app.main.library is not None and len(app.main.library.articles) == 19


async def test_missing_index_built_with_progress(tmp_path):
    app = make_app(tmp_path / "fresh")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot, 0.2)
        assert app.main.library is not None and len(doc_prompts(app)) == 19
        assert any("rebuilt index" in n.message for n in app._notifications)


async def test_help_lists_every_key_and_quit(index_dir):
    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause(0.1)
        assert isinstance(app.screen, HelpScreen)
        from rich.console import Console

        console = Console(record=True, width=120)
        console.print(app.screen.table)
        shown = console.export_text()
        for b in [*MainScreen.BINDINGS, *ReaderScreen.BINDINGS, *GbaApp.BINDINGS]:
            if b.description:
                assert b.description in shown, b.description
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("q")
    assert app.return_code == 0


async def test_command_palette_offers_the_actions(index_dir):
    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for b in MainScreen.BINDINGS:
            if b.show and b.id != "leave-search":
                assert b.description in titles, b.description
        assert "Help" in titles


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_narrow_and_wide_layouts_do_not_overlap(index_dir, size):
    app = make_app(index_dir)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "科技保险")
        shown = [
            w
            for w in ("documents", "centre", "entities")
            if app.screen.query_one(f"#{w}").display
            and not app.screen.query_one(f"#{w}").has_class("collapsed")
        ]
        regions = [app.screen.query_one(f"#{w}").region for w in shown]
        for i, a in enumerate(regions):
            for b in regions[i + 1 :]:
                assert not a.overlaps(b)
        if size[0] < 110:
            assert shown == ["centre"]
        else:
            assert shown == ["documents", "centre", "entities"]


def test_core_does_not_import_textual():
    import subprocess

    code = (
        "import sys, gba_tui.cli, gba_tui.search.searcher, gba_tui.export;"
        "import gba_tui.entities.extract;"
        "import gba_tui.corpus.library, gba_tui.app.data;"
        "sys.exit(1 if any(m == 'textual' or m.startswith('textual.') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


async def test_skipped_files_are_reported(tmp_path):
    import shutil

    corpus = tmp_path / "pages"
    shutil.copytree(SEEDS, corpus)
    (corpus / "empty.txt").write_bytes(b"")
    app = GbaApp(Settings(corpus, tmp_path / "ix", True))
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot, 0.2)
        assert any(
            "skipped 1 file:" in n.message and "empty.txt" in n.message for n in app._notifications
        )


async def test_search_typed_before_the_index_has_loaded(index_dir):
    # The list shows before Whoosh and OpenCC are loaded; a query typed then is not lost.
    app = make_app(index_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.05)
        await pilot.press("slash", *"科技保险", "enter")
        await settle(app, pilot)
        assert sorted(r.id for r in app.main.view.rows) == INSURANCE_IDS
        assert app.screen.focused is app.screen.query_one("#hits", RankingTable)
