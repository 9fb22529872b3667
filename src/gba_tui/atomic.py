"""One way to write a file: a temporary file in the same folder, then a rename.

Readers see the old file or the new one, never half of one; a failure (disk full, a folder
that is read-only) removes the temporary file and raises WriteFailed with one line to show.
The file is created with the user's umask, as any other program would.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


class WriteFailed(Exception):
    """A file could not be written; the message is one line a person can act on."""

    def __init__(self, path: Path | str, exc: BaseException) -> None:
        why = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        super().__init__(f"cannot write {path}: {why}")


def atomic_write(path: Path, data: bytes | str) -> None:
    """Replace path with data (str is written as UTF-8), all or nothing."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            view = memoryview(raw)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        _remove_quietly(tmp)
        raise WriteFailed(path, exc) from None
    except BaseException:
        _remove_quietly(tmp)
        raise


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
