"""The article store: records, entities, folded text and the title list in one SQLite file.

Read by id (or Whoosh document number) on demand, so opening an index costs nothing that grows
with the corpus. The folded text sits in an FTS5 table with the trigram tokenizer, which finds
a word of three or more characters as an exact sequence without reading the texts.

Generations share the file: `docmap` says, per generation, which Whoosh document holds which
article row and where it comes in page order. A writer adds rows and a new generation's map in
one transaction; readers of the previous generation go on reading theirs (WAL: readers never
wait for the writer). Rows no generation maps any more are deleted after the swap.
"""

from __future__ import annotations

import heapq
import json
import sqlite3
from array import array
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

# The folded fields, in the order of the FTS5 columns.
FOLDED_FIELDS = (
    "title",
    "text",
    "source",
    "byline",
    "entities",
    "person",
    "org",
    "place",
    "policy",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles(
    row INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    page TEXT NOT NULL,
    pnum INTEGER NOT NULL,
    record TEXT NOT NULL,
    entities TEXT NOT NULL,
    text_len INTEGER NOT NULL,
    date TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    byline TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_id ON articles(id);
CREATE INDEX IF NOT EXISTS articles_date ON articles(date) WHERE date != '';
CREATE VIRTUAL TABLE IF NOT EXISTS folded USING fts5(
    title, text, source, byline, entities, person, org, place, policy,
    tokenize = "trigram case_sensitive 1"
);
CREATE TABLE IF NOT EXISTS docmap(
    gen INTEGER NOT NULL,
    docnum INTEGER NOT NULL,
    row INTEGER NOT NULL,
    ord INTEGER NOT NULL DEFAULT 0,
    text_len INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (gen, docnum)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS docmap_row ON docmap(gen, row);
-- Each generation's text lengths by document number and document numbers by row, 4 bytes
-- each, in one value each: ranking a one-character word needs every article's length (10,865
-- rows of docmap took 5 ms to read), and a word matched in the folded text is a row
-- (大湾区 at 54,503 articles: 43,000 rows looked up in docmap, 43 ms; mapped here, 4).
CREATE TABLE IF NOT EXISTS lengths(
    gen INTEGER PRIMARY KEY,
    text_len BLOB NOT NULL,
    docnum_of_row BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS docmap_ord ON docmap(gen, ord);
-- Each generation's page order by document number (docmap's ord, 4 bytes each, 0 where no
-- live article): a query whose matches all score alike (source:北京商报 at 54,503 articles,
-- 17,000) shows the first in page order, which docmap gave in 15 ms.
CREATE TABLE IF NOT EXISTS page_orders(gen INTEGER PRIMARY KEY, ord BLOB NOT NULL);
"""


def open_store(path: Path, write: bool = False) -> sqlite3.Connection:
    """A connection to the store; a writer creates the tables. Usable from any thread (the
    caller serialises its own use)."""
    if not write and not path.is_file():
        raise FileNotFoundError(f"{path.name} missing")
    if write:
        conn = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(_SCHEMA)
        return conn
    try:
        conn = _connect_ro(path, "mode=ro")
        conn.execute("SELECT 1 FROM docmap LIMIT 1").fetchall()
        return conn
    except sqlite3.OperationalError:
        # A folder this user cannot write (an index shared read-only): SQLite cannot make
        # its WAL index file there, and no writer can be at work in it either.
        return _connect_ro(path, "immutable=1")


def _connect_ro(path: Path, mode: str) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?{mode}"
    return sqlite3.connect(uri, uri=True, timeout=60, isolation_level=None, check_same_thread=False)


_INSERT_FOLDED = (
    f"INSERT INTO folded(rowid, {', '.join(FOLDED_FIELDS)}) VALUES (?{',?' * len(FOLDED_FIELDS)})"
)
_IN = "IN (SELECT value FROM json_each(?))"
_JOINED = "docmap d JOIN articles a ON a.row = d.row"


def add_article(
    conn: sqlite3.Connection,
    article: dict[str, Any],
    entities: list[dict[str, Any]],
    folded: dict[str, str],
    page: str,
    pnum: int,
    titles: tuple[str, str, str],
) -> int:
    """Store one article; its row number (what Whoosh keeps to find it again)."""
    cur = conn.execute(
        "INSERT INTO articles(id, page, pnum, record, entities, text_len, title, source, byline,"
        " date) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            article["id"],
            page,
            pnum,
            json.dumps(article, ensure_ascii=False, separators=(",", ":")),
            json.dumps(entities, ensure_ascii=False, separators=(",", ":")),
            len(folded.get("text", "")),
            *titles,
            article.get("date", ""),
        ),
    )
    row = int(cur.lastrowid or 0)
    conn.execute(
        _INSERT_FOLDED,
        (row, *(folded.get(f, "") for f in FOLDED_FIELDS)),
    )
    return row


def write_docmap(conn: sqlite3.Connection, gen: int, pairs: Iterable[tuple[int, int]]) -> None:
    """The generation's document numbers → article rows, with page order and text length.

    The order is sorted here, not by an UPDATE over a window query: SQLite re-ran the window
    for every row it updated (10,000 articles: most of a 15-minute build)."""
    row_of = dict(pairs)
    info = {
        r: (page, pnum, text_len)
        for r, page, pnum, text_len in conn.execute(
            "SELECT row, page, pnum, text_len FROM articles"
        )
    }
    docs = sorted(row_of, key=lambda d: (*info[row_of[d]][:2], row_of[d]))
    conn.execute("DELETE FROM docmap WHERE gen = ?", (gen,))
    conn.executemany(
        "INSERT INTO docmap(gen, docnum, row, ord, text_len) VALUES (?,?,?,?,?)",
        ((gen, d, row_of[d], n, info[row_of[d]][2]) for n, d in enumerate(docs, start=1)),
    )
    lengths = array("I", [0]) * (max(row_of, default=-1) + 1)
    docnums = array("i", [-1]) * (max(row_of.values(), default=-1) + 1)
    for d, r in row_of.items():
        lengths[d] = info[r][2]
        docnums[r] = d
    conn.execute(
        "INSERT OR REPLACE INTO lengths(gen, text_len, docnum_of_row) VALUES (?, ?, ?)",
        (gen, lengths.tobytes(), docnums.tobytes()),
    )
    order = array("I", [0]) * len(lengths)
    for n, d in enumerate(docs, start=1):
        order[d] = n
    conn.execute(
        "INSERT OR REPLACE INTO page_orders(gen, ord) VALUES (?, ?)", (gen, order.tobytes())
    )


def collect_garbage(conn: sqlite3.Connection, keep: Iterable[int]) -> None:
    """Forget generations other than `keep`, and the rows none of them maps."""
    kept = sorted(set(keep))
    marks = ",".join("?" * len(kept)) or "NULL"
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(f"DELETE FROM docmap WHERE gen NOT IN ({marks})", kept)
    conn.execute(f"DELETE FROM lengths WHERE gen NOT IN ({marks})", kept)
    conn.execute(f"DELETE FROM page_orders WHERE gen NOT IN ({marks})", kept)
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS dead(row INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM dead")
    conn.execute(
        "INSERT INTO dead SELECT row FROM articles WHERE row NOT IN (SELECT row FROM docmap)"
    )
    conn.execute("DELETE FROM articles WHERE row IN (SELECT row FROM dead)")
    conn.execute("DELETE FROM folded WHERE rowid IN (SELECT row FROM dead)")
    conn.execute("COMMIT")


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    """Whether the store has this table (one an older gba-tui wrote may not)."""
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
    return found.fetchone() is not None


def generation_array(
    conn: sqlite3.Connection, table: str, column: str, gen: int, typecode: str
) -> array[int] | None:
    """A generation's array kept in one value (by document number or by row: the length and
    row maps, the page order, the story heads); None when the store has no such table (an
    older gba-tui wrote it) or no value for the generation."""
    if not has_table(conn, table):
        return None
    found = conn.execute(f"SELECT {column} FROM {table} WHERE gen = ?", (gen,)).fetchone()
    if found is None:
        return None
    out = array(typecode)
    out.frombytes(found[0])
    return out


class StoreReader:
    """One generation of the store, read on demand."""

    def __init__(self, conn: sqlite3.Connection, gen: int, vectorised: bool = False) -> None:
        self.conn = conn
        self.gen = gen
        # Rows parsed in numpy: for a big archive's searcher, which has it loaded anyway.
        self.vectorised = vectorised
        self._row_map: array[int] | None = None
        self._order: array[int] | None = None
        self._order_read = False

    def count(self) -> int:
        return int(
            self.conn.execute("SELECT count(*) FROM docmap WHERE gen = ?", (self.gen,)).fetchone()[
                0
            ]
        )

    def ids_of_docnums(self, docnums: Iterable[int]) -> dict[int, str]:
        rows = self.conn.execute(
            "SELECT d.docnum, a.id FROM docmap d JOIN articles a ON a.row = d.row"
            " WHERE d.gen = ? AND d.docnum IN (SELECT value FROM json_each(?))",
            (self.gen, json.dumps(list(docnums))),
        )
        return {int(d): i for d, i in rows}

    def docnums_of_ids(self, ids: Iterable[str]) -> dict[str, int]:
        # CROSS JOIN keeps SQLite from walking the whole generation and filtering by id.
        rows = self.conn.execute(
            "SELECT a.id, d.docnum FROM json_each(?) AS j CROSS JOIN articles AS a"
            " CROSS JOIN docmap AS d WHERE a.id = j.value AND d.gen = ? AND d.row = a.row",
            (json.dumps(list(ids)), self.gen),
        )
        return dict(rows)

    def records(
        self, docnums: Iterable[int]
    ) -> dict[int, tuple[dict[str, Any], list[dict[str, Any]]]]:
        """docnum → (article record, entities)."""
        rows = self.conn.execute(
            "SELECT d.docnum, a.record, a.entities FROM docmap d JOIN articles a ON a.row = d.row"
            " WHERE d.gen = ? AND d.docnum IN (SELECT value FROM json_each(?))",
            (self.gen, json.dumps(list(docnums))),
        )
        return {d: (json.loads(r), json.loads(e)) for d, r, e in rows}

    def folded(
        self, docnums: Iterable[int], fields: Iterable[str] = FOLDED_FIELDS
    ) -> dict[int, dict[str, str]]:
        names = [f for f in fields if f in FOLDED_FIELDS]
        cols = ", ".join(f"f.{f}" for f in names)
        rows = self.conn.execute(
            f"SELECT d.docnum, {cols} FROM docmap d JOIN folded f ON f.rowid = d.row"
            " WHERE d.gen = ? AND d.docnum IN (SELECT value FROM json_each(?))",
            (self.gen, json.dumps(list(docnums))),
        )
        return {r[0]: dict(zip(names, r[1:], strict=True)) for r in rows}

    def dated(self, kind: str, value: str) -> set[int]:
        """Documents dated in value (date:), on or after it (after:), or before it (before:).
        Dates are ISO strings, so a month or a year is a prefix and order is string order."""
        arg: tuple[str, ...] = (value,)
        if kind == "date":
            test, arg = "(a.date = ? OR a.date LIKE ? || '-%')", (value, value)
        elif kind == "after":
            test = "a.date >= ?"
        else:
            test = "a.date < ?"
        rows = self.conn.execute(
            f"SELECT d.docnum FROM {_JOINED} WHERE d.gen = ? AND a.date != '' AND {test}",
            (self.gen, *arg),
        )
        return {r[0] for r in rows}

    def match(self, fields: Sequence[str], needle: str) -> set[int]:
        """Documents that hold needle (three or more characters) as a sequence in any of
        these folded fields."""
        phrase = '"' + needle.replace('"', '""') + '"'
        query = f"{{{' '.join(fields)}}} : {phrase}"
        # The rows as one string: a cursor's row at a time cost more than the match itself
        # (大湾区 at 54,503 articles, 43,000 rows: 15 ms fetched, 5 ms joined and split).
        (joined,) = self.conn.execute(
            "SELECT group_concat(rowid) FROM folded WHERE folded MATCH ?", (query,)
        ).fetchone()
        return self._docnums_of_rows(joined) if joined else set()

    def _docnums_of_rows(self, joined: str) -> set[int]:
        """The document numbers of comma-joined store rows. Rows of other generations (or
        past the map) are not this generation's articles."""
        docnum_of = self.docnum_of_row()
        size = len(docnum_of)
        if self.vectorised:  # 43,000 rows: parsed and mapped in 1 ms, not 10
            import numpy as np

            rows = np.fromstring(joined, dtype=np.int64, sep=",")
            docnums = np.frombuffer(docnum_of, dtype=np.intc)[rows[rows < size]]
            return set(docnums[docnums >= 0].tolist())
        out = {docnum_of[r] for r in map(int, joined.split(",")) if r < size}
        out.discard(-1)
        return out

    def _page_order(self) -> array[int] | None:
        """This generation's page order by document number, read once; None for a store
        written before it was kept (docmap answers)."""
        if not self._order_read:
            self._order = generation_array(self.conn, "page_orders", "ord", self.gen, "I")
            self._order_read = True
        return self._order

    def has_maps(self) -> bool:
        """Whether this generation's length and row maps are stored (write_docmap writes them
        with its document map: without them the store is damaged)."""
        found = self.conn.execute("SELECT 1 FROM lengths WHERE gen = ?", (self.gen,))
        return found.fetchone() is not None

    def docnum_of_row(self) -> array[int]:
        """This generation's document number of each store row (-1: not in it), read once."""
        if self._row_map is None:
            self._row_map = self._map("docnum_of_row", "i")
        return self._row_map

    def _map(self, column: str, typecode: str) -> array[int]:
        found = generation_array(self.conn, "lengths", column, self.gen, typecode)
        if found is None:  # has_maps() said it was there when the index was opened
            raise LookupError(f"no {column} map for generation {self.gen}")
        return found

    def orders(self, docnums: Iterable[int]) -> dict[int, int]:
        """Each of these documents' place in page order (none for documents not live)."""
        order = self._page_order()
        if order is not None:
            size = len(order)
            return {d: order[d] for d in docnums if 0 <= d < size and order[d]}
        rows = self.conn.execute(
            f"SELECT docnum, ord FROM docmap WHERE gen = ? AND docnum {_IN}",
            (self.gen, json.dumps(list(docnums))),
        )
        return dict(rows)

    def first_in_page_order(self, docnums: Iterable[int], limit: int | None) -> list[int]:
        """The first `limit` of these documents (all when None) in page order."""
        order = self._page_order()
        if order is not None:
            size = len(order)
            live = [d for d in docnums if 0 <= d < size and order[d]]
            if limit is None:
                return sorted(live, key=order.__getitem__)
            return heapq.nsmallest(limit, live, key=order.__getitem__)
        rows = self.conn.execute(
            "SELECT docnum FROM docmap WHERE gen = ? AND docnum IN (SELECT value FROM json_each(?))"
            " ORDER BY ord LIMIT ?",
            (self.gen, json.dumps(list(docnums)), -1 if limit is None else limit),
        )
        return [r[0] for r in rows]

    def text_lengths(self) -> tuple[int, list[int]]:
        """(live articles, text length by document number: 0 where no live article)."""
        return self.count(), self._map("text_len", "I").tolist()

    def docnums(self) -> list[int]:
        return [
            r[0] for r in self.conn.execute("SELECT docnum FROM docmap WHERE gen = ?", (self.gen,))
        ]

    def page_of_records(self, offset: int, limit: int) -> list[tuple[int, str, str, str]]:
        """Article records in page order, a page at a time: (docnum, record, entities, id)."""
        return list(
            self.conn.execute(
                f"SELECT d.docnum, a.record, a.entities, a.id FROM {_JOINED}"
                " WHERE d.gen = ? ORDER BY d.ord LIMIT ? OFFSET ?",
                (self.gen, limit, offset),
            )
        )

    def entities_of_docnums(self, docnums: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
        """docnum → its entities, the article records not read (a record is most of an
        article's bytes: all 54,503 articles' entities took 11 s with them)."""
        rows = self.conn.execute(
            f"SELECT d.docnum, a.entities FROM {_JOINED} WHERE d.gen = ? AND d.docnum {_IN}",
            (self.gen, json.dumps(list(docnums))),
        )
        return {d: json.loads(e) for d, e in rows}

    def page_of_entities(self, offset: int, limit: int) -> list[tuple[str, list[dict[str, Any]]]]:
        """(id, entities) in page order, a page at a time, without the records."""
        rows = self.conn.execute(
            f"SELECT a.id, a.entities FROM {_JOINED} WHERE d.gen = ? ORDER BY d.ord"
            " LIMIT ? OFFSET ?",
            (self.gen, limit, offset),
        )
        return [(aid, json.loads(e)) for aid, e in rows]

    def list_rows(self) -> list[tuple[str, str, str, str, str]]:
        """(id, headline, paper, byline, date) of every article in page order: what the
        document list sorts by, without reading the records (54,503 rows: 0.5 s, not 9)."""
        return list(
            self.conn.execute(
                f"SELECT a.id, a.title, a.source, a.byline, a.date FROM {_JOINED}"
                " WHERE d.gen = ? ORDER BY d.ord",
                (self.gen,),
            )
        )

    def list_rows_of(self, ids: Iterable[str]) -> list[tuple[str, str, str, str, str]]:
        """The same light columns for the given ids (those in this generation)."""
        return list(
            self.conn.execute(
                "SELECT a.id, a.title, a.source, a.byline, a.date FROM json_each(?) AS j"
                " CROSS JOIN articles AS a CROSS JOIN docmap AS d"
                " WHERE a.id = j.value AND d.gen = ? AND d.row = a.row",
                (json.dumps(list(ids)), self.gen),
            )
        )

    def ids_at(self, offset: int, limit: int) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT a.id FROM docmap d JOIN articles a ON a.row = d.row WHERE d.gen = ?"
                " ORDER BY d.ord LIMIT ? OFFSET ?",
                (self.gen, limit, offset),
            )
        ]


def read_title_rows(
    path: Path, gen: int, offset: int = 0, limit: int | None = None
) -> list[list[str]]:
    """[id, headline, paper, byline] rows in page order, read a page at a time."""
    conn = open_store(path)
    try:
        return [
            list(r)
            for r in conn.execute(
                f"SELECT a.id, a.title, a.source, a.byline FROM {_JOINED}"
                " WHERE d.gen = ? ORDER BY d.ord LIMIT ? OFFSET ?",
                (gen, -1 if limit is None else limit, offset),
            )
        ]
    finally:
        conn.close()
