"""Pseudo-localisation: accented, ~30% longer, bracketed, placeholders untouched."""

from __future__ import annotations

from ..unit import PLACEHOLDER
from . import Request, Result

_ACCENTS = str.maketrans("aeiouAEIOUcnyCNY", "àéîõüÀÉÎÕÜçñýÇÑÝ")


class PseudoProvider:
    name = "pseudo"

    def settings(self, target: str) -> str:
        return "pseudo-1"

    def allowed(self, target: str) -> bool:
        return True

    def usage(self) -> tuple[int, int | None]:
        return 0, None

    def batches(self, requests: list[Request]) -> list[list[Request]]:
        return [requests[i:i + 200] for i in range(0, len(requests), 200)]

    def translate(self, requests: list[Request], source: str, target: str) -> list[Result]:
        return [Result(pseudo(r.text), 0) for r in requests]


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
