"""Whoosh's codec, with a segment's term table opened in a few reads.

Opening a segment, Whoosh reads its term table's directory of 256 hash tables one entry at a
time, each read a seek and a call through the compound file: 1.9 ms a segment, paid by every
search process for every segment (29 segments at 54,503 articles: 55 ms). Here the directory
is read in one piece and unpacked at once; everything else is Whoosh's own. The files written
are the same; segments written with this codec name it in the table of contents, so opening
an older segment still goes Whoosh's way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gba_tui.text.lean_whoosh import lean_imports

with lean_imports():
    from whoosh.codec.whoosh3 import W3Codec, W3TermsReader
    from whoosh.filedb import filetables
    from whoosh.system import _INT_SIZE


_SLOT = filetables._pointer  # (the key's hash, the item's position), 12 bytes
_LENGTHS = filetables._lengths  # (key length, value length) before an item's key
_SLOT_RUN = 16  # slots read at once: a key is mostly in its first slot or the next
_VALUE_GUESS = 48  # bytes read past a key in case its value is that short (a term's info is)


class _OrderedHashReader(filetables.OrderedHashReader):  # type: ignore[misc]
    """OrderedHashReader.__init__ (whoosh 2.7.5) with the directory read in one piece."""

    def __init__(self, dbfile: Any, length: int, magic: bytes = b"HSH3") -> None:
        self.dbfile = dbfile
        self.startoffset = 0
        self.is_closed = False
        dbfile.seek(0)
        if dbfile.read(4) != magic:
            raise filetables.FileFormatError("Unknown file header")
        self.hashtype = dbfile.read_byte()
        self.hashfn = filetables._hash_functions[self.hashtype]
        dbfile.read_int()  # two ints reserved for later versions
        dbfile.read_int()
        self.startofdata = dbfile.tell()
        extras_end = length - _INT_SIZE
        extras_start = extras_end - dbfile.get_int(extras_end)
        dbfile.seek(extras_start)
        self._read_extras()
        entry = filetables._dir_entry  # (position, number of slots) of each hash table
        dbfile.seek(extras_start - filetables._directory_size)
        self.tables = list(entry.iter_unpack(dbfile.read(filetables._directory_size)))
        self.endofdata = self.tables[0][0]

    def ranges_for_key(self, key: bytes) -> Iterator[tuple[int, int]]:
        """HashReader.ranges_for_key (whoosh 2.7.5), the same slots probed in the same order,
        with fewer reads: slots a run at a time, an item's lengths and key in one. Whoosh reads
        each slot, then the lengths, then the key, each through the compound file's layers:
        a term's lookup in 28 segments cost 0.5 ms (a query's words look up each of their
        bigrams to rank by the rarest)."""
        for itempos, _, datalen in self._items(key, 0):
            yield itempos + _LENGTHS.size + len(key), datalen

    def value_of(self, key: bytes) -> bytes | None:
        """HashReader.get: the first value stored under key, None when there is none. A
        short value (a term's info: 33 bytes) comes in the read of the item's lengths and key,
        so a lookup is two reads, not three (through the compound file's layers, 5 us each)."""
        start = _LENGTHS.size + len(key)
        for itempos, item, datalen in self._items(key, _VALUE_GUESS):
            if len(item) >= start + datalen:
                return item[start : start + datalen]
            return bytes(self.dbfile.get(itempos + start, datalen))
        return None

    def _items(self, key: bytes, extra: int) -> Iterator[tuple[int, bytes, int]]:
        """Each item stored under key: its position, its bytes read from there (lengths, key
        and `extra` bytes more), its value's length."""
        if not isinstance(key, bytes):
            raise TypeError(f"Key {key!r} should be bytes")
        keyhash = self.hashfn(key)
        tablestart, numslots = self.tables[keyhash & 255]
        if not numslots:
            return
        get, size = self.dbfile.get, _SLOT.size
        head = _LENGTHS.size
        slot, left = (keyhash >> 8) % numslots, numslots  # every slot at most once, as Whoosh
        while left:
            run = min(_SLOT_RUN, numslots - slot, left)
            left -= run
            for slothash, itempos in _SLOT.iter_unpack(get(tablestart + slot * size, run * size)):
                if not itempos:
                    return
                if slothash == keyhash:
                    item = get(itempos, head + len(key) + extra)
                    keylen, datalen = _LENGTHS.unpack_from(item)
                    if keylen == len(key) and item[head : head + keylen] == key:
                        yield itempos, item, datalen
            slot = (slot + run) % numslots


class _TermsReader(W3TermsReader):  # type: ignore[misc]
    """W3TermsReader.__init__ (whoosh 2.7.5) over the reader above."""

    def __init__(self, codec: Any, dbfile: Any, length: int, postfile: Any) -> None:
        self._codec = codec
        self._dbfile = dbfile
        self._tindex = _OrderedHashReader(dbfile, length)
        self._fieldmap = self._tindex.extras["fieldmap"]
        self._postfile = postfile
        self._fieldunmap = [None] * len(self._fieldmap)
        for fieldname, num in self._fieldmap.items():
            self._fieldunmap[num] = fieldname


class ArticleCodec(W3Codec):  # type: ignore[misc]
    """W3Codec whose segments open their term table in a few reads."""

    def terms_reader(self, storage: Any, segment: Any) -> Any:
        name = segment.make_filename(self.TERMS_EXT)
        length = storage.file_length(name)
        postfile = segment.open_file(storage, self.POSTS_EXT)
        return _TermsReader(self, storage.open_file(name), length, postfile)
