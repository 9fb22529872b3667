"""Allow `python -m gba_tui`."""

from gba_tui.cli import main

raise SystemExit(main())
