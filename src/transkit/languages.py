"""Language codes: validation and locale data through Babel."""

from __future__ import annotations

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


def check_language(code: str) -> str:
    locale(code)
    return code


def plural_forms(code: str) -> str:
    """The PO Plural-Forms header value Babel knows for the language."""
    from babel.messages.plurals import get_plural

    plural = get_plural(locale(code))
    return f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"


def native_name(code: str) -> str:
    """The language's name in itself, as Babel has it ("català", "español", ...)."""
    name = locale(code).get_display_name(locale(code)) or code
    return name


def primary(code: str) -> str:
    return re.split(r"[-_]", code, maxsplit=1)[0].lower()
