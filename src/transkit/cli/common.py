"""What every command shares: errors turned into `file:line: reason` and an exit code in
one place, progress on a terminal, the project's configuration."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..config import Config, load_config
from ..errors import GateError, TranskitError

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
        except Exception as exc:
            if not type(exc).__module__.startswith("psycopg"):
                raise
            # The server went away or refused mid-command (the URL is not in the message).
            reason = " ".join(str(exc).split()) or type(exc).__name__
            click.echo(f"transkit: error: translation memory server: {reason}", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def progress(label: str) -> Callable[[str], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(item: str) -> None:
        click.echo(f"\r\x1b[K{label} {item}", err=True, nl=False)

    return show


def done_progress() -> None:
    if sys.stderr.isatty():
        click.echo("\r\x1b[K", err=True, nl=False)


def config_of(ctx: click.Context) -> Config:
    return load_config(ctx.obj.get("root"))
