"""The `gba-tui` command and `python -m gba_tui`.

A command that opens the index first checks it against the corpus: a walk of every page
file (60-80 ms at 12,500 pages) that starts here, in a forked child, before the modules a
search needs are loaded (110 ms), so the two run side by side on two cores.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

# The commands that open the index (the explorer checks it in a worker; `index` updates it).
_OPENING = frozenset({"list", "show", "search", "entities", "stories", "export"})
_VALUED = ("--corpus", "--index")  # the global options that take a value


def corpus_to_check(argv: Sequence[str]) -> Path | None:
    """The corpus a command that opens the index will check, read from argv as the parser
    reads its global options (then config.resolve); None for anything else: the explorer,
    `index`, help, a mistake (the parser reports it)."""
    corpus: str | None = None
    i = 0
    while i < len(argv):
        arg = argv[i]
        name, eq, value = arg.partition("=")
        if arg in _VALUED and i + 1 < len(argv):
            corpus = argv[i + 1] if arg == "--corpus" else corpus
            i += 2
        elif eq and name in _VALUED:
            corpus = value if name == "--corpus" else corpus
            i += 1
        elif arg in _OPENING:
            from gba_tui.config import default_corpus

            return Path(corpus).expanduser() if corpus else default_corpus()
        else:
            return None
    return None


def run() -> int:
    """The command line (gba_tui.cli.main), with the corpus walk started early."""
    try:
        corpus = corpus_to_check(sys.argv[1:])
        if corpus is not None:
            from gba_tui.corpus.scan import start_early_walk

            start_early_walk(corpus)
        from gba_tui.cli import main
    except KeyboardInterrupt:  # Ctrl-C while the modules load ends quietly, as in main()
        return 130
    return main()


if __name__ == "__main__":
    raise SystemExit(run())
