"""The build's own segment writer writes the files Whoosh's writer would, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import SegmentWriter

from gba_tui.search.codec import ArticleCodec
from gba_tui.search.postings import POSTINGS_BLOCK, ArticleWriter
from gba_tui.search.schema import build_schema
from gba_tui.text.analysis import Folded
from gba_tui.text.script import fold_script, searchable

SENTENCES = [
    "前海深港現代服務業合作區今日公布新一批扶持措施，鼓勵跨境科技保險產品。",
    "香港科技園與廣州南沙簽署合作備忘錄，共建人工智能實驗室。",
    "QFLP試點擴容，合格境外有限合伙人可投資大灣區初創企業。",
    "澳門橫琴粵澳深度合作區推出新的稅收優惠，吸引科研人員落戶。",
    "深圳河套地區量子計算中心啟用，首台（套）設備完成驗收。",
]


def _documents() -> list[dict[str, object]]:
    """Enough articles that the commonest terms fill more than one posting block (128)."""
    docs = []
    for n in range(300):
        text = "".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(1 + n % 3))
        title = SENTENCES[n % len(SENTENCES)][:12]
        folded = {"title": searchable(title), "text": fold_script(text).lower()}
        if n % 4 == 0:
            folded["org"] = searchable("香港科技園\n前海管理局")
        docs.append(
            {
                "row": n + 1,
                "page": f"p{n // 3}",
                "entities": "香港科技園,前海管理局" if n % 4 == 0 else "",
                "grams": folded,
                "title": title,
                "text": Folded(fold_script(text)) if n % 2 else text,
                "source": "南方日報" if n % 5 else "Ming Pao",
                "byline": "記者 陳大文",
            }
        )
    return docs


def _parts(folder: Path) -> dict[str, bytes]:
    """Each file inside the folder's one compound segment, by its extension."""
    storage = FileStorage(str(folder))
    (name,) = [n for n in storage.list() if n.endswith(".seg")]
    compound = CompoundStorage(storage.open_file(name))
    return {sub.split(".", 1)[1]: compound.open_file(sub).read() for sub in compound.list()}


def _write(folder: Path, writer_class: type, blocklimit: int = POSTINGS_BLOCK) -> dict[str, bytes]:
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = writer_class(ix, codec=ArticleCodec(blocklimit=blocklimit))
    for document in _documents():
        writer.add_document(**document)
    writer.commit(merge=False)
    return _parts(folder)


@pytest.mark.parametrize("blocklimit", [POSTINGS_BLOCK, 128])  # 128: terms of several blocks
def test_segment_files_are_whooshs_own(tmp_path: Path, blocklimit: int) -> None:
    ours = _write(tmp_path / "ours", ArticleWriter, blocklimit)
    theirs = _write(tmp_path / "theirs", SegmentWriter, blocklimit)
    assert ours.keys() == theirs.keys()
    assert {"pst", "trm"} <= ours.keys()
    for part, data in theirs.items():
        assert ours[part] == data, part


def _postings_by_row(ix: object) -> dict[tuple[str, bytes], set[tuple[int, float]]]:
    """Every term's postings as (the document's row, weight)."""
    with ix.reader() as reader:  # type: ignore[attr-defined]
        column = reader.column_reader("row")
        return {
            (f, t): {(int(column[d]), w) for d, w in reader.postings(f, t).items_as("weight")}
            for f, t in reader.all_terms()
        }


def test_a_merged_segment_reads_the_same(tmp_path: Path) -> None:
    """An update merges small segments through the pool's general path: every posting of
    the merged segment is kept, and the new document's are added."""
    folder = tmp_path / "ix"
    _write(folder, ArticleWriter)
    ix = whoosh_index.open_dir(str(folder))
    before = _postings_by_row(ix)
    writer = ArticleWriter(ix)
    extra = {**_documents()[7], "row": 301}
    writer.add_document(**extra)
    writer.commit(optimize=True)
    after = _postings_by_row(ix)
    for key, postings in before.items():
        assert postings <= after[key], key
    added = {key: rows - before.get(key, set()) for key, rows in after.items()}
    assert {key: rows for key, rows in added.items() if rows} == _postings_by_row_of_one(
        tmp_path, extra
    )


def _postings_by_row_of_one(
    tmp_path: Path, document: dict[str, object]
) -> dict[tuple[str, bytes], set[tuple[int, float]]]:
    """The postings Whoosh's own writer makes of one document."""
    folder = tmp_path / "one"
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = SegmentWriter(ix)
    writer.add_document(**document)
    writer.commit()
    return _postings_by_row(ix)


@pytest.mark.parametrize("blocklimit", [POSTINGS_BLOCK, 128])
def test_postings_read_directly_are_whooshs(tmp_path: Path, blocklimit: int) -> None:
    """The searcher reads a term's blocks from the postings file itself: for every term of
    two segments, the ids and weights Whoosh's matcher gives, in one block or several, and
    the ids shifted by an offset (a later segment's)."""
    from gba_tui.search.ranking import segment_blocks

    folder = tmp_path / "ix"
    _write(folder, ArticleWriter, blocklimit)
    writer = ArticleWriter(whoosh_index.open_dir(str(folder)))
    writer.add_document(**{**_documents()[0], "row": 301, "title": "獨一無二的標題"})
    writer.commit(merge=False)
    ix = whoosh_index.open_dir(str(folder))
    checked, several = 0, 0
    with ix.reader() as reader:
        leaves = reader.leaf_readers()
        assert len(leaves) == 2
        for leaf, _ in leaves:
            for field, term in leaf.all_terms():
                text = term.decode("utf-8") if isinstance(term, bytes) else term
                direct = list(segment_blocks(leaf, field, text))
                ids = [i for found, _ in direct for i in found]
                weights = [w for _, found in direct for w in found]
                expected = list(leaf.postings(field, text).items_as("weight"))
                assert list(zip(ids, weights, strict=True)) == expected, (field, text)
                # A later segment's ids, shifted by its first document number.
                shifted = [
                    i for found, _ in segment_blocks(leaf, field, text, offset=1000) for i in found
                ]
                assert shifted == [i + 1000 for i in ids], (field, text)
                checked += 1
                several += len(direct) > 1
    assert checked > 500
    assert several > 0 or blocklimit == POSTINGS_BLOCK
