"""The query language: words (all must match), OR, NOT, ( ), "phrases", field:filters.

Parsing is lenient: an unbalanced quote or parenthesis is closed at the end, a bare or doubled
operator is dropped, an empty field is ignored, control characters become spaces. Only a
query that is too long, or empty once cleaned, is refused (QueryError).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gba_tui.search.dates import iso_date
from gba_tui.search.schema import DATE_FILTERS, FILTER_FIELDS
from gba_tui.text.clean import clean_text
from gba_tui.text.script import normalize_width

MAX_QUERY_CHARS = 1000
_OPEN_QUOTES = '"“”「」'
_QUOTE_PAIRS = {'"': '"', "“": "”", "”": "”", "「": "」"}
_OPERATORS = {"AND", "OR", "NOT"}


class QueryError(ValueError):
    """A query that cannot be run; the message says why."""


@dataclass(frozen=True)
class Word:
    text: str
    field: str | None = None  # a FILTER_FIELDS key, or None for every searchable field
    phrase: bool = False


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Word | And | Or | Not


# ---------------------------------------------------------------- lexing


def clean_query(text: str) -> str:
    text = re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", clean_text(text))
    # Full-width parentheses and colon typed with a Chinese IME act as the ASCII ones.
    return text.replace("\u3000", " ").strip()


def query_warnings(text: str) -> list[str]:
    """Notes on a query that runs but may not do what was meant: an unknown field prefix."""
    out = []
    for m in re.finditer(r"(?:^|[\s(（])-?([A-Za-z]+)[:：]", clean_query(text)):
        name = m.group(1)
        if name.lower() not in FILTER_FIELDS:
            known = ", ".join(f"{f}:" for f in FILTER_FIELDS)
            out.append(f"unknown field {name}: searched as text (fields: {known})")
    for m in re.finditer(r"(?:^|[\s(（])-?(date|after|before)[:：](\S*)", clean_query(text), re.I):
        if not iso_date(m.group(2)):
            out.append(f"{m.group(1)}: takes a date such as 2025-12-22, 2025-12 or 2025")
    return list(dict.fromkeys(out))


def _lex(text: str) -> list[tuple[str, object]]:
    tokens: list[tuple[str, object]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c in "(（":
            tokens.append(("(", None))
            i += 1
            continue
        if c in ")）":
            tokens.append((")", None))
            i += 1
            continue
        if c in _OPEN_QUOTES and c != "」":
            close = _QUOTE_PAIRS.get(c, '"')
            end = text.find(close, i + 1)
            if close == '"' and end == -1:
                end = text.find("”", i + 1)
            body = text[i + 1 :] if end == -1 else text[i + 1 : end]
            tokens.append(("word", Word(body.strip(), None, True)))
            i = n if end == -1 else end + 1
            continue
        # A bare run up to white space; parentheses inside it (首台（套）) belong to the word
        # unless they are unbalanced at its end, where they close a group.
        j = i
        while j < n and not text[j].isspace():
            if text[j] in _OPEN_QUOTES and j > i and text[j - 1] in ":：":
                break
            j += 1
        raw = text[i:j]
        trailing = 0
        while raw and raw[-1] in ")）" and _depth(raw) < 0:
            raw = raw[:-1]
            trailing += 1
        i = j - trailing
        if raw:
            tokens.append(_word_or_operator(raw, text, i, tokens))
            if tokens[-1][0] == "field" and i < n and text[i] in _OPEN_QUOTES:
                continue
    return _attach_fields(tokens)


def _depth(s: str) -> int:
    return sum(1 for c in s if c in "(（") - sum(1 for c in s if c in ")）")


def _word_or_operator(raw: str, text: str, i: int, tokens: list) -> tuple[str, object]:
    if normalize_width(raw) in _OPERATORS:  # ＡＮＤ typed with a Chinese IME too
        return ("op", normalize_width(raw))
    m = re.match(r"^([A-Za-z]+)[:：](.*)$", raw, re.S)
    if m and m.group(1).lower() in FILTER_FIELDS:
        field, rest = m.group(1).lower(), m.group(2)
        if not rest:
            return ("field", field)  # the value may follow as a quoted phrase
        return ("word", Word(rest, field, False))
    if raw.startswith("-") and len(raw) > 1:
        return ("neg", Word(raw[1:]))
    return ("word", Word(raw))


def _attach_fields(tokens: list[tuple[str, object]]) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    k = 0
    while k < len(tokens):
        kind, val = tokens[k]
        if kind == "field":
            nxt = tokens[k + 1] if k + 1 < len(tokens) else None
            if nxt and nxt[0] == "word" and isinstance(nxt[1], Word) and nxt[1].phrase:
                out.append(("word", Word(nxt[1].text, str(val), True)))
                k += 2
                continue
            k += 1  # an empty field filter (title:) is ignored
            continue
        if kind == "neg":
            out.append(("op", "NOT"))
            out.append(("word", val))
        else:
            out.append((kind, val))
        k += 1
    return out


# ---------------------------------------------------------------- parsing


class _Parser:
    def __init__(self, tokens: list[tuple[str, object]]) -> None:
        self.tokens = tokens
        self.k = 0

    def peek(self) -> tuple[str, object] | None:
        return self.tokens[self.k] if self.k < len(self.tokens) else None

    def parse(self) -> Node | None:
        items: list[Node] = []
        while self.peek() is not None:
            node = self.or_expr()
            if node is not None:
                items.append(node)
            elif self.peek() is not None:
                self.k += 1  # a stray ")" or operator: skip it
        return _and(items)

    def or_expr(self) -> Node | None:
        items: list[Node] = []
        left = self.and_expr()
        if left is not None:
            items.append(left)
        while self.peek() == ("op", "OR"):
            self.k += 1
            right = self.and_expr()
            if right is not None:
                items.append(right)
        if not items:
            return None
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self) -> Node | None:
        items: list[Node] = []
        while True:
            tok = self.peek()
            if tok is None or tok == (")", None) or tok == ("op", "OR"):
                break
            if tok == ("op", "AND"):
                self.k += 1
                continue
            node = self.unary()
            if node is not None:
                items.append(node)
        return _and(items)

    def unary(self) -> Node | None:
        tok = self.peek()
        if tok == ("op", "NOT"):
            self.k += 1
            inner = self.unary()
            return Not(inner) if inner is not None else None
        return self.primary()

    def primary(self) -> Node | None:
        tok = self.peek()
        if tok is None:
            return None
        self.k += 1
        kind, val = tok
        if kind == "(":
            inner = self.or_expr()
            while self.peek() is not None and self.peek() != (")", None):
                more = self.or_expr()
                if more is None:
                    self.k += 1
                    continue
                inner = _and([x for x in (inner, more) if x is not None])
            if self.peek() == (")", None):
                self.k += 1
            return inner
        if kind == "word" and isinstance(val, Word):
            return val if val.text.strip() else None
        return None  # ")" or a stray operator


def _and(items: list[Node]) -> Node | None:
    if not items:
        return None
    return items[0] if len(items) == 1 else And(tuple(items))


def parse_query(text: str) -> Node:
    """Parse a user's query; QueryError if it is too long or has nothing to search for."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long: {len(text)} characters (at most {MAX_QUERY_CHARS})")
    node = _Parser(_lex(clean_query(text))).parse()
    if node is None:
        raise QueryError("nothing to search for in that query")
    return node


def positive_words(node: Node) -> list[Word]:
    """The words a hit matched (not those under NOT): what snippets highlight. A date filter
    is not a word of the text."""
    if isinstance(node, Word):
        return [] if node.field in DATE_FILTERS else [node]
    if isinstance(node, Not):
        return []
    return [w for item in node.items for w in positive_words(item)]


def describe(node: Node) -> str:
    """The query as the parser understood it, for headers and export."""
    if isinstance(node, Word):
        text = f'"{node.text}"' if node.phrase or " " in node.text else node.text
        return f"{node.field}:{text}" if node.field else text
    if isinstance(node, Not):
        return f"NOT {describe(node.item)}"
    joiner = " OR " if isinstance(node, Or) else " "
    inner = joiner.join(describe(x) for x in node.items)
    return f"({inner})" if isinstance(node, Or) else inner
