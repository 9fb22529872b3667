"""Allow `python -m gba_tui`."""

from gba_tui.cli import main

# Guarded: the indexer's helper process (spawn) imports the main module and must not run it.
if __name__ == "__main__":
    raise SystemExit(main())
