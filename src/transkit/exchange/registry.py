"""Which exchange formats exist (the `transkit.formats` entry points, built-ins included):
listed by name without importing any, loaded when a command uses one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import plugins
from ..errors import InputError
from ..plugins import FORMATS, installed


def names() -> list[str]:
    """The formats installed, by name (nothing imported)."""
    return sorted(installed(FORMATS))


def load(name: str) -> Any:
    """An instance of the format `name`."""
    cls = plugins.load(FORMATS, name, "exchange format")
    point = installed(FORMATS)[name]
    if not isinstance(cls, type) or not all(callable(getattr(cls, m, None))
                                            for m in ("read", "write")):
        raise InputError(f"exchange format {name!r} ({point.value}) is not a format class "
                         "with read and write methods")
    return plugins.guarded(cls, f"exchange format {name!r}")


def suffixes() -> dict[str, str]:
    """File suffix -> format name (loads every format; the first name in order wins)."""
    found: dict[str, str] = {}
    for name in names():
        try:
            fmt = load(name)
        except InputError:
            continue  # (reported when it is asked for by name)
        for suffix in getattr(fmt, "suffixes", ()):
            found.setdefault(str(suffix).lower(), name)
    return found


def for_path(path: Path, name: str | None = None, default: str | None = None) -> Any:
    """The format `name`, else the one whose suffix `path` has, else `default`."""
    if name is not None:
        return load(name)
    by_suffix = suffixes()
    found = by_suffix.get(path.suffix.lower(), default)
    if found is None:
        known = ", ".join(sorted(by_suffix))
        raise InputError(f"no exchange format for {path.suffix or 'a file without a suffix'} "
                         f"(known: {known}; or choose one with --format)", path)
    return load(found)
