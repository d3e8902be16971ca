"""The one unit model every part of transkit takes: source text, where it came from, notes."""

from __future__ import annotations

from dataclasses import dataclass, field


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
