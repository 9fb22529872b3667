"""Entities across a set of articles: one per thing, with the articles it appears in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gba_tui.entities.model import ENTITY_TYPES, Entity, EntityType

TYPE_ORDER = ENTITY_TYPES
TYPE_LABELS: dict[str, str] = {
    "person": "People",
    "org": "Organisations",
    "place": "Places",
    "policy": "Policies",
    "programme": "Programmes",
    "event": "Events",
    "document": "Documents",
}


@dataclass(frozen=True)
class CatalogueEntry:
    """One entity over a set of articles."""

    name: str
    type: EntityType
    key: str
    aliases: tuple[str, ...]
    count: int  # mentions over all the articles
    articles: tuple[str, ...]  # article ids, in corpus order

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "aliases": list(self.aliases),
            "count": self.count,
            "articles": list(self.articles),
        }

    @property
    def query(self) -> str:
        """The query filter that finds the articles naming this entity."""
        field = self.type if self.type in ("person", "org", "place", "policy") else "entity"
        return f'{field}:"{self.name}"' if " " in self.name else f"{field}:{self.name}"


@dataclass
class _Merged:
    name: str
    aliases: set[str] = field(default_factory=set)
    count: int = 0
    articles: list[str] = field(default_factory=list)


def catalogue(
    entities_of: Mapping[str, Iterable[Entity]],
    ids: Iterable[str] | None = None,
    etype: str | None = None,
) -> list[CatalogueEntry]:
    """Merge the per-article entities of `ids` (all when None): most articles first. All are
    read through items() (the store's entity map reads them a page at a time)."""
    if ids is None:
        pairs: Iterable[tuple[str, Iterable[Entity]]] = entities_of.items()
    else:
        pairs = ((i, entities_of[i]) for i in ids if i in entities_of)
    merged: dict[tuple[EntityType, str], _Merged] = {}
    for aid, found in pairs:
        for e in found:
            if etype and e.type != etype:
                continue
            m = merged.get((e.type, e.key))
            if m is None:
                m = merged[(e.type, e.key)] = _Merged(e.name)
            m.aliases.update(e.aliases)
            m.count += max(1, e.count)
            # An article's entities come together, so a repeat can only be the last one seen
            # (a membership test on the list made this quadratic: 6 s over 10,000 articles).
            if not m.articles or m.articles[-1] != aid:
                m.articles.append(aid)
    out = [
        CatalogueEntry(
            m.name,
            t,
            key,
            tuple(sorted(m.aliases - {m.name})),
            m.count,
            tuple(m.articles),
        )
        for (t, key), m in merged.items()
    ]
    rank = {t: n for n, t in enumerate(TYPE_ORDER)}
    out.sort(key=lambda e: (rank.get(e.type, 99), -len(e.articles), -e.count, e.name))
    return out
