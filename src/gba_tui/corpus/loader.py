"""Files → decoded pages, with a report of what was skipped and why."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from gba_tui.corpus.model import Page

PAGE_SUFFIXES = (".txt", ".md")

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


class CorpusError(Exception):
    """The corpus folder itself is unusable (missing, not a folder)."""


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


def decode_bytes(raw: bytes) -> tuple[str, str]:
    """Decode page bytes, detecting UTF-8 (with or without BOM), UTF-16, GB18030 or Big5.

    Raises ValueError with a reason a person can read.
    """
    if not raw.strip():
        raise ValueError("empty file")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    if b"\x00" in raw[:8192]:
        raise ValueError("binary file (contains NUL bytes)")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates: list[tuple[float, str, str]] = []
    for enc in ("gb18030", "big5hkscs"):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((_plausibility(text, enc), enc, text))
    if not candidates:
        raise ValueError("not text: undecodable as UTF-8, GB18030 or Big5")
    score, enc, text = max(candidates)
    if score < 0.5:
        raise ValueError("not text: undecodable as UTF-8, GB18030 or Big5")
    return text, enc


def _looks_binary(text: str) -> bool:
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f")
    return controls > max(8, len(text) // 100)


def read_page(path: Path, root: Path) -> Page:
    """Read one page file; ValueError (with the reason) if it is not a usable page."""
    size = path.stat().st_size
    if size > MAX_PAGE_BYTES:
        raise ValueError(
            f"too large: {size / 1e6:.0f} MB (pages over {MAX_PAGE_BYTES // 10**6} MB are skipped)"
        )
    raw = path.read_bytes()
    text, encoding = decode_bytes(raw)
    if _looks_binary(text):
        raise ValueError("binary file (control characters)")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    if not text.strip():
        raise ValueError("empty file")
    rel = path.relative_to(root).as_posix()
    return Page(path=rel, text=text, encoding=encoding, digest=hashlib.sha1(raw).hexdigest())


def check_corpus(root: Path) -> None:
    """CorpusError unless root is an existing folder."""
    if not root.exists():
        raise CorpusError(f"corpus folder not found: {root}")
    if not root.is_dir():
        raise CorpusError(f"corpus is not a folder: {root}")


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
