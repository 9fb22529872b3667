"""Story grouping against the hand-annotated pairs of the development set.

    python benchmarks/story_quality.py --corpus DIR [--annotations benchmarks/real_pages.json]

Recall: of the annotated same-story pairs (every pair inside a `stories` group), how many the
grouping put in one story. Precision: of the pairs of annotated articles the grouping put in one
story, how many are annotated as the same story. The `different_same_event` pairs (two reports of
one event) are listed when merged. Prints JSON with --json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from gba_tui.corpus.library import load_corpus  # noqa: E402
from gba_tui.corpus.loader import CorpusError  # noqa: E402
from gba_tui.search.indexer import update_index  # noqa: E402
from gba_tui.search.searcher import Library  # noqa: E402


def _article_for(note: dict, by_file: dict) -> str | None:
    """The produced article that overlaps the annotated line range most."""
    best, best_overlap = None, 0
    for a in by_file.get(note["file"], []):
        overlap = min(a.line_end, note["line_end"]) - max(a.line_start, note["line_start"]) + 1
        if overlap > best_overlap:
            best, best_overlap = a.id, overlap
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--annotations", type=Path, default=ROOT / "benchmarks/real_pages.json")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    try:
        corpus = load_corpus(args.corpus)
        notes = json.loads(args.annotations.read_text("utf-8"))
    except (CorpusError, OSError, ValueError) as e:
        print(f"story_quality: {e}", file=sys.stderr)
        return 2
    by_file: dict = {}
    for a in corpus.articles:
        by_file.setdefault(a.path, []).append(a)
    ids = {n["key"]: _article_for(n, by_file) for n in notes["articles"]}
    # The product's own path: an index built as `gba-tui index` builds it, stories read back.
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        update_index(args.corpus, Path(tmp))
        seconds = time.perf_counter() - started
        library = Library(Path(tmp))
        story_of = {i: s.id for s in library.stories() for i in s.members}
        groups = len(set(story_of.values()))
        library.close()

    def together(k1: str, k2: str) -> bool:
        a, b = ids.get(k1), ids.get(k2)
        if a is None or b is None:
            return False
        return a in story_of and story_of.get(a) == story_of.get(b)

    same = {frozenset(p) for g in notes["stories"] for p in itertools.combinations(g, 2)}
    found = [p for p in same if together(*p)]
    keys = [k for k in ids if ids[k]]
    grouped = {frozenset(p) for p in itertools.combinations(keys, 2) if together(*p)}
    right = grouped & same
    merged_events = [p for p in notes["different_same_event"] if together(*p)]
    figures = {
        "articles": len(corpus.articles),
        "recall": {"found": len(found), "annotated": len(same)},
        "precision": {"right": len(right), "grouped": len(grouped)},
        "different_reports_merged": [list(p) for p in merged_events],
        "missed": sorted(sorted(p) for p in same - set(found)),
        "wrongly_grouped": sorted(sorted(p) for p in grouped - same),
        "groups": groups,
        "seconds": round(seconds, 3),
    }
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=1))
        return 0
    r, p = figures["recall"], figures["precision"]
    recall = 100 * r["found"] / r["annotated"] if r["annotated"] else 0.0
    precision = 100 * p["right"] / p["grouped"] if p["grouped"] else 100.0
    print(f"{len(corpus.articles)} articles, {groups} stories, index built in {seconds:.2f} s")
    print(f"recall     {r['found']}/{r['annotated']} same-story pairs  {recall:.1f} %")
    print(f"precision  {p['right']}/{p['grouped']} grouped pairs     {precision:.1f} %")
    print(f"different reports of one event merged: {len(merged_events)}")
    for pair in figures["missed"]:
        print("  missed", *pair)
    for pair in figures["wrongly_grouped"]:
        print("  wrongly grouped", *pair)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
