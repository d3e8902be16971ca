"""Pseudo-localisation: accented, ~30% longer, bracketed, placeholders untouched."""

from __future__ import annotations

from typing import Any

from ..unit import PLACEHOLDER

_ACCENTS = str.maketrans("aeiouAEIOUcnyCNY", "àéîõüÀÉÎÕÜçñýÇÑÝ")


class PseudoEngine:
    """The smallest engine of the public shape: a name, built with its table, translate."""

    name = "pseudo"

    def __init__(self, settings: dict[str, Any]):
        self.table = settings

    def settings(self, source: str, target: str) -> str:
        return "pseudo-1"

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        return [pseudo(text) for text in texts]


def pseudo(text: str) -> str:
    """Accent the letters outside placeholders and pad by ~30%, in brackets."""
    out, pos = [], 0
    for match in PLACEHOLDER.finditer(text):
        out.append(text[pos:match.start()].translate(_ACCENTS))
        out.append(match.group(0))
        pos = match.end()
    out.append(text[pos:].translate(_ACCENTS))
    body = "".join(out)
    letters = sum(ch.isalpha() for ch in PLACEHOLDER.sub("", text))
    padding = "·" * max(1, round(letters * 0.3))
    return f"[{body} {padding}]"
