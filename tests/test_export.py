"""Markdown export: parsed back with markdown-it-py; headings, provenance, bold, tables, scripts,
and every refusal path."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import INSURANCE_IDS
from gba_tui.cli import main
from gba_tui.export import (
    ExportError,
    bold_marks,
    collect_items,
    render_markdown,
    write_atomically,
)

MD = MarkdownIt("commonmark").enable("table")


def tokens(text):
    return MD.parse(text)


def headings(text, level):
    toks = tokens(text)
    return [
        toks[i + 1].content
        for i, t in enumerate(toks)
        if t.type == "heading_open" and t.tag == level
    ]


def strong_texts(text):
    out = []
    for t in tokens(text):
        if t.type == "inline":
            kids = t.children or []
            for i, k in enumerate(kids):
                if k.type == "strong_open":
                    out.append(kids[i + 1].content)
    return out


def export(library, query=None, ids=None, full=False, script="orig"):
    items, meta = collect_items(library, query, ids, "seeds")
    meta = replace(meta, exported=datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    return render_markdown(items, meta, full=full, script=script)


def test_snippet_export_structure(library):
    text = export(library, "科技保險")
    assert headings(text, "h1") == ["gba-tui export: 科技保險"]
    h2 = headings(text, "h2")
    assert len(h2) == 2 and h2[0].startswith("1. ") and "科技保險" in h2[0]
    assert "- Query: `科技保險`" in text and "- Articles: 2" in text
    assert "`000_d921b2ee65c7f66c.txt` lines 5–27" in text  # provenance
    assert "`004_761257e38312902a.txt` lines 3–53" in text
    assert "*北京商報* · 李秀梅" in text
    bold = strong_texts(text)
    assert "科技保險" in bold and "科技保险" in bold  # matches in bold, in each article's script
    assert "- Organisations: " in text and "科技部" in text


def test_bold_survives_punctuation_edges():
    text = bold_marks("研發失敗損失難承擔、首台(套)設備市場難打開", [(10, 15)], "orig")
    assert strong_texts(text) == ["首台(套"]
    text = bold_marks("引導金融「活水」流向科創", [(4, 8)], "orig")
    assert strong_texts(text) == ["活水"]


def test_full_export_with_gfm_table(library):
    text = export(library, ids=["003_467b954d3e2b3a27-1"], full=True)
    toks = tokens(text)
    assert any(t.type == "table_open" for t in toks)
    start = next(i for i, t in enumerate(toks) if t.type == "table_open")
    end = next(i for i, t in enumerate(toks) if t.type == "table_close")
    cells = [t.content for t in toks[start:end] if t.type == "inline"]
    assert "深圳—香港—廣州" in cells and "117542" in cells and "16296" in cells
    assert "深港穗聯合培育 助初創企在港上市" in headings(text, "h3")
    assert "資料來源：世界知識產權組織《2025年全球創新指數》" in text
    body = [t.content for t in toks if t.type == "inline"]
    assert any(b.startswith("今年9月，世界知識產權組織在香港發布") for b in body)


@pytest.mark.parametrize(
    "script, expect, absent",
    [
        ("s", "内地发布科技保险高质量发展路线图", "內地發布"),
        ("t", "AI未來產業前沿領域迎專屬科技保險", "未来产业"),
        ("orig", "內地發布科技保險高質量發展路線圖", "内地发布"),
    ],
)
def test_script_conversion(library, script, expect, absent):
    text = export(library, "科技保險", script=script)
    h2 = " ".join(headings(text, "h2"))
    assert expect in h2 and absent not in h2
    if script != "orig":
        snippets = "\n\n".join(line for line in text.splitlines() if line.startswith("> "))
        assert len(set(strong_texts(snippets))) == 1  # both articles' matches print alike


def test_cli_export_writes_file_atomically(tmp_path, seeds, index_dir):
    out = tmp_path / "out.md"
    argv = ["--corpus", str(seeds), "--index", str(index_dir), "export", "科技保险", "-o", str(out)]
    assert main(argv) == 0
    first = out.read_text("utf-8")
    assert "科技保險" in first
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file left


def test_cli_refuses_to_overwrite(tmp_path, seeds, index_dir, capsys):
    out = tmp_path / "keep.md"
    out.write_text("mine")
    argv = ["--corpus", str(seeds), "--index", str(index_dir), "export", "科技保险", "-o", str(out)]
    assert main(argv) == 2
    assert out.read_text() == "mine" and "--force" in capsys.readouterr().err
    assert main([*argv, "--force"]) == 0 and out.read_text() != "mine"


@pytest.mark.parametrize(
    "extra, needle",
    [
        ([], "--all"),
        (["--ids", "nope-1"], "no article"),
        (["科技", "-o", "/no/such/dir/x.md"], "does not exist"),
        (["((("], None),
    ],
)
def test_cli_refusals(tmp_path, seeds, index_dir, capsys, extra, needle):
    argv = ["--corpus", str(seeds), "--index", str(index_dir), "export", *extra]
    if "-o" not in extra:
        argv += ["-o", str(tmp_path / "x.md")]
    code = main(argv)
    err = capsys.readouterr().err
    if needle is None:
        assert code in (0, 2) and "Traceback" not in err
        return
    assert code == 2 and needle in err and err.count("\n") == 1
    assert not (tmp_path / "x.md").exists()


def test_unwritable_folder():
    # /proc refuses new files even to root, which CI runs as.
    with pytest.raises(ExportError, match="cannot write"):
        write_atomically(Path("/proc/gba-export.md"), "text")


def test_write_atomically_into_a_folder_path_is_refused(tmp_path):
    with pytest.raises(ExportError, match="is a folder"):
        write_atomically(tmp_path, "text")


def test_all_export(library):
    text = export(library)
    assert len(headings(text, "h2")) == 19 and "- Articles: 19" in text


def test_ids_with_query_limit_to_those(library):
    text = export(library, "科技保險", ids=[INSURANCE_IDS[1]])
    assert len(headings(text, "h2")) == 1


def test_chosen_ids_the_query_does_not_match_go_out_named_in_the_header(library):
    # One rule for the explorer's marks and the CLI's --ids: what was chosen is exported, and
    # the header says which of it the query does not match.
    other = next(a.id for a in library.articles if a.id not in INSURANCE_IDS)
    text = export(library, "科技保險", ids=[INSURANCE_IDS[0], other])
    assert len(headings(text, "h2")) == 2
    assert f"not matching the query (1): `{other}`" in text
    assert "**科技保險**" in text  # the matching one keeps its snippet


def test_also_in_names_the_other_copies_in_the_display_script(tmp_path):
    from gba_tui.search.indexer import update_index
    from gba_tui.search.searcher import Library
    from story_pages import write_pages

    update_index(write_pages(tmp_path / "pages"), tmp_path / "index")
    lib = Library(tmp_path / "index")
    try:
        text = export(lib, ids=["nf-a03-1", "hk-a10-1"], script="s")
    finally:
        lib.close()
    also = [x for x in text.splitlines() if x.startswith("Also in: ")]
    # The wire's page names the two Traditional papers that ran it, in Simplified; the other
    # report of the day stands alone and names nothing.
    assert also == ["Also in: *香港新报* 2025-12-22 `hk-a08-1`; *濠江晨报* 2025-12-22 `mo-b02-1`"]
    rendered = MD.render(text)
    assert "<em>香港新报</em> 2025-12-22 <code>hk-a08-1</code>" in rendered
