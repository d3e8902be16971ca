"""An MT engine and a check of transkit's public shapes, for the tests: the engine
upper-cases the text outside placeholders, behind a prefix from its `[mt.example]` table;
the check finds translations that shout (capitals the source does not have); the source
format reads plain-text bulletins (`.txt`: a title line, then paragraphs)."""

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
        self.pattern = re.compile("[A-ZÀ-Ý]{" + str(self.run) + ",}")

    def check(self, source: str, target: str, lang: str) -> list[str]:
        text = PLACEHOLDER.sub(" ", target)
        loud = [w for w in self.pattern.findall(text) if w not in source]
        return [f"shouts {', '.join(loud)} in {lang}"] if loud else []


class TextSource:
    """Plain-text bulletins: the first line is the title, blank lines part paragraphs.
    They become a page of HTML, which transkit's own reader takes from there."""

    name = "txt"

    def read(self, path: Any, name: str, ref_path: str, config: Any,
             default_language: str, source_language: str | None = None) -> Any:
        import html

        from transkit.sources.html import document_from_html

        raw = path.read_bytes()
        title, _, body = raw.decode("utf-8").partition("\n")
        paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
        page = (f"<!DOCTYPE html><html lang='{default_language}'><head><meta charset='utf-8'>"
                f"<title>{html.escape(title)}</title></head><body><article>"
                f"<h1>{html.escape(title)}</h1>"
                + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
                + "</article></body></html>")
        return document_from_html(page.encode("utf-8"), path, name, ref_path, config,
                                  default_language, source_language, original=raw)
