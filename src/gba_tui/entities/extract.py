"""Gazetteer + rules + segmenter candidates → the entities an article names.

Evidence, in order of trust: the curated gazetteer (gazetteer.tsv); rules (bylines, a title
before a name, organisation suffixes on word boundaries, 《…》 titles and their short forms);
segmenter tags (rjieba on folded text), kept only when a rule agrees. Everything is matched on
the folded text (Simplified, NFKC), whose offsets are those of the original, so one thing is
one entity whatever the script and the mentions land on the printed characters.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from gba_tui.corpus.model import Article
from gba_tui.text.script import fold_script, to_traditional

# Bump when extraction changes what it finds: indexes built before are rebuilt on next use.
EXTRACTOR_VERSION = 1

ENTITY_TYPES = ("person", "org", "place", "policy", "programme", "event", "document")

Span = tuple[int, int]


@dataclass
class Entity:
    """An entity as named in one article: its canonical name, type, aliases and mentions."""

    name: str
    type: str
    key: str  # folded canonical name: the same thing in either script has the same key
    aliases: set[str] = field(default_factory=set)
    mentions: list[Span] = field(default_factory=list)  # offsets into Article.full_text

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "key": self.key,
            "aliases": sorted(self.aliases - {self.name}),
            "count": len(self.mentions),
            "mentions": [list(m) for m in sorted(self.mentions)],
        }


# ---------------------------------------------------------------- the gazetteer


@dataclass(frozen=True)
class GazetteerEntry:
    name: str
    type: str
    aliases: tuple[str, ...]


@lru_cache(maxsize=1)
def gazetteer() -> tuple[GazetteerEntry, ...]:
    text = resources.files("gba_tui.entities").joinpath("gazetteer.tsv").read_text("utf-8")
    entries = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t") + ["", ""]
        name, etype, aliases = cols[0].strip(), cols[1].strip(), cols[2].strip()
        if etype not in ENTITY_TYPES:
            raise ValueError(f"gazetteer.tsv: unknown type {etype!r} for {name}")
        entries.append(
            GazetteerEntry(name, etype, tuple(a for a in aliases.split("|") if len(a) >= 2))
        )
    return tuple(entries)


@lru_cache(maxsize=1)
def _gazetteer_index() -> tuple[re.Pattern[str], dict[str, GazetteerEntry]]:
    forms: dict[str, GazetteerEntry] = {}
    for e in gazetteer():
        for surface in (e.name, *e.aliases):
            forms.setdefault(fold_script(surface).lower(), e)
    ordered = sorted(forms, key=len, reverse=True)
    # Longest first, so 香港科技大學（廣州） wins over 香港科技大學 at the same place.
    pattern = re.compile("|".join(re.escape(f) for f in ordered))
    return pattern, forms


# ---------------------------------------------------------------- rule vocabulary (folded forms)

_TITLES = sorted(
    fold_script(t)
    for t in (
        "教授 副教授 院長 副院長 執行院長 校長 副校長 局長 副局長 部長 副部長 主任 副主任 "
        "常務副主任 "
        "司長 副司長 書記 主席 副主席 總統 總理 理事長 會長 執行會長 社長 首任社長 研究員 副研究員 "
        "經理 副經理 總經理 董事長 創始人 聯合創始人 首席技術官 首席執行官 首席經濟學家 行政長官 "
        "特首 專員 總領事 代總領事 院士 博士 專家 分析師 總裁 副總裁 秘書長 署長 處長 廳長 市長 "
        "省長 區長 議員 主席兼行政總裁 行政總裁 CEO 投資人 負責人 導師 學者 主編 律師 合夥人"
    ).split()
)
_TITLE_RE = "|".join(re.escape(t) for t in sorted(_TITLES, key=len, reverse=True))
_SPEECH = (
    "表示 指出 認為 建議 介紹 透露 說 稱 強調 分析 看來 致辭 告訴 受訪 坦言 提到 提出 "
    "預計 預期 相信 直言 解釋 補充 呼籲 談到 回應 亦 也 曾 在 對 於 等 和 與 及 則 還 更 的"
)
_BOUNDARY = "|".join(re.escape(fold_script(v)) for v in _SPEECH.split()) + "|" + _TITLE_RE
_SURNAMES = fold_script(
    "王李張劉陳楊黃趙吳周徐孫馬朱胡郭何高林羅鄭梁謝宋唐許韓馮鄧曹彭曾蕭田董袁潘于蔣蔡余杜葉程"
    "蘇魏呂丁任沈姚盧姜崔鍾譚陸汪范金石廖賈夏韋付方白鄒孟熊秦邱江尹薛閻段雷侯龍史陶黎賀顧毛郝"
    "龔邵萬錢嚴覃武戴莫孔向湯倪凌莊丘盛習歐莫溫駱甘柯翁鄔樊伍祝饒聶鄺麥岑戈閆闞查冼區"
)
_NAME = f"[{_SURNAMES}][\u4e00-\u9fff]"
_PERSON_AFTER_TITLE = re.compile(
    rf"(?:{_TITLE_RE})(?:、|兼)?(?P<name>{_NAME}[\u4e00-\u9fff](?=[（(，。、：:\s]|{_BOUNDARY})"
    rf"|{_NAME}(?=[（(，。、：:\s]|{_BOUNDARY}))"
)
# After a title, a name without a common surname (本力, 博格丹) only where a speech verb or
# 在/對 follows at once and the segmenter knows no such word.
_STRONG_SPEECH = "|".join(
    re.escape(fold_script(v)) for v in "表示 指出 認為 建議 介紹 透露 強調".split()
)
_UNUSUAL_NAME_AFTER_TITLE = re.compile(
    rf"(?:{_TITLE_RE})(?P<name>[\u4e00-\u9fff]{{2,3}}?)(?=在|對|对|{_STRONG_SPEECH})"
)
_PERSON_BEFORE_VERB = re.compile(
    rf"(?<![\u4e00-\u9fff])(?P<name>{_NAME}{{1,2}})(?:{_STRONG_SPEECH}|坦言)"
)
# Characters that never end an organisation or person name and words that look like names
# but are not; grown with every false positive found (tests/test_entities.py keeps the list).
JUNK = {
    fold_script(w)
    for w in (
        "高水平 建立健全 大灣 活水 記者 意見 規劃 措施 通知 辦法 方案 條例 綱要 若干意見 "
        "布局 格局 內部 外部 全部 局部 部分 部署 當局 大局 總部 幹部 東部 西部 南部 北部 中部 "
        "結局 開局 頭部 腦部 本部 俱樂部 全局 郵局 有限公司 公司 集團 大學 學院 實驗室 研究院 "
        "協會 委員會 總局 政府 特區政府 海外部 國際合作部 本校 學校 高校 該公司 該司 母公司 "
        "上市公司 保險公司 金融租賃公司 機器人公司 科技公司 醫藥公司 中型公司 高新技術企業 "
        "高科技公司 重點實驗室 辦公室 研究所 攻堅破局 破局 簽署 現場簽署 內部署 國家實驗室"
    ).split()
}
# Words ending like an organisation (…局, …部, …署) that are ordinary words: never an org's tail.
_JUNK_TAILS = {
    fold_script(w)
    for w in (
        "布局 佈局 格局 破局 全局 大局 當局 開局 結局 出局 時局 變局 新局 部署 簽署 內部 外部 全部 "
        "局部 東部 西部 南部 北部 中部 頭部 底部 總部 幹部 本部 俱樂部 腹部 後部 一部 這部"
    ).split()
}
# First words that make a generic description, not a name (重點實驗室, 產業研究院).
_GENERIC_HEADS = {
    fold_script(w)
    for w in (
        "重點 產業 發展 經濟 高科技 國際 現場 高校 協同 集群 鏈 重大 相關 專業 新型 有關 各類 "
        "多家 該 研究型 行業 本地 當地 這些 一批"
    ).split()
}
_ORG_SUFFIXES = tuple(
    fold_script(s)
    for s in (
        "大學 學院 實驗室 研究院 研究所 研究中心 研究會 集團 公司 有限公司 協會 商會 聯合會 "
        "委員會 總局 局 部 署 辦公室 銀行 交易所 基金會 醫院 聯盟 科學院 工程院"
    ).split()
)
_NOUNISH = {"n", "nr", "ns", "nt", "nz", "nrt", "j", "eng", "vn", "an", "ng", "nrfg"}
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

_segmenter_lock = threading.Lock()


@lru_cache(maxsize=1)
def _segmenter():  # type: ignore[no-untyped-def]
    """rjieba with the gazetteer's names in its dictionary, tagged by type (loaded once)."""
    import rjieba

    tags = {"person": "nr", "org": "nt", "place": "ns"}
    for e in gazetteer():
        for surface in (e.name, *e.aliases):
            rjieba.add_word(fold_script(surface), None, tags.get(e.type, "nz"))
    return rjieba


def _tag(folded: str) -> list[tuple[str, str, int]]:
    with _segmenter_lock:
        tagged = _segmenter().tag(folded, True)
    out, pos = [], 0
    for word, tag in tagged:
        out.append((word, tag, pos))
        pos += len(word)
    return out


# ---------------------------------------------------------------- extraction


class _Collector:
    def __init__(self, text: str, folded: str) -> None:
        self.text = text
        self.folded = folded
        self.entities: dict[tuple[str, str], Entity] = {}
        self.claimed: list[Span] = []

    def add(
        self,
        name: str,
        etype: str,
        span: Span | None,
        alias: str | None = None,
        canonical: bool = False,
    ) -> Entity:
        key = _key(name)
        ent = self.entities.get((etype, key))
        if ent is None:
            ent = Entity(name if canonical else traditional_name(name), etype, key)
            self.entities[(etype, key)] = ent
        if alias and _key(alias) != key:
            ent.aliases.add(alias)
        if span and span not in ent.mentions:
            ent.mentions.append(span)
            self.claimed.append(span)
        return ent

    def free(self, span: Span) -> bool:
        a, b = span
        return all(b <= x or a >= y for x, y in self.claimed)


@lru_cache(maxsize=8192)
def _key(name: str) -> str:
    return fold_script(name).lower()


@lru_cache(maxsize=8192)
def traditional_name(name: str) -> str:
    """The Traditional form of a name printed in Simplified; a Traditional name as printed."""
    if fold_script(name) != name:
        return name  # already has Traditional characters
    return to_traditional(name)


def extract_entities(article: Article, folded: str | None = None) -> list[Entity]:
    """The people, organisations, places and policies one article names. `folded` is
    fold_script(article.full_text) when the caller has it already."""
    text = article.full_text
    folded = fold_script(text) if folded is None else folded
    c = _Collector(text, folded)
    _gazetteer_matches(c)
    _policies(c)
    _people(c, article)
    _organisations(c)
    _places(c)
    _short_forms(c)
    return [e for e in c.entities.values() if e.mentions or e.type == "person"]


def _gazetteer_matches(c: _Collector) -> None:
    pattern, forms = _gazetteer_index()
    low = c.folded.lower()
    for m in pattern.finditer(low):
        entry = forms[m.group()]
        if entry.type == "place" and re.match(r"[商日晚]?[报報]", low[m.end() : m.end() + 2]):
            continue  # 北京商報 names a paper, not a place
        printed = c.text[m.start() : m.end()]
        c.add(entry.name, entry.type, (m.start(), m.end()), alias=printed, canonical=True)


def _policies(c: _Collector) -> None:
    full_titles: list[Entity] = []
    for m in _BOOK_TITLE.finditer(c.text):
        inner = m.group(1).strip()
        span = (m.start(1), m.end(1))
        f_inner = fold_script(inner)
        # A short reference (《意見》) after the full title is an alias of that title.
        owner = next(
            (e for e in reversed(full_titles) if len(f_inner) <= 8 and f_inner in e.key),
            None,
        )
        if owner is not None:
            owner.aliases.add(inner)
            owner.mentions.append(span)
            continue
        if f_inner in JUNK or len(inner) < 3:
            continue  # a bare 《意見》 with nothing to refer to is not an entity
        etype = "policy" if _POLICY_WORDS.search(f_inner) else "document"
        full_titles.append(c.add(inner, etype, span))


def _people(c: _Collector, article: Article) -> None:
    names: dict[str, str] = {}  # folded → printed
    for n in article.byline:
        names[fold_script(n)] = n
    for m in _PERSON_AFTER_TITLE.finditer(c.folded):
        f = m.group("name")
        if f not in JUNK:
            names.setdefault(f, c.text[m.start("name") : m.end("name")])
    for m in _UNUSUAL_NAME_AFTER_TITLE.finditer(c.folded):
        f = m.group("name")
        if f not in names and f not in JUNK and not _known_word(f) and not _TITLE_SET & {f}:
            names[f] = c.text[m.start("name") : m.end("name")]
    for m in _PERSON_BEFORE_VERB.finditer(c.folded):
        f = m.group("name")
        # Only a name already evidenced elsewhere, or one the segmenter also calls a person.
        if f in names or f in JUNK:
            continue
        if _segmenter_says_person(f):
            names.setdefault(f, c.text[m.start("name") : m.end("name")])
    for f, printed in names.items():
        ent = c.add(printed, "person", None)
        for start in _find_all(c.folded, f):
            span = (start, start + len(f))
            if c.free(span):
                ent.mentions.append(span)
                c.claimed.append(span)
        if not ent.mentions:
            ent.mentions.append((0, 0))  # a byline: named, not in the text


_TITLE_SET = set(_TITLES)


def _known_word(folded: str) -> bool:
    with _segmenter_lock:
        seg = _segmenter()
        return bool(seg.has_word(folded)) or any(
            seg.has_word(folded[i:]) for i in range(1, len(folded) - 1)
        )


def _segmenter_says_person(folded_name: str) -> bool:
    tagged = _tag(folded_name + "表示")
    return bool(tagged) and tagged[0][0] == folded_name and tagged[0][1] in ("nr", "nrfg", "nrt")


_ORG_TAIL = re.compile(
    "(?:"
    + "|".join(re.escape(x) for x in sorted(set(_ORG_SUFFIXES), key=len, reverse=True))
    + ")(?![分署门长面势])"  # 部分, 部署, 局面 … are words, not the end of a name
)
# 市场, 区域, 区块 … are words, not places: skip them before asking the segmenter.
_PLACE_TAIL = re.compile(r"[\u4e00-\u9fff]{2,4}?[省市县区镇](?![场域块别间值民长委])")
_WINDOW = 18


def _window_tokens(c: _Collector, end: int) -> list[tuple[str, str, int]]:
    """Segment only the stretch before a suffix: an article has a few, and the segmenter's
    cost grows with the text it is given."""
    start = max(0, end - _WINDOW)
    # Begin the window at a punctuation mark when there is one, so its first word is whole.
    cut = max((c.folded.rfind(p, start, end) for p in "，。、；：「」《》（）() \n"), default=-1)
    if cut >= start:
        start = cut + 1
    return [(w, t, start + p) for w, t, p in _tag(c.folded[start:end])]


def _organisations(c: _Collector) -> None:
    for m in _ORG_TAIL.finditer(c.folded):
        tagged = _window_tokens(c, m.end() + 1)
        k = next((n for n, (w, _, p) in enumerate(tagged) if p + len(w) == m.end()), None)
        if k is None:
            continue  # the suffix is inside a longer word (布局 in 布局图, 部 in 部分)
        word, tag, pos = tagged[k]
        if not re.fullmatch(r"[\u4e00-\u9fff]+", word) or word in _JUNK_TAILS:
            continue
        start, end = pos, pos + len(word)
        j = k
        # Reach back over name-like words (国家/知识产权局), never over verbs or particles;
        # always over a named organisation or place just before (暨南大学/经济学院).
        while j > 0 and end - start < 16:
            w, t, p = tagged[j - 1]
            if not re.fullmatch(r"[\u4e00-\u9fff]+", w):
                break
            if t in ("nt", "ns") or (t in _NOUNISH and end - start < 4 and k - j < 2):
                start, j = p, j - 1
                continue
            break
        cand = c.folded[start:end]
        head = tagged[j][0]
        if len(cand) < 3 or cand in JUNK or head in _GENERIC_HEADS or cand[:2] in _GENERIC_HEADS:
            continue
        if not c.free((start, end)):
            continue
        c.add(c.text[start:end], "org", (start, end))


def _places(c: _Collector) -> None:
    for m in _PLACE_TAIL.finditer(c.folded):
        if not c.free((m.start(), m.end())):
            continue
        tagged = _window_tokens(c, m.end() + 1)
        word, tag, pos = next(
            ((w, t, p) for w, t, p in tagged if p + len(w) == m.end()), ("", "", 0)
        )
        if tag == "ns" and len(word) >= 3 and word not in JUNK:
            span = (pos, pos + len(word))
            if c.free(span):
                c.add(c.text[span[0] : span[1]], "place", span)


def _short_forms(c: _Collector) -> None:
    """(下稱港投公司), （以下簡稱"交易商協會"）: an alias of the entity named just before."""
    for m in _SHORT_FORM.finditer(c.folded):
        short = c.text[m.start(1) : m.end(1)]
        before = [
            e for e in c.entities.values() for s, t in e.mentions if m.start() - 2 <= t <= m.start()
        ]
        if before:
            owner = before[0]
            owner.aliases.add(short)
            f_short = fold_script(short)
            for start in _find_all(c.folded, f_short):
                span = (start, start + len(f_short))
                if c.free(span) and span not in owner.mentions:
                    owner.mentions.append(span)


def _find_all(haystack: str, needle: str) -> Iterable[int]:
    i = haystack.find(needle)
    while i != -1 and needle:
        yield i
        i = haystack.find(needle, i + len(needle))
