"""Who printed a report, who wrote it, where and when it was filed.

Chinese news prints this in a few grammars, whatever the outlet: a marker (【大公報訊】,
北京商报讯), a wire dateline (新华社广州6月11日电), a bracketed credit
(（中央社記者張三香港22日電）), a byline line (大公報記者 毛麗娟), a web header
(時間：… 來源：…) or an end byline (（本報記者 張三）). The outlet is recognised by its grammar
(…社, …報, …網, …新聞, …台) and named through a reviewed table of aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib.resources import files
from typing import Literal

from gba_tui.corpus.dates import DateParts, best_date, dateline_day

OutletKind = Literal["paper", "agency", "web", "broadcaster", "government"]

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
_OPEN = r"[（(【〔\[]"
_CLOSE = r"[）)】〕\]]"
_D = r"[0-9０-９]"

# The endings outlets' names take: 新華社, 大公報, 中新網, Now新聞台, 香港電台, 央視新聞客戶端.
_OUTLET_SUFFIX = (
    r"(?:通訊社|通讯社|社|日報|日报|晚報|晚报|報|报|網|网|新聞台|新闻台|新聞網|新闻网|新聞|新闻"
    r"|電視台|电视台|電台|电台|衛視|卫视|客戶端|客户端)"
)
_OUTLET = rf"(?:本報|本报|本網|本网|[{_HAN}A-Za-z0-9]{{1,10}}?{_OUTLET_SUFFIX})"
_REPORT = r"(?:報道|报道|報導|报导|綜合報道|综合报道|專訊|专讯|消息|訊|讯)"
_FILED = r"(?:電|电|專電|专电|訊|讯|消息|報道|报道|報導|报导|綜合外電報導|综合外电报道)"
_DATE = rf"(?:(?:{_D}{{4}}年)?(?:{_D}{{1,2}}月)?{_D}{{1,2}}日)"

# Roles that put a name in the byline and those that do not (data/credit_roles.tsv).
_ONE_CHARACTER_ROLES = (
    r"|[文圖图攝摄](?=\s*[/／:：])"  # 文 and 圖 start names too: only before / or :
)


_PHOTO_CREDIT_END = re.compile(r"(?:攝|摄|供圖|供图)$")
_NAME_SEPARATORS = re.compile(
    r"[、，,；;/／|｜\s]+|(?<=[" + _HAN + r"]{2})[和及與与](?=[" + _HAN + r"]{2})"
)
_TRAILING_REPORT = re.compile(rf"(?:{_DATE})?{_FILED}?$")

# 【大公報訊】, 【香港商報網訊】, 【澳門日報消息】
_BRACKET_MARKER = re.compile(
    rf"^\s*【(?:(?P<outlet>[^】]{{2,14}}?)(?:{_REPORT})|(?P<bare>{_OUTLET}))】"
)
# 北京商报讯, 南方日报讯, 本報訊, 央视网消息 at the start of a lead.
_PLAIN_MARKER = re.compile(
    rf"^\s*(?P<outlet>{_OUTLET}|[{_HAN}]{{2,8}}(?=消息\s*[（(][^）)]{{0,8}}(?:記者|记者)))"
    rf"(?:{_REPORT})(?=[\s（(【:：記记]|$)"
)
# 新华社广州6月11日电, 據新華社香港8月31日電, 中新网深圳4月23日电, 香港中通社3月9日電
_WIRE = re.compile(
    rf"^\s*【?\s*(?P<via>據|据)?\s*(?P<outlet>{_OUTLET})\s*[／/]?\s*(?P<city>[{_HAN}]{{0,6}}?)\s*"
    rf"(?P<date>{_DATE})\s*(?:{_FILED})\s*】?"
)
# （中央社記者張謙香港22日電）, (香港文匯網記者 李紫妍), （記者 張三）
_BRACKET_CREDIT = re.compile(
    rf"^\s*{_OPEN}\s*(?P<outlet>{_OUTLET})?\s*(?P<role>(?:首席|特約|特约|見習|见习)?(?:記者|记者))"
    rf"(?P<rest>[^）)】〕\]]{{1,40}}){_CLOSE}"
)
# A reporters' group after a marker: （记者 朱贺 何俊杰）, (記者/李明), 記者盧靜怡廣州報道：
_GROUP = re.compile(rf"^\s*{_OPEN}(?P<rest>[^）)】〕\]，。,]{{1,60}}){_CLOSE}?")
_RUN_IN = re.compile(
    rf"^\s*(?P<outlet>[{_HAN}]{{0,12}}?)(?:全媒體|全媒体)?"
    rf"(?P<role>(?:首席|特約|特约|見習|见习)?(?:記者|记者))\s*(?P<rest>[^，。：:；]{{1,30}}?)\s*"
    rf"(?:{_REPORT})?\s*[：:]"
)
_VIA_AGENCY = re.compile(rf"^\s*(?:據|据)\s*(?P<outlet>{_OUTLET})\s*(?:{_REPORT})")
# A byline on its own line: 大公報記者 毛麗娟, ●香港文匯報記者 黃寶儀 廣州報道,
# 文/記者 張三, 本报记者 李四
_BYLINE_LINE = re.compile(
    rf"^[●■◆]?\s*(?:文\s*[/／]\s*)?(?P<outlet>[{_HAN}A-Za-z0-9 ]{{0,14}}?)\s*(?:全媒體|全媒体)?"
    r"(?P<role>(?:首席|特約|特约|見習|见习)?(?:記者|记者|通訊員|通讯员))\s*(?P<rest>[^，。：:；]{1,30})$"
)
_DESK_BYLINE = re.compile(
    rf"^(?P<outlet>[{_HAN}]{{2,10}}?)(?:綜合報道|综合报道|綜合报道|編譯|编译|特稿|專電|专电)$"
)
# 時間：2024-08-31 08:42 來源：香港商報 / 来源：新华网 2024年08月31日 /
# 責任編輯：X 2024-08-31 來源: 網
_WEB_LABEL = re.compile(
    r"(?:^|(?<=[\s|｜/\d]))(?:稿件|新聞|新闻|文章)?"
    r"(?P<label>發布時間|发布时间|更新時間|更新时间|時間|时间|日期|來源|来源"
    r"|作者|記者|记者|責任編輯|责任编辑|編輯|编辑)"
    r"\s*[：:]\s*"
)
_WEB_DATETIME = re.compile(
    rf"(?:19|20){_D}{{2}}[-/.年]{_D}{{1,2}}[-/.月]{_D}{{1,2}}日?(?:\s*{_D}{{1,2}}:{_D}{{2}})?"
)
# An end byline closing the last paragraph: （本報記者 張三）, (新華社記者 李四), （記者：王五）
_END_BYLINE = re.compile(
    rf"{_OPEN}\s*(?P<outlet>{_OUTLET})?\s*(?:首席|特約|特约|見習|见习)?(?:記者|记者|通訊員|通讯员)"
    rf"\s*[：:]?\s*(?P<rest>[^）)】〕\]\n]{{2,30}}){_CLOSE}\s*$"
)
# 《人民日报》（2025年11月18日 第08版）: a reprint's citation of where and when it was printed.
_PRINT_CITATION = re.compile(
    rf"《(?P<outlet>[^》]{{2,12}})》\s*{_OPEN}\s*(?P<date>{_D}{{4}}\s*年\s*{_D}{{1,2}}\s*月\s*{_D}{{1,2}}\s*日)"
    rf"[^）)]{{0,12}}{_CLOSE}"
)


@dataclass(frozen=True)
class Outlet:
    name: str  # canonical, Traditional
    kind: OutletKind


@dataclass(frozen=True)
class Credit:
    """What a lead, byline or header says about a report."""

    source: str = ""  # the outlet that printed it (canonical name)
    agency: str = ""  # the wire service whose story it runs, when that is another outlet
    reporters: tuple[str, ...] = ()
    dateline: str = ""  # the place it was filed from, as printed
    filed: DateParts | None = None  # the dateline's day, often without month or year
    published: DateParts | None = None  # a full publication date (web header, citation)
    printed: str = ""  # the credit as printed at the start of the paragraph or line

    def merged(self, other: Credit) -> Credit:
        """This credit with the gaps filled from another (what this one says wins)."""
        return Credit(
            source=self.source or other.source,
            agency=self.agency or other.agency,
            reporters=self.reporters or other.reporters,
            dateline=self.dateline or other.dateline,
            filed=self.filed or other.filed,
            published=self.published or other.published,
            printed=self.printed or other.printed,
        )


# ---------------------------------------------------------------- reviewed data


def _data_lines(name: str) -> list[str]:
    text = files("gba_tui.corpus").joinpath("data", name).read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def _outlets() -> dict[str, Outlet]:
    from gba_tui.text.script import fold_script

    table: dict[str, Outlet] = {}
    for line in _data_lines("outlets.tsv"):
        cells = line.split("\t")
        name, kind = cells[0], cells[1]
        outlet = Outlet(name, kind)  # type: ignore[arg-type]
        for alias in [name, *(cells[2].split() if len(cells) > 2 else [])]:
            table.setdefault(fold_script(alias).lower(), outlet)
    return table


@lru_cache(maxsize=1)
def dateline_places() -> tuple[str, ...]:
    """Places reports are filed from, in both scripts, longest first."""
    from gba_tui.text.script import to_simplified, to_traditional

    names: set[str] = set()
    for line in _data_lines("dateline_places.txt"):
        for name in line.split():
            names.update({name, to_simplified(name), to_traditional(name)})
    return tuple(sorted(names, key=len, reverse=True))


@lru_cache(maxsize=1)
def _roles() -> dict[str, str]:
    from gba_tui.text.script import to_simplified, to_traditional

    roles: dict[str, str] = {}
    for line in _data_lines("credit_roles.tsv"):
        role, kind = line.split("\t")[:2]
        for form in (role, to_simplified(role), to_traditional(role)):
            roles.setdefault(form, kind)
    return roles


@lru_cache(maxsize=1)
def _reporter_roles() -> frozenset[str]:
    return frozenset(r for r, kind in _roles().items() if kind == "reporter") | {"文"}


@lru_cache(maxsize=1)
def _role_pattern() -> re.Pattern[str]:
    words = sorted((re.escape(r) for r in _roles() if len(r) > 1), key=len, reverse=True)
    return re.compile("(" + "|".join(words) + _ONE_CHARACTER_ROLES + ")")


def find_outlet(name: str) -> Outlet | None:
    from gba_tui.text.script import fold_script

    return _outlets().get(fold_script(name.strip()).lower())


def canonical_source(name: str) -> str:
    """An outlet's name as the table names it (大公网 → 大公報); unknown ones in Traditional."""
    name = name.strip().strip("●■◆ ")
    if name in ("", "本報", "本报", "本網", "本网", "本刊"):
        return ""
    outlet = find_outlet(name)
    if outlet is not None:
        return outlet.name
    from gba_tui.text.script import to_traditional

    return to_traditional(name)


# ---------------------------------------------------------------- names


def _strip_place(rest: str) -> tuple[str, str]:
    """'盧靜怡廣州' → ('盧靜怡', '廣州'): a dateline place printed after the names."""
    for place in dateline_places():
        if rest.endswith(place) and len(rest.rstrip()) > len(place):
            return rest[: -len(place)].rstrip(), place
    return rest, ""


def split_reporters(text: str) -> tuple[tuple[str, ...], str]:
    """Reporters' names and the dateline place from a credit's words.

    '記者 朱賀 何俊傑' → both names (a space between names separates them); '記者盧靜怡廣州報道'
    → ('盧靜怡',), '廣州'; '记者 张三 通讯员 李四' → both; '攝影 王五' → nobody (a photographer)."""
    text = _TRAILING_REPORT.sub("", text.strip()).strip()
    if _PHOTO_CREDIT_END.search(text):
        return (), ""  # 記者 張三 攝: a photographer's credit
    text, place = _strip_place(text)
    names: list[str] = []
    # Words before a first reporter's role (新華社記者 X, 駐香港記者 X) name the outlet or the
    # posting; names before another role (李溪 許傳軍 監製 郭美紅) are the reporters'.
    first = _role_pattern().search(text)
    role = "" if first and first.group(0) in _reporter_roles() else "記者"
    for piece in _role_pattern().split(text):
        piece = piece.strip(" :：/／")
        if not piece:
            continue
        if _role_pattern().fullmatch(piece):
            role = piece
            continue
        if role not in _reporter_roles():
            continue
        for name in _NAME_SEPARATORS.split(piece):
            name = name.strip()
            if (
                2 <= len(name) <= 4
                and re.fullmatch(rf"[{_HAN}·]+", name)
                or re.fullmatch(r"[A-Za-z][A-Za-z .'-]{1,30}", name)
            ):
                names.append(name)
    return tuple(dict.fromkeys(names)), place


# ---------------------------------------------------------------- leads


def _wire_credit(m: re.Match[str]) -> Credit:
    outlet = canonical_source(m.group("outlet"))
    city = m.group("city") or ""
    day = dateline_day(m.group("date"))
    credit = Credit(dateline=city, filed=day, printed=m.group(0).strip())
    if m.group("via"):  # 據新華社…電: a paper running the wire
        return replace(credit, agency=outlet)
    return replace(credit, source=outlet)


def _reporters_after(text: str, credit: Credit) -> Credit:
    """The reporters' group that follows a marker or dateline, bracketed or run in."""
    g = _GROUP.match(text)
    if g and re.match(r"\s*\S{0,12}?(?:記者|记者|通訊員|通讯员)|\s*\S{0,4}[/／]", g.group("rest")):
        rest = g.group("rest")
        if not re.search(_CLOSE + "$", g.group(0)):
            # 香港中通社3月9日電(記者 楊明恩香港… : an unclosed credit runs into the text; take
            # the first name after the role (three characters, the common length).
            rest = re.sub(rf"^(.*?(?:記者|记者)[\s:：/／]*[{_HAN}]{{3}}).*$", r"\1", rest)
        names, place = split_reporters(rest)
        return replace(
            credit,
            reporters=names,
            dateline=credit.dateline or place,
            printed=credit.printed + g.group(0),
        )
    r = _RUN_IN.match(text)
    if r:
        names, place = split_reporters(r.group("rest"))
        return replace(
            credit,
            reporters=names,
            dateline=credit.dateline or place,
            printed=credit.printed + r.group(0),
        )
    v = _VIA_AGENCY.match(text)
    if v:
        return replace(
            credit, agency=canonical_source(v.group("outlet")), printed=credit.printed + v.group(0)
        )
    return credit


def lead_credit(paragraph: str) -> Credit | None:
    """The credit a report's lead opens with, or None when it opens with plain text."""
    m = _BRACKET_MARKER.match(paragraph)
    if m:
        outlet = m.group("outlet") or m.group("bare")
        credit = Credit(source=canonical_source(outlet), printed=m.group(0))
        return _reporters_after(paragraph[m.end() :], credit)
    m = _WIRE.match(paragraph)
    if m:
        credit = _wire_credit(m)
        return _reporters_after(paragraph[m.end() :], credit)
    m = _BRACKET_CREDIT.match(paragraph)
    if m:
        rest = m.group("rest")
        filed = None
        dm = re.search(rf"(?P<date>{_DATE})\s*(?:{_FILED})?\s*$", rest)
        if dm:
            filed = dateline_day(dm.group("date"))
            rest = rest[: dm.start()]
        names, place = split_reporters(rest)
        outlet = canonical_source(m.group("outlet") or "")
        return Credit(
            source=outlet, reporters=names, dateline=place, filed=filed, printed=m.group(0)
        )
    m = _PLAIN_MARKER.match(paragraph)
    if m:
        credit = Credit(source=canonical_source(m.group("outlet")), printed=m.group(0))
        return _reporters_after(paragraph[m.end() :], credit)
    m = _RUN_IN.match(paragraph)
    if m:
        names, place = split_reporters(m.group("rest"))
        if names:
            source = canonical_source(m.group("outlet"))
            return Credit(source=source, reporters=names, dateline=place, printed=m.group(0))
    return None


def byline_credit(line: str) -> Credit | None:
    """A byline printed on its own line: 大公報記者 毛麗娟, 新華社綜合報道."""
    s = line.strip()
    if len(s) > 40:
        return None
    m = _BYLINE_LINE.match(s)
    if m:
        rest = m.group("rest").strip()
        # "記者 毛麗娟" or "記者盧靜怡廣州報道": a short run of names, not a sentence.
        if len(rest) > 20 or re.search(r"[，。；,;]", rest):
            return None
        names, place = split_reporters(m.group("role") + " " + rest)
        if not names:
            return None
        return Credit(
            source=canonical_source(m.group("outlet")), reporters=names, dateline=place, printed=s
        )
    m = _DESK_BYLINE.match(s)
    if m:
        return Credit(source=canonical_source(m.group("outlet")), printed=s)
    return None


def end_byline(paragraph: str) -> Credit | None:
    """（本報記者 張三） closing a report's last paragraph."""
    m = _END_BYLINE.search(paragraph.strip())
    if not m:
        return None
    names, place = split_reporters(m.group("rest"))
    if not names:
        return None
    return Credit(
        source=canonical_source(m.group("outlet") or ""), reporters=names, printed=m.group(0)
    )


def is_web_header(line: str) -> bool:
    """時間：2024-08-31 08:42 來源：香港商報, 2023-09-25 12:37, [第3432期 2018-12-03發表]: a web
    page's line of date, source and author, with little else on it."""
    s = line.strip()
    if len(s) > 90 or "。" in s:
        return False
    labels = {m.group("label") for m in _WEB_LABEL.finditer(s)}
    has_source = bool(labels & {"來源", "来源"})
    dated = _WEB_DATETIME.search(s)
    if (has_source and (dated or len(s) <= 30)) or (dated and labels):
        return True
    if not dated:
        return False
    rest = _WEB_DATETIME.sub("", s)
    return len(re.findall(rf"[{_HAN}]", rest)) <= 8 and not re.search(r"[，,；;！？!?]", rest)


def web_header_credit(line: str) -> Credit:
    """Source, author and publication date from a web header line."""
    s = line.strip()
    parts = list(_WEB_LABEL.finditer(s))
    source = ""
    reporters: tuple[str, ...] = ()
    for k, m in enumerate(parts):
        end = parts[k + 1].start() if k + 1 < len(parts) else len(s)
        value = _WEB_DATETIME.sub("", s[m.end() : end]).strip(" |｜/　")
        value = re.split(r"\s{2,}|\s*[|｜]\s*", value)[0].strip()
        if m.group("label") in ("來源", "来源") and value:
            source = canonical_source(re.sub(r"(?:原創|原创)$", "", value.split()[0]))
        elif m.group("label") in ("作者", "記者", "记者") and value:
            reporters, _ = split_reporters(value)
    dt = _WEB_DATETIME.search(s)
    published = best_date(dt.group(0)) if dt else None
    return Credit(source=source, reporters=reporters, published=published, printed=s)


def print_citation(text: str) -> Credit | None:
    """《人民日报》（2025年11月18日 第08版）: the paper and the day a reprint was printed."""
    m = _PRINT_CITATION.search(text)
    if not m:
        return None
    return Credit(source=canonical_source(m.group("outlet")), published=best_date(m.group("date")))
