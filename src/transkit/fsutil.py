"""Atomic file writes and strict reading: no half-written file, no silent mojibake."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .errors import InputError

MAX_INPUT_BYTES = 20 * 1024 * 1024


def _umask() -> int:
    mask = os.umask(0o022)  # the only way to read it: set, then restore at once
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The permissions a new ordinary file gets under the user's umask (0644 under 022)."""
    return 0o666 & ~_umask()


def atomic_write_bytes(path: Path, data: bytes, sync: bool = True) -> None:
    """`data` written to `path` atomically (see `atomic_write_stream`)."""
    atomic_write_stream(path, lambda handle: handle.write(data), sync)


def atomic_copy(source: Path, path: Path) -> None:
    """A copy of `source` at `path`, written atomically, read in blocks (any size)."""
    import shutil

    with open(source, "rb") as handle:
        atomic_write_stream(path, lambda out: shutil.copyfileobj(handle, out, 1 << 20))


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    import hashlib

    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def atomic_write_stream(path: Path, write: Callable[[BinaryIO], object],
                        sync: bool = True) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over `path`
    (`sync=False`: no fsync, for a scratch file another program reads at once).

    The file gets the permissions the umask gives any new file (mkstemp's 0600 would
    hide the catalogues and the site from the team and the web server); the temporary
    file is removed on any failure."""
    import stat
    import tempfile

    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except NotADirectoryError:
        raise InputError("a file stands where a folder of this path should be", path) from None
    if mode is not None and not stat.S_ISREG(mode):
        what = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
        raise InputError(f"is {what}, expected a file (left as it is)", path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, file_mode())
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_all(files: list[tuple[Path, bytes]]) -> None:
    """Write several files as one: every temporary file written and synced first (a
    failure removes them all and leaves every file as it was), then all renamed."""
    import tempfile

    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            if path.exists() and not path.is_file():
                raise InputError("is not a regular file, expected a file (left as it is)", path)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            staged.append((tmp, path))
            os.fchmod(fd, file_mode())
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
    except BaseException:
        for tmp, _ in staged:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        raise
    for tmp, path in staged:
        os.replace(tmp, path)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def read_bytes(path: Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(f"file is too large ({size} bytes, limit {limit})", path)
        return path.read_bytes()
    except OSError as exc:
        raise read_error(exc, path) from None


def read_error(exc: OSError, path: Path) -> InputError:
    """What went wrong reading `path`, as one clear error."""
    if isinstance(exc, FileNotFoundError):
        return InputError("no such file", path)
    if isinstance(exc, IsADirectoryError):
        return InputError("is a directory, expected a file", path)
    if isinstance(exc, PermissionError):
        return InputError("permission denied", path)
    return InputError(f"cannot read: {exc.strerror}", path)


def decode_utf8(data: bytes, path: Path | str) -> str:
    """Decode strictly; on failure name the line of the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", path, line
        ) from None
    return text.removeprefix("\ufeff")


def read_text(path: Path, limit: int = MAX_INPUT_BYTES) -> str:
    return decode_utf8(read_bytes(path, limit), path)
