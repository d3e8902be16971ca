"""Language codes: validation and locale data through Babel."""

from __future__ import annotations

import os
import re
from functools import cache
from typing import TYPE_CHECKING

from .errors import InputError

if TYPE_CHECKING:
    from babel import Locale

_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


@cache
def locale(code: str) -> Locale:
    """Babel's Locale for a language code, or an InputError naming the code."""
    from babel import Locale, UnknownLocaleError  # Babel's data loads only when needed

    if not _CODE.match(code):
        raise InputError(f"unknown language code {code!r}")
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise InputError(f"unknown language code {code!r}") from None


@cache
def _babel_data() -> str | None:
    import importlib.util

    spec = importlib.util.find_spec("babel")
    if spec is None or not spec.submodule_search_locations:
        return None
    return os.path.join(list(spec.submodule_search_locations)[0], "locale-data")


def check_language(code: str) -> str:
    """The code, if Babel has locale data for it; an InputError naming it otherwise.

    Looks for Babel's data file first, so commands that only validate a
    configuration (like `status`) do not load Babel itself. A code once found is
    remembered (a TMX file names its languages on every unit)."""
    if code in _KNOWN:
        return code
    _KNOWN.add(_check_language(code))
    return code


_KNOWN: set[str] = set()


def _check_language(code: str) -> str:
    if not _CODE.match(code):
        raise InputError(f"unknown language code {code!r}")
    folder = _babel_data()
    if folder and os.path.isfile(os.path.join(folder, f"{code.replace('-', '_')}.dat")):
        return code
    found = locale(code)
    if folder:
        # Babel reads aliases ("fre", "cat", "eng") as other codes: a project uses the
        # CLDR code itself, so its folders and headers match every other tool's.
        raise InputError(f"unknown language code {code!r} (did you mean {found.language!r}?)")
    return code


def suggest(code: str, known: tuple[str, ...] | list[str]) -> str | None:
    """The one of `known` a mistyped language `code` most likely means: the same
    language under another code ("fra", "fre" → "fr"; "pt_BR" → "pt-BR"), named
    ("French", "français" → "fr"), or spelt nearly alike ("fe" → "fr")."""
    import difflib

    wanted = code.strip().replace("_", "-").casefold()
    by_case = {k.casefold(): k for k in known}
    if wanted in by_case:
        return by_case[wanted]
    try:
        meant: str | None = locale(code.strip().replace("_", "-")).language
    except InputError:
        meant = None
    if meant is not None:  # a language Babel knows: that one, or none of the project's
        return meant if meant in known else None
    for k in known:
        try:
            names = {native_name(k), locale(k).get_display_name("en") or "",
                     locale(k).get_language_name("en") or ""}
        except InputError:
            continue
        if wanted in {name.casefold() for name in names}:
            return k
    close = difflib.get_close_matches(wanted, list(by_case), n=1, cutoff=0.5)
    return by_case[close[0]] if close else None


def plural_forms(code: str) -> str:
    """The PO Plural-Forms header value Babel knows for the language."""
    from babel.messages.plurals import get_plural

    plural = get_plural(locale(code))
    return f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"


def native_name(code: str) -> str:
    """The language's name in itself, as Babel has it ("català", "español", ...)."""
    name = locale(code).get_display_name(locale(code)) or code
    return name


@cache
def primary(code: str) -> str:
    return re.split(r"[-_]", code, maxsplit=1)[0].lower()
