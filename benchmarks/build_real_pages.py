"""Lay the stored real articles out as a user's folder, as benchmarks/real_pages.json says.

The article texts are other people's writing and never enter the repository: they are
fetched by hand from the addresses in real_pages.json into a folder of raw/<key>.txt files
(headline block, blank line, then paragraphs and captions separated by blank lines; see
benchmarks/README_real_pages.md). This script only arranges them: single-article files in
their printed lead formats, Markdown notes, legacy encodings, and multi-article pages shaped
like PDF extraction (page header and footer, hard wraps at a fixed width, with or without
blank lines, CRLF, captions, a side box, a table).

It writes the facts only the layout knows into <out>/.build/facts.json (hidden, so the
loader never reads it) and, with --update-annotations, into real_pages.json: each article's
file, 1-based inclusive line_start/line_end (its first and last non-empty line; page header
and footer lines belong to no article) and the strings a hard wrap cut in two.

    python benchmarks/build_real_pages.py --raw /work/devset/raw --out /work/devset/pages
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

SPEC = Path(__file__).resolve().with_name("real_pages.json")

# A wrap that falls between two of these cut a number or a Latin word in two.
_WORDISH = re.compile(r"[0-9A-Za-z.%]")
_TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.%]*[0-9A-Za-z%]|[0-9A-Za-z]")
# A short block without a sentence end or a photo credit reads as a crosshead in a note.
_CREDIT = re.compile(r"(攝|摄|圖片|图片|供圖|供图|圖源|图源)\)?）?$")
_SENTENCE = re.compile(r"[。！？!?，,；;]")
_BYLINE = re.compile(r"記者|记者")


class BuildError(Exception):
    """The spec and the raw folder do not fit together."""


@dataclass
class Raw:
    headline: list[str]
    blocks: list[list[str]]  # paragraphs, captions, crossheads: one list of lines each


@dataclass
class Line:
    text: str
    owner: str = ""  # article key, or "" for page metadata and blank lines


@dataclass
class Laid:
    lines: list[Line] = field(default_factory=list)
    wrapped: dict[str, list[str]] = field(default_factory=dict)

    def add(self, text: str, owner: str = "") -> None:
        self.lines.append(Line(text, owner if text.strip() else ""))

    def blank(self) -> None:
        if self.lines and self.lines[-1].text.strip():
            self.lines.append(Line(""))


def read_raw(raw_dir: Path, key: str, has_headline: bool) -> Raw:
    path = raw_dir / f"{key}.txt"
    if not path.exists():
        raise BuildError(f"missing raw article: {path}")
    text = path.read_text("utf-8").replace("\r\n", "\n")
    blocks = [b.split("\n") for b in re.split(r"\n\s*\n", text.strip("\n")) if b.strip()]
    if has_headline:
        return Raw(blocks[0], blocks[1:])
    return Raw([], blocks)


def is_crosshead(block: list[str], last: bool) -> bool:
    text = "".join("".join(block).split())
    return (
        len(block) == 1
        and not last
        and len(text) <= 16
        and not _SENTENCE.search(text)
        and not _CREDIT.search(text)
        and not _BYLINE.search(text)
    )


def wrap(text: str, width: int) -> tuple[list[str], list[str]]:
    """Hard-wrap at width characters; also return the tokens a break fell inside."""
    pieces = [text[i : i + width] for i in range(0, len(text), width)] or [""]
    cut: list[str] = []
    pos = 0
    for piece in pieces[:-1]:
        pos += len(piece)
        if _WORDISH.match(text[pos - 1]) and _WORDISH.match(text[pos]):
            for m in _TOKEN.finditer(text):
                if m.start() < pos < m.end():
                    cut.append(m.group())
    return pieces, cut


def lay_single(doc: dict, raw: Raw, key: str) -> Laid:
    out = Laid()
    if doc.get("header"):
        out.add(doc["header"])
        out.blank()
    markdown = doc.get("format") == "md"
    if raw.headline and doc.get("headline", "keep") == "keep":
        first, *rest = raw.headline
        out.add(f"# {first}" if markdown else first, key)
        for line in rest:
            out.add(line, key)
        out.blank()
    for i, block in enumerate(raw.blocks):
        if markdown and is_crosshead(block, last=i == len(raw.blocks) - 1):
            out.add(f"## {block[0].strip()}", key)
        else:
            for line in block:
                out.add(line, key)
        out.blank()
    return out


def lay_box(out: Laid, box: dict, key: str, gap: bool) -> None:
    out.add(box["title"], key)
    for point in box["lines"]:
        out.add(point, key)
    if gap:
        out.blank()


def lay_table(out: Laid, table: dict, key: str, gap: bool) -> None:
    out.add(table["title"], key)
    for row in table["rows"]:
        out.add("\t".join(row), key)
    if table.get("note"):
        out.add(table["note"], key)
    if gap:
        out.blank()


def lay_page(doc: dict, raws: dict[str, Raw]) -> Laid:
    """A PDF-extracted page: header, articles hard-wrapped at one width, footer."""
    out = Laid()
    width = doc["width"]
    paragraph_gap = doc.get("blank_lines") == "all"
    article_gap = doc.get("blank_lines") in ("all", "articles")
    out.add(doc["header"])
    if article_gap:
        out.blank()
    for item in doc["articles"]:
        key = item["key"]
        raw = raws[key]
        out.wrapped.setdefault(key, [])
        blocks = list(raw.blocks)
        if item.get("caption_after_headline") is not None:
            blocks.insert(0, blocks.pop(item["caption_after_headline"]))
        for line in raw.headline:
            out.add(line, key)
        if paragraph_gap:
            out.blank()
        for i, block in enumerate(blocks):
            for line in block:
                pieces, cut = wrap(line, width)
                out.wrapped[key] += cut
                for piece in pieces:
                    out.add(piece, key)
            if paragraph_gap:
                out.blank()
            if item.get("box") and item["box"].get("after") == i:
                lay_box(out, item["box"], key, paragraph_gap)
        if item.get("box") and item["box"].get("after") is None:
            lay_box(out, item["box"], key, paragraph_gap)
        if item.get("table"):
            lay_table(out, item["table"], key, paragraph_gap)
        if article_gap:
            out.blank()
    if doc.get("footer"):
        out.add(doc["footer"])
    return out


def ranges(laid: Laid) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    for n, line in enumerate(laid.lines, start=1):
        if line.owner:
            start, _ = found.get(line.owner, (n, n))
            found[line.owner] = (start, n)
    return found


def encode(laid: Laid, doc: dict) -> bytes:
    lines = [line.text for line in laid.lines]
    while lines and not lines[-1].strip():
        lines.pop()
    text = doc.get("newline", "\n").join(lines) + doc.get("newline", "\n")
    encoding = doc.get("encoding", "utf-8")
    try:
        return text.encode(encoding, errors="strict")
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end]
        msg = f"{doc['file']}: {bad!r} has no {encoding} form; pick another article"
        raise BuildError(msg) from None


def build(spec: dict, raw_dir: Path, out_dir: Path) -> dict[str, dict]:
    layout = spec["layout"]
    has_headline = {a["key"]: a.get("raw_headline", True) for a in spec["articles"]}
    facts: dict[str, dict] = {}
    docs = [(d, [d["key"]]) for d in layout["singles"]]
    docs += [(d, [i["key"] for i in d["articles"]]) for d in layout["pages"]]
    if out_dir.exists():
        # Only ever wipe a folder this script wrote, never one a typo pointed at.
        if any(out_dir.iterdir()) and not (out_dir / ".build" / "facts.json").exists():
            raise BuildError(f"{out_dir} exists and was not written by this script")
        shutil.rmtree(out_dir)
    for doc, keys in docs:
        raws = {k: read_raw(raw_dir, k, has_headline[k]) for k in keys}
        laid = lay_page(doc, raws) if "width" in doc else lay_single(doc, raws[keys[0]], keys[0])
        target = out_dir / doc["file"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(encode(laid, doc))
        for key, (start, end) in ranges(laid).items():
            if key in facts:
                raise BuildError(f"article {key} laid out twice")
            facts[key] = {
                "file": doc["file"],
                "line_start": start,
                "line_end": end,
                "wrapped": sorted(set(laid.wrapped.get(key, []))),
            }
    missing = [a["key"] for a in spec["articles"] if a["key"] not in facts]
    if missing:
        raise BuildError(f"annotated but not laid out: {', '.join(missing)}")
    (out_dir / ".build").mkdir(exist_ok=True)
    (out_dir / ".build" / "facts.json").write_text(
        json.dumps(facts, ensure_ascii=False, indent=1), "utf-8"
    )
    return facts


def update_annotations(spec_path: Path, spec: dict, facts: dict[str, dict]) -> None:
    for article in spec["articles"]:
        article.update(facts[article["key"]])
    spec_path.write_text(json.dumps(spec, ensure_ascii=False, indent=1) + "\n", "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--raw", type=Path, required=True, help="folder of raw/<key>.txt")
    parser.add_argument("--out", type=Path, required=True, help="corpus folder to (re)write")
    parser.add_argument("--spec", type=Path, default=SPEC)
    parser.add_argument(
        "--update-annotations",
        action="store_true",
        help="write file, line ranges and wrapped strings back into the spec",
    )
    args = parser.parse_args(argv)
    try:
        spec = json.loads(args.spec.read_text("utf-8"))
        facts = build(spec, args.raw, args.out)
    except (OSError, ValueError, KeyError, BuildError) as exc:
        print(f"build_real_pages: {exc}", file=sys.stderr)
        return 2
    if args.update_annotations:
        update_annotations(args.spec, spec, facts)
    files = {f["file"] for f in facts.values()}
    print(f"{len(facts)} articles in {len(files)} files under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
