"""Score the segmenter on a hand-annotated folder of real pages (benchmarks/real_pages.json).

For each annotated article: is there a produced article with the same file and line range
(boundaries), and on the produced article that best overlaps it, are the headline, source,
agency, reporters, dateline and date right? Then, per page: is every content line in exactly
one article, are the page's characters all in the articles once (nothing lost, nothing
doubled), and is each string a hard wrap cut in two found whole in its article's text?

    PYTHONPATH=src python benchmarks/page_quality.py --corpus /work/devset/pages [--verbose]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from gba_tui.corpus.credits import canonical_source  # noqa: E402
from gba_tui.corpus.library import load_corpus  # noqa: E402
from gba_tui.corpus.loader import CorpusError  # noqa: E402
from gba_tui.corpus.model import Article  # noqa: E402
from gba_tui.text.script import fold_script  # noqa: E402

ANNOTATIONS = ROOT / "benchmarks" / "real_pages.json"

# Markdown marks are layout, not text the article printed.
_MARKUP = re.compile(r"^\s*#{1,6}\s+", re.MULTILINE)


def norm(text: str) -> str:
    """Compare form: NFKC, no whitespace, folded to Simplified."""
    text = unicodedata.normalize("NFKC", text)
    return fold_script("".join(text.split()))


def outlet(text: str) -> str:
    """An outlet's name as the product's reviewed table names it (大公网 = 大公報), folded, so a
    web edition or the other script is not counted as a different paper."""
    return norm(canonical_source(text)) if text.strip() else ""


def content(text: str) -> Counter:
    """Non-space characters, with Latin words rejoined across a hyphenated wrap."""
    text = re.sub(r"(?<=[A-Za-z])-\s*\n\s*(?=[A-Za-z])", "", _MARKUP.sub("", text))
    return Counter(c for c in text if not c.isspace())


@dataclass
class Tally:
    right: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, miss: str) -> None:
        self.total += 1
        self.right += ok
        if not ok:
            self.misses.append(miss)

    def figure(self) -> dict:
        pct = round(100 * self.right / self.total, 1) if self.total else None
        return {"right": self.right, "total": self.total, "percent": pct}


def best_match(note: dict, produced: list[Article]) -> Article | None:
    """The produced article with the same range, else the one overlapping it most."""
    lo, hi = note["line_start"], note["line_end"]
    best, best_overlap = None, 0
    for a in produced:
        if (a.line_start, a.line_end) == (lo, hi):
            return a
        overlap = min(hi, a.line_end) - max(lo, a.line_start) + 1
        if overlap > best_overlap:
            best, best_overlap = a, overlap
    return best


def title_right(note: dict, got: str) -> bool:
    want, have = norm(note["title"]), norm(got)
    if note.get("title_printed", True):
        return want == have
    # An unprinted headline is the lead's first clause; where the clause ends is a choice.
    short, long_ = sorted((want, have), key=len)
    return len(short) >= 4 and long_.startswith(short)


def score_articles(notes: list[dict], by_file: dict[str, list[Article]]) -> dict[str, Tally]:
    names = (
        "boundaries",
        "headline",
        "source",
        "agency",
        "agency_named",
        "reporters",
        "reporters_named",
        "dateline",
        "dateline_named",
        "date",
        "wrapped",
    )
    t = {k: Tally() for k in names}
    for note in notes:
        key = note["key"]
        produced = by_file.get(note["file"], [])
        a = best_match(note, produced)
        want_range = (note["line_start"], note["line_end"])
        exact = a is not None and (a.line_start, a.line_end) == want_range
        got_range = f"{a.line_start}-{a.line_end}" if a else "none"
        t["boundaries"].add(
            exact, f"{key}: {note['file']} {note['line_start']}-{note['line_end']} vs {got_range}"
        )
        title = a.title if a else ""
        t["headline"].add(title_right(note, title), f"{key}: {note['title']!r} vs {title!r}")
        if note["source"]:
            got = a.source if a else ""
            t["source"].add(
                outlet(note["source"]) == outlet(got), f"{key}: {note['source']!r} vs {got!r}"
            )
        got = getattr(a, "agency", "") if a else ""
        miss = f"{key}: {note['agency']!r} vs {got!r}"
        t["agency"].add(outlet(note["agency"]) == outlet(got), miss)
        if note["agency"]:
            t["agency_named"].add(outlet(note["agency"]) == outlet(got), miss)
        want_names = {norm(n) for n in note["reporters"]}
        got_names = {norm(n) for n in (a.byline if a else ())}
        miss = f"{key}: {note['reporters']} vs {list(a.byline) if a else []}"
        t["reporters"].add(want_names == got_names, miss)
        if want_names:
            t["reporters_named"].add(want_names == got_names, miss)
        got = a.dateline if a else ""
        miss = f"{key}: {note['dateline']!r} vs {got!r}"
        t["dateline"].add(norm(note["dateline"]) == norm(got), miss)
        if note["dateline"]:
            t["dateline_named"].add(norm(note["dateline"]) == norm(got), miss)
        if note["date"]:
            got = getattr(a, "date", "") if a else ""
            t["date"].add(note["date"] == got, f"{key}: {note['date']!r} vs {got!r}")
        for s in note.get("wrapped", []):
            text = a.full_text if a else ""
            t["wrapped"].add(s in text, f"{key}: {s!r} not whole in its article")
    return t


def score_pages(notes: list[dict], corpus) -> dict:
    """Lines in exactly one article; characters of the articles vs the page's."""
    ranges: dict[str, list[tuple[int, int]]] = {}
    for note in notes:
        ranges.setdefault(note["file"], []).append((note["line_start"], note["line_end"]))
    lines_total = lines_lost = lines_doubled = chars_lost = chars_extra = 0
    misses: list[str] = []
    for page in corpus.pages:
        spans = ranges.get(page.path)
        if not spans:
            continue
        produced = corpus.articles_on(page.path)
        lines = page.lines
        body = [n for lo, hi in spans for n in range(lo, hi + 1) if lines[n - 1].strip()]
        for n in body:
            owners = sum(1 for a in produced if a.line_start <= n <= a.line_end)
            lines_total += 1
            lines_lost += owners == 0
            lines_doubled += owners > 1
            if owners != 1:
                misses.append(f"{page.path}:{n} in {owners} articles: {lines[n - 1][:30]!r}")
        want = content("\n".join(lines[n - 1] for n in body))
        got = Counter()
        for a in produced:
            got += content(a.full_text)
        lost, extra = want - got, got - want
        chars_lost += sum(lost.values())
        chars_extra += sum(extra.values())
        if lost or extra:
            misses.append(
                f"{page.path}: lost {''.join(sorted(lost.elements()))[:40]!r} "
                f"extra {''.join(sorted(extra.elements()))[:40]!r}"
            )
    return {
        "lines": lines_total,
        "lines_in_no_article": lines_lost,
        "lines_in_two_articles": lines_doubled,
        "chars_lost": chars_lost,
        "chars_doubled_or_extra": chars_extra,
        "misses": misses,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--annotations", type=Path, default=ANNOTATIONS)
    parser.add_argument(
        "--titles",
        type=Path,
        help="the printed headlines, key → headline (kept with the texts, outside the repository;"
        " default: titles.json beside the corpus folder)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--verbose", action="store_true", help="print every mismatch")
    args = parser.parse_args(argv)
    try:
        notes = json.loads(args.annotations.read_text("utf-8"))["articles"]
        titles_path = args.titles or args.corpus.resolve().parent / "titles.json"
        titles = json.loads(titles_path.read_text("utf-8"))
        notes = [{**n, "title": titles[n["key"]]} for n in notes]
        corpus = load_corpus(args.corpus)
    except (OSError, ValueError, KeyError, CorpusError) as exc:
        print(f"page_quality: {exc}", file=sys.stderr)
        return 2
    unbuilt = [n["key"] for n in notes if not n.get("file")]
    if unbuilt:
        print(
            f"page_quality: no line ranges for {unbuilt[0]}: run build_real_pages.py "
            "--update-annotations first",
            file=sys.stderr,
        )
        return 2
    by_file: dict[str, list[Article]] = {}
    for a in corpus.articles:
        by_file.setdefault(a.path, []).append(a)
    tallies = score_articles(notes, by_file)
    pages = score_pages(notes, corpus)
    figures = {name: t.figure() for name, t in tallies.items()}
    figures["produced_articles"] = len(corpus.articles)
    figures["annotated_articles"] = len(notes)
    figures["pages"] = {k: v for k, v in pages.items() if k != "misses"}
    if args.json:
        out = dict(figures)
        if args.verbose:
            out["misses"] = {n: t.misses for n, t in tallies.items()} | {"pages": pages["misses"]}
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    print(
        f"{len(notes)} annotated articles, {len(corpus.articles)} produced, "
        f"{len(corpus.pages)} files"
    )
    for name, f in figures.items():
        if isinstance(f, dict) and "right" in f:
            pct = "-" if f["percent"] is None else f"{f['percent']:5.1f} %"
            print(f"{name:16} {f['right']:3}/{f['total']:<3} {pct}")
    p = figures["pages"]
    print(
        f"{'lines':16} {p['lines']} content lines: {p['lines_in_no_article']} in no article, "
        f"{p['lines_in_two_articles']} in two or more"
    )
    print(
        f"{'characters':16} {p['chars_lost']} lost, {p['chars_doubled_or_extra']} doubled or extra"
    )
    if args.verbose:
        for name, t in tallies.items():
            for miss in t.misses:
                print(f"  [{name}] {miss}")
        for miss in pages["misses"]:
            print(f"  [pages] {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
