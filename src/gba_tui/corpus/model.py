"""The newspaper's own objects: pages, articles, tables, boxes; frozen, so filters make new ones."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Page:
    """One page file as decoded from disk."""

    path: str  # relative to the corpus folder, with forward slashes
    text: str
    encoding: str
    digest: str  # sha1 of the raw bytes: what incremental indexing compares

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


@dataclass(frozen=True)
class Table:
    """A tab-separated table printed in an article, e.g. a ranking."""

    title: str
    rows: tuple[tuple[str, ...], ...]  # the first row is the header
    source_note: str = ""

    @property
    def header(self) -> tuple[str, ...]:
        return self.rows[0] if self.rows else ()

    @property
    def data_rows(self) -> tuple[tuple[str, ...], ...]:
        return self.rows[1:]


@dataclass(frozen=True)
class Box:
    """A side box (fact panel, list of points) that belongs to an article."""

    title: str
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(([self.title] if self.title else []) + list(self.lines))


@dataclass(frozen=True)
class Article:
    """One article cut from a page, with its provenance."""

    id: str
    path: str
    line_start: int  # 1-based, inclusive
    line_end: int
    title: str
    kicker: str = ""
    subtitle: str = ""
    byline: tuple[str, ...] = ()  # reporter names
    byline_text: str = ""  # the byline as printed
    dateline: str = ""  # the city the report was filed from
    source: str = ""  # the paper, canonical Traditional form (大公報, 北京商報 ...)
    # The wire service whose story the paper runs (據新華社…電), when that is not the paper itself.
    agency: str = ""
    # ISO date the page or lead prints: YYYY-MM-DD, or YYYY-MM when that is all it says; "" if none.
    date: str = ""
    # The page's running header and footer lines (paper, date, edition): page metadata, kept here
    # for every article on the page and never counted as article text.
    page_header: tuple[str, ...] = ()
    paragraphs: tuple[str, ...] = ()
    subheadings: tuple[str, ...] = ()  # crossheads, also kept in place in paragraphs
    captions: tuple[str, ...] = ()
    boxes: tuple[Box, ...] = ()
    tables: tuple[Table, ...] = ()
    # Lines that fit nowhere else, kept so nothing is lost.
    extras: tuple[str, ...] = field(default=())
    # False when the page printed no headline and the title was made from the first words.
    title_printed: bool = True

    @property
    def body(self) -> str:
        """The reflowed text, paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)

    @property
    def chars(self) -> int:
        return len(self.full_text)

    @property
    def full_text(self) -> str:
        """Everything printed for this article, in reading order, for search and counting."""
        title = self.title if self.title_printed else ""
        parts = [self.kicker, title, self.subtitle, self.byline_text, *self.paragraphs]
        parts += list(self.captions)
        parts += [b.text for b in self.boxes]
        for t in self.tables:
            parts.append(t.title)
            parts += ["\t".join(r) for r in t.rows]
            parts.append(t.source_note)
        parts += list(self.extras)
        return "\n".join(p for p in parts if p)

    @property
    def byline_names(self) -> str:
        return "、".join(self.byline)


def article_to_dict(a: Article) -> dict:
    """A plain dict that article_from_dict turns back into the same Article (for the index).

    Written out by hand: dataclasses.asdict deep-copies every string and is several times
    slower, which shows when indexing tens of thousands of articles."""
    d = dict(vars(a))
    d["boxes"] = [{"title": b.title, "lines": list(b.lines)} for b in a.boxes]
    d["tables"] = [
        {"title": t.title, "rows": [list(r) for r in t.rows], "source_note": t.source_note}
        for t in a.tables
    ]
    for key in ("byline", "paragraphs", "subheadings", "captions", "extras", "page_header"):
        d[key] = list(d[key])
    return d


def article_from_dict(d: dict) -> Article:
    d = dict(d)
    d["boxes"] = tuple(Box(b["title"], tuple(b["lines"])) for b in d.get("boxes", ()))
    d["tables"] = tuple(
        Table(t["title"], tuple(tuple(r) for r in t["rows"]), t.get("source_note", ""))
        for t in d.get("tables", ())
    )
    for key in ("byline", "paragraphs", "subheadings", "captions", "extras", "page_header"):
        d[key] = tuple(d.get(key, ()))
    return Article(**d)
