"""Build and update the article index: content hashes, one writer, atomic generations.

Layout of an index folder:
  manifest.json    which generation is live, a digest of its pages' sizes and mtimes, and the
                   pages (path → digest, size, mtime) it holds, that table last
  gen-N/           a Whoosh index; every update writes gen-N+1 (linking the files it keeps)
  store-M.sqlite   articles, entities, folded text and each generation's document map
  .lock            held by the one process that writes
An update plans (which pages to read), writes the next generation, then swaps the manifest:
a crash or Ctrl-C before the swap leaves the previous generation live, and readers go on
answering from it while the writer works.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, cast

from gba_tui.atomic import WriteFailed, atomic_write
from gba_tui.corpus.ids import display_path, page_key
from gba_tui.corpus.loader import Skipped, read_page_noted
from gba_tui.corpus.model import Article, Page, article_to_dict
from gba_tui.corpus.scan import Scan, early_digest, scan_corpus, scan_digest
from gba_tui.search.schema import SCHEMA_VERSION, TEXT_FIELDS, build_schema
from gba_tui.search.store import add_article, collect_garbage, open_store, write_docmap
from gba_tui.search.story_index import (
    add_bands,
    find_links,
    forget_rows,
    story_bands,
    update_stories,
    write_stories,
)
from gba_tui.search.story_index import create_tables as create_story_tables
from gba_tui.search.titles import MANIFEST, PAGES_MARK, manifest_head_text
from gba_tui.text.analysis import Folded
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


class IndexOutdated(IndexDamaged):
    """An index an older gba-tui wrote (an earlier schema): nothing is wrong with it, so the
    next use rebuilds it without asking, as it does when the segmenter or word lists change."""


class IndexUnwritable(IndexProblem):
    def __init__(self, where: Path, exc: BaseException) -> None:
        why = (
            str(exc)
            if isinstance(exc, WriteFailed)
            else (getattr(exc, "strerror", None) or str(exc))
        )
        super().__init__(f"cannot write the index at {where}: {why}; nothing was changed")


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
    notes: list[Skipped] = field(default_factory=list)  # read, but damaged: what was done
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
        for s in self.notes:
            line += f"\n  read {s.path} with {s.reason}"
        return line


# ---------------------------------------------------------------- manifest


class PageRecord(TypedDict):
    """What the manifest keeps of an indexed page."""

    digest: str
    stat: list[int]  # [size, mtime_ns] when it was read
    articles: int
    encoding: str
    key: str  # the page part of its articles' ids (corpus/ids.py), what Whoosh deletes by


class SkippedRecord(TypedDict):
    reason: str
    stat: list[int]


class ManifestHead(TypedDict):
    """The manifest without its page table: what opening and checking freshness need."""

    format: str
    schema: int
    generation: str  # gen-N: the Whoosh folder, and the store's map for that generation
    store: str  # the SQLite file the generation's articles live in
    corpus: str
    pipeline: str
    scan: str  # digest of every page's and skipped file's path, size and mtime (scan_digest)
    skipped: dict[str, SkippedRecord]
    articles: int
    built: str


class Manifest(ManifestHead):
    pages: dict[str, PageRecord]


def _is_stat(v: object) -> bool:
    return isinstance(v, list) and len(v) == 2 and all(type(x) is int for x in v)


def _head_problem(data: object) -> str | None:
    """Why a parsed manifest head cannot be used, or None: every field of it checked."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return "not a gba-tui index"
    if data.get("schema") != SCHEMA_VERSION:
        return f"built with schema {data.get('schema')}, need {SCHEMA_VERSION}"
    for key, kind in (
        ("generation", str), ("store", str), ("corpus", str), ("pipeline", str),
        ("scan", str), ("skipped", dict), ("articles", int),
    ):  # fmt: skip
        if type(data.get(key)) is not kind:
            return f"manifest field {key!r} is not a {kind.__name__}"
    if not re.fullmatch(r"gen-\d+", data["generation"]) or "/" in data["store"]:
        return "manifest names no generation"
    for rel, rec in data["skipped"].items():
        if not (
            isinstance(rec, dict)
            and isinstance(rec.get("reason"), str)
            and _is_stat(rec.get("stat"))
        ):
            return f"manifest record of skipped {rel!r} malformed"
    return None


def _manifest_problem(data: object) -> str | None:
    """Why a parsed manifest cannot be used, or None: every field of the schema checked."""
    why = _head_problem(data)
    if why or not isinstance(data, dict):
        return why
    if type(data.get("pages")) is not dict:
        return "manifest field 'pages' is not a dict"
    for rel, rec in data["pages"].items():
        if not (
            isinstance(rec, dict)
            and isinstance(rec.get("digest"), str)
            and _is_stat(rec.get("stat"))
            and type(rec.get("articles")) is int
            and isinstance(rec.get("encoding"), str)
            and isinstance(rec.get("key"), str)
        ):
            return f"manifest record of {rel!r} malformed"
    if sum(r["articles"] for r in data["pages"].values()) != data["articles"]:
        return "manifest article count does not add up"
    return None


# The last manifest read and checked, whole and head only, by its file's identity: a search
# process reads it twice (freshness, then the library), and at 12,500 pages each read and
# check of the whole took 80 ms.
_last_read: dict[bool, tuple[tuple[str, int, int, int], ManifestHead]] = {}


def read_manifest(index_dir: Path) -> Manifest | None:
    """The manifest, None when there is no index; IndexDamaged when it cannot be trusted.
    The same object while the file is unchanged: read it, never change it."""
    return cast("Manifest | None", _read_cached(index_dir, head_only=False))


def read_manifest_head(index_dir: Path) -> ManifestHead | None:
    """The manifest without its page table (what searching needs), as read_manifest."""
    return _read_cached(index_dir, head_only=True)


def _read_cached(index_dir: Path, head_only: bool) -> ManifestHead | None:
    try:
        st = (index_dir / MANIFEST).stat()
        identity = (str(index_dir.resolve()), st.st_ino, st.st_mtime_ns, st.st_size)
    except OSError:
        identity = None
    last = _last_read.get(head_only)
    if identity is not None and last is not None and last[0] == identity:
        return last[1]
    manifest = _read_manifest(index_dir, head_only)
    if identity is not None and manifest is not None:
        _last_read[head_only] = (identity, manifest)
    return manifest


def _read_manifest(index_dir: Path, head_only: bool) -> ManifestHead | None:
    try:
        if head_only:
            text, headless = manifest_head_text(index_dir)
        else:
            text, headless = (index_dir / MANIFEST).read_text("utf-8"), False
    except FileNotFoundError:
        if index_dir.is_dir() and any(p.name.startswith("gen-") for p in index_dir.iterdir()):
            raise IndexDamaged(index_dir, "manifest missing") from None
        return None
    except (OSError, ValueError) as exc:
        raise IndexDamaged(index_dir, f"unreadable manifest: {exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise IndexDamaged(index_dir, f"unreadable manifest: {exc}") from None
    # An older release's index is rebuilt; a newer one's is refused (it is not ours to undo).
    ours = isinstance(data, dict) and data.get("format") == FORMAT
    if ours and type(data.get("schema")) is int and data["schema"] < SCHEMA_VERSION:
        raise IndexOutdated(index_dir, f"built with schema {data['schema']}")
    why = _head_problem(data) if headless else _manifest_problem(data)
    if why:
        raise IndexDamaged(index_dir, why)
    if not (index_dir / data["generation"]).is_dir() or not (index_dir / data["store"]).is_file():
        raise IndexDamaged(index_dir, "generation folder missing")
    if head_only:
        data.pop("pages", None)
    return cast(ManifestHead, data)


def generation_number(name: str) -> int:
    return int(name.rpartition("-")[2])


@contextlib.contextmanager
def writer_lock(index_dir: Path, wait: float = 10.0) -> Iterator[None]:
    """Exclusive right to write; waits up to `wait` seconds, then IndexBusy."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        if (index_dir / ".lock").is_dir():
            (index_dir / ".lock").rmdir()  # a stray folder where the lock file belongs
        fd = os.open(index_dir / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise IndexUnwritable(index_dir, exc) from None
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


def writer_active(index_dir: Path) -> bool:
    """Whether another process holds the writer's lock right now (never waits, writes nothing)."""
    try:
        fd = os.open(index_dir / ".lock", os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


# ---------------------------------------------------------------- scanning the corpus


def _module_constant(module: str, name: str) -> str:
    """A `NAME = value` line of a module's source, read without importing it: the segmenter
    and the extractor take 0.2 s to import, which every search would pay for the check."""
    import importlib.util

    spec = importlib.util.find_spec(module)
    source = Path(spec.origin).read_text("utf-8") if spec and spec.origin else ""
    m = re.search(rf"^{name}\s*=\s*(\S+)", source, re.M)
    if m is None:  # a module without the line: import it after all
        return str(getattr(importlib.import_module(module), name))
    return m.group(1)


def pipeline_fingerprint() -> str:
    """What the articles and entities in an index were made by: segmenter, extractor and
    their reviewed data files (outlets, roles, places, gazetteer, titles, surnames, word lists).
    When it changes, the next use rebuilds the index (nothing for a user to do)."""
    from importlib import resources

    segmenter = _module_constant("gba_tui.corpus.segment", "SEGMENTER_VERSION")
    extractor = _module_constant("gba_tui.entities.extract", "EXTRACTOR_VERSION")
    data = hashlib.sha1()
    for package, folder in (("gba_tui.entities", None), ("gba_tui.corpus", "data")):
        root = resources.files(package)
        root = root.joinpath(folder) if folder else root
        for item in sorted(root.iterdir(), key=lambda i: i.name):
            if item.name.endswith((".tsv", ".txt")):
                data.update(item.name.encode() + b"\0" + item.read_bytes())
    # The extractor's version names its data digest in code (read as text here): the files'
    # own hash stands for it.
    return f"s{segmenter}-e{extractor}-d{data.hexdigest()[:12]}"


def is_stale(manifest: ManifestHead, scan: Scan, corpus: Path) -> bool:
    """Cheap check by size and mtime: does the index need an update for this corpus?"""
    if _stale_by_digest(manifest, scan_digest(scan.stats), corpus):
        return True
    # A file skipped as unreadable may have been fixed (chmod changes no size or mtime).
    return any(
        rec["reason"].startswith("unreadable") and os.access(scan.files[p], os.R_OK)
        for p, rec in manifest["skipped"].items()
    )


def _stale_by_digest(manifest: ManifestHead, digest: str, corpus: Path) -> bool:
    return (
        manifest["corpus"] != str(corpus.resolve())
        or manifest["pipeline"] != pipeline_fingerprint()
        or manifest["scan"] != digest
    )


def _fresh_by_early_walk(manifest: ManifestHead | None, corpus: Path) -> bool:
    """Whether the walk this process started early (corpus.scan) found the index fresh. An
    index with files skipped as unreadable is walked again: they are looked at one by one."""
    digest = early_digest(corpus)  # always collected: the child is waited for
    if manifest is None or digest is None:
        return False
    unreadable = any(r["reason"].startswith("unreadable") for r in manifest["skipped"].values())
    return not unreadable and not _stale_by_digest(manifest, digest, corpus)


# ---------------------------------------------------------------- preparing pages

# A rebuild commits a Whoosh segment every this many articles: Whoosh sorts and writes one
# segment in time that grows faster than its size (10,000 articles: 89 s as one segment,
# 48 s as five), and searching a handful of segments costs next to nothing more.
SEGMENT_ARTICLES = 2000
# An update folds segments under this many articles into its own: those of earlier updates.
# A rebuild's last segment is usually bigger (865 of 10,865 articles), and merging it again
# on every one-page update cost 6 s.
UPDATE_MERGE = 128
# Below this many pages a rebuild writes its segments itself: a worker only pays off once
# there is a second segment to prepare while the first is written.
FARM_MIN_PAGES = 500


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


@dataclass
class PreparedArticle:
    """One article as a Whoosh document (without its store row) and its store record."""

    document: dict[str, Any]
    record: dict[str, Any]
    entities: list[dict[str, Any]]
    folded: dict[str, str]
    pnum: int
    titles: tuple[str, str, str]
    bands: list[int]  # the story index's band keys (stories.py)


@dataclass
class PreparedPage:
    path: str
    key: str
    articles: list[PreparedArticle]


def prepare_page(page: Page) -> PreparedPage:
    from gba_tui.corpus.segment import segment_page  # not at import: a search never needs it

    articles = segment_page(page)
    # Fold each article once: the entities and the store both use it.
    folded_texts = [fold_script(a.full_text) for a in articles]
    ents_of = _page_entities(articles, folded_texts)
    key = page_key(page.path)
    out = []
    for n, (article, ents, folded_full) in enumerate(
        zip(articles, ents_of, folded_texts, strict=True), start=1
    ):
        fields = article_fields(article, ents)
        folded = {
            k: folded_full.lower() if k == "text" else searchable(v) for k, v in fields.items() if v
        }
        keywords = ",".join(dict.fromkeys(x for x in folded.get("entities", "").split("\n") if x))
        document = {
            "page": key,
            "entities": keywords,
            "grams": folded,  # its terms are counted where the document is written
            **{k: v for k, v in fields.items() if k in TEXT_FIELDS},
            # Folded above already: the analyzer does not fold the whole text a second time.
            "text": Folded(folded_full),
        }
        record = article_to_dict(article)
        record["path"] = display_path(article.path)
        out.append(
            PreparedArticle(
                document,
                record,
                ents,
                folded,
                n,
                (article.title, article.source, article.byline_names),
                story_bands(folded.get("text", "")),
            )
        )
    return PreparedPage(display_path(page.path), key, out)


# ---------------------------------------------------------------- plan, write, swap


@dataclass
class Plan:
    """What an update will do, decided before anything is written."""

    corpus: Path
    index_dir: Path
    old: Manifest | None  # the live manifest an update builds on; None: a full build
    generation: str
    store: str
    scan: Scan
    pages: dict[str, Page]  # to (re)index
    kept: dict[str, PageRecord]
    skipped: dict[str, SkippedRecord]
    removed: list[str]
    fingerprint: str

    @property
    def full(self) -> bool:
        return self.old is None


def _live_manifest(
    corpus: Path, index_dir: Path, rebuild: bool, fingerprint: str
) -> Manifest | None:
    if rebuild:
        return None
    try:
        manifest = read_manifest(index_dir)
    except IndexDamaged:
        return None  # `gba-tui index` repairs what the others refuse to read
    if manifest is None or manifest["corpus"] != str(corpus.resolve()):
        return None
    if manifest["pipeline"] != fingerprint:
        return None  # made by other rules: start afresh
    return manifest


def plan_update(corpus: Path, index_dir: Path, rebuild: bool, report: BuildReport) -> Plan:
    """Which pages to read, keep and drop; reads only files whose size or mtime moved."""
    scan = scan_corpus(corpus)
    fingerprint = pipeline_fingerprint()
    old = _live_manifest(corpus, index_dir, rebuild, fingerprint)
    old_pages: dict[str, PageRecord] = dict(old["pages"]) if old else {}
    pages: dict[str, Page] = {}
    kept: dict[str, PageRecord] = {}
    skipped: dict[str, SkippedRecord] = {}
    for rel, path in scan.files.items():
        stat = scan.stats[rel]
        rec = old_pages.get(rel)
        if rec and tuple(rec["stat"]) == stat:
            kept[rel] = rec
            continue
        try:
            page, note = read_page_noted(Path(path), corpus)
        except ValueError as exc:
            reason = str(exc)
        except OSError as exc:
            reason = f"unreadable: {exc.strerror or exc}"
        else:
            if rec and rec["digest"] == page.digest:
                kept[rel] = {**rec, "stat": list(stat)}
            else:
                pages[rel] = page
            if note:
                report.notes.append(Skipped(rel, note))
            continue
        report.skipped.append(Skipped(rel, reason))
        skipped[rel] = {"reason": reason, "stat": list(stat)}
    removed = [p for p in old_pages if p not in kept and p not in pages]
    report.rebuilt = old is None
    report.removed = len(removed)
    report.changed = sum(1 for p in pages if p in old_pages)
    report.added = len(pages) - report.changed
    report.unchanged = len(kept)
    generation = _next_generation(index_dir)
    store = old["store"] if old else f"store-{generation_number(generation)}.sqlite"
    return Plan(
        corpus, index_dir, old, generation, store, scan, pages, kept, skipped, removed, fingerprint
    )


def open_whoosh(gen_dir: Path) -> Any:
    """A generation's Whoosh index, its files read as needed. Whoosh's default maps each
    segment and then copies every part it opens into a BytesIO: 142 MB resident for a
    10,000-article index, 31 MB this way, and no slower to search."""
    from whoosh.filedb.filestore import FileStorage

    return FileStorage(str(gen_dir), supports_mmap=False).open_index()


def _start_whoosh(plan: Plan) -> Any:
    """The new generation's Whoosh folder: empty for a full build, else the live one's files
    linked (segment files are never changed in place, so both generations can share them)."""
    from whoosh import index as whoosh_index

    gen_dir = plan.index_dir / plan.generation
    shutil.rmtree(gen_dir, ignore_errors=True)
    gen_dir.mkdir(parents=True)
    if plan.old is None:
        return whoosh_index.create_in(str(gen_dir), build_schema())
    live = plan.index_dir / plan.old["generation"]
    for f in live.iterdir():
        if f.is_file() and not f.name.endswith(".lock") and "WRITELOCK" not in f.name:
            try:
                os.link(f, gen_dir / f.name)
            except OSError:
                shutil.copy2(f, gen_dir / f.name)
    try:
        return open_whoosh(gen_dir)
    except Exception as exc:  # noqa: BLE001 - any failure to open means damage
        raise IndexDamaged(plan.index_dir, str(exc)) from None


def write_generation(
    plan: Plan, progress: Progress | None, workers: int = 0
) -> dict[str, PageRecord]:
    """Write the new generation (Whoosh folder, store rows and map); nothing is live yet.
    workers: processes that write a rebuild's Whoosh segments (0: all in this one)."""
    ix = _start_whoosh(plan)
    if plan.full:
        _remove_store(plan.index_dir / plan.store)  # left by a build killed before its swap
    conn = open_store(plan.index_dir / plan.store, write=True)
    create_story_tables(conn)
    gen = generation_number(plan.generation)
    previous = generation_number(plan.old["generation"]) if plan.old and not plan.full else None
    new_rows: list[int] = []
    records: dict[str, PageRecord] = dict(plan.kept)
    farmed = plan.full and workers > 1 and len(plan.pages) >= FARM_MIN_PAGES
    from gba_tui.search.postings import SegmentFarm, Segments  # Whoosh's writer: builds only

    writer = SegmentFarm(ix, workers) if farmed else Segments(ix)
    try:
        conn.execute("BEGIN IMMEDIATE")
        gone = set(plan.removed) | {p for p in plan.pages if plan.old and p in plan.old["pages"]}
        for rel in sorted(gone):
            writer.delete_by_term("page", plan.old["pages"][rel]["key"] if plan.old else "")
        total, pending, done, halves = len(plan.pages), 0, 0, False
        ordered = sorted(plan.pages)
        prepared_pages = writer.prepare(prepare_page, (plan.pages[rel] for rel in ordered))
        for n, (rel, prepared) in enumerate(zip(ordered, prepared_pages, strict=True), start=1):
            page = plan.pages[rel]
            for art in prepared.articles:
                row = add_article(
                    conn, art.record, art.entities, art.folded, prepared.key, art.pnum, art.titles
                )
                writer.add_document({"row": row, **art.document})
                add_bands(conn, row, art.bands)
                new_rows.append(row)
            pending += len(prepared.articles)
            done += len(prepared.articles)
            halved = farmed and not halves and _last_halves(pending, done, n, total)
            if plan.full and (pending >= SEGMENT_ARTICLES or halved):
                halves = halves or halved
                # A new generation is not live yet, so it may be committed in parts.
                writer.cut()
                pending = 0
            records[rel] = {
                "digest": page.digest,
                "stat": list(plan.scan.stats[rel]),
                "articles": len(prepared.articles),
                "encoding": page.encoding,
                "key": prepared.key,
            }
            if progress:
                progress(n, total, rel)
        # A rebuild keeps its segments; an update folds the small segments of earlier updates
        # into its own, never the big ones.
        if plan.full:
            # Every row is new and live: find the stories while workers finish their segments.
            found = find_links(conn, None, set(new_rows), new_rows)
            writer.commit()
            write_docmap(conn, gen, _rows_by_docnum(ix))
            write_stories(conn, gen, found)
        else:
            writer.commit(_merge_small_updates)
            write_docmap(conn, gen, _rows_by_docnum(ix))
            update_stories(conn, gen, previous, new_rows)
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        with contextlib.suppress(Exception):
            conn.execute("ROLLBACK")
        conn.close()
        ix.close()
        shutil.rmtree(plan.index_dir / plan.generation, ignore_errors=True)
        if plan.full:
            _remove_store(plan.index_dir / plan.store)
        raise
    conn.close()
    ix.close()
    return dict(sorted(records.items()))


def _last_halves(pending: int, done: int, pages_done: int, pages: int) -> bool:
    """Whether to cut a farmed rebuild's segment early: when what is pending is as much as
    the articles still to come (estimated from the pages left), so the last two segments are
    halves written side by side, not a full one cut near the end and written alone while
    the other worker idles (2,163 articles: 2,000 + 163, the 2,000 written after the last
    page was read)."""
    left = (pages - pages_done) * done / max(pages_done, 1)
    return pending >= SEGMENT_ARTICLES // 4 and pending >= left


def _rows_by_docnum(ix: Any) -> list[tuple[int, int]]:
    with ix.reader() as reader:
        if reader.doc_count_all() == 0:
            return []  # every page skipped: Whoosh's empty reader has no columns
        column = reader.column_reader("row")
        return [(d, int(column[d])) for d in reader.all_doc_ids()]


def _remove_store(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            os.unlink(f"{path}{suffix}")


def swap_generation(plan: Plan, records: dict[str, PageRecord]) -> Manifest:
    """Make the new generation live (one rename), then drop all but it and the one before."""
    stats = {rel: (r["stat"][0], r["stat"][1]) for rel, r in {**records, **plan.skipped}.items()}
    head: ManifestHead = {
        "format": FORMAT,
        "schema": SCHEMA_VERSION,
        "generation": plan.generation,
        "store": plan.store,
        "corpus": str(plan.corpus.resolve()),
        "pipeline": plan.fingerprint,
        "scan": scan_digest(stats),
        "skipped": plan.skipped,
        "articles": sum(r["articles"] for r in records.values()),
        "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    # No indent: json's C encoder only runs without one (50,000 articles: 0.85 s → 0.1 s).
    head_json, pages_json = (
        json.dumps(x, ensure_ascii=False, separators=(",", ":")) for x in (head, records)
    )
    atomic_write(plan.index_dir / MANIFEST, f"{head_json[:-1]}{PAGES_MARK}{pages_json}}}")
    manifest: Manifest = {**head, "pages": records}
    # Readers that opened the previous generation keep it until the next update.
    keep_gens = {plan.generation} | ({plan.old["generation"]} if plan.old else set())
    keep_stores = {plan.store} | ({plan.old["store"]} if plan.old else set())
    for old in plan.index_dir.glob("gen-*"):
        if old.name not in keep_gens:
            shutil.rmtree(old, ignore_errors=True)
    for old in plan.index_dir.glob("store-*.sqlite"):
        if old.name not in keep_stores:
            _remove_store(old)
    with contextlib.suppress(sqlite3.Error):
        conn = open_store(plan.index_dir / plan.store, write=True)
        try:
            collect_garbage(conn, {generation_number(g) for g in keep_gens})
            forget_rows(conn)
        finally:
            conn.close()
    return manifest


def update_index(
    corpus: Path,
    index_dir: Path,
    rebuild: bool = False,
    progress: Progress | None = None,
    wait: float = 10.0,
    workers: int = 0,
) -> BuildReport:
    """Bring the index up to date with the corpus: only new, changed or removed pages, by
    content hash; everything when rebuild is set or the index is missing or damaged.
    progress(done, total, page) is called after each page read. workers: processes forked to
    write a big rebuild's segments (the command line gives one per core; 0: none)."""
    started = time.perf_counter()
    report = BuildReport()
    with writer_lock(index_dir, wait):
        plan = plan_update(corpus, index_dir, rebuild, report)
        try:
            try:
                records = write_generation(plan, progress, workers)
            except (IndexDamaged, EOFError, ValueError, sqlite3.DatabaseError):
                if plan.full:
                    raise
                # The live generation cannot be built on (a truncated segment, a damaged
                # store): `gba-tui index` repairs by building afresh.
                report = BuildReport()
                plan = plan_update(corpus, index_dir, True, report)
                records = write_generation(plan, progress, workers)
            manifest = swap_generation(plan, records)
        except (OSError, sqlite3.Error) as exc:
            raise IndexUnwritable(index_dir, exc) from None
        report.pages = len(manifest["pages"])
        report.articles = manifest["articles"]
    report.seconds = time.perf_counter() - started
    return report


def _merge_small_updates(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh's MERGE_SMALL expects segments of growing sizes; faced with a rebuild's many
    equal ones it merged 20 of them (40,000 articles) on a one-page update at 50,000: 277 s.
    Here only small segments (UPDATE_MERGE) are merged into the update's new one, so an
    update costs at most about that many articles, and updates leave one small segment
    rather than one each."""
    from whoosh.reading import SegmentReader

    small = [s for s in segments if s.doc_count_all() < min(SEGMENT_ARTICLES // 2, UPDATE_MERGE)]
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
    corpus: Path, index_dir: Path, progress: Progress | None = None, workers: int = 0
) -> BuildReport | None:
    """Build or update the index when it is missing or older than the corpus; None when it
    is fresh, or when another process is updating it (the last good generation answers).

    A damaged index raises IndexDamaged: the user decides to rebuild. One an older version
    wrote (IndexOutdated) is rebuilt here.
    """
    try:
        manifest = read_manifest_head(index_dir)
    except IndexOutdated:
        early_digest(corpus)  # not needed: the child is waited for
        return update_index(corpus, index_dir, rebuild=True, progress=progress, workers=workers)
    if _fresh_by_early_walk(manifest, corpus):
        return None
    scan = scan_corpus(corpus)
    if manifest is not None and not is_stale(manifest, scan, corpus):
        return None
    if manifest is not None and writer_active(index_dir):
        return None
    return update_index(corpus, index_dir, progress=progress, workers=workers)
