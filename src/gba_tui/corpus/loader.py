"""Files → decoded pages, with a report of what was skipped and why."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from gba_tui.corpus.model import Page
from gba_tui.corpus.scan import PAGE_SUFFIXES, CorpusError, check_corpus
from gba_tui.text.clean import clean_text

__all__ = ["PAGE_SUFFIXES", "CorpusError", "check_corpus"]  # kept where callers import them

# A newspaper page is tens of kilobytes; a file of many megabytes is a dump, not a page, and
# segmenting one 50 MB file took over 15 minutes. Larger files are skipped and reported.
MAX_PAGE_BYTES = 20 * 10**6


@dataclass(frozen=True)
class Skipped:
    """A file that could not be read as a page, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class LoadReport:
    pages: tuple[Page, ...]
    skipped: tuple[Skipped, ...]


def _gb_common(ch: str) -> bool:
    # GB2312 level 1: the 3,755 most frequent simplified characters.
    try:
        b = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and 0xB0 <= b[0] <= 0xD7


def _big5_common(ch: str) -> bool:
    # Big5 level 1: the 5,401 frequent traditional characters.
    try:
        b = ch.encode("big5")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and 0xA4 <= b[0] <= 0xC6


def _plausibility(text: str, encoding: str) -> float:
    """Share of CJK characters that are common in the encoding's own repertoire.

    Text decoded with the wrong legacy codec still "succeeds" (GB18030 accepts almost any
    byte string) but lands on rare characters, kana and symbols; the right codec lands on the
    frequent block of its own table.
    """
    han = [c for c in text if "\u3400" <= c <= "\u9fff" or "\u3040" <= c <= "\u30ff"]
    if not han:
        return 0.5
    sample = han[:4000]
    if encoding == "gb18030":
        hits = sum(1 for c in sample if _gb_common(c) or _big5_common(c))
    else:
        hits = sum(1 for c in sample if _big5_common(c) or _gb_common(c))
    kana = sum(1 for c in sample if "\u3040" <= c <= "\u30ff")
    return (hits - 2 * kana) / len(sample)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    damaged: int = 0  # bytes that were not valid in the encoding, shown as U+FFFD (or NULs dropped)


def _common(ch: str) -> bool:
    o = ord(ch)
    return (
        0x09 <= o <= 0x7E
        or 0x4E00 <= o <= 0x9FFF
        or 0x3000 <= o <= 0x303F
        or 0xFF00 <= o <= 0xFFEF
        or 0x2000 <= o <= 0x206F
    )


def _utf16_without_bom(raw: bytes) -> tuple[str, str] | None:
    """UTF-16 text saved without a byte-order mark: the byte order whose characters are
    mostly ASCII, common Chinese and punctuation (the other order lands on Hangul, CJK
    extension A and the like)."""
    if len(raw) % 2:
        return None
    best: tuple[float, str, str] | None = None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        sample = text[:4000]
        score = sum(1 for c in sample if _common(c)) / max(1, len(sample))
        if score >= 0.9 and (best is None or score > best[0]):
            best = (score, enc, text)
    return (best[2], best[1]) if best else None


def _nearly_utf8(raw: bytes) -> Decoded | None:
    """UTF-8 with a few damaged bytes (a character cut at the end, flipped bits): decoded
    with U+FFFD for each, when they are at most 1% of the file."""
    text = raw.decode("utf-8", "surrogateescape")
    damaged = sum(1 for c in text if "\udc80" <= c <= "\udcff")
    if damaged > max(8, len(raw) // 100):
        return None
    return Decoded(
        text.encode("utf-8", "surrogateescape").decode("utf-8", "replace"), "utf-8", damaged
    )


def decode_page(raw: bytes) -> Decoded:
    """Decode page bytes, detecting UTF-8 (with or without BOM), UTF-16 (with or without BOM),
    GB18030 or Big5; nearly-UTF-8 is decoded with replacement characters and the damage
    counted. Raises ValueError with a reason a person can read."""
    if not raw.strip(b" \t\r\n\x00"):
        raise ValueError("empty file")
    if raw.startswith(b"\xef\xbb\xbf"):
        body = _nearly_utf8(raw[3:])
        if body is None:
            raise ValueError("not text: undecodable as UTF-8 although it starts as UTF-8")
        return Decoded(body.text, "utf-8-sig", body.damaged)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Decoded(raw.decode("utf-16", "replace"), "utf-16")
    nuls = raw.count(b"\x00")
    if nuls:
        guessed = _utf16_without_bom(raw)
        if guessed:
            return Decoded(guessed[0], guessed[1])
        if nuls * 1000 > len(raw):  # more than one in a thousand bytes: not a text file
            raise ValueError("binary file (contains NUL bytes)")
        raw = raw.replace(b"\x00", b"")  # a few stray NULs in a text file: dropped, counted
    try:
        return Decoded(raw.decode("utf-8"), "utf-8", nuls)
    except UnicodeDecodeError:
        pass
    candidates: list[tuple[float, str, str]] = []
    for enc in ("gb18030", "big5hkscs"):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((_plausibility(text, enc), enc, text))
    if candidates:
        score, enc, text = max(candidates)
        if score >= 0.5:
            return Decoded(text, enc, nuls)
    nearly = _nearly_utf8(raw)
    if nearly is None and nuls:
        raise ValueError("binary file (contains NUL bytes)")
    if nearly is None:
        raise ValueError("not text: undecodable as UTF-8, GB18030 or Big5")
    return Decoded(nearly.text, nearly.encoding, nearly.damaged + nuls)


def decode_bytes(raw: bytes) -> tuple[str, str]:
    """(text, encoding) of page bytes; ValueError with a reason a person can read."""
    decoded = decode_page(raw)
    return decoded.text, decoded.encoding


def _looks_binary(text: str) -> bool:
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f")
    return controls > max(8, len(text) // 100)


def read_page_noted(path: Path, root: Path) -> tuple[Page, str | None]:
    """Read one page file, and a note when it was damaged but readable; ValueError (with the
    reason) if it is not a usable page."""
    if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
        raise ValueError("a link to a file outside the corpus folder")
    size = path.stat().st_size
    if size > MAX_PAGE_BYTES:
        raise ValueError(
            f"too large: {size / 1e6:.0f} MB (pages over {MAX_PAGE_BYTES // 10**6} MB are skipped)"
        )
    raw = path.read_bytes()
    decoded = decode_page(raw)
    text = decoded.text
    if _looks_binary(text):
        raise ValueError("binary file (control characters)")
    text = clean_text(text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise ValueError("empty file")
    rel = path.relative_to(root).as_posix()
    page = Page(
        path=rel, text=text, encoding=decoded.encoding, digest=hashlib.sha1(raw).hexdigest()
    )
    note = None
    if decoded.damaged:
        note = f"{decoded.damaged} damaged bytes (shown as \ufffd or dropped NULs); the rest read"
    return page, note


def read_page(path: Path, root: Path) -> Page:
    """Read one page file; ValueError (with the reason) if it is not a usable page."""
    return read_page_noted(path, root)[0]


def page_files(root: Path) -> list[Path]:
    """Every .txt and .md file below root, in a stable order; hidden folders are skipped."""
    check_corpus(root)
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.lower().endswith(PAGE_SUFFIXES) and not name.startswith("."):
                found.append(Path(dirpath) / name)
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def load_folder(root: Path) -> LoadReport:
    """Load every page below root; unreadable files are reported, never fatal."""
    pages: list[Page] = []
    skipped: list[Skipped] = []
    for path in page_files(root):
        rel = path.relative_to(root).as_posix()
        try:
            pages.append(read_page(path, root))
        except ValueError as exc:
            skipped.append(Skipped(rel, str(exc)))
        except OSError as exc:
            skipped.append(Skipped(rel, f"unreadable: {exc.strerror or exc}"))
    return LoadReport(tuple(pages), tuple(skipped))
