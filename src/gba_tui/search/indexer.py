"""Build and update the article index: content hashes, one writer, atomic generations.

Layout of an index folder:
  manifest.json   which generation is live, and the pages (path → digest, size, mtime) it holds
  gen-N/          a Whoosh index; a rebuild writes gen-N+1 and then swaps the manifest
  .lock           held by the one process that writes
A crash or Ctrl-C before the manifest is replaced leaves the previous generation live.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import marshal
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gba_tui.corpus.loader import Skipped, page_files, read_page
from gba_tui.corpus.model import Article, Page, article_to_dict
from gba_tui.corpus.segment import segment_page
from gba_tui.search.schema import SCHEMA_VERSION, TEXT_FIELDS, build_schema
from gba_tui.search.titles import MANIFEST, TITLES
from gba_tui.text.script import fold_script, searchable

FORMAT = "gba-tui-index"

Progress = Callable[[int, int, str], None]  # done, total, what


class IndexProblem(Exception):
    """Base for index errors a user can act on."""


class IndexDamaged(IndexProblem):
    def __init__(self, where: Path, why: str) -> None:
        super().__init__(
            f"the index at {where} is damaged or incompatible ({why}); "
            "`gba-tui index --rebuild` fixes it"
        )


class IndexBusy(IndexProblem):
    def __init__(self, where: Path) -> None:
        super().__init__(
            f"another gba-tui is writing the index at {where}; try again when it has finished"
        )


@dataclass
class BuildReport:
    pages: int = 0
    articles: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    rebuilt: bool = False

    def summary(self) -> str:
        what = "rebuilt" if self.rebuilt else "updated"
        line = (
            f"{what} index: {self.pages} pages, {self.articles} articles "
            f"({self.added} new, {self.changed} changed, {self.removed} removed pages), "
            f"{len(self.skipped)} skipped, {self.seconds:.2f} s"
        )
        for s in self.skipped:
            line += f"\n  skipped {s.path}: {s.reason}"
        return line


# ---------------------------------------------------------------- manifest


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    """The manifest, None when there is no index; IndexDamaged when it cannot be trusted."""
    path = index_dir / MANIFEST
    if not path.exists():
        if index_dir.is_dir() and any(p.name.startswith("gen-") for p in index_dir.iterdir()):
            raise IndexDamaged(index_dir, "manifest missing")
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexDamaged(index_dir, f"unreadable manifest: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise IndexDamaged(index_dir, "not a gba-tui index")
    if data.get("schema") != SCHEMA_VERSION:
        raise IndexDamaged(
            index_dir, f"built with schema {data.get('schema')}, need {SCHEMA_VERSION}"
        )
    if (
        not isinstance(data.get("pages"), dict)
        or not (index_dir / str(data.get("generation"))).is_dir()
    ):
        raise IndexDamaged(index_dir, "generation folder missing")
    return data


def _write_manifest(index_dir: Path, data: dict[str, Any]) -> None:
    tmp = index_dir / f".{MANIFEST}.{os.getpid()}.tmp"
    # No indent: json's C encoder only runs without one (50,000 articles: 0.85 s → 0.1 s).
    tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
    os.replace(tmp, index_dir / MANIFEST)


@contextlib.contextmanager
def writer_lock(index_dir: Path, wait: float = 10.0) -> Iterator[None]:
    """Exclusive right to write; waits up to `wait` seconds, then IndexBusy."""
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(index_dir) from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)


# ---------------------------------------------------------------- scanning the corpus


@dataclass
class Scan:
    """The corpus as it is now, compared with what the manifest recorded."""

    stats: dict[str, tuple[int, int]]  # path → (size, mtime_ns)
    files: dict[str, Path]


def scan_corpus(root: Path) -> Scan:
    files = {p.relative_to(root).as_posix(): p for p in page_files(root)}
    stats: dict[str, tuple[int, int]] = {}
    for rel, p in files.items():
        try:
            st = p.stat()
            stats[rel] = (st.st_size, st.st_mtime_ns)
        except OSError:
            stats[rel] = (-1, -1)
    return Scan(stats, files)


def pipeline_fingerprint() -> str:
    """What the articles and entities in an index were made by: segmenter, extractor and
    gazetteer. When it changes, the next use rebuilds the index (nothing for a user to do)."""
    from importlib import resources

    from gba_tui.corpus.segment import SEGMENTER_VERSION
    from gba_tui.entities.extract import EXTRACTOR_VERSION

    gaz = resources.files("gba_tui.entities").joinpath("gazetteer.tsv").read_bytes()
    return f"s{SEGMENTER_VERSION}-e{EXTRACTOR_VERSION}-g{hashlib.sha1(gaz).hexdigest()[:12]}"


def is_stale(manifest: dict[str, Any], scan: Scan, corpus: Path) -> bool:
    """Cheap check by size and mtime: does the index need an update for this corpus?"""
    if manifest.get("corpus") != str(corpus.resolve()):
        return True
    if manifest.get("pipeline") != pipeline_fingerprint():
        return True
    known = {**manifest["pages"], **manifest.get("skipped", {})}
    if set(known) != set(scan.stats):
        return True
    return any(tuple(known[p].get("stat", ())) != tuple(s) for p, s in scan.stats.items())


# ---------------------------------------------------------------- documents

# The side store holds one shard per page, so an incremental update rewrites only the pages
# that changed. marshal, not JSON: plain dicts, lists and strings load several times faster
# (and marshal never runs code).
STORE = "store"
STORE_FORMAT = 2


def article_fields(article: Article, entities: list[dict[str, Any]]) -> dict[str, str]:
    """The searchable text of one article, field by field, as printed (not yet folded)."""
    by_type: dict[str, list[str]] = {}
    for e in entities:
        by_type.setdefault(e["type"], []).extend([e["name"], *e.get("aliases", [])])
    fields = {
        "title": article.title,
        "text": article.full_text,  # the headline too: it is matched in either field
        "source": article.source,
        "byline": "\n".join([article.byline_text, *article.byline]),
        "entities": "\n".join(n for names in by_type.values() for n in names),
    }
    for kind in ("person", "org", "place", "policy"):
        fields[kind] = "\n".join(by_type.get(kind, []))
    return fields


def _page_entities(
    articles: list[Article], folded: list[str] | None = None
) -> list[list[dict[str, Any]]]:
    from gba_tui.entities.extract import extract_entities

    folded = folded or [fold_script(a.full_text) for a in articles]
    return [
        [e.to_json() for e in extract_entities(a, f)] for a, f in zip(articles, folded, strict=True)
    ]


def _shard(gen_dir: Path, page_path: str) -> Path:
    return gen_dir / STORE / (hashlib.sha1(page_path.encode()).hexdigest()[:20] + ".marshal")


def read_store(gen_dir: Path, page_paths: Iterable[str]) -> dict[str, Any]:
    """The side store of these pages: every article as printed, its entities, folded fields."""
    articles: dict[str, Any] = {}
    for rel in page_paths:
        data = marshal.loads(_shard(gen_dir, rel).read_bytes())
        if not isinstance(data, dict) or data.get("format") != STORE_FORMAT:
            raise ValueError(f"store shard of {rel} malformed")
        articles.update(data["articles"])
    return {"articles": articles}


def _write_shard(gen_dir: Path, page_path: str, articles: dict[str, Any]) -> None:
    target = _shard(gen_dir, page_path)
    target.parent.mkdir(exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(marshal.dumps({"format": STORE_FORMAT, "articles": articles}))
    os.replace(tmp, target)


def _write_titles(gen_dir: Path, records: dict[str, Any]) -> None:
    """A small list of the articles (id, headline, paper, byline) the app shows at once,
    before it has loaded the index (no Whoosh, no OpenCC needed to read it)."""
    rows = [row for rel in sorted(records) for row in records[rel].get("titles", [])]
    tmp = gen_dir / f".{TITLES}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    os.replace(tmp, gen_dir / TITLES)


# ---------------------------------------------------------------- preparing pages

# A rebuild commits a Whoosh segment every this many articles: Whoosh sorts and writes one
# segment in time that grows faster than its size (10,000 articles: 89 s as one segment,
# 48 s as five), and searching a handful of segments costs next to nothing more.
SEGMENT_ARTICLES = 2000

# From this many pages on, a helper process segments pages and extracts entities while this
# one feeds Whoosh: two cores, about a fifth off the build. The helper is started with
# "spawn" (a fresh interpreter, no fork of a threaded app) and only prepares plain data; the
# index keeps its single writer.
PARALLEL_MIN_PAGES = 64


@dataclass
class PreparedPage:
    """One page's articles as Whoosh documents and side-store records: plain, picklable data."""

    path: str
    documents: list[dict[str, str]]
    records: list[dict[str, Any]]
    titles: list[list[str]]


def prepare_page(page: Page) -> PreparedPage:
    articles = segment_page(page)
    # Fold each article once: the entities and the side store both use it.
    folded_texts = [fold_script(a.full_text) for a in articles]
    ents_of = _page_entities(articles, folded_texts)
    documents, records = [], []
    for article, ents, folded_full in zip(articles, ents_of, folded_texts, strict=True):
        fields = article_fields(article, ents)
        folded = {
            k: folded_full.lower() if k == "text" else searchable(v) for k, v in fields.items() if v
        }
        keywords = ",".join(dict.fromkeys(x for x in folded.get("entities", "").split("\n") if x))
        documents.append(
            {
                "id": article.id,
                "path": article.path,
                "entities": keywords,
                **{k: v for k, v in fields.items() if k in TEXT_FIELDS},
            }
        )
        records.append({"article": article_to_dict(article), "entities": ents, "folded": folded})
    titles = [[a.id, a.title, a.source, a.byline_names] for a in articles]
    return PreparedPage(page.path, documents, records, titles)


def prepare_pages(pages: list[Page]) -> Iterator[PreparedPage]:
    """Prepared pages in order; in a helper process when there are many."""
    if len(pages) < PARALLEL_MIN_PAGES:
        yield from map(prepare_page, pages)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    try:
        yield from pool.map(prepare_page, pages, chunksize=4)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# ---------------------------------------------------------------- building


def update_index(
    corpus: Path,
    index_dir: Path,
    rebuild: bool = False,
    progress: Progress | None = None,
    wait: float = 10.0,
) -> BuildReport:
    """Bring the index up to date with the corpus: only new, changed or removed pages, by
    content hash; everything when rebuild is set or the index is missing or damaged."""
    from whoosh import index as whoosh_index

    started = time.perf_counter()
    report = BuildReport()
    with writer_lock(index_dir, wait):
        scan = scan_corpus(corpus)
        try:
            manifest = None if rebuild else read_manifest(index_dir)
        except IndexDamaged:
            manifest = None  # `gba-tui index` repairs what the others refuse to read
        fingerprint = pipeline_fingerprint()
        if manifest is not None and (
            manifest.get("corpus") != str(corpus.resolve())
            or manifest.get("pipeline") != fingerprint
        ):
            manifest = None  # another corpus, or made by other rules: start afresh
        full = manifest is None
        report.rebuilt = full
        live: dict[str, Any] = manifest or {}
        old_pages: dict[str, Any] = dict(live.get("pages", {}))

        # Decide what to read: files whose size or mtime moved, then compare digests.
        pages: dict[str, Page] = {}
        new_records: dict[str, Any] = {}
        skipped_records: dict[str, Any] = {}
        for rel, path in scan.files.items():
            rec = old_pages.get(rel)
            if rec and tuple(rec.get("stat", ())) == tuple(scan.stats[rel]):
                new_records[rel] = rec
                continue
            try:
                page = read_page(path, corpus)
            except ValueError as exc:
                report.skipped.append(Skipped(rel, str(exc)))
                skipped_records[rel] = {"reason": str(exc), "stat": list(scan.stats[rel])}
                continue
            except OSError as exc:
                reason = f"unreadable: {exc.strerror or exc}"
                report.skipped.append(Skipped(rel, reason))
                skipped_records[rel] = {"reason": reason, "stat": list(scan.stats[rel])}
                continue
            if rec and rec.get("digest") == page.digest:
                new_records[rel] = {**rec, "stat": list(scan.stats[rel])}
                continue
            pages[rel] = page
        removed = [p for p in old_pages if p not in new_records and p not in pages]
        report.removed = len(removed)
        report.changed = sum(1 for p in pages if p in old_pages)
        report.added = len(pages) - report.changed
        report.unchanged = len(new_records)

        if full:
            generation = _next_generation(index_dir)
            gen_dir = index_dir / generation
            shutil.rmtree(gen_dir, ignore_errors=True)
            gen_dir.mkdir(parents=True)
            ix = whoosh_index.create_in(str(gen_dir), build_schema())
        else:
            generation = str(live["generation"])
            try:
                ix = whoosh_index.open_dir(str(index_dir / generation))
            except Exception as exc:  # noqa: BLE001 - any failure to open means damage
                raise IndexDamaged(index_dir, str(exc)) from None

        gone = set(removed) | {p for p in pages if p in old_pages}
        shards: dict[str, dict[str, Any]] = {}

        # One writer process: forking from a threaded app is unsafe (design card).
        writer = ix.writer(procs=1, limitmb=256)
        try:
            for rel in sorted(gone):
                writer.delete_by_term("path", rel)
            total = len(pages)
            ordered = [pages[rel] for rel in sorted(pages)]
            pending = 0
            for n, prepared in enumerate(prepare_pages(ordered), start=1):
                rel = prepared.path
                for doc, record in zip(prepared.documents, prepared.records, strict=True):
                    writer.add_document(**doc)
                    shards.setdefault(rel, {})[doc["id"]] = record
                pending += len(prepared.documents)
                if full and pending >= SEGMENT_ARTICLES:
                    # A new generation is not live yet, so it may be committed in parts.
                    writer.commit(merge=False)
                    writer = ix.writer(procs=1, limitmb=256)
                    pending = 0
                new_records[rel] = {
                    "digest": pages[rel].digest,
                    "stat": list(scan.stats[rel]),
                    "articles": len(prepared.documents),
                    "encoding": pages[rel].encoding,
                    "titles": prepared.titles,
                }
                if progress:
                    progress(n, total, rel)
            # A rebuild keeps its segments; an update folds the small segments of earlier updates
            # into its own, never the big ones.
            if full:
                writer.commit(merge=False)
            else:
                writer.commit(mergetype=_merge_small_updates)
            gen_dir = index_dir / generation
            for rel in removed:
                _shard(gen_dir, rel).unlink(missing_ok=True)
            for rel in pages:
                _write_shard(gen_dir, rel, shards.get(rel, {}))
            _write_titles(gen_dir, new_records)
        except BaseException:
            writer.cancel()
            if full:
                shutil.rmtree(index_dir / generation, ignore_errors=True)
            raise
        ix.close()

        _write_manifest(
            index_dir,
            {
                "format": FORMAT,
                "schema": SCHEMA_VERSION,
                "generation": generation,
                "corpus": str(corpus.resolve()),
                "pipeline": fingerprint,
                "pages": new_records,
                "skipped": skipped_records,
                "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            },
        )
        if full:
            for old in index_dir.glob("gen-*"):
                if old.name != generation:
                    shutil.rmtree(old, ignore_errors=True)
        report.pages = len(new_records)
        report.articles = sum(r.get("articles", 0) for r in new_records.values())
    report.seconds = time.perf_counter() - started
    return report


def _merge_small_updates(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh's MERGE_SMALL expects segments of growing sizes; faced with a rebuild's many
    equal ones it merged 20 of them (40,000 articles) on a one-page update at 50,000: 277 s.
    Here only segments smaller than half a rebuild segment are merged into the update's new
    one, so an update costs at most about that many articles, and updates leave one small
    segment rather than one each."""
    from whoosh.reading import SegmentReader

    small = [s for s in segments if s.doc_count_all() < SEGMENT_ARTICLES // 2]
    if not small:
        return segments
    for seg in small:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in small]


def _next_generation(index_dir: Path) -> str:
    numbers = [int(p.name[4:]) for p in index_dir.glob("gen-*") if p.name[4:].isdigit()]
    return f"gen-{max(numbers, default=0) + 1}"


def ensure_index(
    corpus: Path, index_dir: Path, progress: Progress | None = None
) -> BuildReport | None:
    """Build or update the index when it is missing or older than the corpus.

    A damaged index raises IndexDamaged: the user decides to rebuild.
    """
    manifest = read_manifest(index_dir)
    scan = scan_corpus(corpus)
    if manifest is not None and not is_stale(manifest, scan, corpus):
        return None
    return update_index(corpus, index_dir, progress=progress)
