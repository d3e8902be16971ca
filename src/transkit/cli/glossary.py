"""`glossary import` and `glossary export`: the project's glossary in TBX-Basic."""

from __future__ import annotations

from pathlib import Path

import click

from .common import locked
from .common import project_of as _project


@click.group("glossary")
def glossary_group() -> None:
    """The glossary (glossary/terms.csv, do-not-translate.txt) to and from TBX."""


@glossary_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def glossary_import(ctx: click.Context, file: Path) -> None:
    """Merge a TBX file (TBX-Basic, 2008 or 3) into the glossary: a term with the same
    source-language form is replaced, others are added; preferred, admitted and forbidden
    forms, definitions and names not to translate are kept."""
    from ..exchange.tbx import import_tbx

    project = _project(ctx)
    with locked(project):
        result = import_tbx(project, file)
    click.echo(f"imported {result.terms} term(s) ({result.new} new) and {result.names} "
               f"name(s) not to translate ({result.new_names} new) from {file}")


@glossary_group.command("export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def glossary_export(ctx: click.Context, out: Path) -> None:
    """Write the glossary as TBX-Basic (what Translate Toolkit and Weblate import)."""
    from ..exchange.tbx import export_tbx

    terms, names = export_tbx(_project(ctx), out)
    click.echo(f"wrote {terms} term(s) and {names} name(s) not to translate to {out}")
