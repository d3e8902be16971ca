"""`transkit approve`: a reviewer makes tool drafts translations (approve.py), each
listed as `path:line`."""

from __future__ import annotations

import click

from .common import locked
from .common import project_of as _project


@click.command("approve")
@click.option("--lang", required=True, help="The language whose drafts are approved.")
@click.option("--doc", "docs", multiple=True, help="Only this document (repeatable).")
@click.option("--from", "kinds", multiple=True, type=click.Choice(["aligned", "tm", "mt"]),
              help="Only drafts of this kind (repeatable; default: all three): aligned "
              "from a published page, a translation memory match, machine translation.")
@click.option("--min-score", type=click.FloatRange(0, 100), metavar="N",
              help="Only drafts scored at least N of 100 (a memory match's %, an "
              "alignment's confidence × 100); machine drafts have no score.")
@click.option("--by", "by", metavar="'NAME <EMAIL>'",
              help="Who approves (default: git's user.name and user.email).")
@click.option("--dry-run", is_flag=True, help="List what would be approved; write nothing.")
@click.pass_context
def approve_cmd(ctx: click.Context, lang: str, docs: tuple[str, ...], kinds: tuple[str, ...],
                min_score: float | None, by: str | None, dry_run: bool) -> None:
    """Turn fuzzy drafts (aligned, TM, MT) into translations, listing each as path:line.

    Never approved in bulk, and listed as skipped: a unit whose source changed since it
    was drafted, a merge conflict, a fuzzy unit no tool drafted, and a draft with an
    error-level check finding. The header's Last-Translator names who approved; each
    unit keeps an `approved <date> by <who>: <draft>` comment."""
    from ..approve import KINDS, approve, default_approver

    project = _project(ctx)
    who = by if by is not None else default_approver(project.root)
    with locked(project):
        report = approve(project, lang, list(docs) or None, tuple(kinds) or KINDS, min_score,
                         who, dry_run)
        # What was written is said first: a memory that cannot learn afterwards (another
        # catalogue broken, say) takes nothing back.
        verb = "would approve" if dry_run else "approved"
        for item in report.approved:
            click.echo(f"{item.path}:{item.line}: {verb} ({item.provenance})")
        for path, line, why in report.skipped:
            click.echo(f"{path}:{line}: skipped: {why}", err=True)
        click.echo(f"{verb} {len(report.approved)} unit(s), {len(report.skipped)} skipped"
                   + (f" (by {who})" if who and report.approved else "")
                   + (" (dry run: nothing written)" if dry_run else ""))
        if report.written:  # the memory learns the approved texts as a person's
            from ..errors import TranskitError
            from ..memory import open_store
            from ..memory.learn import learn_project

            try:
                store = open_store(project)
                try:
                    learn_project(project, store)
                finally:
                    store.close()
            except TranskitError as exc:
                from .common import _safe

                click.echo(_safe(f"warning: the approvals are written, but the memory did "
                                 f"not learn them: {exc} (`transkit tm rebuild` once that "
                                 "is fixed)"), err=True)
