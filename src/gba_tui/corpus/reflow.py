"""Hard-wrapped lines → paragraphs: the line-level rules of PDF-extracted newspaper text."""

from __future__ import annotations

import re
import unicodedata

# A line that ends with one of these closes its sentence; anything else runs on.
_CLOSERS = "。！？!?…；;"
_CLOSING_QUOTES = "」』”’）)】》"

_CJK = (
    r"\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u2014\u2026\u201c\u201d\u2018\u2019"
)
_STRAY_SPACE = re.compile(rf"(?<=[{_CJK}])[ \t\u3000]+|[ \t\u3000]+(?=[{_CJK}])")
# In a credit a space separates names (记者 朱贺 何俊杰): it is not extraction damage there.
_CREDIT_SPAN = re.compile(
    r"(?:記者|记者|通訊員|通讯员|實習生|实习生|攝影|摄影)[ \t\u3000]*"
    r"[\u4e00-\u9fff]{2,4}(?:[ \t\u3000]+[\u4e00-\u9fff]{2,4}){1,5}"
    r"(?=[ \t\u3000]*(?:[）)】〕\]：:]|報道|报道))"
)
_HAN_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])[ \t\u3000]+(?=[\u4e00-\u9fff])")


def is_cjk(ch: str) -> bool:
    return bool(re.match(rf"[{_CJK}]", ch))


def display_width(text: str) -> int:
    """Terminal cells: wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def is_closed(line: str) -> bool:
    """True when a line ends its sentence, so the next line starts a new paragraph."""
    s = line.rstrip()
    if not s:
        return True
    s = s.rstrip(_CLOSING_QUOTES) if s[-1] in _CLOSING_QUOTES else s
    # 「……」 alone (a quote that closes) ends a sentence only after a closer inside it.
    return bool(s) and s[-1] in _CLOSERS


def drop_stray_spaces(text: str) -> str:
    """Drop spaces extraction left next to Chinese characters; keep those between Latin words,
    and one space between names in a bracketed credit ((记者 朱贺 何俊杰) names two people)."""
    out, last = [], 0
    for m in _CREDIT_SPAN.finditer(text):
        out.append(_STRAY_SPACE.sub("", text[last : m.start()]))
        out.append(_HAN_SPACE.sub(" ", m.group(0)))
        last = m.end()
    out.append(_STRAY_SPACE.sub("", text[last:]))
    return "".join(out).strip()


def _joins_without_space(before: str, after: str) -> bool:
    """Whether a wrap between two Latin or digit characters split one token (2 / 3.2%, 5 / G,
    QF / LP, partner / ship) rather than fell on a space between two words (Qualified / Foreign)."""
    a, b = before[-1], after[0]
    if a.isdigit() or b.isdigit() or b in "%.,:;)]":
        return True
    if a.isupper() and b.isupper():
        return True
    return a.islower() and b.islower()


def join_wrapped(lines: list[str]) -> str:
    """Join the lines of one paragraph: words broken at a line end become whole again."""
    out = ""
    prev_raw = ""
    for raw in lines:
        raw = raw.rstrip("\r\n")
        line = raw.strip()
        if not line:
            continue
        if out and not is_cjk(out[-1]) and not is_cjk(line[0]):
            # Latin broken at the line end with a hyphen ("Partner-" + "ship") is one word.
            if out.endswith("-") and line[0].isalpha() and out[-2:-1].isalpha():
                out = out[:-1] + line
            elif out.endswith("-") or raw[:1].isspace() or prev_raw[-1:].isspace():
                out += ("" if out.endswith("-") else " ") + line
            elif _joins_without_space(out, line):
                out += line
            else:
                out += " " + line
        else:
            out += line
        prev_raw = raw
    return drop_stray_spaces(out)
