"""Problems as values: one record for what checks find, what the gate refuses and what the
build could not do (where, which rule, how bad, what), rendered by the output layer and
never parsed back from text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .config import SEVERITIES

ERROR = SEVERITIES[0]


@dataclass
class Problem:
    """`rule` is a check id (`numbers`) or one of the gate's and the build's own rules
    (`completeness`, `conflict`, `unextracted`, `fallback`, `broken-translation`,
    `asset`)."""

    rule: str
    severity: str
    message: str
    path: str
    line: int | None = None
    lang: str | None = None
    doc: str | None = None
    source: str | None = None

    @property
    def place(self) -> tuple[str, int]:
        """(path, line): what two problems about one unit share."""
        return (self.path, self.line or 0)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def text(self) -> str:
        """`path:line: message`, the gate's and the build's line."""
        return f"{self.where}: {self.message}"


def in_file_order(problems: Iterable[Problem]) -> list[Problem]:
    """By file and line, each (place, message) once."""
    unique = {(p.place, p.message): p for p in problems}
    return sorted(unique.values(), key=lambda p: (p.path, p.line or 0, p.message))
