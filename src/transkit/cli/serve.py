"""`transkit serve`: the translators' web editor (loaded on demand: Starlette, Uvicorn and
Jinja2 are imported only by this command)."""

from __future__ import annotations

import os
import subprocess

import click

from ..errors import InputError
from .common import project_of as _project


def _git_identity() -> str | None:
    """`Name <email>` from git's configuration, the author a translator's saves name."""
    found = []
    for key in ("user.name", "user.email"):
        try:
            result = subprocess.run(["git", "config", key], capture_output=True, text=True,
                                    check=False, timeout=10, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired):
            return None
        found.append(result.stdout.strip() if result.returncode == 0 else "")
    name, email = found
    if not name:
        return None
    return f"{name} <{email}>" if email else name


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback needs --allow-remote and "
                   "one --translator per person.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535),
              help="Port (0: any free port).")
@click.option("--no-browser", is_flag=True, help="Do not open the editor in a browser.")
@click.option("--allow-remote", is_flag=True,
              help="Allow --host beyond loopback (a team's network: put TLS in front).")
@click.option("--translator", "translators", multiple=True, metavar="'NAME <EMAIL>'",
              help="A translator: each gets a token of their own, and their saves name them "
                   "in Last-Translator (repeatable; default: git's user.name and user.email).")
@click.option("--allowed-host", "hosts", multiple=True, metavar="NAME",
              help="Another host name the editor answers to (the name in front of a TLS "
                   "proxy; repeatable). Requests naming any other host are refused.")
@click.option("--mt", "engines", multiple=True, metavar="ENGINE",
              help="Also draft with this MT engine (repeatable); every engine with an "
                   "[mt.<name>] table in transkit.toml drafts anyway.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, no_browser: bool, allow_remote: bool,
          translators: tuple[str, ...], hosts: tuple[str, ...], engines: tuple[str, ...]
          ) -> None:
    """The translators' web editor: every document's units in all languages side by side,
    checks, memory and MT suggestions, saves straight into the PO files."""
    from ..engines.registry import names
    from ..serve.security import is_loopback, new_token
    from ..serve.server import run

    project = _project(ctx)

    for engine in engines:
        if engine not in names():
            raise InputError(f"unknown MT engine {engine!r} (installed: {', '.join(names())})")
    remote = not is_loopback(host)
    if remote and not allow_remote:
        raise InputError(f"--host {host} is beyond loopback: other machines could reach the "
                         "editor; add --allow-remote (with one --translator per person, and "
                         "TLS in front)")
    if remote and not translators:
        raise InputError("--allow-remote needs one --translator 'NAME <EMAIL>' per person: "
                         "each gets a token, so that every save names its author")
    people = list(dict.fromkeys(translators)) or [
        _git_identity() or os.environ.get("USER") or "transkit serve"]
    for person in people:
        if not person.strip() or any(c in person for c in "\r\n\x00"):
            raise InputError(f"--translator {person!r}: a name on one line")
    tokens = {new_token(): person for person in people}
    shown = "127.0.0.1" if host in ("0.0.0.0", "127.0.0.1") else (
        f"[{host}]" if ":" in host else host)

    def ready(bound: int) -> None:
        if remote:
            click.echo(f"transkit serve: listening on {host}:{bound}, beyond this machine: "
                       "put TLS in front (a reverse proxy) before translators use it over a "
                       "network", err=True)
        for token, person in tokens.items():
            link = f"http://{shown}:{bound}/?token={token}"
            click.echo(link if len(tokens) == 1 else f"{person}: {link}")
        click.echo("transkit serve: Ctrl-C stops it", err=True)
        if not no_browser and not remote and len(tokens) == 1:
            import webbrowser

            webbrowser.open(f"http://{shown}:{bound}/?token={next(iter(tokens))}")

    run(project, host, port, tokens, list(hosts), list(engines), ready)
    click.echo("transkit serve: stopped (saves under way were finished; no file is "
               "half-written)", err=True)
