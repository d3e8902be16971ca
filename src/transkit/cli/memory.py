"""`tm`: the translation memory's lookup, import, export, stats, rebuild and migrate
(loaded only when it runs)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from ..errors import InputError
from .common import done_progress as _done_progress
from .common import locked, warn
from .common import progress as _progress
from .common import project_of as _project
from .common import store_of as _store


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
    from ..text import word_diff

    if (text is None) == (not serve):
        raise click.UsageError("give either TEXT or --stdin (requests read from stdin), "
                               "not both")
    project = _project(ctx)
    config = project.config
    project.language(source, "--from")
    project.language(target, "--to")
    with _store(project) as store:
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
    project = _project(ctx)
    with _store(project) as store:
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
    from ..memory.learn import rebuild_memory

    project = _project(ctx)
    with locked(project):
        result = rebuild_memory(project, _progress("learning"))
    _done_progress()
    if result.damaged is not None:
        warn(f"the memory could not be read: moved aside to "
             f"{project.shown(result.damaged)} (its history is there) and learnt again")
    click.echo(f"learnt {result.variants} translations from {result.files_read} file(s)")


def _format_option(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    from ..exchange import registry

    return click.option("--format", "format_name", type=click.Choice(registry.names()),
                        help=f"Format of {what} (default: the one its suffix names).")


@tm.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source-lang", help="Source language of PO compendia (default: the header's "
              "X-Transkit-Source-Language, else the project's).")
@_format_option("the files")
@click.pass_context
def tm_import(ctx: click.Context, files: tuple[Path, ...], source_lang: str | None,
              format_name: str | None) -> None:
    """Import TMX files, XLIFF files (their translated units), PO compendia and any
    exchange format installed (all or nothing); keeps a TMX copy of each in tm/ so that
    `tm rebuild` can always restore them."""
    from ..memory.exchange import import_files

    project = _project(ctx)
    if source_lang is not None:
        project.language(source_lang, "--source-lang")
    with locked(project):
        with _store(project) as store:
            result = import_files(project, store, list(files), source_lang,
                                  _progress("importing"), format_name)
            show = _progress("indexing")
            for lang in sorted(result.sources):  # a large memory's index, saved for lookups
                if show:
                    show(lang)
                store.prepare_lookups(lang)
    _done_progress()
    for line in result.left_out:
        warn(line)
    for path in result.saved:
        click.echo(f"kept {path}")
    click.echo(f"imported {result.entries} entries ({result.variants} new translations) "
               f"from {len(files)} file(s)")


@tm.command("export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--langs", help="Comma-separated languages (default: all); for a format of "
              "one language pair (XLIFF, PO) the source language, then the target language.")
@_format_option("OUT")
@click.pass_context
def tm_export(ctx: click.Context, out: Path, langs: str | None,
              format_name: str | None) -> None:
    """Write the aligned multilingual memory as TMX 1.4b (inline codes carrying the
    bulletins' markup; OUT of any other suffix), or one language pair of it in a format
    of pairs: XLIFF 2.0 (.xlf, .xliff), a PO compendium (.po), any format installed
    (--format)."""
    from ..agency import markup_index
    from ..exchange import registry
    from ..memory.exchange import export_units
    from ..memory.learn import learn_project

    project = _project(ctx)
    config = project.config
    fmt = registry.for_path(out, format_name, default="tmx")  # (TMX, whatever the name)
    chosen = tuple(project.language(x.strip(), "--langs")
                   for x in langs.split(",")) if langs else None
    if not getattr(fmt, "multilingual", False):
        if chosen is None and len(project.languages) == 2:
            chosen = (config.source_language,
                      next(x for x in project.languages if x != config.source_language))
        if chosen is None or len(chosen) != 2 or chosen[0] == chosen[1]:
            raise click.UsageError(f"a {fmt.name} file holds one language pair: give --langs "
                                   "SOURCE,TARGET (e.g. --langs ca,fr)")
    with _store(project) as store:
        with locked(project):
            learn_project(project, store)
        count = export_units(store, fmt, out, chosen, config.source_language,
                             markup_index(project))
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
    from ..memory import open_locator, tm_locator
    from ..memory.migrate import migrate
    from ..redact import redact_url as redact

    project = _project(ctx)

    origin = source or tm_locator(project)
    if origin == dest:
        raise click.UsageError("--to names the memory being copied")
    show = _progress("copied units:")
    with locked(project):
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
