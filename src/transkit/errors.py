"""Errors the library raises: each carries a location so the CLI can print `file:line: reason`."""

from __future__ import annotations

from pathlib import Path
from typing import Any


class TranskitError(Exception):
    """A problem the user can fix; exit code 2 unless a subclass says otherwise."""

    exit_code = 2

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


class ConfigError(TranskitError):
    """transkit.toml is missing or wrong."""


class InputError(TranskitError):
    """A source document, PO file or other input cannot be used."""


class LockedError(TranskitError):
    """Another transkit process holds the project lock."""


class GateError(TranskitError):
    """The release gate refused; carries the list of blocking problems."""

    exit_code = 1

    def __init__(self, problems: list[Any], what: str = "release"):
        # `problems`: transkit.problems.Problem values, rendered by the CLI
        count = len(problems)
        super().__init__(f"{what} blocked by {count} problem{'s' if count != 1 else ''}")
        self.problems = problems
