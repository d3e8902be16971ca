"""Machine translation engines behind one small public shape (`Engine`): DeepL (the official
`deepl` client), Apertium (offline, Debian's pairs) and a pseudo-translator for tests."""

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


class Engine(Protocol):
    """The public shape of an engine, registered under the `transkit.engines` entry points
    and built with its `[mt.<name>]` table of transkit.toml (a dict). Texts carry
    transkit's placeholders (`<g1>…</g1>`, `<x2/>`), which results must keep: transkit
    verifies every result and leaves a broken draft empty, reported.

    Optional (see registry.Driver): `secret_keys`/`secret_urls` (class attributes: names of
    environment variables whose values are never shown), `supports(source, target)` or
    `pairs()`, `check(source, target)` (raise MTError naming what to install),
    `settings(source, target)` (what besides the text decides a result: a cache key),
    `route(source, target)` (shown in the provenance comment), `quality(source, target)`
    (chrF of the pair, for choosing a pivot), `usage()`, `batches(requests)`,
    `translate_requests(requests, source, target)` (with context and billing),
    `close()`, and the class method `from_project(config, table)` instead of `cls(table)`.
    """

    name: str

    def translate(self, texts: list[str], source: str, target: str) -> list[str]: ...
