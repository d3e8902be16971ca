"""The commands between transkit and git: `git-setup`, the merge driver git runs and
`resolve` (loaded on demand; they need no transkit.toml)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import _safe, _shown


@click.command("git-setup")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def git_setup_cmd(directory: Path | None) -> None:
    """Merge PO files unit by unit: register transkit's merge driver in this clone's git
    configuration and route *.po and *.pot to it in the .gitattributes of DIRECTORY
    (default: the project's folder, else the working folder). Each clone runs it once;
    idempotent."""
    from ..errors import ConfigError
    from ..gitmerge import git_setup

    if directory is None:
        from ..config import find_root

        try:
            directory = find_root(Path.cwd())
        except ConfigError:
            directory = Path.cwd()
    for change in git_setup(directory):
        click.echo(f"set {_shown(change)}")
    click.echo("git merges PO files with transkit in this clone")


@click.command("merge-driver", hidden=True)
@click.argument("base", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("ours", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("theirs", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("path")
def merge_driver_cmd(base: Path, ours: Path, theirs: Path, path: str) -> None:
    """What git runs to merge a catalogue (%O %A %B %P): the result goes into OURS; exit 1
    on a conflict, which git then reports. (`git-setup` registers the quicker
    `python -m transkit.merge_driver`, the same code without click.)"""
    from ..merge_driver import main

    sys.exit(main([str(base), str(ours), str(theirs), path]))


@click.command("resolve")
@click.argument("paths", nargs=-1)
@click.option("--commit", "commit", metavar="REV",
              help="Redo a merge commit made without the driver (a hosting site's merge "
                   "button): rewrite the catalogues whose merge comes out different, for "
                   "you to review and commit.")
def resolve_cmd(paths: tuple[str, ...], commit: str | None) -> None:
    """Redo the merge of catalogues git left conflicted (the hosting site's merge button,
    an IDE without the driver) from git's own stages, as the driver would have; stage
    those merged cleanly. Exit 1 while a conflict is left."""
    left = False
    if commit is not None:
        from ..gitmerge import redo_merge

        redone = redo_merge(Path.cwd(), commit, list(paths))
        for item in redone:
            if item.error is not None:
                left = True
                click.echo(_safe(str(item.error)), err=True)
                continue
            for line in item.conflicts:
                left = True
                click.echo(_safe(line), err=True)
            click.echo(f"{'rewrote' if item.rewritten else 'as merged:'} {item.path}")
        if not redone:
            click.echo("no catalogue changed on both sides of that merge")
        if left:
            sys.exit(1)
        return
    from ..gitmerge import resolve

    results = resolve(Path.cwd(), list(paths))
    for result in results:
        if result.error is not None:
            left = True
            click.echo(_safe(str(result.error)), err=True)
            continue
        for line in result.conflicts:
            left = True
            click.echo(_safe(line), err=True)
        click.echo(f"{'merged' if result.staged else 'conflict in'} {result.path}")
    if not results:
        click.echo("no conflicted catalogue")
    if left:
        sys.exit(1)
