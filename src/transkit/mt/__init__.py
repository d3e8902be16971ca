"""Machine translation providers behind one small protocol: DeepL (the official `deepl`
client) and a pseudo-translator for testing layout and the pipeline without a key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..errors import TranskitError


class MTError(TranskitError):
    """The MT service failed (bad key, network, timeout, malformed answer): exit 2."""


class QuotaError(MTError):
    """The account's character quota is used up: what was received is kept; exit 1."""

    exit_code = 1


@dataclass
class Request:
    text: str  # placeholder text
    context: str | None = None  # neighbouring sentences (not billed)


@dataclass
class Result:
    text: str
    billed: int


class Provider(Protocol):
    name: str

    def settings(self, target: str) -> str:
        """What, besides the text, determines a translation (a cache key part)."""
        ...

    def allowed(self, target: str) -> bool: ...

    def translate(self, requests: list[Request], source: str, target: str) -> list[Result]: ...

    def usage(self) -> tuple[int, int | None]:
        """Characters used and the limit (None: unlimited)."""
        ...

    def batches(self, requests: list[Request]) -> list[list[Request]]: ...
