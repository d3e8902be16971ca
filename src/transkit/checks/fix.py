"""`transkit check --fix`: safe, mechanical fix-ups only (spaces, French no-break spaces,
"..." to "…" where the source has "…"); placeholders, numbers and words are never touched."""

from __future__ import annotations

import re
from collections.abc import Callable

from .. import catalog
from ..languages import primary
from ..project import Project
from ..unit import PLACEHOLDER
from .units import NBSP, NNBSP, URL, Finder, email_finder, leftmost, pattern_finder

# What is never edited, as one alternation would find it (placeholders, URLs, e-mail
# addresses, times), each pattern searched on its own: e-mail addresses by the linear
# finder (the alternation's EMAIL branch rescanned a long word from each character).
_PLACEHOLDER_ANY_CASE = re.compile(PLACEHOLDER.pattern, re.IGNORECASE)
_URL_ANY_CASE = re.compile(URL.pattern, re.IGNORECASE)
_TIME = re.compile(r"\d:\d")


def _protected(text: str) -> list[Finder]:
    return [pattern_finder(_PLACEHOLDER_ANY_CASE, text), *_addresses(text)]


def _addresses(text: str) -> list[Finder]:
    """For French spacing, placeholders count as text ("<g1>Note</g1> : x"); addresses
    and times (12:30) are left alone."""
    return [pattern_finder(_URL_ANY_CASE, text), email_finder(text, re.IGNORECASE),
            pattern_finder(_TIME, text)]


def _outside(text: str, protected: Callable[[str], list[Finder]],
             edit: Callable[[str], str]) -> str:
    """Apply `edit` only to the stretches of `text` between `protected` matches."""
    out, pos = [], 0
    for start, end in leftmost(protected(text)):
        out.append(edit(text[pos:start]))
        out.append(text[start:end])
        pos = end
    out.append(edit(text[pos:]))
    return "".join(out)


def _outside_protected(text: str, edit: re.Pattern[str], replace: str) -> str:
    """Apply `edit` only between placeholders, URLs, e-mails and times."""
    return _outside(text, _protected, lambda chunk: edit.sub(replace, chunk))


def fix_text(source: str, target: str, lang: str, policy: str) -> str:
    fixed = target
    if not source[:1].isspace():
        fixed = fixed.lstrip()
    if not source[-1:].isspace():
        fixed = fixed.rstrip()
    if "  " not in source:
        fixed = _outside_protected(fixed, re.compile(r"(?<=\S) {2,}(?=\S)"), " ")
    if "…" in source and "..." in fixed and "..." not in source:
        fixed = _outside_protected(fixed, re.compile(r"\.\.\."), "…")
    if primary(lang) == "fr":
        space = NNBSP if policy == "narrow" else NBSP
        keep = {NBSP, NNBSP} if policy == "either" else {space}
        before = re.compile(rf"(?<=[^\s;:!?{NBSP}{NNBSP}])[ {NBSP}{NNBSP}]?(?=[;:!?»])")
        after = re.compile(rf"(?<=«)[ {NBSP}{NNBSP}]?(?=\S)")

        def spaced(match: re.Match[str]) -> str:
            found = match.group(0)
            return found if found in keep else space

        fixed = _outside(fixed, _addresses,
                         lambda chunk: after.sub(spaced, before.sub(spaced, chunk)))
    return fixed


def fix_project(project: Project, langs: list[str] | None, docs: list[str] | None) -> list[str]:
    """Fix every selected catalogue in place, all written as one (none if any file changed
    on disk since it was read); one line per change."""
    from ..fsutil import Changes

    config = project.config
    writes = Changes()
    changes: list[str] = []
    policy = str(config.checks.settings.get("french-spacing", {}).get(
        "policy", config.checks.french_spacing))
    loaded = [(ref, catalog.load(ref.path)) for ref in project.catalogues(langs, docs)]
    for ref, po in loaded:  # every file read (and accepted) before the first write
        changed = False
        for entry in po:
            forms: dict[int | None, tuple[str, str]]
            if entry.msgid_plural is None:
                forms = {None: (entry.msgid, entry.msgstr)}
            else:  # every form: form 0 against msgid, the others against msgid_plural
                forms = {n: (entry.msgid if n == 0 else entry.msgid_plural, text)
                         for n, text in entry.msgstr_plural.items()}
            for n, (source, text) in sorted(forms.items(), key=lambda kv: kv[0] or 0):
                if not text:
                    continue
                fixed = fix_text(source, text, ref.lang, policy)
                if fixed == text:
                    continue
                changes.append(f"{project.shown(ref.path)}:{entry.line}: "
                               f"{text!r} -> {fixed!r}")
                if n is None:
                    entry.msgstr = fixed
                else:
                    entry.msgstr_plural[n] = fixed
                changed = True
        if changed:
            catalog.stage(writes, po, ref.path)
    writes.commit()
    return changes
