"""What finding stories costs: a full build with and without story detection, and the update
that adds one page (a reprint of an article already indexed) to a built index.

    python benchmarks/bench_stories.py --sizes 10000 [50000] [--work DIR]

The corpus is made of the seed sentences with a third of their characters redrawn, so that
every article is its own text (the search benchmark's corpus reuses whole sentences, so every
two of its articles look like edited copies of each other), with one article in twenty a
reprint of another in the other script, so that there are stories to find.
The peer is the same build with the two story steps made no-ops, in the same process, run
alternately; the figures are the ratio of the two and the story step's own share. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_search import ARTICLES_PER_PAGE, seed_sentences  # noqa: E402

from gba_tui.cli import build_workers  # noqa: E402
from gba_tui.search import indexer  # noqa: E402
from gba_tui.search.searcher import Library  # noqa: E402
from gba_tui.text.script import to_simplified, to_traditional  # noqa: E402

PAPERS = ["大公報", "香港文匯報", "香港商報", "南方日報", "澳門日報"]
NAMES = ["陳明", "李華", "黃志強", "周嘉", "梁詠詩", "何志強"]


def make_corpus(folder: Path, n_articles: int, rng: random.Random) -> None:
    sentences, titles = seed_sentences()
    alphabet = sorted({c for t in sentences for c in t if "\u4e00" <= c <= "\u9fff"})

    def redrawn(text: str) -> str:
        return "".join(rng.choice(alphabet) if rng.random() < 0.33 else c for c in text)

    folder.mkdir(parents=True)
    for page_no in range(0, n_articles, ARTICLES_PER_PAGE):
        parts = []
        for k in range(min(ARTICLES_PER_PAGE, n_articles - page_no)):
            paras = [
                "".join(redrawn(rng.choice(sentences)) for _ in range(rng.randint(2, 5)))
                for _ in range(rng.randint(3, 7))
            ]
            # A lead's credit, as papers print it, so each headline opens its own article.
            paras[0] = f"【{rng.choice(PAPERS)}訊】記者{rng.choice(NAMES)}報道：" + paras[0]
            parts.append(f"{rng.choice(titles)}{page_no + k}\n\n" + "\n\n".join(paras))
        path = folder / f"p{page_no // ARTICLES_PER_PAGE:06d}.txt"
        path.write_text("\n\n".join(parts) + "\n", "utf-8")


def add_reprints(folder: Path, rng: random.Random, share: float = 0.05) -> int:
    """Copies of some pages' first article in the other script, as a paper reprints a wire."""
    pages = sorted(folder.glob("*.txt"))
    chosen = rng.sample(pages, max(1, int(len(pages) * 4 * share)))
    for n, page in enumerate(chosen):
        first = page.read_text("utf-8").split("\n\n\n")[0].split("\n\n")
        text = "\n\n".join(first[:6])
        other = to_simplified(text) if rng.random() < 0.5 else to_traditional(text)
        (folder / f"r{n:06d}.txt").write_text(other + "\n", "utf-8")
    return len(chosen)


@contextmanager
def stories_off():
    """No band keys made, none stored, no groups found or written."""
    saved = (indexer.story_bands, indexer.add_bands, indexer.find_links, indexer.write_stories,
             indexer.update_stories)  # fmt: skip
    indexer.story_bands = lambda *a, **k: []  # type: ignore[assignment]
    indexer.add_bands = lambda *a, **k: None  # type: ignore[assignment]
    indexer.find_links = lambda *a, **k: None  # type: ignore[assignment]
    indexer.write_stories = lambda *a, **k: None  # type: ignore[assignment]
    indexer.update_stories = lambda *a, **k: None  # type: ignore[assignment]
    try:
        yield
    finally:
        (indexer.story_bands, indexer.add_bands, indexer.find_links, indexer.write_stories,
         indexer.update_stories) = saved  # fmt: skip


@contextmanager
def timed_stories(record: list[float]):
    """Time the steps that find and write a generation's groups (a rebuild's two, an
    update's one): their sum per build is appended."""
    names = ("find_links", "write_stories", "update_stories")
    real = {name: getattr(indexer, name) for name in names}
    spent = [0.0]

    def timed(fn):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - started

        return wrapper

    for name in names:
        setattr(indexer, name, timed(real[name]))
    try:
        yield
    finally:
        for name in names:
            setattr(indexer, name, real[name])
        record.append(spent[0])


def build(pages: Path, index: Path) -> float:
    shutil.rmtree(index, ignore_errors=True)
    started = time.perf_counter()
    indexer.update_index(pages, index, rebuild=True, workers=build_workers())
    return time.perf_counter() - started


def bench_size(work: Path, n: int, rounds: int) -> dict:
    rng = random.Random(n)
    pages = work / f"pages-{n}"
    make_corpus(pages, n, rng)
    reprints = add_reprints(pages, rng)
    with_s, without_s, step = [], [], []
    for _ in range(rounds):
        with timed_stories(step):
            with_s.append(build(pages, work / "with"))
        with stories_off():
            without_s.append(build(pages, work / "without"))
    lib = Library(work / "with")
    groups = len(lib.stories())
    articles = len(lib.articles)
    lib.close()
    # One more page: a reprint of an indexed article, then the update.
    source = next(iter(sorted(pages.glob("p*.txt"))))
    (pages / "zz-new.txt").write_text(
        to_simplified(source.read_text("utf-8").split("\n\n\n")[0]) + "\n", "utf-8"
    )
    update_step: list[float] = []
    with timed_stories(update_step):
        started = time.perf_counter()
        indexer.update_index(pages, work / "with")
        update_total = time.perf_counter() - started
    best_with, best_without = min(with_s), min(without_s)
    return {
        "articles": articles,
        "reprint_pages": reprints,
        "stories_found": groups,
        "build_with_stories_s": round(best_with, 2),
        "build_without_stories_s": round(best_without, 2),
        "build_ratio": round(best_with / best_without, 3),
        "story_grouping_step_s": round(min(step), 2),
        "update_one_page_s": round(update_total, 2),
        "update_story_step_s": round(update_step[0], 3) if update_step else None,
        "build_workers": build_workers(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10000])
    ap.add_argument("--rounds", type=int, default=2, help="builds of each kind (best is kept)")
    ap.add_argument("--work", type=Path, help="folder for corpora and indexes (default: temp)")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="gba-stories-"))
    out = {}
    for n in args.sizes:
        out[str(n)] = bench_size(work / str(n), n, args.rounds)
        print(json.dumps({str(n): out[str(n)]}), file=sys.stderr)
    print(json.dumps(out, indent=1))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
