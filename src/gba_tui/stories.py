"""One story, every paper: reprints and edited versions of a report, found across scripts.

A wire runs in Simplified on the mainland and in Traditional in Hong Kong; a press release is
reprinted by half the outlets; each paper cuts, adds a local paragraph or rewrites the headline.
Compared after script folding, the copies share most of their character shingles. MinHash
signatures with banded locality-sensitive hashing find candidate pairs without comparing every
pair; each candidate is then checked on the texts themselves: the share of the shorter copy's
shingles found in the other (containment) and of its sentences.
"""

from __future__ import annotations

import difflib
import re
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, Literal, TypeVar

from gba_tui.text.script import fold_script

SHINGLE = 5  # characters: long enough that two reports of one event rarely share many
PERMUTATIONS = 64
BANDS = 32  # of two rows: a pair with resemblance 0.25 becomes a candidate 87% of the time
ROWS = PERMUTATIONS // BANDS

# Set on the annotated pairs of the development set (benchmarks/story_quality.py): copies of one
# story scored 0.95 and more on containment + copied sentences, different reports of one event
# at most 0.89 (two rewrites of one press conference); reprints 0.98 and more on both.
REPRINT_CONTAINMENT = 0.8
REPRINT_SENTENCES = 0.7
REPRINT_BALANCE = 0.9  # a reprint is as long as its original: an added paragraph is an edit
STORY_CONTAINMENT = 0.45
STORY_SCORE = 0.92
COPIED_SENTENCE = 0.8  # a sentence is copied when this share of its shingles is in the other
MIN_CHARS = 80  # a caption-sized text says too little to be called a copy of anything

Level = Literal["reprint", "story"]
K = TypeVar("K", str, int)
SHINGLED_KEPT = 2048  # texts kept ready while confirming candidate pairs (~40 KB each)
# Texts whose distinct shingles are kept while candidate pairs are first sifted (~7 KB each):
# a build's pairs join articles from all over the corpus, and with 2,048 texts kept each of
# 10,865 articles was shingled six times (25 of a 110 s build); with 8,192, under twice.
WHOLE_KEPT = 8192
_HASH_BASE = 1_000_003  # a prime above every code point: the shingle hash's base
Change = Literal["same", "added", "cut", "reworded"]

_KEEP = re.compile(r"[\w]", re.UNICODE)
_NOT_KEPT = re.compile(r"[^\w\x00]+")  # what comparable() drops, but for a sentence mark
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|\n+")


@lru_cache(maxsize=1)
def _permutations() -> tuple[Any, Any]:
    """One random odd multiplier and one offset per permutation, the same in every process.
    numpy is imported here, not with the module: a search reads stories from the index and
    never hashes, and importing numpy would add 70 ms to every search process."""
    import numpy as np

    rng = np.random.default_rng(20251223)
    mult = rng.integers(1, 2**63, size=PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
    add = rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)
    return mult, add


def comparable(text: str, folded: bool = False) -> str:
    """Folded to one script, lower-cased, letters and digits only: what copies share.
    folded: the text is the index's folded text already (folding it again changes nothing)."""
    return "".join(_KEEP.findall(text if folded else fold_script(text).lower()))


def shingles(text: str, folded: bool = False) -> set[str]:
    t = comparable(text, folded)
    return {t[i : i + SHINGLE] for i in range(max(0, len(t) - SHINGLE + 1))}


def signature(text: str, folded: bool = False) -> tuple[int, ...]:
    """A MinHash signature of the text's shingles (empty for a text too short to compare)."""
    t = comparable(text, folded)
    if len(t) < MIN_CHARS:
        return ()
    import numpy as np

    mult, add = _permutations()
    hashes = _distinct(_window_hashes(t))
    # Multiply-shift hashing: one random odd multiplier per permutation, overflow wraps.
    with np.errstate(over="ignore"):
        permuted = hashes[:, None] * mult[None, :] + add[None, :]
    return tuple(int(v) for v in (permuted >> np.uint64(32)).min(axis=0))


def band_keys(sig: Sequence[int]) -> list[int]:
    """One key per band: articles that share any key are candidates."""
    keys = []
    for b in range(BANDS if sig else 0):
        chunk = ",".join(str(v) for v in sig[b * ROWS : (b + 1) * ROWS])
        keys.append(zlib.crc32(f"{b}:{chunk}".encode()))
    return keys


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


@dataclass(frozen=True)
class Likeness:
    """How much of the shorter copy the longer one holds."""

    containment: float  # share of the shorter text's shingles in the other
    sentences: float  # share of the shorter text's sentences copied, lightly edited or not
    balance: float = 1.0  # the shorter text's shingles against the longer's

    @property
    def level(self) -> Level | None:
        reprinted = self.containment >= REPRINT_CONTAINMENT and self.sentences >= REPRINT_SENTENCES
        if reprinted and self.balance >= REPRINT_BALANCE:
            return "reprint"
        if (
            self.containment >= STORY_CONTAINMENT
            and self.containment + self.sentences >= STORY_SCORE
        ):
            return "story"
        return None


@dataclass(frozen=True)
class Shingled:
    """A text made ready for comparing: its shingles as 64-bit hashes (sorted numpy arrays),
    whole and sentence by sentence (kept are sentences of six shingles or more)."""

    whole: Any  # the text's distinct shingle hashes
    sentence_hashes: Any  # each kept sentence's distinct shingle hashes, one after another
    sentence_of: Any  # for each of those, the number of its sentence
    sentence_sizes: Any  # each kept sentence's count of distinct shingles


def _window_hashes(text: str) -> Any:
    """Every shingle of a comparable text in order, each as a polynomial hash of its
    characters (64 bits: two different shingles share a hash about once in 10^19)."""
    import numpy as np

    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(points) - SHINGLE + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    hashes = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(SHINGLE):
            hashes = hashes * np.uint64(_HASH_BASE) + points[k : k + n]
    return hashes


def shingled(text: str, folded: bool = False) -> Shingled:
    """Comparing one article with several candidates shingles it once. The sentences'
    comparable texts joined are the whole text's, so one pass hashes both."""
    import numpy as np

    # One pass for all sentences: joined by a mark comparable() would drop, kept to split on.
    marked = _NOT_KEPT.sub(
        "", "\x00".join(sentences(text if folded else fold_script(text).lower()))
    )
    parts = marked.split("\x00") if marked else []
    windows = _window_hashes("".join(parts))
    lengths = np.array([len(p) for p in parts], dtype=np.int64)
    sentence_at = np.repeat(np.arange(len(parts)), lengths)  # each character's sentence
    inside = sentence_at[: len(windows)] == sentence_at[SHINGLE - 1 :][: len(windows)]
    hashes, owners = windows[inside], sentence_at[: len(windows)][inside]
    order = np.lexsort((hashes, owners))
    hashes, owners = hashes[order], owners[order]
    first = np.ones(len(hashes), dtype=bool)
    first[1:] = (hashes[1:] != hashes[:-1]) | (owners[1:] != owners[:-1])
    hashes, owners = hashes[first], owners[first]
    sizes = np.bincount(owners, minlength=len(parts))
    kept = sizes >= 6
    renumber = np.cumsum(kept) - 1
    mine = kept[owners]
    return Shingled(
        whole=_distinct(windows),
        sentence_hashes=hashes[mine],
        sentence_of=renumber[owners[mine]],
        sentence_sizes=sizes[kept],
    )


def _copied_share(shorter: Shingled, other: Any) -> float:
    """The share of a text's sentences whose shingles mostly occur in the other text
    (other: sorted distinct hashes)."""
    import numpy as np

    if not len(shorter.sentence_sizes):
        return 0.0
    at = np.minimum(np.searchsorted(other, shorter.sentence_hashes), len(other) - 1)
    found = other[at] == shorter.sentence_hashes
    per_sentence = np.bincount(
        shorter.sentence_of, weights=found, minlength=len(shorter.sentence_sizes)
    )
    copied = int((per_sentence >= COPIED_SENTENCE * shorter.sentence_sizes).sum())
    return copied / len(shorter.sentence_sizes)


def likeness(a: str, b: str, folded: bool = False) -> Likeness:
    return likeness_of(shingled(a, folded), shingled(b, folded))


def _distinct(hashes: Any) -> Any:
    """np.unique of a hash array, by a plain sort (numpy's hashing unique then sorts anyway:
    twice the time)."""
    import numpy as np

    out = np.sort(hashes)
    if len(out) > 1:
        out = out[np.concatenate(([True], out[1:] != out[:-1]))]
    return out


def distinct_shingles(text: str, folded: bool = False) -> Any:
    """A text's distinct shingle hashes: Shingled.whole without the sentences."""
    return _distinct(_window_hashes(comparable(text, folded)))


def _kept(make: Callable[[Any], Any], size: int) -> Callable[[Any], Any]:
    """make(key), the last `size` results kept."""
    ready: OrderedDict[Any, Any] = OrderedDict()

    def get(key: Any) -> Any:
        value = ready.get(key)
        if value is None:
            value = ready[key] = make(key)
            if len(ready) > size:
                ready.popitem(last=False)
        else:
            ready.move_to_end(key)
        return value

    return get


def confirmed_pairs(
    pairs: Iterable[tuple[K, K]], text_of: Callable[[K], str], folded: bool = False
) -> Iterator[tuple[K, K, Level]]:
    """The candidate pairs that are copies of one story, with their level. First the pairs
    whose shingles overlap too little to be copies at all are sifted out (most of them), from
    each text's distinct shingles alone; the rest are compared sentence by sentence. Recent
    texts are kept made ready, so a text with several candidates is read once or so."""
    whole = _kept(lambda key: distinct_shingles(text_of(key), folded), WHOLE_KEPT)
    likely = [(a, b) for a, b in pairs if _containment(whole(a), whole(b)) >= STORY_CONTAINMENT]
    get = _kept(lambda key: shingled(text_of(key), folded), SHINGLED_KEPT)
    for a, b in likely:
        level = likeness_of(get(a), get(b)).level
        if level is not None:
            yield a, b, level


def _containment(sa: Any, sb: Any) -> float:
    """The share of the smaller set of shingles that the other holds (sorted, distinct)."""
    import numpy as np

    if not len(sa) or not len(sb):
        return 0.0
    return len(np.intersect1d(sa, sb, assume_unique=True)) / min(len(sa), len(sb))


def likeness_of(a: Shingled, b: Shingled) -> Likeness:
    sa, sb = a.whole, b.whole
    if not len(sa) or not len(sb):
        return Likeness(0.0, 0.0)
    containment = _containment(sa, sb)
    shorter, other = (a, sb) if len(sa) <= len(sb) else (b, sa)
    balance = min(len(sa), len(sb)) / max(len(sa), len(sb))
    return Likeness(containment, _copied_share(shorter, other), balance)


@dataclass(frozen=True)
class Story:
    """Copies of one report: the id is the earliest copy's article id."""

    id: str
    members: tuple[str, ...]  # article ids, earliest first
    level: Level  # "reprint" when every copy is the same text, else "story"


@dataclass(frozen=True)
class Stories:
    """The groups of a corpus, by article id; articles in no group are their own story."""

    groups: tuple[Story, ...]

    def of(self, article_id: str) -> Story | None:
        return self._index().get(article_id)

    def _index(self) -> dict[str, Story]:
        index = self.__dict__.get("_by_article")
        if index is None:
            index = {m: s for s in self.groups for m in s.members}
            object.__setattr__(self, "_by_article", index)
        return index


class UnionFind(Generic[K]):
    """Groups of things joined pair by pair (stories are unions of their copies' pairs);
    the smallest key of a group is its root. A join that would make a group bigger than
    MAX_COPIES is refused: copies link on through shared paragraphs (each text like the
    next, the first unlike the last), and on 54,503 articles drawn from one pool of sentences
    that chaining made one "story" of 24,936 articles."""

    def __init__(self) -> None:
        self.parent: dict[K, K] = {}
        self.size: dict[K, int] = {}

    def find(self, x: K) -> K:
        root = self.parent.setdefault(x, x)
        while root != self.parent[root]:
            root = self.parent[root]
        while x != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def join(self, a: K, b: K) -> bool:
        """Join a's group and b's; False when that group would be too big (nothing joined)."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        size = self.size.get(ra, 1) + self.size.get(rb, 1)
        if size > MAX_COPIES:
            return False
        low, high = (ra, rb) if ra < rb else (rb, ra)
        self.parent[high] = low
        self.size[low] = size
        self.size.pop(high, None)
        return True


# The most copies one story may have. The development set's widest story ran in four outlets;
# a wire may run in dozens of papers of an archive, not in hundreds.
MAX_COPIES = 100
# A band key shared by hundreds of articles is boilerplate (a recurring notice, a market
# table), not a story: its pairs would be most of the work and none of the stories.
CROWDED = 200
# One shared band makes a candidate: a copy cut to half its wire shares few bands with the
# whole (resemblance ~0.35: 0 or 1 of 32 in the development set, where two were asked and
# four such pairs of a four-outlet story were missed: recall 43/48 → 47/48, no false merge).
MIN_SHARED_BANDS = 1
# The candidates checked against one article, most shared bands first: a story has a handful
# of copies, each linked to its closest ones is enough to join them all, and checking is the
# costly step (a build's candidate pairs grow with this: 10 keeps them near the old rule's).
MAX_CANDIDATES = 10


def choose_candidates(shared: dict[K, dict[K, int]]) -> set[tuple[K, K]]:
    """The pairs worth checking, from article → {other article: band keys they share}: the
    rule the index and the in-memory grouping both follow."""
    pairs: set[tuple[K, K]] = set()
    for a, counts in shared.items():
        # Most shared keys first; ties by id, so the same pairs whatever order they came in.
        best = sorted((-n, b) for b, n in counts.items() if n >= MIN_SHARED_BANDS)
        for _, b in best[:MAX_CANDIDATES]:
            pairs.add((a, b) if a < b else (b, a))
    return pairs


def candidate_pairs(signatures: dict[str, tuple[int, ...]]) -> set[tuple[str, str]]:
    """Pairs of articles sharing enough band keys that are not crowded."""
    buckets: dict[int, list[str]] = {}
    for aid, sig in signatures.items():
        for key in band_keys(sig):
            buckets.setdefault(key, []).append(aid)
    shared: dict[str, dict[str, int]] = {}
    for members in buckets.values():
        if 1 < len(members) <= CROWDED:
            for a in members:
                counts = shared.setdefault(a, {})
                for b in members:
                    if b != a:
                        counts[b] = counts.get(b, 0) + 1
    return choose_candidates(shared)


def group_stories(
    texts: dict[str, str],
    order: Iterable[str] | None = None,
    signatures: dict[str, tuple[int, ...]] | None = None,
) -> Stories:
    """Group articles (id → text) into stories. order: the ids earliest first (by date, then
    page order), which names each story after its earliest copy."""
    sigs = signatures if signatures is not None else {a: signature(t) for a, t in texts.items()}
    union: UnionFind[str] = UnionFind()
    levels: dict[tuple[str, str], Level] = {}
    for a, b, found in confirmed_pairs(sorted(candidate_pairs(sigs)), texts.__getitem__):
        if union.join(a, b):
            levels[(a, b)] = found
    rank = {aid: n for n, aid in enumerate(order if order is not None else sorted(texts))}
    groups: dict[str, list[str]] = {}
    for aid in texts:
        if aid in union.parent:
            groups.setdefault(union.find(aid), []).append(aid)
    stories = []
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda m: (rank.get(m, len(rank)), m))
        inside = [lv for (a, b), lv in levels.items() if a in members and b in members]
        level: Level = "reprint" if all(lv == "reprint" for lv in inside) else "story"
        stories.append(Story(members[0], tuple(members), level))
    stories.sort(key=lambda s: rank.get(s.id, len(rank)))
    return Stories(tuple(stories))


# ---------------------------------------------------------------- what each copy changed


@dataclass(frozen=True)
class Aligned:
    """One row of a comparison: a sentence both copies print, or one only one of them has."""

    change: Change
    left: str  # the sentence in the first copy ("" when it was added in the second)
    right: str  # the sentence in the second copy ("" when the second cut it)


def compare(left: str, right: str) -> list[Aligned]:
    """Two copies aligned sentence by sentence after folding: what the second added, cut or
    reworded. Sentences are matched on their folded letters, so script does not count."""
    ls, rs = sentences(left), sentences(right)
    lk, rk = [comparable(s) for s in ls], [comparable(s) for s in rs]
    rows: list[Aligned] = []
    matcher = difflib.SequenceMatcher(None, lk, rk, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pairs = zip(range(i1, i2), range(j1, j2), strict=True)
            rows += [Aligned("same", ls[i], rs[j]) for i, j in pairs]
            continue
        rows += _pair_changed(ls[i1:i2], lk[i1:i2], rs[j1:j2], rk[j1:j2])
    return rows


def _pair_changed(ls: list[str], lk: list[str], rs: list[str], rk: list[str]) -> list[Aligned]:
    """Within a changed stretch, a sentence much like one on the other side was reworded; the
    rest were cut or added."""
    rows: list[Aligned] = []
    j = 0
    for i, key in enumerate(lk):
        best, best_ratio = None, 0.0
        for jj in range(j, len(rk)):
            ratio = difflib.SequenceMatcher(None, key, rk[jj], autojunk=False).ratio()
            if ratio > best_ratio:
                best, best_ratio = jj, ratio
        if best is not None and best_ratio >= 0.6:
            rows += [Aligned("added", "", rs[k]) for k in range(j, best)]
            rows.append(Aligned("reworded", ls[i], rs[best]))
            j = best + 1
        else:
            rows.append(Aligned("cut", ls[i], ""))
    rows += [Aligned("added", "", rs[k]) for k in range(j, len(rs))]
    return rows
