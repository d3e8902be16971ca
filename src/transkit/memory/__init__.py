"""Translation memory: a store (SQLite by default, PostgreSQL for a team), token-based
fuzzy matching with explanations, learning from the project's catalogues, TMX exchange."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..project import Project
from .store import Entry, Match, Store, Variant

__all__ = ["Entry", "Match", "Store", "Variant", "open_locator", "open_store", "tm_locator"]

_URL = re.compile(r"^postgres(?:ql)?://", re.IGNORECASE)
URL_ENV = "TRANSKIT_TM_URL"


def tm_locator(project: Project) -> str:
    """Where the project's TM lives: TRANSKIT_TM_URL, else `[tm] url`, else `[tm] path`."""
    url = os.environ.get(URL_ENV, "").strip() or project.config.tm.url
    return url or str(project.memory)


# A libpq keyword string: `host=127.0.0.1 port=5432 dbname=tm` (what psql accepts too).
_KEYWORDS = re.compile(r"^\s*[A-Za-z_]+\s*=")


def is_server(locator: str) -> bool:
    """Whether a TM locator names a PostgreSQL server (URL or libpq keyword string)."""
    return bool(_URL.match(locator) or _KEYWORDS.match(locator))


def check_locator(locator: str) -> None:
    """Refuse a locator that is neither a PostgreSQL one nor a plain file path, before
    anything is opened or created: a URL never becomes a file name."""
    from ..errors import ConfigError
    from ..redact import redact_url

    if _URL.match(locator):
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(locator)
            parts.port  # noqa: B018  (raises on a port that is not a number)
        except ValueError as exc:
            raise ConfigError(f"translation memory URL {redact_url(locator)}: {exc}") from None
        return
    if _KEYWORDS.match(locator):
        return
    if "://" in locator:
        scheme = locator.split("://", 1)[0]
        raise ConfigError(f"translation memory URL scheme {scheme!r} is not supported "
                          "(postgresql://… for a server, a file path for SQLite)")
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", locator) or "@" in locator:
        # `postgresql:user:pw@host/db`, `user:pw@host`: a URL gone wrong, never a file name.
        raise ConfigError("translation memory location looks like a URL but is not one "
                          "(postgresql://user@host/db for a server, a file path for SQLite)")


def open_locator(locator: str) -> Store:
    """A PostgreSQL URL or keyword string opens the server store; a path, an SQLite file."""
    check_locator(locator)
    if is_server(locator):
        from .postgres import PostgresStore

        return PostgresStore(locator)
    from .sqlite import SQLiteStore

    return SQLiteStore(locator)


def open_store(project: Project) -> Store:
    """The project's TM as configured. A memory file named by TRANSKIT_TM_URL is held to
    the project like tm.path (`..` and links leading out need --allow-outside)."""
    locator = tm_locator(project)
    if not is_server(locator):
        from ..fsutil import confine

        check_locator(locator)
        confine(project.root, project.root / locator, project.config.allow_outside)
    return open_locator(locator)
