"""`align`: published translations paired with their sources, into the catalogues
(loaded only when it runs)."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import click

from ..errors import InputError
from ..project import Project
from .common import done_progress, locked, progress_line
from .common import project_of as _project
from .common import store_of as _store


@click.command("align")
@click.argument("pages", nargs=-1, metavar="[SOURCE.html TRANSLATION.html]",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--archive", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Align every translation set found in this folder (hreflang links, "
              "else file names).")
@click.option("--lang", help="Language of TRANSLATION (default: its <html lang>).")
@click.option("--source-lang", help="With --archive: the language the posts were written "
              "in (default: the project's source language).")
@click.option("--name", help="Document name for a new SOURCE page (default: its file name "
              "without a language code: post.en.html → post). A page the project has "
              "already (in bulletins/, or the same text) fills its own document.")
@click.option("--trust", is_flag=True, help="Pairs above align.trust (0.9) are written as "
              "translated, not fuzzy.")
@click.option("--force", is_flag=True, help="Align pages that look mismatched (other "
              "language, low overall confidence), and replace a person's translations "
              "too (kept otherwise).")
@click.option("--dry-run", is_flag=True, help="Print the alignment side by side; write "
              "nothing.")
@click.option("--html", "html_out", type=click.Path(path_type=Path),
              help="Write a review page (with --archive: a folder of them).")
@click.pass_context
def align_cmd(ctx: click.Context, pages: tuple[Path, ...], archive: Path | None,
              lang: str | None, source_lang: str | None, name: str | None, trust: bool,
              force: bool, dry_run: bool, html_out: Path | None) -> None:
    """Import published translations: align SOURCE.html with TRANSLATION.html (or a whole
    --archive folder) sentence by sentence, fill the target catalogue with the pairs
    (fuzzy, `aligned <confidence>`) and teach them to the translation memory.

    SOURCE may be a bulletin of the project, or a published copy of one (found by its
    text): its own catalogues are filled; a new page is copied into bulletins/ first.
    Published text fills empty units and replaces machine and memory drafts; a person's
    translation (translated, or fuzzy with no tool's provenance) is kept unless --force."""
    from ..align import align_pair, plan_archive
    from ..languages import primary

    project = _project(ctx)
    config = project.config
    for option, code in (("--lang", lang), ("--source-lang", source_lang)):
        if code is not None and code not in project.languages:
            project.language(primary(code), option)  # fr-FR: the project's fr
    if archive is None and len(pages) != 2:
        raise click.UsageError("give SOURCE.html and TRANSLATION.html, or --archive DIR")
    if archive is not None and pages:
        raise click.UsageError("--archive takes no page arguments")
    if archive is None:
        jobs = [(pages[0], pages[1], lang)]
        problems: list[str] = []
    else:
        if lang or name:
            raise click.UsageError("--lang and --name apply to one pair, not to --archive")
        plan = plan_archive(project, archive, source_lang)
        jobs = [(src, page, code) for src, pairs in plan.sets for code, page in pairs]
        problems = list(plan.problems)
    refused = 0

    reviewed: list[tuple[str, Any]] = []
    show = progress_line("aligning", len(jobs))
    with locked(project), (nullcontext() if dry_run else _store(project)) as store:
        for src, page, code in jobs:
            if show:
                show(f"{src.name} ↔ {page.name}")
            try:
                report = align_pair(project, src, page, code, name, force)
                with show.paused() if show else nullcontext():
                    _show_alignment(report, project, dry_run, trust, html_out, archive, force)
                reviewed.append((f"{report.doc}.{report.lang}.html", report))
            except InputError as exc:
                if archive is None:
                    raise
                refused += 1
                problems.append(str(exc))
        if show:
            show("teaching the memory")
        if store is not None:  # the filled catalogues and tm/aligned-*.tmx, once
            from ..memory.learn import learn_project

            learn_project(project, store)
        if archive is not None and html_out is not None:
            from ..align import review_index
            from ..fsutil import atomic_write_bytes

            html_out.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(html_out / "index.html",
                               review_index(reviewed, config.align.trust))
    done_progress()
    for problem in problems:
        click.echo(f"not aligned: {problem}", err=True)
    if archive is not None:
        click.echo(f"{len(jobs) - refused} pair(s) aligned, {len(problems)} problem(s)")
    if refused:
        sys.exit(1)


def _show_alignment(report: Any, project: Project, dry_run: bool, trust: bool,
                    html_out: Path | None, archive: Path | None, force: bool) -> None:
    from ..align import review_page, table, write_pair
    from ..fsutil import atomic_write_bytes

    config = project.config
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(report.kinds().items()))
    head = (f"{report.source} ↔ {report.translation} ({report.lang}): "
            f"{len(report.alignment.pairs)} pairs ({kinds}), overall confidence "
            f"{report.alignment.overall:.2f}")
    if html_out is not None:
        out = html_out / f"{report.doc}.{report.lang}.html" if archive else html_out
        out.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(out, review_page(report, config.align.trust))
    if report.existing is not None:

        head += (f"; document {report.doc} ({project.shown(report.existing)}, found by "
                 f"its {report.found_by})")
    else:
        head += f"; new document {report.doc}"
    if dry_run:
        click.echo(head)
        for line in table(report):
            click.echo(line)
        return
    write_pair(project, report, trust, force)
    click.echo(f"{head}; {summary(report)}")
    for path in report.written:
        click.echo(f"  wrote {path}")


def summary(report: Any) -> str:
    """What was filled, replaced and kept, and why: `filled 3, replaced 180 (180 MT),
    kept 2 (1 translated, 1 a person's fuzzy draft; --force replaces them), 14 trusted`."""

    order = ["MT", "TM", "earlier alignment", "a person's (--force)", "translated",
             "a person's fuzzy draft"]

    def detail(counts: Any) -> str:
        return ", ".join(f"{counts[why]} {why}" for why in order if counts[why])

    replaced, kept = sum(report.replaced.values()), sum(report.kept.values())
    parts = [f"filled {report.filled}",
             f"replaced {replaced}" + (f" ({detail(report.replaced)})" if replaced else ""),
             f"kept {kept}" + (f" ({detail(report.kept)}; --force replaces them)"
                               if kept else "")]
    if report.trusted:
        parts.append(f"{report.trusted} trusted")
    if report.absent:
        parts.append(f"{report.absent} unit(s) of the page not in the document")
    return ", ".join(parts)
