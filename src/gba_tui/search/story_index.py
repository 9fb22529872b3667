"""Stories kept in the index: each article's MinHash bands, and each generation's groups.

Written with the generation (search/indexer.py): a new article's signature goes in with its
row; once the generation's document map is written, its groups are the previous generation's
(for the rows still live) joined with what the new rows' band keys find and the texts confirm.
So an update compares only the new articles with their candidates, not the corpus with itself.
Read by the searcher to show each story once, and by `gba-tui stories`.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, compress, repeat
from operator import le
from typing import TYPE_CHECKING, Any

from gba_tui.search.store import StoreReader, generation_array, has_table

# stories.py (numpy, regexes) is imported where groups are made: a search only reads them.
if TYPE_CHECKING:
    from gba_tui.stories import Level, UnionFind

_SCHEMA = """
CREATE TABLE IF NOT EXISTS bands(key INTEGER NOT NULL, row INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS bands_key ON bands(key);
CREATE INDEX IF NOT EXISTS bands_row ON bands(row);
CREATE TABLE IF NOT EXISTS story(
    gen INTEGER NOT NULL,
    row INTEGER NOT NULL,
    head INTEGER NOT NULL,
    level TEXT NOT NULL,
    PRIMARY KEY (gen, row)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS story_head ON story(gen, head);
CREATE TABLE IF NOT EXISTS story_heads(gen INTEGER PRIMARY KEY, heads BLOB NOT NULL);
"""


def create_tables(conn: sqlite3.Connection) -> None:
    conn.executescript(_SCHEMA)


def story_bands(folded_text: str) -> list[int]:
    """An article's band keys (none for a text too short to be anybody's copy)."""
    from gba_tui.stories import band_keys, signature

    return band_keys(signature(folded_text, folded=True))


def add_bands(conn: sqlite3.Connection, row: int, keys: list[int]) -> None:
    conn.executemany("INSERT INTO bands(key, row) VALUES (?,?)", ((k, row) for k in keys))


def _chunks(items: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _candidates(
    conn: sqlite3.Connection, new_rows: list[int], live: set[int]
) -> set[tuple[int, int]]:
    """Pairs (new row, live row) that share enough band keys that are not crowded."""
    from gba_tui.stories import choose_candidates

    pairs: set[tuple[int, int]] = set()
    if len(new_rows) >= WHOLE_TABLE_ROWS:
        # A chunk's counts at a time: all of a 54,503-article rebuild's (sentences drawn from
        # one pool, so hundreds of partners an article) held 4.3 GB before being chosen from.
        for shared in _shared_in_memory(conn, new_rows, live):
            pairs |= choose_candidates(shared)
        return pairs
    for chunk in _chunks(new_rows):
        pairs |= choose_candidates(_shared_by_sql(conn, chunk, live))
    return pairs


# From this many new rows (a rebuild, a big update) the band table is read whole and the
# shared keys counted with numpy: the query below, 500 rows at a time, took 11 s of a
# 10,865-article rebuild.
WHOLE_TABLE_ROWS = 2000


def _shared_by_sql(
    conn: sqlite3.Connection, rows: list[int], live: set[int]
) -> dict[int, dict[int, int]]:
    """new row → {live row: band keys they share}, for the rows given."""
    from gba_tui.stories import CROWDED, MIN_SHARED_BANDS

    # Counted in SQL: a key shared by many rows would give Python every pair of them.
    shared: dict[int, dict[int, int]] = {}
    for a, b, n in conn.execute(
        "WITH mine AS (SELECT key, row FROM bands WHERE row IN"
        " (SELECT value FROM json_each(?))),"
        " usable AS (SELECT key FROM bands WHERE key IN (SELECT key FROM mine)"
        " GROUP BY key HAVING count(*) <= ?)"
        " SELECT m.row, b.row, count(*) FROM mine m JOIN usable u ON u.key = m.key"
        " JOIN bands b ON b.key = m.key AND b.row != m.row"
        " GROUP BY m.row, b.row HAVING count(*) >= ?",
        (json.dumps(rows), CROWDED, MIN_SHARED_BANDS),
    ):
        if b in live:
            shared.setdefault(a, {})[b] = n
    return shared


def _shared_in_memory(
    conn: sqlite3.Connection, new_rows: list[int], live: set[int]
) -> Iterator[dict[int, dict[int, int]]]:
    """What _shared_by_sql counts, for many rows, a share of the new rows at a time: each
    band entry of a new row paired with every entry of its key (keys held by more than
    CROWDED entries left out), counted."""
    import numpy as np

    from gba_tui.stories import CROWDED, MIN_SHARED_BANDS

    flat = chain.from_iterable(conn.execute("SELECT key, row FROM bands"))
    table = np.fromiter(flat, dtype=np.int64).reshape(-1, 2)
    if not len(table):
        return
    keys, rows = table[:, 0], table[:, 1]
    order = np.argsort(keys, kind="stable")
    sorted_rows = rows[order]
    distinct, start, count = np.unique(keys[order], return_index=True, return_counts=True)
    usable = (count <= CROWDED) & (count > 1)
    live_rows = np.array(sorted(live), dtype=np.int64)
    span = int(rows.max()) + 1
    # A share of the new rows at a time: their pairs are held in memory at once.
    for chunk in _chunks(sorted(new_rows), WHOLE_TABLE_ROWS):
        mine = np.isin(rows, np.array(chunk, dtype=np.int64))
        group = np.searchsorted(distinct, keys[mine])
        ok = usable[group]
        group, owner = group[ok], rows[mine][ok]
        sizes = count[group]
        each = np.repeat(np.arange(len(group)), sizes)
        offset = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        a, b = owner[each], sorted_rows[start[group][each] + offset]
        keep = (a != b) & np.isin(b, live_rows)
        codes, n = np.unique(a[keep] * span + b[keep], return_counts=True)
        enough = n >= MIN_SHARED_BANDS
        shared: dict[int, dict[int, int]] = {}
        for code, k in zip(codes[enough].tolist(), n[enough].tolist(), strict=True):
            shared.setdefault(code // span, {})[code % span] = k
        yield shared


def _texts(conn: sqlite3.Connection, rows: Iterable[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in _chunks(sorted(set(rows))):
        for row, text in conn.execute(
            "SELECT rowid, text FROM folded WHERE rowid IN (SELECT value FROM json_each(?))",
            (json.dumps(chunk),),
        ):
            out[int(row)] = text
    return out


def _order_keys(conn: sqlite3.Connection, gen: int, rows: Iterable[int]) -> dict[int, tuple]:
    """(date or "~", page order) per row: the earliest copy names the story."""
    keys: dict[int, tuple] = {}
    for chunk in _chunks(sorted(set(rows))):
        for row, record, order in conn.execute(
            "SELECT a.row, a.record, d.ord FROM articles a JOIN docmap d ON d.row = a.row"
            " WHERE d.gen = ? AND a.row IN (SELECT value FROM json_each(?))",
            (gen, json.dumps(chunk)),
        ):
            date = json.loads(record).get("date") or "~"
            keys[int(row)] = (date, order)
    return keys


def _carry_forward(
    conn: sqlite3.Connection, previous: int | None, live: set[int], union: UnionFind[int]
) -> list[tuple[int, Level]]:
    """The previous generation's groups, for their rows still live: (row, level) joined."""
    kept: list[tuple[int, Level]] = []
    if previous is None:
        return kept
    for row, head, level in conn.execute(
        "SELECT row, head, level FROM story WHERE gen = ?", (previous,)
    ):
        if row in live and head in live and union.join(row, head):
            kept.append((row, level))
    return kept


def _confirm(
    conn: sqlite3.Connection, pairs: set[tuple[int, int]], union: UnionFind[int]
) -> list[tuple[int, Level]]:
    """The candidate pairs whose texts are copies of one story, joined: (row, level)."""
    from gba_tui.stories import confirmed_pairs

    texts = _texts(conn, {r for p in pairs for r in p})
    found: list[tuple[int, Level]] = []
    for a, b, level in confirmed_pairs(sorted(pairs), lambda r: texts.get(r, ""), folded=True):
        if union.join(a, b):
            found.append((a, level))
    return found


def _group_levels(union: UnionFind[int], links: list[tuple[int, Level]]) -> dict[int, Level]:
    """A group is a reprint when every link in it is; one edited copy makes it a story."""
    level_of: dict[int, Level] = {}
    for row, level in links:
        root = union.find(row)
        level_of[root] = "story" if "story" in (level, level_of.get(root)) else "reprint"
    return level_of


@dataclass
class Links:
    """Which rows are copies of one another (joined pairs and each link's level), before the
    groups are written for a generation."""

    union: UnionFind[int]
    links: list[tuple[int, Level]]


def find_links(
    conn: sqlite3.Connection, previous: int | None, live: set[int], new_rows: list[int]
) -> Links:
    """The previous generation's groups, joined by what the new rows' band keys find and
    their texts confirm. Needs no document map, so a rebuild runs it while its last Whoosh
    segments are still being written."""
    from gba_tui.stories import UnionFind

    union: UnionFind[int] = UnionFind()
    links = _carry_forward(conn, previous, live, union)
    links += _confirm(conn, _candidates(conn, [r for r in new_rows if r in live], live), union)
    return Links(union, links)


def write_stories(conn: sqlite3.Connection, gen: int, found: Links) -> None:
    """Write generation gen's story groups (inside the writer's transaction), each headed by
    its earliest copy (by date, then page order in the generation's document map)."""
    union = found.union
    groups: dict[int, list[int]] = {}
    for row in list(union.parent):
        groups.setdefault(union.find(row), []).append(row)
    groups = {root: rows for root, rows in groups.items() if len(rows) > 1}
    order = _order_keys(conn, gen, [r for rows in groups.values() for r in rows])
    level_of = _group_levels(union, found.links)
    head = {
        root: min(rows, key=lambda r: (order.get(r, ("~", 0)), r)) for root, rows in groups.items()
    }
    conn.execute("DELETE FROM story WHERE gen = ?", (gen,))
    conn.executemany(
        "INSERT INTO story(gen, row, head, level) VALUES (?,?,?,?)",
        (
            (gen, row, head[root], level_of.get(root, "story"))
            for root, rows in groups.items()
            for row in rows
        ),
    )
    write_heads(conn, gen)


def write_heads(conn: sqlite3.Connection, gen: int) -> None:
    """Generation gen's story heads by document number, one array in one value (-1: in no
    story), from its story rows and row map: folding a search's copies into stories needs
    every grouped article's head, and reading 25,736 story rows took 24 ms of each search
    process at 54,503 articles; this, 1."""
    docnum_of_row = StoreReader(conn, gen).docnum_of_row()
    heads = _heads_from_rows(conn, gen, docnum_of_row)
    table = array("i", [-1]) * (max(docnum_of_row, default=-1) + 1)
    for d, head in heads.items():
        table[d] = head
    conn.execute(
        "INSERT OR REPLACE INTO story_heads(gen, heads) VALUES (?, ?)", (gen, table.tobytes())
    )


def update_stories(
    conn: sqlite3.Connection, gen: int, previous: int | None, new_rows: list[int]
) -> None:
    """Generation gen's groups once its document map is written (an update)."""
    live = {r for (r,) in conn.execute("SELECT row FROM docmap WHERE gen = ?", (gen,))}
    write_stories(conn, gen, find_links(conn, previous, live, new_rows))


def forget_rows(conn: sqlite3.Connection) -> None:
    """Drop band keys and story rows of articles no generation maps any more."""
    conn.execute("DELETE FROM bands WHERE row NOT IN (SELECT row FROM docmap)")
    conn.execute("DELETE FROM story WHERE gen NOT IN (SELECT DISTINCT gen FROM docmap)")
    conn.execute("DELETE FROM story_heads WHERE gen NOT IN (SELECT DISTINCT gen FROM docmap)")


@dataclass(frozen=True)
class StoryRef:
    """An article's story as the searcher and the CLI show it."""

    id: str  # the earliest copy's article id
    members: tuple[str, ...]  # every copy's id, earliest first
    level: Level

    def others(self, article_id: str) -> tuple[str, ...]:
        return tuple(m for m in self.members if m != article_id)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "members": list(self.members), "level": self.level}


def read_stories(
    conn: sqlite3.Connection, gen: int, docnum_of_row: Sequence[int]
) -> dict[int, int]:
    """Document number → its story head's document number, for grouped articles: from the
    generation's head array (write_heads), or, in an index written before there was one,
    from its story rows."""
    heads = generation_array(conn, "story_heads", "heads", gen, "i")
    if heads is None:
        return _heads_from_rows(conn, gen, docnum_of_row)
    grouped = map(le, repeat(0), heads)  # -1: in no story
    return dict(compress(enumerate(heads), grouped))


def _heads_from_rows(
    conn: sqlite3.Connection, gen: int, docnum_of_row: Sequence[int]
) -> dict[int, int]:
    """read_stories from the story rows, their document numbers from the row map."""
    if not has_table(conn, "story"):
        return {}
    size = len(docnum_of_row)
    out: dict[int, int] = {}
    for r, h in conn.execute("SELECT row, head FROM story WHERE gen = ?", (gen,)):
        d = docnum_of_row[r] if r < size else -1
        head = docnum_of_row[h] if h < size else -1
        if d >= 0 and head >= 0:  # none outside this generation
            out[d] = head
    return out


def story_copies(
    conn: sqlite3.Connection, gen: int, docnums: Iterable[int], docnum_of_row: Sequence[int]
) -> list[tuple[int, int, Level, tuple[str, int, int], str]]:
    """Every copy in the stories of these documents, as (head's document number, copy's
    document number, the copy's level, a key of its page order, its article id): only those
    stories are read (reading every story to show 20 hits took 68 ms at 10,000 articles).
    A copy's page order is its page, its place on the page and its row (what the generation's
    order was sorted by, store.write_docmap), read with its id; document numbers come from
    the generation's row map (two docmap lookups a copy fewer: 200 hits' 6,135 copies at
    54,503 articles, 47.9 -> 30.0 ms)."""
    if not has_table(conn, "story"):
        return []
    heads = [
        h
        for (h,) in conn.execute(
            "SELECT DISTINCT s.head FROM docmap d JOIN story s ON s.gen = d.gen AND s.row = d.row"
            " WHERE d.gen = ? AND d.docnum IN (SELECT value FROM json_each(?))",
            (gen, json.dumps(list(docnums))),
        )
    ]
    # The join order given: without statistics SQLite walked the generation's whole
    # document map for each story (23 ms for 20 hits at 10,000 articles).
    found = conn.execute(
        "SELECT s.head, s.row, s.level, a.page, a.pnum, a.id FROM json_each(?2) j"
        " CROSS JOIN story s INDEXED BY story_head ON s.gen = ?1 AND s.head = j.value"
        " CROSS JOIN articles a ON a.row = s.row",
        (gen, json.dumps(heads)),
    )
    size = len(docnum_of_row)
    out = []
    for h, r, level, page, pnum, i in found:
        head = docnum_of_row[h] if h < size else -1
        d = docnum_of_row[r] if r < size else -1
        if head >= 0 and d >= 0:  # none outside this generation
            out.append((head, d, level, (page, pnum, r), i))
    return out
