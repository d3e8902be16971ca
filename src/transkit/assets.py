"""The files a bulletin refers to by relative URL (images, srcset candidates, stylesheets
and what they import, media, local downloads), copied into the site once and referred
to from every built page.

Only the project's own files are published, and not all of them: nothing hidden (no part
of the path starting with '.', so no `.git`), nothing of transkit's (transkit.toml, the
locales, glossary, tm and state folders, the site itself). Each file keeps its path in
the project under `site/assets/`, so the relative URLs inside a copied stylesheet still
resolve. A link to another bulletin points at the same language's version of it.
URLs with a scheme or a host (`https:`, `//host`) and fragments are left as they are.
Site-root URLs (`/img/x.jpg`, common in pages exported from a blog) are files under the
folder `[paths] site_root` names, published like relative ones; without that setting,
or when the file is not there, an embedded one (an image, a stylesheet, a script…) is
reported like any missing file, while a link (`<a>`, `<area>`) to a site-root path is the
live site's own page and stays as it is. A file that is not there, not a regular file, or
not publishable (outside the project, by a `..` or a symbolic link that leads out, or one
of the above) is reported with the bulletin's line and its reference is left untouched."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

from lxml import etree

from .problems import ERROR, Problem
from .project import Project
from .sources import is_source

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
# Elements whose URL is a link to follow, not a file the page shows: a site-root one is the
# live site's page when no file under the site root answers it.
LINK_ELEMENTS = frozenset({"a", "area"})


class Assets:
    """The assets of one build: what to copy where, and what is missing."""

    def __init__(self, project: Project, bulletins: set[str]):
        self.project = project
        self.bulletins = bulletins  # document names: links to them stay between pages
        self.copies: dict[str, Path] = {}  # path under site/ -> file in the project
        self.problems: dict[tuple[str, int, str], Problem] = {}  # each once
        self.folder = Path(os.path.normpath(project.bulletins.absolute()))
        self.site_root = (Path(os.path.normpath(project.site_root.absolute()))
                          if project.site_root is not None else None)
        self.top = Path(os.path.normpath(project.root.absolute()))
        self.real_project = project.root.resolve()
        # transkit's own files and folders: never published, wherever a link points.
        own = [project.config_file, project.locales, project.glossary,
               project.memory_folder, project.state, project.site]
        self.unpublished = [p.resolve() for p in own]
        self._seen: dict[tuple[str, Path], tuple[str, str | None]] = {}
        self._base: str | None = None  # the current page's <base href>, if it had one

    def rewrite(self, root: etree._Element, page: Path,
                replaced: Sequence[etree._Element] = ()) -> None:
        """Point every relative URL of a page tree (a bulletin at `page`, as built one
        folder deep in the site) at its copy, and note what must be copied. What the build
        replaces (the language switches, `replaced`, and the head's hreflang links) is
        left alone: its links are not the page's."""
        skip = {d for e in replaced for d in e.iter()}
        self._base = self._take_base(root)
        for element in root.iter():
            if not isinstance(element.tag, str) or element in skip:
                continue
            if element.tag == "link" and element.get("hreflang") and "alternate" in (
                    element.get("rel") or "").split():
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

    def _take_base(self, root: etree._Element) -> str | None:
        """A `<base href>` the page had: its relative URLs are resolved against it here,
        and it goes (the built page's own links are relative to where the page is)."""
        base = root.find("head/base[@href]")
        if base is None:
            return None
        href = str(base.get("href") or "").strip()
        if base.get("target"):
            base.attrib.pop("href")
        else:
            parent = base.getparent()
            if parent is not None:
                parent.remove(base)
        return href or None

    def _rebased(self, value: str) -> str:
        if not self._base or value.strip().startswith(("#", "?")) or not value.strip():
            return value  # in-page links stay in the page
        try:
            parts = urlsplit(value.strip())
            base = urlsplit(self._base)
        except ValueError:
            return value
        if parts.scheme or parts.netloc or parts.path.startswith("/"):
            return value
        if base.scheme or base.netloc:
            return urljoin(self._base, value.strip())  # a remote base: absolute, untouched
        folder = self._base if self._base.endswith("/") else posixpath.dirname(self._base)
        return posixpath.join(folder, value.strip()) if folder else value

    def _url(self, value: str, page: Path, element: etree._Element, what: str) -> str:
        """The URL as the built page needs it (pages are resolved once per bulletin and
        value: a page is rewritten for every language)."""
        value = self._rebased(value)
        key = (value, page.parent)
        if key not in self._seen:
            self._seen[key] = self._resolve(value, page.parent)
        moved, problem = self._seen[key]
        if problem is not None and element.tag in LINK_ELEMENTS and _site_rooted(value):
            problem = None  # the live site's page, not a file of ours
        if problem is not None:  # named only when there is something to say
            path, line = self.project.shown(page), element.sourceline or 1
            label = (f"<style> url({value.strip()!r})" if element.tag == "style"
                     else f"<{element.tag} {what}={value.strip()!r}>")
            self._problem(path, line, f"{label}: {problem}")
        return moved

    def _resolve(self, value: str, folder: Path) -> tuple[str, str | None]:
        """(URL for the built page, problem or None) of a reference from `folder`."""
        try:
            parts = urlsplit(value.strip())
        except ValueError as exc:
            return value, f"not a URL ({exc})"
        if parts.scheme or parts.netloc or not parts.path:
            return value, None  # absolute, or only a query or a fragment: not ours to move
        suffix = (f"?{parts.query}" if parts.query else "") + (
            f"#{parts.fragment}" if parts.fragment else "")
        name = unquote(parts.path)
        if "\x00" in name:
            return value, "a NUL character in the file name"
        if name.startswith("/"):
            if self.site_root is None:
                return value, ("a site-root URL, and no site root is set: set [paths] "
                               "site_root in transkit.toml to the folder it refers to, or "
                               "make the URL relative")
            target = Path(os.path.normpath(self.site_root / name.lstrip("/")))
            found, problem = self._inside(target)
            if found is None:
                return value, problem
            return "../" + quote(self._add(target, found)) + suffix, None
        target = Path(os.path.normpath(folder / name))
        if target.parent == self.folder and is_source(target) \
                and target.stem in self.bulletins:
            # The same language's version of another bulletin: a page of the site.
            return quote(target.stem + ".html") + suffix, None
        if target == self.folder or (target == self.folder / "index.html"
                                     and not target.is_file()):
            return "../index.html" + suffix, None  # the site's front page: ours
        found, problem = self._inside(target)
        if found is None:
            return value, problem
        return "../" + quote(self._add(target, found)) + suffix, None

    def _inside(self, target: Path) -> tuple[Path | None, str | None]:
        """The file a reference names, if it may be published."""
        shown = self.project.shown(target)
        try:
            inside = target.relative_to(self.top)
        except ValueError:
            return None, "outside the project (not published)"
        if any(part.startswith(".") for part in inside.parts):
            return None, f"{shown} is a hidden file (not published)"
        try:
            real = target.resolve(strict=False)
            if real != self.real_project and self.real_project not in real.parents:
                return None, f"{shown} leads outside the project (not published)"
            for folder in self.unpublished:
                if real == folder or folder in real.parents:
                    return None, (f"{shown} is transkit's own ({self.project.shown(folder)}"
                                  ", not published)")
            if not real.exists():
                return None, f"{shown} is missing"
            if real.is_dir():
                return None, f"{shown} is a folder, not a file"
            if not real.is_file():
                return None, f"{shown} is not a regular file"
        except (OSError, RuntimeError) as exc:  # a link loop, a name too long
            reason = getattr(exc, "strerror", None) or str(exc)
            return None, f"{shown} cannot be read ({reason})"
        return real, None

    def _add(self, target: Path, found: Path) -> str:
        """The file's place in the site: its path in the project (as referred to, so a
        stylesheet's relative URLs meet the same tree), copied from `found`."""
        key = f"{SITE_FOLDER}/{target.relative_to(self.top).as_posix()}"
        if key not in self.copies:
            self.copies[key] = found
            if found.suffix.lower() == ".css":
                self._stylesheet(target, found)
        return key

    def _stylesheet(self, path: Path, real: Path) -> None:
        """A copied stylesheet's own references (kept relative: the tree is mirrored)."""
        try:
            text = real.read_text("utf-8", errors="replace")
        except OSError:
            return
        for match in CSS_URL.finditer(text):
            url = (match.group("url") or match.group("url2") or "").strip()
            line = text.count("\n", 0, match.start()) + 1
            _, problem = self._resolve(url, path.parent) if url else ("", None)
            if problem is None and _site_rooted(url):
                problem = ("a site-root URL in a stylesheet, which is copied as it is: make "
                           "it relative to the stylesheet")
            if problem is not None:
                self._problem(self.project.shown(path), line, f"url({url!r}): {problem}")

    def _problem(self, path: str, line: int, message: str) -> None:
        """A file a page refers to that cannot ship: an error for `release`, a warning for
        `build` (the rule `asset`)."""
        self.problems.setdefault((path, line, message),
                                 Problem("asset", ERROR, message, path, line))

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


def _site_rooted(value: str) -> bool:
    """A URL naming a path from the site's root: `/x`, not `//host/x`."""
    value = value.strip()
    return value.startswith("/") and not value.startswith("//")


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
