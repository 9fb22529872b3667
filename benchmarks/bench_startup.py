"""Start-up benchmark: wall time from launching Python to a usable first screen, for a bare
Textual app and for gba-tui (article list shown, index already built), median of N runs.
With --corpus and --index (a big archive, its index built): also the time from launch until
the first search typed at once has its hits on screen, and the explorer's peak memory.

    python benchmarks/bench_startup.py --runs 7
    python benchmarks/bench_startup.py --runs 3 --corpus BIG --index BIG_INDEX --query 港
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
        self.set_interval(0.005, self.check)
    def check(self):
        if self.main.ready_at is not None:  # the article list is on screen
            self.exit()
Timed(resolve()).run(headless=True, size=(120, 40))
"""


SEARCH = """
import json, resource, sys, time
started = time.perf_counter()
sys.path.insert(0, %(src)r)
from gba_tui.app.app import GbaApp
from gba_tui.config import resolve
marks = {}
class Timed(GbaApp):
    def on_mount(self):
        self.set_interval(0.005, self.check)
    def check(self):
        main = self.main
        if "list" not in marks and main.ready_at is not None:
            marks["list"] = time.perf_counter() - started
            main.query_text = %(query)r  # typed as soon as the list is there
            main.run_search()
        view = main.view
        if "list" in marks and view is not None and view.total is not None:
            marks["search"] = time.perf_counter() - started
            marks["hits"] = view.total
            self.exit()
Timed(resolve(%(corpus)r, %(index)r)).run(headless=True, size=(120, 40))
marks["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000
print(json.dumps(marks))
"""


def big_archive(corpus: str, index: str, query: str, runs: int) -> dict:
    """List shown and first search answered, seconds after the interpreter started (plus its
    own start-up, ~0.05 s), median of the runs; peak resident memory, the largest."""
    code = SEARCH % {"src": str(ROOT / "src"), "corpus": corpus, "index": index, "query": query}
    found = []
    for _ in range(runs + 1):  # the first warms the file cache
        done = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=600
        )
        found.append(json.loads(done.stdout.strip().splitlines()[-1]))
    found = found[1:]
    return {
        "query": query,
        "hits": found[0]["hits"],
        "list_shown_s": round(statistics.median(f["list"] for f in found), 3),
        "first_search_answered_s": round(statistics.median(f["search"] for f in found), 3),
        "peak_mb": round(max(f["peak_mb"] for f in found), 1),
    }


def timed(code: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, timeout=120)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--corpus", help="a big archive (its index built): time the first search")
    ap.add_argument("--index", help="that archive's index folder")
    ap.add_argument("--query", default="港")
    args = ap.parse_args()
    if args.corpus:
        print(json.dumps(big_archive(args.corpus, args.index, args.query, args.runs)))
        return
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
