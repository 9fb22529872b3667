"""The entity record every stage shares, from extraction to the sidebar and the export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

# The one list of entity types: the JSON contract (`entities --json`) and the sidebar's order.
EntityType = Literal["person", "org", "place", "policy", "programme", "event", "document"]
ENTITY_TYPES: tuple[EntityType, ...] = get_args(EntityType)

Span = tuple[int, int]  # [start, end) offsets into Article.full_text


@dataclass(frozen=True, slots=True)
class Entity:
    """One thing an article names: canonical name, type, the other names it goes by there,
    the title and affiliation printed with a person, and where it is mentioned."""

    name: str
    type: EntityType
    key: str  # folded canonical name: the same thing in either script has the same key
    aliases: tuple[str, ...] = ()
    mentions: tuple[Span, ...] = ()  # (0, 0) for a reporter named only in the byline
    title: str = ""  # 行政長官, 教授 … as printed next to a person's name
    affiliation: str = ""  # the organisation printed before that title

    @property
    def count(self) -> int:
        return len(self.mentions)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "key": self.key,
            "aliases": list(self.aliases),
            "count": self.count,
            "mentions": [list(m) for m in self.mentions],
        }
        if self.title:
            out["title"] = self.title
        if self.affiliation:
            out["affiliation"] = self.affiliation
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Entity:
        """The record to_json wrote (the index's side store keeps entities this way)."""
        etype = d["type"]
        if etype not in ENTITY_TYPES:
            raise ValueError(f"unknown entity type {etype!r}")
        return cls(
            d["name"],
            etype,
            d["key"],
            tuple(d.get("aliases", ())),
            tuple(map(tuple, d.get("mentions", ()))),  # [start, end] pairs, in C
            d.get("title", ""),
            d.get("affiliation", ""),
        )
