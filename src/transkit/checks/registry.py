"""The checks installed: the `transkit.checks` entry points (transkit's own included),
loaded and their shape verified once per process."""

from __future__ import annotations

from functools import cache
from typing import Any

from ..errors import InputError
from ..plugins import CHECKS, installed, load
from .base import SCOPES, SEVERITIES

METHOD = {"unit": "check", "cross": "check_across", "language": "check_language",
          "file": "check_file"}
RETURNS = {"check": list, "check_across": dict, "check_language": list, "check_file": list}


def scope_of(check: Any) -> str:
    return str(getattr(check, "scope", "unit"))


@cache
def check_classes() -> tuple[Any, ...]:
    """Every installed check class, in a stable order: by scope, then by id."""
    found = []
    for name, point in installed(CHECKS).items():
        cls = load(CHECKS, name, "check")
        problem = _shape_problem(name, cls)
        if problem:
            raise InputError(f"check {name!r} ({point.value}): {problem}")
        found.append(cls)
    return tuple(sorted(found, key=lambda c: (SCOPES.index(scope_of(c)), c.id)))


def _shape_problem(name: str, cls: Any) -> str | None:
    if getattr(cls, "id", None) != name:
        return f"its id is {getattr(cls, 'id', None)!r}, its entry point's name {name!r}"
    if getattr(cls, "severity", None) not in SEVERITIES:
        return f"severity must be one of {', '.join(SEVERITIES)}"
    if not isinstance(getattr(cls, "description", None), str):
        return "it has no description"
    scope = scope_of(cls)
    if scope not in SCOPES:
        return f"scope must be one of {', '.join(SCOPES)}"
    if not callable(getattr(cls, METHOD[scope], None)):
        return f"a {scope} check needs a {METHOD[scope]}() method"
    return None


def by_id() -> dict[str, Any]:
    return {cls.id: cls for cls in check_classes()}
