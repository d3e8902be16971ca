"""The commands that reach for the translation memory, machine translation and the
checks: loaded only when one of them runs, so `status` and friends start quickly."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from ..config import Config
from ..errors import InputError
from ..mt.registry import names as _engines
from ..project import relative
from .common import config_of as _config
from .common import done_progress as _done_progress
from .common import locked
from .common import progress as _progress

# --- translation memory ------------------------------------------------------------------

@contextmanager
def _store(config: Config) -> Iterator[Any]:
    """The project's TM, closed however the command ends."""
    from ..tm import open_store

    store = open_store(config)
    try:
        yield store
    finally:
        store.close()


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

    config = _config(ctx)
    with locked(config):
        provider = None
        if mt:
            from ..pretranslate import check_pairs, open_provider

            provider = open_provider(config, mt)
            check_pairs(config, provider, list(langs) or None, list(docs) or None)
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
            if result.pivot:
                click.echo(f"TM: {result.pivot} of the fuzzy matches found through a "
                           "person's translation in another language")
            if provider is not None:
                _machine(config, store, provider, langs, docs, dry_run, force)


def _machine(config: Config, store: Any, provider: Any, langs: tuple[str, ...],
             docs: tuple[str, ...], dry_run: bool, force: bool) -> None:
    from ..pretranslate import machine_translate

    if sys.stderr.isatty():
        with click.progressbar(length=1, label=f"MT ({provider.name})", file=sys.stderr) as bar:
            def step(n: int) -> None:
                bar.length = max(bar.length or 1, bar.pos + n)
                bar.update(n)
            try:
                result = machine_translate(config, store, provider, list(langs) or None,
                                           list(docs) or None, dry_run, force, step)
            finally:
                provider.close()
    else:
        try:
            result = machine_translate(config, store, provider, list(langs) or None,
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
        click.echo(f"warning: {failure}", err=True)
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
            from ..mt.registry import engine_class

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

    engine = open_provider(_config(ctx), provider)
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


@click.group("tm")
def tm() -> None:
    """Translation memory: lookup, import, export, stats, rebuild, migrate."""


def _match_json(m: Any, text: str) -> dict[str, Any]:
    from ..text import word_diff

    return {"score": m.score, "source": m.source, "target": m.target, "proposal": m.proposal,
            "origin": m.origin, "doc": m.doc, "date": m.date, "explanation": m.explanation,
            "penalties": [{"reason": r, "points": p} for r, p in m.penalties],
            "notes": m.notes, "diff": word_diff(m.source, text)}


REQUEST_LIMIT = 1 << 20  # bytes in one `tm lookup --stdin` request line


def _requests(stream: Any) -> Iterator[tuple[int, bytes | None]]:
    """The lines of `stream`, numbered; a line longer than REQUEST_LIMIT is skipped to its
    end and given as None."""
    number = 0
    while True:
        line = stream.readline(REQUEST_LIMIT + 1)
        if not line:
            return
        number += 1
        if len(line) > REQUEST_LIMIT and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(REQUEST_LIMIT)
            yield number, None
        else:
            yield number, line


def _request_text(raw: bytes | None) -> str:
    """The text a request line asks for, or ValueError with the reason it is refused."""
    if raw is None:
        raise ValueError(f"longer than {REQUEST_LIMIT} bytes")
    try:
        line = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise ValueError("not valid UTF-8") from None
    if not line.startswith('"'):  # (so nothing else is parsed: no nesting to recurse in)
        raise ValueError("not a JSON string")
    try:
        text = json.loads(line)
    except ValueError as exc:
        raise ValueError(f"not a JSON string ({getattr(exc, 'msg', exc)})") from None
    if not isinstance(text, str):
        raise ValueError("not a JSON string")
    if "\x00" in text:
        raise ValueError("a text may not contain NUL (U+0000)")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("not valid Unicode (a lone surrogate)") from None
    return text


def _serve_lookups(store: Any, source: str, target: str, threshold: int, limit: int) -> int:
    """`tm lookup --stdin`: one request per line (a JSON string, the text), one JSON line
    per request in UTF-8 ({"matches": [...]} or {"error": "<stdin>:N: reason"}); the index
    stays open between requests and is read again when the memory changes. Returns the
    exit code: 2 when a request was refused."""
    if sys.stdin is None or sys.stdout is None:
        raise InputError("tm lookup --stdin needs an open standard input and output")
    out = sys.stdout.buffer
    refused = 0
    for number, raw in _requests(sys.stdin.buffer):
        if raw is not None and not raw.strip():
            continue  # (a blank line asks nothing)
        reply: dict[str, Any]
        try:
            text = _request_text(raw)
        except ValueError as exc:
            reply = {"error": f"<stdin>:{number}: {exc}"}
            refused += 1
        else:
            store.refresh()
            store.prepare_lookups(source)
            found = store.lookup(text, source, target, threshold, limit)
            reply = {"matches": [_match_json(m, text) for m in found]}
        out.write(json.dumps(reply, ensure_ascii=False).encode("utf-8") + b"\n")
        out.flush()
    return 2 if refused else 0


@tm.command("lookup")
@click.argument("text", required=False)
@click.option("--from", "source", required=True, help="Language of TEXT.")
@click.option("--to", "target", required=True, help="Language of the translations.")
@click.option("--limit", type=click.IntRange(1, 100), default=5, show_default=True)
@click.option("--threshold", type=click.IntRange(1, 100), help="Lowest score shown.")
@click.option("--json", "as_json", is_flag=True, help="Matches as JSON.")
@click.option("--stdin", "serve", is_flag=True,
              help="Answer many lookups: one JSON string per line of stdin, one JSON line "
                   "of matches per request on stdout, UTF-8 (for editor plug-ins; --json "
                   "is implied).")
@click.pass_context
def tm_lookup(ctx: click.Context, text: str | None, source: str, target: str, limit: int,
              threshold: int | None, as_json: bool, serve: bool) -> None:
    """Exact and fuzzy matches for TEXT, each with its score and explanation."""
    from ..languages import check_language
    from ..text import word_diff

    if (text is None) == (not serve):
        raise click.UsageError("give either TEXT or --stdin (requests read from stdin), "
                               "not both")
    check_language(source)
    check_language(target)
    config = _config(ctx)
    with _store(config) as store:
        if serve:
            code = _serve_lookups(store, source, target, threshold or config.tm.threshold,
                                  limit)
            if code:
                sys.exit(code)
            return
        assert text is not None
        store.prepare_lookups(source)
        matches = store.lookup(text, source, target, threshold or config.tm.threshold, limit)
    if as_json:
        click.echo(json.dumps([_match_json(m, text) for m in matches], ensure_ascii=False,
                              indent=2))
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
def tm_rebuild(ctx: click.Context) -> None:
    """Recreate the TM from locales/ and tm/*.tmx."""
    from ..tm.learn import rebuild_memory

    config = _config(ctx)
    with locked(config):
        result = rebuild_memory(config, _progress("learning"))
    _done_progress()
    if result.damaged is not None:
        click.echo(f"warning: the memory could not be read: moved aside to "
                   f"{relative(config, result.damaged)} (its history is there) and learnt "
                   "again", err=True)
    click.echo(f"learnt {result.variants} translations from {result.files_read} file(s)")


@tm.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source-lang", help="Source language of PO compendia (default: the header's "
              "X-Transkit-Source-Language, else the project's).")
@click.pass_context
def tm_import(ctx: click.Context, files: tuple[Path, ...], source_lang: str | None) -> None:
    """Import TMX files, XLIFF files (their translated units) and PO compendia (all or
    nothing); keeps a TMX copy of each in tm/ so that `tm rebuild` can always restore
    them."""
    from ..tm.exchange import import_files

    config = _config(ctx)
    with locked(config):
        with _store(config) as store:
            result = import_files(config, store, list(files), source_lang,
                                  _progress("importing"))
            show = _progress("indexing")
            for lang in sorted(result.sources):  # a large memory's index, saved for lookups
                if show:
                    show(lang)
                store.prepare_lookups(lang)
    _done_progress()
    for line in result.left_out:
        click.echo(f"warning: {line}", err=True)
    for path in result.saved:
        click.echo(f"kept {path}")
    click.echo(f"imported {result.entries} entries ({result.variants} new translations) "
               f"from {len(files)} file(s)")


@tm.command("export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--langs", help="Comma-separated languages (default: all); for an XLIFF "
              "file (.xlf, .xliff) the source language, then the target language.")
@click.pass_context
def tm_export(ctx: click.Context, out: Path, langs: str | None) -> None:
    """Write the aligned multilingual memory as TMX 1.4b (inline codes carrying the
    bulletins' markup), or one language pair of it as XLIFF 2.0 (OUT ending in .xlf or
    .xliff)."""
    from ..languages import check_language
    from ..tm.exchange import XLIFF_SUFFIXES, export_xliff
    from ..tm.learn import learn_project
    from ..tm.tmx import export_tmx

    config = _config(ctx)
    chosen = tuple(check_language(x.strip()) for x in langs.split(",")) if langs else None
    as_xliff = out.suffix.lower() in XLIFF_SUFFIXES
    if as_xliff:
        if chosen is None and len(config.languages) == 2:
            chosen = (config.source_language,
                      next(x for x in config.languages if x != config.source_language))
        if chosen is None or len(chosen) != 2 or chosen[0] == chosen[1]:
            raise click.UsageError("an XLIFF file holds one language pair: give --langs "
                                   "SOURCE,TARGET (e.g. --langs ca,fr)")
    with _store(config) as store:
        with locked(config):
            learn_project(config, store)
        if as_xliff and chosen is not None:
            count = export_xliff(store.entries(chosen), out, chosen[0], chosen[1])
        else:
            from ..handoff import markup_index

            count = export_tmx(store.entries(chosen), out, config.source_language, chosen,
                               markup_index(config))
    click.echo(f"wrote {count} translation units to {out}")


@tm.command("migrate")
@click.option("--to", "dest", required=True, metavar="URL|PATH",
              help="Destination: a postgresql:// URL or an SQLite file.")
@click.option("--from", "source", metavar="URL|PATH",
              help="Memory to copy (default: the project's, from tm.url or tm.path).")
@click.option("--batch", type=click.IntRange(1, 100000), default=1000, show_default=True,
              help="Units per transaction.")
@click.pass_context
def tm_migrate(ctx: click.Context, dest: str, source: str | None, batch: int) -> None:
    """Copy the memory to another backend, batch by batch; an interrupted copy resumes,
    and a later run copies only what was added since. Then set `[tm] url` (or
    TRANSKIT_TM_URL) to use the destination."""
    from ..redact import redact_url as redact
    from ..tm import open_locator, tm_locator
    from ..tm.migrate import migrate

    config = _config(ctx)
    origin = source or tm_locator(config)
    if origin == dest:
        raise click.UsageError("--to names the memory being copied")
    show = _progress("copied units:")
    with locked(config):
        src = open_locator(origin)
        try:
            target = open_locator(dest)
            try:
                result = migrate(src, target, batch,
                                 (lambda n: show(f"{n:,}")) if show else None)
            finally:
                target.close()
        finally:
            src.close()
    _done_progress()
    if result.resumed_after:
        click.echo(f"resumed after unit {result.resumed_after}")
    click.echo(f"copied {result.units} unit(s) ({result.variants} new variant(s)) and "
               f"{result.files} file record(s) to {redact(dest)}")


# --- aligning published translations ------------------------------------------------------

@click.command("align")
@click.argument("pages", nargs=-1, metavar="[SOURCE.html TRANSLATION.html]",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--archive", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Align every translation set found in this folder (hreflang links, "
              "else file names).")
@click.option("--lang", help="Language of TRANSLATION (default: its <html lang>).")
@click.option("--source-lang", help="With --archive: the language the posts were written "
              "in (default: the project's source language).")
@click.option("--name", help="Document name for SOURCE (default: its file name).")
@click.option("--trust", is_flag=True, help="Pairs above align.trust (0.9) are written as "
              "translated, not fuzzy.")
@click.option("--force", is_flag=True, help="Align pages that look mismatched (other "
              "language, low overall confidence).")
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
    (fuzzy, `aligned <confidence>`) and teach them to the translation memory."""
    from ..archive import align_pair, plan_archive

    config = _config(ctx)
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
        plan = plan_archive(config, archive, source_lang)
        jobs = [(src, page, code) for src, pairs in plan.sets for code, page in pairs]
        problems = list(plan.problems)
    refused = 0
    from contextlib import nullcontext

    reviewed: list[tuple[str, Any]] = []
    with locked(config), (nullcontext() if dry_run else _store(config)) as store:
        for count, (src, page, code) in enumerate(jobs, 1):
            try:
                report = align_pair(config, src, page, code, name, force)
                _show_alignment(report, config, dry_run, trust, html_out, archive)
                reviewed.append((f"{report.doc}.{report.lang}.html", report))
            except InputError as exc:
                if archive is None:
                    raise
                refused += 1
                problems.append(str(exc))
            if archive is not None and len(jobs) > 20 and count % 20 == 0:
                click.echo(f"{count}/{len(jobs)} pairs", err=True)
        if store is not None:  # the filled catalogues and tm/aligned-*.tmx, once
            from ..tm.learn import learn_project

            learn_project(config, store)
        if archive is not None and html_out is not None:
            from ..archive import review_index
            from ..fsutil import atomic_write_bytes

            html_out.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(html_out / "index.html",
                               review_index(reviewed, config.align.trust))
    for problem in problems:
        click.echo(f"not aligned: {problem}", err=True)
    if archive is not None:
        click.echo(f"{len(jobs) - refused} pair(s) aligned, {len(problems)} problem(s)")
    if refused:
        sys.exit(1)


def _show_alignment(report: Any, config: Config, dry_run: bool, trust: bool,
                    html_out: Path | None, archive: Path | None) -> None:
    from ..archive import review_page, table, write_pair
    from ..fsutil import atomic_write_bytes

    kinds = ", ".join(f"{n} {k}" for k, n in sorted(report.kinds().items()))
    head = (f"{report.source} ↔ {report.translation} ({report.lang}): "
            f"{len(report.alignment.pairs)} pairs ({kinds}), overall confidence "
            f"{report.alignment.overall:.2f}")
    if html_out is not None:
        out = html_out / f"{report.doc}.{report.lang}.html" if archive else html_out
        out.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(out, review_page(report, config.align.trust))
    if dry_run:
        click.echo(head)
        for line in table(report):
            click.echo(line)
        return
    write_pair(config, report, trust)
    click.echo(f"{head}; filled {report.filled} ({report.trusted} trusted), kept "
               f"{report.kept} translated")
    for path in report.written:
        click.echo(f"  wrote {path}")


# --- checks ------------------------------------------------------------------------------

@click.command("check")
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
def check_cmd(ctx: click.Context, langs: tuple[str, ...], docs: tuple[str, ...], fmt: str,
              only: tuple[str, ...], min_severity: str, list_only: bool, fix: bool) -> None:
    """Consistency checks of every translation against its source and the other languages.
    Exit 1 when an error-level finding remains."""
    from ..checks import REGISTRY, run_checks
    from ..checks.output import to_json, to_sarif

    if list_only:
        width = max(len(c.id) for c in REGISTRY)
        for c in REGISTRY:
            click.echo(f"{c.id:<{width}}  {c.severity:<7}  {c.scope:<8}  {c.description}")
        return
    config = _config(ctx)
    if fix:
        from ..checks.fix import fix_project

        with locked(config):
            changes = fix_project(config, list(langs) or None, list(docs) or None)
        for change in changes:
            click.echo(change)
        click.echo(f"{len(changes)} fix(es) applied", err=True)
    result = run_checks(config, list(langs) or None, list(docs) or None, list(only) or None,
                        min_severity)
    if not (langs or docs or only) and min_severity == "info":
        from ..status_cache import save_findings

        save_findings(config, result.by_language())  # `status` shows them until files change
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


# --- XLIFF: work sent to an agency and taken back -------------------------------------------

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
    from ..handoff import export_xliff
    from ..project import check_languages

    config = _config(ctx)
    check_languages(config, [lang])
    chosen = set(only) or {"untranslated", "fuzzy"}
    if no_matches:
        report = export_xliff(config, None, lang, list(docs) or None, version, chosen, out)
    else:
        from ..tm.learn import learn_project

        with _store(config) as store:
            with locked(config):
                learn_project(config, store)
            report = export_xliff(config, store, lang, list(docs) or None, version, chosen,
                                  out)
    for name in report.skipped:
        click.echo(f"warning: {name} is written in another source language: export it in a "
                   f"file of its own (--doc {name})", err=True)
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
@click.pass_context
def xliff_import(ctx: click.Context, files: tuple[Path, ...], lang: str | None,
                 dry_run: bool) -> None:
    """Take an agency's XLIFF files back into the catalogues. Each file is validated and
    applied whole or not at all; units with broken inline codes are refused and listed,
    entries changed since the export are kept and reported as conflicts. Exit 1 when a
    unit was refused or in conflict, 2 when a file was refused."""
    from ..handoff import CONFLICT, REFUSED, import_document, read_files
    from ..project import check_languages

    config = _config(ctx)
    if lang is not None:
        check_languages(config, [lang])
    documents = read_files(list(files))  # every file valid before anything is written
    results = []
    with locked(config):
        for path, document in documents:
            results.append(import_document(config, path, document, dry_run, lang))
        if not dry_run and any(r.written for r in results):
            from ..tm.learn import learn_project

            with _store(config) as store:
                learn_project(config, store)
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


COMMANDS: dict[str, click.Command] = {
    "align": align_cmd, "check": check_cmd, "mt": mt_group,
    "pretranslate": pretranslate_cmd, "tm": tm, "xliff": xliff_group}
