"""What every command shares: errors turned into `file:line: reason` and an exit code in
one place, progress on a terminal, the project's configuration."""

from __future__ import annotations

import errno
import io
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import click

from ..errors import GateError, TranskitError
from ..project import Project


def converted(exc: Exception) -> int | None:
    """The one conversion of every command's errors (called by the main group): a
    library error becomes `file:line: reason` on stderr, paths as the user types them,
    secrets scrubbed; returns the exit code (2, 1 for gates), or None for what is not
    transkit's to say (click's own exceptions, a bug: raised as they are)."""
    done_progress()  # the error on a line of its own
    if isinstance(exc, OSError) and exc.filename is None and exc.errno in _OUTPUT_ERRNOS:
        return output_failed(exc)  # the output itself failed (stdout full or closed)
    if isinstance(exc, GateError):
        click.echo(f"transkit: {exc.message}:", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem.text()}", err=True)
        return exc.exit_code
    if isinstance(exc, TranskitError):
        if exc.path is not None:
            exc.path = _shown(exc.path)
        click.echo(_safe(f"{exc}" if exc.path else f"transkit: error: {exc}"), err=True)
        return exc.exit_code
    if isinstance(exc, UnicodeError):
        click.echo("transkit: error: an argument, a file name or a variable is not valid "
                   "UTF-8", err=True)
        return 2
    if isinstance(exc, OSError):
        # A fault of the machine or of a path (a folder where a file should be, a full
        # disk): every write is atomic, so each file is as it was or as it should be.
        reason = exc.strerror or " ".join(str(exc).split()) or type(exc).__name__
        if exc.errno == errno.ENOSPC:
            reason = "no space left on device (no file was half-written)"
        elif exc.errno == errno.ELOOP:
            reason = "symbolic link loop"
        where = exc.filename
        click.echo(_safe(f"{_shown(where)}: {reason}" if where is not None
                         else f"transkit: error: {reason}"), err=True)
        return 2
    module = type(exc).__module__
    reason = " ".join(str(exc).split()) or type(exc).__name__
    if module.startswith("psycopg"):
        # The server went away or refused mid-command.
        click.echo(_safe(f"transkit: error: translation memory server: {reason}"), err=True)
        return 2
    if module == "sqlite3":
        click.echo(_safe(f"transkit: error: translation memory: {reason}"), err=True)
        return 2
    return None


# Where credentials come from: never printed, whatever message carries them (and those
# the MT engines declare: registry.secret_environment).
SECRET_URLS = ("TRANSKIT_TM_URL",)
SECRET_KEYS = ("PGPASSWORD",)


def _safe(message: str) -> str:
    from ..engines.registry import secret_environment
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
    try:  # by name only: a link loop or a missing folder must not stop the message
        return Path(os.path.abspath(text)).relative_to(Path(os.getcwd())).as_posix()
    except (ValueError, OSError):
        return text


# How much the command says besides its result and its errors: -1 (-q: no progress, no
# warnings), 0, 1 (-v: every detail, such as each unit a build shows in the source).
VERBOSITY = 0
PROGRESS_AFTER_ENV = "TRANSKIT_PROGRESS_AFTER"  # seconds before progress shows (2)


def set_verbosity(level: int) -> None:
    global VERBOSITY
    VERBOSITY = level


def warn(message: str) -> None:
    """A warning on stderr (`-q` silences it: errors and results still show)."""
    if VERBOSITY >= 0:
        click.echo(f"warning: {message}", err=True)


class Progress:
    """What a long command is at, on a terminal's stderr: the current item, how many of
    how many, the time so far. Quick commands show nothing: the line appears once the
    command has run PROGRESS_AFTER seconds (2; TRANSKIT_PROGRESS_AFTER), and a ticker
    redraws it each second, so one long step (a page pair being aligned) shows it lives."""

    def __init__(self, label: str, total: int | None = None):
        import threading
        import time

        self.label, self.total = label, total
        self.item, self.count = "", 0
        self.start = time.monotonic()
        try:
            self.after = float(os.environ.get(PROGRESS_AFTER_ENV, "2"))
        except ValueError:
            self.after = 2.0
        self.shown = False
        self._paused = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, daemon=True)
        self._ticker.start()

    def __call__(self, item: str) -> None:
        with self._lock:
            self.item, self.count = item, self.count + 1
        self._draw()

    def _tick(self) -> None:
        while not self._stop.wait(0.25 if not self.shown else 1.0):
            self._draw()

    def _draw(self) -> None:
        import time

        elapsed = time.monotonic() - self.start
        if elapsed < self.after or self._stop.is_set():
            return
        with self._lock:
            if self._paused:
                return
            of = f" [{self.count}/{self.total}]" if self.total else ""
            line = f"\r\x1b[K{self.label}{of} {self.item} ({int(elapsed)} s)"
            try:
                click.echo(line, err=True, nl=False)
                self.shown = True
            except (OSError, ValueError):
                self._stop.set()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """The line cleared while the command prints (its lines are not cut into), drawn
        again after."""
        with self._lock:
            self._paused = True
            if self.shown:
                click.echo("\r\x1b[K", err=True, nl=False)
                self.shown = False
        try:
            yield
        finally:
            self._paused = False

    def close(self) -> None:
        self._stop.set()
        self._ticker.join(timeout=2)
        with self._lock:
            if self.shown:
                click.echo("\r\x1b[K", err=True, nl=False)
                self.shown = False


_CURRENT: list[Progress] = []


def progress_line(label: str, total: int | None = None) -> Progress | None:
    """A progress line for a command that may take long (None: not on a terminal, or
    `-q`); `done_progress` clears it."""
    if VERBOSITY < 0 or not sys.stderr.isatty():
        return None
    done_progress()
    shown = Progress(label, total)
    _CURRENT.append(shown)
    return shown


def progress(label: str, total: int | None = None) -> Callable[[str], None] | None:
    """`progress_line` as the callback the library's long functions take."""
    return progress_line(label, total)


def done_progress() -> None:
    while _CURRENT:
        _CURRENT.pop().close()


def project_of(ctx: click.Context) -> Project:
    """The project the command runs in (-C, --allow-outside), its configuration read."""
    root = ctx.find_root().obj or {}
    return Project.load(root.get("root"), root.get("allow_outside"))


@contextmanager
def store_of(project: Project) -> Iterator[Any]:
    """The project's translation memory, closed however the command ends."""
    from ..memory import open_store

    store = open_store(project)
    try:
        yield store
    finally:
        store.close()


def locked(project: Project) -> Any:
    """The project lock as the command line asked for it (`--no-wait` fails at once)."""

    ctx = click.get_current_context(silent=True)
    no_wait = bool(ctx and ctx.find_root().obj and ctx.find_root().obj.get("no_wait"))

    def say(message: str) -> None:
        click.echo(f"transkit: {message}", err=True)

    return project.lock(wait=not no_wait, on_wait=say)


# --- the process: what the terminal is shown, Ctrl-C, output that cannot be written --------

# Characters a terminal acts on (C0 but tab and newline, DEL, C1: escape sequences retitle
# or rewrite the screen) and bidirectional controls (they reorder what follows, so a line
# reads as something it is not). Text from files is shown with them escaped; the one
# sequence transkit writes itself (progress: CR, erase line) passes.
_TERMINAL_UNSAFE = re.compile("\r\x1b\\[K|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e"
                              "\u2066-\u2069]")


def _escape_unsafe(match: re.Match[str]) -> str:
    found = match.group()
    if len(found) > 1:
        return found
    code = ord(found)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    return _TERMINAL_UNSAFE.sub(_escape_unsafe, text)


class SafeStream(io.TextIOBase):
    """stdout or stderr as transkit writes them: control characters escaped, whatever
    command prints what text (JSON and SARIF escape them already as their formats do)."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._stream.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self._stream.errors

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError("text only")
        self._stream.write(terminal_safe(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    @property
    def buffer(self) -> Any:
        """The bytes underneath, for output already escaped by its format (JSON lines)."""
        return self._stream.buffer

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    def writable(self) -> bool:
        return True


def run_command(main: click.Group) -> None:
    """The `transkit` process: the command group run with terminal-safe output; Ctrl-C
    ends with one line and exit code 130; output that cannot be written (a closed or
    full stdout) is one error, exit code 2; a closed pipe (`| head`) is not an error."""
    import signal

    if sys.stdout is None:  # started with stdout closed (`>&-`): nothing could be said
        if sys.stderr is not None:
            sys.stderr.write("transkit: error: standard output is closed\n")
        sys.exit(2)
    sys.stdout = SafeStream(sys.stdout)
    if sys.stderr is not None:
        sys.stderr = SafeStream(sys.stderr)
    code = 0
    try:
        main.main(prog_name="transkit", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C while we say so
        _last_words("transkit: interrupted (every file is as it was or whole and new)")
        code = 130
    except OSError as exc:
        failed = output_failed(exc)
        if failed is None:
            raise
        code = failed
    try:
        sys.stdout.flush()
    except OSError as exc:
        code = output_failed(exc) or 2
    _quiet_exit(code)


_OUTPUT_ERRNOS = (errno.EPIPE, errno.ENOSPC, errno.EBADF, errno.EIO, errno.EFBIG)


def output_failed(exc: OSError) -> int | None:
    """The exit code for output that could not be written (None: not an output error):
    0 for a reader that had enough (`transkit check --list | head`), else one line, 2."""
    if exc.filename is not None or exc.errno not in _OUTPUT_ERRNOS:
        return None
    if exc.errno == errno.EPIPE:
        try:  # nothing more reaches the reader, and the final flush must not fail
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ else 1)
        except (OSError, ValueError):
            pass
        return 0
    _last_words(f"transkit: error: cannot write the output: {exc.strerror or exc}")
    return 2


def _last_words(message: str) -> None:
    try:
        if sys.stderr is not None:
            sys.stderr.write(message + "\n")
            sys.stderr.flush()
    except OSError:
        pass


def _quiet_exit(code: int) -> None:
    """Exit without the interpreter's own flush of a stdout that failed (which would
    print 'Exception ignored' and change the exit code)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
