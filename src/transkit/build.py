"""Reassembly: every post in every language (its units and the chrome's translated in
place, the language switch, hreflang links, the assets it refers to), the aligned review
pages, the index and the status dashboard, built in memory and written as one swap."""

from __future__ import annotations

import glob
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from . import catalog
from .assets import Assets
from .errors import InputError
from .fsutil import atomic_write_bytes
from .languages import native_name
from .pages import review, site
from .pages.common import NOT_IN_HTML
from .problems import ERROR, Problem
from .project import CatalogueRef, Project, chrome_name
from .sources import inline
from .sources.html import AttributeBlock, Block, Document
from .text import unbalanced_bidi
from .unit import FUZZY, TRANSLATED, UNTRANSLATED, Unit, excerpt

if TYPE_CHECKING:
    from .checks import CheckReport
    from .status import Status

Translations = dict[tuple[str, str | None], Unit]


@dataclass
class BuildReport:
    """What a build made. Pages are written into a staging folder beside the site as they
    are assembled (`add`), so memory holds one document's pages, not the site's; `write`
    swaps the staging folder in, `discard` removes it (a refused gate, an error)."""

    out: Path  # the site folder every file is in
    files: list[Path] = field(default_factory=list)  # site paths of the pages staged
    problems: list[Problem] = field(default_factory=list)  # broken translations, per unit
    # Untranslated units shown in the source (`lang`: the language of the page).
    fallbacks: list[Problem] = field(default_factory=list)
    # The same counted: language -> catalogue -> state -> units.
    fallback_counts: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    documents: int = 0
    partial: bool = False  # some languages or documents: the rest of the site is kept
    assets: dict[Path, Path] = field(default_factory=dict)  # site path -> file copied there
    # Files a bulletin refers to that are not there (or not the project's): a warning for
    # `build`, an error for `release`.
    missing_assets: list[Problem] = field(default_factory=list)
    staging: Path | None = None

    def fallback_summary(self) -> list[str]:
        """One line per language whose pages show source text: how many units, in what
        state, in how many catalogues (the units one by one: `fallbacks`)."""
        lines = []
        for lang, files in sorted(self.fallback_counts.items()):
            states: dict[str, int] = {}
            for counts in files.values():
                for state, n in counts.items():
                    states[state] = states.get(state, 0) + n
            total = sum(states.values())
            kinds = ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
            lines.append(f"{lang}: {total} unit(s) shown in the source language ({kinds}) "
                         f"from {len(files)} catalogue(s); `transkit status --missing "
                         f"--lang {lang}` or `transkit -v build` lists them")
        return lines

    def _real_out(self) -> Path:
        out = self.out.resolve()  # a linked site (inside the project): its target
        if out.exists() and not out.is_dir():
            raise InputError("is a file, expected the site folder", out)
        return out

    def _stage(self) -> Path:
        """The staging folder, made at the first page: a copy of the current site for a
        partial build (links not followed: a write must land in it, nowhere else)."""
        import shutil

        if self.staging is not None:
            return self.staging
        out = self._real_out()
        # Left by a build that was killed (the project lock says none is running now).
        for kind in ("new", "old"):
            for left in out.parent.glob(f".{glob.escape(out.name)}.{kind}-*"):
                if left.is_dir() and not left.is_symlink():
                    shutil.rmtree(left, ignore_errors=True)
        staging = out.with_name(f".{out.name}.new-{os.getpid()}")
        try:
            if out.is_dir() and self.partial:
                shutil.copytree(out, staging, ignore=_links_in)
            else:
                staging.mkdir(parents=True)  # a whole build: nothing stale survives
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise InputError(f"cannot write the site ({exc.strerror or exc}); the previous "
                             "site is as it was", out) from None
        self.staging = staging
        return staging

    def add(self, path: Path, data: bytes) -> None:
        """A page of the site (`path` under `out`), written into the staging folder now."""
        staging = self._stage()
        target = staging / path.relative_to(self.out)
        try:
            if target.is_dir():
                raise InputError("is a directory, expected a file", path)
            atomic_write_bytes(target, data)
        except BaseException:
            self.discard()
            raise
        self.files.append(path)

    def discard(self) -> None:
        import shutil

        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None

    def write(self) -> list[Path]:
        """Swap the staged site in, with the assets copied: a failure midway (a full disk,
        a path in the way) leaves the previous site as it was and no staging folder."""
        import shutil

        out = self._real_out()
        staging = self._stage()
        retired = out.with_name(f".{out.name}.old-{os.getpid()}")
        try:
            for path, source in self.assets.items():
                target = staging / path.relative_to(self.out)
                if target.is_dir():
                    raise InputError("is a directory, expected a file", path)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)  # staged: the swap makes it appear whole
            if out.is_dir():
                os.rename(out, retired)
            os.rename(staging, out)
            self.staging = None
        except BaseException as exc:
            self.discard()
            if retired.exists() and not out.exists():
                os.rename(retired, out)
            if isinstance(exc, OSError) and not isinstance(exc, InputError):
                reason = exc.strerror or str(exc)
                raise InputError(f"cannot write the site ({reason}); the previous site is "
                                 "as it was", out) from None
            raise
        shutil.rmtree(retired, ignore_errors=True)
        return [*self.files, *self.assets]


def _links_in(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if os.path.islink(os.path.join(folder, n))]


def _built_here(folder: Path) -> bool:
    """Whether a folder is empty or a site transkit built (every build writes both)."""
    try:
        empty = next(os.scandir(folder), None) is None
    except OSError:
        return False
    return empty or ((folder / "index.html").is_file() and (folder / "status.html").is_file())


def check_site_folder(project: Project, out: Path) -> Path:
    """The build output folder, refused where a build would wipe or mix into the project:
    the project itself or a folder above it, or a folder of sources or state."""
    if out.is_symlink():
        raise InputError("is a symbolic link: the site is replaced by renaming its folder, "
                         "which would empty the link's target; give the site its real "
                         "folder", out)
    if out.is_dir() and not _built_here(out):
        raise InputError("holds files transkit did not build (no index.html and "
                         "status.html): the site needs a folder of its own, which each "
                         "build replaces", out)
    real = out.resolve()
    root = project.root.resolve()
    sources = [project.bulletins, project.locales, project.glossary, project.memory_folder,
               project.state]
    if real == root or real in root.parents:
        raise InputError("is the project or a folder above it: the site needs a folder of "
                         "its own (default: site/)", out)
    for folder in sources:
        folder = folder.resolve()
        if real == folder or folder in real.parents or real in folder.parents:
            raise InputError(f"would mix the site with {project.shown(folder)}/: the site "
                             "needs a folder of its own", out)
    return out


def _unit_codes(block: Block, index: int) -> dict[int, inline.Code]:
    return {local: inline.Code(local, block.encoded.codes[number].kind,
                               block.encoded.codes[number].element)
            for local, number in block.locals[index].items()}


# What names a post in the index, best first: its <title>, else its highest heading.
HEADINGS = {"title": 0, "h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


class _Source:
    """Where one page's translations come from: a catalogue (None: the source itself)."""

    def __init__(self, units: Translations | None, rel: str):
        self.units, self.rel = units, rel


class _Page:
    """One language version of one document being assembled."""

    def __init__(self, project: Project, doc: Document, lang: str, post: _Source,
                 chrome: _Source, report: BuildReport, include_fuzzy: bool = False):
        self.project, self.config = project, project.config
        self.doc, self.lang = doc, lang
        self.include_fuzzy = include_fuzzy
        self.post, self.chrome = post, chrome
        self.report = report
        self.title: tuple[str, bool] | None = None  # (title, fell back to the source)
        self._title_rank = len(HEADINGS)
        self.fell_back: set[etree._Element] = set()  # elements showing source text
        self.preview = False  # a preview build: fallback text is marked for the eye
        self.marked = 0  # runs of fallback text marked so on this page
        # Per article, as the index lists it: (anchor, title, fell back), set by assemble.
        self.posts: list[tuple[str, tuple[str, bool] | None]] = []

    def lookup(self, source: str, where: _Source) -> Unit | None:
        """The unit that translates `source`, or None (noted as a fallback) when the page
        must show the source text: untranslated, fuzzy (unless previewing), or plural."""
        if where.units is None:
            return Unit(source, source)
        found = where.units.get((source, None))
        state = found.state if found is not None else UNTRANSLATED
        if found is not None and found.msgid_plural is None and (
                state == TRANSLATED or (state == FUZZY and self.include_fuzzy)):
            bad = NOT_IN_HTML.search(found.msgstr)
            bidi = unbalanced_bidi(found.msgstr)
            if bad is None and bidi is None:
                return found
            self.report.problems.append(Problem(
                "broken-translation", ERROR,
                f"control character U+{ord(bad.group()):04X} in the translation (not allowed "
                "in HTML)" if bad is not None else
                f"bidirectional controls do not balance: {bidi}", where.rel, found.line,
                self.lang))
            return None
        self.report.fallbacks.append(Problem(
            "fallback", ERROR, f"{state}: {excerpt(source)}", where.rel,
            found.line if found is not None else None, self.lang))
        counts = self.report.fallback_counts.setdefault(self.lang, {}).setdefault(
            where.rel, {})
        counts[state] = counts.get(state, 0) + 1
        return None

    def assemble(self, preview: list[str]) -> bytes:
        self.preview = bool(preview)
        name_articles(self.doc)
        for blocks, where in ((self.doc.blocks, self.post), (self.doc.chrome, self.chrome)):
            self._translate(blocks, where)
        several = len(self.doc.articles) > 1
        self.posts = [(f"#{a.get('id')}" if several and a.get("id") else "",
                       self._article_title(a)) for a in self.doc.articles]
        root = self.doc.tree.getroot()
        root.set("lang", self.lang)
        self._language_switch()
        site.head_links(root, self.doc.name, self.lang, list(self.project.languages),
                        self.doc.source_language, self.config.base_url or None)
        site.switch_style(root)
        if preview:
            legend = native_name(self.doc.source_language) if self.marked else None
            site.preview_banner(root, preview, legend)
        return self.doc.serialize()

    def _translate(self, blocks: list[Block | AttributeBlock], where: _Source) -> None:
        src = self.doc.source_language
        # Attributes first: a run's inline elements are copied when its text is rebuilt,
        # so an attribute translated afterwards would land on the discarded original.
        for block in blocks:
            if isinstance(block, AttributeBlock):
                found = self.lookup(block.text, where)
                if found is not None:
                    block.element.set(block.attribute, found.msgstr)
        for block in blocks:
            if isinstance(block, AttributeBlock):
                continue
            texts: list[str] = []
            fallback: list[bool] = []
            for index, source in enumerate(block.unit_sources()):
                found = self.lookup(source, where)
                text = source
                if found is not None:
                    try:
                        inline.validate(found.msgstr, block.expected(index))
                        text = found.msgstr
                    except inline.PlaceholderError as exc:
                        self.report.problems.append(Problem(
                            "broken-translation", ERROR, f"placeholders: {exc}", where.rel,
                            found.line, self.lang))
                        found = None
                texts.append(text)
                fallback.append(found is None)
            if where.units is not None and any(fallback):
                self.fell_back.add(block.parent)
                texts = self._mark_fallback(block, texts, fallback, src)
            lead, elements = block.render(texts)
            block.replace(lead, elements)
            rank = HEADINGS.get(block.kind)
            if rank is not None and where is self.post and rank < self._title_rank:
                self._title_rank = rank
                self.title = (inline.plain_text(" ".join(texts)).strip(),
                              where.units is not None and any(fallback))

    def _article_title(self, article: etree._Element) -> tuple[str, bool] | None:
        """The article's highest heading as translated (outside any post nested in it),
        and whether it fell back to the source; None when it has none."""
        inner = {d for a in self.doc.articles if a is not article
                 and article in set(a.iterancestors()) for d in a.iter()}
        best: etree._Element | None = None
        for node in article.iter("h1", "h2", "h3", "h4", "h5", "h6"):
            if node not in inner and (best is None or node.tag < best.tag):
                best = node
        if best is None:
            return None
        text = " ".join("".join(best.itertext()).split())
        if not text:
            return None
        return text, any(node in self.fell_back for node in best.iter())

    def _mark_fallback(self, block: Block, texts: list[str], fallback: list[bool],
                       src: str) -> list[str]:
        """Source text on a translated page carries the source's `lang`; in a preview it
        is also marked for the eye (`site.FALLBACK_STYLE`, explained by the banner's
        legend), except in a `<title>` or an `<option>`, which hold text only."""
        visible = self.preview and block.kind not in ("title", "option")
        if all(fallback) and block.after is None and not block.parent.get("lang"):
            block.parent.set("lang", src)
            if not visible:
                return texts
        marked = []
        for index, (text, fell) in enumerate(zip(texts, fallback, strict=True)):
            if not fell:
                marked.append(text)
                continue
            number = max(block.encoded.codes, default=0) + 1
            span = etree.Element("span", lang=src)
            if visible:
                site.mark_fallback(span, native_name(src))
                self.marked += 1
            block.encoded.codes[number] = inline.Code(number, "g", span)
            local = max(block.locals[index], default=0) + 1
            block.locals[index][local] = number
            marked.append(f"<g{local}>{text}</g{local}>")
        return marked

    def _language_switch(self) -> None:
        """Every switch the source has (in a post or in the chrome: `doc.switches`) becomes
        the one nav of all languages; a page without one gets it at the end of each post."""
        articles = self.doc.articles
        name = self.config.lang_switch_names.get(self.lang) or site.SWITCH_NAMES.get(
            self.lang, "Languages")
        labels = self.config.lang_switch_labels
        languages = list(self.project.languages)
        targets = list(self.doc.switches)
        if not targets:
            for article in articles:
                nav = etree.SubElement(article, "nav")
                nav.tail = "\n"
                targets.append(nav)
        posts = set(articles)
        for target in targets:
            # The post the switch is in (the innermost), for its anchor on a page of many.
            article = next((a for a in [target, *target.iterancestors()] if a in posts), None)
            anchor = (f"#{article.get('id')}" if article is not None and article.get("id")
                      and len(articles) > 1 else "")
            site.place_switch(target, site.switch_nav(self.doc.name, self.lang, languages,
                                                      labels, name, anchor))


_Refs = dict[tuple[str, str], CatalogueRef]  # the project's catalogues by (document, lang)


def _load(project: Project, refs: _Refs, name: str, lang: str,
          cache: dict[Path, Translations]) -> _Source:
    """A catalogue's translations by unit key (read once per build); one that is not
    there (a chrome never extracted) reads as empty."""
    ref = refs.get((name, lang))
    if ref is None:
        path = project.catalogue(name, lang)
        return _Source({}, project.shown(path))
    if ref.path not in cache:
        cache[ref.path] = catalog.load(ref.path).by_key() if ref.path.exists() else {}
    return _Source(cache[ref.path], ref.shown)


def name_articles(doc: Document) -> None:
    """On a page of several posts, an id (`post-<n>`) for each article that has none, so
    the index and the language switch can link to it."""
    if len(doc.articles) < 2:
        return
    taken = {e.get("id") for e in doc.tree.getroot().iter() if isinstance(e.tag, str)}
    for number, article in enumerate(doc.articles, 1):
        if not article.get("id"):
            name = f"post-{number}"
            while name in taken:
                name += "-"
            article.set("id", name)
            taken.add(name)


def article_date(article: etree._Element) -> str | None:
    """An article's date: its first `<time>` with a `datetime` attribute (or, as HTML
    reads a `<time>` without one, whose text is an ISO date)."""
    import re

    for time in article.iter("time"):
        value = (time.get("datetime") or "").strip()
        if not value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", (time.text or "").strip()):
            value = (time.text or "").strip()
        if value:
            return value
    return None


def page_date(doc: Document) -> str | None:
    """The page's own date (`<meta name=date>` and kin): the date of its posts that have
    none of their own."""
    root = doc.tree.getroot()
    for meta in root.iter("meta"):
        if (meta.get("name") or meta.get("property") or "") in (
                "date", "dcterms.date", "article:published_time") and meta.get("content"):
            return str(meta.get("content")).strip()
    return None


def preview_notes(include_fuzzy: bool, allow_incomplete: bool) -> list[str]:
    """What a preview build's banner says (nothing for a release-like build)."""
    notes = []
    if include_fuzzy:
        notes.append("fuzzy drafts (TM, MT) shown as if reviewed")
    if allow_incomplete:
        notes.append("untranslated text shown in the source language")
    return notes


def build_site(project: Project, out: Path | None = None, langs: list[str] | None = None,
               docs: list[str] | None = None,
               progress: Callable[[str], None] | None = None,
               include_fuzzy: bool = False, allow_incomplete: bool = False,
               status: Status | None = None, checks: CheckReport | None = None
               ) -> BuildReport:
    """Assemble every language version, the aligned pages, the index and the dashboard in a
    staging folder, page by page (BuildReport.write swaps it in, BuildReport.discard
    drops it). `status` and `checks`, when the caller has them (the release gate), are
    not computed again."""
    out = check_site_folder(project, out or project.site)
    report = BuildReport(out=out, partial=bool(langs or docs))
    try:
        return _build_pages(project, report, out, langs, docs, progress, include_fuzzy,
                            allow_incomplete, status, checks)
    except BaseException:
        report.discard()
        raise


def _build_pages(project: Project, report: BuildReport, out: Path, langs: list[str] | None,
                 docs: list[str] | None, progress: Callable[[str], None] | None,
                 include_fuzzy: bool, allow_incomplete: bool, status: Status | None,
                 checks: CheckReport | None) -> BuildReport:
    config = project.config
    languages = project.select_languages(langs)
    entries = project.documents()
    known = {d.name for d in entries}
    paths = project.sources(docs)
    preview = preview_notes(include_fuzzy, allow_incomplete)
    assets = Assets(project, {p.stem for p in project.sources()})
    if checks is None:
        from .checks import run_checks

        checks = run_checks(project)
    findings = _findings_by_place(checks)
    cache: dict[Path, Translations] = {}
    refs = {(ref.name, ref.lang): ref for ref in project.catalogues(missing=True)}
    posts: list[site.Post] = []
    for path in paths:
        name = path.stem
        if name not in known:
            raise InputError("not extracted yet (run `transkit extract`)", path)
        if progress:
            progress(project.shown(path))
        report.documents += 1
        entries_of_doc: list[site.Post] = []
        for lang in project.languages:
            doc = project.load_document(path)
            assets.rewrite(doc.tree.getroot(), path, doc.switches)
            src = doc.source_language
            if not entries_of_doc:
                dated = page_date(doc)
                entries_of_doc = [site.Post(name, src, article_date(a) or dated,
                                            order=n) for n, a in enumerate(doc.articles)]
            if lang == src:
                own = _Source(None, doc.ref_path)
                chrome = _Source(None, doc.ref_path)
            else:
                own = _load(project, refs, name, lang, cache)
                chrome = _load(project, refs, chrome_name(src), lang, cache)
            # A language not being built is assembled only for the index's titles: what
            # its pages would fall back to is not this build's to report.
            reported = report if lang in languages else BuildReport(out=out)
            page = _Page(project, doc, lang, own, chrome, reported, include_fuzzy)
            data = page.assemble(preview)
            single = len(entries_of_doc) == 1
            for entry, (anchor, title) in zip(entries_of_doc, page.posts, strict=True):
                entry.anchor = anchor
                # A post without a heading: the page's title when it is the only one.
                entry.titles[lang] = title or (page.title if single and page.title else
                                               (f"{name}{anchor}", lang != src))
            if lang in languages:
                report.add(out / lang / f"{name}.html", data)
        doc = project.load_document(path)
        assets.rewrite(doc.tree.getroot(), path, doc.switches)
        report.add(out / "aligned" / f"{name}.html", _aligned(project, doc, refs, cache,
                                                              findings, preview))
        posts.extend(entries_of_doc)
        for lang in project.languages:  # a post's catalogues are read by its pages only
            if (name, lang) in refs:
                cache.pop(refs[name, lang].path, None)
    report.assets = {out / key: source for key, source in assets.copies.items()}
    report.missing_assets = list(assets.problems.values())
    if status is None:
        from .status import compute_status

        status = compute_status(project)
    completeness = {lang.lang: lang.percent for lang in status.languages}
    # A partial build keeps the other languages' pages: the index still lists them.
    shown = [lang for lang in project.languages if lang in languages
             or (report.partial and (out / lang).is_dir())]
    report.add(out / "index.html", site.index_page(
        config.name, posts, shown, completeness if preview else None, preview,
        config.source_language))
    report.add(out / "status.html", dashboard_page(project, status, checks=checks,
                                                   preview=preview))
    return report


def dashboard_page(project: Project, status: Status, langs: list[str] | None = None,
                   docs: list[str] | None = None, checks: CheckReport | None = None,
                   preview: list[str] | None = None, site_links: bool = True) -> bytes:
    """The status dashboard of `status` (checks run when not given); its links to the
    aligned pages are relative to the site (`site_links`) or to the project."""
    from .history import progress_history
    from .pages.dashboard import dashboard
    from .status import as_data

    config = project.config
    if checks is None:
        from .checks import run_checks

        checks = run_checks(project, langs, docs)
    from .status import completeness_problems

    prefix = "aligned/" if site_links else f"{project.shown(project.site)}/aligned/"
    gate = completeness_problems(status, project) + checks.errors()
    return dashboard(config.name, as_data(status, True, checks=checks.by_language()),
                     _findings_by_doc(checks), progress_history(project),
                     {p.stem for p in project.sources()}, preview, prefix, gate)


def _findings_by_place(checks: CheckReport) -> dict[tuple[str, int], list[str]]:
    found: dict[tuple[str, int], list[str]] = {}
    for finding in checks.findings:
        if finding.line:
            found.setdefault((finding.path, finding.line), []).append(
                f"{finding.severity}[{finding.check}]: {finding.message}")
    return found


def _findings_by_doc(checks: CheckReport) -> dict[tuple[str, str], dict[str, int]]:
    """(lang, doc) -> findings per severity."""
    found: dict[tuple[str, str], dict[str, int]] = {}
    for finding in checks.findings:
        if finding.lang and finding.doc:
            counts = found.setdefault((finding.lang, finding.doc), {})
            counts[finding.severity] = counts.get(finding.severity, 0) + 1
    return found


def _aligned(project: Project, doc: Document, refs: _Refs, cache: dict[Path, Translations],
             findings: dict[tuple[str, int], list[str]], preview: list[str]) -> bytes:
    """The aligned page's rows: each unit (post, then chrome) in every language."""
    src = doc.source_language
    rows: list[review.Row] = []
    for blocks, name in ((doc.blocks, doc.name), (doc.chrome, chrome_name(src))):
        for block in blocks:
            items: list[tuple[str, str, dict[int, inline.Code] | None]]
            if isinstance(block, AttributeBlock):
                items = [(block.kind, block.text, None)]
            else:
                items = [(block.kind, source, _unit_codes(block, i))
                         for i, source in enumerate(block.unit_sources())]
            for kind, source, codes in items:
                kind_shown = kind if name == doc.name else f"{kind} (chrome)"
                cells = []
                for lang in project.languages:
                    if lang == src:
                        cells.append(review.Cell(lang, review.SOURCE, source, codes,
                                                 f"{doc.ref_path}:{block.line}"))
                        continue
                    where = _load(project, refs, name, lang, cache)
                    cells.append(_cell(lang, where, source, codes, findings))
                rows.append(review.Row(kind_shown, cells))
    return review.aligned_page(doc.name, src, list(project.languages), rows, preview)


def _cell(lang: str, where: _Source, source: str, codes: dict[int, inline.Code] | None,
          findings: dict[tuple[str, int], list[str]]) -> review.Cell:
    found = (where.units or {}).get((source, None))
    if found is None:
        return review.Cell(lang, review.UNTRANSLATED, where=where.rel)
    place = f"{where.rel}:{found.line}"
    notes = findings.get((where.rel, found.line), [])
    if found.state == UNTRANSLATED or found.msgid_plural is not None:
        return review.Cell(lang, review.UNTRANSLATED, where=place, findings=notes)
    state = review.FUZZY if found.state == FUZZY else review.TRANSLATED
    previous = found.previous_msgid if state == review.FUZZY else None
    return review.Cell(lang, state, found.msgstr, codes, place, previous,
                       source if previous is not None else None, notes)
