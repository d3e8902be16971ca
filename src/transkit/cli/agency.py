"""`xliff export` and `xliff import`: a language's catalogues sent to an agency as one
XLIFF file and taken back (loaded only when they run)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import InputError
from .common import locked, warn
from .common import project_of as _project
from .common import store_of as _store


def _format_names() -> list[str]:
    from ..exchange import registry

    return registry.names()


@click.group("xliff")
def xliff_group() -> None:
    """Exchange with an agency's CAT tool: export a language as XLIFF, import it back."""


@xliff_group.command("export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", required=True, help="Target language of the file.")
@click.option("--doc", "docs", multiple=True, help="Only this document (repeatable).")
@click.option("--version", "version", type=click.Choice(["2.0", "1.2"]), default="2.0",
              show_default=True, help="XLIFF version.")
@click.option("--only", "only", multiple=True,
              type=click.Choice(["untranslated", "fuzzy", "all"]),
              help="Units to send (repeatable; default: untranslated and fuzzy).")
@click.option("--no-matches", is_flag=True, help="Do not add translation memory matches.")
@click.pass_context
def xliff_export(ctx: click.Context, out: Path, lang: str, docs: tuple[str, ...],
                 version: str, only: tuple[str, ...], no_matches: bool) -> None:
    """Write the units of one language as one XLIFF file for a CAT tool: one <file> per
    document, inline markup as inline codes, notes, previous source of fuzzy units, and
    translation memory matches for empty units."""
    from ..agency import export_xliff

    project = _project(ctx)
    project.select_languages([lang])
    chosen = set(only) or {"untranslated", "fuzzy"}
    if no_matches:
        report = export_xliff(project, None, lang, list(docs) or None, version, chosen, out)
    else:
        from ..memory.learn import learn_project

        with _store(project) as store:
            with locked(project):
                learn_project(project, store)
            report = export_xliff(project, store, lang, list(docs) or None, version, chosen,
                                  out)
    for name in report.skipped:
        warn(f"{name} is written in another source language: export it in a file of its "
             f"own (--doc {name})")
    if not report.written:
        click.echo(f"nothing to export for {lang} ({', '.join(sorted(chosen))}); "
                   f"{out} not written")
        return
    click.echo(f"wrote {out}: XLIFF {version}, {report.files} document(s), {report.units} "
               f"unit(s) ({report.words} words), {report.matches} TM match(es)")


@xliff_group.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", help="Refuse a file whose target language is not this one.")
@click.option("--dry-run", is_flag=True, help="Print what would change; write nothing.")
@click.option("--format", "format_name", type=click.Choice(_format_names()),
              help="Format of the files (default: the one their suffix names).")
@click.pass_context
def xliff_import(ctx: click.Context, files: tuple[Path, ...], lang: str | None,
                 dry_run: bool, format_name: str | None) -> None:
    """Take an agency's XLIFF files back into the catalogues. Each file is validated and
    applied whole or not at all; units with broken inline codes are refused and listed,
    entries changed since the export are kept and reported as conflicts. Exit 1 when a
    unit was refused or in conflict, 2 when a file was refused."""
    from ..agency import CONFLICT, REFUSED, import_document, read_files

    project = _project(ctx)
    if lang is not None:
        project.select_languages([lang])
    # every file valid before anything is written
    documents = read_files(list(files), format_name)
    results = []
    with locked(project):
        for path, document in documents:
            results.append(import_document(project, path, document, dry_run, lang))
        if not dry_run and any(r.written for r in results):
            from ..memory.learn import learn_project

            with _store(project) as store:
                learn_project(project, store)
    verb = "would write" if dry_run else "wrote"
    failed = attention = False
    for result in results:
        if result.error is not None:
            failed = True
            click.echo(_shown_error(result.error), err=True)
            continue
        for change in result.changes:
            line = change.line()
            if change.action in (CONFLICT, REFUSED):
                attention = True
                click.echo(line, err=True)
            elif dry_run:
                click.echo(line)
        for written in result.written:
            click.echo(f"{verb} {written}")
        click.echo(f"{result.path}: {result.count('translated')} translated, "
                   f"{result.count('fuzzy')} fuzzy, {result.count('suggestion')} kept as "
                   f"fuzzy suggestions, {result.unchanged} unchanged, "
                   f"{result.count(CONFLICT)} conflict(s), {result.count(REFUSED)} refused"
                   + (" (dry run: nothing written)" if dry_run else ""))
    if failed:
        sys.exit(2)
    if attention:
        sys.exit(1)


def _shown_error(error: InputError) -> str:
    from .common import _safe, _shown

    if error.path is not None:
        error.path = _shown(error.path)
    return _safe(str(error))
