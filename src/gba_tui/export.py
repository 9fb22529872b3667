"""Results or a selection → Markdown ready to cite (CommonMark, GFM tables), written atomically."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from gba_tui.corpus.model import Article, Table
from gba_tui.entities.catalogue import TYPE_LABELS, TYPE_ORDER
from gba_tui.entities.model import Entity
from gba_tui.render import article_date, article_parts
from gba_tui.search.snippets import Snippet
from gba_tui.text.script import convert_script

SCRIPT_NAMES = {"orig": "original script", "t": "Traditional", "s": "Simplified"}


class ExportError(Exception):
    """An export that cannot be written; the message says why (exit 2 in the CLI)."""


@dataclass(frozen=True)
class OtherCopy:
    """Another paper's copy of an exported article's story: named under "Also in"."""

    id: str
    source: str
    date: str


@dataclass(frozen=True)
class ExportItem:
    """One article to export, with its snippet when it came from a query."""

    article: Article
    entities: tuple[Entity, ...] = ()
    snippet: Snippet | None = None
    rank: int | None = None
    score: float | None = None
    also_in: tuple[OtherCopy, ...] = ()  # the story's other copies, earliest first


@dataclass(frozen=True)
class ExportMeta:
    title: str
    query: str = ""
    understood: str = ""
    filters: tuple[str, ...] = ()
    corpus: str = ""
    total: int | None = None  # hits for the query, when fewer were exported
    # Chosen articles (marks, --ids) the query does not match: exported all the same, and
    # named in the header so that none is read as satisfying the query.
    unmatched: tuple[str, ...] = ()
    exported: datetime = field(default_factory=lambda: datetime.now().astimezone())


# ---------------------------------------------------------------- Markdown pieces

_ESCAPE = re.compile(r"([\\`*_\[\]<>|#~])")


def md_escape(text: str) -> str:
    """Escape what CommonMark would read as markup; lines stay lines."""
    text = _ESCAPE.sub(r"\\\1", text)
    # A line starting like a list item or heading would change the block.
    return re.sub(r"(?m)^(\s*)([-+=]|\d+[.)])(?=\s|$)", r"\1\\\2", text)


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch).startswith(("P", "S")) or ch.isspace()


def bold_marks(text: str, marks: Iterable[tuple[int, int]], script: str) -> str:
    """The text with each marked span in **bold**, converted to the script piece by piece.

    Punctuation at a span's edge stays outside the asterisks: CommonMark does not close
    emphasis between a bracket and a Chinese character (**首台(套)**產 would print the stars).
    """
    out: list[str] = []
    pos = 0
    for a, b in sorted(marks):
        while a < b and _is_punct(text[a]):
            a += 1
        while b > a and _is_punct(text[b - 1]):
            b -= 1
        if a >= b or a < pos:
            continue
        out.append(md_escape(convert_script(text[pos:a], script)))
        out.append("**" + md_escape(convert_script(text[a:b], script)) + "**")
        pos = b
    out.append(md_escape(convert_script(text[pos:], script)))
    return "".join(out)


def gfm_table(table: Table, script: str) -> str:
    width = max((len(r) for r in table.rows), default=0)
    if not width:
        return ""

    def cell(s: str) -> str:
        return md_escape(convert_script(s, script)).replace("\n", " ") or " "

    rows = [list(r) + [""] * (width - len(r)) for r in table.rows]
    numeric = [
        all(re.fullmatch(r"[\d.,%+-]+", r[c].strip() or "x") for r in rows[1:]) and len(rows) > 1
        for c in range(width)
    ]
    lines = ["| " + " | ".join(cell(c) for c in rows[0]) + " |"]
    lines.append("| " + " | ".join("---:" if n else "---" for n in numeric) + " |")
    lines += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows[1:]]
    out = []
    if table.title:
        out.append(f"**{md_escape(convert_script(table.title, script))}**\n")
    out.append("\n".join(lines))
    if table.source_note:
        out.append("\n" + md_escape(convert_script(table.source_note, script)))
    return "\n".join(out)


def provenance_line(a: Article, script: str) -> str:
    conv = lambda s: md_escape(convert_script(s, script))  # noqa: E731
    parts = [f"*{conv(a.source)}*" if a.source else "*source unknown*"]
    if a.byline:
        parts.append(conv(a.byline_names))
    if a.dateline:
        parts.append(conv(a.dateline))
    if article_date(a):
        parts.append(article_date(a))
    parts.append(f"`{a.path}` lines {a.line_start}–{a.line_end}")
    parts.append(f"id `{a.id}`")
    return " · ".join(parts)


def also_in_line(copies: Sequence[OtherCopy], script: str) -> str:
    """Also in: *香港文匯報* 2025-12-22 `paper-1`; … (the other copies of the story)."""
    shown = []
    for c in copies:
        paper = "*source unknown*"
        if c.source:
            paper = f"*{md_escape(convert_script(c.source, script))}*"
        shown.append(" ".join(x for x in (paper, c.date, f"`{c.id}`") if x))
    return "Also in: " + "; ".join(shown)


def entity_lines(entities: Sequence[Entity], script: str) -> list[str]:
    by_type: dict[str, list[str]] = {}
    for e in entities:
        if e.count or e.type == "person":
            by_type.setdefault(e.type, []).append(e.name)
    out = []
    for t in TYPE_ORDER:
        names = list(dict.fromkeys(by_type.get(t, [])))
        if names:
            joined = "、".join(md_escape(convert_script(n, script)) for n in names)
            out.append(f"- {TYPE_LABELS[t]}: {joined}")
    return out


def _article_block(n: int, item: ExportItem, full: bool, script: str) -> str:
    a = item.article
    conv = lambda s: md_escape(convert_script(s, script))  # noqa: E731
    lines: list[str] = []
    for part in article_parts(a):
        if part.kind == "title":
            lines += [f"## {n}. {conv(a.title)}", ""]
        elif part.kind == "kicker":
            lines += [f"*{conv(part.text)}*", ""]
        elif part.kind == "subtitle":
            lines += [f"**{conv(part.text)}**", ""]
        elif part.kind == "meta":
            lines += [provenance_line(a, script), ""]
            if item.also_in:
                lines += [also_in_line(item.also_in, script), ""]
            ents = entity_lines(item.entities, script)
            if ents:
                lines += ["**Entities**", "", *ents, ""]
            if not full:
                break
        elif part.kind == "subheading":
            lines += [f"### {conv(part.text)}", ""]
        elif part.kind == "paragraph":
            lines += [conv(part.text), ""]
        elif part.kind == "box" and part.box is not None:
            if part.box.title:
                lines += [f"> **{conv(part.box.title)}**", ">"]
            for line in part.box.lines:
                lines += [f"> {conv(line)}", ">"]
            if lines[-1] == ">":
                lines[-1] = ""
        elif part.kind == "caption":
            lines += [f"*{conv(part.text)}*", ""]
        elif part.kind == "table" and part.table is not None:
            lines += [gfm_table(part.table, script), ""]
    if not full:
        if item.snippet is not None:
            lines += ["> " + bold_marks(item.snippet.text, item.snippet.marks, script), ""]
        elif a.paragraphs:
            lead = a.paragraphs[0]
            lines += ["> " + conv(lead[:160] + ("…" if len(lead) > 160 else "")), ""]
    return "\n".join(lines)


def render_markdown(
    items: Sequence[ExportItem], meta: ExportMeta, full: bool = False, script: str = "orig"
) -> str:
    """The whole export: a header block, then each article with its provenance."""
    conv = lambda s: md_escape(convert_script(s, script))  # noqa: E731
    head = [f"# {conv(meta.title)}", ""]
    if meta.query:
        head.append(f"- Query: `{meta.query.replace('`', '')}`")
        if meta.understood and meta.understood != meta.query:
            head.append(f"- Read as: `{meta.understood.replace('`', '')}`")
    if meta.filters:
        head.append("- Filters: " + ", ".join(f"`{f.replace('`', '')}`" for f in meta.filters))
    head.append(f"- Exported: {meta.exported.strftime('%Y-%m-%d %H:%M %Z').strip()}")
    if meta.corpus:
        head.append(f"- Corpus: `{meta.corpus}`")
    count = f"- Articles: {len(items)}"
    if meta.total is not None and meta.total > len(items):
        count += f" of {meta.total} hits"
    head.append(count)
    if meta.unmatched:
        ids = ", ".join(f"`{i}`" for i in meta.unmatched)
        head.append(f"- Chosen but not matching the query ({len(meta.unmatched)}): {ids}")
    head.append(f"- Script: {SCRIPT_NAMES.get(script, script)}")
    head.append(f"- Text: {'full articles' if full else 'snippets, matches in bold'}")
    blocks = ["\n".join(head)]
    blocks += [_article_block(n, item, full, script) for n, item in enumerate(items, start=1)]
    return "\n\n".join(b.rstrip() for b in blocks) + "\n"


# ---------------------------------------------------------------- writing


def default_export_name(query: str, now: datetime | None = None) -> str:
    """A file name in the current folder for an export: gba-export-科技保險-20261122-1830.md."""
    now = now or datetime.now()
    slug = re.sub(r"[^\w]+", "-", query, flags=re.UNICODE).strip("-")[:24] or "selection"
    return f"gba-export-{slug}-{now.strftime('%Y%m%d-%H%M%S')}.md"


def write_atomically(path: Path, text: str, force: bool = False) -> Path:
    """Write via a temporary file and a rename (created with the user's umask); never
    overwrite without force, a dangling link included."""
    from gba_tui.atomic import WriteFailed, atomic_write

    path = Path(path).expanduser()
    if path.is_dir():
        raise ExportError(f"{path} is a folder; give a file name")
    if os.path.lexists(path) and not force:
        raise ExportError(f"{path} exists; use --force to overwrite it")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"folder {folder} does not exist")
    try:
        atomic_write(path, text)
    except WriteFailed as exc:
        raise ExportError(str(exc)) from None
    return path


@dataclass(frozen=True)
class Selection:
    """What to export: the explorer's marks or the CLI's --ids (`ids`), and the query.

    The one rule for both: chosen ids go out, all of them, in the order given; the query
    lends them snippets and the header names the chosen ones it does not match. With no ids,
    the query's hits go out, every one (not only those a screen shows); with neither, the
    whole corpus."""

    query: str = ""
    ids: tuple[str, ...] = ()


def select_items(
    library: Any, selection: Selection, corpus: str = ""
) -> tuple[list[ExportItem], ExportMeta]:
    """The articles and header of an export. Raises QueryError for a bad query and
    ExportError for an unknown id."""
    from gba_tui.search.query import Word, parse_query, positive_words

    query, ids = selection.query.strip(), list(dict.fromkeys(selection.ids))
    unknown = [i for i in ids if library.article(i) is None]
    if unknown:
        raise ExportError(f"no article with id {unknown[0]!r} (see `gba-tui list`)")
    if not query:
        chosen = ids or [a.id for a in library.articles]
        items = [ExportItem(library.article(i), library.entities_of.get(i, ())) for i in chosen]
        title = "gba-tui export: selected articles" if ids else "gba-tui export: all articles"
        return with_other_copies(library, items), ExportMeta(title=title, corpus=corpus)
    results = library.search(query, limit=None, within=ids or None)
    hits = {
        h.id: ExportItem(h.article, h.entities, h.snippet, h.rank, h.score) for h in results.hits
    }
    if ids:
        items = [
            hits.get(i) or ExportItem(library.article(i), library.entities_of.get(i, ()))
            for i in ids
        ]
        unmatched = tuple(i for i in ids if i not in hits)
    else:
        items, unmatched = list(hits.values()), ()
    node = parse_query(query)
    filters = tuple(
        f"{w.field}:{w.text}" for w in positive_words(node) if isinstance(w, Word) and w.field
    )
    items = with_other_copies(library, items)
    meta = ExportMeta(
        title=f"gba-tui export: {query}",
        query=query,
        understood=results.understood,
        filters=filters,
        corpus=corpus,
        unmatched=unmatched,
    )
    return items, meta


def with_other_copies(library: Any, items: list[ExportItem]) -> list[ExportItem]:
    """Each item with the other copies of its story (paper, date, id), read in one pass."""
    stories = library.stories_of([it.article.id for it in items])
    if not stories:
        return items
    wanted = {m for s in stories.values() for m in s.members}
    found = {m: a for m in wanted if (a := library.article(m)) is not None}
    out = []
    for it in items:
        story = stories.get(it.article.id)
        others = story.others(it.article.id) if story else ()
        copies = tuple(
            OtherCopy(m, found[m].source, article_date(found[m])) for m in others if m in found
        )
        out.append(replace(it, also_in=copies) if copies else it)
    return out


def collect_items(
    library: Any, query: str | None, ids: Sequence[str] | None, corpus: str = ""
) -> tuple[list[ExportItem], ExportMeta]:
    """`select_items` for the CLI's arguments (kept for its callers)."""
    return select_items(library, Selection(query or "", tuple(ids or ())), corpus)


def citation(article: Article, script: str = "orig") -> str:
    """One line to cite an article: title · paper · date · id."""
    fields = (article.title, article.source, article_date(article))
    shown = [convert_script(x, script) for x in fields if x]
    return " · ".join([*shown, article.id])
