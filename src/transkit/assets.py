"""The files a bulletin refers to by relative URL (images, srcset candidates, stylesheets
and what they import, media, local downloads), copied into the site once and referred
to from every built page.

Every file keeps its path inside the project under `site/assets/`, so the relative URLs
inside a copied stylesheet still resolve. A link to another bulletin points at the same
language's version of it. Absolute URLs (a scheme, `//host`, `/path`) and fragments are
left as they are. A file that is not there, or that is not the project's (a `..` or a
link that leads out of it, the locales or the state folder), is reported with the
bulletin's line and its reference is left untouched."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from lxml import etree

from .config import Config
from .project import relative

# Attributes holding one URL, by element (None: any element).
URL_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "img": ("src",), "source": ("src",), "video": ("src", "poster"), "audio": ("src",),
    "track": ("src",), "embed": ("src",), "iframe": ("src",), "input": ("src",),
    "script": ("src",), "link": ("href",), "a": ("href",), "area": ("href",),
    "object": ("data",),
}
SRCSET_ELEMENTS = ("img", "source")
CSS_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<url>[^'")]*?)(?P=q)\s*\)|"""
                     r"""@import\s+(?P<q2>['"])(?P<url2>[^'"]+)(?P=q2)""")
SITE_FOLDER = "assets"


class Assets:
    """The assets of one build: what to copy where, and what is missing."""

    def __init__(self, config: Config, bulletins: set[str]):
        self.config = config
        self.root = config.root.resolve()
        self.bulletins = bulletins  # document names: links to them stay between pages
        self.copies: dict[str, Path] = {}  # path under site/ -> file in the project
        self.problems: dict[str, None] = {}  # `bulletin:line: reason`, each once
        refused = [config.locales, config.state, config.site]
        self._refused = [p.resolve() for p in refused]

    def rewrite(self, root: etree._Element, page: Path) -> None:
        """Point every relative URL of a page tree (a bulletin at `page`, as built one
        folder deep in the site) at its copy, and note what must be copied."""
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            for attribute in URL_ATTRIBUTES.get(element.tag, ()):
                value = element.get(attribute)
                if value is not None:
                    element.set(attribute, self._url(value, page, element, attribute))
            if element.tag in SRCSET_ELEMENTS and element.get("srcset"):
                element.set("srcset", self._srcset(element.get("srcset") or "", page, element))
            style = element.get("style")
            if style and "url(" in style:
                element.set("style", self._css(style, page, element))
            if element.tag == "style" and element.text and (
                    "url(" in element.text or "@import" in element.text):
                element.text = self._css(element.text, page, element)

    def _url(self, value: str, page: Path, element: etree._Element, what: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
            return value  # absolute, or only a query or a fragment: not ours to move
        suffix = (f"?{parts.query}" if parts.query else "") + (
            f"#{parts.fragment}" if parts.fragment else "")
        target = Path(os.path.normpath(page.parent / unquote(parts.path)))
        where = f"{relative(self.config, page)}:{element.sourceline or 1}"
        label = f"<{element.tag} {what}={value.strip()!r}>"
        if target.parent == self.config.bulletins and target.suffix == ".html" \
                and target.stem in self.bulletins:
            return quote(target.name) + suffix  # the same language's version of that post
        found = self._inside(target, where, label)
        if found is None:
            return value
        if not found.is_file():
            kind = "is a folder, not a file" if found.is_dir() else "is missing"
            self.problems[f"{where}: {label}: {relative(self.config, target)} {kind}"] = None
            return value
        key = self._add(found, where)
        return "../" + quote(key) + suffix

    def _inside(self, target: Path, where: str, label: str) -> Path | None:
        """The file a reference names, if it is the project's own (links followed)."""
        real = target.resolve()
        if real != self.root and self.root not in real.parents:
            self.problems[f"{where}: {label}: outside the project (not copied)"] = None
            return None
        for folder in self._refused:
            if real == folder or folder in real.parents:
                self.problems[f"{where}: {label}: in {relative(self.config, folder)}/, "
                              "which is not published (not copied)"] = None
                return None
        return real

    def _add(self, found: Path, where: str) -> str:
        key = f"{SITE_FOLDER}/{found.relative_to(self.root).as_posix()}"
        if key not in self.copies:
            self.copies[key] = found
            if found.suffix.lower() == ".css":
                self._stylesheet(found)
        return key

    def _stylesheet(self, path: Path) -> None:
        """A copied stylesheet's own references (kept relative: the tree is mirrored)."""
        try:
            text = path.read_text("utf-8", errors="replace")
        except OSError:
            return
        for match in CSS_URL.finditer(text):
            url = (match.group("url") or match.group("url2") or "").strip()
            parts = urlsplit(url)
            if not url or parts.scheme or parts.netloc or not parts.path \
                    or parts.path.startswith("/"):
                continue
            line = text.count("\n", 0, match.start()) + 1
            where = f"{relative(self.config, path)}:{line}"
            target = Path(os.path.normpath(path.parent / unquote(parts.path)))
            found = self._inside(target, where, f"url({url!r})")
            if found is None:
                continue
            if not found.is_file():
                self.problems[f"{where}: url({url!r}): {relative(self.config, target)} "
                              "is missing"] = None
                continue
            self._add(found, where)

    def _srcset(self, value: str, page: Path, element: etree._Element) -> str:
        """Each candidate's URL moved, its descriptors (`2x`, `480w`) kept."""
        out = []
        for url, descriptor in parse_srcset(value):
            moved = self._url(url, page, element, "srcset")
            out.append(f"{moved} {descriptor}".strip())
        return ", ".join(out)

    def _css(self, text: str, page: Path, element: etree._Element) -> str:
        def move(match: re.Match[str]) -> str:
            url = match.group("url") if match.group("url") is not None else match.group("url2")
            moved = self._url(url, page, element, "style")
            return match.group(0).replace(url, moved) if url else match.group(0)

        return CSS_URL.sub(move, text)


def parse_srcset(value: str) -> list[tuple[str, str]]:
    """(URL, descriptors) candidates of a srcset, as HTML's parsing rules read them: a URL
    is a run without spaces (trailing commas end it), descriptors run to the next comma
    outside parentheses."""
    found: list[tuple[str, str]] = []
    i, n = 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        start = i
        while i < n and not value[i].isspace():
            i += 1
        url = value[start:i]
        if not url:
            break
        if url.endswith(","):
            found.append((url.rstrip(","), ""))
            continue
        start, depth = i, 0
        while i < n and (value[i] != "," or depth):
            depth += {"(": 1, ")": -1}.get(value[i], 0)
            i += 1
        found.append((url, " ".join(value[start:i].split())))
    return found
