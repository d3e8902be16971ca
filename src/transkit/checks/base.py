"""What a check is and what it finds: the vocabulary of the check seam.

Checks are plug-ins: classes registered in the `transkit.checks` entry-point group (the
built-ins too, in transkit's own `pyproject.toml`). Every check class has `id` (the
entry point's name), `severity` (its default: error, warning or info), `description`
(one line, for `check --list`, SARIF and the docs) and `scope`, which says what it is
given, and is built once per run (per worker process) with a `CheckContext`:

- `"unit"` (the default when `scope` is absent): `check(source, target, lang) ->
  list[str]`, one message per problem (none: the translation passes). It is called for
  every translated entry and every form of a plural entry (form 0 against msgid, the
  others against msgid_plural); texts carry transkit's placeholders (`<g1>…</g1>`,
  `<x2/>`). A check whose `check` also names the keyword parameters `source_lang` or
  `flags` receives them (the document's source language, the entry's flags). A message
  may be a `(severity, message)` pair where one check reports at several levels.
- `"cross"`: `check_across(source, source_lang, translations) -> dict[lang, message]`,
  the translations of one unit into every language (`translations`: lang → text).
- `"language"`: `check_language(lang, translations) -> list[(Translation, message)]`,
  every translation into one language across the project.
- `"file"`: `check_file(catalogue, template, lang) -> list[(line | None, message)]`,
  a whole catalogue (`None` when it is missing) beside its template.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from ..config import SEVERITIES as SEVERITIES
from ..glossary import Glossary
from ..problems import Problem

ERROR, WARNING, INFO = SEVERITIES
RANK = {ERROR: 3, WARNING: 2, INFO: 1}
SCOPES = ("unit", "cross", "language", "file")


@dataclass(frozen=True)
class CheckContext:
    """What a check is built with: the project it checks and its own settings (the
    `[checks.<id>]` table of transkit.toml, as written)."""

    root: Path
    languages: tuple[str, ...]
    glossary: Glossary = field(default_factory=Glossary)
    settings: Mapping[str, Any] = field(default_factory=dict)
    suggest: bool = False  # `check --suggest`: suggestions in the messages
    allow_outside: bool = False


@dataclass(frozen=True)
class Pair:
    """One unit as a built-in per-unit check sees it: source and translation, with
    languages and the entry's flags."""

    source: str
    target: str
    source_lang: str
    target_lang: str
    flags: tuple[str, ...] = ()


class Translation(NamedTuple):
    """One translation as a language check sees it."""

    source_lang: str
    source: str
    target: str
    path: str
    line: int


class Finding(Problem):
    """One problem a check found: `rule` is the check's id (also `check`)."""

    @property
    def check(self) -> str:
        return self.rule

    def text(self) -> str:
        """`path:line: severity[check]: message`, as compilers report."""
        return f"{self.where}: {self.severity}[{self.rule}]: {self.message}"
