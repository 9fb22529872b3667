"""Pilot tests: every key path of the explorer on the seed pages, asserting on what it shows."""

from __future__ import annotations

import sys

import pytest
from textual.widgets import ProgressBar

from conftest import INSURANCE_IDS, SEEDS, contrast_in_256_colours, wait_workers
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
        await wait_workers(app)
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
        assert "title ▲" in str(table.ordered_columns[2].label)
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


async def test_damage_met_by_a_search_is_rebuilt_and_the_search_answered(tmp_path, monkeypatch):
    """Postings found damaged by a search (opening reads none): a notice, a rebuild from
    scratch, and the search answered from the new index."""
    from gba_tui.search import searcher
    from gba_tui.search.indexer import update_index
    from gba_tui.search.ranking import PostingsDamaged

    where = tmp_path / "ix"
    update_index(SEEDS, where)
    read = searcher.read_postings
    generations = []

    def damaged_once(terms, field, term, deleted):
        if not generations:
            generations.append(terms)
            raise PostingsDamaged(f"the postings of {field}:{term} cannot be read")
        return read(terms, field, term, deleted)

    monkeypatch.setattr(searcher, "read_postings", damaged_once)
    app = make_app(where)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "科技保险")
        await settle(app, pilot, 0.2)
        assert any("damaged" in n.message and "rebuilding" in n.message for n in app._notifications)
        assert any("rebuilt index" in n.message for n in app._notifications)
        assert sorted(r.id for r in app.main.view.rows) == INSURANCE_IDS


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


# ---------------------------------------------------------------- issue 13, defect by defect


async def test_1_reader_dismissed_while_still_building_does_not_crash(index_dir, monkeypatch):
    # Escape pressed while the reader's worker still lays out the article: the worker is
    # cancelled and its late result touches nothing (was NoMatches '#block-2').
    import threading

    import gba_tui.app.data as data

    real = data.reader_blocks
    release = threading.Event()

    def slow_blocks(*args, **kwargs):
        release.wait(2)
        return real(*args, **kwargs)

    monkeypatch.setattr(data, "reader_blocks", slow_blocks)
    app = make_app(index_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "香港")
        await pilot.press("enter")
        await pilot.pause(0.05)
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and not reader.ready
        await pilot.press("n", "n", "n", "escape")
        release.set()
        await pilot.pause(0.3)
        await wait_workers(app)
        await pilot.pause(0.1)
        assert isinstance(app.screen, MainScreen)
        assert not reader.is_attached and not reader.query("Block")
        # And the app still works: open it again, fully built this time.
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReaderScreen) and app.screen.ready
    assert app.return_code in (None, 0)


async def test_2_data_tables_focus_the_table_sort_the_focused_column_and_scroll(index_dir):
    app = make_app(index_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        view = app.screen.query_one("#table-view", TablesView)
        assert app.screen.focused is view  # not the one-line table chooser
        last = len(view.columns) - 1
        for _ in range(last):
            await pilot.press("right")
        await pilot.pause(0.2)
        assert view.cursor_column == last
        # The table scrolled so the last column is in view.
        right_edge = sum(c.get_render_width(view) for c in view.ordered_columns)
        assert view.scroll_x > 0 and view.scroll_x + view.scrollable_content_region.width >= (
            right_edge - 1
        )
        await pilot.press("left", "left")  # the PCT column: numbers with bars
        await pilot.press("s")
        col = view.cursor_column
        assert view.sorted_by == (col, True)
        values = [float(str(view.get_cell_at((r, col))).split()[0]) for r in range(5)]
        assert values == sorted(values, reverse=True)
        assert "sorted by" in str(view.border_title)
        assert app.main.sort == "score"  # the hidden ranking was not touched
        await pilot.press("s")
        values = [float(str(view.get_cell_at((r, col))).split()[0]) for r in range(5)]
        assert values == sorted(values)
        # Tab from the table goes on to the next pane, and back reaches the table list.
        await pilot.press("shift+tab")
        assert app.screen.focused.id == "table-list"


async def test_3_capped_results_say_n_of_m_and_a_marks_all_m(index_dir, monkeypatch):
    monkeypatch.setattr(MainScreen, "HIT_LIMIT", 1)
    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "科技保险")
        assert len(app.main.view.rows) == 1 and app.main.view.total == 2
        assert "1 of 2 hits" in str(app.screen.query_one("#topbar").render())
        assert "1 of 2" in str(app.screen.query_one("#documents").border_title)
        assert "1 of 2 hits" in str(app.screen.query_one("#hits").border_title)
        assert "top 1" in str(app.screen.query_one("#entities").border_title)
        assert "best 1 of 2" in str(app.screen.query_one("#query-status").render())
        await pilot.press("a")
        await settle(app, pilot)
        assert app.main.marked == set(INSURANCE_IDS)  # both, not only the one shown
        await pilot.press("a")
        await settle(app, pilot)
        assert app.main.marked == frozenset()


@pytest.mark.parametrize("start", [(80, 30), (200, 50)])
async def test_4_layout_follows_resize_between_80_and_200_columns(index_dir, start):
    def shown(app):
        return [
            w
            for w in ("documents", "centre", "entities")
            if not app.screen.query_one(f"#{w}").has_class("collapsed")
        ]

    app = make_app(index_dir)
    async with app.run_test(size=start) as pilot:
        await settle(app, pilot)
        for width in (200, 80, 200) if start[0] == 80 else (80, 200, 80):
            await pilot.resize_terminal(width, 50)
            await pilot.pause(0.2)
            if width < 110:
                assert shown(app) == ["documents"]  # the focused pane only, full width
                assert app.screen.query_one("#documents").region.width == width
                assert app.screen.query_one("#pane-tabs").display
            else:
                assert shown(app) == ["documents", "centre", "entities"]
                assert not app.screen.query_one("#pane-tabs").display


async def test_5_footer_shows_help_and_quit_and_narrow_mode_has_pane_tabs(index_dir):
    from textual.widgets import Tabs
    from textual.widgets._footer import FooterKey

    def footer_keys(app):
        return {k.key_display: k for k in app.screen.query(FooterKey)}

    app = make_app(index_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        keys = footer_keys(app)
        for key in ("?", "q"):
            assert key in keys and keys[key].region.right <= 80, key
        await pilot.press("slash")  # typing: ? and q are characters, F1 and ^q still work
        await pilot.pause(0.1)
        keys = footer_keys(app)
        assert "f1" in keys and "^q" in keys and "esc" in keys
        assert all(keys[k].region.right <= 80 for k in ("f1", "^q"))
        await pilot.press("escape")
        tabs = app.screen.query_one("#pane-tabs", Tabs)
        assert tabs.display and [t.label_text for t in tabs.query("Tab")] == [
            "Articles",
            "Ranking",
            "Entities",
        ]
        assert tabs.active == "tab-documents"
        await pilot.press("tab")
        assert tabs.active == "tab-hits" and app.screen.query_one("#centre").display
        assert app.screen.query_one("#documents").has_class("collapsed")
        await pilot.click("#tab-entities")
        await pilot.pause(0.1)
        assert app.screen.focused.id == "entities"


async def test_6_n_steps_through_every_occurrence_and_the_counter_survives_t(index_dir):
    from gba_tui.search.snippets import match_spans

    app = make_app(index_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "科技保险")
        await pilot.press("enter")
        await settle(app, pilot)
        reader = app.screen
        article = reader.article
        texts = [*article.paragraphs, article.title, *article.captions]
        expected = sum(len(match_spans(t, ["科技保险"])) for t in texts)
        assert (
            reader.match_count
            >= expected
            > len([p for p in article.paragraphs if match_spans(p, ["科技保险"])])
        )
        status = app.screen.query_one("#reader-status")
        assert str(status.render()).startswith(f"match 1/{reader.match_count}")
        from textual.widgets._footer import FooterKey

        keys = {k.key_display: k for k in app.screen.query(FooterKey)}
        assert all(k in keys and keys[k].region.right <= 80 for k in ("?", "q"))
        for _ in range(5):
            await pilot.press("n")
        assert reader.current == 5
        await pilot.press("t")
        await settle(app, pilot)
        assert reader.script == "s" and reader.current == 5
        assert str(status.render()).startswith(f"match 6/{reader.match_count}")
        await pilot.press("N")
        assert reader.current == 4


async def test_7_marks_clear_list_and_export_names_what_does_not_match(
    index_dir, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("j")  # not one of the insurance articles
        first = app.screen.query_one("#documents", DocumentList).current_id
        assert first not in INSURANCE_IDS
        await pilot.press("space")  # marked before any search: it does not match the query
        await search(app, pilot, "科技保险")
        await pilot.press("a")
        await settle(app, pilot)
        assert app.main.marked == {first, *INSURANCE_IDS}
        assert "3 marked" in str(app.screen.query_one("#topbar").render())
        await pilot.press("m")
        await settle(app, pilot)
        docs = app.screen.query_one("#documents", DocumentList)
        assert sorted(docs.order) == sorted({first, *INSURANCE_IDS})
        assert "Marked (3)" in str(docs.border_title)
        await pilot.press("m", "e")
        await pilot.pause(0.1)
        await pilot.press("enter")
        await settle(app, pilot)
        text = next(tmp_path.glob("*.md")).read_text("utf-8")
        assert f"not matching the query (1): `{first}`" in text
        assert "- Articles: 3" in text
        await pilot.press("A")
        assert app.main.marked == frozenset()


async def export_from_app_and_cli(app, corpus, index, query, folder):
    """The same query exported by the explorer (e, Enter) and by `gba-tui export`: the two
    files' lines, without the lines that say when and from where they were written."""
    from gba_tui.cli import main as cli_main

    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, query)
        await pilot.press("e")
        await pilot.pause(0.1)
        app.screen.query_one("#export-path").value = str(folder / "app.md")
        await pilot.press("enter")
        await settle(app, pilot)
    argv = ["--corpus", str(corpus), "--index", str(index), "export", query]
    assert cli_main([*argv, "-o", str(folder / "cli.md")]) == 0

    def body(name):
        lines = (folder / name).read_text("utf-8").splitlines()
        return [x for x in lines if not x.startswith(("- Exported", "- Corpus"))]

    return body("app.md"), body("cli.md")


async def test_7_app_and_cli_export_the_same_selection(index_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app_md, cli_md = await export_from_app_and_cli(
        make_app(index_dir), SEEDS, index_dir, "科技保险", tmp_path
    )
    assert app_md == cli_md


async def test_8_empty_result_explains_what_to_try(index_dir):
    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "量子糾纏不存在")
        assert app.main.view.total == 0
        status = str(app.screen.query_one("#query-status").render())
        assert "No article matches" in status and "OR" in status
        docs = app.screen.query_one("#documents", DocumentList)
        assert "no article matches" in str(docs.get_option_at_index(0).prompt)
        side = app.screen.query_one("#entities", EntitySidebar)
        assert "no entities" in str(side.get_option_at_index(0).prompt)


async def test_8_search_typed_while_the_index_builds_says_so(tmp_path, monkeypatch):
    import threading

    import gba_tui.search.indexer as indexer

    real, go_on = indexer.update_index, threading.Event()

    def held_update(corpus, index, rebuild=False, progress=None):
        if progress is not None:
            progress(1, 5, "seeds")
        go_on.wait(5)  # the build is held until the test has typed its query
        return real(corpus, index, rebuild=rebuild, progress=progress)

    monkeypatch.setattr(indexer, "update_index", held_update)
    app = make_app(tmp_path / "fresh")
    async with app.run_test(size=(140, 45)) as pilot:
        for _ in range(200):
            if app.main.building is not None:
                break
            await pilot.pause(0.02)
        await pilot.press("slash", *"科技保险")
        await pilot.pause(0.3)
        status = str(app.screen.query_one("#query-status").render())
        assert "index is being built (1 of 5 pages)" in status
        assert app.screen.query_one("#progress").display
        go_on.set()
        await settle(app, pilot, 0.2)
        assert app.main.view.total == 2  # and the search ran once it was ready
        assert not app.screen.query_one("#query-status").display


async def test_10_entity_counts_come_first_and_sources_fit_their_column(index_dir):
    app = make_app(index_dir)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "灣區")
        side = app.screen.query_one("#entities", EntitySidebar)
        labels = [
            str(side.get_option_at_index(i).prompt)
            for i in range(side.option_count)
            if side.get_option_at_index(i).id
        ]
        assert labels and all(x[:3].strip().isdigit() for x in labels)
        table = app.screen.query_one("#hits", RankingTable)
        width = table.columns["source"].width
        assert width >= max(len(r.source) * 2 for r in app.main.view.rows)  # 香港文匯報 whole


async def test_11_history_kept_between_sessions_and_y_copies_the_citation(index_dir):
    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "科技保险")
        await pilot.press("y")
        first = app.main.library.article(app.main.view.rows[0].id)
        assert app.clipboard == f"{first.title} · {first.source} · {first.id}"
    again = make_app(index_dir)
    async with again.run_test(size=(140, 45)) as pilot:
        await settle(again, pilot)
        await pilot.press("slash", "up")
        assert again.screen.query_one("#search").value == "科技保险"


async def test_11_bylines_and_focused_pane_are_clear_in_256_colours(index_dir):
    from gba_tui.app.widgets.panes import META_STYLE

    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        docs = app.screen.query_one("#documents")
        assert contrast_in_256_colours(META_STYLE, docs.styles.background.rgb) >= 4.5
        assert docs.styles.border_top[0] == "heavy"  # focused: heavy, the others round
        assert app.screen.query_one("#hits").styles.border_top[0] == "round"


def write_dated_pages(folder):
    """Web pages of our own: most under a header with the date, some without one."""
    folder.mkdir(parents=True)
    for n in range(12):
        header = f"時間：2025-{1 + n % 3:02d}-1{n % 10} 09:30 來源：香港商報\n\n" if n % 5 else ""
        (folder / f"web-{n:02d}.txt").write_text(
            header + f"大灣區第{n}場科創對接會舉行\n\n"
            f"【本報訊】大灣區第{n}場科技創新對接會昨日在前海舉行，{n + 20}家企業參加，"
            "主辦方表示將繼續推動跨境科研合作。\n",
            "utf-8",
        )
    return folder


async def test_9_dates_show_in_list_and_ranking_sort_newest_first_and_chart_over_time(tmp_path):
    from gba_tui.app.widgets.panes import Timeline

    corpus = write_dated_pages(tmp_path / "pages")
    app = make_app(tmp_path / "index", corpus)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "大湾区")
        view = app.main.view
        assert view.has_dates and "date" in app.screen.query_one("#hits", RankingTable).columns
        timeline = app.screen.query_one("#timeline", Timeline)
        assert timeline.display and "over time" in str(timeline.render())
        assert sum(n for _, n in view.timeline) == len([r for r in view.rows if r.date])
        prompts = doc_prompts(app)
        assert any("2025-0" in p for p in prompts)
        await pilot.press("s")  # score -> date
        await settle(app, pilot)
        assert app.main.sort == "date"
        dates = [r.date for r in app.main.view.rows]
        known = [d for d in dates if d]
        assert known == sorted(known, reverse=True) and dates[: len(known)] == known


def write_archive(folder, pages):
    """A user's folder of many one-report pages (our own sentences, numbered apart)."""
    places = ["南沙", "前海", "橫琴", "河套", "光明科學城", "松山湖"]
    folder.mkdir(parents=True)
    for n in range(pages):
        place = places[n % len(places)]
        (folder / f"page-{n:04d}.txt").write_text(
            f"{place}第{n}批科創項目簽約\n\n"
            f"【本報訊】{place}昨日舉行第{n}批科技創新項目簽約儀式，共有{n % 17 + 3}家企業落戶，"
            f"涉及人工智能、生物醫藥和新能源等領域。\n\n"
            f"主辦方表示，今年已累計引進{n + 40}個項目，將繼續完善跨境科研配套。\n",
            "utf-8",
        )
    return folder


async def test_a_large_folder_builds_in_the_app_with_its_progress_shown(tmp_path):
    """A folder big enough that the old explorer never finished building (it needed a helper
    process above about 64 pages): the bar shows pages done of the total while the list is
    already there, then the index is ready and the bar goes away."""
    corpus = write_archive(tmp_path / "archive", pages=150)
    app = make_app(tmp_path / "index", corpus)
    seen = []
    async with app.run_test(size=(140, 45)) as pilot:
        for _ in range(2000):
            bar = app.screen.query_one("#progress", ProgressBar)
            if bar.display and bar.total:
                seen.append((bar.progress, bar.total, len(doc_prompts(app))))
            if app.main.library is not None:
                break
            await pilot.pause(0.02)
        await settle(app, pilot)
        assert seen, "the build's progress was never shown"
        assert {total for _, total, _ in seen} == {150}
        assert len({done for done, _, _ in seen}) >= 2  # it moved while we watched
        assert all(listed == 150 for _, _, listed in seen)  # the list was usable meanwhile
        assert app.main.library is not None and len(app.main.library.articles) == 150
        assert not app.screen.query_one("#progress").display
        assert any("rebuilt index" in n.message for n in app._notifications)


async def test_without_a_search_a_big_corpus_lists_its_first_articles_and_says_how_many_more(
    index_dir, monkeypatch
):
    """An archive of 50,000 is not listed whole (Textual took seconds to lay it out): the
    first LIST_LIMIT in the chosen order, a line with the rest; a search lists its hits."""
    import gba_tui.app.data as data
    import gba_tui.search.titles as titles

    monkeypatch.setattr(data, "LIST_LIMIT", 5)
    monkeypatch.setattr(titles, "LIST_LIMIT", 5)
    app = make_app(index_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        docs = app.screen.query_one("#documents", DocumentList)
        assert len(docs.order) == 5 and app.main.view.listed == 19
        last = str(docs.get_option_at_index(docs.option_count - 1).prompt)
        assert "and 14 more" in last
        listed = set(docs.order)
        side = {a for e in app.main.view.entities for a in e.articles}
        assert side and side <= listed  # the sidebar speaks of the articles listed
        await search(app, pilot, "大湾区")
        assert app.main.view.total is not None and len(docs.order) == len(app.main.view.rows)
        assert "more" not in str(docs.get_option_at_index(docs.option_count - 1).prompt)
