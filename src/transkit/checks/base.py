"""What a check is and what it finds: the registry's vocabulary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..config import SEVERITIES as SEVERITIES

ERROR, WARNING, INFO = SEVERITIES
RANK = {ERROR: 3, WARNING: 2, INFO: 1}


@dataclass(frozen=True)
class Pair:
    """One unit as a per-unit check sees it: source and translation, with languages."""

    source: str
    target: str
    source_lang: str
    target_lang: str
    flags: tuple[str, ...] = ()


@dataclass
class Finding:
    check: str
    severity: str
    message: str
    path: str
    line: int | None = None
    lang: str | None = None
    doc: str | None = None
    source: str | None = None

    def text(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}[{self.check}]: {self.message}"


@dataclass(frozen=True)
class Check:
    """A check: an id, a default severity, a one-line description and its scope.

    Per-unit checks have `unit`: (pair) -> list of messages (empty: passes).
    Other scopes are run by the engine with the whole project in view.
    """

    id: str
    severity: str
    description: str
    scope: str  # "unit", "language", "cross", "document", "file"
    unit: Callable[[Pair], list[str]] | None = field(default=None, compare=False)
