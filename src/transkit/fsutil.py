"""Atomic file writes and strict, bounded reading: no half-written file, no silent
mojibake, no stale copy over a newer file, no read of a FIFO or a device."""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from .errors import InputError

MAX_INPUT_BYTES = 20 * 1024 * 1024


class Seen(NamedTuple):
    """What a file was when a command read it: its identity, size, modification time and
    the digest of the bytes read. A write that must not replace a newer file carries it."""

    ino: int
    size: int
    mtime_ns: int
    digest: str


class StaleError(InputError):
    """A file changed on disk between the command's read and its write."""

    def __init__(self, path: Path | str):
        super().__init__("changed on disk while transkit was working on it (saved by someone "
                         "else meanwhile): the newer file is left as it is and nothing was "
                         "written; run the command again", path)


def kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def read_seen(path: Path, limit: int = MAX_INPUT_BYTES) -> tuple[bytes, Seen]:
    """The bytes of a regular file and what it was when read. A FIFO, device, socket or
    folder is refused before any read (opened non-blocking: a FIFO never blocks), and so
    is a file over `limit` bytes, whatever its size says when the read starts."""
    data, info = _read_regular(path, limit)
    return data, Seen(info.st_ino, len(data), info.st_mtime_ns, digest(data))


def _read_regular(path: Path, limit: int) -> tuple[bytes, os.stat_result]:
    guard(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise read_error(exc, path) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"is {kind_of(info.st_mode)}, expected a regular file", path)
        if info.st_size > limit:
            raise InputError(f"file is too large ({info.st_size} bytes, limit {limit})", path)
        chunks = []
        total = 0
        while True:  # a file that grows while read is bounded all the same
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise InputError(f"file is too large (over {limit} bytes)", path)
        data = b"".join(chunks)
    except OSError as exc:
        raise read_error(exc, path) from None
    finally:
        os.close(fd)
    return data, info


def unchanged(path: Path, seen: Seen | None) -> bool:
    """Whether `path` still holds what was read as `seen` (None: it was absent). Same
    inode, size and time is taken as unchanged; otherwise the content decides (a `touch`
    or a copy of the same bytes changes nothing)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return seen is None
    if seen is None:
        return False
    if (info.st_ino, info.st_size, info.st_mtime_ns) == (seen.ino, seen.size, seen.mtime_ns):
        return True
    if info.st_size != seen.size or not stat.S_ISREG(info.st_mode):
        return False
    try:
        return read_seen(path, seen.size)[1].digest == seen.digest
    except InputError:
        return False


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


def open_regular(path: Path) -> io.BufferedReader:
    """A regular file opened for reading; a FIFO, device, socket or folder is refused
    without blocking or reading."""
    guard(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise read_error(exc, path) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise InputError(f"is {kind_of(info.st_mode)}, expected a regular file", path)
    return io.BufferedReader(io.FileIO(fd, "rb"))


def atomic_copy(source: Path, path: Path) -> None:
    """A copy of `source` at `path`, written atomically, read in blocks (any size)."""
    import shutil

    with open_regular(source) as handle:
        atomic_write_stream(path, lambda out: shutil.copyfileobj(handle, out, 1 << 20))


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    import hashlib

    with open_regular(path) as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def atomic_write_stream(path: Path, write: Callable[[BinaryIO], object],
                        sync: bool = True) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over `path`
    (`sync=False`: no fsync, for a scratch file another program reads at once).

    The file gets the permissions the umask gives any new file (mkstemp's 0600 would
    hide the catalogues and the site from the team and the web server); the temporary
    file is removed on any failure."""
    _check_target(path)
    tmp, _ = _stage(path, write, sync)
    try:
        os.replace(tmp, path)
    except BaseException:
        _discard([tmp])
        raise


def _check_target(path: Path) -> None:
    guard(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except NotADirectoryError:
        raise InputError("a file stands where a folder of this path should be", path) from None
    except OSError as exc:
        raise write_error(exc, path) from None
    if not stat.S_ISREG(mode):
        raise InputError(f"is {kind_of(mode)}, expected a file (left as it is)", path)


def _stage(path: Path, write: Callable[[BinaryIO], object],
           sync: bool = True) -> tuple[str, os.stat_result]:
    """A temporary file beside `path` holding what `write` writes, synced; errors name
    `path`, never the temporary file."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise write_error(exc, path) from None
    try:
        os.fchmod(fd, file_mode())
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
            info = os.fstat(handle.fileno())
    except BaseException as exc:
        _discard([tmp])
        if isinstance(exc, OSError) and not isinstance(exc, InputError):
            raise write_error(exc, path) from None
        raise
    return tmp, info


def _discard(tmps: list[str]) -> None:
    for tmp in tmps:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass


def write_error(exc: OSError, path: Path) -> InputError:
    """What went wrong writing `path`, as one clear error naming it."""
    import errno

    if exc.errno == errno.ENOSPC:
        return InputError("no space left on device (nothing was half-written)", path)
    if isinstance(exc, PermissionError) or exc.errno == errno.EROFS:
        return InputError(f"cannot write: {exc.strerror} (nothing was written)", path)
    return InputError(f"cannot write: {exc.strerror or exc}", path)


class _Unchecked:
    pass


UNCHECKED = _Unchecked()
Expect = Seen | None | _Unchecked


class Changes:
    """The files one command writes or removes, as one: each staged as a temporary file
    beside its target, then every target compared with what the command read (`expect`:
    the `Seen` of its read, None if it was absent), then all renamed. Anything that fails
    before the renames, a stale target included, leaves every file as it was."""

    def __init__(self) -> None:
        self._writes: list[tuple[Path, bytes, Expect]] = []
        self._removes: list[tuple[Path, Expect]] = []

    def __bool__(self) -> bool:
        return bool(self._writes or self._removes)

    def write(self, path: Path, data: bytes, expect: Expect = UNCHECKED) -> None:
        self._writes.append((path, data, expect))

    def remove(self, path: Path, expect: Expect = UNCHECKED) -> None:
        self._removes.append((path, expect))

    def stale(self) -> list[Path]:
        """Targets that changed since the command read them."""
        targets = [(path, expect) for path, _, expect in self._writes] + self._removes
        return [path for path, expect in targets
                if not isinstance(expect, _Unchecked) and not unchanged(path, expect)]

    def commit(self) -> dict[Path, Seen]:
        """Stage, compare, rename; returns what each written file now is."""
        staged: list[tuple[str, Path]] = []
        written: dict[Path, Seen] = {}
        try:
            for path, data, _ in self._writes:
                _check_target(path)
                tmp, info = _stage(path, lambda handle, d=data: handle.write(d))  # type: ignore[misc]
                staged.append((tmp, path))
                written[path] = Seen(info.st_ino, len(data), info.st_mtime_ns, digest(data))
            for path, _ in self._removes:
                _check_target(path)
            stale = self.stale()
            if stale:
                raise StaleError(stale[0])
        except BaseException:
            _discard([tmp for tmp, _ in staged])
            raise
        self._swap(staged, {path: seen.ino for path, seen in written.items()})
        for path, _ in self._removes:
            path.unlink(missing_ok=True)
        return written

    def _swap(self, staged: list[tuple[str, Path]], staged_inodes: dict[Path, int]) -> None:
        """Put every staged file in place. A checked target is exchanged with its staged
        file in one step (renameat2 RENAME_EXCHANGE) and what was taken out is compared
        with what the command read: a file an editor saved after the comparison above
        and before the swap is found there, and every swap is undone (`StaleError`).
        Where the system cannot exchange, a plain rename follows the comparison."""
        expects = {path: expect for path, _, expect in self._writes}
        done: list[tuple[str, Path, str]] = []  # (tmp, path, how: exchanged/created/replaced)
        try:
            for tmp, path in staged:
                expect = expects[path]
                if isinstance(expect, Seen) and _exchange(tmp, path):
                    done.append((tmp, path, "exchanged"))
                    if not unchanged(Path(tmp), expect):
                        raise StaleError(path)
                    continue
                if expect is None and _create(tmp, path):
                    done.append((tmp, path, "created"))
                    continue
                os.replace(tmp, path)
                done.append((tmp, path, "replaced"))
        except BaseException as exc:
            self._undo(done, staged_inodes)
            _discard([tmp for tmp, _ in staged])
            if isinstance(exc, OSError) and not isinstance(exc, InputError):
                raise write_error(exc, path) from None
            raise
        _discard([tmp for tmp, _, how in done if how == "exchanged"])  # the old files

    @staticmethod
    def _undo(done: list[tuple[str, Path, str]], staged_inodes: dict[Path, int]) -> None:
        """Take back the swaps made before a stale target was found, each only while the
        target still holds the file this command put there: one someone saved since
        stays (the old file taken out is then simply dropped)."""
        for tmp, path, how in reversed(done):
            try:
                ours = os.stat(path).st_ino == staged_inodes[path]
            except OSError:
                continue
            if not ours:
                continue
            if how == "exchanged":
                _exchange(tmp, path)  # the file read back in place; ours goes to tmp
            elif how == "created":
                path.unlink(missing_ok=True)


_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2


def _renameat2(source: str, target: Path, flag: int) -> int | None:
    """renameat2(2) with `flag`: 0 done, an errno, or None where it does not exist."""
    import ctypes

    global _RENAMEAT2
    if _RENAMEAT2 is None:
        try:
            function = ctypes.CDLL(None, use_errno=True).renameat2
            function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                                 ctypes.c_uint]
            _RENAMEAT2 = function
        except (AttributeError, OSError):
            _RENAMEAT2 = False
    if _RENAMEAT2 is False:
        return None
    at_fdcwd = -100
    result = _RENAMEAT2(at_fdcwd, os.fsencode(source), at_fdcwd, os.fsencode(target), flag)
    return 0 if result == 0 else ctypes.get_errno()


_RENAMEAT2: Any = None


def _exchange(tmp: str, path: Path) -> bool:
    """Swap the two files in one step; False where the system or file system cannot."""
    import errno

    result = _renameat2(tmp, path, _RENAME_EXCHANGE)
    if result == 0:
        return True
    if result in (None, errno.EINVAL, errno.ENOSYS, errno.ENOENT, errno.EPERM):
        return False
    raise OSError(result, os.strerror(result), str(path))


def _create(tmp: str, path: Path) -> bool:
    """Rename only if nothing stands at `path` (someone may have created it meanwhile:
    `StaleError`); False where the system cannot say."""
    import errno

    result = _renameat2(tmp, path, _RENAME_NOREPLACE)
    if result == 0:
        return True
    if result == errno.EEXIST:
        raise StaleError(path)
    if result in (None, errno.EINVAL, errno.ENOSYS, errno.EPERM):
        return False
    raise OSError(result, os.strerror(result), str(path))


def atomic_write_all(files: list[tuple[Path, bytes]]) -> None:
    """Write several files as one (see `Changes`)."""
    changes = Changes()
    for path, data in files:
        changes.write(path, data)
    changes.commit()


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


ALLOW_OUTSIDE_ENV = "TRANSKIT_ALLOW_OUTSIDE"


def confine(root: Path, path: Path, allow_outside: bool = False) -> Path:
    """`path`, refused when it resolves outside the project folder `root` (resolved) —
    through `..` or a symbolic link — unless the user allowed it explicitly; a link
    loop is refused too. Nothing transkit reads, writes or deletes in the project
    escapes it by a name or a link someone committed."""
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: Python 3.11's loop report
        raise InputError("symbolic link loop", path) from None
    if allow_outside or real == root or root in real.parents:
        return path
    raise InputError(f"leads outside the project (to {real}): refused; run with "
                     f"--allow-outside (or {ALLOW_OUTSIDE_ENV}=1) if that is meant", path)


# The project every read and write of this process is confined to (set by load_config):
# a path inside it by name must stay inside it once links are followed. Paths the user
# names outside the project (an export, a memory to import) are theirs to name.
_PROJECT: tuple[str, bool] | None = None


def set_project(root: Path, allow_outside: bool) -> None:
    global _PROJECT
    _PROJECT = (str(root), allow_outside)


def guard(path: Path) -> None:
    """Refuse `path` when it lies in the project by name but leads outside it."""
    if _PROJECT is None or _PROJECT[1]:
        return
    root = _PROJECT[0]
    name = os.path.abspath(path)
    if name != root and not name.startswith(root + os.sep):
        return
    real = os.path.realpath(name)
    if real != root and not real.startswith(root + os.sep):
        if os.path.islink(name) or real != name:
            confine(Path(root), path, False)


def read_bytes(path: Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """A regular file's bytes, at most `limit` (see `read_seen`; no digest taken)."""
    return _read_regular(path, limit)[0]


def read_error(exc: OSError, path: Path) -> InputError:
    """What went wrong reading `path`, as one clear error."""
    import errno

    if isinstance(exc, FileNotFoundError):
        return InputError("no such file", path)
    if isinstance(exc, IsADirectoryError):
        return InputError("is a directory, expected a file", path)
    if isinstance(exc, PermissionError):
        return InputError("permission denied", path)
    if exc.errno == errno.ELOOP:
        return InputError("symbolic link loop", path)
    if isinstance(exc, NotADirectoryError):
        return InputError("a file stands where a folder of this path should be", path)
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
