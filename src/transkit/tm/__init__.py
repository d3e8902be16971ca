"""Translation memory: a store (SQLite by default, PostgreSQL for a team), token-based
fuzzy matching with explanations, learning from the project's catalogues, TMX exchange."""

from __future__ import annotations

import os
import re

from ..config import Config
from .store import Entry, Match, Store, Variant

__all__ = ["Entry", "Match", "Store", "Variant", "open_locator", "open_store", "tm_locator"]

_URL = re.compile(r"^postgres(?:ql)?://", re.IGNORECASE)
URL_ENV = "TRANSKIT_TM_URL"


def tm_locator(config: Config) -> str:
    """Where the project's TM lives: TRANSKIT_TM_URL, else `[tm] url`, else `[tm] path`."""
    url = os.environ.get(URL_ENV, "").strip() or config.tm.url
    return url or str(config.root / config.tm.path)


def open_locator(locator: str) -> Store:
    """A PostgreSQL URL opens the server store; anything else is an SQLite file."""
    if _URL.match(locator):
        from .postgres import PostgresStore

        return PostgresStore(locator)
    from .sqlite import SQLiteStore

    return SQLiteStore(locator)


def open_store(config: Config) -> Store:
    """The project's TM as configured."""
    return open_locator(tm_locator(config))
