"""The release gate: the one verdict `transkit release` (and CI) asks before a site ships."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .build import BuildReport, build_site
from .checks import run_checks
from .problems import Problem, in_file_order
from .project import Project
from .status import completeness_problems, compute_status


class ReleaseGate:
    """The release gate's verdict and the site it built (written only if it passed)."""

    def __init__(self, problems: list[Problem], site: BuildReport):
        self.problems = problems
        self.site = site

    @property
    def passed(self) -> bool:
        return not self.problems


def release_gate(project: Project, out: Path | None = None,
                 progress: Callable[[str], None] | None = None) -> ReleaseGate:
    """The one release gate: every required language complete and up to date, no check
    error, and a build in which no page of a required language falls back to source
    text or drops a broken translation. The build is the judge of last resort: whatever
    any counter says, a page that would show untranslated text blocks the release."""
    config = project.config
    status = compute_status(project)
    checks = run_checks(project)
    problems: list[Problem] = completeness_problems(status, project)
    named = {p.place for p in problems}  # a merge conflict: once, not by the check too
    problems += [f for f in checks.errors() if f.place not in named]
    site = build_site(project, out, progress=progress, status=status, checks=checks)
    problems += site.missing_assets  # a page must not ship a broken image
    # Each problem once: a place the checks or the completeness figures already name is
    # not listed again by the build.
    files = {p.path for p in problems}
    places = {p.place for p in problems}
    problems += [p for p in site.problems if p.place not in places]
    required = set(config.release.required)
    problems += [p for p in site.fallbacks if p.lang in required and p.path not in files]
    return ReleaseGate(in_file_order(problems), site)
