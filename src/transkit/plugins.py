"""Which plug-ins are installed: the entry-point groups transkit reads, listed by name
without importing anything (loading is each seam's own registry's job)."""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from .errors import InputError, TranskitError

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


def guarded(factory: Callable[..., Any], what: str, *args: Any,
            error: type[TranskitError] = InputError, secrets: tuple[str, ...] = (),
            returns: Mapping[str, type] | None = None) -> Any:
    """`factory(*args)`, a plug-in built, whose every method call turns an exception that
    is not transkit's (a plug-in's bug, a class of the wrong shape, a result of the wrong
    type: `returns`, method name -> type) into one `error` line naming it (`what`: "check
    'x'"), `secrets` (values from its settings) masked. transkit's own classes are built
    as they are: their bugs are bugs, and the built-ins' calls stay direct."""
    if getattr(factory, "__module__", "").split(".")[0] == "transkit":
        return factory(*args)
    try:
        built = factory(*args)
    except TranskitError as exc:
        raise _scrubbed(exc, secrets) from None
    except Exception as exc:
        raise error(_reason(f"{what} cannot be built", exc, secrets)) from None
    return _Guarded(built, what, error, secrets, dict(returns or {}))


class _Guarded:
    """A plug-in's object seen through `guarded`: attributes as they are, methods wrapped."""

    def __init__(self, plugin: Any, what: str, error: type[TranskitError],
                 secrets: tuple[str, ...], returns: dict[str, type]) -> None:
        self._plugin, self._what, self._error = plugin, what, error
        self._secrets, self._returns = secrets, returns

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._plugin, name)
        if not callable(value) or name.startswith("__"):
            return value
        what, error, secrets = f"{self._what}: {name}()", self._error, self._secrets
        expected = self._returns.get(name)

        @functools.wraps(value)
        def call(*args: Any, **kwargs: Any) -> Any:
            # A failure names the file the plug-in was given (a bulletin, an exchange file).
            path = next((os.fspath(a) for a in args if isinstance(a, os.PathLike)), None)
            try:
                result = value(*args, **kwargs)
            except TranskitError as exc:
                raise _scrubbed(exc, secrets, path) from None
            except Exception as exc:
                raise error(_reason(f"{what} failed", exc, secrets), path) from None
            if expected is not None and not isinstance(result, expected):
                raise error(f"{what} returned {type(result).__name__}, not "
                            f"{expected.__name__}", path)
            if inspect.isgenerator(result):
                return _guarded_items(result, what, error, secrets, path)
            return result

        self.__dict__[name] = call  # wrapped once: the next calls find it directly
        return call


def _guarded_items(items: Iterator[Any], what: str, error: type[TranskitError],
                   secrets: tuple[str, ...], path: str | None) -> Iterator[Any]:
    """A plug-in's generator (a format's `read`), its failures converted as it runs."""
    try:
        yield from items
    except TranskitError as exc:
        raise _scrubbed(exc, secrets, path) from None
    except Exception as exc:
        raise error(_reason(f"{what} failed", exc, secrets), path) from None


def _reason(head: str, exc: Exception, secrets: tuple[str, ...]) -> str:
    from .redact import scrub

    text = " ".join(str(exc).split())[:300]
    return scrub(f"{head}: {type(exc).__name__}" + (f": {text}" if text else ""),
                 keys=secrets)


def _scrubbed(exc: TranskitError, secrets: tuple[str, ...],
              path: str | None = None) -> TranskitError:
    if exc.path is None and path is not None:
        exc.path = path
    if secrets:
        from .redact import scrub

        exc.message = scrub(exc.message, keys=secrets)
        exc.args = (exc.message, *exc.args[1:])
    return exc
