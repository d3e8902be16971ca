"""Translation memory: a store (SQLite by default), token-based fuzzy matching with
explanations, learning from the project's catalogues, TMX exchange."""

from __future__ import annotations

from ..config import Config
from .sqlite import SQLiteStore
from .store import Entry, Match, Store, Variant

__all__ = ["Entry", "Match", "Store", "Variant", "open_store"]


def open_store(config: Config) -> Store:
    """The project's TM as configured (`[tm] path`, default .transkit/tm.sqlite)."""
    return SQLiteStore(config.root / config.tm.path)
