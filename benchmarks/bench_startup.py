"""Start-up benchmark: wall time from launching Python to a usable first screen, for a bare
Textual app and for gba-tui (article list shown, index already built), median of N runs.

    python benchmarks/bench_startup.py --runs 7
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BARE = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("hello")
    def on_mount(self):
        self.call_after_refresh(self.exit)
Bare().run(headless=True, size=(120, 40))
"""

OURS = """
import sys
sys.path.insert(0, %(src)r)
from gba_tui.app.app import GbaApp
from gba_tui.config import resolve
class Timed(GbaApp):
    def on_mount(self):
        super().on_mount()
        self.set_interval(0.005, self.check)
    def check(self):
        if self.ready_at is not None:  # the article list is on screen
            self.exit()
Timed(resolve()).run(headless=True, size=(120, 40))
"""


def timed(code: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, timeout=120)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    subprocess.run(
        [sys.executable, "-m", "gba_tui", "index"], cwd=ROOT, check=True, capture_output=True
    )
    ours_code = OURS % {"src": str(ROOT / "src")}
    timed(BARE), timed(ours_code)  # warm the file cache
    bare = [timed(BARE) for _ in range(args.runs)]
    ours = [timed(ours_code) for _ in range(args.runs)]
    out = {
        "runs": args.runs,
        "bare_textual_s": round(statistics.median(bare), 3),
        "gba_tui_usable_s": round(statistics.median(ours), 3),
    }
    out["ratio"] = round(out["gba_tui_usable_s"] / out["bare_textual_s"], 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
