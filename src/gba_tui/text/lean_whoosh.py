"""Import Whoosh without the two standard-library packages it loads and never uses here.

Every `gba-tui search` is a process of its own, so import time is most of a query's cost.
Whoosh 2.7.5 pays two imports it needs only for features we do not use: `whoosh.compat`
imports `urllib.request` (ssl, sockets, email: 25 ms on this machine) for a download helper,
and `whoosh.reading` imports `cached_property`, which imports `asyncio` (18 ms) for async
properties, to cache one set. While Whoosh's modules are first imported, these two names are
stand-ins: a `urlretrieve` that imports the real module when called, and the standard library's
`functools.cached_property`. The stand-ins are removed afterwards, so any later import of
either name gets the real module. When the real module is loaded already, nothing is done.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import types
from collections.abc import Iterator
from typing import Any


def _urlretrieve(*args: Any, **kwargs: Any) -> Any:
    import urllib.request

    return urllib.request.urlretrieve(*args, **kwargs)


def _stand_ins() -> dict[str, types.ModuleType]:
    request = types.ModuleType("urllib.request")
    request.urlretrieve = _urlretrieve  # type: ignore[attr-defined]
    cached = types.ModuleType("cached_property")
    cached.cached_property = functools.cached_property  # type: ignore[attr-defined]
    return {"urllib.request": request, "cached_property": cached}


@contextlib.contextmanager
def lean_imports() -> Iterator[None]:
    placed = [name for name in _stand_ins() if name not in sys.modules]
    stand_ins = _stand_ins()
    for name in placed:
        sys.modules[name] = stand_ins[name]
    try:
        yield
    finally:
        for name in placed:
            if sys.modules.get(name) is stand_ins[name]:
                del sys.modules[name]
