"""The index's life: incremental updates by content hash, crashes, a second writer, damage."""

from __future__ import annotations

import shutil
import threading

import pytest

from gba_tui.search.indexer import (
    IndexBusy,
    IndexDamaged,
    ensure_index,
    update_index,
    writer_lock,
)
from gba_tui.search.searcher import Library


@pytest.fixture()
def corpus_copy(tmp_path, seeds):
    folder = tmp_path / "pages"
    shutil.copytree(seeds, folder)
    return folder


def test_incremental_update_touches_only_changed_pages(corpus_copy, tmp_path):
    where = tmp_path / "ix"
    first = update_index(corpus_copy, where)
    assert first.rebuilt and first.pages == 5 and first.articles == 19
    assert ensure_index(corpus_copy, where) is None  # fresh: nothing to do

    page = corpus_copy / "004_761257e38312902a.txt"
    page.write_text(
        page.read_text().replace("市值管理不是蹭热点走捷径", "市值管理不是蹭熱點走捷徑")
    )
    (corpus_copy / "000_d921b2ee65c7f66c.txt").unlink()
    (corpus_copy / "new.md").write_text("測試標題\n\n【大公報訊】這是一篇關於量子霸權的新報道。\n")
    report = ensure_index(corpus_copy, where)
    assert report is not None and not report.rebuilt
    assert (report.added, report.changed, report.removed, report.unchanged) == (1, 1, 1, 3)
    lib = Library(where)
    assert lib.search("量子霸權").total == 1
    assert lib.search("蹭熱點走捷徑").total == 1
    assert not [a for a in lib.articles if a.path == "000_d921b2ee65c7f66c.txt"]
    lib.close()


def test_touch_without_change_reads_but_does_not_reindex(corpus_copy, tmp_path):
    where = tmp_path / "ix"
    update_index(corpus_copy, where)
    p = corpus_copy / "003_467b954d3e2b3a27.txt"
    p.write_bytes(p.read_bytes())  # new mtime, same content
    report = ensure_index(corpus_copy, where)
    assert report is not None and report.changed == 0 and report.added == 0


def test_interrupted_rebuild_leaves_previous_index_usable(corpus_copy, tmp_path, monkeypatch):
    where = tmp_path / "ix"
    update_index(corpus_copy, where)

    import gba_tui.search.indexer as indexer

    def boom(articles, folded=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(indexer, "_page_entities", boom)
    with pytest.raises(KeyboardInterrupt):
        update_index(corpus_copy, where, rebuild=True)
    monkeypatch.undo()
    lib = Library(where)
    assert len(lib.articles) == 19 and lib.search("科技保险").total == 2
    lib.close()
    assert len(list(where.glob("gen-*"))) == 1


def test_second_writer_is_told_to_wait(corpus_copy, tmp_path):
    where = tmp_path / "ix"
    held = threading.Event()
    release = threading.Event()

    def hold():
        with writer_lock(where):
            held.set()
            release.wait(5)

    t = threading.Thread(target=hold)
    t.start()
    held.wait(5)
    try:
        with pytest.raises(IndexBusy, match="another gba-tui"):
            update_index(corpus_copy, where, wait=0.3)
    finally:
        release.set()
        t.join()


@pytest.mark.parametrize("damage", ["manifest", "segment", "generation", "schema", "maps"])
def test_damaged_index_detected_and_rebuild_fixes_it(corpus_copy, tmp_path, damage):
    where = tmp_path / "ix"
    update_index(corpus_copy, where)
    gen = next(where.glob("gen-*"))
    if damage == "manifest":
        (where / "manifest.json").write_text("{not json")
    elif damage == "segment":
        for f in gen.glob("*.seg"):
            f.write_bytes(b"garbage")
        for f in gen.glob("_MAIN_*.toc"):
            f.write_bytes(b"garbage")
    elif damage == "generation":
        shutil.rmtree(gen)
    elif damage == "maps":  # the store lost the generation's length and row maps
        import sqlite3

        store = next(where.glob("store-*.sqlite"))
        with sqlite3.connect(store) as conn:
            conn.execute("DELETE FROM lengths")
        conn.close()
    else:
        import json

        data = json.loads((where / "manifest.json").read_text())
        data["schema"] = 99999  # built by some other version
        (where / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(IndexDamaged, match="index --rebuild"):
        Library(where)
    # The commands refuse it with the same advice, and exit 2.
    from gba_tui.cli import main

    assert main(["--corpus", str(corpus_copy), "--index", str(where), "list"]) == 2
    report = update_index(corpus_copy, where, rebuild=True)
    assert report.rebuilt
    assert Library(where).search("科技保险").total == 2


def test_index_an_older_version_wrote_is_rebuilt_without_asking(corpus_copy, tmp_path):
    import json

    where = tmp_path / "ix"
    update_index(corpus_copy, where)
    manifest = json.loads((where / "manifest.json").read_text("utf-8"))
    manifest["schema"] -= 1  # as the previous release wrote it
    (where / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(IndexDamaged):
        Library(where)
    report = ensure_index(corpus_copy, where)
    assert report is not None and report.rebuilt and report.articles == 19
    assert Library(where).search("科技保险").total == 2


def test_freshness_reads_the_manifest_head_and_a_damaged_page_table_is_rebuilt(
    corpus_copy, tmp_path
):
    from gba_tui.search.indexer import read_manifest_head
    from gba_tui.search.titles import PAGES_MARK

    where = tmp_path / "ix"
    update_index(corpus_copy, where)
    text = (where / "manifest.json").read_text("utf-8")
    head, mark, table = text.partition(PAGES_MARK)
    assert mark and '"pages":' not in head and table.startswith("{")
    assert ensure_index(corpus_copy, where) is None  # fresh: the head's digest matches
    # A page table cut short: searching needs only the head; an update reads the table,
    # finds it damaged and builds afresh.
    (where / "manifest.json").write_text(head + mark + table[: len(table) // 2], "utf-8")
    assert read_manifest_head(where) is not None
    assert Library(where).search("科技保险").total == 2
    (corpus_copy / "extra.txt").write_text("新頁\n\n【本報訊】科技保險再有新產品推出。\n", "utf-8")
    report = ensure_index(corpus_copy, where)
    assert report is not None and report.rebuilt and report.articles == 20


def test_a_changed_page_size_or_mtime_makes_the_index_stale(corpus_copy, tmp_path):
    import os

    where = tmp_path / "ix"
    update_index(corpus_copy, where)
    page = sorted(corpus_copy.glob("*.txt"))[0]
    st = page.stat()
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    report = ensure_index(corpus_copy, where)  # looked at again, found the same text
    assert report is not None and report.changed == 0 and report.unchanged == 5
    assert ensure_index(corpus_copy, where) is None  # the new mtime is recorded
    page.write_text(page.read_text("utf-8") + "\n補充一段。\n", "utf-8")
    report = ensure_index(corpus_copy, where)
    assert report is not None and report.changed == 1 and not report.rebuilt
    assert ensure_index(corpus_copy, where) is None


def test_plain_index_command_repairs_damage(corpus_copy, tmp_path):
    where = tmp_path / "ix"
    update_index(corpus_copy, where)
    (where / "manifest.json").write_text("{}")
    assert update_index(corpus_copy, where).rebuilt
    assert len(Library(where).articles) == 19


def test_broken_file_skipped_rest_indexed(corpus_copy, tmp_path):
    (corpus_copy / "empty.txt").write_bytes(b"")
    (corpus_copy / "blob.txt").write_bytes(b"\x00\x01\x02binary")
    report = update_index(corpus_copy, tmp_path / "ix")
    assert report.articles == 19
    assert {s.path for s in report.skipped} == {"empty.txt", "blob.txt"}
    assert "skipped empty.txt: empty file" in report.summary()


def test_interrupted_incremental_update_keeps_the_live_index(corpus_copy, tmp_path, monkeypatch):
    where = tmp_path / "ix"
    update_index(corpus_copy, where)
    page = corpus_copy / "001_8fbebc61c31cc913.txt"
    page.write_text(page.read_text() + "\n新增一段關於量子霸權的內容。\n")

    import gba_tui.search.indexer as indexer

    def boom(articles, folded=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(indexer, "_page_entities", boom)
    with pytest.raises(KeyboardInterrupt):
        update_index(corpus_copy, where)
    monkeypatch.undo()
    lib = Library(where)
    assert len(lib.articles) == 19 and lib.search("科技保险").total == 2
    lib.close()
    report = ensure_index(corpus_copy, where)  # the change is picked up next time
    assert report is not None and report.changed == 1
    assert Library(where).search("量子霸權").total == 1


def test_segments_build_the_same_index(tmp_path, monkeypatch, seeds):
    import gba_tui.search.indexer as indexer

    whole = update_index(seeds, tmp_path / "whole")
    monkeypatch.setattr(indexer, "SEGMENT_ARTICLES", 4)  # several Whoosh segments
    parts = update_index(seeds, tmp_path / "parts")
    assert (parts.pages, parts.articles) == (whole.pages, whole.articles)
    a, b = Library(tmp_path / "whole"), Library(tmp_path / "parts")
    assert not b._reader.is_atomic()
    assert list(a.articles) == list(b.articles)
    assert dict(a.entities_of.items()) == dict(b.entities_of.items())
    for q in ("科技保险", "person:謝寶劍", "港"):
        ranked = [[(h.id, h.score) for h in lib.search(q).hits] for lib in (a, b)]
        assert ranked[0] == ranked[1]


def test_segments_written_by_worker_processes_build_the_same_index(tmp_path, monkeypatch, seeds):
    """A big rebuild on the command line hands whole segments to forked workers; the index
    they write answers exactly as one written in a single process, and updates build on it."""
    import gba_tui.search.indexer as indexer

    whole = update_index(seeds, tmp_path / "whole")
    monkeypatch.setattr(indexer, "SEGMENT_ARTICLES", 4)
    monkeypatch.setattr(indexer, "FARM_MIN_PAGES", 1)
    farmed = update_index(seeds, tmp_path / "farmed", workers=2)
    assert (farmed.pages, farmed.articles) == (whole.pages, whole.articles)
    a, b = Library(tmp_path / "whole"), Library(tmp_path / "farmed")
    assert len(b._reader.leaf_readers()) == 4  # 19 articles, a segment per 4+
    assert list(a.articles) == list(b.articles)
    for q in ("科技保险", "person:謝寶劍", "港", "大灣區 NOT 保險"):
        ranked = [[(h.id, h.score) for h in lib.search(q).hits] for lib in (a, b)]
        assert ranked[0] == ranked[1]
    b.close()
    copy = tmp_path / "pages"
    shutil.copytree(seeds, copy)
    page = copy / "002_fae5498d62657f38.txt"
    page.write_text(page.read_text("utf-8").replace("。", "。補記一則", 1), "utf-8")
    assert update_index(seeds, tmp_path / "farmed", workers=2).changed == 0
    update_index(copy, tmp_path / "farmed", workers=2)
    assert Library(tmp_path / "farmed").search("補記一則").total == 1


def test_updates_merge_their_small_segments_never_the_big_ones(corpus_copy, tmp_path, monkeypatch):
    # A rebuild writes equal segments; Whoosh's own merge rule once folded 40,000 articles'
    # worth of them into a one-page update. Updates may only merge their own small segments.
    from whoosh import index as whoosh_index

    import gba_tui.search.indexer as indexer

    monkeypatch.setattr(indexer, "SEGMENT_ARTICLES", 8)  # rebuild: segments of 8 and 11
    where = tmp_path / "ix"
    update_index(corpus_copy, where)

    def segment_sizes():
        gen = indexer.read_manifest(where)["generation"]
        ix = whoosh_index.open_dir(str(where / gen))
        sizes = sorted(s.doc_count_all() for s in ix._segments())
        ix.close()
        return sizes

    assert segment_sizes() == [8, 11]
    page = corpus_copy / "002_fae5498d62657f38.txt"  # two articles
    for n in range(4):
        page.write_text(page.read_text("utf-8").replace("。", f"。修訂{n}號", 1), "utf-8")
        assert not update_index(corpus_copy, where).rebuilt
    assert segment_sizes() == [2, 8, 11]  # one small segment, the big ones untouched
    lib = Library(where)
    assert lib.search("修訂3號").total == 1 and lib.search("修訂2號").total == 1
    assert len(lib.articles) == 19
    lib.close()


@pytest.mark.parametrize("guess", [48, 0], ids=["value-read-with-key", "value-read-apart"])
def test_segments_open_their_term_tables_as_whoosh_does(corpus_copy, tmp_path, monkeypatch, guess):
    """Our codec reads a term table's directory in one piece: the same tables, the same terms,
    each key's ranges and value where Whoosh finds them (a value read with its key when
    short, or apart)."""
    from whoosh.codec.whoosh3 import W3TermsReader
    from whoosh.filedb import filetables

    from gba_tui.search import codec
    from gba_tui.search.codec import ArticleCodec

    monkeypatch.setattr(codec, "_VALUE_GUESS", guess)

    where = tmp_path / "ix"
    update_index(corpus_copy, where)
    lib = Library(where)
    seen = 0
    for reader, _ in lib._reader.leaf_readers():
        segment, storage = reader.segment(), reader.storage()
        assert isinstance(segment.codec(), ArticleCodec)
        ours = segment.codec().terms_reader(storage, segment)
        name = segment.make_filename(ArticleCodec.TERMS_EXT)
        theirs = W3TermsReader(
            segment.codec(),
            storage.open_file(name),
            storage.file_length(name),
            segment.open_file(storage, ArticleCodec.POSTS_EXT),
        )
        assert ours._tindex.tables == theirs._tindex.tables
        assert ours._tindex.extras == theirs._tindex.extras
        assert list(ours.terms()) == list(theirs.terms())
        # Every key found where Whoosh finds it, and keys not there (other bytes, one byte
        # more or less) not found.
        keys = [k for k, _ in theirs._tindex.items()]
        for key in [*keys, *(k + b"x" for k in keys[::7]), *(k[:-1] for k in keys[::7]), b"?"]:
            assert list(ours._tindex.ranges_for_key(key)) == list(
                filetables.HashReader.ranges_for_key(theirs._tindex, key)
            ), key
            assert ours._tindex.value_of(key) == theirs._tindex.get(key), key
        seen += len(keys)
    assert seen > 1000
    assert lib.search("科技保险").total == 2


def test_the_early_walk_gives_the_digest_a_walk_here_would(corpus_copy, tmp_path):
    """The freshness walk forked before a search process loads its modules: the same digest
    as walking here, for the folder it walked only, and once."""
    from gba_tui.corpus.scan import early_digest, scan_corpus, scan_digest, start_early_walk

    assert early_digest(corpus_copy) is None  # none started
    start_early_walk(corpus_copy)
    assert early_digest(corpus_copy) == scan_digest(scan_corpus(corpus_copy).stats)
    assert early_digest(corpus_copy) is None  # used once
    start_early_walk(corpus_copy)
    assert early_digest(tmp_path) is None  # it walked another folder
    start_early_walk(tmp_path / "missing")
    assert early_digest(tmp_path / "missing") is None  # the walk failed: walked again, reported


def test_an_index_found_fresh_by_the_early_walk_is_not_walked_again(
    corpus_copy, tmp_path, monkeypatch
):
    """ensure_index takes the early walk's digest: fresh, no second walk; a page changed
    before the walk, an update (the digest differs)."""
    from gba_tui.corpus.scan import start_early_walk
    from gba_tui.search import indexer

    where = tmp_path / "ix"
    update_index(corpus_copy, where)
    walk_here = indexer.scan_corpus

    def no_second_walk(root):
        raise AssertionError("walked again")

    monkeypatch.setattr(indexer, "scan_corpus", no_second_walk)
    start_early_walk(corpus_copy)
    assert ensure_index(corpus_copy, where) is None
    page = sorted(corpus_copy.glob("*.txt"))[0]
    page.write_text(page.read_text("utf-8") + "\n補充一段。\n", "utf-8")
    monkeypatch.setattr(indexer, "scan_corpus", walk_here)
    start_early_walk(corpus_copy)
    report = ensure_index(corpus_copy, where)
    assert report is not None and report.changed == 1


def test_page_order_from_the_stored_array_is_docmaps(corpus_copy, tmp_path, monkeypatch):
    """The first of many articles in page order, and their places, from the generation's
    page-order array as from the document map (a store written before it kept one); after
    an update, whose changed first page's articles are numbered last."""
    import random

    from gba_tui.search import indexer
    from gba_tui.search.store import StoreReader

    monkeypatch.setattr(indexer, "UPDATE_MERGE", 1)  # the update's segment kept apart
    where = tmp_path / "ix"
    update_index(corpus_copy, where)
    page = sorted(corpus_copy.glob("*.txt"))[0]
    page.write_text(page.read_text("utf-8") + "\n補充一段。\n", "utf-8")
    assert ensure_index(corpus_copy, where).changed == 1
    lib = Library(where)
    with_array = lib._store
    without = StoreReader(lib._conn, with_array.gen)
    without._order_read = True  # as a store with no page_orders table
    assert with_array._page_order() is not None and without._page_order() is None
    docs = with_array.docnums()
    by_number = sorted(docs)
    assert without.first_in_page_order(docs, None) != by_number  # the update reordered them
    rng = random.Random(3)
    for size in (1, 5, 12, len(docs)):
        chosen = [*rng.sample(docs, min(size, len(docs))), max(docs) + 7]  # one not live
        for limit in (None, 0, 3, 20):
            assert with_array.first_in_page_order(chosen, limit) == without.first_in_page_order(
                chosen, limit
            ), (size, limit)
        assert with_array.orders(chosen) == without.orders(chosen)
