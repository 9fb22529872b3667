"""Exact matching from the index: which articles contain a word as a sequence.

No query reads every article's text. A word is looked up, in each field it may match in, by
its length and kind:
  - a whole Latin word (`qflp`, `d`): the `grams` term for whole Latin words, exact;
  - one character (`港`): the `grams` term for that character, exact;
  - two Chinese characters: the field's own bigram term (entity fields: a `grams` bigram);
  - anything else of two characters: the articles holding both characters, then checked;
  - three or more: the store's FTS5 trigram index, which matches exact sequences; for Chinese
    in the headline or text, first the field's bigram terms: a word is in no article one of
    its bigrams is missing from, and in at most those holding its rarest, which are read and
    checked when few (FTS5 reads each trigram's whole list, of every field, with positions).
A Latin letter at either end must not continue a longer Latin word ("ai" is not in "said");
the few articles such a word is found in are read and checked with find_word.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from operator import add

from gba_tui.search.dates import iso_date
from gba_tui.search.query import Node, Not, Or, Word
from gba_tui.search.schema import DATE_FILTERS, FILTER_FIELDS, SEARCH_FIELDS, TEXT_FIELDS
from gba_tui.search.store import FOLDED_FIELDS
from gba_tui.text.analysis import query_tokens
from gba_tui.text.script import find_word, has_latin_edge, searchable

# A whole Latin word as find_word sees one: letters and digits up to U+024F.
LATIN_RUN = re.compile(r"[^\W_\u0250-\U0010ffff]+")
_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]"
_CJK = re.compile(f"{_HAN}{{2}}")
_CJK_RUN = re.compile(f"{_HAN}+")  # the analyzer's run: each pair in it is a bigram term
_SPACE = re.compile(r"\s")
CODE = {f: str(n) for n, f in enumerate(FOLDED_FIELDS)}
# The most document numbers the word cache holds (about 60 bytes each): a common word matches
# most of an archive (港 at 54,503 articles: 54,000), and 512 such words, the cache's old
# limit, would have held 1.7 GB.
CACHED_MATCHES = 1_000_000
# A long Chinese word whose rarest bigram is in at most this many articles is checked in
# their text, not looked up in FTS5 (a few ms a field, whatever it finds).
CHECKED_CANDIDATES = 64


def needle(text: str) -> str:
    """What a query word is looked for as, in folded text: spaces next to Chinese dropped."""
    folded = searchable(text).strip()
    return re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", folded)


def char_term(field: str, ch: str) -> str:
    return f"{CODE[field]}c{ch}"


def latin_term(field: str, word: str) -> str:
    return f"{CODE[field]}w{word}"


def bigram_term(field: str, pair: str) -> str:
    return f"{CODE[field]}b{pair}"


# The typed entity fields, whose names the `entities` field also holds (with other kinds').
ENTITY_KINDS = ("person", "org", "place", "policy")
# An article whose typed fields hold a gram its `entities` text lacks (a name folded otherwise
# beside other names): its `entities` grams are all written, and the typed ones not used.
APART = f"{CODE['entities']}!"


def _grams(code: str, text: str, pairs: bool) -> dict[str, int]:
    """One folded field's grams: c + each character, w + each whole Latin word, and (pairs)
    b + each bigram without a space, after the field's code."""
    out = {f"{code}c{ch}": n for ch, n in Counter(text).items() if not ch.isspace()}
    words = LATIN_RUN.findall(text)
    if words:
        out.update({f"{code}w{w}": n for w, n in Counter(words).items()})
    if pairs:
        bigrams = Counter(map(add, text, text[1:]))
        out.update({f"{code}b{p}": n for p, n in bigrams.items() if not _SPACE.search(p)})
    return out


def gram_terms(folded: dict[str, str]) -> list[tuple[str, int]]:
    return list(gram_counts(folded).items())


def gram_counts(folded: dict[str, str]) -> dict[str, int]:
    """The `grams` postings of one article: every character, every whole Latin word, and
    the bigrams of the entity fields (the text fields have their own), with counts.

    The `entities` field's grams are mostly the typed fields' again (163 of 1,470 postings an
    article): it keeps only those no typed field has (other kinds of entity), and `entity:`
    is answered from both (IndexMatcher._grams), unless the article is marked APART."""
    grams = {
        field: _grams(CODE[field], text, field not in TEXT_FIELDS)
        for field, text in folded.items()
        if text and field in CODE
    }
    whole = grams.get("entities")
    if whole:
        typed = {t[1:] for f in ENTITY_KINDS if f in grams for t in grams[f]}
        own = {t: n for t, n in whole.items() if t[1:] not in typed}
        if len(whole) - len(own) == len(typed):  # every typed gram is one of its own
            grams["entities"] = own
        else:
            whole[APART] = 1
    out: dict[str, int] = {}
    for counts in grams.values():
        out.update(counts)
    return out


Postings = Callable[[str, str], frozenset[int]]  # (Whoosh field, term) → live documents
Frequency = Callable[[str, str], int]  # (Whoosh field, term) → documents holding it
Sequences = Callable[
    [tuple[str, ...], str], set[int]
]  # (folded fields, needle) → documents in any (FTS5)
Texts = Callable[[Iterable[int], str], dict[int, str]]  # documents, field → folded text
Dated = Callable[[str, str], set[int]]  # (date:, after: or before:, ISO value) → documents


class IndexMatcher:
    """Answers Word, And, Or, Not from the index's postings and the store's trigrams."""

    def __init__(
        self,
        universe: Callable[[], frozenset[int]],
        postings: Postings,
        sequences: Sequences,
        texts: Texts,
        dated: Dated | None = None,
        frequency: Frequency | None = None,
    ) -> None:
        self.universe = universe  # every live document: only NOT needs it
        self._dated = dated
        self._frequency = frequency
        self._postings = postings
        self._sequences = sequences
        self._texts = texts
        self._cache: dict[tuple[str, str], frozenset[int]] = {}
        self._cached = 0  # documents held in the cache, all words together

    def find(self, field: str, word: str) -> frozenset[int]:
        """The documents whose folded field contains word (as find_word finds it)."""
        return self._kept((field, word), lambda: self._find(field, word))

    def find_anywhere(self, word: str) -> frozenset[int]:
        """The documents holding word in any field a plain word is looked for in (the
        headline, the text). A long Chinese word that FTS5 must look up in more than one of
        them is looked up once for all: FTS5 reads its trigrams' lists whole whatever the
        columns (科技保險 at 54,503 articles: 6 ms more for the headlines alone)."""
        frequency = self._frequency
        if frequency is None or len(word) < 3 or not _CJK_RUN.fullmatch(word):
            return _union([self.find(field, word) for field in SEARCH_FIELDS])
        return self._kept(("", word), lambda: self._find_anywhere(word, frequency))

    def _find_anywhere(self, word: str, frequency: Frequency) -> AbstractSet[int]:
        found, looked_up = [], []
        for field in SEARCH_FIELDS:
            answer = self._bigram_answer(field, word, frequency)
            if answer is None:
                looked_up.append(field)
            else:
                found.append(frozenset(answer))
        if looked_up:
            found.append(frozenset(self._sequences(tuple(looked_up), word)))
        return _union(found)

    def _kept(
        self, key: tuple[str, str], compute: Callable[[], AbstractSet[int]]
    ) -> frozenset[int]:
        """A word's documents from the cache, computed and kept when not there."""
        if key not in self._cache:
            found = frozenset(compute())
            self._cached += len(found)
            if self._cached > CACHED_MATCHES:
                self._cache.clear()
                self._cached = len(found)
            self._cache[key] = found
        return self._cache[key]

    def _find(self, field: str, word: str) -> AbstractSet[int]:
        if LATIN_RUN.fullmatch(word):
            return self._grams(field, latin_term, word)
        if len(word) == 1:
            return self._grams(field, char_term, word)
        if len(word) == 2:
            if field in TEXT_FIELDS and _CJK.fullmatch(word):
                return self._postings(field, word)
            if field in TEXT_FIELDS:
                found = self._postings("grams", char_term(field, word[0]))
                found &= self._postings("grams", char_term(field, word[1]))
                return self._check(found, field, word)
            found = self._grams(field, bigram_term, word)
            return self._check(found, field, word) if has_latin_edge(word) else found
        if self._frequency is not None and field in TEXT_FIELDS and _CJK_RUN.fullmatch(word):
            answer = self._bigram_answer(field, word, self._frequency)
            return self._sequences((field,), word) if answer is None else answer
        sequences = self._sequences((field,), word)
        return self._check(sequences, field, word) if has_latin_edge(word) else sequences

    def _bigram_answer(
        self, field: str, word: str, frequency: Frequency
    ) -> AbstractSet[int] | None:
        """A Chinese word of three or more characters in the headline or text, from its
        bigrams when they settle it; None when FTS5 must. Their frequencies are looked up
        anyway, to rank by the rarest (searcher.ranking_terms); FTS5 costs 2-8 ms a headline
        search for a word in none (54,503 articles)."""
        pairs = {word[i : i + 2] for i in range(len(word) - 1)}
        rarest = min(pairs, key=lambda pair: frequency(field, pair))
        held = frequency(field, rarest)
        if held == 0:
            return frozenset()
        if held <= CHECKED_CANDIDATES:
            return self._check(self._postings(field, rarest), field, word)
        return None

    def _grams(self, field: str, term: Callable[[str, str], str], word: str) -> frozenset[int]:
        """The articles with this `grams` term in the field: for `entities`, its own postings
        and the typed fields' (but of articles marked APART: gram_terms)."""
        found = self._postings("grams", term(field, word))
        if field == "entities":
            typed = frozenset().union(
                *(self._postings("grams", term(f, word)) for f in ENTITY_KINDS)
            )
            found |= typed - self._postings("grams", APART)
        return found

    def _check(self, docs: AbstractSet[int], field: str, word: str) -> set[int]:
        texts = self._texts(docs, field)
        return {d for d, t in texts.items() if find_word(t, word) != -1}

    def matching(self, node: Node) -> frozenset[int]:
        """The documents that satisfy the query exactly."""
        if isinstance(node, Word) and node.field in DATE_FILTERS:
            value = iso_date(node.text)
            if not value or self._dated is None:
                return frozenset()
            return frozenset(self._dated(node.field, value))
        if isinstance(node, Word):
            n = needle(node.text)
            if not n or not query_tokens(node.text):
                return frozenset()
            if node.field:
                return self.find(FILTER_FIELDS[node.field], n)
            return self.find_anywhere(n)
        if isinstance(node, Not):
            return self.universe() - self.matching(node.item)
        sets = [self.matching(x) for x in node.items]
        if isinstance(node, Or):
            return _union(sets)
        result = sets[0]
        for s in sets[1:]:
            result &= s
        return result


def _union(sets: list[frozenset[int]]) -> frozenset[int]:
    """The union of the sets, the biggest not copied when the others add nothing to it (a
    word's headline matches are mostly among its text's: 港 at 54,503 articles, 54,000)."""
    biggest = max(sets, key=len, default=frozenset())
    extra = [s - biggest for s in sets if s is not biggest]
    return biggest.union(*extra) if any(extra) else biggest
