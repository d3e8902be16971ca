"""`pretranslate` and `mt`: drafts from the memory and the machine translation
engines (loaded only when one of them runs)."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..engines.registry import names as _engines
from ..project import Project
from . import common
from .common import locked
from .common import project_of as _project
from .common import store_of as _store


@click.command("pretranslate")
@click.option("--lang", "langs", multiple=True, help="Only this language (repeatable).")
@click.option("--doc", "docs", multiple=True, help="Only this document (repeatable).")
@click.option("--threshold", type=click.IntRange(1, 100),
              help="Lowest fuzzy score used (default: tm.threshold, 75).")
@click.option("--exact-as-fuzzy/--exact-as-translated", default=None,
              help="Mark exact matches fuzzy for review (default: tm.exact_as_fuzzy).")
@click.option("--dry-run", is_flag=True, help="Report what would be filled; write nothing.")
@click.option("--mt", "mt", type=click.Choice(_engines()),
              help="Then draft what is left with machine translation (as fuzzy); "
                   "`transkit mt --help` lists the engines and their pairs.")
@click.option("--force", is_flag=True, help="Start an MT job larger than the remaining quota.")
@click.pass_context
def pretranslate_cmd(ctx: click.Context, langs: tuple[str, ...], docs: tuple[str, ...],
                     threshold: int | None, exact_as_fuzzy: bool | None, dry_run: bool,
                     mt: str | None, force: bool) -> None:
    """Fill empty entries from the translation memory (exact, then fuzzy as fuzzy), then
    optionally from machine translation (fuzzy drafts for review)."""
    from ..pretranslate import count_pending, pretranslate

    project = _project(ctx)

    with locked(project):
        provider = None
        if mt:
            from ..pretranslate import check_pairs, open_provider

            provider = open_provider(project.config, mt)
            check_pairs(project, provider, list(langs) or None, list(docs) or None)
        with _store(project) as store:
            total = count_pending(project, list(langs) or None, list(docs) or None)
            if sys.stderr.isatty() and total and common.VERBOSITY >= 0:
                with click.progressbar(length=total, label="pre-translating",
                                       file=sys.stderr) as bar:
                    result = pretranslate(project, store, list(langs) or None,
                                          list(docs) or None, threshold, exact_as_fuzzy,
                                          dry_run, bar.update, total)
            else:
                result = pretranslate(project, store, list(langs) or None, list(docs) or None,
                                      threshold, exact_as_fuzzy, dry_run, pending=total)
            for path in result.written:
                click.echo(f"wrote {path}")
            verb = "would fill" if dry_run else "filled"
            click.echo(f"TM {verb}: {result.exact} exact ({result.exact_words} words), "
                       f"{result.fuzzy} fuzzy ({result.fuzzy_words} words); no match: "
                       f"{result.none} ({result.none_words} words)")
            if result.pivot:
                click.echo(f"TM: {result.pivot} of the fuzzy matches found through a "
                           "person's translation in another language")
            if provider is not None:
                _machine(project, store, provider, langs, docs, dry_run, force)


def _machine(project: Project, store: Any, provider: Any, langs: tuple[str, ...],
             docs: tuple[str, ...], dry_run: bool, force: bool) -> None:
    from ..pretranslate import machine_translate

    if sys.stderr.isatty() and common.VERBOSITY >= 0:
        with click.progressbar(length=1, label=f"MT ({provider.name})", file=sys.stderr) as bar:
            def step(n: int) -> None:
                bar.length = max(bar.length or 1, bar.pos + n)
                bar.update(n)
            try:
                result = machine_translate(project, store, provider, list(langs) or None,
                                           list(docs) or None, dry_run, force, step)
            finally:
                provider.close()
    else:
        try:
            result = machine_translate(project, store, provider, list(langs) or None,
                                       list(docs) or None, dry_run, force)
        finally:
            provider.close()
    if dry_run:
        for lang, chars in sorted(result.chars.items()):
            click.echo(f"MT would bill {chars} characters for {lang}")
        click.echo(f"MT: {result.cached} unit(s) served from earlier identical requests")
        return
    for path in result.written:
        click.echo(f"wrote {path}")
    for failure in result.failures:
        common.warn(failure)
    click.echo(f"MT ({provider.name}): {result.units} unit(s) drafted as fuzzy, "
               f"{result.cached} from earlier identical requests, {result.billed} characters "
               f"billed, {len(result.failures)} failure(s)")
    for lang, count in sorted(result.pivoted.items()):
        click.echo(f"MT ({provider.name}): {count} of them drafted from a person's "
                   f"translation in {lang} (a better start than the source)")


def _installed_pairs() -> str:
    """What each engine serves, for `mt --help` and `mt usage` (cheap: no engine started)."""
    lines = []
    for name in _engines():
        try:
            from ..engines.registry import engine_class

            listing = getattr(engine_class(name), "installed", None)
            lines.append(f"{name}: {listing() if listing is not None else 'any pair'}")
        except Exception as exc:  # a broken plug-in must not hide the others
            lines.append(f"{name}: cannot be loaded ({' '.join(str(exc).split())})")
    return "\n".join(lines)


class _MTGroup(click.Group):
    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Engines (pairs installed)"):
            formatter.write_text("\b\n" + _installed_pairs())


@click.group("mt", cls=_MTGroup)
def mt_group() -> None:
    """Machine translation engines: usage and installed pairs."""


@mt_group.command("usage")
@click.option("--provider", type=click.Choice(_engines()), default="deepl", show_default=True)
@click.pass_context
def mt_usage(ctx: click.Context, provider: str) -> None:
    """Characters used and the account's limit (DeepL); the pairs an engine serves."""
    from ..pretranslate import open_provider

    engine = open_provider(_project(ctx).config, provider)
    try:
        listing = getattr(engine.engine, "installed", None)
        if listing is not None:
            click.echo(f"{provider}: {listing()}")
        used, limit = engine.usage()
    finally:
        engine.close()
    if limit is None and listing is not None:
        return
    if limit is None:
        click.echo(f"{used} characters used (no limit reported)")
    else:
        click.echo(f"{used} of {limit} characters used ({limit - used} left)")
