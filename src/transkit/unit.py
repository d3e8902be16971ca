"""The one unit model every part of transkit takes: source text, where it came from, notes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# <g1>…</g1> paired, <x2/> empty: XML-valid, so the same text suits DeepL's tag handling.
PLACEHOLDER = re.compile(r"<(/?)([gx])(\d+)(/?)>")


def excerpt(text: str, width: int = 70) -> str:
    """A unit's text on one line, cut to `width` characters for messages."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def plain_text(text: str) -> str:
    """The text of a unit without its placeholders."""
    return PLACEHOLDER.sub("", text)


@dataclass
class Unit:
    """One translation unit: a sentence, a title, a list item or an attribute value.

    `source` is placeholder text (`<g1>Europol</g1>`); `notes` are shown to the
    translator as extracted comments (the placeholder legend).
    """

    source: str
    doc: str
    line: int
    kind: str
    notes: list[str] = field(default_factory=list)
    context: str | None = None
    target: str = ""
    fuzzy: bool = False

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.source, self.context)
