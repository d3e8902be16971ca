"""An MT engine and a check of transkit's public shapes, for the tests: the engine
upper-cases the text outside placeholders, behind a prefix from its `[mt.example]` table;
the check finds translations that shout (capitals the source does not have)."""

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


class ShoutingCheck:
    id = "shouting"
    severity = "warning"
    description = "no run of capital letters the source does not have ([checks.shouting] run)"

    def __init__(self, context: Any):
        self.run = int(context.settings.get("run", 4))
        self.pattern = re.compile(r"[A-ZÀ-Ý]{%d,}" % self.run)

    def check(self, source: str, target: str, lang: str) -> list[str]:
        text = PLACEHOLDER.sub(" ", target)
        loud = [w for w in self.pattern.findall(text) if w not in source]
        return [f"shouts {', '.join(loud)} in {lang}"] if loud else []
