"""Inline markup <-> numbered placeholders (<g1>…</g1>, <x2/>).

This module is the only path by which markup re-enters built output: a
translation is parsed into text and known placeholders; anything else it
carries stays text, so lxml escapes it on serialisation.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from lxml import etree

from ..unit import PLACEHOLDER, plain_text

__all__ = ["PLACEHOLDER", "plain_text", "Code", "Encoded", "PlaceholderError", "decode",
           "encode_run", "numbers", "renumber", "tokens", "validate"]

_SPACE = re.compile(r"[ \t\n\r\f\v\u200b]+")

# Elements whose content is kept from the source as is (an <x/> placeholder).
OPAQUE_TAGS = frozenset({"code", "kbd", "samp", "var", "script", "style", "svg", "math", "pre"})
EMPTY_TAGS = frozenset({"br", "img", "wbr", "input", "hr", "embed", "source", "track"})


class PlaceholderError(ValueError):
    """A translation's placeholders do not fit the source's."""


@dataclass
class Code:
    """One inline element of the source, standing for itself in the text."""

    number: int
    kind: str  # "g" (paired) or "x" (empty / opaque)
    element: etree._Element

    def legend(self) -> str:
        tag = self.element.tag if isinstance(self.element.tag, str) else "?"
        attrs = "".join(
            f' {k}="{_short(str(v))}"' for k, v in self.element.attrib.items()
        )
        start = f"<{tag}{attrs}>"
        if self.kind == "g":
            return f"<g{self.number}> = {start}"
        inner = _squash(etree.tostring(self.element, method="text", encoding="unicode",
                                       with_tail=False))
        if inner:
            return f"<x{self.number}/> = {start}{_short(inner, 40)}</{tag}>"
        return f"<x{self.number}/> = {start}"


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def is_translate_no(element: etree._Element) -> bool:
    return str(element.get("translate", "")).strip().lower() == "no"


@dataclass
class Encoded:
    """A run of inline content as placeholder text, with the codes it uses."""

    text: str
    codes: dict[int, Code] = field(default_factory=dict)


def encode_run(lead: str | None, children: list[etree._Element]) -> Encoded:
    """Turn leading text + inline elements (with their tails) into placeholder text."""
    parts: list[str] = []
    codes: dict[int, Code] = {}

    def add_text(text: str | None) -> None:
        if text:
            parts.append(text)

    def visit(element: etree._Element) -> None:
        if not isinstance(element.tag, str):  # comment or processing instruction: dropped
            add_text(element.tail)
            return
        number = len(codes) + 1
        opaque = (
            element.tag in OPAQUE_TAGS
            or element.tag in EMPTY_TAGS
            or is_translate_no(element)
            or (not len(element) and not (element.text or "").strip())
        )
        if opaque:
            codes[number] = Code(number, "x", element)
            parts.append(f"<x{number}/>")
        else:
            codes[number] = Code(number, "g", element)
            parts.append(f"<g{number}>")
            add_text(element.text)
            for child in element:
                visit(child)
            parts.append(f"</g{number}>")
        add_text(element.tail)

    add_text(lead)
    for child in children:
        visit(child)
    return Encoded(_squash("".join(parts)), codes)


def tokens(text: str) -> list[tuple[str, str, int]]:
    """Split placeholder text into ('text', s, 0), ('open'|'close'|'empty', kind, n)."""
    out: list[tuple[str, str, int]] = []
    pos = 0
    for match in PLACEHOLDER.finditer(text):
        if match.start() > pos:
            out.append(("text", text[pos : match.start()], 0))
        closing, kind, number, empty = match.groups()
        n = int(number)
        if kind == "x":
            if closing or not empty:
                out.append(("text", match.group(0), 0))
            else:
                out.append(("empty", kind, n))
        elif empty:
            out.append(("text", match.group(0), 0))
        else:
            out.append(("close" if closing else "open", kind, n))
        pos = match.end()
    if pos < len(text):
        out.append(("text", text[pos:], 0))
    return out


def numbers(text: str) -> list[tuple[str, int]]:
    """Placeholder kinds and numbers in order of first appearance (opening tags only)."""
    seen: dict[tuple[str, int], None] = {}  # ordered, and O(1) to ask
    for kind, name, n in tokens(text):
        if kind in ("open", "empty"):
            seen.setdefault((name, n), None)
    return list(seen)


def renumber(text: str, mapping: dict[int, int]) -> str:
    """Rewrite placeholder numbers through `mapping` (old -> new)."""

    def sub(match: re.Match[str]) -> str:
        closing, kind, number, empty = match.groups()
        n = int(number)
        return f"<{closing}{kind}{mapping.get(n, n)}{empty}>"

    return PLACEHOLDER.sub(sub, text)


def validate(translation: str, expected: dict[int, str]) -> None:
    """Raise PlaceholderError unless the placeholders match `expected` (number -> kind) exactly,
    each used once, pairs properly nested."""
    stack: list[int] = []
    used: set[int] = set()
    for kind, name, n in tokens(translation):
        if kind == "text":
            continue
        if n not in expected:
            raise PlaceholderError(f"unknown placeholder <{name}{n}>")
        if expected[n] != name:
            raise PlaceholderError(f"placeholder {n} must be <{expected[n]}{n}>")
        if kind in ("open", "empty"):
            if n in used:
                raise PlaceholderError(f"placeholder <{name}{n}> used twice")
            used.add(n)
            if kind == "open":
                stack.append(n)
        else:
            if not stack or stack[-1] != n:
                raise PlaceholderError(f"</g{n}> closes a pair that is not open (mis-nested)")
            stack.pop()
    if stack:
        raise PlaceholderError(f"<g{stack[-1]}> is never closed")
    missing = sorted(set(expected) - used)
    if missing:
        names = ", ".join(f"<{expected[n]}{n}>" for n in missing)
        raise PlaceholderError(f"missing placeholder(s) {names}")


def decode(text: str, codes: dict[int, Code]) -> tuple[str, list[etree._Element]]:
    """Build leading text + new inline elements from placeholder text.

    Validates first; every element is a copy of the source's, so only the
    source's markup (tags and attributes) can appear in output.
    """
    validate(text, {n: c.kind for n, c in codes.items()})
    root = etree.Element("root")
    stack: list[etree._Element] = [root]
    last: list[etree._Element | None] = [None]  # last child appended at each depth

    # Text between two placeholders, gathered and set once: text that only looks like a
    # placeholder (`<g2/>`, `<x3>`) comes as many tokens in a row, and adding each to
    # the element's text copied it every time (quadratic in a long run of them).
    pending: list[str] = []

    def flush() -> None:
        if not pending:
            return
        value = "".join(pending)
        pending.clear()
        holder = last[-1]
        if holder is None:
            stack[-1].text = (stack[-1].text or "") + value
        else:
            holder.tail = (holder.tail or "") + value

    for kind, value, n in tokens(text):
        if kind == "text":
            pending.append(value)
            continue
        flush()
        if kind == "empty":
            element = copy.deepcopy(codes[n].element)
            element.tail = None
            stack[-1].append(element)
            last[-1] = element
        elif kind == "open":
            source = codes[n].element
            element = etree.SubElement(stack[-1], source.tag, dict(source.attrib))
            last[-1] = element
            stack.append(element)
            last.append(None)
        else:
            stack.pop()
            last.pop()
    flush()
    return root.text or "", list(root)
