"""The freshness walk: every page file's size and mtime, from one os.scandir walk (no file
is read), and one digest of them all that the index records.

A search process checks its index against the corpus before it answers. At 12,500 pages the
walk costs a stat a file (60-80 ms of one core) after 110 ms spent loading the modules a
search needs; `start_early_walk` runs it in a forked child on another core meanwhile, and the
index check takes its digest (`early_digest`) instead of walking again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from gba_tui.corpus.ids import display_path

PAGE_SUFFIXES = (".txt", ".md")


class CorpusError(Exception):
    """The corpus folder itself is unusable (missing, not a folder)."""


def check_corpus(root: Path) -> None:
    """CorpusError unless root is an existing folder."""
    if not root.exists():
        raise CorpusError(f"corpus folder not found: {root}")
    if not root.is_dir():
        raise CorpusError(f"corpus is not a folder: {root}")


@dataclass
class Scan:
    """The corpus as it is now: one os.scandir walk, size and mtime of every page file."""

    stats: dict[str, tuple[int, int]]  # stored path → (size, mtime_ns)
    files: dict[str, str]  # stored path → the file's path as the file system knows it


def scan_corpus(root: Path) -> Scan:
    """Every page file below root with its size and mtime, from one walk (no file is read)."""
    check_corpus(root)
    stats: dict[str, tuple[int, int]] = {}
    files: dict[str, str] = {}
    stack = [(str(root), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                if entry.is_dir():
                    stack.append((entry.path, f"{prefix}{name}/"))
                    continue
                if not name.lower().endswith(PAGE_SUFFIXES):
                    continue
                st = entry.stat()
                stat = (st.st_size, st.st_mtime_ns)
            except OSError:
                stat = (-1, -1)  # a dangling link or a file gone meanwhile: reported when read
            rel = prefix + name
            if not rel.isascii():  # most names are: no encoding tried for them
                rel = display_path(rel)
            stats[rel] = stat
            files[rel] = entry.path
    order = sorted(stats)
    return Scan({k: stats[k] for k in order}, {k: files[k] for k in order})


def scan_digest(stats: dict[str, tuple[int, int]]) -> str:
    """One digest of every file's path, size and mtime: equal digests, nothing to update."""
    lines = (f"{rel}\t{size}\t{mtime}" for rel, (size, mtime) in sorted(stats.items()))
    return hashlib.sha1("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class _Walk:
    """A walk under way in a child process: its id, the pipe its digest comes down, and the
    folder it walks."""

    pid: int
    pipe: int
    root: str


_walk: _Walk | None = None


def start_early_walk(corpus: Path) -> None:
    """Walk the corpus in a forked child while this process goes on loading modules. For a
    process about to search that has started no thread yet (a fork copies only the caller's
    thread); where there is no fork, or it fails, the check walks as usual."""
    global _walk
    if _walk is not None or not hasattr(os, "fork"):
        return
    try:
        read_end, write_end = os.pipe()
        pid = os.fork()
    except OSError:
        return
    if pid == 0:  # the child: the digest down the pipe, then gone without any cleanup
        try:
            os.close(read_end)
            digest = scan_digest(scan_corpus(corpus).stats)
            os.write(write_end, digest.encode("ascii"))
        finally:
            os._exit(0)
    os.close(write_end)
    _walk = _Walk(pid, read_end, os.path.abspath(corpus))


def early_digest(corpus: Path) -> str | None:
    """The digest the early walk of this corpus found (waiting for it if need be); None when
    no walk of it was started or it failed. A walk is used once."""
    global _walk
    walk, _walk = _walk, None
    if walk is None:
        return None
    try:
        data = b""
        while chunk := os.read(walk.pipe, 64):
            data += chunk
    except OSError:
        data = b""
    finally:
        os.close(walk.pipe)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(walk.pid, 0)
    if walk.root != os.path.abspath(corpus) or len(data) != 40:
        return None
    return data.decode("ascii")
