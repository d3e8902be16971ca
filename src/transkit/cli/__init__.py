"""The `transkit` command: parse options, call one library function, render, pick the exit code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from .. import __version__
from ..errors import GateError
from ..project import Project
from . import common
from .common import done_progress as _done_progress
from .common import locked, warn
from .common import progress as _progress
from .common import project_of as _project


class _Commands(click.Group):
    """The main group. Commands that reach for the memory, the engines, the checks or git
    live in their own modules and are imported only when they run (click's lazy loading
    by module path), so `status` and friends start quickly."""

    LAZY = {
        "align": "transkit.cli.align:align_cmd",
        "approve": "transkit.cli.approve:approve_cmd",
        "check": "transkit.cli.checks:check_cmd",
        "git-setup": "transkit.cli.git:git_setup_cmd",
        "glossary": "transkit.cli.glossary:glossary_group",
        "merge-driver": "transkit.cli.git:merge_driver_cmd",
        "mt": "transkit.cli.engines:mt_group",
        "pretranslate": "transkit.cli.engines:pretranslate_cmd",
        "resolve": "transkit.cli.git:resolve_cmd",
        "serve": "transkit.cli.serve:serve",
        "tm": "transkit.cli.memory:tm",
        "xliff": "transkit.cli.agency:xliff_group",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.LAZY])

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            # Before click turns it into "Aborted!" and exit code 1: one line, 130.
            import signal
            import sys

            signal.signal(signal.SIGINT, signal.SIG_IGN)
            click.echo("transkit: interrupted (every file is as it was, or whole and new)",
                       err=True)
            sys.exit(130)
        except Exception as exc:
            # Every command's errors, converted here once (see common.converted).
            from .common import converted

            code = converted(exc)
            if code is None:
                raise
            import sys

            sys.exit(code)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """click's main, with its usage errors on one line as every other error is:
        `transkit: error: <what> (see 'transkit <command> --help')`, exit 2."""
        import sys

        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except click.UsageError as exc:
            if isinstance(exc, click.exceptions.NoArgsIsHelpError):  # `transkit`: the help
                exc.show()
                sys.exit(exc.exit_code)
            where = exc.ctx.command_path if exc.ctx is not None else "transkit"
            message = " ".join(exc.format_message().split()).rstrip(".")
            click.echo(f"transkit: error: {message} (see '{where} --help')", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"transkit: error: {' '.join(exc.format_message().split())}",
                       err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("transkit: aborted", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY:
            import importlib

            module, _, attribute = self.LAZY[name].partition(":")
            command: click.Command = getattr(importlib.import_module(module), attribute)
            return command
        return super().get_command(ctx, name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="transkit")
@click.option("-C", "--project", "root", type=click.Path(file_okay=False, path_type=Path),
              help="Project folder (default: the nearest folder with transkit.toml).")
@click.option("--no-wait", is_flag=True,
              help="Fail at once when another transkit holds the project lock (default: "
                   "wait, at most TRANSKIT_LOCK_TIMEOUT seconds, 600).")
@click.option("--allow-outside", is_flag=True,
              help="Allow folders and files of the project (paths.site, tm.path, links in "
                   "locales/ or bulletins/…) outside the project folder; refused otherwise "
                   "(also TRANSKIT_ALLOW_OUTSIDE=1).")
@click.option("-q", "--quiet", is_flag=True,
              help="No progress and no warnings: only the result and errors.")
@click.option("-v", "--verbose", is_flag=True,
              help="Every detail, such as each unit a build shows in the source language "
                   "(default: a summary per language).")
@click.pass_context
def main(ctx: click.Context, root: Path | None, no_wait: bool,
         allow_outside: bool, quiet: bool, verbose: bool) -> None:
    """Translate a multilingual news bulletin: segment, PO catalogues, status, release."""
    from .common import set_verbosity

    if quiet and verbose:
        raise click.UsageError("-q and -v say opposite things: give one")
    set_verbosity(-1 if quiet else 1 if verbose else 0)
    if root is not None and not root.is_dir():
        from ..errors import InputError

        raise InputError("no such folder (given with -C)" if not root.exists() else
                         "is not a folder (given with -C)", root)
    ctx.ensure_object(dict)
    ctx.obj["root"] = root
    ctx.obj["no_wait"] = no_wait
    ctx.obj["allow_outside"] = allow_outside or None  # else TRANSKIT_ALLOW_OUTSIDE


@main.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--source-lang", metavar="L",
              help="The bulletins' language (default: the first of --languages, else ca).")
@click.option("--languages", metavar="A,B,C",
              help="The project's languages, comma-separated (default: ca,es,en,fr); the "
                   "source language is added when left out.")
@click.option("--force", is_flag=True, help="Scaffold even if the folder is not empty "
              "(an existing transkit.toml and workflow are kept).")
@click.option("--install", "install", metavar="SPEC",
              help="How the CI workflow installs transkit: a pip requirement such as "
                   "'transkit-bulletin @ git+https://host/transkit.git@v0.1.0' or a wheel "
                   "URL (default: the pinned reference this transkit was installed from). "
                   "In an existing project, sets it in the workflow (which is written anew "
                   "when transkit wrote it and nobody edited it).")
def init(directory: Path, source_lang: str | None, languages: str | None, force: bool,
         install: str | None) -> None:
    """Scaffold transkit.toml, bulletins/, locales/<lang>/, .gitignore and a CI workflow;
    inside a git work tree, also `transkit git-setup`."""
    from ..config import CONFIG_NAME
    from ..errors import InputError
    from ..scaffold import init_project, install_spec, update_workflow

    existing = (directory / CONFIG_NAME).is_file()
    if existing and (source_lang or languages):
        raise InputError("already a project: its languages are set in transkit.toml "
                         "([project] source_language, languages)", directory / CONFIG_NAME)
    if existing and install is not None:
        # An existing project: its workflow is set to install transkit so, and nothing
        # else changes unless --force asks for the rest of the scaffold (kept if there).
        written: list[Path] = []
        if force:
            written, kept = init_project(directory, True, install)
            for path in written:
                click.echo(f"created {path}")
            for path in kept:
                if path.name == CONFIG_NAME:
                    click.echo(f"kept {path} (already there: not overwritten)")
        path, done = update_workflow(directory, install)
        if path not in written:
            click.echo(f"{done} {path}" + ("" if done == "unchanged" else
                                           f" (TRANSKIT_INSTALL: {install})"))
        return
    written, kept = init_project(directory, force, install, source_lang, languages)
    for path in written:
        click.echo(f"created {path}")
    for path in kept:
        click.echo(f"kept {path} (already there: not overwritten)")
    from ..gitmerge import git_setup, git_top

    if git_top(directory) is not None:  # a clone merges PO files unit by unit from day one
        for change in git_setup(directory):
            click.echo(f"set {change}")
    if install is None and install_spec() is None:
        warn("this transkit was not installed from a pinned git reference or a wheel URL: "
             "set TRANSKIT_INSTALL in .github/workflows/translations.yml (or run `transkit "
             "init --install SPEC`, which sets it in an existing project too)")
    click.echo("next: put bulletins in bulletins/<doc>.html and run `transkit extract`")


@main.command("extract")
@click.argument("docs", nargs=-1)
@click.option("--source-lang", help="Source language of these documents (overrides <html lang>).")
@click.option("--prune", is_flag=True,
              help="Remove the catalogues of bulletins that are gone (the TM keeps their "
                   "translations).")
@click.pass_context
def extract_cmd(ctx: click.Context, docs: tuple[str, ...], source_lang: str | None,
                prune: bool) -> None:
    """Segment bulletins, write templates and merge them into every language's PO file."""
    from ..extract import extract
    from ..languages import check_language, suggest

    project = _project(ctx)
    if source_lang is not None and source_lang not in project.languages:
        if suggest(source_lang, project.languages) is None:
            check_language(source_lang)  # an unknown code is named as such
        project.language(source_lang, "--source-lang")
    with locked(project):
        result = extract(project, list(docs) or None, source_lang, _progress("extracting"),
                         prune=prune)
    _done_progress()
    for path in result.written:
        click.echo(f"wrote {path}")
    for path in result.removed:
        click.echo(f"removed {path}")
    fuzzy = sum(m.fuzzy for m in result.merges.values())
    obsolete = sum(m.obsoleted for m in result.merges.values())
    click.echo(f"{result.documents} document(s), {result.units} units; "
               f"{len(result.written)} file(s) changed, {fuzzy} fuzzy carried over, "
               f"{obsolete} made obsolete")
    if result.orphans:
        warn(f"{len(result.orphans)} catalogue(s) of bulletins that are gone "
             f"({', '.join(result.orphans[:4])}{', …' if len(result.orphans) > 4 else ''})"
             "; `transkit extract --prune` removes them")


@main.command()
@click.option("--lang", "langs", multiple=True, help="Only this language (repeatable).")
@click.option("--doc", "docs", multiple=True, help="Only this document (repeatable); "
              "implies --by-doc.")
@click.option("--by-doc", is_flag=True, help="One row per language and document.")
@click.option("--missing", is_flag=True, help="List every untranslated or fuzzy unit.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown", "html"]),
              default="table", show_default=True,
              help="html: the dashboard build writes to site/status.html (bars, check "
                   "findings, the gate, progress over the git history), its links to the "
                   "review pages relative to the project folder; it always runs the checks.")
@click.option("--check", is_flag=True,
              help="Exit 1 when a required language is below the release threshold.")
@click.option("--no-cache", is_flag=True, help="Re-read every file.")
@click.option("--checks", "with_checks", is_flag=True,
              help="Also run the consistency checks and count findings per language.")
@click.pass_context
def status(ctx: click.Context, langs: tuple[str, ...], docs: tuple[str, ...], by_doc: bool,
           missing: bool, fmt: str, check: bool, no_cache: bool, with_checks: bool) -> None:
    """What is translated, fuzzy and missing, per language (and document)."""
    project = _project(ctx)
    from ..render import status as render
    from ..status import completeness_problems, compute_status

    result = compute_status(project, list(langs) or None, list(docs) or None,
                            use_cache=not no_cache, want_missing=missing)
    by_doc = by_doc or bool(docs)
    counts = None
    if fmt == "html":
        from ..build import dashboard_page

        click.echo(dashboard_page(project, result, list(langs) or None, list(docs) or None,
                                  site_links=False).decode("utf-8"), nl=False)
    elif with_checks:
        from ..checks import run_checks

        counts = run_checks(project, list(langs) or None, list(docs) or None).by_language()
    # One document per format: JSON and Markdown carry the missing units and the check
    # counts inside them; only the table is followed by plain lines.
    if fmt == "html":
        pass
    elif fmt == "json":
        click.echo(render.to_json(result, by_doc, missing, counts))
    elif fmt == "markdown":
        click.echo(render.to_markdown(result, by_doc, missing, counts))
    else:
        click.echo(render.to_table(result, by_doc, counts))
        if missing:
            for line in render.missing_lines(result):
                click.echo(line)
    if fmt != "html":
        from ..status import conflict_problems

        for problem in conflict_problems(result):
            warn(problem.text())
    if check:
        problems = completeness_problems(result, project)
        if problems:
            raise GateError(problems)


@main.command()
@click.option("--lang", required=True, help="Language of the text.")
@click.argument("file", type=click.File("rb"), default="-")
@click.option("--json", "as_json", is_flag=True, help="One JSON array of segments per line.")
def segment(lang: str, file: Any, as_json: bool) -> None:
    """Show how text is split into sentences (one paragraph per input line)."""
    from ..fsutil import decode_utf8
    from ..languages import check_language
    from ..sources.segment import split

    check_language(lang)
    text = decode_utf8(file.read(), file.name if file.name != "<stdin>" else "-")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    first = True
    for line in lines:
        line = line.rstrip("\r")
        pieces = split(line, lang) if line.strip() else []
        if as_json:
            click.echo(json.dumps(pieces, ensure_ascii=False))
        else:
            if not first:
                click.echo("")
            for piece in pieces:
                click.echo(piece)
        first = False


def _build(project: Project, out: Path | None, langs: tuple[str, ...],
           include_fuzzy: bool = False, allow_incomplete: bool = False) -> Any:
    from ..build import build_site

    result = build_site(project, out, list(langs) or None, progress=_progress("building"),
                        include_fuzzy=include_fuzzy, allow_incomplete=allow_incomplete)
    _done_progress()
    return result


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: site/).")
@click.option("--lang", "langs", multiple=True, help="Only this language (repeatable).")
@click.option("--allow-incomplete", is_flag=True,
              help="Build anyway: untranslated or broken units fall back to the source text.")
@click.option("--include-fuzzy", is_flag=True,
              help="Show fuzzy drafts (TM, MT, pseudo) as if reviewed: for previews only.")
@click.pass_context
def build(ctx: click.Context, out: Path | None, langs: tuple[str, ...],
          allow_incomplete: bool, include_fuzzy: bool) -> None:
    """Reassemble translated pages and the aligned review pages, without the release gate."""
    project = _project(ctx)
    with locked(project):
        from ..problems import in_file_order

        result = _build(project, out, langs, include_fuzzy, allow_incomplete)
        try:
            found = in_file_order(result.problems + result.fallbacks)
            if not allow_incomplete and found:
                raise GateError(found, "build (use --allow-incomplete to build with "
                                       "source-text fallbacks)")
            # Broken translations and missing files one by one; what merely is not
            # translated yet as a summary per language (-v: each unit).
            shown = found if common.VERBOSITY > 0 else in_file_order(result.problems)
            for problem in shown + in_file_order(result.missing_assets):
                warn(problem.text())
            if common.VERBOSITY <= 0:
                for line in result.fallback_summary():
                    warn(line)
            written = result.write()
        finally:
            result.discard()  # a refused build leaves no staging folder
    click.echo(f"built {len(written)} file(s) in {project.shown(out or project.site)}/")


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: site/).")
@click.pass_context
def release(ctx: click.Context, out: Path | None) -> None:
    """Refuse incomplete or broken locales; if the gate passes, build the site."""
    from ..release import release_gate

    project = _project(ctx)
    with locked(project):
        gate = release_gate(project, out, _progress("building"))
        _done_progress()
        try:
            if not gate.passed:
                raise GateError(gate.problems)
            written = gate.site.write()
        finally:
            gate.site.discard()  # a refused release leaves no staging folder
    click.echo(f"release gate passed; built {len(written)} file(s) in "
               f"{project.shown(out or project.site)}/")


def run() -> None:
    """The `transkit` command's entry point (see `common.run_command`)."""
    from .common import run_command

    run_command(main)
