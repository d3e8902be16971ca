"""`check`: every registered check over the project (loaded only when it runs)."""

from __future__ import annotations

import sys

import click

from .common import locked
from .common import project_of as _project


@click.command("check")
@click.option("--lang", "langs", multiple=True, help="Only this language (repeatable).")
@click.option("--doc", "docs", multiple=True, help="Only this document (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text",
              show_default=True)
@click.option("--only", "only", multiple=True, help="Only this check id (repeatable).")
@click.option("--severity", "min_severity", type=click.Choice(["error", "warning", "info"]),
              default="info", show_default=True, help="Lowest severity reported.")
@click.option("--list", "list_only", is_flag=True, help="List every check and exit.")
@click.option("--suggest", is_flag=True, help="Add suggestions to the findings of checks "
              "that have them (spelling).")
@click.option("--fix", is_flag=True, help="Apply safe mechanical fix-ups (whitespace, French "
              "spacing, '...' to '…') and list them.")
@click.pass_context
def check_cmd(ctx: click.Context, langs: tuple[str, ...], docs: tuple[str, ...], fmt: str,
              only: tuple[str, ...], min_severity: str, list_only: bool, suggest: bool,
              fix: bool) -> None:
    """Consistency checks of every translation against its source and the other languages.
    Exit 1 when an error-level finding remains."""
    from ..checks import check_classes, run_checks
    from ..checks.output import to_json, to_sarif
    from ..checks.registry import scope_of

    if list_only:
        registry = check_classes()
        width = max(len(c.id) for c in registry)
        for c in registry:
            click.echo(f"{c.id:<{width}}  {c.severity:<7}  {scope_of(c):<8}  {c.description}")
        return
    project = _project(ctx)
    if fix:
        from ..checks.fix import fix_project

        with locked(project):
            changes = fix_project(project, list(langs) or None, list(docs) or None)
        for change in changes:
            click.echo(change)
        click.echo(f"{len(changes)} fix(es) applied", err=True)
    result = run_checks(project, list(langs) or None, list(docs) or None, list(only) or None,
                        min_severity, suggest)
    if not (langs or docs or only) and min_severity == "info":
        from ..status_cache import save_findings

        save_findings(project, result.by_language())  # `status` shows them until files change
    if fmt == "json":
        click.echo(to_json(result))
    elif fmt == "sarif":
        click.echo(to_sarif(result, project))
    else:
        for finding in result.findings:
            click.echo(finding.text())
        click.echo(f"{result.units} translations in {result.files} catalogue(s): "
                   f"{result.count('error')} error(s), {result.count('warning')} warning(s), "
                   f"{result.count('info')} note(s)", err=True)
    if result.count("error"):
        sys.exit(1)
