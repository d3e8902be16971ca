"""The `transkit` command: parse options, call one library function, render, pick the exit code."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__, report
from .config import Config, load_config
from .errors import GateError, TranskitError
from .project import extract, project_lock, relative

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """Library errors become `file:line: reason` on stderr and exit code 2 (1 for gates)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GateError as exc:
            click.echo(f"transkit: {exc.message}:", err=True)
            for problem in exc.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(exc.exit_code)
        except TranskitError as exc:
            click.echo(f"{exc}" if exc.path else f"transkit: error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


def _progress(label: str) -> Callable[[str], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(item: str) -> None:
        click.echo(f"\r\x1b[K{label} {item}", err=True, nl=False)

    return show


def _done_progress() -> None:
    if sys.stderr.isatty():
        click.echo("\r\x1b[K", err=True, nl=False)


def _config(ctx: click.Context) -> Config:
    return load_config(ctx.obj.get("root"))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="transkit")
@click.option("-C", "--project", "root", type=click.Path(file_okay=False, path_type=Path),
              help="Project folder (default: the nearest folder with transkit.toml).")
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """Translate a multilingual news bulletin: segment, PO catalogues, status, release."""
    ctx.ensure_object(dict)
    ctx.obj["root"] = root


@main.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Scaffold even if the folder is not empty.")
@handle_errors
def init(directory: Path, force: bool) -> None:
    """Scaffold transkit.toml, bulletins/, locales/<lang>/, .gitignore and a CI workflow."""
    from .scaffold import init_project

    written = init_project(directory, force)
    for path in written:
        click.echo(f"created {path}")
    click.echo("next: put bulletins in bulletins/<doc>.html and run `transkit extract`")


@main.command("extract")
@click.argument("docs", nargs=-1)
@click.option("--source-lang", help="Source language of these documents (overrides <html lang>).")
@click.pass_context
@handle_errors
def extract_cmd(ctx: click.Context, docs: tuple[str, ...], source_lang: str | None) -> None:
    """Segment bulletins, write templates and merge them into every language's PO file."""
    config = _config(ctx)
    with project_lock(config):
        result = extract(config, list(docs) or None, source_lang, _progress("extracting"))
    _done_progress()
    for path in result.written:
        click.echo(f"wrote {path}")
    fuzzy = sum(m.fuzzy for m in result.merges.values())
    obsolete = sum(m.obsoleted for m in result.merges.values())
    click.echo(f"{result.documents} document(s), {result.units} units; "
               f"{len(result.written)} file(s) changed, {fuzzy} fuzzy carried over, "
               f"{obsolete} made obsolete")


@main.command()
@click.option("--lang", "langs", multiple=True, help="Only this language (repeatable).")
@click.option("--doc", "docs", multiple=True, help="Only this document (repeatable); "
              "implies --by-doc.")
@click.option("--by-doc", is_flag=True, help="One row per language and document.")
@click.option("--missing", is_flag=True, help="List every untranslated or fuzzy unit.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]),
              default="table", show_default=True)
@click.option("--check", is_flag=True,
              help="Exit 1 when a required language is below the release threshold.")
@click.option("--no-cache", is_flag=True, help="Re-read every file.")
@click.option("--checks", "with_checks", is_flag=True,
              help="Also run the consistency checks and count findings per language.")
@click.pass_context
@handle_errors
def status(ctx: click.Context, langs: tuple[str, ...], docs: tuple[str, ...], by_doc: bool,
           missing: bool, fmt: str, check: bool, no_cache: bool, with_checks: bool) -> None:
    """What is translated, fuzzy and missing, per language (and document)."""
    config = _config(ctx)
    result = report.compute_status(config, list(langs) or None, list(docs) or None,
                                   use_cache=not no_cache, want_missing=missing)
    by_doc = by_doc or bool(docs)
    if fmt == "json":
        click.echo(report.to_json(result, by_doc))
    elif fmt == "markdown":
        click.echo(report.to_markdown(result, by_doc))
    else:
        click.echo(report.to_table(result, by_doc))
    if missing:
        for line in report.missing_lines(result):
            click.echo(line)
    if with_checks:
        from .checks import run_checks

        counts = run_checks(config, list(langs) or None, list(docs) or None).by_language()
        for lang in [x.lang for x in result.languages]:
            c = counts.get(lang, {"error": 0, "warning": 0, "info": 0})
            click.echo(f"{lang}: {c['error']} error(s), {c['warning']} warning(s), "
                       f"{c['info']} note(s) from `transkit check`")
    if check:
        problems = report.gate_problems(result, config)
        if problems:
            raise GateError(problems)


@main.command()
@click.option("--lang", required=True, help="Language of the text.")
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
@click.option("--json", "as_json", is_flag=True, help="One JSON array of segments per line.")
@handle_errors
def segment(lang: str, file: Any, as_json: bool) -> None:
    """Show how text is split into sentences (one paragraph per input line)."""
    from .segment import split

    first = True
    for line in file:
        line = line.rstrip("\n")
        pieces = split(line, lang) if line.strip() else []
        if as_json:
            click.echo(json.dumps(pieces, ensure_ascii=False))
        else:
            if not first:
                click.echo("")
            for piece in pieces:
                click.echo(piece)
        first = False


def _build(config: Config, out: Path | None, langs: tuple[str, ...],
           include_fuzzy: bool = False) -> Any:
    from .build import build_site

    result = build_site(config, out, list(langs) or None, progress=_progress("building"),
                        include_fuzzy=include_fuzzy)
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
@handle_errors
def build(ctx: click.Context, out: Path | None, langs: tuple[str, ...],
          allow_incomplete: bool, include_fuzzy: bool) -> None:
    """Reassemble translated pages and the aligned review pages, without the release gate."""
    config = _config(ctx)
    with project_lock(config):
        result = _build(config, out, langs, include_fuzzy)
        if not allow_incomplete and (result.problems or result.fallbacks):
            raise GateError(result.problems + result.fallbacks
                            + ["(use --allow-incomplete to build with source-text fallbacks)"])
        for line in result.problems + result.fallbacks:
            click.echo(f"warning: {line}", err=True)
        written = result.write()
    click.echo(f"built {len(written)} file(s) in {relative(config, out or config.site)}/")


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: site/).")
@click.pass_context
@handle_errors
def release(ctx: click.Context, out: Path | None) -> None:
    """Refuse incomplete or broken locales; if the gate passes, build the site."""
    from .checks import run_checks

    config = _config(ctx)
    with project_lock(config):
        problems = report.gate_problems(report.compute_status(config), config)
        problems += [f.text() for f in run_checks(config, min_severity="error").findings]
        result = _build(config, out, ())
        problems += result.problems
        if problems:
            raise GateError(problems)
        written = result.write()
    click.echo(f"release gate passed; built {len(written)} file(s) in "
               f"{relative(config, out or config.site)}/")


# --- translation memory ------------------------------------------------------------------

@contextmanager
def _store(config: Config) -> Iterator[Any]:
    """The project's TM, closed however the command ends."""
    from .tm import open_store

    store = open_store(config)
    try:
        yield store
    finally:
        store.close()


@main.command("pretranslate")
@click.option("--lang", "langs", multiple=True, help="Only this language (repeatable).")
@click.option("--doc", "docs", multiple=True, help="Only this document (repeatable).")
@click.option("--threshold", type=click.IntRange(1, 100),
              help="Lowest fuzzy score used (default: tm.threshold, 75).")
@click.option("--exact-as-fuzzy/--exact-as-translated", default=None,
              help="Mark exact matches fuzzy for review (default: tm.exact_as_fuzzy).")
@click.option("--dry-run", is_flag=True, help="Report what would be filled; write nothing.")
@click.option("--mt", "mt", type=click.Choice(["deepl", "pseudo"]),
              help="Then draft what is left with machine translation (as fuzzy).")
@click.option("--force", is_flag=True, help="Start an MT job larger than the remaining quota.")
@click.pass_context
@handle_errors
def pretranslate_cmd(ctx: click.Context, langs: tuple[str, ...], docs: tuple[str, ...],
                     threshold: int | None, exact_as_fuzzy: bool | None, dry_run: bool,
                     mt: str | None, force: bool) -> None:
    """Fill empty entries from the translation memory (exact, then fuzzy as fuzzy), then
    optionally from machine translation (fuzzy drafts for review)."""
    from .pretranslate import count_pending, pretranslate

    config = _config(ctx)
    with project_lock(config):
        provider = None
        if mt:
            from .pretranslate import open_provider

            provider = open_provider(config, mt)
        with _store(config) as store:
            total = count_pending(config, list(langs) or None, list(docs) or None)
            if sys.stderr.isatty() and total:
                with click.progressbar(length=total, label="pre-translating",
                                       file=sys.stderr) as bar:
                    result = pretranslate(config, store, list(langs) or None,
                                          list(docs) or None, threshold, exact_as_fuzzy,
                                          dry_run, bar.update, total)
            else:
                result = pretranslate(config, store, list(langs) or None, list(docs) or None,
                                      threshold, exact_as_fuzzy, dry_run, pending=total)
            for path in result.written:
                click.echo(f"wrote {path}")
            verb = "would fill" if dry_run else "filled"
            click.echo(f"TM {verb}: {result.exact} exact ({result.exact_words} words), "
                       f"{result.fuzzy} fuzzy ({result.fuzzy_words} words); no match: "
                       f"{result.none} ({result.none_words} words)")
            if provider is not None:
                _machine(config, store, provider, langs, docs, dry_run, force)


def _machine(config: Config, store: Any, provider: Any, langs: tuple[str, ...],
             docs: tuple[str, ...], dry_run: bool, force: bool) -> None:
    from .pretranslate import machine_translate

    if sys.stderr.isatty():
        with click.progressbar(length=1, label=f"MT ({provider.name})", file=sys.stderr) as bar:
            def step(n: int) -> None:
                bar.length = max(bar.length or 1, bar.pos + n)
                bar.update(n)
            result = machine_translate(config, store, provider, list(langs) or None,
                                       list(docs) or None, dry_run, force, step)
    else:
        result = machine_translate(config, store, provider, list(langs) or None,
                                   list(docs) or None, dry_run, force)
    if dry_run:
        for lang, chars in sorted(result.chars.items()):
            click.echo(f"MT would bill {chars} characters for {lang}")
        click.echo(f"MT: {result.cached} unit(s) served from earlier identical requests")
        return
    for path in result.written:
        click.echo(f"wrote {path}")
    for failure in result.failures:
        click.echo(f"warning: {failure}", err=True)
    click.echo(f"MT ({provider.name}): {result.units} unit(s) drafted as fuzzy, "
               f"{result.cached} from earlier identical requests, {result.billed} characters "
               f"billed, {len(result.failures)} failure(s)")


@main.group("mt")
def mt_group() -> None:
    """Machine translation service: usage."""


@mt_group.command("usage")
@click.option("--provider", type=click.Choice(["deepl"]), default="deepl", show_default=True)
@click.pass_context
@handle_errors
def mt_usage(ctx: click.Context, provider: str) -> None:
    """Characters used and the account's limit."""
    from .pretranslate import open_provider

    used, limit = open_provider(_config(ctx), provider).usage()
    if limit is None:
        click.echo(f"{used} characters used (no limit reported)")
    else:
        click.echo(f"{used} of {limit} characters used ({limit - used} left)")


@main.group()
def tm() -> None:
    """Translation memory: lookup, import, export, stats, rebuild."""


@tm.command("lookup")
@click.argument("text")
@click.option("--from", "source", required=True, help="Language of TEXT.")
@click.option("--to", "target", required=True, help="Language of the translations.")
@click.option("--limit", type=click.IntRange(1, 100), default=5, show_default=True)
@click.option("--threshold", type=click.IntRange(1, 100), help="Lowest score shown.")
@click.option("--json", "as_json", is_flag=True, help="Matches as JSON.")
@click.pass_context
@handle_errors
def tm_lookup(ctx: click.Context, text: str, source: str, target: str, limit: int,
              threshold: int | None, as_json: bool) -> None:
    """Exact and fuzzy matches for TEXT, each with its score and explanation."""
    from .languages import check_language
    from .tm.match import word_diff

    check_language(source)
    check_language(target)
    config = _config(ctx)
    with _store(config) as store:
        matches = store.lookup(text, source, target, threshold or config.tm.threshold, limit)
    if as_json:
        click.echo(json.dumps([{
            "score": m.score, "source": m.source, "target": m.target, "proposal": m.proposal,
            "origin": m.origin, "doc": m.doc, "date": m.date, "explanation": m.explanation,
            "penalties": [{"reason": r, "points": p} for r, p in m.penalties],
            "notes": m.notes, "diff": word_diff(m.source, text)} for m in matches],
            ensure_ascii=False, indent=2))
        return
    if not matches:
        click.echo("no match")
        return
    for m in matches:
        click.echo(f"{m.score:>3}%  {m.proposal}")
        click.echo(f"      source: {m.source}")
        if m.score < 100:
            click.echo(f"      diff:   {word_diff(m.source, text)}")
        click.echo(f"      why:    {m.reason}")
        click.echo(f"      from:   {m.origin}, {m.doc or '-'}, {m.date or '-'}")


@tm.command("stats")
@click.pass_context
@handle_errors
def tm_stats(ctx: click.Context) -> None:
    """Entries per language pair and provenance."""
    config = _config(ctx)
    with _store(config) as store:
        rows = store.stats()
    if not rows:
        click.echo("the translation memory is empty (run `transkit tm rebuild`)")
        return
    click.echo(f"{'pair':<8} {'origin':<9} {'entries':>8}")
    for src, tgt, origin, count in rows:
        click.echo(f"{src}→{tgt:<5} {origin:<9} {count:>8}")


@tm.command("rebuild")
@click.pass_context
@handle_errors
def tm_rebuild(ctx: click.Context) -> None:
    """Recreate the TM from locales/ and tm/*.tmx."""
    from .tm.learn import rebuild

    config = _config(ctx)
    with project_lock(config):
        with _store(config) as store:
            result = rebuild(config, store, _progress("learning"))
    _done_progress()
    click.echo(f"learnt {result.variants} translations from {result.files_read} file(s)")


@tm.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source-lang", help="Source language of PO compendia (default: the header's "
              "X-Transkit-Source-Language, else the project's).")
@click.pass_context
@handle_errors
def tm_import(ctx: click.Context, files: tuple[Path, ...], source_lang: str | None) -> None:
    """Import TMX files and PO compendia (all or nothing); copies them into tm/ so that
    `tm rebuild` can always restore them."""
    from .tm.exchange import import_files

    config = _config(ctx)
    with project_lock(config):
        with _store(config) as store:
            result = import_files(config, store, list(files), source_lang)
    for path in result.saved:
        click.echo(f"kept {path}")
    click.echo(f"imported {result.entries} entries ({result.variants} new translations) "
               f"from {len(files)} file(s)")


@tm.command("export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--langs", help="Comma-separated languages (default: all).")
@click.pass_context
@handle_errors
def tm_export(ctx: click.Context, out: Path, langs: str | None) -> None:
    """Write the aligned multilingual memory as TMX 1.4b."""
    from .languages import check_language
    from .tm.learn import learn_project
    from .tm.tmx import export_tmx

    config = _config(ctx)
    chosen = tuple(check_language(x.strip()) for x in langs.split(",")) if langs else None
    with _store(config) as store:
        with project_lock(config):
            learn_project(config, store)
        count = export_tmx(store.entries(chosen), out, config.source_language, chosen)
    click.echo(f"wrote {count} translation units to {out}")


# --- checks ------------------------------------------------------------------------------

@main.command("check")
@click.option("--lang", "langs", multiple=True, help="Only this language (repeatable).")
@click.option("--doc", "docs", multiple=True, help="Only this document (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text",
              show_default=True)
@click.option("--only", "only", multiple=True, help="Only this check id (repeatable).")
@click.option("--severity", "min_severity", type=click.Choice(["error", "warning", "info"]),
              default="info", show_default=True, help="Lowest severity reported.")
@click.option("--list", "list_only", is_flag=True, help="List every check and exit.")
@click.option("--fix", is_flag=True, help="Apply safe mechanical fix-ups (whitespace, French "
              "spacing, '...' to '…') and list them.")
@click.pass_context
@handle_errors
def check_cmd(ctx: click.Context, langs: tuple[str, ...], docs: tuple[str, ...], fmt: str,
              only: tuple[str, ...], min_severity: str, list_only: bool, fix: bool) -> None:
    """Consistency checks of every translation against its source and the other languages.
    Exit 1 when an error-level finding remains."""
    from .checks import REGISTRY, run_checks
    from .checks.output import to_json, to_sarif

    if list_only:
        width = max(len(c.id) for c in REGISTRY)
        for c in REGISTRY:
            click.echo(f"{c.id:<{width}}  {c.severity:<7}  {c.scope:<8}  {c.description}")
        return
    config = _config(ctx)
    if fix:
        from .checks.fix import fix_project

        with project_lock(config):
            changes = fix_project(config, list(langs) or None, list(docs) or None)
        for change in changes:
            click.echo(change)
        click.echo(f"{len(changes)} fix(es) applied", err=True)
    result = run_checks(config, list(langs) or None, list(docs) or None, list(only) or None,
                        min_severity)
    if fmt == "json":
        click.echo(to_json(result))
    elif fmt == "sarif":
        click.echo(to_sarif(result, config))
    else:
        for finding in result.findings:
            click.echo(finding.text())
        click.echo(f"{result.units} translations in {result.files} catalogue(s): "
                   f"{result.count('error')} error(s), {result.count('warning')} warning(s), "
                   f"{result.count('info')} note(s)", err=True)
    if result.count("error"):
        sys.exit(1)
