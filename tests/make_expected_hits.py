"""Record the hit lists the search gives today for the seed queries and 400 random substrings
of the seed articles in both scripts; tests/test_same_hits.py checks later versions against it.

    PYTHONPATH=src python tests/make_expected_hits.py
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "expected_hits.json"


def substring_queries(n: int = 400, seed: int = 20261123) -> list[str]:
    from gba_tui.corpus.library import load_corpus

    rng = random.Random(seed)
    texts = [a.full_text for a in load_corpus(ROOT / "seeds").articles]
    out: list[str] = []
    while len(out) < n:
        t = rng.choice(texts)
        size = rng.choice([1, 2, 2, 3, 3, 4, 4, 5, 6, 8])
        start = rng.randrange(0, max(1, len(t) - size))
        q = t[start : start + size].strip()
        if q:
            out.append(q)
    return out


def queries() -> list[str]:
    from gba_tui.text.script import to_simplified, to_traditional

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_search import QUERIES

    subs = substring_queries()
    both = [q for s in subs for q in (to_traditional(s), to_simplified(s))]
    return list(dict.fromkeys([*QUERIES, *both]))


def hit_lists(library, qs: list[str]) -> dict[str, dict]:
    from gba_tui.search.query import QueryError

    out = {}
    for q in qs:
        try:
            r = library.search(q, limit=30)
        except QueryError:
            out[q] = {"error": True}
            continue
        out[q] = {"total": r.total, "ids": r.ids, "scores": [round(h.score, 4) for h in r.hits]}
    return out


def main() -> None:
    from gba_tui.search.indexer import update_index
    from gba_tui.search.searcher import Library

    with tempfile.TemporaryDirectory() as tmp:
        update_index(ROOT / "seeds", Path(tmp))
        lib = Library(Path(tmp))
        data = hit_lists(lib, queries())
        lib.close()
    rows = [
        f"{json.dumps(q, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
        for q, v in data.items()
    ]
    OUT.write_text("{\n" + ",\n".join(rows) + "\n}\n", "utf-8")
    print(f"{len(data)} queries, {sum(1 for v in data.values() if v.get('total'))} with hits")


if __name__ == "__main__":
    main()
