"""Search benchmark: synthetic corpora built from the seed sentences (fixed random seed).

Prints JSON per size: our build time, index size, open time, in-process query latency p50/p95
with the top-20 snippets (over three rounds, and over the first alone: a search keeps the
last few terms' postings, so a repeated query is partly warm), an incremental update after
one changed page; the same measured for a peer, SQLite FTS5 with the trigram tokenizer over
the same folded text (two-character words by LIKE, as a user of FTS5 would), built in the same
run; and one `search --json --limit 20` process against one FTS5 query process, wall time
and peak memory from /usr/bin/time, also over a one-page corpus so the part that grows with
the corpus shows. Ratios are ours / FTS5.

    python benchmarks/bench_search.py --sizes 1000 10000          # add 50000 for the big one
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from gba_tui.cli import build_workers  # noqa: E402
from gba_tui.corpus.library import load_corpus  # noqa: E402
from gba_tui.search.indexer import update_index  # noqa: E402
from gba_tui.search.searcher import Library  # noqa: E402

QUERIES = [
    "科技保險",
    "科技保险",
    "大灣區",
    "大湾区",
    "港",
    "穗",
    "QFLP",
    "人工智能",
    '"耐心資本"',
    '"粤港澳大湾区"',
    "量子 NOT 保險",
    "科技 AND 保險",
    "量子 OR 保險",
    "(人工智能 OR 量子) 香港",
    "title:灣區",
    "source:北京商报",
    "散裂中子源",
    "首台（套）",
    "冷泉生態系統",
    "西街观察",
]
ARTICLES_PER_PAGE = 4


def seed_sentences() -> tuple[list[str], list[str]]:
    corpus = load_corpus(ROOT / "seeds")
    sentences: list[str] = []
    titles: list[str] = []
    for a in corpus.articles:
        titles.append(a.title)
        for p in a.paragraphs:
            sentences += [s + "。" for s in re.split(r"。", p) if len(s) > 8]
    return sentences, titles


def make_corpus(folder: Path, n_articles: int, rng: random.Random) -> int:
    sentences, titles = seed_sentences()
    papers = ["大公報", "香港文匯報", "北京商报"]
    folder.mkdir(parents=True)
    total_bytes = 0
    for page_no in range(0, n_articles, ARTICLES_PER_PAGE):
        parts = []
        for k in range(min(ARTICLES_PER_PAGE, n_articles - page_no)):
            paper = rng.choice(papers)
            paras = []
            for p in range(rng.randint(3, 7)):
                body = "".join(rng.choice(sentences) for _ in range(rng.randint(2, 5)))
                paras.append((f"【{paper}訊】" if p == 0 else "") + body)
            parts.append(f"{rng.choice(titles)}{page_no + k}\n\n" + "\n\n".join(paras))
        text = "\n\n".join(parts) + "\n"
        path = folder / f"p{page_no // ARTICLES_PER_PAGE:06d}.txt"
        path.write_text(text, "utf-8")
        total_bytes += len(text.encode())
    return total_bytes


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def query_figures(where: Path) -> dict:
    """In-process latency of the queries (each with its top-20 snippets), 3 rounds."""
    t0 = time.perf_counter()
    lib = Library(where)
    open_s = time.perf_counter() - t0
    # As the explorer opens one: it warms the index up while the first query is typed and
    # freezes what is loaded for the garbage collector, and a session has searched before.
    lib.warm_up()
    gc.collect()
    gc.freeze()
    lib.search("科技")
    latencies, first_round, per_query, totals = [], [], {}, {}
    for round_ in range(3):
        for q in QUERIES:
            t0 = time.perf_counter()
            res = lib.search(q, limit=20)
            dt = time.perf_counter() - t0
            latencies.append(dt)
            if round_ == 0:  # no query seen before: nothing of it kept from an earlier round
                first_round.append(dt)
            per_query[q] = max(per_query.get(q, 0), dt)
            totals[q] = res.total
    lib.close()
    return {
        "open_s": round(open_s, 3),
        "query_p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "query_p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "first_round_p50_ms": round(percentile(first_round, 0.5) * 1000, 1),
        "first_round_p95_ms": round(percentile(first_round, 0.95) * 1000, 1),
        "slowest_queries_ms": dict(
            sorted(((q, round(v * 1000, 1)) for q, v in per_query.items()), key=lambda x: -x[1])[:4]
        ),
        "hits": totals,
    }


def bench_existing(pages: Path, index: Path, work: Path, peer, peer_path: Path, small) -> dict:  # type: ignore[no-untyped-def]
    """A corpus already built (a 50,000-article build takes a while): queries in process and
    one query per process, against the FTS5 peer built now over the same pages."""
    work.mkdir(parents=True, exist_ok=True)
    fts5 = bench_fts5(pages, work, peer)
    ours = query_figures(index)
    row: dict = {"corpus": str(pages), "gba_tui": ours, "fts5_trigram": fts5}
    if small is not None:
        big = process_figures(pages, index, work / "fts5.sqlite", peer_path)
        row["process"] = {"one_page_corpus": small, "this_corpus": big}
    return row


def bench_ours(pages: Path, work: Path, n: int, corpus_bytes: int) -> dict:
    where = work / "ours"
    workers = build_workers()  # as `gba-tui index` builds: segments written by worker processes
    t0 = time.perf_counter()
    report = update_index(pages, where, workers=workers)
    build = time.perf_counter() - t0
    peak_build = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    peak_workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024

    queries = query_figures(where)
    lib = Library(where)
    res = lib.search("大灣區", limit=20)
    t0 = time.perf_counter()
    for h in res.hits:
        lib._hit(h.rank, h.id, h.score, ["大灣區"])
    snippets = time.perf_counter() - t0
    lib.close()

    # One changed page, then an incremental update.
    page = sorted(pages.glob("*.txt"))[n // ARTICLES_PER_PAGE // 2]
    page.write_text(page.read_text("utf-8").replace("。", "！", 1), "utf-8")
    t0 = time.perf_counter()
    inc = update_index(pages, where)
    incremental = time.perf_counter() - t0
    assert inc.changed == 1 and not inc.rebuilt

    return {
        "articles": report.articles,
        "build_s": round(build, 2),
        "build_workers": workers,
        "articles_per_s": round(report.articles / build, 1),
        "mb_per_s": round(corpus_bytes / build / 1e6, 3),
        "index_mb": round(folder_size(where) / 1e6, 1),
        **queries,  # open_s, query and first-round p50/p95, slowest queries, hits
        "top20_snippets_ms": round(snippets * 1000, 1),
        "incremental_one_page_s": round(incremental, 2),
        "peak_rss_mb": round(peak_build / 1e6, 1),
        "peak_rss_worker_mb": round(peak_workers / 1e6, 1),
    }


# ---------------------------------------------------------------- the FTS5 peer

FTS5_SCRIPT = r"""
import json, re, sqlite3, sys
from gba_tui.text.script import searchable
OPERATORS = {"AND", "OR", "NOT"}
def words(query):
    out = []
    for w in re.split(r"\s+", query):
        w = re.sub(r'^[-(（"“]+|[)）"”]+$', "", w.split(":", 1)[-1] if ":" in w else w)
        if w and w not in OPERATORS:
            out.append(searchable(w))
    return out
def run(conn, query, limit=20):
    ws = words(query)
    long_ = [w for w in ws if len(w) >= 3]
    short = [w for w in ws if len(w) < 3]
    where, args = [], []
    if long_:
        where.append("docs MATCH ?")
        args.append(" AND ".join('"' + w.replace('"', '""') + '"' for w in long_))
    for w in short:
        where.append("(title LIKE ? OR text LIKE ?)")
        args += [f"%{w}%", f"%{w}%"]
    if not where:
        return 0, []
    cond = " AND ".join(where)
    total = conn.execute(f"SELECT count(*) FROM docs WHERE {cond}", args).fetchone()[0]
    if long_:
        sql = (f"SELECT id, snippet(docs, 1, '[', ']', '…', 16) FROM docs WHERE {cond}"
               " ORDER BY bm25(docs, 3.0, 1.0) LIMIT ?")
    else:
        sql = f"SELECT id, substr(text, 1, 60) FROM docs WHERE {cond} LIMIT ?"
    return total, conn.execute(sql, [*args, limit]).fetchall()
if __name__ == "__main__":
    conn = sqlite3.connect(sys.argv[1])
    total, hits = run(conn, " ".join(sys.argv[2:]))
    print(json.dumps({"total": total, "hits": hits}, ensure_ascii=False))
"""


def fts5_module(work: Path):  # type: ignore[no-untyped-def]
    path = work / "fts5_peer.py"
    path.write_text(FTS5_SCRIPT, "utf-8")
    sys.path.insert(0, str(work))
    import importlib

    return importlib.import_module("fts5_peer"), path


def bench_fts5(pages: Path, work: Path, peer) -> dict:  # type: ignore[no-untyped-def]
    """The peer's build: read and segment the same pages, fold with the same OpenCC rules,
    insert into an FTS5 trigram table; then the same queries in-process."""
    from gba_tui.text.script import fold_script, searchable

    db = work / "fts5.sqlite"
    t0 = time.perf_counter()
    corpus = load_corpus(pages)
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, text, tokenize='trigram')"
    )
    conn.executemany(
        "INSERT INTO docs VALUES (?,?,?)",
        ((a.id, searchable(a.title), fold_script(a.full_text).lower()) for a in corpus.articles),
    )
    conn.commit()
    build = time.perf_counter() - t0
    latencies, totals = [], {}
    for _round in range(3):
        for q in QUERIES:
            t0 = time.perf_counter()
            total, _hits = peer.run(conn, q)
            latencies.append(time.perf_counter() - t0)
            totals[q] = total
    conn.close()
    return {
        "build_s": round(build, 2),
        "index_mb": round(db.stat().st_size / 1e6, 1),
        "query_p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "query_p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "hits": totals,
    }


PROCESS_QUERIES = ["科技保險", "大灣區", "港", "(人工智能 OR 量子) 香港"]


def timed_process(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one process, from /usr/bin/time -v."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    t0 = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, env=env, check=True
    )
    wall = time.perf_counter() - t0
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)[1])
    return wall, rss_kb / 1000


def process_figures(pages: Path, index: Path, db: Path, peer_path: Path) -> dict:
    """Median wall and peak memory of one query process, ours and the peer's."""
    ours_w, ours_m, peer_w, peer_m = [], [], [], []
    for q in PROCESS_QUERIES:
        for _ in range(3):
            w, m = timed_process(
                [sys.executable, "-m", "gba_tui", "--corpus", str(pages), "--index", str(index),
                 "search", "--json", "--limit", "20", q]
            )  # fmt: skip
            ours_w.append(w)
            ours_m.append(m)
            w, m = timed_process([sys.executable, str(peer_path), str(db), q])
            peer_w.append(w)
            peer_m.append(m)
    med = statistics.median
    return {
        "ours_wall_s": round(med(ours_w), 3),
        "ours_peak_mb": round(max(ours_m), 1),
        "fts5_wall_s": round(med(peer_w), 3),
        "fts5_peak_mb": round(max(peer_m), 1),
    }


def bench_baseline(pages: Path, work: Path) -> dict:
    """Whoosh out of the box: StandardAnalyzer (a Chinese run is one token), its highlighter."""
    from whoosh import highlight, index
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.qparser import MultifieldParser

    where = work / "baseline"
    where.mkdir()
    schema = Schema(
        id=ID(stored=True, unique=True), title=TEXT(stored=True), body=TEXT(stored=True)
    )
    corpus = load_corpus(pages)
    t0 = time.perf_counter()
    ix = index.create_in(str(where), schema)
    w = ix.writer(procs=1, limitmb=256)
    for a in corpus.articles:
        w.add_document(id=a.id, title=a.title, body=a.body)
    w.commit()
    build = time.perf_counter() - t0
    latencies, totals = [], {}
    with ix.searcher() as s:
        parser = MultifieldParser(["title", "body"], schema)
        for _round in range(3):
            for q in QUERIES:
                t0 = time.perf_counter()
                res = s.search(parser.parse(q), limit=20)
                res.fragmenter = highlight.ContextFragmenter()
                for hit in res:
                    hit.highlights("body")
                latencies.append(time.perf_counter() - t0)
                totals[q] = len(res)
    return {
        "build_s": round(build, 2),
        "articles_per_s": round(len(corpus.articles) / build, 1),
        "index_mb": round(folder_size(where) / 1e6, 1),
        "query_p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "query_p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "hits": totals,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--no-baseline", action="store_true", help="skip Whoosh out of the box")
    ap.add_argument("--no-processes", action="store_true", help="skip the per-process figures")
    ap.add_argument(
        "--existing", nargs=2, metavar=("PAGES", "INDEX"), help="measure a built corpus instead"
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="gba-bench-") as tmp:
        work = Path(tmp)
        peer, peer_path = fts5_module(work)
        one = work / "one"
        make_corpus(one / "pages", 1, random.Random(1))
        update_index(one / "pages", one / "ours")
        bench_fts5(one / "pages", one, peer)
        small = (
            None
            if args.no_processes
            else process_figures(one / "pages", one / "ours", one / "fts5.sqlite", peer_path)
        )
        if args.existing:
            pages, index = (Path(x) for x in args.existing)
            row = bench_existing(pages, index, work / "existing", peer, peer_path, small)
            print(json.dumps(row, ensure_ascii=False), flush=True)
            return
        for n in args.sizes:
            row = bench_size(work / str(n), n, peer, peer_path, small, args)
            print(json.dumps(row, ensure_ascii=False), flush=True)


def bench_size(work: Path, n: int, peer, peer_path: Path, small, args) -> dict:  # type: ignore[no-untyped-def]
    rng = random.Random(20261122 + n)
    pages = work / "pages"
    corpus_bytes = make_corpus(pages, n, rng)
    fts5 = bench_fts5(pages, work, peer)
    ours = bench_ours(pages, work, n, corpus_bytes)
    row: dict = {"articles": n, "corpus_mb": round(corpus_bytes / 1e6, 2), "gba_tui": ours}
    row["fts5_trigram"] = fts5
    ratios = {
        "build_time": round(ours["build_s"] / fts5["build_s"], 2),
        "query_p95": round(ours["query_p95_ms"] / max(fts5["query_p95_ms"], 0.01), 2),
        "index_size": round(ours["index_mb"] / max(fts5["index_mb"], 0.01), 2),
    }
    if small is not None:
        big = process_figures(pages, work / "ours", work / "fts5.sqlite", peer_path)
        row["process"] = {"one_page_corpus": small, "this_corpus": big}
        ratios["process_wall"] = round(big["ours_wall_s"] / big["fts5_wall_s"], 2)
        ratios["process_growth_over_one_page"] = round(
            (big["ours_wall_s"] - small["ours_wall_s"])
            / max(big["fts5_wall_s"] - small["fts5_wall_s"], 0.001),
            2,
        )
    row["ratios_to_fts5"] = ratios
    if not args.no_baseline:
        row["baseline_whoosh_default"] = bench_baseline(pages, work)
    return row


if __name__ == "__main__":
    main()
