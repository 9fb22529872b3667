"""The reviewed word lists beside this module, loaded once and folded for matching."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from gba_tui.entities.model import ENTITY_TYPES, EntityType
from gba_tui.text.script import fold_script

DATA_FILES = (
    "gazetteer.tsv",
    "places.tsv",
    "surnames.tsv",
    "titles.tsv",
    "cues.tsv",
    "org_suffixes.tsv",
    "words.tsv",
)


def _read(name: str) -> str:
    return resources.files("gba_tui.entities").joinpath(name).read_text("utf-8")


def data_digest() -> str:
    """A short hash of every data file: an index built with other lists is rebuilt."""
    h = hashlib.sha1()
    for name in DATA_FILES:
        h.update(_read(name).encode())
    return h.hexdigest()[:12]


@cache
def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The data rows of one TSV file (comments and blank lines skipped), cells stripped."""
    out = []
    for line in _read(name).splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(tuple(c.strip() for c in line.split("\t")))
    return tuple(out)


def folded(word: str) -> str:
    return fold_script(word).lower()


@dataclass(frozen=True)
class GazetteerEntry:
    name: str
    type: EntityType
    aliases: tuple[str, ...]


@lru_cache(maxsize=1)
def gazetteer() -> tuple[GazetteerEntry, ...]:
    """Curated names (gazetteer.tsv), then the generated and hand-reviewed places (places.tsv);
    a name listed in both keeps the curated line."""
    entries: list[GazetteerEntry] = []
    seen: set[str] = set()
    for source in ("gazetteer.tsv", "places.tsv"):
        for cols in rows(source):
            name, etype = cols[0], cols[1] if len(cols) > 1 else ""
            aliases = cols[2] if len(cols) > 2 else ""
            if etype not in ENTITY_TYPES:
                raise ValueError(f"{source}: unknown type {etype!r} for {name}")
            if name in seen:
                continue
            seen.add(name)
            entries.append(
                GazetteerEntry(
                    name,
                    etype,  # type: ignore[arg-type]  # checked against ENTITY_TYPES above
                    tuple(a for a in aliases.split("|") if len(a) >= 2 and a != name),
                )
            )
    return tuple(entries)


@dataclass(frozen=True)
class Surnames:
    single: frozenset[str]
    compound: frozenset[str]


@lru_cache(maxsize=1)
def surnames() -> Surnames:
    forms = {folded(c) for cols in rows("surnames.tsv") for c in cols if c}
    return Surnames(
        frozenset(f for f in forms if len(f) == 1), frozenset(f for f in forms if len(f) == 2)
    )


@dataclass(frozen=True)
class Title:
    printed: str
    kind: str
    after: bool  # may follow the name (習近平總書記)


@lru_cache(maxsize=1)
def titles() -> dict[str, Title]:
    return {
        folded(c[0]): Title(c[0], c[1] if len(c) > 1 else "", len(c) > 2 and c[2] == "after")
        for c in rows("titles.tsv")
    }


@cache
def words(role: str) -> frozenset[str]:
    """Folded words of one role in words.tsv (not-name, not-org, generic-head, org-stop) or
    cues.tsv (speech, follow)."""
    source = "cues.tsv" if role in ("speech", "follow") else "words.tsv"
    return frozenset(folded(c[0]) for c in rows(source) if len(c) > 1 and c[1] == role)


@lru_cache(maxsize=1)
def org_suffixes() -> dict[str, str]:
    return {folded(c[0]): c[1] for c in rows("org_suffixes.tsv")}
