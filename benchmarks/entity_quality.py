"""Print entity recall and precision per type on the seed pages (the test asserts them)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from gba_tui.search.indexer import update_index  # noqa: E402
from gba_tui.search.searcher import Library  # noqa: E402
from test_entities import entity_scores  # noqa: E402

with tempfile.TemporaryDirectory() as tmp:
    update_index(ROOT / "seeds", Path(tmp))
    print(json.dumps(entity_scores(Library(Path(tmp)).entities_of), ensure_ascii=False, indent=1))
