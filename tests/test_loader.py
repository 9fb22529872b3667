"""Loading a folder: encodings detected, broken files reported by name and skipped."""

from __future__ import annotations

import os
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SEEDS
from gba_tui.corpus.library import load_corpus
from gba_tui.corpus.loader import decode_bytes


def _mixed_folder(tmp_path, seeds):
    (tmp_path / "gb.txt").write_bytes(
        (seeds / "004_761257e38312902a.txt").read_text().encode("gb18030")
    )
    (tmp_path / "big5.txt").write_bytes(
        (seeds / "003_467b954d3e2b3a27.txt").read_text().encode("cp950")
    )
    bom = "\ufeff" + (seeds / "000_d921b2ee65c7f66c.txt").read_text().replace("\n", "\r\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "bom.md").write_bytes(bom.encode("utf-8"))
    (tmp_path / "empty.txt").write_bytes(b"")
    rng = random.Random(7)
    (tmp_path / "image.txt").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00" + bytes(rng.randrange(256) for _ in range(400))
    )
    (tmp_path / "ignored.pdf").write_bytes(b"%PDF-1.4")
    return tmp_path


def test_mixed_encodings_and_broken_files(tmp_path, seeds):
    folder = _mixed_folder(tmp_path, seeds)
    corpus = load_corpus(folder)
    reference = load_corpus(seeds)
    assert {p.path: p.encoding for p in corpus.pages} == {
        "big5.txt": "big5hkscs",
        "gb.txt": "gb18030",
        "sub/bom.md": "utf-8-sig",
    }
    skipped = {s.path: s.reason for s in corpus.skipped}
    assert set(skipped) == {"empty.txt", "image.txt"}
    assert "empty" in skipped["empty.txt"] and "binary" in skipped["image.txt"]
    # The three pages come back as the same articles as their UTF-8 originals.
    for mine, orig in [
        ("gb.txt", "004_761257e38312902a.txt"),
        ("big5.txt", "003_467b954d3e2b3a27.txt"),
        ("sub/bom.md", "000_d921b2ee65c7f66c.txt"),
    ]:
        assert [a.title for a in corpus.articles_on(mine)] == [
            a.title for a in reference.articles_on(orig)
        ]
        assert [a.body for a in corpus.articles_on(mine)] == [
            a.body for a in reference.articles_on(orig)
        ]


def test_binary_without_nul_is_refused():
    rng = random.Random(3)
    raw = bytes(rng.choice([1, 2, 3, 4, 5, 6, 14, 15, 200, 201, 255]) for _ in range(2000))
    try:
        decode_bytes(raw)
    except ValueError as exc:
        assert "binary" in str(exc) or "not text" in str(exc)
    else:
        text = raw.decode("latin-1")
        raise AssertionError(f"decoded binary: {text[:20]!r}")


def test_unreadable_file_is_skipped(tmp_path, seeds):
    if os.geteuid() == 0:
        # root reads everything; a dangling link stands in for an unreadable file.
        (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    else:
        p = tmp_path / "locked.txt"
        p.write_text("x")
        p.chmod(0)
    (tmp_path / "ok.txt").write_text((seeds / "004_761257e38312902a.txt").read_text())
    corpus = load_corpus(tmp_path)
    assert [p.path for p in corpus.pages] == ["ok.txt"]
    assert len(corpus.skipped) == 1 and "unreadable" in corpus.skipped[0].reason


# Damaged copies of the seed pages: a few bytes flipped to ones UTF-8 never uses. The loader
# reads them (nothing raised), marks each damaged character, and loses no other character;
# the segmenter then cuts them without raising.
@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(sorted(SEEDS.glob("*.txt"))),
    st.lists(st.floats(min_value=0, max_value=0.999), min_size=1, max_size=5),
)
def test_damaged_seed_pages_lose_no_character(path, where):
    from gba_tui.corpus.loader import decode_page
    from gba_tui.corpus.model import Page
    from gba_tui.corpus.segment import segment_page

    raw = bytearray(path.read_bytes())
    hits = sorted({int(w * len(raw)) for w in where})
    for i in hits:
        raw[i] = 0xFF
    decoded = decode_page(bytes(raw))
    original = path.read_text("utf-8")
    # The characters none of whose bytes was touched, in order.
    kept, pos = [], 0
    for ch in original:
        size = len(ch.encode("utf-8"))
        if not any(pos <= i < pos + size for i in hits):
            kept.append(ch)
        pos += size
    assert decoded.damaged >= len(hits)
    assert decoded.text.replace("\ufffd", "") == "".join(kept)
    text = decoded.text.replace("\r\n", "\n")
    segment_page(Page(path.name, text, decoded.encoding, "x"))
