"""Which plug-ins are installed: the entry-point groups transkit reads, listed by name
without importing anything (loading is each seam's own registry's job)."""

from __future__ import annotations

from functools import cache
from importlib.metadata import EntryPoint, entry_points

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
