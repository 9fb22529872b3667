"""Every fault a clear line, nothing lost: hostile folders, disks, queries (one test per case).

Each test that breaks something checks one line on stderr, exit status 2 where the command
cannot do its job, and that the previous index still answers with the same results.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from gba_tui.cli import main
from gba_tui.search.indexer import ensure_index, read_manifest, update_index
from gba_tui.search.searcher import Library

ONE_PAGE = "000_d921b2ee65c7f66c.txt"


@pytest.fixture()
def corpus_copy(tmp_path, seeds):
    folder = tmp_path / "pages"
    shutil.copytree(seeds, folder)
    return folder


def cli(capsys, corpus, index, *argv):
    code = main(["--corpus", str(corpus), "--index", str(index), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def hit_ids(corpus, index, query="科技保险"):
    lib = Library(index)
    try:
        return [h.id for h in lib.search(query).hits]
    finally:
        lib.close()


# ---------------------------------------------------------------- 1. file names not UTF-8


def test_undecodable_file_name_is_indexed_listed_and_searched(corpus_copy, tmp_path, capsys):
    raw = os.fsencode(corpus_copy) + b"/bad\xff\xfename.txt"
    shutil.copyfile(corpus_copy / ONE_PAGE, raw)
    index = tmp_path / "ix"
    code, _, err = cli(capsys, corpus_copy, index, "index")
    assert code == 0, err
    code, out, _ = cli(capsys, corpus_copy, index, "list", "--json")
    assert code == 0
    paths = {r["path"] for r in json.loads(out)}
    assert "bad\ufffd\ufffdname.txt" in paths
    ids = [r["id"] for r in json.loads(out)]
    assert len(ids) == len(set(ids)) and "bad~FF~FEname-1" in ids
    # The page is a copy of a seed page: its articles are reprints, listed with --all-copies.
    code, out, _ = cli(capsys, corpus_copy, index, "search", "--json", "--all-copies", "科技保險")
    assert code == 0 and "bad~FF~FEname-1" in [h["id"] for h in json.loads(out)["hits"]]


# ---------------------------------------------------------------- 2. ids unique


def test_ids_unique_by_construction(tmp_path, capsys):
    from gba_tui.corpus.ids import article_id

    names = ["a b.txt", "a.b.txt", "sub/x.txt", "sub.x.txt", "😀.txt", "🎉.txt", "x.md", "x.md.txt"]
    assert len({article_id(n, 1) for n in names}) == len(names)
    assert article_id("000_d921b2ee65c7f66c.txt", 2) == "000_d921b2ee65c7f66c-2"
    corpus = tmp_path / "pages"
    for n, name in enumerate(names):
        path = corpus / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"第{n}號標題\n\n【大公報訊】灣區科技第{n}篇報道，內容各不相同。\n", "utf-8"
        )
    index = tmp_path / "ix"
    assert cli(capsys, corpus, index, "index")[0] == 0
    code, out, err = cli(capsys, corpus, index, "list", "--json")
    assert code == 0, err
    ids = [r["id"] for r in json.loads(out)]
    assert len(ids) == len(set(ids)) == len(names)
    update_index(corpus, index, rebuild=True)  # stable across rebuilds
    code, out, _ = cli(capsys, corpus, index, "list", "--json")
    assert [r["id"] for r in json.loads(out)] == ids


# ---------------------------------------------------------------- 3. lone surrogates in queries


def test_lone_surrogates_in_a_query(library):
    assert library.search("科技保險\udcff\udcfe").ids == library.search("科技保險 \ufffd").ids
    assert library.search("\udcff科技").total >= 0


# ---------------------------------------------------------------- 4. write failures


def test_unwritable_lock_is_one_line_and_old_index_answers(
    corpus_copy, tmp_path, capsys, monkeypatch
):
    index = tmp_path / "ix"
    update_index(corpus_copy, index)
    before = hit_ids(corpus_copy, index)
    real_open = os.open

    def deny(path, *a, **k):
        if str(path).endswith(".lock"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *a, **k)

    monkeypatch.setattr(os, "open", deny)
    code, _, err = cli(capsys, corpus_copy, index, "index")
    assert code == 2 and "cannot write the index" in one_line(err)
    # A search on a changed corpus answers from the index as last built, with a note.
    page = corpus_copy / "001_8fbebc61c31cc913.txt"
    page.write_text(page.read_text("utf-8") + "\n新增量子段落。\n", "utf-8")
    code, out, err = cli(capsys, corpus_copy, index, "search", "--json", "科技保险")
    assert code == 0 and "answering from the index as last built" in one_line(err)
    assert [h["id"] for h in json.loads(out)["hits"]] == before


def test_disk_full_leaves_no_partial_generation(corpus_copy, tmp_path, capsys, monkeypatch):
    import gba_tui.search.indexer as indexer

    index = tmp_path / "ix"
    update_index(corpus_copy, index)
    before = hit_ids(corpus_copy, index)
    listing = sorted(p.name for p in index.iterdir())

    def full(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(indexer, "add_article", full)
    code, _, err = cli(capsys, corpus_copy, index, "index", "--rebuild")
    assert code == 2 and "No space left on device" in one_line(err)
    assert sorted(p.name for p in index.iterdir()) == listing
    assert hit_ids(corpus_copy, index) == before


def test_plain_index_repairs_a_truncated_segment(corpus_copy, tmp_path, capsys):
    index = tmp_path / "ix"
    update_index(corpus_copy, index)
    before = hit_ids(corpus_copy, index)
    gen = index / read_manifest(index)["generation"]
    seg = max(gen.glob("*.seg"), key=lambda p: p.stat().st_size)
    data = seg.read_bytes()
    seg.unlink()  # linked into the next generation: write a new file, not through the link
    seg.write_bytes(data[: len(data) // 3])
    page = corpus_copy / "001_8fbebc61c31cc913.txt"
    page.write_text(page.read_text("utf-8") + "\n新增量子段落。\n", "utf-8")
    code, out, err = cli(capsys, corpus_copy, index, "index")
    assert code == 0, err
    assert hit_ids(corpus_copy, index) == before


# ---------------------------------------------------------------- 5. a manifest with wrong types


@pytest.mark.parametrize(
    "damage",
    [
        lambda m: m["pages"].update({next(iter(m["pages"])): "a string"}),
        lambda m: m.update({"articles": "4"}),
        lambda m: m.update({"generation": 3}),
        lambda m: m["pages"][next(iter(m["pages"]))].update({"stat": "x"}),
    ],
)
def test_manifest_with_wrong_types_is_damage_not_a_traceback(corpus_copy, tmp_path, capsys, damage):
    index = tmp_path / "ix"
    update_index(corpus_copy, index)
    before = hit_ids(corpus_copy, index)
    manifest = json.loads((index / "manifest.json").read_text("utf-8"))
    damage(manifest)
    (index / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    code, _, err = cli(capsys, corpus_copy, index, "search", "科技保险")
    assert code == 2 and "damaged" in one_line(err) and "--rebuild" in err
    assert cli(capsys, corpus_copy, index, "index")[0] == 0  # plain index repairs it
    assert hit_ids(corpus_copy, index) == before


def test_lock_that_is_a_folder_is_recovered(corpus_copy, tmp_path, capsys):
    index = tmp_path / "ix"
    (index / ".lock").mkdir(parents=True)
    code, _, err = cli(capsys, corpus_copy, index, "index")
    assert code == 0, err
    assert (index / ".lock").is_file()


# ---------------------------------------------------------------- 6. killing index


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


@pytest.mark.parametrize("after", [0.3, 1.0, 2.0])
def test_killing_index_leaves_no_process_behind(corpus_copy, tmp_path, after):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    cmd = [sys.executable, "-m", "gba_tui", "--corpus", str(corpus_copy), "--index"]
    proc = subprocess.Popen(
        [*cmd, str(tmp_path / "ix"), "index", "--rebuild"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(after)
    helpers = _children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(0.2)
    assert not [p for p in helpers if Path(f"/proc/{p}").exists()]


# ---------------------------------------------------------------- 7. smaller lies


def test_nearly_utf8_page_read_with_replacement_and_counted(corpus_copy, tmp_path):
    page = corpus_copy / ONE_PAGE
    raw = bytearray(page.read_bytes())
    raw[200] = 0xFF
    raw[400] = 0xFE
    page.write_bytes(bytes(raw[:-1]) + "灣".encode()[:2])  # a character cut at the end
    report = update_index(corpus_copy, tmp_path / "ix")
    assert not report.skipped
    assert [n.path for n in report.notes] == [ONE_PAGE]
    assert "damaged bytes" in report.notes[0].reason and report.notes[0].reason[0].isdigit()
    assert len(hit_ids(corpus_copy, tmp_path / "ix")) == 2


def test_nul_bytes_dropped_and_utf16_without_bom_read(corpus_copy, tmp_path, capsys):
    text = (corpus_copy / ONE_PAGE).read_text("utf-8")
    (corpus_copy / "nul.txt").write_bytes(
        ("標題甲\n\n【大公報訊】" + "量子" * 3000).encode() + b"\x00" + "尾段文字。\n".encode()
    )
    (corpus_copy / "u16.txt").write_bytes(
        text.replace("科技保險", "科技保險乙").encode("utf-16-le")
    )
    index = tmp_path / "ix"
    report = update_index(corpus_copy, index)
    assert not report.skipped, report.summary()
    code, out, _ = cli(capsys, corpus_copy, index, "list", "--json")
    rows = json.loads(out)
    nul_id = next(r["id"] for r in rows if r["path"] == "nul.txt")
    code, out, _ = cli(capsys, corpus_copy, index, "show", nul_id, "--json")
    assert code == 0 and "\x00" not in json.loads(out)["body"] and "尾段文字" in out
    assert any(r["path"] == "u16.txt" for r in rows)
    assert Library(index).search("科技保險乙").total == 1


def test_partial_generation_of_an_interrupted_build_is_removed(corpus_copy, tmp_path):
    index = tmp_path / "ix"
    update_index(corpus_copy, index)
    (index / "gen-99").mkdir()  # left by a build killed before its swap
    update_index(corpus_copy, index, rebuild=True)
    assert not (index / "gen-99").exists()


def test_export_uses_umask_and_refuses_dangling_link_and_folder(corpus_copy, tmp_path, capsys):
    index = tmp_path / "ix"
    old = os.umask(0o022)
    try:
        out = tmp_path / "out.md"
        code, _, err = cli(capsys, corpus_copy, index, "export", "科技保險", "-o", str(out))
        assert code == 0, err
        assert out.stat().st_mode & 0o777 == 0o644
        link = tmp_path / "dangling.md"
        link.symlink_to(tmp_path / "nowhere.md")
        code, _, err = cli(capsys, corpus_copy, index, "export", "科技保險", "-o", str(link))
        assert code == 2 and "exists" in one_line(err) and link.is_symlink()
        folder = tmp_path / "folder.md"
        folder.mkdir()
        code, _, err = cli(capsys, corpus_copy, index, "export", "科技保險", "-o", str(folder))
        assert code == 2 and "is a folder" in one_line(err)
    finally:
        os.umask(old)


def test_link_to_a_file_outside_the_corpus_is_skipped(corpus_copy, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("外部標題\n\n外部文字。\n", "utf-8")
    (corpus_copy / "link.txt").symlink_to(outside)
    report = update_index(corpus_copy, tmp_path / "ix")
    assert [(s.path, "outside the corpus" in s.reason) for s in report.skipped] == [
        ("link.txt", True)
    ]


# ---------------------------------------------------------------- 8. queries


def test_full_width_operators_and_invisible_controls(library):
    assert library.search("量子 ＯＲ 保險").ids == library.search("量子 OR 保險").ids
    assert library.search("量子 ＮＯＴ 保險").ids == library.search("量子 NOT 保險").ids
    assert library.search("科\u200d技保\u202e險").ids == library.search("科技保險").ids
    assert library.search("\ufeff科技\u2066保險\u2069").ids == library.search("科技保險").ids


def test_unknown_field_is_a_warning_in_json(corpus_copy, tmp_path, capsys):
    index = tmp_path / "ix"
    code, out, _ = cli(capsys, corpus_copy, index, "search", "--json", "foo:bar", "科技")
    data = json.loads(out)
    assert code == 0 and len(data["warnings"]) == 1 and "foo" in data["warnings"][0]
    code, out, _ = cli(capsys, corpus_copy, index, "search", "--json", "title:灣區")
    assert json.loads(out)["warnings"] == []


# ---------------------------------------------------------------- readers never wait


def test_search_during_an_update_answers_from_the_previous_generation(corpus_copy, tmp_path):
    index = tmp_path / "ix"
    update_index(corpus_copy, index)
    before = hit_ids(corpus_copy, index)
    page = corpus_copy / "000_d921b2ee65c7f66c.txt"
    page.write_text(page.read_text("utf-8").replace("科技保險", "科技担保"), "utf-8")
    reached, release = threading.Event(), threading.Event()

    def hold(done, total, what):
        reached.set()
        release.wait(30)

    worker = threading.Thread(
        target=update_index, args=(corpus_copy, index), kwargs={"progress": hold}
    )
    worker.start()
    try:
        assert reached.wait(30)
        assert ensure_index(corpus_copy, index) is None  # no waiting, no "another gba-tui"
        assert hit_ids(corpus_copy, index) == before  # the last good generation answers
    finally:
        release.set()
        worker.join()
    assert hit_ids(corpus_copy, index) == [i for i in before if not i.startswith("000_")]


def test_page_over_the_size_limit_is_skipped_with_its_reason(corpus_copy, tmp_path, monkeypatch):
    import gba_tui.corpus.loader as loader

    monkeypatch.setattr(loader, "MAX_PAGE_BYTES", 1000)  # the seed pages are larger
    report = update_index(corpus_copy, tmp_path / "ix")
    assert report.articles == 0 and len(report.skipped) == 5
    assert all("too large" in s.reason for s in report.skipped)


def test_unreadable_file_fixed_later_is_picked_up(corpus_copy, tmp_path, monkeypatch):
    import gba_tui.search.indexer as indexer

    real = indexer.read_page_noted

    def locked(path, root):
        if path.name == ONE_PAGE:
            raise PermissionError(13, "Permission denied")
        return real(path, root)

    monkeypatch.setattr(indexer, "read_page_noted", locked)
    index = tmp_path / "ix"
    report = update_index(corpus_copy, index)
    assert [s.path for s in report.skipped] == [ONE_PAGE]
    monkeypatch.undo()  # the permissions are fixed: no size or mtime changes
    report = ensure_index(corpus_copy, index)
    assert report is not None and report.added == 1
    assert len(hit_ids(corpus_copy, index)) == 2


def test_a_corpus_with_every_page_skipped_opens_and_searches(tmp_path, capsys):
    corpus = tmp_path / "pages"
    corpus.mkdir()
    (corpus / "empty.txt").write_bytes(b"")
    code, out, err = cli(capsys, corpus, tmp_path / "ix", "search", "--json", "港")
    assert code == 0 and json.loads(out)["total"] == 0 and "skipped empty.txt" in err


# ---------------------------------------------------------------- damage found while reading


def _flip_bytes(path: Path, start: int, length: int) -> None:
    """Damage a file in place (the same file, as a failing disk leaves it)."""
    with path.open("r+b") as f:
        f.seek(start)
        data = bytearray(f.read(length))
        f.seek(start)
        f.write(bytes(b ^ 0x5A for b in data))


def _postings_part(index: Path) -> tuple[Path, int, int]:
    """The biggest segment file and where its postings lie in it (offset, length)."""
    from whoosh.filedb.compound import CompoundStorage
    from whoosh.filedb.filestore import FileStorage

    gen = index / read_manifest(index)["generation"]
    seg = max(gen.glob("*.seg"), key=lambda p: p.stat().st_size)
    compound = CompoundStorage(FileStorage(str(gen)).open_file(seg.name), use_mmap=False)
    try:
        (part,) = [v for k, v in compound._dir.items() if k.endswith(".pst")]
    finally:
        compound.close()
    return seg, part["offset"], part["length"]


def test_damaged_postings_found_by_a_search_are_one_line(corpus_copy, tmp_path, capsys):
    """Postings that opening does not read, damaged: the search that reads them says so in one
    line (exit 2) and `index --rebuild` repairs it."""
    index = tmp_path / "ix"
    update_index(corpus_copy, index)
    before = hit_ids(corpus_copy, index)
    seg, offset, length = _postings_part(index)
    _flip_bytes(seg, offset + 4, length - 4)
    code, _, err = cli(capsys, corpus_copy, index, "search", "科技保险")
    assert code == 2 and "damaged" in one_line(err) and "--rebuild" in err
    assert cli(capsys, corpus_copy, index, "index", "--rebuild")[0] == 0
    assert hit_ids(corpus_copy, index) == before


def test_damaged_store_found_by_a_listing_is_one_line(corpus_copy, tmp_path, capsys):
    index = tmp_path / "ix"
    update_index(corpus_copy, index)
    store = index / read_manifest(index)["store"]
    size = store.stat().st_size
    _flip_bytes(store, size // 2, size // 4)  # past the header: opening still works
    for command in (["list"], ["search", "港"], ["entities"]):
        code, _, err = cli(capsys, corpus_copy, index, *command)
        assert code == 2 and "damaged" in one_line(err), command
