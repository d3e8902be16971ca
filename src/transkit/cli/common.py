"""What every command shares: errors turned into `file:line: reason` and an exit code in
one place, progress on a terminal, the project's configuration."""

from __future__ import annotations

import errno
import functools
import os
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
            if exc.path is not None:
                exc.path = _shown(exc.path)  # one format: paths as the user types them
            click.echo(_safe(f"{exc}" if exc.path else f"transkit: error: {exc}"), err=True)
            sys.exit(exc.exit_code)
        except UnicodeError:
            click.echo("transkit: error: an argument, a file name or a variable is not valid "
                       "UTF-8", err=True)
            sys.exit(2)
        except OSError as exc:
            # A fault of the machine or of a path (a folder where a file should be, a full
            # disk): every write is atomic, so each file is as it was or as it should be.
            reason = exc.strerror or " ".join(str(exc).split()) or type(exc).__name__
            if exc.errno == errno.ENOSPC:
                reason = "no space left on device (no file was half-written)"
            where = exc.filename
            click.echo(_safe(f"{_shown(where)}: {reason}" if where is not None
                             else f"transkit: error: {reason}"), err=True)
            sys.exit(2)
        except Exception as exc:
            module = type(exc).__module__
            reason = " ".join(str(exc).split()) or type(exc).__name__
            if module.startswith("psycopg"):
                # The server went away or refused mid-command.
                click.echo(_safe(f"transkit: error: translation memory server: {reason}"),
                           err=True)
            elif module == "sqlite3":
                click.echo(_safe(f"transkit: error: translation memory: {reason}"), err=True)
            else:
                raise
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


# Where credentials come from: never printed, whatever message carries them (and those
# the MT engines declare: registry.secret_environment).
SECRET_URLS = ("TRANSKIT_TM_URL",)
SECRET_KEYS = ("PGPASSWORD",)


def _safe(message: str) -> str:
    from ..mt.registry import secret_environment
    from ..redact import scrub

    urls, keys = secret_environment()
    message = scrub(message, *(os.environ.get(name, "") for name in SECRET_URLS + urls),
                    keys=tuple(os.environ.get(name, "") for name in SECRET_KEYS + keys))
    # Text that is not UTF-8 (an argument, a file name) is shown, never a crash.
    return message.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _shown(path: object) -> str:
    """A path as the user sees it: relative to the working folder when inside it."""
    from pathlib import Path

    text = os.fsdecode(path) if isinstance(path, (str, bytes)) else str(path)
    try:
        return Path(text).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return text


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


def locked(config: Config) -> Any:
    """The project lock as the command line asked for it (`--no-wait` fails at once)."""
    from ..project import project_lock

    ctx = click.get_current_context(silent=True)
    no_wait = bool(ctx and ctx.find_root().obj and ctx.find_root().obj.get("no_wait"))

    def say(message: str) -> None:
        click.echo(f"transkit: {message}", err=True)

    return project_lock(config, wait=not no_wait, on_wait=say)
