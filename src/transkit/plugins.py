"""Which plug-ins are installed: the entry-point groups transkit reads, listed by name
without importing anything (loading is each seam's own registry's job)."""

from __future__ import annotations

from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from .errors import InputError

ENGINES = "transkit.engines"  # machine translation (engines/registry.py)
CHECKS = "transkit.checks"  # checks (checks/registry.py)
SOURCES = "transkit.sources"  # bulletin formats, named by suffix (sources/__init__.py)
FORMATS = "transkit.formats"  # exchange formats: TMX, XLIFF, PO compendia (exchange/registry.py)


@cache
def installed(group: str) -> dict[str, EntryPoint]:
    """The group's entry points by name; the first registration of a name wins."""
    found: dict[str, EntryPoint] = {}
    for point in entry_points(group=group):
        found.setdefault(point.name, point)
    return found


def names(group: str) -> list[str]:
    return sorted(installed(group))


def load(group: str, name: str, what: str) -> Any:
    """What entry point `name` of `group` names, imported. An unknown name, or a plug-in
    that cannot be imported, is an `InputError` naming it (`what`: "MT engine"…): a
    plug-in's fault is the user's to see, in one line, never a traceback."""
    point = installed(group).get(name)
    if point is None:
        raise InputError(f"unknown {what} {name!r} (installed: {', '.join(names(group))})")
    try:
        return point.load()
    except Exception as exc:
        raise InputError(f"{what} {name!r} ({point.value}) cannot be loaded: "
                         f"{type(exc).__name__}: {exc}") from None
