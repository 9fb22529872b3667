"""Stories: a wire and its reprints grouped across scripts; different reports of one event apart.

The texts are our own, written in the shape such copies take: a Simplified wire, a Traditional
paper that runs it with a local paragraph added, and another reporter's own account."""

from __future__ import annotations

from gba_tui.stories import compare, group_stories, likeness, signature

WIRE = (
    "新华社香港12月22日电（记者 林晓）河套深港科技创新合作区香港园区22日举行开园仪式，"
    "首批三座大楼投入使用，已有六十多家科技企业签约进驻。"
    "香港特区政府表示，园区将聚焦人工智能、生命健康和新材料三大领域，与深圳园区协同发展。"
    "负责园区运营的公司介绍，进驻企业中约三成来自海外，其余来自香港本地和内地。"
    "园区还将设立跨境科研数据服务平台，方便两地科研人员共享实验数据。"
)
REPRINT = (
    "新華社香港12月22日電（記者 林曉）河套深港科技創新合作區香港園區22日舉行開園儀式，"
    "首批三座大樓投入使用，已有六十多家科技企業簽約進駐。"
    "香港特區政府表示，園區將聚焦人工智能、生命健康和新材料三大領域，與深圳園區協同發展。"
    "負責園區運營的公司介紹，進駐企業中約三成來自海外，其餘來自香港本地和內地。"
    "園區還將設立跨境科研數據服務平台，方便兩地科研人員共享實驗數據。"
    "本港創科界人士普遍歡迎，認為園區可為本地大學的研究成果提供落地空間。"
)
OTHER_REPORT = (
    "（本報記者 周敏）落馬洲河套區昨日迎來一個重要時刻：港深創新及科技園首期正式開幕。"
    "記者在現場看到，不少初創企業的年輕研究員已在實驗室內忙碌，"
    "一名從事藥物研發的博士生說，以後往返深圳做實驗只需十多分鐘。"
    "有議員在典禮後表示，希望政府盡快公布第二期的招標時間表，吸引更多企業落戶。"
)


def test_a_simplified_wire_and_its_traditional_reprint_form_one_story():
    stories = group_stories({"wire": WIRE, "reprint": REPRINT, "own": OTHER_REPORT})
    (story,) = stories.groups
    assert set(story.members) == {"wire", "reprint"}
    assert stories.of("own") is None
    assert stories.of("reprint") == story


def test_earliest_copy_names_the_story():
    stories = group_stories({"b": REPRINT, "a": WIRE}, order=["b", "a"])
    assert stories.groups[0].id == "b" and stories.groups[0].members == ("b", "a")


def test_compare_shows_the_local_paragraph_the_reprint_added():
    rows = compare(WIRE, REPRINT)
    added = [r.right for r in rows if r.change == "added"]
    assert added == ["本港創科界人士普遍歡迎，認為園區可為本地大學的研究成果提供落地空間。"]
    assert all(r.change in ("same", "added") for r in rows)
    assert sum(r.change == "same" for r in rows) == 4


def test_compare_sees_a_reworded_sentence_and_a_cut():
    edited = WIRE.replace("已有六十多家科技企业签约进驻", "已有逾六十家科技企业签约进驻").replace(
        "园区还将设立跨境科研数据服务平台，方便两地科研人员共享实验数据。", ""
    )
    rows = compare(WIRE, edited)
    assert [r.change for r in rows].count("reworded") == 1
    assert [r.left for r in rows if r.change == "cut"] == [
        "园区还将设立跨境科研数据服务平台，方便两地科研人员共享实验数据。"
    ]


def test_different_reports_of_the_same_event_stay_apart():
    assert likeness(WIRE, OTHER_REPORT).level is None
    assert group_stories({"wire": WIRE, "own": OTHER_REPORT}).groups == ()


def test_signature_is_the_same_in_both_scripts_and_empty_for_a_caption():
    assert signature(WIRE) == signature(WIRE.replace("园区", "園區"))
    assert signature("市民在展館參觀。") == ()


# ---------------------------------------------------------------- in the index


def _write(folder, name: str, headline: str, body: str) -> None:
    (folder / name).write_text(f"{headline}\n\n{body}\n", "utf-8")


def test_search_shows_each_story_once_and_all_copies_on_request(tmp_path):
    from gba_tui.search.indexer import update_index
    from gba_tui.search.searcher import Library

    pages = tmp_path / "pages"
    pages.mkdir()
    _write(pages, "wire.txt", "河套香港园区开园", WIRE)
    _write(pages, "paper.txt", "河套香港園區開園 六十企業進駐", REPRINT)
    _write(pages, "own.txt", "港深創科園首期開幕", OTHER_REPORT)
    update_index(pages, tmp_path / "index")
    lib = Library(tmp_path / "index")
    try:
        folded = lib.search("河套", all_copies=False)
        every = lib.search("河套", all_copies=True)
        # The other report names 河套 too: three articles, two stories.
        assert every.total == 3 and folded.total == 2 and folded.copies_total == 3
        (hit,) = [h for h in folded.hits if h.id != "own-1"]
        assert hit.story is not None and set(hit.story.members) == {"wire-1", "paper-1"}
        assert hit.to_json()["story"]["members"] == list(hit.story.members)
        assert len(hit.other_copies) == 1
        (story,) = lib.stories()
        assert story.level == "story" and lib.story("own-1") is None
    finally:
        lib.close()
    # A page added later joins the story it copies, without rebuilding the others.
    _write(pages, "later.txt", "河套園區開園", WIRE.replace("（记者 林晓）", ""))
    report = update_index(pages, tmp_path / "index")
    assert report.added == 1
    lib = Library(tmp_path / "index")
    try:
        (story,) = lib.stories()
        assert set(story.members) == {"wire-1", "paper-1", "later-1"}
        _heads_as_rows_say(lib)
    finally:
        lib.close()


def _heads_as_rows_say(lib) -> None:
    """The generation's head array (what folding reads) says what its story rows say, and an
    index written before there was one folds from the rows alike."""
    from gba_tui.search.store import open_store
    from gba_tui.search.story_index import _heads_from_rows, read_stories

    conn, gen, rows = lib._conn, lib._store.gen, lib._store.docnum_of_row()
    heads = read_stories(conn, gen, rows)
    assert len(heads) == 3 and len(set(heads.values())) == 1
    assert heads == _heads_from_rows(conn, gen, rows)
    before = lib.search("河套", all_copies=False)
    writer = open_store(lib.index_dir / lib.manifest["store"], write=True)
    writer.execute("DELETE FROM story_heads")  # as an older gba-tui left it
    writer.close()
    lib._story_of = None
    assert read_stories(conn, gen, rows) == heads
    after = lib.search("河套", all_copies=False)
    assert after.total == before.total == 2 and after.ids == before.ids


def test_stories_command_lists_groups(tmp_path, capsys):
    import json

    from gba_tui.cli import main

    pages = tmp_path / "pages"
    pages.mkdir()
    _write(pages, "wire.txt", "河套香港园区开园", WIRE)
    _write(pages, "paper.txt", "河套香港園區開園 六十企業進駐", REPRINT)
    args = ["--corpus", str(pages), "--index", str(tmp_path / "index")]
    assert main([*args, "stories", "--json"]) == 0
    (story,) = json.loads(capsys.readouterr().out)
    assert {m["id"] for m in story["members"]} == {"wire-1", "paper-1"}
    assert story["earliest"] == story["id"]
    assert main([*args, "search", "河套", "--json"]) == 0
    folded = json.loads(capsys.readouterr().out)
    assert folded["total"] == 1 and folded["copies_total"] == 2 and not folded["all_copies"]
    assert main([*args, "search", "河套", "--all-copies", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 2


def test_stories_command_prints_a_table(tmp_path, capsys):
    from gba_tui.cli import main

    pages = tmp_path / "pages"
    pages.mkdir()
    _write(pages, "wire.txt", "河套香港园区开园", WIRE)
    _write(pages, "paper.txt", "河套香港園區開園 六十企業進駐", REPRINT)
    args = ["--corpus", str(pages), "--index", str(tmp_path / "index")]
    assert main([*args, "stories"]) == 0
    out = capsys.readouterr().out
    assert "1 story ran in more than one article" in out and "河套" in out


def test_a_chain_of_copies_stops_at_the_story_size_limit():
    """Each text like the next but the first unlike the last: the chain is cut at MAX_COPIES
    rather than becoming one story of the whole archive."""
    from gba_tui.stories import MAX_COPIES, UnionFind

    union: UnionFind[int] = UnionFind()
    joined = [union.join(n, n + 1) for n in range(MAX_COPIES + 50)]
    assert joined[: MAX_COPIES - 1] == [True] * (MAX_COPIES - 1) and not joined[MAX_COPIES - 1]
    groups: dict[int, int] = {}
    for n in range(MAX_COPIES + 51):
        root = union.find(n)
        groups[root] = groups.get(root, 0) + 1
    assert max(groups.values()) == MAX_COPIES
    assert union.find(0) == union.find(MAX_COPIES - 1) != union.find(MAX_COPIES)


def test_a_big_rebuild_counts_shared_bands_in_memory_as_sql_counts_them(tmp_path, monkeypatch):
    """A rebuild of many pages counts shared band keys from the whole table in numpy, a share
    of the rows at a time; a small update asks SQL. Both give the same stories."""
    from gba_tui.search import story_index
    from gba_tui.search.indexer import update_index
    from gba_tui.search.searcher import Library

    pages = tmp_path / "pages"
    pages.mkdir()
    for n in range(4):  # wires, each with a reprint and a shortened copy; own reports
        wire = WIRE.replace("六十多家", f"{n + 6}十多家").replace("22日", f"{n + 10}日")
        _write(pages, f"w{n}.txt", f"園區{n}", wire)
        _write(pages, f"r{n}.txt", f"園區{n}開園", REPRINT.replace("22日", f"{n + 10}日"))
        _write(pages, f"c{n}.txt", f"園區{n}短訊", wire[: len(wire) * 2 // 3])
        _write(pages, f"o{n}.txt", f"報道{n}", OTHER_REPORT.replace("昨日", f"{n + 1}日"))

    def stories(where):
        lib = Library(where)
        try:
            return sorted(tuple(sorted(s.members)) for s in lib.stories())
        finally:
            lib.close()

    update_index(pages, tmp_path / "by_sql")
    by_sql = stories(tmp_path / "by_sql")
    monkeypatch.setattr(story_index, "WHOLE_TABLE_ROWS", 3)  # in memory, three rows at a time
    update_index(pages, tmp_path / "in_memory")
    assert stories(tmp_path / "in_memory") == by_sql
    assert by_sql and sum(map(len, by_sql)) >= 12 and all(len(m) >= 2 for m in by_sql)
