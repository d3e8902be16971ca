"""`transkit approve`: a reviewer accepts drafts in bulk. Fuzzy units drafted by a tool
(aligned from a published page, a memory match, a machine translation) become translated,
each listed by `path:line`, the approval recorded in the unit and in the header.

What is never approved in bulk: a fuzzy unit whose source changed since it was
translated (`#| msgid`: someone must compare), a merge conflict, a fuzzy unit no tool
drafted (a person's unfinished work), an empty plural form, and a draft with an
error-level finding of a per-unit check (a broken placeholder, a changed number).

Who approved: the header's `Last-Translator` (and `PO-Revision-Date`) name the approver,
as gettext's tools do for the last person to revise a file; each approved unit's
provenance comment (`aligned 0.93 (1-1)`, `TM 87% (…)`, `MT deepl …`) is replaced by
`approved <date> by <who>: <the provenance>`, which is no provenance: the text is now a
person's, for the memory (human), pivot drafts and `align` (never replaced) alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import catalog
from .catalog.merge import is_conflict
from .errors import InputError
from .fsutil import Changes
from .project import Project
from .unit import PROVENANCE_KINDS, Unit

KINDS = tuple(PROVENANCE_KINDS)  # "tm", "mt", "aligned"
APPROVED = "approved "


@dataclass
class Approval:
    """One unit approved (or, in a dry run, that would be)."""

    path: str  # as the user sees it
    line: int  # the msgid's line in the file as written (as read, in a dry run)
    msgid: str
    msgctxt: str | None
    provenance: str  # what drafted it, as its comment said


@dataclass
class ApproveReport:
    approved: list[Approval] = field(default_factory=list)
    skipped: list[tuple[str, int, str]] = field(default_factory=list)  # path, line, why
    written: list[str] = field(default_factory=list)


def score_of(kind: str, detail: str) -> float | None:
    """A draft's score out of 100: a memory match's percentage, an alignment's confidence
    × 100; None for a machine translation (it has none)."""
    if kind == "tm":
        found = re.match(r"(\d+(?:\.\d+)?)%", detail)
    elif kind == "aligned":
        found = re.match(r"(\d+(?:\.\d+)?)", detail)
    else:
        return None
    if found is None:
        return None
    value = float(found.group(1))
    return value * 100 if kind == "aligned" else value


def _why_not(unit: Unit, kinds: tuple[str, ...], min_score: float | None) -> str | None:
    """Why a fuzzy unit is not approved (None: it is), or "" when it is not a candidate at
    all (another tool's draft than asked for, or a score under the bar: not reported)."""
    provenance = unit.provenance
    if is_conflict(unit):
        return "a merge conflict: choose between the two translations"
    if provenance is None:
        return "no tool drafted it (a translator's unfinished work)"
    kind, detail = provenance
    if kind not in kinds:
        return ""
    if min_score is not None:
        score = score_of(kind, detail)
        if score is None or score < min_score:
            return ""
    if unit.previous_msgid is not None:
        return "the source changed since it was translated: compare it with the previous one"
    if unit.msgid_plural is not None and not all(unit.msgstr_plural.values()):
        return "a plural form is empty"
    return None


def approve(project: Project, lang: str, docs: list[str] | None = None,
            kinds: tuple[str, ...] = KINDS, min_score: float | None = None,
            by: str = "", dry_run: bool = False, when: datetime | None = None
            ) -> ApproveReport:
    """Approve the fuzzy tool drafts of `lang` (documents `docs`, all by default) whose
    provenance is one of `kinds` and whose score is at least `min_score`; every file is
    written at once or none is (a file changed meanwhile is `StaleError`)."""
    plan = plan_approval(project, lang, docs, kinds, min_score, by, dry_run, when)
    plan.commit()
    return plan.report


@dataclass
class ApprovalPlan:
    """What `approve` read and will write: `commit` writes it (all files or none)."""

    project: Project
    report: ApproveReport
    changes: Changes
    planned: list[tuple[Path, list[tuple[Unit, str]]]]

    def commit(self) -> None:
        if self.changes:
            self.changes.commit()
            _lines_as_written(self.project, self.report, self.planned)


def plan_approval(project: Project, lang: str, docs: list[str] | None = None,
                  kinds: tuple[str, ...] = KINDS, min_score: float | None = None,
                  by: str = "", dry_run: bool = False, when: datetime | None = None
                  ) -> ApprovalPlan:
    """Read and decide (see `approve`); nothing is written until the plan's `commit`."""
    from .checks import unit_errors
    from .checks.base import Pair

    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise InputError(f"unknown draft kind {unknown[0]!r} (one of {', '.join(KINDS)})")
    stamp = (when or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M+0000")
    errors = unit_errors(project)
    report = ApproveReport()
    changes = Changes()
    planned: list[tuple[Path, list[tuple[Unit, str]]]] = []
    for ref in project.catalogues([lang], docs):
        po = catalog.load(ref.path)
        rel = project.shown(ref.path)
        chosen: list[tuple[Unit, str]] = []
        for unit in po.active():
            if not unit.fuzzy or not unit.has_target:
                continue
            why = _why_not(unit, kinds, min_score)
            if why is None:
                found = errors(Pair(unit.msgid, unit.msgstr, ref.source_language, lang,
                                    tuple(unit.flags)))
                if found:
                    why = f"error[{found[0]}"
            if why:
                report.skipped.append((rel, unit.line, why))
            if why is not None:
                continue
            kind, detail = unit.provenance or ("", "")
            described = f"{PROVENANCE_KINDS[kind]} {detail}".rstrip()
            chosen.append((unit, described))
            report.approved.append(Approval(rel, unit.line, unit.msgid, unit.msgctxt,
                                            described))
        if not chosen or dry_run:
            continue
        for unit, described in chosen:
            unit.set_fuzzy(False)
            unit.set_provenance(None)
            who = f" by {by}" if by else ""
            unit.translator_comments.append(f"{APPROVED}{stamp[:10]}{who}: {described}")
        po.metadata["PO-Revision-Date"] = stamp
        if by:
            po.metadata["Last-Translator"] = by
        if catalog.stage(changes, po, ref.path):
            planned.append((ref.path, chosen))
            report.written.append(rel)
    return ApprovalPlan(project, report, changes, planned)


def _lines_as_written(project: Project, report: ApproveReport,
                      planned: list[tuple[Path, list[tuple[Unit, str]]]]) -> None:
    """Each approved unit's line in the file as written (clearing `#, fuzzy` moves the
    entries after it)."""
    lines: dict[tuple[str, str, str | None], int] = {}
    for path, chosen in planned:
        written = catalog.load(path).by_key()
        rel = project.shown(path)
        for unit, _ in chosen:
            found = written.get(unit.key)
            if found is not None:
                lines[(rel, *unit.key)] = found.line
    for approval in report.approved:
        approval.line = lines.get((approval.path, approval.msgid, approval.msgctxt),
                                  approval.line)


def default_approver(root: Path) -> str:
    """`Name <email>` from git's configuration for the project, else the login name."""
    import getpass
    import shutil
    import subprocess

    parts = []
    git = shutil.which("git")
    if git is not None:
        for key in ("user.name", "user.email"):
            try:
                done = subprocess.run([git, "-C", str(root), "config", key], text=True,
                                      capture_output=True, timeout=10, check=False)
            except (OSError, subprocess.SubprocessError):
                continue
            parts.append(done.stdout.strip() if done.returncode == 0 else "")
    name, email = (parts + ["", ""])[:2]
    if name:
        return f"{name} <{email}>" if email else name
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""
