"""An MT engine of transkit's public shape, for the tests: it upper-cases the text outside
placeholders, behind a prefix from its `[mt.example]` table."""

from __future__ import annotations

import os
import re
from typing import Any

PLACEHOLDER = re.compile(r"</?[gx]\d+/?>")


class ExampleEngine:
    name = "example"
    secret_keys = ("EXAMPLE_ENGINE_TOKEN",)  # never shown in transkit's messages

    def __init__(self, settings: dict[str, Any]):
        self.prefix = str(settings.get("prefix", ""))

    def pairs(self) -> set[tuple[str, str]]:
        return {("ca", "es"), ("ca", "fr"), ("ca", "en")}

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        out = []
        for text in texts:
            if "refuse me" in text:
                raise RuntimeError("the service refused token "
                                   + os.environ.get("EXAMPLE_ENGINE_TOKEN", ""))
            if "drop my markup" in text:
                out.append(PLACEHOLDER.sub("", text))  # a broken draft: transkit refuses it
                continue
            parts = re.split(r"(</?[gx]\d+/?>)", text)
            out.append(self.prefix + "".join(p if PLACEHOLDER.fullmatch(p) else p.upper()
                                             for p in parts))
        return out
